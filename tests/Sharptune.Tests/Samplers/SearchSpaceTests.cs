using Sharptune.Samplers;

namespace Sharptune.Tests.SamplerTests;

public class SearchSpaceTests
{
    [Fact]
    public void IntersectionKeepsParamsWithIdenticalDistributionsInEveryCompleteTrial()
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 1) });
        var space = new IntersectionSearchSpace();
        Assert.Empty(space.Calculate(study));

        study.Optimize(t => t.SuggestFloat("x", 0, 1) + t.SuggestInt("n", 0, 3) + (t.SuggestCategorical("c", ["a", "b"]) == "a" ? 0 : 1), nTrials: 3);
        Assert.Equal(["c", "n", "x"], space.Calculate(study).Keys);

        // A changed range drops the parameter; a missing parameter drops it too.
        study.Optimize(t => t.SuggestFloat("x", 0, 2) + t.SuggestInt("n", 0, 3), nTrials: 1);
        Assert.Equal(["n"], space.Calculate(study).Keys);

        // Running, failed and pruned trials do not count (pruned only with includePruned).
        var running = study.Ask();
        running.SuggestFloat("other", 0, 1);
        study.Tell(study.Ask(), state: TrialState.Fail);
        var pruned = study.Ask();
        pruned.SuggestInt("m", 0, 1);
        study.Tell(pruned, state: TrialState.Pruned);
        Assert.Equal(["n"], space.Calculate(study).Keys);
        Assert.Empty(new IntersectionSearchSpace(includePruned: true).Calculate(study));
        Assert.Equal(["n"], IntersectionSearchSpace.Of(study.Trials).Keys);

        // The running trial finishing later is taken into account incrementally.
        study.Tell(running, 1.0);
        Assert.Empty(space.Calculate(study));
        Assert.Empty(IntersectionSearchSpace.Of(study.Trials));
    }

    [Fact]
    public void TransformBoundsFollowOptuna()
    {
        var space = new Dictionary<string, Distribution>
        {
            ["f"] = new FloatDistribution(-1, 1),
            ["fl"] = new FloatDistribution(1e-3, 1, log: true),
            ["fs"] = new FloatDistribution(0, 1, step: 0.25),
            ["i"] = new IntDistribution(2, 8),
            ["il"] = new IntDistribution(1, 100, log: true),
            ["c"] = new CategoricalDistribution(["a", "b", "c"]),
        };
        var tr = new SearchSpaceTransform(space);
        Assert.Equal(8, tr.ColumnCount);
        Assert.Equal((-1.0, 1.0), tr.Bounds[0]);
        Assert.Equal(Math.Log(1e-3), tr.Bounds[1].Low, 12);
        Assert.Equal(0.0, tr.Bounds[1].High, 12);
        Assert.Equal((-0.125, 1.125), tr.Bounds[2]);
        Assert.Equal((1.5, 8.5), tr.Bounds[3]);
        Assert.Equal(Math.Log(0.5), tr.Bounds[4].Low, 12);
        Assert.Equal(Math.Log(100.5), tr.Bounds[4].High, 12);
        Assert.Equal((0.0, 1.0), tr.Bounds[5]);
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5, 8 }, tr.ColumnStarts);

        var internalParams = new Dictionary<string, double> { ["f"] = 0.5, ["fl"] = 0.01, ["fs"] = 0.75, ["i"] = 4, ["il"] = 10, ["c"] = 2 };
        var x = tr.Transform(internalParams);
        Assert.Equal([0.5, Math.Log(0.01), 0.75, 4, Math.Log(10), 0, 0, 1], x, new ToleranceComparer(1e-12));
        var back = tr.Untransform(x);
        foreach (var (k, v) in internalParams)
        {
            Assert.Equal(v, back[k], 9);
        }

        var scaled = new SearchSpaceTransform(space, transform01: true);
        Assert.All(scaled.Bounds, b => Assert.Equal((0.0, 1.0), b));
        var y = scaled.Transform(internalParams);
        Assert.Equal(0.75, y[0], 12);
        var back01 = scaled.Untransform(y);
        Assert.Equal(4.0, back01["i"]);
        Assert.Equal(10.0, back01["il"], 9);
    }

    [Fact]
    public void UntransformRoundsClipsAndNeverReturnsTheContinuousHigh()
    {
        Assert.Equal(Math.BitDecrement(1.0), SearchSpaceTransform.UntransformNumeric(new FloatDistribution(0, 1), 1.0));
        Assert.Equal(1.0, SearchSpaceTransform.UntransformNumeric(new FloatDistribution(0, 1, step: 0.5), 1.2));
        Assert.Equal(0.5, SearchSpaceTransform.UntransformNumeric(new FloatDistribution(0, 1, step: 0.5), 0.6));
        Assert.Equal(8.0, SearchSpaceTransform.UntransformNumeric(new IntDistribution(2, 8), 8.49));
        Assert.Equal(2.0, SearchSpaceTransform.UntransformNumeric(new IntDistribution(2, 8), 1.51));
        Assert.Equal(6.0, SearchSpaceTransform.UntransformNumeric(new IntDistribution(0, 8, step: 3), 7.4));
        Assert.Equal(100.0, SearchSpaceTransform.UntransformNumeric(new IntDistribution(1, 100, log: true), Math.Log(100.4)));
    }

    [Fact]
    public void RandomSamplerIsSeededAndReseedable()
    {
        var d = new FloatDistribution(0, 1);
        var a = new RandomSampler(seed: 5);
        var b = new RandomSampler(seed: 5);
        var study = Study.Create();
        var t = Trials.Create(state: TrialState.Running);
        var sa = Enumerable.Range(0, 10).Select(_ => a.SampleIndependent(study, t, "x", d)).ToArray();
        var sb = Enumerable.Range(0, 10).Select(_ => b.SampleIndependent(study, t, "x", d)).ToArray();
        Assert.Equal(sa, sb);
        ((ISampler)b).Reseed();
        Assert.NotEqual(sa, Enumerable.Range(0, 10).Select(_ => b.SampleIndependent(study, t, "x", d)).ToArray());
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
