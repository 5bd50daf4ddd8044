using Sharptune.Internal;
using Sharptune.Samplers;
using Sharptune.Storages;
using Sharptune.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Sharptune.Tests.SamplerTests;

public class GridSamplerTests
{
    private static readonly Dictionary<string, IReadOnlyList<object?>> Space = new()
    {
        ["x"] = [-1.0, 0.0, 1.5],
        ["y"] = ["a", "b"],
        ["z"] = [1, 2],
    };

    private static double Objective(ITrial t)
    {
        double x = t.SuggestFloat("x", -2, 2);
        string y = t.SuggestCategorical("y", new[] { "a", "b" });
        int z = t.SuggestInt("z", 0, 5);
        return x + (y == "a" ? 0 : 10) + (z * 100);
    }

    private static HashSet<(double, string, long)> AllCombinations() =>
        [.. from x in new[] { -1.0, 0.0, 1.5 } from y in new[] { "a", "b" } from z in new long[] { 1, 2 } select (x, y, z)];

    private static List<string> Warnings(TestLoggerFactory log) =>
        log.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();

    private static (double, string, long) Key(FrozenTrial t) => ((double)t.Params["x"]!, (string)t.Params["y"]!, (long)t.Params["z"]!);

    [Fact]
    public void SequentialOptimizeCoversEveryCombinationOnceAndStops()
    {
        var sampler = new GridSampler(Space);
        var study = Study.Create(new StudyOptions { Sampler = sampler });

        study.Optimize(Objective, nTrials: 100);

        Assert.Equal(12, study.Trials.Count);
        Assert.Equal(AllCombinations(), study.Trials.Select(Key).ToHashSet());
        Assert.True(sampler.IsExhausted(study));
        Assert.All(study.Trials, t => Assert.Equal((long)t.Number, t.SystemAttrs["grid_id"]));
    }

    [Fact]
    public void ParallelOptimizeCoversEveryCombinationOnceAndStops()
    {
        // Repeated so that the end of the grid races between the two workers many times.
        for (int run = 0; run < 25; run++)
        {
            var sampler = new GridSampler(Space, seed: run);
            var study = Study.Create(new StudyOptions { Sampler = sampler });

            study.Optimize(Objective, new OptimizeOptions { NTrials = 100, Concurrency = 2 });

            Assert.Equal(12, study.Trials.Count);
            Assert.Equal(AllCombinations(), study.Trials.Select(Key).ToHashSet());
            Assert.True(sampler.IsExhausted(study));
        }
    }

    [Fact]
    public async Task ConcurrentAsyncOptimizeCoversEveryCombinationOnceAndStops()
    {
        for (int run = 0; run < 10; run++)
        {
            var sampler = new GridSampler(Space, seed: run);
            var study = Study.Create(new StudyOptions { Sampler = sampler });

            await study.OptimizeAsync(
                async (t, ct) =>
                {
                    await Task.Yield();
                    return Objective(t);
                },
                new OptimizeOptions { NTrials = 100, Concurrency = 2 },
                TestContext.Current.CancellationToken);

            Assert.Equal(12, study.Trials.Count);
            Assert.Equal(AllCombinations(), study.Trials.Select(Key).ToHashSet());
        }
    }

