using Sharptune.Samplers;

namespace Sharptune.Generators.Tests;

/// <summary>What the generated code does at run time.</summary>
public class BehaviourTests
{
    private static Dictionary<string, object?> SvmParams(string kernel = "poly") => new()
    {
        ["Kernel"] = kernel,
        ["C"] = 2.5,
        ["Degree"] = 4L,
        ["Dropout"] = 0.15,
        ["Solver"] = "Sgd",
        ["Shrinking"] = false,
        ["adam.Lr"] = 0.01,
        ["adam.Beta1"] = 0.95,
    };

    [Fact]
    public void SuggestWithFixedTrialGivesTheExpectedObject()
    {
        var trial = new FixedTrial(SvmParams());
        var cfg = SvmConfig.Suggest(trial);
        Assert.Equal("poly", cfg.Kernel);
        Assert.Equal(2.5, cfg.C);
        Assert.Equal(4, cfg.Degree);
        Assert.Equal(0.15, cfg.Dropout);
        Assert.Equal(Solver.Sgd, cfg.Solver);
        Assert.False(cfg.Shrinking);
        Assert.Equal(0.01, cfg.Adam.Lr);
        Assert.Equal(0.95, cfg.Adam.Beta1);
        Assert.Equal(["Kernel", "C", "Degree", "Dropout", "Solver", "Shrinking", "adam.Lr", "adam.Beta1"], trial.Params.Keys);
    }

    [Fact]
    public void InactiveConditionalParameterKeepsItsInitialValueAndIsNotSuggested()
    {
        var p = SvmParams("rbf");
        p.Remove("Degree");
        var trial = new FixedTrial(p);
        var cfg = SvmConfig.Suggest(trial);
        Assert.Equal(3, cfg.Degree);
        Assert.DoesNotContain("Degree", trial.Params.Keys);
    }

