using Sharptune.Pruners;
using Sharptune.Samplers;

namespace Sharptune.Tests.SamplerTests;

/// <summary>
/// The rule: samplers see the pruner's view. A sampler is handed the study <see cref="IPruner.FilterStudy"/> returns
/// (HyperbandPruner's bracket), and what it derives from trials comes from that view's history only.
/// </summary>
public sealed class SamplersSeeThePrunersViewTests
{
    public static TheoryData<string> RelativeSamplers => ["tpe", "tpe-group", "cmaes", "nsga2", "nsga3", "gp", "qmc", "partial-fixed"];

    private static ISampler Create(string name) => name switch
    {
        "tpe" => new TpeSampler(seed: 1, nStartupTrials: 2, multivariate: true),
        "tpe-group" => new TpeSampler(seed: 1, nStartupTrials: 2, multivariate: true, group: true),
        "cmaes" => new CmaEsSampler(seed: 1, warnIndependentSampling: false),
        "nsga2" => new NsgaIISampler(populationSize: 4, seed: 1),
        "nsga3" => new NsgaIIISampler(populationSize: 4, seed: 1),
        "gp" => new GpSampler(seed: 1, nStartupTrials: 20, warnIndependentSampling: false),
        "qmc" => new QmcSampler(seed: 1, warnIndependentSampling: false, warnAsynchronousSeeding: false),
        "partial-fixed" => new PartialFixedSampler(new Dictionary<string, object?> { ["w"] = 0.5 }, new TpeSampler(seed: 1, nStartupTrials: 2, multivariate: true)),
        _ => throw new ArgumentException(name),
    };

    // Even trials have x and y, odd trials x and z: the search space a sampler infers tells which trials it read.
    private static double Objective(ITrial t)
    {
        double x = t.SuggestFloat("x", 0, 1);
        return x + (t.Number % 2 == 0 ? t.SuggestFloat("y", 0, 1) : t.SuggestFloat("z", 0, 1));
    }

    [Theory]
    [MemberData(nameof(RelativeSamplers))]
    public void RelativeSearchSpaceComesFromTheView(string name)
    {
        var sampler = Create(name);
        var study = Study.Create(new StudyOptions { Sampler = sampler, Directions = name.StartsWith("nsga", StringComparison.Ordinal) ? [StudyDirection.Minimize, StudyDirection.Minimize] : [StudyDirection.Minimize] });
        study.Optimize(t => study.IsMultiObjective ? [Objective(t), t.Params.Count] : [Objective(t)], nTrials: 12);
        var trial = study.Ask().ToFrozen();

        var even = study.WithTrialFilter(t => t.Number % 2 == 0);
        var odd = study.WithTrialFilter(t => t.Number % 2 == 1);
        var none = study.WithTrialFilter(_ => false);

        // QMC takes the space of the first finished trial, TPE with groups joins its groups; the others intersect
        // the finished trials' spaces.
        string[] whole = name switch { "qmc" => ["x", "y"], "tpe-group" => ["x", "y", "z"], _ => ["x"] };
        Assert.Equal(whole, sampler.InferRelativeSearchSpace(study, trial).Keys);
        Assert.Equal(["x", "y"], sampler.InferRelativeSearchSpace(even, trial).Keys);
        Assert.Equal(["x", "z"], sampler.InferRelativeSearchSpace(odd, trial).Keys);
        Assert.Empty(sampler.InferRelativeSearchSpace(none, trial));
    }

    [Fact]
    public void GridSamplerCountsTheViewsPointsOnly()
    {
        var sampler = new GridSampler(new Dictionary<string, IReadOnlyList<object?>> { ["a"] = [0, 1] }, seed: 0);
        var study = Study.Create(new StudyOptions { Sampler = sampler });
        study.Optimize(t => t.SuggestInt("a", 0, 1), nTrials: 2);

        Assert.True(sampler.IsExhausted(study));
        Assert.False(sampler.IsExhausted(study.WithTrialFilter(t => t.Number == 0)));
    }

    [Fact]
    public void TpeBehindAViewHidingEveryTrialSamplesAsInAnEmptyStudy()
    {
        static double Sphere(ITrial t) => Math.Pow(t.SuggestFloat("x", -5, 5), 2) + Math.Pow(t.SuggestFloat("y", -5, 5), 2);
        static List<double> Run(Study study) => [.. study.Trials.Select(t => (double)t.Params["x"]!)];

        // Behind a pruner whose view hides every trial, TPE never leaves its startup phase.
        var hidden = Study.Create(new StudyOptions { Sampler = new TpeSampler(seed: 7, nStartupTrials: 3), Pruner = new HideAllPruner() });
        hidden.Optimize(Sphere, nTrials: 12);

        // The same sampler sequence, each trial in a study of its own.
        var alone = new TpeSampler(seed: 7, nStartupTrials: 3);
        var expected = new List<double>();
        for (int i = 0; i < 12; i++)
        {
            var s = Study.Create(new StudyOptions { Sampler = alone });
            s.Optimize(Sphere, nTrials: 1);
            expected.Add(Run(s)[0]);
        }

        Assert.Equal(expected, Run(hidden));

        // Without the view, TPE leaves its startup phase and the sequence differs.
        var seen = Study.Create(new StudyOptions { Sampler = new TpeSampler(seed: 7, nStartupTrials: 3) });
        seen.Optimize(Sphere, nTrials: 12);
        Assert.NotEqual(expected, Run(seen));
    }

    private sealed class HideAllPruner : IPruner
    {
        private readonly System.Runtime.CompilerServices.ConditionalWeakTable<Study, Study> _views = new();

        public bool Prune(Study study, FrozenTrial trial) => false;

        public Study FilterStudy(Study study, FrozenTrial trial) => _views.GetValue(study, s => s.WithTrialFilter(_ => false));
    }
}