    [Fact]
    public void GridOrderIsOptunasForTheSameSeed()
    {
        // Expected orders printed by Optuna 5 (numpy RandomState) for the same spaces and seeds.
        var small = new Dictionary<string, IReadOnlyList<object?>> { ["b"] = [1, 2, 3], ["a"] = ["x", "y"], ["c"] = [0.5] };
        Assert.Equal(
            ["y3", "x3", "x2", "y1", "x1", "y2"],
            Points(new GridSampler(small)).Select(p => $"{p["a"]}{p["b"]}"));
        Assert.Equal(
            ["x1", "x2", "y3", "x3", "y2", "y1"],
            Points(new GridSampler(small, seed: 42)).Select(p => $"{p["a"]}{p["b"]}"));

        var ten = new Dictionary<string, IReadOnlyList<object?>> { ["x"] = Enumerable.Range(0, 10).Cast<object?>().ToList() };
        Assert.Equal([8L, 5L, 0L, 2L, 1L, 9L, 7L, 3L, 6L, 4L], Points(new GridSampler(ten, seed: 7)).Select(p => p["x"]));

        // 999 draws: the generator refills its state more than once.
        var large = new GridSampler(new Dictionary<string, IReadOnlyList<object?>> { ["x"] = Enumerable.Range(0, 1000).Cast<object?>().ToList() }, seed: 3);
        Assert.Equal([642L, 762L, 909L, 199L, 586L, 797L, 652L, 755L, 416L, 498L, 514L, 456L], Enumerable.Range(0, 12).Select(i => large.GetGridPoint(i)["x"]));
        Assert.Equal([952L, 643L, 249L, 664L, 874L], Enumerable.Range(995, 5).Select(i => large.GetGridPoint(i)["x"]));

        // Names sort by code point (upper case first), mixed value types.
        var mixed = new GridSampler(new Dictionary<string, IReadOnlyList<object?>> { ["y"] = [0.5, null, true], ["x"] = [1, 2], ["Z"] = ["p", "q"] }, seed: 12345);
        Assert.Equal(["Z", "x", "y"], mixed.SearchSpace.Keys);
        Assert.Equal(
            ["q1True", "p10.5", "p20.5", "q1None", "q2True", "q2None", "q10.5", "q20.5", "p2None", "p1None", "p2True", "p1True"],
            Points(mixed).Select(p => $"{p["Z"]}{p["x"]}{PyFormat.Repr(p["y"])}"));

        static IEnumerable<IReadOnlyDictionary<string, object?>> Points(GridSampler s) => Enumerable.Range(0, s.GridCount).Select(s.GetGridPoint);
    }

    [Fact]
    public void TrialsFollowTheGridIdsAndTheSameSeedRepeatsTheOrder()
    {
        List<(double, string, long)> Run(int? seed)
        {
            var study = Study.Create(new StudyOptions { Sampler = new GridSampler(Space, seed) });
            study.Optimize(Objective);
            return study.Trials.Select(Key).ToList();
        }

        var sampler = new GridSampler(Space, seed: 5);
        var expected = Enumerable.Range(0, 12).Select(sampler.GetGridPoint).Select(p => ((double)p["x"]!, (string)p["y"]!, (long)p["z"]!)).ToList();
        Assert.Equal(expected, Run(5));
        Assert.Equal(Run(5), Run(5));
        Assert.Equal(Run(null), Run(0));
        Assert.NotEqual(Run(1), Run(2));
    }

    [Fact]
    public void SystemAttributesHoldTheGridIdAndAJsonCompatibleSearchSpace()
    {
        var study = Study.Create(new StudyOptions { Sampler = new GridSampler(Space) });
        var trial = study.Ask();
        trial.SuggestFloat("x", -2, 2);
        study.Tell(trial, 1.0);

        var frozen = study.Trials[0];
        Assert.Equal(0L, frozen.SystemAttrs["grid_id"]);
        Assert.Equal(
            "{\"x\": [-1.0, 0.0, 1.5], \"y\": [\"a\", \"b\"], \"z\": [1, 2]}",
            PyJson.Serialize(frozen.SystemAttrs["search_space"]));
    }

