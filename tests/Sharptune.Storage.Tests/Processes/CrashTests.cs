using System.Diagnostics;
using Sharptune.Storages.Tests.Support;

namespace Sharptune.Storages.Tests.Processes;

/// <summary>
/// A worker is killed with SIGKILL in the middle of a trial: with heartbeats on, its trial becomes FAIL within the
/// grace period and is retried; everything committed before the kill survives and the storage opens cleanly.
/// </summary>
[Collection(nameof(ProcessCollection))]
public sealed class CrashTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(0.5);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1.5);
    private readonly TempDirectory _dir = new();
    private readonly List<IDisposable> _cleanup = [];
    private readonly List<string> _redisPrefixes = [];

    [Fact]
    public void KilledWorker_Sqlite()
    {
        string url = "sqlite:///" + _dir.File("crash.db");
        Run(url, o => new RdbStorage(url, (RdbStorageOptions?)o), () => new RdbStorageOptions());
    }

    [Fact]
    public void KilledWorker_Postgres()
    {
        var schema = new PostgresSchema();
        _cleanup.Add(schema);
        Run(schema.Url, o => StorageFactory.FromUrl(schema.Url, o), () => new RdbStorageOptions());
    }

    [Fact]
    public void KilledWorker_JournalFile()
    {
        string path = _dir.File("crash.log");
        Run("journal:" + path, o => new JournalStorage(path, (JournalStorageOptions?)o), () => new JournalStorageOptions());
    }

    [Fact]
    public void KilledWorker_JournalRedis()
    {
        string prefix = "sharptune-crash-" + Guid.NewGuid().ToString("N")[..10];
        _redisPrefixes.Add(prefix);
        string url = TestServers.RequireRedis() + "?prefix=" + prefix;
        Run(url, o => StorageFactory.FromUrl(url, o), () => new JournalStorageOptions());
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

    private static void Run(string spec, Func<StorageOptions?, IStorage> open, Func<StorageOptions> newOptions)
    {
        const int CompletedFirst = 3;
        int hungNumber;
        Stopwatch sinceKill;
        using (var worker = Worker.Start(spec, "crash", "hang", CompletedFirst.ToString(System.Globalization.CultureInfo.InvariantCulture), Interval.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), Grace.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            string line = worker.WaitForLine("HANG ", TimeSpan.FromSeconds(60));
            hungNumber = int.Parse(line["HANG ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Thread.Sleep(Interval * 1.5); // let a heartbeat or two land while the trial is running
            worker.KillHard();
            sinceKill = Stopwatch.StartNew();
        }

        var options = newOptions();
        options.HeartbeatInterval = Interval;
        options.GracePeriod = Grace;
        options.StaleTrialCallback = new RetryFailedTrialCallback(maxRetry: 1, inheritIntermediateValues: true);
        var storage = open(options);
        try
        {
            var study = Study.Load("crash", storage);
            var before = study.Trials;
            Assert.Equal(CompletedFirst + 1, before.Count);
            Assert.Equal(hungNumber, before[^1].Number);
            Assert.All(before.Take(CompletedFirst), t =>
            {
                Assert.Equal(TrialState.Complete, t.State);
                Assert.Equal(Math.Pow((double)t.Params["x"]!, 2), t.Values![0], 12);
            });
            var hung = before[^1];
            Assert.Equal(TrialState.Running, hung.State);
            double x = (double)hung.Params["x"]!;
            Assert.Equal(x, hung.IntermediateValues[0]);

            // The dead trial turns stale after the grace period from its last heartbeat, no earlier.
            IReadOnlyList<FrozenTrial> failed;
            while ((failed = study.FailStaleTrials()).Count == 0)
            {
                Assert.True(sinceKill.Elapsed < Grace + TimeSpan.FromSeconds(2), $"not failed {sinceKill.Elapsed} after the kill");
                Thread.Sleep(50);
            }

            var elapsed = sinceKill.Elapsed;
            Assert.Equal(hungNumber, Assert.Single(failed).Number);
            Assert.True(elapsed >= Grace - (Interval * 2) - TimeSpan.FromSeconds(0.2), $"failed after only {elapsed}");
            Assert.True(elapsed <= Grace + TimeSpan.FromSeconds(1), $"failed after {elapsed}");

            // The retry is enqueued and runs with the same parameter.
            study.Optimize(t => Math.Pow(t.SuggestFloat("x", -5, 5), 2), nTrials: 1);
            var after = study.Trials;
            Assert.Equal(CompletedFirst + 2, after.Count);
            Assert.Equal(TrialState.Fail, after[hungNumber].State);
            var retry = after[^1];
            Assert.Equal(TrialState.Complete, retry.State);
            Assert.Equal(hungNumber, RetryFailedTrialCallback.RetriedTrialNumber(retry));
            Assert.Equal(x, (double)retry.Params["x"]!);
            Assert.Equal(x, retry.IntermediateValues[0]);
        }
        finally
        {
            (storage as IDisposable)?.Dispose();
        }

        // A fresh instance opens cleanly and sees the same history.
        var reopened = open(null);
        try
        {
            var trials = Study.Load("crash", reopened).Trials;
            Assert.Equal(
                [.. Enumerable.Repeat(TrialState.Complete, CompletedFirst), TrialState.Fail, TrialState.Complete],
                trials.Select(t => t.State));
        }
        finally
        {
            (reopened as IDisposable)?.Dispose();
        }
    }
}
