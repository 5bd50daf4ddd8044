using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using Sharptune.Internal;
using Sharptune.Storages.Journal;
using Sharptune.Storages.Redis;
using Sharptune.Storages.Tests.Support;

namespace Sharptune.Storages.Tests.Hardening;

/// <summary>
/// Issue #14, item 2: cyclic and deeply nested attribute values, and hostile stored JSON, give exceptions instead of
/// a stack overflow that ends the process.
/// </summary>
public sealed class HostileJsonTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<PostgresSchema> _schemas = [];
    private readonly List<string> _redisPrefixes = [];

    public static TheoryData<string> Kinds => new() { "memory", "sqlite", "journal", "postgres", "redis" };

    public void Dispose()
    {
        foreach (var s in _schemas)
        {
            s.Dispose();
        }

        RedisKeys.Delete(_redisPrefixes);
        _dir.Dispose();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void CyclicValues_AreRefusedAsCircularReferences(string kind)
    {
        var storage = Open(kind, out _);
        using var lease = Lease(storage);
        var study = Study.Create(new StudyOptions { Storage = storage });
        var trial = study.Ask();
        var list = new List<object?> { 1, "a" };
        list.Add(list);
        var dict = new Dictionary<string, object?> { ["x"] = 1.5 };
        dict["inner"] = new List<object?> { dict };

        foreach (object value in new object[] { list, dict })
        {
            var user = Assert.Throws<ArgumentException>(() => trial.SetUserAttr("cycle", value));
            Assert.StartsWith("Circular reference detected", user.Message, StringComparison.Ordinal);
            Assert.Equal("value", user.ParamName);
            Assert.Throws<ArgumentException>(() => trial.SetSystemAttr("cycle", value));
            Assert.Throws<ArgumentException>(() => study.SetUserAttr("cycle", value));
            Assert.Throws<ArgumentException>(() => study.SetSystemAttr("cycle", value));
        }

        // A value shared twice (not a cycle) is fine, as in Python's json.
        var shared = new List<object?> { 1L, 2L };
        trial.SetUserAttr("shared", new List<object?> { shared, shared });
        study.Tell(trial, 1.0);
        var stored = Assert.IsAssignableFrom<System.Collections.IList>(study.Trials[0].UserAttrs["shared"]);
        Assert.Equal(2, stored.Count);
        Assert.False(study.Trials[0].UserAttrs.ContainsKey("cycle"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void DeeplyNestedValues_AreRefusedAndTheLimitItselfIsStored(string kind)
    {
        var storage = Open(kind, out var reopen);
        using (Lease(storage))
        {
            var study = Study.Create(new StudyOptions { Storage = storage, StudyName = "deep" });
            var trial = study.Ask();
            var e = Assert.Throws<ArgumentException>(() => trial.SetUserAttr("deep", Nested(20_000)));
            Assert.Contains($"deeper than {PyJson.MaxDepth} levels", e.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => trial.SetSystemAttr("deep", Nested(PyJson.MaxDepth + 1)));
            Assert.Throws<ArgumentException>(() => study.SetUserAttr("deep", Nested(PyJson.MaxDepth + 1)));

            trial.SetUserAttr("limit", Nested(PyJson.MaxDepth));
            study.SetUserAttr("limit", Nested(PyJson.MaxDepth));
            study.Tell(trial, 1.0);
            if (reopen is null)
            {
                Assert.Equal(PyJson.MaxDepth, Depth(study.Trials[0].UserAttrs["limit"]));
                return;
            }
        }

        var again = reopen();
        using var lease = Lease(again);
        var loaded = Study.Load("deep", again);
        Assert.Equal(PyJson.MaxDepth, Depth(loaded.Trials[0].UserAttrs["limit"]));
        Assert.Equal(PyJson.MaxDepth, Depth(loaded.UserAttrs["limit"]));
        Assert.False(loaded.Trials[0].UserAttrs.ContainsKey("deep"));
    }

    [Fact]
    public void HostileSqliteAttribute_GivesAnErrorNamingTrialAndKey()
    {
        string path = _dir.File("hostile.db");
        using (var storage = new RdbStorage("sqlite:///" + path))
        {
            var study = Study.Create(new StudyOptions { Storage = storage, StudyName = "shared" });
            var trial = study.Ask();
            trial.SetUserAttr("payload", "harmless");
            study.SetUserAttr("payload", "harmless");
            study.Tell(trial, 1.0);
        }

        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE trial_user_attributes SET value_json = $v; UPDATE study_user_attributes SET value_json = $v";
            cmd.Parameters.AddWithValue("$v", new string('[', 50_000) + new string(']', 50_000));
            cmd.ExecuteNonQuery();
        }

        using var reader = new RdbStorage("sqlite:///" + path);
        AssertHostileReadFails(reader);
    }

    [Fact]
    public void HostileSqliteDistribution_GivesAnErrorNamingTrialAndParameter()
    {
        string path = _dir.File("hostile-param.db");
        using (var storage = new RdbStorage("sqlite:///" + path))
        {
            var study = Study.Create(new StudyOptions { Storage = storage, StudyName = "shared" });
            var trial = study.Ask();
            trial.SuggestFloat("x", 0, 1);
            study.Tell(trial, 1.0);
        }

        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE trial_params SET distribution_json = $v";
            cmd.Parameters.AddWithValue("$v", "{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": " + new string('[', 50_000) + new string(']', 50_000) + "}}");
            cmd.ExecuteNonQuery();
        }

        using var reader = new RdbStorage("sqlite:///" + path);
        var e = Assert.Throws<FormatException>(() => Study.Load("shared", reader).Trials);
        Assert.Contains("distribution of the parameter 'x' of trial 0 (trial_id", e.Message, StringComparison.Ordinal);
        Assert.Contains($"deeper than {PyJson.MaxDepth} levels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HostilePostgresAttribute_GivesAnErrorNamingTrialAndKey()
    {
        var schema = new PostgresSchema();
        _schemas.Add(schema);
        var storage = StorageFactory.FromUrl(schema.Url);
        using (Lease(storage))
        {
            var study = Study.Create(new StudyOptions { Storage = storage, StudyName = "shared" });
            var trial = study.Ask();
            trial.SetUserAttr("payload", "harmless");
            study.SetUserAttr("payload", "harmless");
            study.Tell(trial, 1.0);
        }

        string hostile = string.Concat(Enumerable.Repeat("{\"a\": ", 30_000)) + "1" + new string('}', 30_000);
        schema.Execute($"UPDATE {schema.Name}.trial_user_attributes SET value_json = '{hostile}'; UPDATE {schema.Name}.study_user_attributes SET value_json = '{hostile}'");
        var reader = StorageFactory.FromUrl(schema.Url);
        using var lease = Lease(reader);
        AssertHostileReadFails(reader);
    }

    [Fact]
    public void HostileJournalRecord_GivesAnErrorNamingTrialAndKey()
    {
        string path = _dir.File("hostile.log");
        using (var storage = new JournalStorage(new JournalFileBackend(path)))
        {
            var study = Study.Create(new StudyOptions { Storage = storage, StudyName = "shared" });
            study.Tell(study.Ask(), 1.0);
        }

        string record = "{\"op_code\": 8, \"worker_id\": \"attacker\", \"trial_id\": 0, \"user_attr\": {\"payload\": "
            + new string('[', 50_000) + new string(']', 50_000) + "}}\n";
        File.AppendAllText(path, record);
        File.AppendAllText(path, "{\"op_code\": 8, \"worker_id\": \"attacker\", \"trial_id\": 0, \"user_attr\": {\"after\": 1}}\n");

        var e = Assert.Throws<StorageInternalException>(() =>
        {
            using var reader = new JournalStorage(new JournalFileBackend(path));
            _ = Study.Load("shared", reader).Trials;
        });
        Assert.Contains("trial_id 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("user_attr key \"payload\"", e.Message, StringComparison.Ordinal);
        Assert.Contains($"deeper than {PyJson.MaxDepth} levels", e.Message, StringComparison.Ordinal);
        Assert.IsType<JsonNestingException>(e.InnerException, exactMatch: false);
    }

    [Fact]
    public void RecordAtTheLimit_IsReadFromTheJournal()
    {
        string path = _dir.File("limit.log");
        using (var storage = new JournalStorage(new JournalFileBackend(path)))
        {
            var study = Study.Create(new StudyOptions { Storage = storage, StudyName = "limit" });
            var trial = study.Ask();
            trial.SetUserAttr("deep", new Dictionary<string, object?> { ["x"] = Nested(PyJson.MaxDepth - 1) });
            study.Tell(trial, 1.0);
        }

        using var reader = new JournalStorage(new JournalFileBackend(path));
        Assert.Equal(PyJson.MaxDepth, Depth(Study.Load("limit", reader).Trials[0].UserAttrs["deep"]));
    }

    private static void AssertHostileReadFails(IStorage reader)
    {
        var trials = Assert.Throws<FormatException>(() => Study.Load("shared", reader).Trials);
        Assert.Contains("user attribute 'payload' of trial 0 (trial_id", trials.Message, StringComparison.Ordinal);
        Assert.Contains("of study_id", trials.Message, StringComparison.Ordinal);
        Assert.Contains($"deeper than {PyJson.MaxDepth} levels", trials.Message, StringComparison.Ordinal);

        var study = Assert.Throws<FormatException>(() => Study.Load("shared", reader).UserAttrs);
        Assert.Contains("user attribute 'payload' of study_id", study.Message, StringComparison.Ordinal);
        var all = Assert.Throws<FormatException>(() => reader.GetAllStudies());
        Assert.Contains("'payload'", all.Message, StringComparison.Ordinal);
    }

    private static IDisposable? Lease(IStorage storage) => storage as IDisposable;

    private static object Nested(int depth)
    {
        object value = new List<object?>();
        for (int i = 1; i < depth; i++)
        {
            value = new List<object?> { value };
        }

        return value;
    }

    private static int Depth(object? value)
    {
        int depth = 0;
        while (value is System.Collections.IEnumerable e and not string)
        {
            depth++;
            value = value is System.Collections.IDictionary d ? d.Values.Cast<object?>().FirstOrDefault() : e.Cast<object?>().FirstOrDefault();
        }

        return depth;
    }

    private IStorage Open(string kind, out Func<IStorage>? reopen)
    {
        switch (kind)
        {
            case "memory":
                reopen = null;
                return new InMemoryStorage();
            case "sqlite":
            {
                string path = _dir.File($"{Guid.NewGuid():N}.db");
                reopen = () => new RdbStorage("sqlite:///" + path);
                return reopen();
            }

            case "journal":
            {
                string path = _dir.File($"{Guid.NewGuid():N}.log");
                reopen = () => new JournalStorage(new JournalFileBackend(path));
                return reopen();
            }

            case "postgres":
            {
                var schema = new PostgresSchema();
                _schemas.Add(schema);
                reopen = () => StorageFactory.FromUrl(schema.Url);
                return reopen();
            }

            default:
            {
                string url = TestServers.RequireRedis();
                string prefix = "hostile-" + Guid.NewGuid().ToString("N")[..12];
                _redisPrefixes.Add(prefix);
                reopen = () => new JournalStorage(new JournalRedisBackend(url, prefix));
                return reopen();
            }
        }
    }
}
