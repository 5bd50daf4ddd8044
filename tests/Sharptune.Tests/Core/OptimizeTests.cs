using System.Collections.Concurrent;
using Sharptune.Samplers;

namespace Sharptune.Tests.Core;

[Collection(Support.TimingCollection.Name)]
public class OptimizeTests
{
    private static Study NewStudy(int objectives = 1) => Study.Create(new StudyOptions
    {
        Sampler = new RandomSampler(seed: 3),
        Directions = Enumerable.Repeat(StudyDirection.Minimize, objectives).ToList(),
    });

    [Fact]
    public void NaNFailsTheTrialAndTheLoopContinues()
    {
        var study = NewStudy();
        int calls = 0;
        study.Optimize(_ => ++calls == 2 ? double.NaN : calls, nTrials: 3);
        Assert.Equal([TrialState.Complete, TrialState.Fail, TrialState.Complete], study.Trials.Select(t => t.State));
        Assert.Null(study.Trials[1].Values);
        Assert.NotNull(study.Trials[1].DatetimeComplete);
    }

    [Fact]
    public void InfinitiesComplete()
    {
        var study = NewStudy();
        study.Optimize(t => t.Number == 0 ? double.PositiveInfinity : double.NegativeInfinity, nTrials: 2);
        Assert.All(study.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(1, study.BestTrial.Number);
        Assert.Equal(double.NegativeInfinity, study.BestValue);
    }

    [Fact]
    public void AnExceptionFailsTheTrialAndIsRethrownUnlessCaught()
    {
        var study = NewStudy();
        var e = Assert.Throws<InvalidOperationException>(() => study.Optimize((Func<ITrial, double>)(_ => throw new InvalidOperationException("boom")), nTrials: 5));
        Assert.Equal("boom", e.Message);
        Assert.Equal(TrialState.Fail, Assert.Single(study.Trials).State);

        int callbackCalls = 0;
        study.Optimize(
            t => t.Number % 2 == 0 ? throw new ArgumentException("caught") : 1.0,
            new OptimizeOptions
            {
                NTrials = 4,
                Catch = [typeof(ArgumentException)],
                Callbacks = [(_, _) => callbackCalls++],
            });
        Assert.Equal(5, study.Trials.Count);
        Assert.Equal(4, callbackCalls);
        Assert.Equal(3, study.GetTrials(TrialState.Fail).Count);
    }

    [Fact]
    public void PrunedTrialsKeepTheirLastIntermediateValue()
    {
        var study = NewStudy();
        study.Optimize((Func<ITrial, double>)(t =>
        {
            t.Report(5.0, 0);
            t.Report(3.5, 2);
            if (t.Number == 0)
            {
                throw new TrialPrunedException();
            }

            t.Report(double.NaN, 3);
            throw new TrialPrunedException();
        }), nTrials: 2);
        Assert.Equal(TrialState.Pruned, study.Trials[0].State);
        Assert.Equal([3.5], study.Trials[0].Values);
        Assert.Equal(2, study.Trials[0].LastStep);
        Assert.Equal(TrialState.Pruned, study.Trials[1].State);
        Assert.Null(study.Trials[1].Values);
    }

    [Fact]
    public void WrongNumberOfValuesFails()
    {
        var logs = new Support.TestLoggerFactory();
        var study = Study.Create(new StudyOptions { Directions = [StudyDirection.Minimize, StudyDirection.Minimize], LoggerFactory = logs });
        study.Optimize(_ => new[] { 1.0 }, nTrials: 1);
        study.Optimize(_ => new[] { 1.0, 2.0 }, nTrials: 1);
        Assert.Equal([TrialState.Fail, TrialState.Complete], study.Trials.Select(t => t.State));
        Assert.Contains("Trial 0 failed with parameters: {} because of the following error: The number of the values 1 did not match the number of the objectives 2.", logs.Messages);
        Assert.Contains("Trial 0 failed with value [1.0].", logs.Messages);
        Assert.Contains("Trial 1 finished with values: [1.0, 2.0] and parameters: {}.", logs.Messages);
    }

    [Fact]
    public void CallbacksReceiveTheFinishedTrialAndCanStop()
    {
        var study = NewStudy();
        var seen = new List<int>();
        study.Optimize(t => t.SuggestFloat("x", 0, 1), new OptimizeOptions { NTrials = 100, Callbacks = [(s, t) =>
        {
            Assert.True(t.State.IsFinished());
            seen.Add(t.Number);
            if (t.Number == 4)
            {
                s.Stop();
            }
        }] });
        Assert.Equal([0, 1, 2, 3, 4], seen);
    }

    [Fact]
    public void StopFromTheObjectiveLetsTheTrialFinish()
    {
        var study = NewStudy();
        study.Optimize(t =>
        {
            if (t.Number == 2)
            {
                study.Stop();
            }

            return 1.0;
        });
        Assert.Equal(3, study.Trials.Count);
        Assert.All(study.Trials, t => Assert.Equal(TrialState.Complete, t.State));
    }

    [Fact]
    public void MaxTrialsCallbackCountsCompleteTrialsByDefault()
    {
        var study = NewStudy();
        study.Optimize(t => t.Number % 3 == 0 ? double.NaN : 1.0, new OptimizeOptions { NTrials = 100, Callbacks = [new MaxTrialsCallback(5)] });
        Assert.Equal(5, study.GetTrials(TrialState.Complete).Count);
        Assert.Equal(8, study.Trials.Count); // trials 0, 3 and 6 fail

        var all = NewStudy();
        all.Optimize(t => t.Number % 3 == 0 ? double.NaN : 1.0, new OptimizeOptions { NTrials = 100, Callbacks = [MaxTrialsCallback.CountingAllStates(5)] });
        Assert.Equal(5, all.Trials.Count);
    }

    [Fact]
    public void NestedOptimizeIsRejected()
    {
        var study = NewStudy();
        var e = Assert.Throws<InvalidOperationException>(() => study.Optimize(_ =>
        {
            study.Optimize(_ => 1.0, nTrials: 1);
            return 1.0;
        }, nTrials: 1));
        Assert.Equal("Nested invocation of Study.Optimize isn't allowed.", e.Message);
    }

    [Fact]
    public void TimeoutIsCheckedBetweenTrials()
    {
        var study = NewStudy();
        var begin = DateTime.UtcNow;
        study.Optimize(_ =>
        {
            Thread.Sleep(30);
            return 1.0;
        }, new OptimizeOptions { Timeout = TimeSpan.FromMilliseconds(100) });
        var end = DateTime.UtcNow;

        // No trial starts after the timeout; the running one finishes (the timeout is checked between trials).
        Assert.InRange(study.Trials.Count, 1, 6);
        // A trial started after the timeout would begin when the 30 ms trial before it ended, at 120 ms or later; the
        // 15 ms of slack covers a thread descheduled between the check and the trial's creation on a loaded machine.
        Assert.All(study.Trials, t => Assert.True(t.DatetimeStart!.Value - begin < TimeSpan.FromMilliseconds(115), $"trial {t.Number} started {(t.DatetimeStart!.Value - begin).TotalMilliseconds:F0} ms after the call"));
        Assert.True(end - study.Trials[^1].DatetimeStart!.Value >= TimeSpan.FromMilliseconds(29), "the last trial ran to its end");
    }

    [Fact]
    public void ThreadsRunExactlyNTrialsInParallel()
    {
        var study = NewStudy();
        var inFlight = new Support.InFlight();
        var threads = new ConcurrentDictionary<int, bool>();
        study.Optimize(t =>
        {
            inFlight.Enter();
            threads[Environment.CurrentManagedThreadId] = true;
            Thread.Sleep(20);
            inFlight.Exit();
            return t.SuggestFloat("x", 0, 1);
        }, new OptimizeOptions { NTrials = 20, Concurrency = 2 });
        Assert.Equal(20, study.Trials.Count);
        Assert.Equal(Enumerable.Range(0, 20), study.Trials.Select(t => t.Number));
        Assert.All(study.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(2, inFlight.Max);
        Assert.Equal(2, threads.Count);
    }

    [Fact]
    public void AnUncaughtExceptionInAWorkerThreadIsRethrownAndNothingIsLeftRunning()
    {
        var study = NewStudy();
        Assert.Throws<InvalidOperationException>(() => study.Optimize(t =>
        {
            Thread.Sleep(5);
            return t.Number == 5 ? throw new InvalidOperationException("x") : 1.0;
        }, new OptimizeOptions { NTrials = 50, Concurrency = 2 }));

        // The loop stops well before the 50 trials asked for. How many the other worker starts meanwhile depends on
        // how long the failing worker takes to raise its exception: two or three on an idle machine, a few more under
        // load (a clean-clone CI run saw 9 trials).
        Assert.InRange(study.Trials.Count, 6, 20);
        Assert.DoesNotContain(study.Trials, t => t.State == TrialState.Running);
    }

    [Fact]
    public void ArgumentsAreValidated()
    {
        var study = NewStudy();
        Assert.Throws<ArgumentOutOfRangeException>(() => study.Optimize(_ => 1.0, nTrials: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => study.Optimize(_ => 1.0, new OptimizeOptions { NTrials = 1, Concurrency = 0 }));
        Assert.Throws<ArgumentNullException>(() => study.Optimize((Func<ITrial, double>)null!, nTrials: 1));
    }

    [Fact]
    public void OptionsOfTheAsyncLoopOnlyAreRefusedWithTheirDotNetNames()
    {
        var study = NewStudy();
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => study.Optimize(_ => 1.0, nTrials: -1));
        Assert.Equal("options", negative.ParamName);
        Assert.StartsWith("OptimizeOptions.NTrials must be a non-negative integer.", negative.Message, StringComparison.Ordinal);
        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => study.Optimize(_ => 1.0, new OptimizeOptions { NTrials = 1, Concurrency = 0 }));
        Assert.StartsWith("OptimizeOptions.Concurrency must be a positive integer, or -1 for one worker thread per processor.", zero.Message, StringComparison.Ordinal);
        var delay = Assert.Throws<ArgumentException>(() => study.Optimize(_ => 1.0, new OptimizeOptions { NTrials = 1, Delay = TimeSpan.FromSeconds(1) }));
        Assert.StartsWith("OptimizeOptions.Delay applies to OptimizeAsync only", delay.Message, StringComparison.Ordinal);
        var timeout = Assert.Throws<ArgumentException>(() => study.Optimize(_ => 1.0, new OptimizeOptions { NTrials = 1, TrialTimeout = TimeSpan.FromSeconds(1) }));
        Assert.StartsWith("OptimizeOptions.TrialTimeout applies to OptimizeAsync only", timeout.Message, StringComparison.Ordinal);

        // Nothing ran, and the same options object without those settings runs on every processor (-1).
        Assert.Empty(study.Trials);
        study.Optimize(t => t.SuggestFloat("x", 0, 1), new OptimizeOptions { NTrials = 6, Concurrency = -1 });
        Assert.Equal(6, study.Trials.Count);
        Assert.All(study.Trials, t => Assert.Equal(TrialState.Complete, t.State));
    }

    [Fact]
    public void ShortFormRunsTheGivenNumberOfTrialsForEveryObjectiveShape()
    {
        var single = NewStudy();
        single.Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 3);
        single.Optimize(t => t.SuggestFloat("x", 0, 1), new OptimizeOptions { NTrials = 2 });
        Assert.Equal(5, single.Trials.Count);

        var multi = NewStudy(objectives: 2);
        multi.Optimize(t => new[] { t.SuggestFloat("x", 0, 1), 1.0 }, nTrials: 4);
        Assert.Equal(4, multi.GetTrials(TrialState.Complete).Count);
    }

    [Fact]
    public void SeededSequentialRunsAreReproducible()
    {
        static IEnumerable<object?> Run()
        {
            var s = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 42) });
            s.Optimize(t => t.SuggestFloat("x", -1, 1) + t.SuggestInt("n", 0, 5) + (t.SuggestCategorical("c", [true, false]) ? 1 : 0), nTrials: 20);
            return s.Trials.SelectMany(t => t.Params.Values);
        }

        Assert.Equal(Run(), Run());
    }
}
