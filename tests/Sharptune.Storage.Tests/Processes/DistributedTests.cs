using Sharptune.Storages.Tests.Support;

namespace Sharptune.Storages.Tests.Processes;

/// <summary>Tests that start worker processes; they run one at a time to keep the machine responsive.</summary>
[CollectionDefinition(nameof(ProcessCollection), DisableParallelization = true)]
public sealed class ProcessCollection;

/// <summary>
/// Four worker processes optimize one study with <c>MaxTrialsCallback(200)</c>: exactly 200 COMPLETE trials,
/// numbers unique and contiguous, none left RUNNING.
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
        Run(schema.Url, () => Storages.FromUrl(schema.Url));
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
        Run(url, () => Storages.FromUrl(url));
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
