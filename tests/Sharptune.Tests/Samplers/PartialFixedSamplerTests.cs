using Microsoft.Extensions.Logging;
using Sharptune.Samplers;
using Sharptune.Tests.Support;

namespace Sharptune.Tests.SamplerTests;

public class PartialFixedSamplerTests
{
    private static double Objective(ITrial t) => t.SuggestFloat("x", -1, 1) + t.SuggestInt("y", -1, 1);

    [Fact]
    public void FixedParametersTakeTheirValuesAndTheBaseSamplerDrawsTheRest()
    {
        var study = Study.Create(new StudyOptions
        {
            Sampler = new PartialFixedSampler(new Dictionary<string, object?> { ["y"] = 1 }, new RandomSampler(4)),
        });
        study.Optimize(Objective, nTrials: 20);

        // The base sampler sees only x, so it draws exactly what it draws for an objective of x alone.
        var reference = Study.Create(new StudyOptions { Sampler = new RandomSampler(4) });
        reference.Optimize(t => t.SuggestFloat("x", -1, 1), nTrials: 20);

        Assert.All(study.Trials, t => Assert.Equal(1L, t.Params["y"]));
        Assert.Equal(reference.Trials.Select(t => t.Params["x"]), study.Trials.Select(t => t.Params["x"]));
        Assert.Equal(20, study.Trials.Select(t => t.Params["x"]).Distinct().Count());
    }

    [Fact]
    public void FixedNamesAreRemovedFromTheRelativeSearchSpace()
    {
        var relative = new RelativeStub();
        var study = Study.Create(new StudyOptions
        {
            Sampler = new PartialFixedSampler(new Dictionary<string, object?> { ["y"] = -1 }, relative),
        });

        study.Optimize(Objective, nTrials: 3);

        Assert.All(relative.SampledSpaces, space => Assert.Equal(["x"], space));
        Assert.All(study.Trials, t => Assert.Equal(0.25, t.Params["x"]));
        Assert.All(study.Trials, t => Assert.Equal(-1L, t.Params["y"]));
        Assert.Equal(3, relative.Before);
        Assert.Equal(3, relative.After);
    }

    [Fact]
    public void AnOutOfRangeFixedValueIsUsedWithAWarning()
    {
        var log = new TestLoggerFactory();
        var study = Study.Create(new StudyOptions
        {
            Sampler = new PartialFixedSampler(new Dictionary<string, object?> { ["y"] = 5, ["s"] = "far" }, new RandomSampler(0)),
            LoggerFactory = log,
        });

        study.Optimize(t => Objective(t) + t.SuggestCategorical("s", new[] { "near", "far" }).Length, nTrials: 1);

        Assert.Equal(5L, study.Trials[0].Params["y"]);
        Assert.Equal("far", study.Trials[0].Params["s"]);
        var warnings = log.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.Equal(["Fixed parameter 'y' with value 5 is out of range for distribution IntDistribution(high=1, log=False, low=-1, step=1)."], warnings);
    }

    [Fact]
    public void AFixedValueThatIsNotAChoiceIsAnError()
    {
        var study = Study.Create(new StudyOptions
        {
            Sampler = new PartialFixedSampler(new Dictionary<string, object?> { ["s"] = "c" }, new RandomSampler(0)),
        });

        var e = Assert.Throws<ArgumentException>(() => study.Optimize(t => t.SuggestCategorical("s", new[] { "a", "b" }).Length, nTrials: 1));

        Assert.Equal("'c' not in ('a', 'b').", e.Message);
        Assert.Equal(TrialState.Fail, study.Trials[0].State);
    }

    [Fact]
    public void TheBaseSamplerKeepsItsTrialHooks()
    {
        // GridSampler assigns points before the trial and stops the study after it, through the wrapper.
        var grid = new GridSampler(new Dictionary<string, IReadOnlyList<object?>> { ["x"] = [-0.5, 0.0, 0.5] });
        var study = Study.Create(new StudyOptions
        {
            Sampler = new PartialFixedSampler(new Dictionary<string, object?> { ["y"] = 0 }, grid),
        });

        study.Optimize(
            t =>
            {
                double value = Objective(t);
                return t.Number == 1 ? throw new TrialPrunedException() : value;
            },
            nTrials: 50);

        Assert.Equal(3, study.Trials.Count);
        Assert.Equal([-0.5, 0.0, 0.5], study.Trials.Select(t => (double)t.Params["x"]!).Order());
        Assert.All(study.Trials, t => Assert.Equal(0L, t.Params["y"]));
        Assert.Equal(TrialState.Pruned, study.Trials[1].State);
        Assert.True(grid.IsExhausted(study));
    }

    [Fact]
    public void ArgumentsAreCheckedAndTheFixedValuesCopied()
    {
        Assert.Throws<ArgumentNullException>(() => new PartialFixedSampler(null!, new RandomSampler()));
        Assert.Throws<ArgumentNullException>(() => new PartialFixedSampler(new Dictionary<string, object?>(), null!));

        var values = new Dictionary<string, object?> { ["y"] = 0 };
        var sampler = new PartialFixedSampler(values, new RandomSampler(1));
        values["y"] = 1;
        values["x"] = 0.5;

        Assert.Equal(new Dictionary<string, object?> { ["y"] = 0 }, sampler.FixedParams);
        var study = Study.Create(new StudyOptions { Sampler = sampler });
        study.Optimize(Objective, nTrials: 2);
        Assert.All(study.Trials, t => Assert.Equal(0L, t.Params["y"]));
        Assert.NotEqual(study.Trials[0].Params["x"], study.Trials[1].Params["x"]);
    }

    /// <summary>A joint sampler over x and y that proposes x = 0.25, y = 0 and records what it is asked.</summary>
    private sealed class RelativeStub : ISampler
    {
        public List<List<string>> SampledSpaces { get; } = [];

        public int Before { get; private set; }

        public int After { get; private set; }

        public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial) =>
            new Dictionary<string, Distribution> { ["x"] = new FloatDistribution(-1, 1), ["y"] = new IntDistribution(-1, 1) };

        public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
        {
            SampledSpaces.Add([.. searchSpace.Keys]);
            return searchSpace.ToDictionary(p => p.Key, p => p.Key == "x" ? 0.25 : 0.0);
        }

        public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution) =>
            throw new InvalidOperationException($"{paramName} should not be sampled independently.");

        public void BeforeTrial(Study study, FrozenTrial trial) => Before++;

        public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values) => After++;
    }
}
