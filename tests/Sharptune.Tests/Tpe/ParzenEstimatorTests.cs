using Sharptune.Samplers.Tpe;

namespace Sharptune.Tests.Tpe;

/// <summary>
/// The estimator against the worked vectors of the reference (optuna.md §2.4) and values computed with Optuna 5's
/// <c>_ParzenEstimator</c> (default weights, prior weight 1, magic clip on, endpoints off).
/// </summary>
public class ParzenEstimatorTests
{
    private static readonly ParzenSettings Defaults = new(1.0, true, false);

    private static ParzenEstimator Build(Distribution dist, double[] internalObs, ParzenSettings? settings = null)
    {
        var dim = TpeDimension.Create("p", dist);
        var obs = internalObs.Select(v => dim.Kind == KernelKind.Categorical ? v : dim.Transform(v)).ToArray();
        return new ParzenEstimator([dim], obs.Length, [obs], Enumerable.Repeat(1.0, obs.Length).ToArray(), settings ?? Defaults);
    }

    private static double[] LogPdf(ParzenEstimator pe, params double[] points)
    {
        var set = new CandidateSet(1, points.Length);
        points.CopyTo(set.Values[0], 0);
        var result = new double[points.Length];
        pe.LogPdf(set, result);
        return result;
    }

    private static void Close(double[] expected, double[] actual, int digits)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Math.Pow(10, -digits) * Math.Max(1, Math.Abs(expected[i])), $"[{i}] expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    [Fact]
    public void WorkedFloatVector()
    {
        var pe = Build(new FloatDistribution(0, 1), [0.1, 0.5, 0.55, 0.9]);
        Close([0.1, 0.5, 0.55, 0.9, 0.5], pe.Mus(0).ToArray(), 12);
        Close([0.4, 0.4, 0.35, 0.35, 1.0], pe.Sigmas(0).ToArray(), 12);
        Close([0.2, 0.2, 0.2, 0.2, 0.2], pe.Weights.ToArray(), 12);
        Close(
            [-0.3260288526153352, 0.02327195132977211, 0.12282085661752307, 0.05663175540224041, -0.2163946749829183],
            LogPdf(pe, 0.0, 0.3, 0.5, 0.77, 1.0), 12);
    }

    [Fact]
    public void WorkedCategoricalVector()
    {
        var pe = Build(new CategoricalDistribution(["a", "b", "c"]), [0, 1, 1, 2]);
        double[] expected =
        [
            0.75, 0.125, 0.125,
            0.125, 0.75, 0.125,
            0.125, 0.75, 0.125,
            0.125, 0.125, 0.75,
            1 / 3.0, 1 / 3.0, 1 / 3.0,
        ];
        Close(expected, pe.CategoricalRows(0).ToArray(), 12);
        Close([-1.2321436812926323, -0.8754687373538996, -1.2321436812926323], LogPdf(pe, 0, 1, 2), 12);
    }

    [Fact]
    public void IntKernelsUseIntervalMasses()
    {
        var pe = Build(new IntDistribution(1, 8), [2, 3, 3, 7]);
        Close([2, 3, 3, 7, 4.5], pe.Mus(0).ToArray(), 12);
        Close([4 / 3.0, 4 / 3.0, 4, 4, 8], pe.Sigmas(0).ToArray(), 12);
        Close([-2.012489853524519, -1.6698161818794717, -2.214545070988815, -2.6552871116653303], LogPdf(pe, 1, 3, 5, 8), 11);
    }

    [Fact]
    public void LogFloatKernelsLiveInLogSpace()
    {
        var pe = Build(new FloatDistribution(1e-5, 1, log: true), [1e-3, 0.02, 0.5]);
        Close([-6.907755278982137, -3.912023005428146, -0.6931471805599453, -5.756462732485114], pe.Mus(0).ToArray(), 12);
        Close([2.995732273553991, 3.2188758248682006, 3.2188758248682006, 11.512925464970229], pe.Sigmas(0).ToArray(), 12);
        Close([-3.4011213806796246, -2.4135855731885467, -2.20264313294987, -2.395900025086159], LogPdf(pe, 1e-5, 1e-3, 0.1, 1.0), 11);
    }

