using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Sharptune.Storages;

namespace Sharptune.Hosting.Tests;

public sealed class ShutdownTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Two hosts over one storage, as two runs of a process over a persistent storage: the first is stopped while
    /// one objective honours the token and another ignores it; the second resumes the budget.
    /// </summary>
    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite")]
    public async Task StoppingMidRunLeavesNoRunningTrialAndTheRerunResumes(string kind)
    {
        using var files = new TempDirectory();
        var storage = new StorageUnderTest(kind, files);
        var stubborn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bothBlocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int blocked = 0;
        bool cooperativeSawToken = false;

        var first = HostWith(storage, async (trial, _, ct) =>
        {
            double x = trial.SuggestFloat("x", 0, 1);
            if (trial.Number is 5 or 6)
            {
                if (Interlocked.Increment(ref blocked) == 2)
                {
                    bothBlocked.SetResult();
                }

                if (trial.Number == 5)
                {
                    // Honours the token: ends (FAIL) as soon as the host stops.
                    try
                    {
                        await Task.Delay(Timeout.Infinite, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        cooperativeSawToken = true;
                        throw;
                    }
                }
                else
                {
                    // Ignores the token: still running when the shutdown timeout passes.
                    await stubborn.Task;
                }
            }

            return x;
        });

        await first.StartAsync(Ct);
        await bothBlocked.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        var clock = Stopwatch.StartNew();
        await first.StopAsync(CancellationToken.None);
        clock.Stop();

        var trials = storage.Trials();
        Assert.Equal(7, trials.Count);
        Assert.DoesNotContain(trials, t => t.State == TrialState.Running);
        Assert.All(trials.Take(5), t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(TrialState.Fail, trials[5].State);
        Assert.Equal(TrialState.Fail, trials[6].State);
        Assert.True(cooperativeSawToken);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(250), $"stop took {clock.Elapsed}");

        var status = first.Services.GetRequiredService<IStudyMonitor>().GetStatus("s");
        Assert.Equal(HostedStudyState.Stopped, status.State);
        Assert.Equal((5, 0, 2, 0), (status.TrialsCompleted, status.TrialsPruned, status.TrialsFailed, status.TrialsRunning));
        var logs = first.Services.GetFakeLogCollector().GetSnapshot();
        Assert.Contains(logs, r => r.Id.Id == 1006 && r.Message == "Trial 6 of study 's' did not finish within the host's shutdown timeout; it is marked TrialState.Fail.");
        Assert.Contains(logs, r => r.Id.Id == 1004);

        // The abandoned objective finishing later changes nothing.
        stubborn.SetResult();
        await Task.Delay(50, Ct);
        first.Dispose();
        Assert.Equal(TrialState.Fail, storage.Trials()[6].State);

        // The rerun needs 10 - 5 = 5 more COMPLETE trials; numbering goes on.
        using var second = HostWith(storage, (trial, _, _) => ValueTask.FromResult(trial.SuggestFloat("x", 0, 1)));
        await TestHost.RunToEndAsync(second);

        trials = storage.Trials();
        Assert.Equal(12, trials.Count);
        Assert.Equal(10, trials.Count(t => t.State == TrialState.Complete));
        Assert.All(trials.Skip(7), t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(Enumerable.Range(0, 12), trials.Select(t => t.Number));
        var resumed = second.Services.GetRequiredService<IStudyMonitor>().GetStatus("s");
        Assert.Equal(HostedStudyState.Completed, resumed.State);
        Assert.Equal(5, resumed.TrialsCompleted);
        Assert.Equal(12, resumed.TrialsFinished);

        // A third run has nothing left to do.
        using var third = HostWith(storage, (_, _, _) => throw new InvalidOperationException("must not run"));
        await TestHost.RunToEndAsync(third);
        Assert.Equal(12, storage.Trials().Count);
        Assert.Contains(third.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 1002);
    }

    [Fact]
    public async Task StoppingDuringTheDelayBetweenTrialsEndsCleanly()
    {
        var storage = new StorageUnderTest("memory", null);
        using var host = HostWith(storage, (trial, _, ct) => ValueTask.FromResult(trial.SuggestFloat("x", 0, 1)), delay: TimeSpan.FromHours(1));
        await host.StartAsync(Ct);
        var monitor = host.Services.GetRequiredService<IStudyMonitor>();
        while (monitor.GetStatus("s").TrialsFinished < 1)
        {
            await Task.Delay(5, Ct);
        }

        // The second trial waits for the one-hour delay; stopping cancels the wait.
        await host.StopAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var trials = storage.Trials();
        Assert.Single(trials);
        Assert.Equal(TrialState.Complete, trials[0].State);
        Assert.Equal(HostedStudyState.Stopped, monitor.GetStatus("s").State);
    }

    private static IHost HostWith(StorageUnderTest storage, Func<ITrial, IServiceProvider, CancellationToken, ValueTask<double>> objective, TimeSpan? delay = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sharptune:Studies:s:NTrials"] = "10",
            ["Sharptune:Studies:s:Concurrency"] = "2",
            ["Sharptune:Studies:s:Delay"] = (delay ?? TimeSpan.Zero).ToString(),
        };
        if (storage.Url is { } url)
        {
            settings["Sharptune:Storage"] = url;
        }

        var builder = TestHost.Builder(settings, shutdownTimeout: TimeSpan.FromMilliseconds(300));
        builder.Logging.AddFakeLogging();
        var sharptune = builder.Services.AddSharptune();
        if (storage.Memory is { } memory)
        {
            sharptune.UseStorage(memory);
        }

        sharptune.AddStudy("s", objective);
        return builder.Build();
    }

    /// <summary>The storage the runs share: one in-memory instance, or a SQLite file each host opens by URL.</summary>
    private sealed class StorageUnderTest(string kind, TempDirectory? files)
    {
        public InMemoryStorage? Memory { get; } = kind == "memory" ? new InMemoryStorage() : null;

        public string? Url { get; } = kind == "sqlite" ? "sqlite:///" + Path.Combine(files!.Path, "study.db") : null;

        /// <summary>Reads the trials of study "s" (through a separate connection for SQLite).</summary>
        public IReadOnlyList<FrozenTrial> Trials()
        {
            if (Memory is not null)
            {
                return Memory.GetAllTrials(Memory.GetStudyIdFromName("s"));
            }

            var storage = Sharptune.Storages.StorageFactory.FromUrl(Url!);
            try
            {
                return storage.GetAllTrials(storage.GetStudyIdFromName("s"));
            }
            finally
            {
                (storage as IDisposable)?.Dispose();
            }
        }
    }
}
