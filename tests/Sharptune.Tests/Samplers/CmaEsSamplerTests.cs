using MathNet.Numerics.Random;
using Sharptune.Internal;
using Sharptune.Samplers;
using Sharptune.Samplers.CmaEs;
using Sharptune.Tests.Support;
using static Sharptune.Tests.SamplerTests.SamplerTestKit;

namespace Sharptune.Tests.SamplerTests;

public class CmaEsSamplerTests
{
    /// <summary>Joins the <c>cma:state:&lt;i&gt;</c> chunks of a trial and parses the JSON.</summary>
    private static IDictionary<string, object?> State(FrozenTrial t, string prefix = "cma:")
    {
        var text = new System.Text.StringBuilder();
        for (int i = 0; t.SystemAttrs.TryGetValue(prefix + "state:" + i, out object? chunk); i++)
        {
            text.Append(Assert.IsType<string>(chunk));
        }

        return Assert.IsAssignableFrom<IDictionary<string, object?>>(PyJson.Parse(text.ToString()));
    }

    [Fact]
    public void IncompatibleOptionsAreRejectedWithDotNetNames()
    {
        var src = new List<FrozenTrial>();
        Assert.StartsWith(
            "sourceTrials cannot be passed when x0 or sigma0 is specified.",
            Assert.Throws<ArgumentException>(() => new CmaEsSampler(sigma0: 0.1, sourceTrials: src)).Message,
            StringComparison.Ordinal);
        Assert.StartsWith(
            "sourceTrials cannot be passed when using separable CMA-ES (useSeparableCma).",
            Assert.Throws<ArgumentException>(() => new CmaEsSampler(useSeparableCma: true, sourceTrials: src)).Message,
            StringComparison.Ordinal);
        Assert.StartsWith(
            "useSeparableCma and withMargin cannot be passed when using lrAdapt.",
            Assert.Throws<ArgumentException>(() => new CmaEsSampler(lrAdapt: true, withMargin: true)).Message,
            StringComparison.Ordinal);
        Assert.StartsWith(
            "useSeparableCma and withMargin cannot both be true.",
            Assert.Throws<ArgumentException>(() => new CmaEsSampler(useSeparableCma: true, withMargin: true)).Message,
            StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CmaEsSampler(popsize: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CmaEsSampler(sigma0: 0));
    }

    [Fact]
    public void MultiObjectiveStudiesAreRejected()
    {
        var study = Create(new CmaEsSampler(seed: 0), StudyDirection.Minimize, StudyDirection.Minimize);
        var e = Assert.Throws<ArgumentException>(() => study.Optimize(t => new[] { t.SuggestFloat("x", 0, 1), 0.0 }, nTrials: 1));
        Assert.StartsWith("If the study is being used for multi-objective optimization, CmaEsSampler cannot be used.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GenerationsFollowTheDefaultPopulationAndTheStateIsPortableJson()
    {
        var study = Create(new CmaEsSampler(seed: 1));
        study.Optimize(t => Sphere(t, 5), nTrials: 1 + (8 * 3) + 1);

        // popsize 4 + ⌊3 ln 5⌋ = 8; trial 0 is the independent startup trial.
        Assert.False(study.Trials[0].SystemAttrs.ContainsKey("cma:generation"));
        for (int n = 1; n < study.Trials.Count; n++)
        {
            Assert.Equal((n - 1) / 8, (int)PyJson.ToDouble(study.Trials[n].SystemAttrs["cma:generation"]));
        }

        // The first tell happens in trial 9 and is stored on it as JSON text (never a pickle or byte blob).
        var holder = study.Trials[9];
        Assert.IsType<string>(holder.SystemAttrs["cma:state:0"]);
        var json = State(holder);
        var optimizer = Assert.IsAssignableFrom<IDictionary<string, object?>>(json["optimizer"]);
        Assert.Equal(5L, optimizer["dim"]);
        Assert.Equal(8L, optimizer["popsize"]);
        Assert.Equal(1L, optimizer["generation"]);
        Assert.Equal(1e-12 / 6, PyJson.ToDouble(optimizer["tolx"]), 1e-25); // σ₀ = 1/6 in the normalized space
        Assert.All(CmaOptimizer.Doubles(optimizer["lower"]), v => Assert.Equal(0.0, v));
        Assert.All(CmaOptimizer.Doubles(optimizer["upper"]), v => Assert.Equal(1.0, v));
    }

    [Fact]
    public void AnotherProcessResumesFromTheStoredState()
    {
        var storage = new Storages.InMemoryStorage();
        var first = Study.Create(new StudyOptions { Storage = storage, StudyName = "cma", Sampler = new CmaEsSampler(seed: 2) });
        first.Optimize(t => Sphere(t, 3), nTrials: 40);
        int lastGeneration = (int)PyJson.ToDouble(first.Trials[^1].SystemAttrs["cma:generation"]);
        Assert.True(lastGeneration >= 5);

        // A fresh sampler (as in another process) restores the optimizer from the trials' JSON state.
        var second = Study.Load("cma", storage, new CmaEsSampler(seed: 99));
        second.Optimize(t => Sphere(t, 3), nTrials: 10);
        var generations = second.Trials.Skip(40).Select(t => (int)PyJson.ToDouble(t.SystemAttrs["cma:generation"])).ToList();
        Assert.True(generations.Min() >= lastGeneration, $"resumed at {generations.Min()} after {lastGeneration}");
        Assert.True(second.BestValue < 1, $"best {second.BestValue}");
    }

    [Fact]
    public void CategoricalParametersGoToTheIndependentSamplerWithALoggedReason()
    {
        var logs = new TestLoggerFactory();
        var study = Study.Create(new StudyOptions { Sampler = new CmaEsSampler(seed: 3), LoggerFactory = logs });
        study.Optimize(t => Sphere(t, 2) + (t.SuggestCategorical("c", ["a", "b"]) == "a" ? 0 : 1), nTrials: 6);
        Assert.Contains(logs.Entries, e => e.Id.Id == 601
            && e.Message.Contains("The parameter `c` in Trial#1 is sampled independently using `RandomSampler` instead of `CmaEsSampler`", StringComparison.Ordinal)
            && e.Message.Contains("dynamic search space and `CategoricalDistribution` are not supported by `CmaEsSampler`", StringComparison.Ordinal));
        Assert.True(study.Trials[3].SystemAttrs.ContainsKey("cma:generation"));
    }

    [Fact]
    public void DynamicSearchSpaceFallsBackWithAWarning()
    {
        var logs = new TestLoggerFactory();
        var study = Study.Create(new StudyOptions { Sampler = new CmaEsSampler(seed: 4), LoggerFactory = logs });
        study.Optimize(t => Sphere(t, 3), nTrials: 12);
        study.Optimize(t => Sphere(t, 2), nTrials: 5);
        AssertParamsInside(study);
        Assert.Contains(logs.Entries, e => e.Message.StartsWith("`CmaEsSampler` does not support dynamic search space. `RandomSampler` is used instead of `CmaEsSampler`.", StringComparison.Ordinal));
    }

    [Fact]
    public void MarginKeepsDiscreteParametersOnTheirGridAndStoresTheRawPoint()
    {
        var study = Create(new CmaEsSampler(seed: 5, withMargin: true));
        study.Optimize(t => Math.Pow(t.SuggestInt("i", -10, 10) - 3, 2) + Math.Pow(t.SuggestFloat("s", 0, 2, step: 0.1) - 0.7, 2) + Math.Pow(t.SuggestFloat("x", -1, 1), 2), nTrials: 80);
        AssertParamsInside(study);
        Assert.All(study.Trials.Skip(1), t => Assert.Equal(3, CmaOptimizer.Doubles(t.SystemAttrs["x_for_tell"]).Length));
        Assert.True(study.Trials.Skip(1).All(t => t.SystemAttrs.ContainsKey("cmawm:generation")));
        Assert.Equal(3L, study.BestParams["i"]);
        Assert.True(study.BestValue < 0.05, $"best {study.BestValue}");
    }

    [Fact]
    public void SeparableCmaIgnoredInOneDimensionWithAWarning()
    {
        var logs = new TestLoggerFactory();
        var study = Study.Create(new StudyOptions { Sampler = new CmaEsSampler(seed: 6, useSeparableCma: true), LoggerFactory = logs });
        study.Optimize(t => Math.Pow(t.SuggestFloat("x", -2, 2) - 0.5, 2), nTrials: 30);
        Assert.Contains(logs.Entries, e => e.Id.Id == 603);
        Assert.True(study.BestValue < 1e-2);
        Assert.True(study.Trials[5].SystemAttrs.ContainsKey("sepcma:generation"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FullAndSeparableConvergeOnAnEllipsoid(bool separable)
    {
        var study = Create(new CmaEsSampler(seed: 7, useSeparableCma: separable));
        study.Optimize(
            t => Enumerable.Range(0, 4).Sum(i => Math.Pow(10, i) * Math.Pow(t.SuggestFloat("x" + i, -3, 3) - 0.5, 2)),
            nTrials: 400);
        Assert.True(study.BestValue < 1e-2, $"best {study.BestValue}");
    }

    [Fact]
    public void LearningRateAdaptationConverges()
    {
        // LRA trades speed on easy functions for robustness (the cmaes package reaches 0.3–1.4 on the ellipsoid above).
        var study = Create(new CmaEsSampler(seed: 7, lrAdapt: true));
        study.Optimize(t => Sphere(t, 3), nTrials: 400);
        Assert.True(study.BestValue < 1e-2, $"best {study.BestValue}");
        var holder = study.Trials.Last(t => t.SystemAttrs.ContainsKey("cma:state:0"));
        Assert.True(holder.SystemAttrs.ContainsKey("cma:state:1")); // long states are split into 2045-character chunks
        var lr = (IDictionary<string, object?>)((IDictionary<string, object?>)State(holder)["optimizer"]!)["lr_adapt"]!;
        Assert.InRange(PyJson.ToDouble(lr["eta_mean"]), 1e-6, 1.0);
    }

    [Fact]
    public void MaximizationNegatesValues()
    {
        var study = Study.Create(new StudyOptions { Sampler = new CmaEsSampler(seed: 8), Direction = StudyDirection.Maximize });
        study.Optimize(t => -Sphere(t, 3), nTrials: 200);
        Assert.True(study.BestValue > -1e-3, $"best {study.BestValue}");
    }

    [Fact]
    public void WarmStartDistributionMatchesCmaesPackage()
    {
        var source = Enumerable.Range(0, 20).Select(i =>
        {
            double a = 0.1 * i % 1.0, b = 0.37 * i % 1.0;
            return (new[] { a, b }, Math.Pow(a - 0.3, 2) + Math.Pow(b - 0.6, 2));
        }).ToList();

        // cmaes.get_warm_start_mgd on the same solutions.
        var (mean, sigma, cov) = CmaEsSampler.WarmStart(source);
        Assert.Equal(0.30000000000000004, mean[0], 1e-12);
        Assert.Equal(0.61, mean[1], 1e-12);
        Assert.Equal(0.13859788134130527, sigma, 1e-12);
        Assert.Equal(1.0411584125907074, cov[0, 0], 1e-10);
        Assert.Equal(-0.6767529681839621, cov[0, 1], 1e-10);
        Assert.Equal(1.400358064934504, cov[1, 1], 1e-10);
        Assert.Throws<ArgumentException>(() => CmaEsSampler.WarmStart(source.Take(9).ToList()));
    }

    [Fact]
    public void WarmStartConcentratesTheFirstGenerationNearTheSourceOptimum()
    {
        var source = Create(new Samplers.RandomSampler(9));
        source.Optimize(t => Math.Pow(t.SuggestFloat("x", -5, 5) - 3, 2) + Math.Pow(t.SuggestFloat("y", -5, 5) + 2, 2), nTrials: 100);

        double Spread(CmaEsSampler sampler)
        {
            var target = Create(sampler);
            target.Optimize(t => Math.Pow(t.SuggestFloat("x", -5, 5) - 3.2, 2) + Math.Pow(t.SuggestFloat("y", -5, 5) + 2.1, 2), nTrials: 13);
            return target.Trials.Skip(1).Average(t => Math.Sqrt(Math.Pow((double)t.Params["x"]! - 3, 2) + Math.Pow((double)t.Params["y"]! + 2, 2)));
        }

        double warm = Spread(new CmaEsSampler(seed: 10, sourceTrials: source.Trials));
        double cold = Spread(new CmaEsSampler(seed: 10));
        Assert.True(warm < 2.5 && warm < cold * 0.6, $"warm {warm}, cold {cold}");
    }

    [Fact]
    public void WarmStartWithoutCompatibleTrialsFails()
    {
        var source = Create(new Samplers.RandomSampler(9));
        source.Optimize(t => t.SuggestFloat("other", 0, 1), nTrials: 20);
        var study = Create(new CmaEsSampler(seed: 1, sourceTrials: source.Trials));
        var e = Assert.Throws<ArgumentException>(() => study.Optimize(t => Sphere(t, 2), nTrials: 3));
        Assert.StartsWith("No compatible sourceTrials.", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CmaRestartStrategy.Ipop)]
    [InlineData(CmaRestartStrategy.Bipop)]
    public void RestartStrategiesRestartAConvergedRun(CmaRestartStrategy strategy)
    {
        // A flat objective trips the function-history stopping rule after 10 + ⌈30·2/4⌉ = 25 generations.
        var logs = new TestLoggerFactory();
        var study = Study.Create(new StudyOptions { Sampler = new CmaEsSampler(seed: 11, restartStrategy: strategy, popsize: 4), LoggerFactory = logs });
        study.Optimize(t => Math.Round(Sphere(t, 2) * 0), nTrials: 1 + (4 * 27));
        string s = strategy == CmaRestartStrategy.Ipop ? "ipop" : "bipop";
        var last = study.Trials[^1];
        Assert.Equal(1L, Convert.ToInt64(last.SystemAttrs[$"cma:{s}:n_restarts"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(last.SystemAttrs.ContainsKey($"cma:{s}:restart_1:generation"));
        Assert.Contains(logs.Entries, e => e.Id.Id == 605);
        AssertParamsInside(study);
    }

    [Fact]
    public void IpopDoublesThePopulationAtEachRestart()
    {
        var study = Create(new CmaEsSampler(seed: 12, restartStrategy: CmaRestartStrategy.Ipop, popsize: 4));
        study.Optimize(t => Math.Round(Sphere(t, 2) * 0), nTrials: 1 + (4 * 27) + (8 * 20));
        var popsizes = study.Trials
            .Where(t => t.SystemAttrs.ContainsKey("cma:state:0"))
            .Select(t => (IDictionary<string, object?>)State(t)["optimizer"]!)
            .Select(o => (long)o["popsize"]!)
            .Distinct()
            .ToList();
        Assert.Equal([4L, 8L, 16L], popsizes);
    }

    [Fact]
    public void PrunedTrialsCountOnlyWhenAsked()
    {
        double Objective(ITrial t)
        {
            double v = Sphere(t, 2);
            t.Report(v, 0);
            if (t.Number % 2 == 1)
            {
                throw new TrialPrunedException();
            }

            return v;
        }

        var ignoring = Create(new CmaEsSampler(seed: 13, popsize: 4));
        ignoring.Optimize(Objective, nTrials: 21);
        var considering = Create(new CmaEsSampler(seed: 13, popsize: 4, considerPrunedTrials: true));
        considering.Optimize(Objective, nTrials: 21);
        int Generation(Study s) => (int)PyJson.ToDouble(s.Trials[^1].SystemAttrs["cma:generation"]);
        Assert.True(Generation(considering) > Generation(ignoring), $"{Generation(considering)} vs {Generation(ignoring)}");
    }

    [Fact]
    public void ConstraintsAreIgnoredWithAWarning()
    {
        var logs = new TestLoggerFactory();
        var study = Study.Create(new StudyOptions { Sampler = new CmaEsSampler(seed: 14), LoggerFactory = logs });
        study.Optimize(
            t =>
            {
                double x = t.SuggestFloat("x", 0, 1);
                t.SetConstraint("c", x - 0.5);
                return x;
            },
            nTrials: 3);
        Assert.Single(logs.Entries, e => e.Id.Id == 604);
    }

    [Fact]
    public void X0SetsTheInitialMean()
    {
        var study = Create(new CmaEsSampler(x0: new Dictionary<string, object?> { ["x0"] = 4.0, ["x1"] = -4.0 }, sigma0: 0.01, seed: 15));
        study.Optimize(t => Sphere(t, 2), nTrials: 5);
        Assert.All(study.Trials.Skip(1), t =>
        {
            Assert.InRange((double)t.Params["x0"]!, 3.5, 4.5);
            Assert.InRange((double)t.Params["x1"]!, -4.5, -3.5);
        });
    }

    [Fact]
    public void OptimizerAloneSolvesAQuadraticAndRoundTripsThroughJson()
    {
        var rng = new Xoshiro256StarStar(1, threadSafe: false);
        var opt = new CmaOptimizer([0.5, 0.5, 0.5], 1.0 / 6, [0, 0, 0], [1, 1, 1], null);
        Assert.Equal(7, opt.PopulationSize); // 4 + ⌊3 ln 3⌋
        for (int g = 0; g < 60; g++)
        {
            var solutions = new List<(double[], double)>();
            for (int k = 0; k < opt.PopulationSize; k++)
            {
                var x = opt.Ask(rng, out _);
                solutions.Add((x, x.Select((v, i) => Math.Pow(v - (0.2 + (0.3 * i)), 2)).Sum()));
            }

            opt.Tell(solutions);
            var text = PyJson.Serialize(opt.ToJsonObject());
            opt = CmaOptimizer.FromJsonObject((IDictionary<string, object?>)PyJson.Parse(text)!);
        }

        Assert.Equal(60, opt.Generation);
        Assert.Equal(0.2, opt.Mean[0], 1e-4);
        Assert.Equal(0.5, opt.Mean[1], 1e-4);
        Assert.Equal(0.8, opt.Mean[2], 1e-4);
        Assert.Throws<ArgumentException>(() => opt.Tell([([0.1, 0.1, 0.1], 1.0)]));
    }

    public static TheoryData<string> ReferenceVariants => new() { "cma", "sep", "lra", "margin" };

    [Theory]
    [MemberData(nameof(ReferenceVariants))]
    public void UpdatesMatchTheCmaesPackageOnFixedSolutions(string variant)
    {
        // Reference: cmaes (CyberAgentAILab, HEAD) told the same three generations, see bench/cma_reference.py.
        var expected = new Dictionary<string, (double[] Mean, double Sigma, double[] Diag, double[] Ps, double[] Pc)>
        {
            ["cma"] = ([0.3668445514077114, 0.5859119336213321, 0.5121567625800704], 0.12393681845859941, [0.9066431882536903, 0.783966018129417, 0.8747224220634038],
                [-0.06421100499263088, 0.7995483746185419, 0.4636912872836439], [0.09280459291108134, 0.7199682157779081, 0.4973138806490457]),
            ["sep"] = ([0.3668445514077114, 0.5859119336213321, 0.5121567625800704], 0.12214224136150029, [1.1126166424171129, 0.6894464777980833, 0.9453215988001653],
                [0.018874710681919704, 0.850754708735913, 0.514702664188344], [0.11661927445300391, 0.7220987312442563, 0.5069259073370279]),
            ["lra"] = ([0.3573957484717258, 0.5712782612171343, 0.4994480076918912], 0.14954686393728495, [1.0808252786616186, 0.9205142423196296, 1.0148802756006747],
                [-0.25343424504447004, 0.7496293490571002, 0.3646458788820853], [-0.08122616409307865, 0.7269029686792097, 0.4400061083978774]),
            ["margin"] = ([0.3668445514077114, 0.5859119336213321, 0.5121567625800703], 0.12393681845859941, [0.9066431882536902, 0.7839660181294166, 0.8747224220634033], [], []),
        };
        var opt = new CmaOptimizer(
            [0.5, 0.5, 0.5], 1.0 / 6, [0, 0, 0], [1, 1, 1], null, separable: variant == "sep", lrAdapt: variant == "lra", steps: variant == "margin" ? [0.0, 0.25, 0.1] : null);
        for (int g = 0; g < 3; g++)
        {
            var solutions = new List<(double[], double)>();
            for (int k = 0; k < opt.PopulationSize; k++)
            {
                var x = Enumerable.Range(0, 3).Select(i => ((0.137 * (k + 1) * (i + 2)) + (0.05 * g)) % 1.0).ToArray();
                solutions.Add((x, x.Sum(v => (v - 0.3) * (v - 0.3))));
            }

            opt.Tell(solutions);
        }

        var state = opt.ToJsonObject();
        var (mean, sigma, diag, ps, pc) = expected[variant];
        Assert.Equal(mean, (double[])state["mean"]!, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(sigma, (double)state["sigma"]!, 12);
        var c = (double[])state["C"]!;
        double[] actualDiag = variant == "sep" ? c : [c[0], c[3], c[5]]; // packed upper triangle of a 3×3 matrix
        Assert.Equal(diag, actualDiag, (a, b) => Math.Abs(a - b) < 1e-12);
        if (ps.Length > 0)
        {
            Assert.Equal(ps, (double[])state["p_sigma"]!, (a, b) => Math.Abs(a - b) < 1e-12);
            Assert.Equal(pc, (double[])state["pc"]!, (a, b) => Math.Abs(a - b) < 1e-12);
        }
    }
}