    [Fact]
    public void LogIntKernelsWidenByHalfAStepBeforeTheLog()
    {
        var pe = Build(new IntDistribution(1, 50, log: true), [1, 4, 7, 40]);
        Close([0, 1.3862943611198906, 1.9459101490553132, 3.6888794541139363, 1.6144130778606842], pe.Mus(0).ToArray(), 12);
        Close([1.3862943611198906, 1.3862943611198906, 1.742969305058623, 1.742969305058623, 4.615120516841259], pe.Sigmas(0).ToArray(), 12);
        Close([-1.5477630511157519, -2.1165966812594608, -3.3600666813288003, -5.70398231959909], LogPdf(pe, 1, 2, 7, 50), 11);
    }

    [Fact]
    public void SteppedFloatKernels()
    {
        var pe = Build(new FloatDistribution(0, 0.5, step: 0.05), [0.1, 0.2, 0.2, 0.45]);
        Close([0.1, 0.1, 0.25, 0.25, 0.55], pe.Sigmas(0).ToArray(), 12);
        Close([-2.6414887633099218, -2.083557096569741, -2.902300833325153], LogPdf(pe, 0.0, 0.2, 0.5), 11);
    }

    [Fact]
    public void JointKernelsShareTheComponentAcrossDimensions()
    {
        var dims = new[] { TpeDimension.Create("x", new FloatDistribution(-1, 1)), TpeDimension.Create("c", new CategoricalDistribution([1, 2, 3])) };
        var pe = new ParzenEstimator(dims, 2, [[0.1, 0.5], [0, 2]], [1.0, 1.0], Defaults);
        Close([0.5, 0.5, 2.0], pe.Sigmas(0).ToArray(), 12);
        var set = new CandidateSet(2, 2);
        set.Values[0][0] = 0.1;
        set.Values[0][1] = -0.9;
        set.Values[1][0] = 0;
        set.Values[1][1] = 1;
        var result = new double[2];
        pe.LogPdf(set, result);
        Close([-1.2632511667693422, -2.818981802564314], result, 11);
    }

    [Fact]
    public void NoObservationsLeavesOnlyThePrior()
    {
        var pe = Build(new FloatDistribution(0, 1), []);
        Assert.Equal(1, pe.KernelCount);
        Close([1.0], pe.Weights.ToArray(), 15);
        Close([0.04097780049094957], LogPdf(pe, 0.5), 12);

        var one = Build(new FloatDistribution(0, 1), [0.3]);
        Close([0.7, 1.0], one.Sigmas(0).ToArray(), 12);
        Close([0.05849793014331295], LogPdf(one, 0.5), 12);
    }

    [Fact]
    public void MagicClipBoundsBandwidthsBelow()
    {
        // Ten identical observations: every gap is 0, so each bandwidth is the clip (high − low) / min(100, n + 2).
        var pe = Build(new FloatDistribution(0, 1), Enumerable.Repeat(0.5, 10).ToArray());
        Assert.All(pe.Sigmas(0).Take(10), s => Assert.Equal(1.0 / 12, s, 12));
        var noClip = Build(new FloatDistribution(0, 1), Enumerable.Repeat(0.5, 10).ToArray(), new ParzenSettings(1.0, false, false));
        Assert.All(noClip.Sigmas(0).Take(10), s => Assert.Equal(ParzenEstimator.Eps, s));
    }

    [Fact]
    public void ConsiderEndpointsUsesTheBoundsForOuterKernels()
    {
        var pe = Build(new FloatDistribution(0, 1), [0.1, 0.5, 0.55, 0.9], new ParzenSettings(1.0, true, true));
        Close([0.4, 0.4, 0.35, 0.35, 1.0], pe.Sigmas(0).ToArray(), 12);
        var far = Build(new FloatDistribution(0, 10), [4.0, 5.0], new ParzenSettings(1.0, true, true));
        Close([4.0, 5.0, 10.0], far.Sigmas(0).ToArray(), 12);
        var near = Build(new FloatDistribution(0, 10), [4.0, 5.0]);
        Close([2.5, 2.5, 10.0], near.Sigmas(0).ToArray(), 12); // gaps of 1, clipped to 10 / (2 + 2)
    }

