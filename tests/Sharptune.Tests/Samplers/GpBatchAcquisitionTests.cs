using Sharptune.Internal;
using Sharptune.Samplers;
using Sharptune.Samplers.Gp;
using static Sharptune.Tests.SamplerTests.SamplerTestKit;

namespace Sharptune.Tests.SamplerTests;

/// <summary>
/// The batch acquisitions for studies with running trials against Optuna 5 (<c>Data/gp_batch_cases.json</c>, made by
/// <c>Data/generate_gp_batch_cases.py</c> with Optuna's own <c>ConditionalGPRegressor</c>, <c>qLogEI</c>,
/// <c>qLogCEI</c> and <c>qLogEHVI</c> on processes with fixed hyperparameters and the same normal draws), and the
/// sampler's behaviour with running trials.
/// </summary>
public class GpBatchAcquisitionTests
{
    private static readonly Lazy<OrderedDictionary<string, object?>> LazyDocument = new(() =>
        (OrderedDictionary<string, object?>)PyJson.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samplers", "Data", "gp_batch_cases.json")))!);

    public static TheoryData<string> CaseNames => new(Cases().Select(c => (string)c["name"]!));

    private static IEnumerable<OrderedDictionary<string, object?>> Cases() =>
        ((List<object?>)LazyDocument.Value["cases"]!).Cast<OrderedDictionary<string, object?>>();

    private static List<object?> List(object? o) => (List<object?>)o!;

    private static OrderedDictionary<string, object?> Dict(object? o) => (OrderedDictionary<string, object?>)o!;

    private static double[] Doubles(object? o) => List(o).Select(PyJson.ToDouble).ToArray();

    private static double[][] Matrix(object? o) => List(o).Select(Doubles).ToArray();

    private static (IAcquisition Acquisition, double[][] Queries, OrderedDictionary<string, object?> Case, ConditionalGp? Objective) Build(string name)
    {
        var c = Cases().Single(k => (string)k["name"]! == name);
        var x = Matrix(c["x"]);
        var categorical = List(c["categorical"]).Select(v => (bool)v!).ToArray();
        var running = Matrix(c["running"]);
        int samples = checked((int)(long)c["samples"]!);
        int seed = checked((int)(long)c["seed"]!);
        var draws = Dict(c["draws"]);
        NormalSampler sampler = (dimension, n, s) =>
        {
            var z = Matrix(draws[s.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            Assert.Equal(n, z.Length);
            Assert.All(z, row => Assert.Equal(dimension, row.Length));
            return z;
        };
        GaussianProcess Gp(object? desc)
        {
            var d = Dict(desc);
            return GaussianProcess.Create(x, Doubles(d["y"]), categorical, new KernelParams(Doubles(d["isl"]), PyJson.ToDouble(d["scale"]), PyJson.ToDouble(d["noise"])));
        }

        var space = new GpSearchSpace(Enumerable.Range(0, categorical.Length).ToDictionary(j => $"p{j}", Distribution (j) => new FloatDistribution(0, 1)));
        var objectives = List(c["objectives"]).Select(Gp).ToArray();
        var constraints = List(c["constraints"]).Select(k => (Gp(k), PyJson.ToDouble(Dict(k)["threshold"]))).ToArray();
        IAcquisition acq;
        ConditionalGp? objective = null;
        if (objectives.Length == 1)
        {
            double threshold = c["threshold"] is string ? double.NegativeInfinity : PyJson.ToDouble(c["threshold"]);
            acq = new QLogEi(objectives[0], space, threshold, samples, seed, running, constraints, sampler);
            objective = new ConditionalGp(objectives[0], running, samples, seed, sampler, 1e-12);
        }
        else
        {
            var yTrain = Enumerable.Range(0, x.Length).Select(i => objectives.Select(o => o.Y[i]).ToArray()).ToList();
            acq = new QLogEhvi(objectives, space, yTrain, samples, seed, running, sampler);
        }

        return (acq, Matrix(c["queries"]), c, objective);
    }

    private static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ValuesAndGradientsEqualOptunas(string name)
    {
        var (acq, queries, c, _) = Build(name);
        var expected = Doubles(c["values"]);
        var expectedGradients = Matrix(c["gradients"]);
        var batch = acq.Values(queries);
        for (int q = 0; q < queries.Length; q++)
        {
            var g = new double[queries[q].Length];
            double v = acq.ValueAndGradient(queries[q], g);
            AssertClose(expected[q], v, 1e-9, $"{name} value {q}");
            AssertClose(expected[q], acq.Value(queries[q]), 1e-9, $"{name} value without gradient {q}");
            AssertClose(expected[q], batch[q], 1e-9, $"{name} batch value {q}");
            for (int j = 0; j < g.Length; j++)
            {
                AssertClose(expectedGradients[q][j], g[j], 1e-7, $"{name} gradient {q}[{j}]");
            }
        }
    }

    [Fact]
    public void FantasiesEqualOptunas()
    {
        var (_, _, c, objective) = Build("qlogei-continuous");
        var expected = Matrix(c["fantasies"]);
        Assert.Equal(expected.Length, objective!.Fantasies.Length);
        for (int s = 0; s < expected.Length; s++)
        {
            for (int j = 0; j < expected[s].Length; j++)
            {
                AssertClose(expected[s][j], objective.Fantasies[s][j], 1e-10, $"fantasy {s},{j}");
            }
        }
    }

    [Fact]
    public void CoincidingRunningTrialsMakeTheJointPosteriorSingular()
    {
        var (_, _, c, _) = Build("qlogei-continuous");
        var x = Matrix(c["x"]);
        var d = Dict(List(c["objectives"])[0]);
        var gp = GaussianProcess.Create(x, Doubles(d["y"]), [false, false], new KernelParams(Doubles(d["isl"]), PyJson.ToDouble(d["scale"]), PyJson.ToDouble(d["noise"])));
        double[][] running = [[0.3, 0.3], [0.3, 0.3]];
        var e = Assert.ThrowsAny<ArgumentException>(() => new ConditionalGp(gp, running, 8, 1, StableMath.NormalSobol, 0));
        Assert.Contains("positive definite", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static double Objective(ITrial t, int kind)
    {
        double x = t.SuggestFloat("x0", -5, 5), y = t.SuggestFloat("x1", -5, 5);
        if (kind == 1)
        {
            t.SetConstraint("c", 0.5 - x);
        }

        return ((x - 1) * (x - 1)) + ((y + 0.5) * (y + 0.5));
    }

    private static double[] MultiObjective(ITrial t)
    {
        double x = t.SuggestFloat("x0", -5, 5), y = t.SuggestFloat("x1", -5, 5);
        return [((x - 1) * (x - 1)) + (y * y), ((x + 1) * (x + 1)) + (y * y)];
    }

    /// <summary>A GP study with a fixed random history of 12 trials (kind 0: plain, 1: constrained, 2: two objectives).</summary>
    private static Study WithHistory(int samplerSeed, int kind)
    {
        var directions = kind == 2 ? new[] { StudyDirection.Minimize, StudyDirection.Minimize } : [StudyDirection.Minimize];
        var source = Create(new RandomSampler(0), directions);
        if (kind == 2)
        {
            source.Optimize(MultiObjective, nTrials: 12);
        }
        else
        {
            source.Optimize(t => Objective(t, kind), nTrials: 12);
        }

        var study = Create(new GpSampler(seed: samplerSeed, nStartupTrials: 12), directions);
        study.AddTrials(source.Trials);
        return study;
    }

    private static double[] Propose(Study study)
    {
        var t = study.Ask();
        return [t.SuggestFloat("x0", -5, 5), t.SuggestFloat("x1", -5, 5)];
    }

    private static double Distance(double[] a, double[] b) => Math.Sqrt(((a[0] - b[0]) * (a[0] - b[0])) + ((a[1] - b[1]) * (a[1] - b[1])));

    [Theory]
    [InlineData(0)] // qLogEI
    [InlineData(1)] // qLogCEI
    [InlineData(2)] // qLogEHVI
    public void TheNextSuggestionAvoidsTheRunningTrialsPoints(int kind)
    {
        // Without running trials, samplers with different seeds agree on the acquisition's maximiser.
        var proposals = new[] { 1, 2, 3 }.Select(seed => Propose(WithHistory(seed, kind))).ToList();
        double spread = proposals.Skip(1).Max(p => Distance(p, proposals[0]));

        // With a trial running at that point, the next proposal goes elsewhere.
        var study = WithHistory(1, kind);
        study.EnqueueTrial(new Dictionary<string, object?> { ["x0"] = proposals[0][0], ["x1"] = proposals[0][1] });
        var running = Propose(study);
        Assert.Equal(proposals[0], running);
        Assert.True(spread < 0.05, $"the maximiser is not stable across seeds: spread {spread}");

        // Each further trial, asked while the earlier ones still run, keeps away from all of them.
        var runningPoints = new List<double[]> { running };
        for (int k = 0; k < 3; k++)
        {
            var next = Propose(study);
            double nearest = runningPoints.Min(p => Distance(p, next));
            Assert.True(nearest > 0.3, $"proposal {k} is {nearest} from a running trial");
            runningPoints.Add(next);
        }

        Assert.Equal(4, study.Trials.Count(t => t.State == TrialState.Running));
    }
}
