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
    [Fact]
    public async Task StoppingMidRunLeavesNoRunningTrialAndTheRerunResumes()
    {
        var storage = new InMemoryStorage();
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

        var trials = storage.GetAllTrials(storage.GetStudyIdFromName("s"));
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
        Assert.Contains(logs, r => r.Id.Id == 1006 && r.Message == "Trial 6 of study 's' did not finish within the host's shutdown timeout; it is marked FAIL.");
        Assert.Contains(logs, r => r.Id.Id == 1004);

        // The abandoned objective finishing later changes nothing.
        stubborn.SetResult();
        await Task.Delay(50, Ct);
        Assert.Equal(TrialState.Fail, storage.GetTrial(trials[6].TrialId).State);
        first.Dispose();

        // The rerun needs 10 - 5 = 5 more COMPLETE trials; numbering goes on.
        using var second = HostWith(storage, (trial, _, _) => ValueTask.FromResult(trial.SuggestFloat("x", 0, 1)));
        await TestHost.RunToEndAsync(second);

        trials = storage.GetAllTrials(storage.GetStudyIdFromName("s"));
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
        Assert.Equal(12, storage.GetAllTrials(storage.GetStudyIdFromName("s")).Count);
        Assert.Contains(third.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 1002);
    }

    [Fact]
    public async Task StoppingDuringTheDelayBetweenTrialsEndsCleanly()
    {
        var storage = new InMemoryStorage();
        using var host = HostWith(storage, (trial, _, ct) => ValueTask.FromResult(trial.SuggestFloat("x", 0, 1)), delay: TimeSpan.FromHours(1));
        await host.StartAsync(Ct);
        var monitor = host.Services.GetRequiredService<IStudyMonitor>();
        while (monitor.GetStatus("s").TrialsFinished < 1)
        {
            await Task.Delay(5, Ct);
        }

        // The second trial waits for the one-hour delay; stopping cancels the wait.
        await host.StopAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var trials = storage.GetAllTrials(storage.GetStudyIdFromName("s"));
        Assert.Single(trials);
        Assert.Equal(TrialState.Complete, trials[0].State);
        Assert.Equal(HostedStudyState.Stopped, monitor.GetStatus("s").State);
    }

    private static IHost HostWith(IStorage storage, Func<ITrial, IServiceProvider, CancellationToken, ValueTask<double>> objective, TimeSpan? delay = null)
    {
        var builder = TestHost.Builder(
            new Dictionary<string, string?>
            {
                ["Sharptune:Studies:s:NTrials"] = "10",
                ["Sharptune:Studies:s:Concurrency"] = "2",
                ["Sharptune:Studies:s:Delay"] = (delay ?? TimeSpan.Zero).ToString(),
            },
            shutdownTimeout: TimeSpan.FromMilliseconds(300));
        builder.Logging.AddFakeLogging();
        builder.Services.AddSharptune().UseStorage(storage).AddStudy("s", objective);
        return builder.Build();
    }
}