    [Fact]
    public void DefaultWeightsRampTheOldestObservations()
    {
        Assert.Equal(Enumerable.Repeat(1.0, 24), Samplers.TpeSampler.DefaultWeights(24));
        var w = Samplers.TpeSampler.DefaultWeights(30);
        Close([0.03333333333333333, 0.275, 0.5166666666666667, 0.7583333333333333, 1.0], w.Take(5).ToArray(), 15);
        Assert.All(w.Skip(5), v => Assert.Equal(1.0, v));
        Assert.Empty(Samplers.TpeSampler.DefaultWeights(0));
    }

    [Fact]
    public void SamplesStayInsideTheSpaceAndOnTheGrid()
    {
        var dims = new[]
        {
            TpeDimension.Create("f", new FloatDistribution(-2, 3)),
            TpeDimension.Create("l", new FloatDistribution(1e-4, 1, log: true)),
            TpeDimension.Create("i", new IntDistribution(-3, 9, step: 3)),
            TpeDimension.Create("k", new IntDistribution(1, 64, log: true)),
            TpeDimension.Create("s", new FloatDistribution(0, 1, step: 0.1)),
            TpeDimension.Create("c", new CategoricalDistribution(["x", "y"])),
        };
        double[][] obs = [[2.9, -1.9], [Math.Log(0.9), Math.Log(1e-4)], [9, -3], [Math.Log(64), 0], [1.0, 0.0], [1, 0]];
        var pe = new ParzenEstimator(dims, 2, obs, [1.0, 1.0], Defaults);
        var set = pe.Sample(new MathNet.Numerics.Random.Xoshiro256StarStar(7, false), 2000);
        for (int d = 0; d < dims.Length; d++)
        {
            foreach (double v in set.Values[d])
            {
                Assert.True(dims[d].Distribution.Contains(v), $"{dims[d].Name}: {v} outside {dims[d].Distribution}");
            }
        }
    }

    [Theory]
    [InlineData(false, new[] { 0.9, 0.9, 0.9 })] // narrow kernels near the upper bound and the wide prior
    [InlineData(false, new[] { 0.0, 1.0, 0.5, 0.52 })] // kernels on both bounds: half their mass outside
    [InlineData(true, new[] { 0.001, 0.002, 0.5 })] // a log scale with kernels at its lower end
    public void SamplingFollowsTheMixture(bool log, double[] observations)
    {
        // The empirical CDF of 4000 draws against the mixture's own density integrated numerically (in the
        // transformed space, where the kernels are normal): the largest gap stays below the Kolmogorov–Smirnov
        // critical value at the 0.1 % level (1.95 / √4000).
        var dist = log ? new FloatDistribution(0.001, 1, log: true) : new FloatDistribution(0, 1);
        var pe = Build(dist, observations);
        var dim = TpeDimension.Create("p", dist);
        const int Grid = 100_000;
        double lo = dim.Transform(dist.Low), hi = dim.Transform(dist.High);
        var grid = new CandidateSet(1, Grid);
        for (int i = 0; i < Grid; i++)
        {
            grid.Values[0][i] = dim.Untransform(lo + ((i + 0.5) * (hi - lo) / Grid));
        }

        var logDensity = new double[Grid];
        pe.LogPdf(grid, logDensity);
        var cdf = new double[Grid];
        double total = 0;
        for (int i = 0; i < Grid; i++)
        {
            total += Math.Exp(logDensity[i]) * (hi - lo) / Grid;
            cdf[i] = total;
        }

        Assert.InRange(total, 0.999, 1.001); // the density integrates to one

        var draws = pe.Sample(new MathNet.Numerics.Random.Xoshiro256StarStar(3, false), 4000).Values[0];
        Array.Sort(draws);
        double gap = 0;
        for (int q = 1; q < 20; q++)
        {
            int i = q * Grid / 20;
            double x = grid.Values[0][i];
            double empirical = draws.Count(v => v <= x) / 4000.0;
            gap = Math.Max(gap, Math.Abs(empirical - cdf[i]));
        }

        Assert.InRange(gap, 0, 1.95 / Math.Sqrt(4000));
        Assert.All(draws, v => Assert.InRange(v, dist.Low, dist.High));
    }

