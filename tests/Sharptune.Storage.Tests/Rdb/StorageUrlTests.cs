using Sharptune.Storages.Postgres;
using Sharptune.Storages.Tests.Support;

namespace Sharptune.Storages.Tests.Rdb;

public sealed class StorageUrlTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("sqlite:///relative.db", "relative.db", null)]
    [InlineData("sqlite:////abs/path.db", "/abs/path.db", null)]
    [InlineData("sqlite:///:memory:", ":memory:", null)]
    [InlineData("sqlite://", ":memory:", null)]
    [InlineData("sqlite:///dir/with%20space.db?timeout=2.5", "dir/with space.db", 2.5)]
    [InlineData("sqlite+pysqlite:///x.db", "x.db", null)]
    public void SqliteUrls_ParseAsSqlAlchemyDoes(string url, string path, double? timeoutSeconds)
    {
        var (p, timeout) = StorageUrl.ParseSqlite(url);
        Assert.Equal(path, p);
        Assert.Equal(timeoutSeconds, timeout?.TotalSeconds);
    }

    [Theory]
    [InlineData("sqlite:///x.db?mode=ro", "Unsupported argument 'mode=ro'")]
    [InlineData("sqlite://host/x.db", "has a host or user part")]
    [InlineData("mysql://u:secret@h/db", "MySQL")]
    [InlineData("oracle://h/db", "Unknown storage URL scheme 'oracle'")]
    [InlineData("sharptune.db", "is not a storage URL")]
    public void BadUrls_AreRefusedWithAReason(string url, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => StorageFactory.FromUrl(url));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionsOfAnotherKind_AreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => StorageFactory.FromUrl("sqlite:///:memory:", new JournalStorageOptions()));
        Assert.Contains(nameof(RdbStorageOptions), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SqliteDirectoryMustExist()
    {
        var e = Assert.Throws<ArgumentException>(() => new RdbStorage("sqlite:///" + _dir.File("missing/x.db")));
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgresUrls_BecomeConnectionStrings()
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString("postgresql+psycopg2://us%40er:p%3Ass@db.example:6543/optuna?sslmode=require&options=-csearch_path%3Dx&application_name=st"));
        Assert.Equal("us@er", b.Username);
        Assert.Equal("p:ss", b.Password);
        Assert.Equal("db.example", b.Host);
        Assert.Equal(6543, b.Port);
        Assert.Equal("optuna", b.Database);
        Assert.Equal(Npgsql.SslMode.Require, b.SslMode);
        Assert.Equal("-csearch_path=x", b.Options);
        Assert.Equal("st", b.ApplicationName);
        var local = new Npgsql.NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString("postgres:///db"));
        Assert.Equal("localhost", local.Host);
        Assert.Contains("the argument 'foo=1' is not supported", Assert.Throws<ArgumentException>(() => PostgresUrl.ToConnectionString("postgresql://h/db?foo=1")).Message, StringComparison.Ordinal);
        Assert.Contains("the port '99999' is not a number from 1 to 65535", Assert.Throws<ArgumentException>(() => PostgresUrl.ToConnectionString("postgresql://h:99999/db")).Message, StringComparison.Ordinal);
        Assert.Equal("postgresql://u:***@h/db", PostgresUrl.Redact("postgresql://u:secret@h/db"));
    }

    [Theory]
    [InlineData("postgresql://u:secret@h:5432/db", "postgresql://u:***@h:5432/db")]
    [InlineData("postgresql://u:p@ss@h/db", "postgresql://u:***@h/db")]
    [InlineData("postgresql://u@h/db?options=a@b", "postgresql://u@h/db?options=a@b")]
    [InlineData("redis://secret@h:6379/0", "redis://***@h:6379/0")]
    [InlineData("rediss://user:secret@h", "rediss://***@h")]
    [InlineData("sqlite:///dir@x/a.db", "sqlite:///dir@x/a.db")]
    [InlineData("no scheme", "no scheme")]
    public void Passwords_AreMaskedInEveryStorageUrl(string url, string redacted) => Assert.Equal(redacted, UrlText.Redact(url));

    [Fact]
    public void StudyApi_AcceptsUrlsWhereverItAcceptsStorages()
    {
        string url = "sqlite:///" + _dir.File("api.db");
        var study = Study.Create(new StudyOptions { StorageUrl = url, StudyName = "by-url" });
        study.Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 3);
        Assert.IsType<RdbStorage>(study.Storage);
        ((IDisposable)study.Storage).Dispose();

        Assert.Equal(["by-url"], Study.GetAllStudyNames(url));
        Assert.Equal(3, Study.GetAllStudySummaries(url)[0].NTrials);
        var loaded = Study.Load("by-url", url);
        Assert.Equal(3, loaded.Trials.Count);
        ((IDisposable)loaded.Storage).Dispose();
        string copyUrl = "sqlite:///" + _dir.File("copy.db");
        Study.Copy("by-url", url, copyUrl, "copied");
        Assert.Equal(["copied"], Study.GetAllStudyNames(copyUrl));
        Study.Delete("by-url", url);
        Assert.Empty(Study.GetAllStudyNames(url));
        Assert.Throws<KeyNotFoundException>(() => Study.Load("by-url", url));

        var both = Assert.Throws<ArgumentException>(() => Study.Create(new StudyOptions { StorageUrl = url, Storage = new InMemoryStorage() }));
        Assert.Contains("Specify only one of `Storage` and `StorageUrl`.", both.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RdbStorage_RefusesANonRelationalUrl()
    {
        var e = Assert.Throws<ArgumentException>(() => new RdbStorage("redis://127.0.0.1:6379"));
        Assert.Contains("does not name a relational database", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeartbeatOptions_AreValidated()
    {
        Assert.Contains("HeartbeatInterval", Assert.Throws<ArgumentOutOfRangeException>(() => new RdbStorageOptions { HeartbeatInterval = TimeSpan.Zero }).Message, StringComparison.Ordinal);
        Assert.Contains("GracePeriod", Assert.Throws<ArgumentOutOfRangeException>(() => new JournalStorageOptions { GracePeriod = TimeSpan.FromSeconds(-1) }).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryFailedTrialCallback(maxRetry: -1));
        var options = new RdbStorageOptions { HeartbeatInterval = TimeSpan.FromSeconds(5) };
        Assert.Null(options.GracePeriod);
        using var s = new RdbStorage("sqlite:///:memory:", options);
        Assert.Equal(TimeSpan.FromSeconds(10), s.GracePeriod);
    }
}
