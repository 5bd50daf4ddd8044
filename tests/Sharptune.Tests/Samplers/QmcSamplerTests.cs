using MathNet.Numerics.Random;
using Sharptune.Samplers;
using Sharptune.Samplers.Qmc;
using Sharptune.Tests.Support;
using static Sharptune.Tests.SamplerTests.SamplerTestKit;

namespace Sharptune.Tests.SamplerTests;

/// <summary>
/// QMC: the unscrambled sequences are the published ones (reference values from SciPy 1.10's
/// <c>qmc.Sobol</c>/<c>qmc.Halton</c>, which use the Joe–Kuo direction numbers), discrepancy beats random
/// sampling, and the sampler maps the sequence into the space.
/// </summary>
public class QmcSamplerTests
{
    [Fact]
    public void First16SobolPointsIn4DimensionsArePublishedSequence()
    {
        int[][] expected =
        [
            [0, 0, 0, 0], [8, 8, 8, 8], [12, 4, 4, 4], [4, 12, 12, 12], [6, 6, 10, 14], [14, 14, 2, 6], [10, 2, 14, 10], [2, 10, 6, 2],
            [3, 5, 15, 7], [11, 13, 7, 15], [15, 1, 11, 3], [7, 9, 3, 11], [5, 3, 5, 9], [13, 11, 13, 1], [9, 7, 1, 13], [1, 15, 9, 5],
        ];
        var engine = new SobolEngine(4, scramble: false, null);
        var p = new double[4];
        for (int n = 0; n < 16; n++)
        {
            engine.Point(n, p);
            Assert.Equal(expected[n], p.Select(v => (int)(v * 16)).ToArray());
            Assert.All(p, v => Assert.Equal(0, (v * 16) % 1));
        }
    }

    [Fact]
    public void First32SobolPointsBeyondDimension100ArePublishedSequence()
    {
        int[] columns = [100, 101, 117, 128, 143, 159];
        int[][] expected =
        [
            [0, 0, 0, 0, 0, 0], [16, 16, 16, 16, 16, 16], [8, 8, 8, 8, 8, 24], [24, 24, 24, 24, 24, 8],
            [20, 28, 4, 4, 12, 20], [4, 12, 20, 20, 28, 4], [28, 20, 12, 12, 4, 12], [12, 4, 28, 28, 20, 28],
            [2, 26, 30, 18, 22, 6], [18, 10, 14, 2, 6, 22], [10, 18, 22, 26, 30, 30], [26, 2, 6, 10, 14, 14],
            [22, 6, 26, 22, 26, 18], [6, 22, 10, 6, 10, 2], [30, 14, 18, 30, 18, 10], [14, 30, 2, 14, 2, 26],
            [19, 27, 15, 31, 21, 21], [3, 11, 31, 15, 5, 5], [27, 19, 7, 23, 29, 13], [11, 3, 23, 7, 13, 29],
            [7, 7, 11, 27, 25, 1], [23, 23, 27, 11, 9, 17], [15, 15, 3, 19, 17, 25], [31, 31, 19, 3, 1, 9],
            [17, 1, 17, 13, 3, 19], [1, 17, 1, 29, 19, 3], [25, 9, 25, 5, 11, 11], [9, 25, 9, 21, 27, 27],
            [5, 29, 21, 9, 15, 7], [21, 13, 5, 25, 31, 23], [13, 21, 29, 1, 7, 31], [29, 5, 13, 17, 23, 15],
        ];
        var engine = new SobolEngine(160, scramble: false, null);
        var p = new double[160];
        for (int n = 0; n < 32; n++)
        {
            engine.Point(n, p);
            Assert.Equal(expected[n], columns.Select(c => (int)(p[c] * 32)).ToArray());
        }
    }

    [Fact]
    public void LastSupportedDimensionAndRandomAccessMatchSciPy()
    {
        var engine = new SobolEngine(SobolDirectionNumbers.MaxDimension, scramble: false, null);
        var p = new double[SobolDirectionNumbers.MaxDimension];
        int[] expected = [0, 4, 6, 2, 7, 3, 1, 5];
        for (int n = 0; n < 8; n++)
        {
            engine.Point(n, p);
            Assert.Equal(expected[n], (int)(p[1110] * 8));
        }

        // SciPy: Sobol(3).fast_forward(1000).random(1) * 2**30
        var three = new SobolEngine(3, scramble: false, null);
        var q = new double[3];
        three.Point(1000, q);
        Assert.Equal([235929600L, 103809024L, 556793856L], q.Select(v => (long)(v * (1L << 30))).ToArray());
    }

