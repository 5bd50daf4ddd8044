using Sharptune.Internal;
using Sharptune.Samplers;

namespace Sharptune.Tests.SamplerTests;

public class BruteForceSamplerTests
{
    private static Study NewStudy(int? seed = 0, bool avoidPrematureStop = false) =>
        Study.Create(new StudyOptions { Sampler = new BruteForceSampler(seed, avoidPrematureStop) });

    private static string Key(FrozenTrial t) => PyFormat.Repr(new SortedDictionary<string, object?>(t.Params.ToDictionary(), StringComparer.Ordinal));

    private static double Product(ITrial t)
    {
        int a = t.SuggestInt("a", 0, 2);
        double f = t.SuggestFloat("f", 0, 1, step: 0.5);
        string c = t.SuggestCategorical("c", new[] { "x", "y" });
        return a + f + (c == "x" ? 0 : 10);
    }

    [Fact]
    public void EnumeratesEveryIntStepFloatAndCategoricalCombinationOnceThenStops()
    {
        var study = NewStudy();

        study.Optimize(Product, nTrials: 1000);

        var expected = (from a in new long[] { 0, 1, 2 } from f in new[] { 0.0, 0.5, 1.0 } from c in new[] { "x", "y" } select (a, f, c)).ToHashSet();
        Assert.Equal(18, study.Trials.Count);
        Assert.Equal(expected, study.Trials.Select(t => ((long)t.Params["a"]!, (double)t.Params["f"]!, (string)t.Params["c"]!)).ToHashSet());
    }

