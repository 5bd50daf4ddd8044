using Sharptune.Storages.Postgres;
using Sharptune.Storages.Redis;
using Sharptune.Storages.Tests.Support;

namespace Sharptune.Storages.Tests.Hardening;

/// <summary>
/// Issue #14, item 4: no credential of a storage URL or connection string appears in any exception (message, inner
/// exceptions, <c>ToString()</c>), in a storage's <c>ToString()</c> or in a masked URL — whatever its shape.
/// </summary>
public sealed class CredentialMaskingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// The corpus: an input, the pieces of its secret that must never show (each at least 4 characters), and how
    /// it is opened. Every secret is distinctive, so finding one in an output is a leak, never a coincidence.
    /// </summary>
    public static TheoryData<string, string, string> Corpus => new()
    {
        // PostgreSQL URLs (the refused port 1 makes the connection fail at once).
        { "postgres", "postgresql://tuner:Qxv7#Wkzp@127.0.0.1:1/db", "Qxv7|Wkzp" },
        { "postgres", "postgresql://tuner:Hqle/Bvmn@127.0.0.1:1/db", "Hqle|Bvmn" },
        { "postgres", "postgresql://tuner:Jwqp?Rtzk@127.0.0.1:1/db", "Jwqp|Rtzk" },
        { "postgres", "postgresql://tuner:Mzxq@Lpvw@127.0.0.1:1/db", "Mzxq|Lpvw" },
        { "postgres", "postgresql://tuner:Nbvc%40Yhgf@127.0.0.1:1/db", "Nbvc|Yhgf" },
        { "postgres", "postgresql://tuner:Kjhg:Tyre@127.0.0.1:1/db", "Kjhg|Tyre" },
        { "postgres", "postgresql://tuner:Plmk%2FOkij%3F%23@127.0.0.1:1/db", "Plmk|Okij" },
        { "postgres", "postgresql://:Uhbg#Ytfv/x@127.0.0.1:1/db", "Uhbg|Ytfv" },
        { "postgres", "postgresql+psycopg2://tuner:Wsxc;Edcr@[::1]:1/db?sslmode=disable", "Wsxc|Edcr" },
        { "postgres", "postgresql://tuner@127.0.0.1:1/db?password=Rfvt%23Gbyh", "Rfvt|Gbyh" },
        { "postgres", "postgresql://tuner:Zaqw#Sxde@[::1/db", "Zaqw|Sxde" },
        { "postgres", "postgresql://tuner:Cdev/Frbg@host:abc/db", "Cdev|Frbg" },
        { "postgres", "postgresql://tuner:Vfrt?Bgty@127.0.0.1:1/db?connect_timeout=abc", "Vfrt|Bgty" },
        { "postgres", "postgresql://tuner:Nhyu@Mjki@127.0.0.1:1/db?unknown=1", "Nhyu|Mjki" },
        { "postgres", "postgresql://sharptune:Lkoi#Wrong@127.0.0.1:5432/sharptune_test", "Lkoi|Wrong" },

        // Npgsql connection strings.
        { "postgres", "Host=127.0.0.1;Port=1;Username=tuner;Password=Poiu#Lkjh;Database=db", "Poiu|Lkjh" },
        { "postgres", "Host=127.0.0.1;Port=1;Username=tuner;Password=\"Mnbv;Cxzl\";Database=db", "Mnbv|Cxzl" },
        { "postgres", "Host=127.0.0.1;Port=1;Password=Qaws;Edrf;Username=tuner", "Qaws|Edrf" },
        { "postgres", "Host=127.0.0.1;Port=1;Pwd=Tgyh@Ujik;Username=tuner", "Tgyh|Ujik" },
        { "postgres", "Host=127.0.0.1;Port=notaport;Password=Olpk/Ijuh", "Olpk|Ijuh" },
        { "postgres", "Host=127.0.0.1;Nonsense Key=1;Password=Wqas#Zxcv", "Wqas|Zxcv" },

        // Redis URLs.
        { "redis", "redis://Yhnm#Ujmk@127.0.0.1:1/0", "Yhnm|Ujmk" },
        { "redis", "redis://worker:Ikol/Pzxa@127.0.0.1:1/0", "Ikol|Pzxa" },
        { "redis", "rediss://:Qwsa@Erdf@127.0.0.1:1", "Qwsa|Erdf" },
        { "redis", "redis://:Tyhg?Bnvc@127.0.0.1:1/notanumber", "Tyhg|Bnvc" },
        { "redis", "redis://:Zxsw#Cdfe@[::1:6379/0", "Zxsw|Cdfe" },
        { "redis", "redis://:Lmnb%23Vcxz@127.0.0.1:1/0?prefix=p&token=Hgfd%40Sawq", "Lmnb|Vcxz|Hgfd|Sawq" },
        { "redis", "redis://:Mkjn#Wrong@127.0.0.1:6379/0", "Mkjn|Wrong" },

        // Other schemes and forms, through StorageFactory.FromUrl.
        { "url", "sqlite://tuner:Oiuy#Lkjb@/x.db", "Oiuy|Lkjb" },
        { "url", "sqlite:///x.db?password=Bvcx%40Nmlk", "Bvcx|Nmlk" },
        { "url", "mysql://tuner:Ujhy/Tgrf@db/optuna", "Ujhy|Tgrf" },
        { "url", "oracle://tuner:Kiuj?Mnhb@db/optuna", "Kiuj|Mnhb" },
        { "url", "tuner:Wedc#Rfvb@db/optuna", "Wedc|Rfvb" },
        { "url", "postgresql://tuner:Xdrt@Cfty@127.0.0.1:1/db", "Xdrt|Cfty" },
        { "url", "redis://:Vgyb#Nhuj@127.0.0.1:1/0", "Vgyb|Nhuj" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void NoOutputShowsTheSecret(string how, string input, string secret)
    {
        string[] pieces = secret.Split('|');
        Assert.All(pieces, p => Assert.True(p.Length >= 4));
        var outputs = new List<string> { UrlText.Redact(input), PostgresUrl.Redact(input) };
        object? opened = null;
        try
        {
            opened = how switch
            {
                "postgres" => PostgresStorage.Open(input),
                "redis" => new JournalRedisBackend(input),
                _ => StorageFactory.FromUrl(input),
            };
        }
        catch (Exception e)
        {
            outputs.Add(e.ToString());
            for (var inner = e; inner is not null; inner = inner.InnerException)
            {
                outputs.Add(inner.Message);
            }
        }

        if (opened is not null)
        {
            outputs.Add(opened.ToString()!);
            (opened as IDisposable)?.Dispose();
        }

        foreach (string output in outputs)
        {
            foreach (string piece in pieces)
            {
                Assert.False(output.Contains(piece, StringComparison.Ordinal), $"'{piece}' leaked in: {output}");
            }
        }
    }

    [Fact]
    public void TheCorpusHasAtLeastTwentyShapes() => Assert.True(Corpus.Count >= 20);

    [Theory]
    [InlineData("postgresql://u:pa#ss@h/db", "u", "pa#ss", "h", null, "db")]
    [InlineData("postgresql://u:se/cret@h:5432/db", "u", "se/cret", "h", 5432, "db")]
    [InlineData("postgresql://u:p?w@h/db", "u", "p?w", "h", null, "db")]
    [InlineData("postgresql://u:p:w@h/db", "u", "p:w", "h", null, "db")]
    [InlineData("postgresql://u:p%40ss@h/db", "u", "p@ss", "h", null, "db")]
    [InlineData("postgresql://u:p@ss@h/db", "u", "p@ss", "h", null, "db")]
    [InlineData("postgresql://u@x:pw@h/db", "u@x", "pw", "h", null, "db")]
    [InlineData("postgresql://u:@h/db", "u", "", "h", null, "db")]
    [InlineData("postgresql://:pw@h/db", "", "pw", "h", null, "db")]
    [InlineData("postgresql://u:p w@[::1]:5432/db?x=1", "u", "p w", "::1", 5432, "db")]
    [InlineData("postgresql://u:pw@h/d@b?o=a@b", "u", "pw", "h", null, "d@b")]
    [InlineData("postgresql://u:pw@/db", "u", "pw", null, null, "db")]
    [InlineData("postgresql://h:5432/db", null, null, "h", 5432, "db")]
    public void UrlsAreSplitAsSqlAlchemySplitsThem(string url, string? user, string? password, string? host, int? port, string? database)
    {
        // The expected parts are SQLAlchemy 1.4's make_url, except "p@ss@h" (SQLAlchemy: password "p", host "ss@h").
        var parts = UrlText.Parse(url, "PostgreSQL");
        Assert.Equal((user, password, host, port, database), (parts.User, parts.Password, parts.Host, parts.Port, parts.Database));
    }

    [Fact]
    public void PasswordsWithSpecialCharactersReachTheServer()
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString("postgresql://u:pa#s/s?w:d@db.example:6543/optuna?sslmode=require"));
        Assert.Equal("pa#s/s?w:d", b.Password);
        Assert.Equal("db.example", b.Host);
        Assert.Equal(6543, b.Port);
        Assert.Equal("optuna", b.Database);
        Assert.Equal(PostgresUrl.DefaultConnectTimeoutSeconds, b.Timeout);
    }

    [Theory]
    [InlineData("Host=h;Username=u;Password=secret;Database=d", "Host=h;Username=u;Password=***;Database=d")]
    [InlineData("Host=h;Password=\"se;cret\";Database=d", "Host=h;Password=***;Database=d")]
    [InlineData("Host=h;Password=se;cret;Database=d", "Host=h;Password=***;Database=d")]
    [InlineData("Server=h;User ID=u;PWD=x@y", "Server=h;User ID=u;PWD=***")]
    [InlineData("postgresql://u:pw@h/db?sslmode=require&password=x", "postgresql://u:***@h/db?sslmode=require&password=***")]
    [InlineData("redis://secret@h:6379/0", "redis://***@h:6379/0")]
    [InlineData("sqlite://u:pw@/x.db", "sqlite://u:***@/x.db")]
    [InlineData("postgresql://[::1]:5432/db", "postgresql://[::1]:5432/db")]
    [InlineData("sqlite:////abs/a.db", "sqlite:////abs/a.db")]
    public void MaskedForms(string input, string masked) => Assert.Equal(masked, UrlText.Redact(input));
}