    [Fact]
    public void TrialsFromAPersistedStudyCountWhenTheirSearchSpaceMatches()
    {
        var storage = new InMemoryStorage();
        var first = Study.Create(new StudyOptions { Storage = storage, StudyName = "grid" });
        var sampler = new GridSampler(Space);

        // Grid points 0 and 1 finished with attributes as a JSON storage returns them; one trial of another grid.
        foreach (int id in new[] { 0, 1 })
        {
            var point = sampler.GetGridPoint(id);
            first.AddTrial(Trials.Create(
                value: 0,
                @params: point,
                distributions: new Dictionary<string, Distribution>
                {
                    ["x"] = new FloatDistribution(-2, 2),
                    ["y"] = new CategoricalDistribution(["a", "b"]),
                    ["z"] = new IntDistribution(0, 5),
                },
                systemAttrs: new Dictionary<string, object?>
                {
                    ["grid_id"] = (long)id,
                    ["search_space"] = PyJson.Parse(PyJson.Serialize(sampler.SearchSpace)),
                }));
        }

        first.AddTrial(Trials.Create(
            value: 0,
            systemAttrs: new Dictionary<string, object?>
            {
                ["grid_id"] = 2L,
                ["search_space"] = PyJson.Parse("{\"x\": [-1.0, 0.0], \"y\": [\"a\", \"b\"], \"z\": [1, 2]}"),
            }));

        var study = Study.Load("grid", storage, sampler);
        Assert.False(sampler.IsExhausted(study));
        study.Optimize(Objective);

        // Trials 3..11 take their own grid points, then the one left (2, claimed only by the other grid) is run.
        Assert.Equal(13, study.Trials.Count);
        Assert.Equal(AllCombinations(), study.Trials.Where(t => t.Params.Count == 3).Select(Key).ToHashSet());
        Assert.Equal(12, study.Trials.Where(t => t.Params.Count == 3).Select(Key).Distinct().Count());
        Assert.Equal(2L, study.Trials[^1].SystemAttrs["grid_id"]);
        Assert.True(sampler.IsExhausted(study));
    }