    [Fact]
    public void HaltonMatchesSciPy()
    {
        double[][] expected =
        [
            [0.0, 0.0, 0.0], [0.5, 1.0 / 3, 0.2], [0.25, 2.0 / 3, 0.4], [0.75, 1.0 / 9, 0.6],
            [0.125, 4.0 / 9, 0.8], [0.625, 7.0 / 9, 0.04], [0.375, 2.0 / 9, 0.24], [0.875, 5.0 / 9, 0.44],
        ];
        var engine = new HaltonEngine(3, scramble: false, null);
        var p = new double[3];
        for (int n = 0; n < expected.Length; n++)
        {
            engine.Point(n, p);
            for (int d = 0; d < 3; d++)
            {
                Assert.Equal(expected[n][d], p[d], 1e-12);
            }
        }
    }

    [Fact]
    public void TooManyDimensionsIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SobolEngine(SobolDirectionNumbers.MaxDimension + 1, false, null));
        Assert.StartsWith("Maximum supported dimensionality is 1111.", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(QmcType.Sobol, false)]
    [InlineData(QmcType.Sobol, true)]
    [InlineData(QmcType.Halton, false)]
    [InlineData(QmcType.Halton, true)]
    public void DiscrepancyAt256PointsIsLowerThanRandom(QmcType type, bool scramble)
    {
        const int N = 256, D = 4;
        var rng = new Xoshiro256StarStar(42, threadSafe: false);
        IQmcEngine engine = type == QmcType.Sobol ? new SobolEngine(D, scramble, rng) : new HaltonEngine(D, scramble, rng);
        var qmc = Enumerable.Range(0, N).Select(n =>
        {
            var p = new double[D];
            engine.Point(n, p);
            return p;
        }).ToList();

        var random = Enumerable.Range(0, N).Select(_ => Enumerable.Range(0, D).Select(_ => rng.NextDouble()).ToArray()).ToList();
        double dq = Discrepancy.CenteredL2(qmc);
        double dr = Discrepancy.CenteredL2(random);
        Assert.True(dq < dr / 5, $"QMC {dq} vs random {dr}");
    }

    [Fact]
    public void CenteredDiscrepancyMatchesSciPy()
    {
        var engine = new SobolEngine(2, false, null);
        var pts = Enumerable.Range(0, 16).Select(n =>
        {
            var p = new double[2];
            engine.Point(n, p);
            return p;
        }).ToList();

        // scipy.stats.qmc.discrepancy(qmc.Sobol(2, scramble=False).random(16))
        Assert.Equal(0.0036243862575953134, Discrepancy.CenteredL2(pts), 1e-12);
    }

    [Fact]
    public void StudyPointsAreLowDiscrepancyAndSequential()
    {
        var study = Create(new QmcSampler(seed: 1));
        study.Optimize(t => t.SuggestFloat("x", 0, 1) + t.SuggestFloat("y", 0, 1), nTrials: 257);
        var pts = study.Trials.Skip(1).Select(t => new[] { (double)t.Params["x"]!, (double)t.Params["y"]! }).ToList();
        var engine = new SobolEngine(2, false, null);
        var p = new double[2];
        for (int n = 0; n < pts.Count; n++)
        {
            engine.Point(n, p);
            Assert.Equal(p[0], pts[n][0], 12);
            Assert.Equal(p[1], pts[n][1], 12);
        }

        var random = Study.Create(new StudyOptions { Sampler = new RandomSampler(1) });
        random.Optimize(t => t.SuggestFloat("x", 0, 1) + t.SuggestFloat("y", 0, 1), nTrials: 256);
        var rpts = random.Trials.Select(t => new[] { (double)t.Params["x"]!, (double)t.Params["y"]! }).ToList();
        Assert.True(Discrepancy.CenteredL2(pts) < Discrepancy.CenteredL2(rpts));
    }

    [Fact]
    public void CategoricalAndDiscreteDimensionsAreMappedLikeOptuna()
    {
        var study = Create(new QmcSampler(seed: 0));
        study.Optimize(
            t =>
            {
                string c = t.SuggestCategorical("c", ["a", "b", "c", "d"]);
                int i = t.SuggestInt("i", 0, 3);
                return c.Length + i;
            },
            nTrials: 9);

        // Sobol x-column 0, 1/2, 3/4, 1/4, 3/8, 7/8, 5/8, 1/8 → choices floor(4u); ints on [−0.5, 3.5].
        string[] expectedC = ["a", "c", "d", "b", "b", "d", "c", "a"];
        long[] expectedI = [0, 2, 1, 3, 1, 3, 0, 2];
        Assert.Equal(expectedC, study.Trials.Skip(1).Select(t => (string)t.Params["c"]!).ToArray());
        Assert.Equal(expectedI, study.Trials.Skip(1).Select(t => (long)t.Params["i"]!).ToArray());
    }

    [Fact]
    public void ParallelWorkersNeverDrawTheSamePoint()
    {
        var study = Create(new QmcSampler(seed: 3));
        study.Optimize(t => t.SuggestFloat("x", 0, 1) + t.SuggestFloat("y", 0, 1), new OptimizeOptions { NTrials = 120, Concurrency = 2 });
        var points = study.Trials.Select(t => ((double)t.Params["x"]!, (double)t.Params["y"]!)).ToList();
        Assert.Equal(points.Count, points.Distinct().Count());
    }

    [Fact]
    public void TwoSamplersOnOneStorageShareTheSequenceWithoutDuplicates()
    {
        // Two "processes": separate sampler instances and Study objects over one storage.
        var storage = new Storages.InMemoryStorage();
        var a = Study.Create(new StudyOptions { Storage = storage, StudyName = "s", Sampler = new QmcSampler(scramble: true, seed: 5) });
        var b = Study.Load("s", storage, new QmcSampler(scramble: true, seed: 5));
        for (int k = 0; k < 40; k++)
        {
            var ta = a.Ask();
            var tb = b.Ask();
            double xa = ta.SuggestFloat("x", 0, 1), xb = tb.SuggestFloat("x", 0, 1);
            a.Tell(ta, xa);
            b.Tell(tb, xb);
        }

        var xs = a.Trials.Select(t => (double)t.Params["x"]!).ToList();
        Assert.Equal(xs.Count, xs.Distinct().Count());
    }

    [Fact]
    public void ParamsOutsideTheFirstSpaceAreIndependentWithAWarning()
    {
        var logs = new TestLoggerFactory();
        var study = Study.Create(new StudyOptions { Sampler = new QmcSampler(seed: 0), LoggerFactory = logs });
        study.Optimize(t => t.SuggestFloat("x", 0, 1) + (t.Number > 2 ? t.SuggestFloat("late", 0, 1) : 0), nTrials: 5);
        Assert.Contains(logs.Entries, e => e.Message.Contains("The parameter `late` in Trial#3 is sampled independently using `RandomSampler` instead of `QMCSampler`", StringComparison.Ordinal)
            && e.Message.Contains("dynamic search space is not supported by `QMCSampler`", StringComparison.Ordinal));
        AssertParamsInside(study);
    }

    [Fact]
    public void ScrambledWithoutSeedWarns()
    {
        var logs = new TestLoggerFactory();
        var study = Study.Create(new StudyOptions { Sampler = new QmcSampler(scramble: true), LoggerFactory = logs });
        study.Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 2);
        Assert.Contains(logs.Entries, e => e.Message.StartsWith("No seed is provided for `QMCSampler`", StringComparison.Ordinal));
    }

    [Fact]
    public void InvalidQmcTypeIsRejectedWithOptunasMessage()
    {
        var e = Assert.Throws<ArgumentException>(() => new QmcSampler((QmcType)7));
        Assert.StartsWith("QmcType 7 is invalid. Choose either QmcType.Halton or QmcType.Sobol.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MultiObjectiveStudiesAreSampledToo()
    {
        var study = Create(new QmcSampler(QmcType.Halton, seed: 2), StudyDirection.Minimize, StudyDirection.Maximize);
        study.Optimize(t => Zdt1(t, 3), nTrials: 20);
        Assert.Equal(20, study.Trials.Count(t => t.State == TrialState.Complete));
        var engine = new HaltonEngine(3, false, null);
        var p = new double[3];
        engine.Point(5, p);
        Assert.Equal(p[0], (double)study.Trials[6].Params["x0"]!, 12);
    }
}