    [Fact]
    public void InactiveConditionalParametersAreAbsentFromStudyTrials()
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 7) });
        study.Optimize<SvmConfig>(cfg => cfg.C, nTrials: 30);
        foreach (var t in study.Trials)
        {
            bool poly = (string)t.Params["Kernel"]! == "poly";
            Assert.Equal(poly, t.Params.ContainsKey("Degree"));
            Assert.Equal(8 - (poly ? 0 : 1), t.Params.Count);
        }

        Assert.Contains(study.Trials, t => t.Params.ContainsKey("Degree"));
        Assert.Contains(study.Trials, t => !t.Params.ContainsKey("Degree"));
    }

    [Fact]
    public void ChainedConditionsFollowTheirControllers()
    {
        var linear = new FixedTrial(new Dictionary<string, object?> { ["Model"] = "Linear" });
        var p = Pipeline.Suggest(linear);
        Assert.Equal(Model.Linear, p.Model);
        Assert.Equal(1, p.Depth);
        Assert.Equal(["Model"], linear.Params.Keys);

        var forest = new FixedTrial(new Dictionary<string, object?> { ["Model"] = "Forest", ["Depth"] = 5, ["Bootstrap"] = true, ["MaxSamples"] = 0.5 });
        p = Pipeline.Suggest(forest);
        Assert.Equal((Model.Forest, 5, true, 0.5), (p.Model, p.Depth, p.Bootstrap, p.MaxSamples));
        Assert.Equal(["Model", "Depth", "Bootstrap", "MaxSamples"], forest.Params.Keys);

        var noBootstrap = new FixedTrial(new Dictionary<string, object?> { ["Model"] = "Forest", ["Depth"] = 2, ["Bootstrap"] = false });
        p = Pipeline.Suggest(noBootstrap);
        Assert.Equal(1, p.MaxSamples);
        Assert.DoesNotContain("MaxSamples", noBootstrap.Params.Keys);
    }

    [Fact]
    public void RecordsUseWithForConditionalInitOnlyProperties()
    {
        var entropy = TreeConfig.Suggest(new FixedTrial(new Dictionary<string, object?>
        {
            ["MaxDepth"] = 4, ["Criterion"] = "entropy", ["Subsample"] = 0.5, ["n"] = 12345678901L, ["Ratio"] = 0.75, ["Batch"] = 4, ["Scale"] = 2.5,
        }));
        Assert.Equal(new TreeConfig { MaxDepth = 4, Criterion = "entropy", Subsample = 0.5, Samples = 12345678901L, Ratio = 0.75f, Batch = 4, Scale = 2.5 }, entropy);

        var gini = TreeConfig.FromParams(new Dictionary<string, object?>
        {
            ["MaxDepth"] = 4L, ["Criterion"] = "gini", ["n"] = 3.0, ["Ratio"] = 0.25, ["Batch"] = 8L, ["Scale"] = 1L,
        });
        Assert.Equal(new TreeConfig { MaxDepth = 4, Criterion = "gini", Subsample = 1.0, Samples = 3, Ratio = 0.25f, Batch = 8, Scale = 1 }, gini);
    }

    [Fact]
    public void FromParamsOfToParamsRoundTrips()
    {
        var cfg = new SvmConfig { Kernel = "poly", C = 12.5, Degree = 5, Dropout = 0.45, Solver = Solver.Adam, Shrinking = true, Adam = new AdamConfig { Lr = 0.003, Beta1 = 0.85 } };
        var back = SvmConfig.FromParams(cfg.ToParams());
        Assert.Equivalent(cfg, back, strict: true);

        var linear = new SvmConfig { Kernel = "linear", C = 1, Solver = Solver.Lbfgs };
        var p = linear.ToParams();
        Assert.DoesNotContain("Degree", p.Keys);
        Assert.Equivalent(linear, SvmConfig.FromParams(p), strict: true);

        var tree = new TreeConfig { Criterion = "entropy", Subsample = 0.3, Samples = 99, Ratio = 0.5f, Batch = 2, Scale = 0.5 };
        Assert.Equal(tree, TreeConfig.FromParams(tree.ToParams()));
        var point = new Point { X = -3, Y = 4 };
        Assert.Equal(point, Point.FromParams(point.ToParams()));
    }

    [Fact]
    public void FromParamsNamesMissingAndIllTypedParameters()
    {
        var p = SvmParams();
        p.Remove("C");
        var e = Assert.Throws<ArgumentException>(() => SvmConfig.FromParams(p));
        Assert.StartsWith("The parameter 'C' of SvmConfig is missing.", e.Message);
        Assert.Equal("parameters", e.ParamName);

        p = SvmParams();
        p["Degree"] = 2.5;
        e = Assert.Throws<ArgumentException>(() => SvmConfig.FromParams(p));
        Assert.StartsWith("The parameter 'Degree' of SvmConfig must be an integer (int), but got 2.5 (Double).", e.Message);

        p = SvmParams();
        p["C"] = "big";
        e = Assert.Throws<ArgumentException>(() => SvmConfig.FromParams(p));
        Assert.StartsWith("The parameter 'C' of SvmConfig must be a number (double), but got 'big' (String).", e.Message);

        p = SvmParams();
        p["Kernel"] = "sigmoid";
        e = Assert.Throws<ArgumentException>(() => SvmConfig.FromParams(p));
        Assert.StartsWith("The parameter 'Kernel' of SvmConfig must be one of ['rbf', 'linear', 'poly'], but got 'sigmoid'.", e.Message);

        p = SvmParams();
        p.Remove("adam.Lr");
        e = Assert.Throws<ArgumentException>(() => SvmConfig.FromParams(p));
        Assert.StartsWith("The parameter 'adam.Lr' of AdamConfig is missing.", e.Message);

        p = SvmParams();
        p["Degree"] = 3_000_000_000L;
        e = Assert.Throws<ArgumentException>(() => SvmConfig.FromParams(p));
        Assert.Contains("must be an integer (int), but got 3000000000 (Int64)", e.Message);

        // An inactive conditional parameter may be absent.
        p = SvmParams("rbf");
        p.Remove("Degree");
        Assert.Equal(3, SvmConfig.FromParams(p).Degree);
    }

    [Fact]
    public void DistributionsMatchOptunasJson()
    {
        // Expected strings are optuna.distributions.distribution_to_json output for the same space (Optuna 4/5).
        var expected = new Dictionary<string, string>
        {
            ["Kernel"] = """{"name": "CategoricalDistribution", "attributes": {"choices": ["rbf", "linear", "poly"]}}""",
            ["C"] = """{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.001, "high": 1000.0, "log": true}}""",
            ["Degree"] = """{"name": "IntDistribution", "attributes": {"log": false, "step": 1, "low": 2, "high": 5}}""",
            ["Dropout"] = """{"name": "FloatDistribution", "attributes": {"step": 0.05, "low": 0.0, "high": 0.5, "log": false}}""",
            ["Solver"] = """{"name": "CategoricalDistribution", "attributes": {"choices": ["Lbfgs", "Sgd", "Adam"]}}""",
            ["Shrinking"] = """{"name": "CategoricalDistribution", "attributes": {"choices": [true, false]}}""",
            ["adam.Lr"] = """{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 0.1, "log": true}}""",
            ["adam.Beta1"] = """{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.8, "high": 0.999, "log": false}}""",
        };
        Assert.Equal(expected.Keys, SvmConfig.Distributions.Keys);
        foreach (var (name, json) in expected)
        {
            Assert.Equal(json, SvmConfig.Distributions[name].ToJson());
        }

        Assert.Same(SvmConfig.Distributions, SvmConfig.Distributions);
    }

    [Fact]
    public void AskWithDistributionsSuggestsTheWholeSpace()
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 3) });
        var trial = study.Ask(AdamConfig.Distributions);
        Assert.Equal(["Lr", "Beta1"], trial.Params.Keys);
    }

    [Fact]
    public void TypedStudyHelpersWork()
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 11) });
        var enqueued = new SvmConfig { Kernel = "poly", C = 0.002, Degree = 2, Dropout = 0.0, Solver = Solver.Sgd, Adam = new AdamConfig { Lr = 0.05, Beta1 = 0.9 } };
        study.EnqueueTrial(enqueued);
        var seen = new List<SvmConfig>();
        study.Optimize<SvmConfig>(cfg =>
        {
            seen.Add(cfg);
            return Math.Log(cfg.C) + cfg.Dropout;
        }, nTrials: 20);

        Assert.Equivalent(enqueued, seen[0], strict: true);
        Assert.Equivalent(enqueued, study.Trials[0].As<SvmConfig>(), strict: true);
        var best = study.BestParamsAs<SvmConfig>();
        Assert.Equal(study.BestTrial.Params["C"], best.C);
        Assert.Equal(0, study.BestTrial.Number);
        for (int i = 0; i < seen.Count; i++)
        {
            Assert.Equivalent(seen[i], study.Trials[i].As<SvmConfig>(), strict: true);
        }
    }

    [Fact]
    public void TypedObjectiveFormsAllRun()
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 5), Direction = StudyDirection.Maximize });
        study.Optimize<Point>((p, trial) =>
        {
            trial.SetUserAttr("norm", Math.Sqrt((p.X * p.X) + (p.Y * p.Y)));
            return -((p.X - 1) * (p.X - 1)) - (p.Y * p.Y);
        }, nTrials: 10);
        Assert.Equal(10, study.Trials.Count);
        Assert.All(study.Trials, t => Assert.True(t.UserAttrs.ContainsKey("norm")));

        var multi = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 5), Directions = [StudyDirection.Minimize, StudyDirection.Minimize] });
        multi.Optimize<Point>(p => new[] { p.X * p.X, p.Y * p.Y }, nTrials: 5);
        multi.Optimize<Point>((p, _) => new[] { p.X, p.Y }, nTrials: 5);
        Assert.Equal(10, multi.GetTrials(TrialState.Complete).Count);
    }

    [Fact]
    public async Task TypedAsyncObjectiveFormsAllRun()
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 9) });
        await study.OptimizeAsync<Point>(async (p, ct) =>
        {
            await Task.Yield();
            return (p.X * p.X) + (p.Y * p.Y);
        }, new OptimizeOptions { NTrials = 6, Concurrency = 2 }, TestContext.Current.CancellationToken);
        await study.OptimizeAsync<Point>((p, trial, ct) =>
        {
            trial.Report(p.X, 0);
            return ValueTask.FromResult(p.X);
        }, new OptimizeOptions { NTrials = 4 }, TestContext.Current.CancellationToken);
        Assert.Equal(10, study.GetTrials(TrialState.Complete).Count);
        Assert.Single(study.Trials[9].IntermediateValues);

        var multi = Study.Create(new StudyOptions { Directions = [StudyDirection.Minimize, StudyDirection.Maximize] });
        await multi.OptimizeAsync<Point>((p, ct) => ValueTask.FromResult(new[] { p.X, p.Y }), new OptimizeOptions { NTrials = 3 }, TestContext.Current.CancellationToken);
        await multi.OptimizeAsync<Point>((p, t, ct) => ValueTask.FromResult(new[] { p.X, p.Y }), new OptimizeOptions { NTrials = 3 }, TestContext.Current.CancellationToken);
        Assert.Equal(6, multi.GetTrials(TrialState.Complete).Count);
    }

    [Fact]
    public void HandWrittenSpacesNestInGeneratedOnes()
    {
        Assert.Equal(["Rate", "layer.units"], WithHandWritten.Distributions.Keys);
        var trial = new FixedTrial(new Dictionary<string, object?> { ["Rate"] = 0.5, ["layer.units"] = 32 });
        var cfg = WithHandWritten.Suggest(trial);
        Assert.Equal((0.5, 32), (cfg.Rate, cfg.Layer.Units));
        Assert.Equal(new Dictionary<string, object?> { ["Rate"] = 0.5, ["layer.units"] = 32 }, cfg.ToParams());
        Assert.Equal(32, WithHandWritten.FromParams(cfg.ToParams()).Layer.Units);
    }

    [Fact]
    public void TypedObjectivesRunOnSeveralThreads()
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 2) });
        study.Optimize<SvmConfig>(cfg => cfg.C + cfg.Adam.Lr, new OptimizeOptions { NTrials = 40, Concurrency = 2 });
        Assert.Equal(40, study.GetTrials(TrialState.Complete).Count);
        Assert.All(study.Trials, t => Assert.Equal(t.Values![0], t.As<SvmConfig>().C + t.As<SvmConfig>().Adam.Lr, 12));
    }

    [Fact]
    public void DerivedSpacesIncludeTheirBaseParameters()
    {
        Assert.Equal(["Optimizer", "Lr"], BaseSpace.Distributions.Keys);
        Assert.Equal(["Optimizer", "Lr", "Momentum"], DerivedSpace.Distributions.Keys);
        var trial = new FixedTrial(new Dictionary<string, object?> { ["Optimizer"] = "sgd", ["Lr"] = 0.1, ["Momentum"] = 0.6 });
        var derived = DerivedSpace.Suggest(trial);
        Assert.Equal(("sgd", 0.1, 0.6), (derived.Optimizer, derived.Lr, derived.Momentum));
        Assert.Equal(3, derived.ToParams().Count);
        Assert.Equivalent(derived, DerivedSpace.FromParams(derived.ToParams()), strict: true);

        var adam = DerivedSpace.FromParams(new Dictionary<string, object?> { ["Optimizer"] = "adam", ["Lr"] = 0.001 });
        Assert.Equal(0.9, adam.Momentum);
        BaseSpace asBase = adam;
        Assert.Equal(2, asBase.ToParams().Count);

        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 4) });
        study.Optimize<DerivedSpace>(d => d.Lr + d.Momentum, nTrials: 10);
        study.Optimize<BaseSpace>(b => b.Lr, nTrials: 2);
        Assert.Equal(12, study.GetTrials(TrialState.Complete).Count);
    }

    [Fact]
    public void AskAndTellWithATypedSpace()
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 8) });
        for (int i = 0; i < 5; i++)
        {
            var (trial, cfg) = study.Ask<SvmConfig>();
            Assert.Equal(cfg.Kernel == "poly", trial.Params.ContainsKey("Degree"));
            study.Tell(trial, cfg.C);
        }

        Assert.Equal(5, study.GetTrials(TrialState.Complete).Count);

        // A suggestion that throws leaves the trial FAIL, not RUNNING.
        study.EnqueueTrial(new Dictionary<string, object?> { ["Kernel"] = "sigmoid" });
        Assert.Throws<ArgumentException>(() => study.Ask<SvmConfig>());
        Assert.Equal(TrialState.Fail, study.Trials[^1].State);
    }

    [Fact]
    public void NamePrefixReusesItsNamesAndIsThreadSafe()
    {
        var prefix = new Sharptune.SearchSpaces.NamePrefix("adam.");
        string first = prefix.Apply("Lr");
        Assert.Equal("adam.Lr", first);
        Assert.Same(first, prefix.Apply("Lr"));
        Assert.Equal("adam.Beta1", prefix.Apply(string.Concat("Be", "ta1")));
        var results = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 2000, i => results.Add(prefix.Apply("n" + (i % 50).ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.All(results, r => Assert.StartsWith("adam.n", r, StringComparison.Ordinal));
        Assert.Equal(50, results.Distinct().Count());
    }

    [Fact]
    public void SuggestAndFromParamsCheckForNull()
    {
        Assert.Throws<ArgumentNullException>(() => SvmConfig.Suggest(null!));
        Assert.Throws<ArgumentNullException>(() => SvmConfig.FromParams(null!));
        Assert.Throws<ArgumentNullException>(() => Study.Create().EnqueueTrial<SvmConfig>(null!));
    }
}
