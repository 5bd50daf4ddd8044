using Sharptune.Samplers;
using Sharptune.Tests.Support;

namespace Sharptune.Tests.Core;

public class AskTellTests
{
    private static Study NewStudy(TestLoggerFactory? logs = null) =>
        Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 11), LoggerFactory = logs });

    [Fact]
    public void AskThenTellCompletes()
    {
        var study = NewStudy();
        var trial = study.Ask();
        double x = trial.SuggestFloat("x", 0, 1);
        var frozen = study.Tell(trial, x * 2);
        Assert.Equal(TrialState.Complete, frozen.State);
        Assert.Equal(x * 2, frozen.Value);
        Assert.Equal(x, frozen.Params["x"]);
    }

    [Fact]
    public void ALiveTrialKnowsWhatTheStorageHoldsHoweverItStarted()
    {
        // A new in-memory trial starts without a snapshot of itself; one that already holds attributes or reports
        // (added as WAITING, then claimed) starts from the stored trial. Both agree with the storage.
        var study = NewStudy();
        var fresh = study.Ask();
        var stored = study.Storage.GetTrial(fresh.TrialId);
        Assert.Equal(stored.Number, fresh.Number);
        Assert.Equal(stored.DatetimeStart, fresh.DatetimeStart);
        Assert.Empty(fresh.Params);
        Assert.Empty(fresh.UserAttrs);
        study.Tell(fresh, 1.0);

        study.AddTrial(Trials.Create(state: TrialState.Waiting, userAttrs: new Dictionary<string, object?> { ["origin"] = "queue" }, intermediateValues: new Dictionary<int, double> { [0] = 2.5 }));
        var claimed = study.Ask();
        Assert.Equal(1, claimed.Number);
        Assert.Equal("queue", claimed.UserAttrs["origin"]);
        Assert.Equal(2.5, claimed.IntermediateValues[0]);
        Assert.Equal(study.Storage.GetTrial(claimed.TrialId).DatetimeStart, claimed.DatetimeStart);

        // The finished trial Tell returns is built from the live trial, and matches the storage.
        double x = claimed.SuggestFloat("x", 0, 1);
        var told = study.Tell(claimed, x);
        var after = study.Storage.GetTrial(claimed.TrialId);
        Assert.Equal(after.Params, told.Params);
        Assert.Equal(after.UserAttrs, told.UserAttrs);
        Assert.Equal(after.Values, told.Values);
        Assert.Equal(TrialState.Complete, told.State);
        Assert.Same(told, study.Tell(claimed, [x], skipIfFinished: true));
    }

    [Fact]
    public void AskWithFixedDistributionsSuggestsThemAtOnce()
    {
        var study = NewStudy();
        var trial = study.Ask(new Dictionary<string, Distribution> { ["lr"] = new FloatDistribution(1e-5, 1, log: true), ["opt"] = new CategoricalDistribution(["sgd", "adam"]) });
        Assert.Equal(["lr", "opt"], trial.Params.Keys);
        Assert.InRange((double)trial.Params["lr"]!, 1e-5, 1);
    }

    [Fact]
    public void TellRulesAndMessages()
    {
        var study = NewStudy();
        var t = study.Ask();
        Assert.Equal("No values were told. Values are required when state is TrialState.Complete.",
            Assert.Throws<ArgumentException>(() => study.Tell(t, state: TrialState.Complete)).Message);
        Assert.Equal("Values were told. Values cannot be specified when state is TrialState.Pruned or TrialState.Fail.",
            Assert.Throws<ArgumentException>(() => study.Tell(t, [1.0], TrialState.Pruned)).Message);
        Assert.Equal("Cannot tell with state TrialState.Waiting.",
            Assert.Throws<ArgumentException>(() => study.Tell(t, state: TrialState.Waiting)).Message);
        Assert.Equal("The value nan is not acceptable",
            Assert.Throws<ArgumentException>(() => study.Tell(t, [double.NaN], TrialState.Complete)).Message);
        Assert.Equal("The number of the values 2 did not match the number of the objectives 1",
            Assert.Throws<ArgumentException>(() => study.Tell(t, [1.0, 2.0], TrialState.Complete)).Message);
        Assert.Equal(TrialState.Running, study.Trials[0].State);

        study.Tell(t, state: TrialState.Fail);
        Assert.Equal("Cannot tell a trial in state TrialState.Fail.", Assert.Throws<ArgumentException>(() => study.Tell(t, 1.0)).Message);
        Assert.Equal(TrialState.Fail, study.Tell(t, [1.0], skipIfFinished: true).State);
        Assert.StartsWith("Cannot tell for trial with number 999 since it has not been created.",
            Assert.Throws<ArgumentException>(() => study.Tell(999, [1.0])).Message);
        Assert.StartsWith("Trial must be a trial object or trial number.",
            Assert.Throws<ArgumentException>(() => study.Tell(new FixedTrial(new Dictionary<string, object?>()), 1.0)).Message);
    }

    [Fact]
    public void TellWithoutStateFailsInvalidValuesWithAWarning()
    {
        var logs = new TestLoggerFactory();
        var study = NewStudy(logs);
        Assert.Equal(TrialState.Fail, study.Tell(study.Ask(), [double.NaN]).State);
        Assert.Equal(TrialState.Fail, study.Tell(study.Ask()).State);
        Assert.Contains("The value nan is not acceptable", logs.Messages);
        Assert.Contains("The value None could not be cast to float.", logs.Messages);
    }

    [Fact]
    public void TellByNumberAndPrunedWithLastValue()
    {
        var study = NewStudy();
        var t = study.Ask();
        t.Report(0.7, 1);
        t.Report(0.4, 3);
        var frozen = study.Tell(t.Number, state: TrialState.Pruned);
        Assert.Equal(TrialState.Pruned, frozen.State);
        Assert.Equal([0.4], frozen.Values);
    }

    [Fact]
    public void EnqueuedTrialsAreClaimedOnceAndUseTheirParams()
    {
        var study = NewStudy();
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 0.25, ["c"] = "b" }, userAttrs: new Dictionary<string, object?> { ["src"] = "manual" });
        Assert.Equal(TrialState.Waiting, study.Trials[0].State);
        Assert.Null(study.Trials[0].DatetimeStart);
        var t = study.Ask();
        Assert.Equal(0, t.Number);
        Assert.Equal(0.25, t.SuggestFloat("x", 0, 1));
        Assert.Equal("b", t.SuggestCategorical("c", ["a", "b"]));
        double y = t.SuggestFloat("y", 0, 1); // not fixed: sampled
        Assert.InRange(y, 0, 1);
        Assert.Equal("manual", t.UserAttrs["src"]);
        study.Tell(t, 1.0);
        Assert.Equal(1, study.Ask().Number);
    }

    [Fact]
    public void EnqueueSkipIfExistsComparesNumbersByValue()
    {
        var study = NewStudy();
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 1.0, ["n"] = 2L });
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 1.0, ["n"] = 2L }, skipIfExists: true);
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = double.NaN }, skipIfExists: true);
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = double.NaN }, skipIfExists: true);
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 1.5, ["n"] = 2L }, skipIfExists: true);
        Assert.Equal(3, study.Trials.Count);
        Assert.Throws<ArgumentNullException>(() => study.EnqueueTrial(null!));
    }

    public static TheoryData<object?, object?, bool> EnqueueRepeats => new()
    {
        // What Optuna 5's enqueue_trial(..., skip_if_exists=True) does for the second of two enqueued values
        // (np.isclose with atol=0 and equal_nan=True, after isinstance(value, type(existing))).
        { 1.0, 1.000001, true },
        { 1.0, 1.00002, false },
        { 1L, 1.0, false },
        { 1.0, 1L, false },
        { true, 1L, false },
        { 1L, true, true },
        { double.NaN, double.NaN, true },
        { 0.0, double.NaN, false },
        { double.NaN, 0.0, false },
        { double.PositiveInfinity, double.PositiveInfinity, true },
        { 0.0, 1e-300, false },
        { 100000L, 100001L, true },
        { "a", "a", true },
        { "a", 1.0, false },
        { null, null, true },
        { 2L, 2L, true },
    };

    [Theory]
    [MemberData(nameof(EnqueueRepeats))]
    public void EnqueueSkipIfExistsFollowsOptuna5(object? first, object? second, bool skipped)
    {
        var study = NewStudy();
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = first });
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = second }, skipIfExists: true);
        Assert.Equal(skipped ? 1 : 2, study.Trials.Count);
    }

    [Fact]
    public void EnqueuedWaitingTrialsAreClaimedByExactlyOneThread()
    {
        var study = NewStudy();
        for (int i = 0; i < 200; i++)
        {
            study.EnqueueTrial(new Dictionary<string, object?> { ["i"] = (long)i });
        }

        var claimed = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, 4, _ =>
        {
            for (int k = 0; k < 50; k++)
            {
                var t = study.Ask();
                claimed.Add(t.SuggestInt("i", 0, 1000));
                study.Tell(t, 0.0);
            }
        });
        Assert.Equal(Enumerable.Range(0, 200), claimed.OrderBy(i => i));
        Assert.Equal(200, study.Trials.Count);
    }

    [Fact]
    public void ATrialWhoseStartFailsIsStoredFail()
    {
        var study = Study.Create(new StudyOptions { Sampler = new ThrowingSampler() });
        Assert.Throws<InvalidOperationException>(() => study.Ask());
        Assert.Equal(TrialState.Fail, Assert.Single(study.Trials).State);

        var ok = NewStudy();
        ok.Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 1);
        Assert.Throws<ArgumentException>(() => ok.Ask(new Dictionary<string, Distribution> { ["x"] = new IntDistribution(0, 1) }));
        Assert.Equal([TrialState.Complete, TrialState.Fail], ok.Trials.Select(t => t.State));
    }

    private sealed class ThrowingSampler : ISampler
    {
        public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial) => new Dictionary<string, Distribution>();

        public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace) => new Dictionary<string, double>();

        public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution) => 0;

        public void BeforeTrial(Study study, FrozenTrial trial) => throw new InvalidOperationException("sampler failure");
    }
}