    [Fact]
    public void TrialsNumberedPastTheGridTakeUnvisitedPoints()
    {
        var storage = new InMemoryStorage();
        var warmup = Study.Create(new StudyOptions { Storage = storage, StudyName = "s", Sampler = new RandomSampler(1) });
        warmup.Optimize(Objective, nTrials: 7);

        var sampler = new GridSampler(Space, seed: 3);
        var study = Study.Load("s", storage, sampler);
        study.Optimize(Objective, nTrials: 100);

        var gridTrials = study.Trials.Skip(7).ToList();
        Assert.Equal(12, gridTrials.Count);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i).ToHashSet(), gridTrials.Select(t => (long)t.SystemAttrs["grid_id"]!).ToHashSet());
        Assert.Equal(AllCombinations(), gridTrials.Select(Key).ToHashSet());
        Assert.All(gridTrials.Take(5), t => Assert.Equal((long)t.Number, t.SystemAttrs["grid_id"]));
    }

    [Fact]
    public void FailedAndPrunedTrialsCountAsVisited()
    {
        var sampler = new GridSampler(Space);
        var study = Study.Create(new StudyOptions { Sampler = sampler });

        study.Optimize(
            t =>
            {
                double value = Objective(t);
                return t.Params["y"] is "b" && t.Params["z"] is 1L ? throw new InvalidOperationException("boom")
                    : t.Params["y"] is "b" ? throw new TrialPrunedException()
                    : value;
            },
            new OptimizeOptions
            {
                NTrials = 100,
                Catch = [typeof(InvalidOperationException)],
            });

        Assert.Equal(12, study.Trials.Count);
        Assert.Equal(3, study.Trials.Count(t => t.State == TrialState.Fail));
        Assert.Equal(3, study.Trials.Count(t => t.State == TrialState.Pruned));
        Assert.Equal(AllCombinations(), study.Trials.Select(Key).ToHashSet());
        Assert.True(sampler.IsExhausted(study));
    }

    [Fact]
    public void AskAndTellExhaustsTheGridWithoutThrowing()
    {
        var storage = new InMemoryStorage();
        Study.Create(new StudyOptions { Storage = storage, StudyName = "s", Sampler = new RandomSampler(0) })
            .Optimize(t => t.SuggestInt("x", 0, 5), nTrials: 3);
        var sampler = new GridSampler(new Dictionary<string, IReadOnlyList<object?>> { ["x"] = [1, 2, 3] });
        var study = Study.Load("s", storage, sampler);
        var seen = new List<long>();

        // Trials 3 to 5 are numbered past the grid and asked together: a running point is not handed out twice.
        var trials = Enumerable.Range(0, 3).Select(_ => study.Ask()).ToList();
        foreach (var t in trials)
        {
            seen.Add(t.SuggestInt("x", 0, 5));
        }

        Assert.Equal([1L, 2L, 3L], seen.Order());
        for (int i = 0; i < trials.Count; i++)
        {
            Assert.False(sampler.IsExhausted(study));
            study.Tell(trials[i], 0.0);
        }

        Assert.True(sampler.IsExhausted(study));
        Assert.True(study.StopRequested);
    }

    [Fact]
    public void RunningPointsAreFinishedBeforeTheStudyStops()
    {
        var sampler = new GridSampler(new Dictionary<string, IReadOnlyList<object?>> { ["x"] = [1, 2] });
        var study = Study.Create(new StudyOptions { Sampler = sampler });
        var abandoned = study.Ask(); // grid 0, never told
        long abandonedX = abandoned.SuggestInt("x", 0, 5);

        // The optimize loop runs grid 1, then re-runs the point held by the abandoned trial, then stops.
        study.Optimize(t => t.SuggestInt("x", 0, 5), nTrials: 10);

        var finished = study.GetTrials(TrialState.Complete);
        Assert.Equal(2, finished.Count);
        Assert.Equal([1L, 2L], finished.Select(t => (long)t.Params["x"]!).Order());
        Assert.Equal(abandonedX, finished[^1].Params["x"]);
        Assert.True(sampler.IsExhausted(study));
    }

    [Fact]
    public void ReRunningAnExhaustedStudyEvaluatesOnePointWithAWarning()
    {
        var log = new TestLoggerFactory();
        var study = Study.Create(new StudyOptions { Sampler = new GridSampler(Space), LoggerFactory = log });
        study.Optimize(Objective);

        study.Optimize(Objective, nTrials: 5);

        Assert.Equal(13, study.Trials.Count);
        Assert.Contains(
            "`GridSampler` is re-evaluating a configuration because the grid has been exhausted. This may happen due to a timing issue during distributed optimization or when re-running optimizations on already finished studies.",
            Warnings(log));
    }

    [Fact]
    public void EnqueuedTrialsMustFixEveryParameter()
    {
        var study = Study.Create(new StudyOptions { Sampler = new GridSampler(Space) });
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 0.0, ["y"] = "a", ["z"] = 2 });
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 0.0 });

        study.Optimize(Objective, nTrials: 1);
        var full = study.Trials[0];
        Assert.Equal(TrialState.Complete, full.State);
        Assert.False(full.SystemAttrs.ContainsKey("grid_id"));

        var e = Assert.Throws<ArgumentException>(() => study.Optimize(Objective, nTrials: 1));
        Assert.Equal("All parameters must be specified when using GridSampler with EnqueueTrial.", e.Message);
        Assert.Equal(TrialState.Fail, study.Trials[1].State);
    }

    [Fact]
    public void AParameterMissingFromTheGridIsAnError()
    {
        var study = Study.Create(new StudyOptions { Sampler = new GridSampler(Space) });

        var e = Assert.Throws<ArgumentException>(() => study.Optimize(t => Objective(t) + t.SuggestFloat("w", 0, 1), nTrials: 1));

        Assert.Equal("The parameter name, w, is not found in the given grid.", e.Message);
        Assert.Equal(TrialState.Fail, study.Trials[0].State);
    }

    [Fact]
    public void AValueOutsideTheDistributionIsUsedWithAWarning()
    {
        var log = new TestLoggerFactory();
        var study = Study.Create(new StudyOptions
        {
            Sampler = new GridSampler(new Dictionary<string, IReadOnlyList<object?>> { ["x"] = [5.0], ["n"] = [2.5] }),
            LoggerFactory = log,
        });

        study.Optimize(t => t.SuggestFloat("x", 0, 1) + t.SuggestFloat("n", 0, 4, step: 1), nTrials: 1);

        Assert.Equal(5.0, study.Trials[0].Params["x"]);
        Assert.Equal(2.5, study.Trials[0].Params["n"]);
        Assert.Contains(
            "The value `5.0` is out of range of the parameter `x`. The value will be used but the actual distribution is: `FloatDistribution(high=1.0, log=False, low=0.0, step=None)`.",
            Warnings(log));
        Assert.Contains(
            "The value `2.5` is out of range of the parameter `n`. The value will be used but the actual distribution is: `FloatDistribution(high=4.0, log=False, low=0.0, step=1.0)`.",
            Warnings(log));
    }

    private enum Color
    {
        Red,
        Green,
    }

    [Fact]
    public void ValuesOfEveryJsonTypeAndEnumsReachTheObjective()
    {
        var sampler = new GridSampler(new Dictionary<string, IReadOnlyList<object?>>
        {
            ["color"] = [Color.Green, "Red"],
            ["flag"] = [true, false],
            ["opt"] = [null, "s"],
            ["n"] = [(short)3, 7u],
        });
        var study = Study.Create(new StudyOptions { Sampler = sampler });
        var seen = new HashSet<string>();

        study.Optimize(t =>
        {
            var color = t.SuggestCategorical("color", new[] { Color.Red, Color.Green });
            bool flag = t.SuggestCategorical("flag", new[] { false, true });
            string? opt = t.SuggestCategorical("opt", new string?[] { "s", null });
            long n = t.SuggestLong("n", 0, 10);
            seen.Add($"{color}/{flag}/{opt ?? "null"}/{n}");
            return 0;
        });

        Assert.Equal(16, seen.Count);
        Assert.Contains("Green/True/null/3", seen);
        Assert.Contains("Red/False/s/7", seen);
        Assert.Equal("{\"color\": [\"Green\", \"Red\"], \"flag\": [true, false], \"n\": [3, 7], \"opt\": [null, \"s\"]}", PyJson.Serialize(sampler.SearchSpace));
    }

    [Fact]
    public void InvalidSearchSpacesAreRejected()
    {
        Assert.Throws<ArgumentNullException>(() => new GridSampler(null!));
        Assert.Throws<ArgumentNullException>(() => new GridSampler(new Dictionary<string, IReadOnlyList<object?>> { ["x"] = null! }));

        var empty = Assert.Throws<ArgumentException>(() => new GridSampler(new Dictionary<string, IReadOnlyList<object?>> { ["x"] = [] }));
        Assert.Contains("The candidates of x are empty", empty.Message, StringComparison.Ordinal);

        var type = Assert.Throws<ArgumentException>(() => new GridSampler(new Dictionary<string, IReadOnlyList<object?>> { ["x"] = [1, DateTime.UnixEpoch] }));
        Assert.StartsWith(
            "x contains a value with the type of System.DateTime, which is not supported by `GridSampler`. Please make sure a value is `str`, `int`, `float`, `bool` or `None` for persistent storage.",
            type.Message,
            StringComparison.Ordinal);

        var huge = Enumerable.Range(0, 2000).Cast<object?>().ToList();
        Assert.Throws<ArgumentException>(() => new GridSampler(new Dictionary<string, IReadOnlyList<object?>> { ["a"] = huge, ["b"] = huge, ["c"] = huge }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GridSampler(Space).GetGridPoint(12));
    }

    [Fact]
    public void AnEmptySearchSpaceHasOnePoint()
    {
        var sampler = new GridSampler(new Dictionary<string, IReadOnlyList<object?>>());
        var study = Study.Create(new StudyOptions { Sampler = sampler });

        study.Optimize(_ => 1.0, nTrials: 10);

        Assert.Equal(1, sampler.GridCount);
        Assert.Single(study.Trials);
    }
}
