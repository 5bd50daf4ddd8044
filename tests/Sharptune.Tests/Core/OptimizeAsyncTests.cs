using System.Collections.Concurrent;
using System.Diagnostics;
using Sharptune.Samplers;

namespace Sharptune.Tests.Core;

[Collection(Support.TimingCollection.Name)]
public class OptimizeAsyncTests
{
    private static Study NewStudy() => Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 9) });

    [Fact]
    public async Task ConcurrencyLimitsTrialsInFlight()
    {
        var study = NewStudy();
        var inFlight = new Support.InFlight();
        await study.OptimizeAsync(async (t, ct) =>
        {
            inFlight.Enter();
            await Task.Delay(30, ct);
            inFlight.Exit();
            return t.SuggestFloat("x", 0, 1);
        }, new OptimizeOptions { NTrials = 12, Concurrency = 3 }, TestContext.Current.CancellationToken);
        Assert.Equal(12, study.Trials.Count);
        Assert.Equal(3, inFlight.Max);
        Assert.All(study.Trials, t => Assert.Equal(TrialState.Complete, t.State));
    }

    [Fact]
    public async Task DelaySeparatesEveryTrialStartAlsoAcrossSlots()
    {
        var study = NewStudy();
        var inFlight = new Support.InFlight();
        await study.OptimizeAsync(async (t, ct) =>
        {
            inFlight.Enter();
            await Task.Delay(300, ct);
            inFlight.Exit();
            return 1.0;
        }, new OptimizeOptions { NTrials = 5, Concurrency = 5, Delay = TimeSpan.FromMilliseconds(40) }, TestContext.Current.CancellationToken);
        var starts = study.Trials.Select(t => t.DatetimeStart!.Value).OrderBy(d => d).ToArray();
        for (int i = 1; i < starts.Length; i++)
        {
            Assert.True((starts[i] - starts[i - 1]).TotalMilliseconds >= 39, $"starts {string.Join(", ", starts.Select(s => s.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture)))}");
        }

        Assert.True(inFlight.Max > 1, "with 5 slots and 40 ms between starts, 300 ms trials overlap");
    }

    [Fact]
    public async Task CancellationFailsRunningTrialsAndStartsNoNewOne()
    {
        var study = NewStudy();
        using var cts = new CancellationTokenSource();
        int started = 0;
        var task = study.OptimizeAsync(async (t, ct) =>
        {
            if (Interlocked.Increment(ref started) == 4)
            {
                cts.CancelAfter(20);
            }

            await Task.Delay(Timeout.Infinite, ct);
            return 1.0;
        }, new OptimizeOptions { Concurrency = 4 }, cts.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Equal(4, study.Trials.Count);
        Assert.All(study.Trials, t => Assert.Equal(TrialState.Fail, t.State));
    }

    [Fact]
    public async Task ObjectiveErrorsFollowCatchRules()
    {
        var study = NewStudy();
        await study.OptimizeAsync((t, _) => t.Number == 1 ? throw new FormatException("bad") : ValueTask.FromResult(1.0),
            new OptimizeOptions { NTrials = 3, Catch = [typeof(FormatException)] }, TestContext.Current.CancellationToken);
        Assert.Equal([TrialState.Complete, TrialState.Fail, TrialState.Complete], study.Trials.Select(t => t.State));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => study.OptimizeAsync(
            (Func<ITrial, CancellationToken, ValueTask<double>>)((t, _) => throw new InvalidOperationException("stop here")), new OptimizeOptions { NTrials = 10, Concurrency = 2 }, TestContext.Current.CancellationToken));
        Assert.Equal("stop here", e.Message);
        Assert.DoesNotContain(study.Trials, t => t.State == TrialState.Running);
        Assert.InRange(study.Trials.Count, 4, 5);
    }

    [Fact]
    public async Task PrunedNaNAndMultiObjective()
    {
        var study = Study.Create(new StudyOptions { Directions = [StudyDirection.Minimize, StudyDirection.Maximize] });
        await study.OptimizeAsync((t, _) => t.Number switch
        {
            0 => ValueTask.FromResult(new[] { 1.0, 2.0 }),
            1 => ValueTask.FromResult(new[] { double.NaN, 2.0 }),
            2 => ValueTask.FromResult(new[] { 1.0 }),
            _ => throw new TrialPrunedException(),
        }, new OptimizeOptions { NTrials = 4 }, TestContext.Current.CancellationToken);
        Assert.Equal([TrialState.Complete, TrialState.Fail, TrialState.Fail, TrialState.Pruned], study.Trials.Select(t => t.State));
    }

    [Fact]
    public async Task CallbacksStopAndTimeout()
    {
        var study = NewStudy();
        await study.OptimizeAsync((t, _) => ValueTask.FromResult(1.0), new OptimizeOptions
        {
            Callbacks = [new MaxTrialsCallback(7)],
        }, TestContext.Current.CancellationToken);
        Assert.Equal(7, study.Trials.Count);

        var timed = NewStudy();
        var begin = DateTime.UtcNow;
        await timed.OptimizeAsync(async (t, ct) =>
        {
            await Task.Delay(30, ct);
            return 1.0;
        }, new OptimizeOptions { Timeout = TimeSpan.FromMilliseconds(100) }, TestContext.Current.CancellationToken);
        Assert.InRange(timed.Trials.Count, 1, 6);
        // A trial started after the timeout would begin when the 30 ms trial before it ended, at 120 ms or later; the
        // 15 ms of slack covers a thread descheduled between the check and the trial's creation on a loaded machine.
        Assert.All(timed.Trials, t => Assert.True(t.DatetimeStart!.Value - begin < TimeSpan.FromMilliseconds(115), $"trial {t.Number} started {(t.DatetimeStart!.Value - begin).TotalMilliseconds:F0} ms after the call"));
        Assert.All(timed.Trials, t => Assert.Equal(TrialState.Complete, t.State));
    }

    [Fact]
    public async Task ArgumentsAreValidatedWithThePluginMessages()
    {
        var study = NewStudy();
        var e1 = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => study.OptimizeAsync((_, _) => ValueTask.FromResult(1.0), new OptimizeOptions { Concurrency = 0 }, TestContext.Current.CancellationToken));
        Assert.StartsWith("OptimizeOptions.Concurrency must be an integer greater than 0.", e1.Message);
        var e2 = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => study.OptimizeAsync((_, _) => ValueTask.FromResult(1.0), new OptimizeOptions { Delay = TimeSpan.FromSeconds(-1) }, TestContext.Current.CancellationToken));
        Assert.StartsWith("OptimizeOptions.Delay must be a time span greater than or equal to 0.", e2.Message);
    }

    [Fact]
    public async Task CpuBoundTrialsRunInParallel()
    {
        // Synchronous CPU-bound objectives still overlap: each trial runs on its own thread-pool thread. (The
        // throughput figure, >= 1.8x with two slots, is measured by bench/Sharptune.Benchmarks, not asserted here,
        // because test assemblies run side by side.)
        var inFlight = new Support.InFlight();
        var threads = new ConcurrentDictionary<int, bool>();

        double Spin(ITrial t)
        {
            inFlight.Enter();
            threads[Environment.CurrentManagedThreadId] = true;
            var sw = Stopwatch.StartNew();
            double acc = 0;
            while (sw.ElapsedMilliseconds < 40)
            {
                acc += Math.Sqrt(acc + 1);
            }

            inFlight.Exit();
            return (acc * 0) + t.SuggestFloat("x", 0, 1);
        }

        await NewStudy().OptimizeAsync((t, _) => ValueTask.FromResult(Spin(t)), new OptimizeOptions { NTrials = 6, Concurrency = 2 }, TestContext.Current.CancellationToken);
        Assert.Equal(2, inFlight.Max);
        Assert.True(threads.Count >= 2);
    }
}
