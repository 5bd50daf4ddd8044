using Microsoft.Extensions.Logging;
using Sharptune.Pruners;
using Sharptune.Tests.Support;

namespace Sharptune.Tests.Pruners;

/// <summary><see cref="OptimizeOptions.TrialTimeout"/>: per-trial time limits in the asynchronous loop.</summary>
public class TrialTimeoutTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(60);

    [Fact]
    public async Task ATrialThatRunsTooLongIsPrunedWithItsLastValueAndTheLoopGoesOn()
    {
        using var logs = new TestLoggerFactory();
        var study = Study.Create(new StudyOptions { Pruner = new NopPruner(), LoggerFactory = logs });
        await study.OptimizeAsync(async (trial, ct) =>
        {
            trial.Report(0.5, 0);
            trial.Report(0.25, 1);
            if (trial.Number == 1)
            {
                await Task.Delay(Timeout.Infinite, ct); // hangs until the token fires
            }

            return trial.Number;
        }, new OptimizeOptions { NTrials = 3, TrialTimeout = TimeSpan.FromSeconds(0.3) }, TestContext.Current.CancellationToken);

        var trials = study.Trials;
        Assert.Equal([TrialState.Complete, TrialState.Pruned, TrialState.Complete], trials.Select(t => t.State));
        Assert.Equal([0.25], trials[1].Values);
        Assert.Contains("Trial 1 pruned. The trial exceeded its timeout of 0.3 seconds.", logs.Messages);
    }

    [Fact]
    public async Task ATimeoutCanFailTheTrialInstead()
    {
        var study = Study.Create(new StudyOptions { Pruner = new NopPruner() });
        await study.OptimizeAsync(async (trial, ct) =>
        {
            trial.Report(1.0, 0);
            await Task.Delay(Timeout.Infinite, ct);
            return 0.0;
        }, new OptimizeOptions { NTrials = 2, TrialTimeout = Short, TrialTimeoutState = TrialState.Fail }, TestContext.Current.CancellationToken);

        Assert.All(study.Trials, t => Assert.Equal(TrialState.Fail, t.State));
        Assert.All(study.Trials, t => Assert.Null(t.Values));
    }

    [Fact]
    public async Task ShouldPruneTurnsTrueAtTheTimeoutSoSynchronousLoopsStopCleanly()
    {
        var study = Study.Create(new StudyOptions { Pruner = new NopPruner() });
        int steps = 0;
        ValueTask<double> Objective(ITrial trial, CancellationToken ignored)
        {
            for (int step = 0; ; step++)
            {
                trial.Report(step, step);
                steps++;
                if (trial.ShouldPrune())
                {
                    throw new TrialPrunedException();
                }

                Thread.Sleep(5);
            }
        }

        await study.OptimizeAsync(Objective, new OptimizeOptions { NTrials = 1, TrialTimeout = Short }, TestContext.Current.CancellationToken);

        var trial = Assert.Single(study.Trials);
        Assert.Equal(TrialState.Pruned, trial.State);
        Assert.Equal(trial.LastStep, (int)trial.Values![0]);
        Assert.InRange(steps, 2, 10_000);
    }

    [Fact]
    public async Task WithTheFailStateShouldPruneStillAsksThePruner()
    {
        var study = Study.Create(new StudyOptions { Pruner = new NopPruner() });
        bool sawCancellation = false;
        await study.OptimizeAsync(async (trial, ct) =>
        {
            await Task.Delay(Short * 3, CancellationToken.None);
            sawCancellation = ct.IsCancellationRequested;
            Assert.False(trial.ShouldPrune());
            return 1.0;
        }, new OptimizeOptions { NTrials = 1, TrialTimeout = Short, TrialTimeoutState = TrialState.Fail }, TestContext.Current.CancellationToken);

        // An objective that returns a value despite the timeout completes.
        Assert.True(sawCancellation);
        Assert.Equal(TrialState.Complete, Assert.Single(study.Trials).State);
    }

    [Fact]
    public async Task CancellingTheOptimizationIsNotATimeout()
    {
        var study = Study.Create(new StudyOptions { Pruner = new NopPruner() });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(Short);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => study.OptimizeAsync(async (trial, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return 0.0;
        }, new OptimizeOptions { TrialTimeout = TimeSpan.FromMinutes(5) }, cts.Token));
        Assert.Equal(TrialState.Fail, Assert.Single(study.Trials).State);
    }

    [Fact]
    public async Task TimeoutOptionsAreValidated()
    {
        var study = Study.Create();
        static ValueTask<double> Objective(ITrial t, CancellationToken ct) => ValueTask.FromResult(0.0);
        foreach (var bad in new[] { TimeSpan.Zero, TimeSpan.FromSeconds(-1), TimeSpan.FromDays(50) })
        {
            var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => study.OptimizeAsync(Objective, new OptimizeOptions { NTrials = 1, TrialTimeout = bad }, TestContext.Current.CancellationToken));
            Assert.StartsWith("OptimizeOptions.TrialTimeout must be a time span greater than 0 and at most 49 days.", e.Message, StringComparison.Ordinal);
        }

        var state = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => study.OptimizeAsync(Objective, new OptimizeOptions { NTrials = 1, TrialTimeout = Short, TrialTimeoutState = TrialState.Complete }, TestContext.Current.CancellationToken));
        Assert.StartsWith("OptimizeOptions.TrialTimeoutState must be TrialState.Pruned or TrialState.Fail.", state.Message, StringComparison.Ordinal);
        Assert.Empty(study.Trials);
    }
}
