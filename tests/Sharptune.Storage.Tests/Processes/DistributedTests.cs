using Sharptune.Storages.Tests.Support;

namespace Sharptune.Storages.Tests.Processes;

/// <summary>Tests that start worker processes; they run one at a time to keep the machine responsive.</summary>
[CollectionDefinition(nameof(ProcessCollection), DisableParallelization = true)]
public sealed class ProcessCollection;

/// <summary>
/// Four worker processes optimize one study with <c>MaxTrialsCallback(200)</c>: exactly 200 COMPLETE trials,
/// numbers unique and contiguous, none left RUNNING. Four workers with plain asks claim the trials enqueued while they
/// run exactly once.
/// </summary>
[Collection(nameof(ProcessCollection))]
public sealed class DistributedTests : IDisposable
{
    private const int Workers = 4;
    private const int Cap = 200;
    private readonly TempDirectory _dir = new();
    private readonly List<IDisposable> _cleanup = [];
    private readonly List<string> _redisPrefixes = [];

    [Fact]
    public void FourWorkers_Sqlite()
    {
        string url = "sqlite:///" + _dir.File("distributed.db");
        Run(url, () => new RdbStorage(url));
    }

    [Fact]
    public void FourWorkers_Postgres()
    {
        var schema = new PostgresSchema();
        _cleanup.Add(schema);
        Run(schema.Url, () => StorageFactory.FromUrl(schema.Url));
    }

    [Fact]
    public void FourWorkers_JournalFile()
    {
        string path = _dir.File("distributed.log");
        Run("journal:" + path, () => new JournalStorage(path));
    }

    [Fact]
    public void FourWorkers_JournalRedis()
    {
        string prefix = "sharptune-dist-" + Guid.NewGuid().ToString("N")[..10];
        _redisPrefixes.Add(prefix);
        string url = TestServers.RequireRedis() + "?prefix=" + prefix;
        Run(url, () => StorageFactory.FromUrl(url));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    [InlineData("journal")]
    [InlineData("redis")]
    public void FourWorkers_PlainAsks_ClaimTrialsEnqueuedMeanwhileExactlyOnce(string kind)
    {
        string spec;
        Func<IStorage> open;
        switch (kind)
        {
            case "sqlite":
                string url = "sqlite:///" + _dir.File("asks.db");
                (spec, open) = (url, () => new RdbStorage(url));
                break;
            case "postgres":
                var schema = new PostgresSchema();
                _cleanup.Add(schema);
                (spec, open) = (schema.Url, () => StorageFactory.FromUrl(schema.Url));
                break;
            case "journal":
                string path = _dir.File("asks.log");
                (spec, open) = ("journal:" + path, () => new JournalStorage(path));
                break;
            default:
                string prefix = "sharptune-asks-" + Guid.NewGuid().ToString("N")[..10];
                _redisPrefixes.Add(prefix);
                string redis = TestServers.RequireRedis() + "?prefix=" + prefix;
                (spec, open) = (redis, () => StorageFactory.FromUrl(redis));
                break;
        }

        const int PerWorker = 40;
        const int Enqueued = 20;
        var workers = new List<Worker>();
        var storage = open();
        try
        {
            var study = Study.Create(new StudyOptions { Storage = storage, StudyName = "asks" });
            for (int i = 0; i < Workers; i++)
            {
                workers.Add(Worker.Start(spec, "asks", "trials", PerWorker.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            foreach (var w in workers)
            {
                w.WaitForLine("READY", TimeSpan.FromMinutes(1));
            }

            // Enqueue while the workers ask: each enqueued point is claimed by exactly one of them, or still waits.
            for (int i = 0; i < Enqueued; i++)
            {
                study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = (i + 1) / 100.0 });
                Thread.Sleep(3);
            }

            foreach (var w in workers)
            {
                w.WaitForSuccess(TimeSpan.FromMinutes(2));
            }

            var trials = Study.Load("asks", storage).Trials;
            Assert.Equal(Workers * PerWorker, trials.Count(t => t.State == TrialState.Complete));
            Assert.Equal(trials.Count, Workers * PerWorker + trials.Count(t => t.State == TrialState.Waiting));
            Assert.DoesNotContain(trials, t => t.State == TrialState.Running);
            Assert.Equal(Enumerable.Range(0, trials.Count), trials.Select(t => t.Number));
            Assert.True(trials.Count(t => t.State == TrialState.Waiting) < Enqueued, "no enqueued trial was claimed while the workers ran");
            for (int i = 0; i < Enqueued; i++)
            {
                double x = (i + 1) / 100.0;
                int holders = trials.Count(t => t.State == TrialState.Waiting
                    ? t.SystemAttrs.TryGetValue("fixed_params", out object? f) && f is IDictionary<string, object?> d && Equals(d["x"], x)
                    : t.Params.TryGetValue("x", out object? v) && Equals(v, x));
                Assert.True(holders == 1, $"enqueued x={x} is held by {holders} trials");
            }
        }
        finally
        {
            foreach (var w in workers)
            {
                w.Dispose();
            }

            (storage as IDisposable)?.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var c in _cleanup)
        {
            c.Dispose();
        }

        RedisKeys.Delete(_redisPrefixes);
        _dir.Dispose();
    }

    private static void Run(string storageSpec, Func<IStorage> open)
    {
        var workers = new List<Worker>();
        try
        {
            for (int i = 0; i < Workers; i++)
            {
                workers.Add(Worker.Start(storageSpec, "distributed", "optimize", Cap.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            foreach (var w in workers)
            {
                w.WaitForSuccess(TimeSpan.FromMinutes(2));
            }
        }
        finally
        {
            foreach (var w in workers)
            {
                w.Dispose();
            }
        }

        var storage = open();
        try
        {
            var trials = Study.Load("distributed", storage).Trials;
            Assert.Equal(Cap, trials.Count(t => t.State == TrialState.Complete));
            Assert.DoesNotContain(trials, t => t.State == TrialState.Running);
            Assert.Equal(Enumerable.Range(0, trials.Count), trials.Select(t => t.Number));
            Assert.Equal(trials.Count, trials.Select(t => t.TrialId).Distinct().Count());
            Assert.Equal(Cap, trials.Count);
        }
        finally
        {
            (storage as IDisposable)?.Dispose();
        }
    }
}