    [Fact]
    public void EnumeratesConditionalSpaces()
    {
        // Optuna's documentation example: 5 float branches, and b >= a for the int branch.
        var study = NewStudy();

        study.Optimize(
            t =>
            {
                string c = t.SuggestCategorical("c", new[] { "float", "int" });
                if (c == "float")
                {
                    return t.SuggestFloat("x", 1, 3, step: 0.5);
                }

                int a = t.SuggestInt("a", 1, 3);
                int b = t.SuggestInt("b", a, 3);
                return a + b;
            },
            nTrials: 1000);

        Assert.Equal(
            [
                "{'a': 1, 'b': 1, 'c': 'int'}", "{'a': 1, 'b': 2, 'c': 'int'}", "{'a': 1, 'b': 3, 'c': 'int'}",
                "{'a': 2, 'b': 2, 'c': 'int'}", "{'a': 2, 'b': 3, 'c': 'int'}", "{'a': 3, 'b': 3, 'c': 'int'}",
                "{'c': 'float', 'x': 1.0}", "{'c': 'float', 'x': 1.5}", "{'c': 'float', 'x': 2.0}",
                "{'c': 'float', 'x': 2.5}", "{'c': 'float', 'x': 3.0}",
            ],
            study.Trials.Select(Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EnumeratesBranchesWithoutParametersAndNestedConditions()
    {
        var study = NewStudy(seed: 3);

        study.Optimize(
            t =>
            {
                string kind = t.SuggestCategorical("kind", new[] { "none", "linear", "poly" });
                return kind switch
                {
                    "none" => 0,
                    "linear" => t.SuggestInt("slope", 0, 4, step: 2),
                    _ => t.SuggestInt("degree", 1, 2) + t.SuggestFloat("coef", 0, 0.2, step: 0.1),
                };
            },
            nTrials: 1000);

        Assert.Equal(1 + 3 + 6, study.Trials.Count);
        Assert.Equal(10, study.Trials.Select(Key).Distinct().Count());
        Assert.Equal([0.0, 0.1, 0.2], study.Trials.Where(t => t.Params.ContainsKey("coef")).Select(t => (double)t.Params["coef"]!).Distinct().Order());
    }

    [Fact]
    public void FloatCandidatesUseDecimalStepping()
    {
        var study = NewStudy();

        study.Optimize(t => t.SuggestFloat("x", 0.1, 0.7, step: 0.2), nTrials: 100);

        // 0.1 + 0.2 + 0.2 in binary floating point would give 0.5000000000000001 and 0.7000000000000001.
        Assert.Equal([0.1, 0.3, 0.5, 0.7], study.Trials.Select(t => (double)t.Params["x"]!).Order());
    }

    [Fact]
    public void ValuesOfOtherSamplersCountWhenTheyAreOnTheGridUpToRounding()
    {
        var study = NewStudy();
        var dist = new FloatDistribution(0, 0.3, step: 0.1);
        study.AddTrial(Trials.Create(value: 0, @params: new Dictionary<string, object?> { ["x"] = 0.7 - 0.5 }, distributions: new Dictionary<string, Distribution> { ["x"] = dist }));

        study.Optimize(t => t.SuggestFloat("x", 0, 0.3, step: 0.1), nTrials: 100);

        Assert.Equal(4, study.Trials.Count);
        Assert.Equal([0.0, 0.1, 0.3], study.Trials.Skip(1).Select(t => (double)t.Params["x"]!).Order());
    }

    [Fact]
    public void AContinuousFloatIsRejectedWithOptunasMessage()
    {
        var study = NewStudy();

        var e = Assert.Throws<ArgumentException>(() => study.Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 1));

        Assert.Equal("FloatDistribution.step must be given for BruteForceSampler (otherwise, the search space will be infinite).", e.Message);
        Assert.Equal(TrialState.Fail, study.Trials[0].State);
    }

    [Fact]
    public void TheSameSeedGivesTheSameOrder()
    {
        List<string> Run(int seed)
        {
            var study = NewStudy(seed);
            study.Optimize(Product);
            return study.Trials.Select(Key).ToList();
        }

        Assert.Equal(Run(7), Run(7));
        Assert.NotEqual(Run(7), Run(8));
        Assert.Equal(Run(8).Order(StringComparer.Ordinal), Run(9).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FailedAndPrunedTrialsCountAsVisited()
    {
        var study = NewStudy();

        study.Optimize(
            t =>
            {
                int a = t.SuggestInt("a", 0, 2);
                if (a == 1)
                {
                    throw new InvalidOperationException("boom");
                }

                int b = t.SuggestInt("b", 0, 1);
                return b == 1 ? throw new TrialPrunedException() : a;
            },
            new OptimizeOptions
            {
                NTrials = 100,
                Catch = [typeof(InvalidOperationException)],
            });

        Assert.Equal(5, study.Trials.Count);
        Assert.Equal("{'a': 1}", Key(study.Trials.Single(t => t.State == TrialState.Fail)));
        Assert.Equal(2, study.Trials.Count(t => t.State == TrialState.Pruned));
        Assert.Equal(2, study.Trials.Count(t => t.State == TrialState.Complete));
    }

    [Fact]
    public void ATrialThatEndedEarlyIsContinuedWhenAnotherGoesDeeper()
    {
        // Optuna 5 raises "param_name mismatch: None != b" here.
        var study = NewStudy();
        study.EnqueueTrial(new Dictionary<string, object?> { ["a"] = 1 });
        study.EnqueueTrial(new Dictionary<string, object?> { ["a"] = 1, ["b"] = 0 });
        bool failedOnce = false;

        study.Optimize(
            t =>
            {
                int a = t.SuggestInt("a", 0, 2);
                if (a == 1 && !failedOnce)
                {
                    failedOnce = true;
                    throw new InvalidOperationException("transient");
                }

                return a + t.SuggestInt("b", 0, 1);
            },
            new OptimizeOptions
            {
                NTrials = 100,
                Catch = [typeof(InvalidOperationException)],
            });

        Assert.Equal(7, study.Trials.Count);
        Assert.Equal(
            ["{'a': 0, 'b': 0}", "{'a': 0, 'b': 1}", "{'a': 1, 'b': 0}", "{'a': 1, 'b': 1}", "{'a': 2, 'b': 0}", "{'a': 2, 'b': 1}"],
            study.GetTrials(TrialState.Complete).Select(Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AnObjectiveWithoutParametersRunsOnce()
    {
        var study = NewStudy();

        study.Optimize(_ => 1.0, nTrials: 10);

        Assert.Single(study.Trials);
    }

    [Fact]
    public void RunningTrialsAreAvoidedAndCountAsVisitedByDefault()
    {
        var study = NewStudy();
        var trials = Enumerable.Range(0, 2).Select(_ => study.Ask()).ToList();
        var values = trials.Select(t => (long)t.SuggestInt("a", 0, 2)).ToList();

        study.Tell(trials[1], 0.0);
        Assert.False(study.StopRequested);

        // The new trial avoids the value the running trial holds.
        var third = study.Ask();
        values.Add(third.SuggestInt("a", 0, 2));
        Assert.Equal([0L, 1L, 2L], values.Order());

        study.Tell(third, 0.0);
        Assert.True(study.StopRequested); // trials[0] still runs, but its value counts as visited
    }

    [Fact]
    public void AvoidPrematureStopWaitsForRunningTrials()
    {
        var study = NewStudy(avoidPrematureStop: true);
        var trials = Enumerable.Range(0, 3).Select(_ => study.Ask()).ToList();
        foreach (var t in trials)
        {
            t.SuggestInt("a", 0, 2);
        }

        study.Tell(trials[1], 0.0);
        study.Tell(trials[2], 0.0);
        Assert.False(study.StopRequested);
        study.Tell(trials[0], 0.0);
        Assert.True(study.StopRequested);
    }

    [Fact]
    public void ParallelWorkersWithAvoidPrematureStopCoverEverythingAndStop()
    {
        for (int run = 0; run < 10; run++)
        {
            var study = NewStudy(seed: run, avoidPrematureStop: true);

            // Duplicates happen only while the last branches are running (how many depends on the scheduler);
            // the sampler, not nTrials, ends the run.
            study.Optimize(Product, new OptimizeOptions { NTrials = 100_000, Concurrency = 2 });

            Assert.Equal(18, study.Trials.Select(Key).Distinct().Count());
            Assert.True(study.Trials.Count < 100_000);
        }
    }

    [Fact]
    public void ParallelWorkersStopByDefaultEvenIfRunningBranchesHideCombinations()
    {
        // Optuna's default: a branch a running trial is on counts as visited, so the study may stop before that
        // trial reveals the rest of the branch (optuna/optuna#5780). It never runs away, and every trial is valid.
        for (int run = 0; run < 10; run++)
        {
            var study = NewStudy(seed: run);

            study.Optimize(Product, new OptimizeOptions { NTrials = 1000, Concurrency = 2 });

            Assert.InRange(study.Trials.Count, 1, 24);
            Assert.All(study.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        }
    }

    [Fact]
    public void InconsistentSuggestionOrdersAndRangesAreReportedAsOptunaDoes()
    {
        var study = NewStudy();
        var first = study.Ask();
        first.SuggestInt("a", 0, 2);
        first.SuggestInt("b", 0, 1);
        study.Tell(first, 0.0);

        var second = study.Ask();
        var order = Assert.Throws<ArgumentException>(() => second.SuggestInt("b", 0, 1));
        Assert.Equal("param_name mismatch: a != b", order.Message);

        var third = study.Ask();
        var range = Assert.Throws<ArgumentException>(() => third.SuggestInt("a", 0, 3));
        Assert.Equal("search_space mismatch in a: [0, 1, 2] != [0, 1, 2, 3]", range.Message);

        var floats = NewStudy();
        var f1 = floats.Ask();
        f1.SuggestFloat("x", 0, 1, step: 0.5);
        floats.Tell(f1, 0.0);
        var f2 = floats.Ask();
        var floatRange = Assert.Throws<ArgumentException>(() => f2.SuggestFloat("x", 0, 1, step: 0.25));
        Assert.Equal("search_space mismatch in x: [0.0, 0.5, 1.0] != [0.0, 0.25, 0.5, 0.75, 1.0]", floatRange.Message);
    }

    [Fact]
    public void CategoricalChoicesOfEveryKindAreEnumerated()
    {
        var study = NewStudy();
        var seen = new List<object?>();

        study.Optimize(t =>
        {
            seen.Add(t.SuggestCategorical("v", new object?[] { null, true, 3, 2.5, "s" }));
            return 0;
        });

        Assert.Equal(5, study.Trials.Count);
        Assert.Equal(5, seen.Distinct().Count());
        Assert.Contains(null, seen);
    }
}