    [Theory]
    [InlineData(1, 30)]
    [InlineData(5, 400)]
    [InlineData(3, 12000)] // large enough for the cache-tiled passes
    public void PrunedArgmaxEqualsTheFullEvaluation(int dims, int kernels)
    {
        var rng = new Random(dims * 7919 + kernels);
        var space = Enumerable.Range(0, dims).Select(i => TpeDimension.Create("x" + i, new FloatDistribution(-3, 3))).ToArray();
        double[][] Obs(int m) => space.Select(_ => Enumerable.Range(0, m + 1).Select(_ => (rng.NextDouble() * 6) - 3).ToArray()).ToArray();
        var below = new ParzenEstimator(space, 20, Obs(20), Enumerable.Repeat(1.0, 20).ToArray(), Defaults);
        var above = new ParzenEstimator(space, kernels, Obs(kernels), Samplers.TpeSampler.DefaultWeights(kernels), Defaults);
        for (int rep = 0; rep < 5; rep++)
        {
            var points = below.Sample(new MathNet.Numerics.Random.Xoshiro256StarStar(rep, false), 24);
            var logL = new double[24];
            var logG = new double[24];
            below.LogPdf(points, logL);
            above.LogPdf(points, logG);
            int expected = 0;
            double best = double.NegativeInfinity;
            for (int c = 0; c < 24; c++)
            {
                if (logL[c] - logG[c] > best)
                {
                    best = logL[c] - logG[c];
                    expected = c;
                }
            }

            Assert.Equal(expected, above.ArgMaxRatio(points, logL));
        }

        // Ties go to the first point.
        var same = new CandidateSet(dims, 3);
        for (int d = 0; d < dims; d++)
        {
            same.Values[d][0] = same.Values[d][1] = same.Values[d][2] = 0.25;
        }

        Assert.Equal(0, above.ArgMaxRatio(same, [1.0, 1.0, 1.0]));
        Assert.Equal(1, above.ArgMaxRatio(same, [double.NaN, 1.0, 1.0]));
    }

    [Theory]
    [InlineData(2, 3500, false)]
    [InlineData(3, 4000, true)]
    [InlineData(5, 6000, true)]
    public void ArgmaxOverCellsEqualsTheFullEvaluation(int dims, int kernels, bool clustered)
    {
        // Past PackedKernels.MinCellKernels the acquisition packs the kernels in cells and skips the ones that cannot
        // matter. Kernels crowded around one point (as TPE's late trials are) make most cells dense and near.
        Assert.True(kernels >= PackedKernels.MinCellKernels);
        var rng = new Random((dims * 31) + kernels);
        var space = Enumerable.Range(0, dims).Select(i => TpeDimension.Create("x" + i, new FloatDistribution(-3, 3))).ToArray();
        double Draw() => clustered && rng.NextDouble() < 0.8 ? Math.Clamp(0.7 + (0.05 * Normal(rng)), -3, 3) : (rng.NextDouble() * 6) - 3;
        double[][] Obs(int m) => space.Select(_ => Enumerable.Range(0, m + 1).Select(_ => Draw()).ToArray()).ToArray();
        var below = new ParzenEstimator(space, 25, Obs(25), Enumerable.Repeat(1.0, 25).ToArray(), Defaults);
        var above = new ParzenEstimator(space, kernels, Obs(kernels), Samplers.TpeSampler.DefaultWeights(kernels), Defaults);
        for (int rep = 0; rep < 8; rep++)
        {
            var points = below.Sample(new MathNet.Numerics.Random.Xoshiro256StarStar(rep, false), 72);
            var logL = new double[72];
            var logG = new double[72];
            below.LogPdf(points, logL);
            above.LogPdf(points, logG);
            if (rep == 7)
            {
                // A point far from every kernel but the prior, and a NaN score that must be skipped.
                for (int d = 0; d < dims; d++)
                {
                    points.Values[d][5] = -2.999;
                }

                above.LogPdf(points, logG);
                logL[7] = double.NaN;
            }

            int expected = -1;
            double best = double.NegativeInfinity;
            for (int c = 0; c < 72; c++)
            {
                double score = logL[c] - logG[c];
                if (!double.IsNaN(score) && (expected < 0 || score > best))
                {
                    best = score;
                    expected = c;
                }
            }

            Assert.Equal(expected, above.ArgMaxRatio(points, logL));
        }
    }

    private static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
