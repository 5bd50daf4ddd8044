using MathNet.Numerics;
using Sharptune.Samplers;
using Sharptune.Samplers.Gp;
using Sharptune.Samplers.Nsga;
using Sharptune.Tests.Support;
using static Sharptune.Tests.SamplerTests.SamplerTestKit;

namespace Sharptune.Tests.SamplerTests;

public class GpSamplerTests
{
    private static (double[][] X, double[] Y) Data(int n, int d, int seed)
    {
        var rng = new Random(seed);
        var x = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(_ => rng.NextDouble()).ToArray()).ToArray();
        var y = x.Select(r => Math.Sin(3 * r[0]) - r.Skip(1).Sum(v => (v - 0.4) * (v - 0.4))).ToArray();
        double mean = y.Average(), sd = Math.Sqrt(y.Sum(v => (v - mean) * (v - mean)) / n);
        return (x, y.Select(v => (v - mean) / sd).ToArray());
    }

    [Fact]
    public void Matern52MatchesItsClosedForm()
    {
        Assert.Equal(1.0, GaussianProcess.Matern52(0));
        double r = 0.7, s = Math.Sqrt(5) * r;
        Assert.Equal((1 + s + (s * s / 3)) * Math.Exp(-s), GaussianProcess.Matern52(r * r), 14);
        double h = 1e-6, r2 = 0.3;
        Assert.Equal((GaussianProcess.Matern52(r2 + h) - GaussianProcess.Matern52(r2 - h)) / (2 * h), GaussianProcess.Matern52Derivative(r2), 8);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MarginalLikelihoodGradientMatchesFiniteDifferences(bool categorical)
    {
        var (x, y) = Data(12, 3, 1);
        bool[] cat = [false, categorical, false];
        if (categorical)
        {
            foreach (var row in x)
            {
                row[1] = Math.Floor(row[1] * 3);
            }
        }

        double[] raw = [0.3, -0.5, 0.1, 0.2, -3];
        var grad = new double[raw.Length];
        GaussianProcess.NegativeLogPosterior(x, y, cat, raw, false, grad);
        for (int k = 0; k < raw.Length; k++)
        {
            double h = 1e-6;
            var plus = (double[])raw.Clone();
            var minus = (double[])raw.Clone();
            plus[k] += h;
            minus[k] -= h;
            double fd = (GaussianProcess.NegativeLogPosterior(x, y, cat, plus, false, new double[raw.Length])
                - GaussianProcess.NegativeLogPosterior(x, y, cat, minus, false, new double[raw.Length])) / (2 * h);
            Assert.Equal(fd, grad[k], 5);
        }
    }

    [Fact]
    public void FittedProcessInterpolatesAndIsUncertainAwayFromData()
    {
        var (x, y) = Data(30, 2, 2);
        var gp = GaussianProcess.Fit(x, y, [false, false], null, deterministic: false, out string? failure);
        Assert.Null(failure);
        Assert.InRange(gp.Params.NoiseVariance, GaussianProcess.DefaultMinimumNoise, 0.1);
        for (int i = 0; i < 5; i++)
        {
            var (mean, variance) = gp.Posterior(x[i]);
            Assert.Equal(y[i], mean, 1);
            Assert.True(variance < 0.05, $"variance {variance}");
        }

        var (_, far) = gp.Posterior([5.0, -5.0]);
        Assert.True(far > 0.5 * gp.Params.KernelScale, $"far variance {far}");

        var deterministic = GaussianProcess.Fit(x, y, [false, false], gp.Params, deterministic: true, out _);
        Assert.Equal(GaussianProcess.DefaultMinimumNoise, deterministic.Params.NoiseVariance);
    }

    [Fact]
    public void FailedFitsFallBackToTheDefaultHyperparameters()
    {
        var (x, y) = Data(6, 2, 5);
        y[2] = double.NaN;
        var gp = GaussianProcess.Fit(x, y, [false, false], null, false, out string? failure);
        Assert.NotNull(failure);
        Assert.Equal([1.0, 1.0], gp.Params.InverseSquaredLengthscales);
        Assert.Equal(1.0, gp.Params.KernelScale);
        Assert.Equal(1.0, gp.Params.NoiseVariance);
    }

    [Fact]
    public void PosteriorGradientMatchesFiniteDifferences()
    {
        var (x, y) = Data(15, 3, 3);
        var gp = GaussianProcess.Fit(x, y, [false, false, false], null, false, out _);
        double[] p = [0.3, 0.6, 0.2];
        var gm = new double[3];
        var gv = new double[3];
        gp.PosteriorWithGradient(p, gm, gv);
        for (int k = 0; k < 3; k++)
        {
            double h = 1e-6;
            var a = (double[])p.Clone();
            var b = (double[])p.Clone();
            a[k] += h;
            b[k] -= h;
            Assert.Equal((gp.Posterior(a).Mean - gp.Posterior(b).Mean) / (2 * h), gm[k], 5);
            Assert.Equal((gp.Posterior(a).Variance - gp.Posterior(b).Variance) / (2 * h), gv[k], 5);
        }
    }

    [Fact]
    public void LogExpectedImprovementIsStableFarInTheTail()
    {
        // For moderate z the direct formula is exact; both branches agree at the switch point.
        foreach (double z in new[] { -3.0, 0.0, 2.5 })
        {
            double pdf = Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI);
            double cdf = 0.5 * SpecialFunctions.Erfc(-z / Math.Sqrt(2));
            Assert.Equal(Math.Log(pdf + (z * cdf)), StableMath.LogH(z), 10);
        }

        // Continuity across branch switches: the slope is about −z, so values 2e−6 apart differ by about 2e−6·|z|.
        Assert.Equal(StableMath.LogH(-0.999999), StableMath.LogH(-1.000001), 5);
        Assert.True(Math.Abs(StableMath.LogH(-24.999999) - StableMath.LogH(-25.000001) - (2e-6 * StableMath.DLogH(-25))) < 1e-9);
        foreach (double t in new[] { 9.99, 10.01, 15.0 })
        {
            // exp(t²)·erfc(t) is still representable up to t ≈ 26, so the continued fraction can be checked directly.
            Assert.Equal(Math.Exp(t * t) * SpecialFunctions.Erfc(t), StableMath.Erfcx(t), 12);
        }

        Assert.True(double.IsFinite(StableMath.LogH(-1e4)));
        Assert.True(StableMath.LogH(-1e4) < StableMath.LogH(-100));
        Assert.Equal(Math.Exp(36) * SpecialFunctions.Erfc(6), StableMath.Erfcx(6), 10);
        Assert.True(double.IsFinite(StableMath.LogNdtr(-60)));
        Assert.Equal(Math.Log(0.5 * SpecialFunctions.Erfc(4.0 / Math.Sqrt(2))), StableMath.LogNdtr(-4), 10);
        double hh = 1e-6;
        foreach (double z in new[] { -40.0, -3.0, 1.0 })
        {
            Assert.Equal((StableMath.LogH(z + hh) - StableMath.LogH(z - hh)) / (2 * hh), StableMath.DLogH(z), 4);
            Assert.Equal((StableMath.LogNdtr(z + hh) - StableMath.LogNdtr(z - hh)) / (2 * hh), StableMath.DLogNdtr(z), 4);
        }
    }

    [Fact]
    public void AcquisitionGradientsMatchFiniteDifferences()
    {
        var (x, y) = Data(15, 2, 4);
        var y2 = x.Select(r => -(r[0] * r[1])).ToArray();
        var space = new GpSearchSpace(new Dictionary<string, Distribution> { ["a"] = new FloatDistribution(0, 1), ["b"] = new FloatDistribution(0, 1) });
        var gp1 = GaussianProcess.Fit(x, y, [false, false], null, false, out _);
        var gp2 = GaussianProcess.Fit(x, y2, [false, false], null, false, out _);
        var constraint = (GaussianProcess.Fit(x, y2, [false, false], null, false, out _), 0.1);
        IAcquisition[] acquisitions =
        [
            new LogEi(gp1, space, y.Max()),
            new LogEi(gp1, space, y.Max(), [constraint]),
            new LogEhvi([gp1, gp2], space, [.. x.Select((_, i) => new[] { y[i], y2[i] })], 64, 1),
            new LogEhvi([gp1, gp2], space, [.. x.Select((_, i) => new[] { y[i], y2[i] })], 64, 1, [constraint]),
        ];
        double[] p = [0.37, 1.25]; // away from the data, where the posterior is well conditioned
        foreach (var acq in acquisitions)
        {
            var g = new double[2];
            double v = acq.ValueAndGradient(p, g);
            Assert.Equal(acq.Value(p), v, 12);
            var batch = Enumerable.Range(0, 300).Select(i => new[] { (i * 0.37) % 1.3, (i * 0.71) % 1.2 }).ToList();
            var values = acq.Values(batch);
            for (int i = 0; i < batch.Count; i += 37)
            {
                Assert.True(Math.Abs(acq.Value(batch[i]) - values[i]) <= 1e-9 * Math.Max(1, Math.Abs(values[i])), $"{acq.GetType().Name}: {acq.Value(batch[i])} vs {values[i]}");
            }

            for (int k = 0; k < 2; k++)
            {
                double h = 1e-7;
                var a = (double[])p.Clone();
                var b = (double[])p.Clone();
                a[k] += h;
                b[k] -= h;
                double fd = (acq.Value(a) - acq.Value(b)) / (2 * h);
                Assert.True(Math.Abs(fd - g[k]) < 1e-3 * Math.Max(1, Math.Abs(fd)), $"{acq.GetType().Name}[{k}]: fd {fd} vs {g[k]}");
            }
        }
    }

    [Fact]
    public void StartupTrialsAreIndependentThenProposalsAreShared()
    {
        var study = Create(new GpSampler(seed: 1, nStartupTrials: 5));
        study.Optimize(t => Sphere(t, 2), nTrials: 8);
        Assert.All(study.Trials.Take(5), t => Assert.DoesNotContain("gp:relative_params:0", t.SystemAttrs.Keys));
        Assert.All(study.Trials.Skip(5), t => Assert.Contains("gp:relative_params:0", t.SystemAttrs.Keys));
        var shared = (IDictionary<string, object?>)Internal.PyJson.Parse((string)study.Trials[6].SystemAttrs["gp:relative_params:0"]!)!;
        Assert.Equal((double)study.Trials[6].Params["x0"]!, Internal.PyJson.ToDouble(shared["x0"]));
    }

    [Fact]
    public void BeatsRandomSearchAtSmallBudgets()
    {
        var gp = Create(new GpSampler(seed: 2));
        gp.Optimize(t => Sphere(t, 3), nTrials: 25);
        var random = Create(new RandomSampler(2));
        random.Optimize(t => Sphere(t, 3), nTrials: 25);
        Assert.True(gp.BestValue < random.BestValue / 5, $"GP {gp.BestValue} vs random {random.BestValue}");
    }

    [Fact]
    public void ConstraintsSteerTowardsTheFeasibleOptimum()
    {
        // Minimise x² + y² subject to x + y ≥ 1: the optimum is (0.5, 0.5), value 0.5.
        var study = Create(new GpSampler(seed: 3, nStartupTrials: 8));
        study.Optimize(
            t =>
            {
                double x = t.SuggestFloat("x", -2, 2), y = t.SuggestFloat("y", -2, 2);
                t.SetConstraint("sum", 1 - x - y);
                return (x * x) + (y * y);
            },
            nTrials: 30);
        var feasible = study.Trials.Where(t => t.State == TrialState.Complete && t.IsFeasible).ToList();
        Assert.NotEmpty(feasible);
        Assert.True(feasible.Min(t => t.Value!.Value) < 0.6, $"best feasible {feasible.Min(t => t.Value!.Value)}");
        Assert.True(study.BestTrial.IsFeasible);
        Assert.True(study.Trials.Skip(20).Count(t => t.IsFeasible) >= 5);
    }

    [Fact]
    public void ConstraintCountsMustAgree()
    {
        var study = Create(new GpSampler(seed: 4, nStartupTrials: 3));
        var e = Assert.Throws<ArgumentException>(() => study.Optimize(
            t =>
            {
                double x = t.SuggestFloat("x", 0, 1);
                t.SetConstraint("a", x - 0.5);
                if (t.Number == 1)
                {
                    t.SetConstraint("b", 0);
                }

                return x;
            },
            nTrials: 5));
        Assert.Equal("The number of constraints must be the same for all trials.", e.Message);
    }

    [Fact]
    public void MultiObjectiveUsesLogEhviAndImprovesTheFront()
    {
        var dirs = new[] { StudyDirection.Minimize, StudyDirection.Minimize };
        var gp = Create(new GpSampler(seed: 5), dirs);
        gp.Optimize(t => Zdt1(t, 3), nTrials: 30);
        var random = Create(new RandomSampler(5), dirs);
        random.Optimize(t => Zdt1(t, 3), nTrials: 30);
        double Hv(Study s) => ParetoMath.Hypervolume(s.BestTrials.Select(t => t.Values!.ToArray()).ToList(), [1.1, 11]);
        Assert.True(Hv(gp) > Hv(random), $"GP {Hv(gp)} vs random {Hv(random)}");
        AssertParamsInside(gp, strictHigh: false);
    }

    [Fact]
    public void MultiObjectiveWithConstraintsRuns()
    {
        var dirs = new[] { StudyDirection.Minimize, StudyDirection.Maximize };
        var study = Create(new GpSampler(seed: 6, nStartupTrials: 5), dirs);
        study.Optimize(
            t =>
            {
                double x = t.SuggestFloat("x", 0, 1), y = t.SuggestFloat("y", 0, 1);
                t.SetConstraint("c", 0.3 - y);
                return [x, y - x];
            },
            nTrials: 12);
        Assert.All(study.Trials, t => Assert.Equal(TrialState.Complete, t.State));
    }

    [Fact]
    public void InfiniteObjectivesAreClippedWithAWarning()
    {
        var logs = new TestLoggerFactory();
        var study = Study.Create(new StudyOptions { Sampler = new GpSampler(seed: 7, nStartupTrials: 4), LoggerFactory = logs });
        study.Optimize(t => Sphere(t, 2) is var v && t.Number == 1 ? double.PositiveInfinity : v, nTrials: 7);
        Assert.Contains(logs.Entries, e => e.Message == "Clip non-finite values to the min/max finite values for GP fittings.");
        Assert.All(study.Trials, t => Assert.Equal(TrialState.Complete, t.State));
    }

    [Fact]
    public void DiscreteAndCategoricalDimensionsAreSearchedOnTheirGrid()
    {
        var study = Create(new GpSampler(seed: 8, nStartupTrials: 6, deterministicObjective: true));
        study.Optimize(
            t => Math.Pow(t.SuggestInt("n", 0, 40) - 27, 2) + (t.SuggestCategorical("c", ["x", "y", "z"]) == "y" ? 0 : 30) + Math.Pow(t.SuggestFloat("s", 0, 1, step: 0.1) - 0.3, 2),
            nTrials: 25);
        AssertParamsInside(study, strictHigh: false);
        Assert.Equal("y", study.BestParams["c"]);
        Assert.InRange((long)study.BestParams["n"]!, 24L, 30L);
    }
}
