using MathNet.Numerics.Distributions;
using Sharptune.Internal;
using Sharptune.Samplers;

namespace Sharptune.Tests.Tpe;

/// <summary>
/// End-to-end differential tests against Optuna 5's default <c>TPESampler</c> (<c>Data/tpe_next_trial.json</c>, made
/// by <c>Data/generate_next_trial_cases.py</c>): on the same recorded history of a conditional or mixed space, the
/// next trial drawn by fresh samplers (seeds 0 … 999 here, 0 … 399 in Optuna) must have the same distribution —
/// which parameters appear, each categorical parameter's choices (χ² test) and each numeric parameter's values
/// (two-sample Kolmogorov–Smirnov test), all at α = 10⁻⁴. This covers what the estimator tests do not: which
/// parameters form the joint space, which fall back to independent sampling, and which trials each one uses. The
/// comparison runs in the Optuna-fidelity mode (<c>nRefineCandidates: 0</c>).
/// </summary>
public class TpeNextTrialTests
{
    private const double Alpha = 1e-4;
    private const int Draws = 1000;

    private static readonly Lazy<OrderedDictionary<string, object?>> LazyDocument = new(() =>
        (OrderedDictionary<string, object?>)PyJson.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Tpe", "Data", "tpe_next_trial.json")))!);

    private static readonly string[] ModelKinds = ["svm", "rf", "knn", "mlp"];
    private static readonly string[] SvmKernels = ["rbf", "poly", "linear"];
    private static readonly string[] KnnWeights = ["uniform", "distance"];
    private static readonly string[] Modes = ["a", "b", "c"];

    public static TheoryData<string> CaseNames => new(Cases().Select(c => (string)c["fn"]!));

    private static IEnumerable<OrderedDictionary<string, object?>> Cases() =>
        ((List<object?>)LazyDocument.Value["cases"]!).Cast<OrderedDictionary<string, object?>>();

    /// <summary>The suggestions of bench/tpe_quality_suite.py's functions (the value does not matter: the trial is failed).</summary>
    private static void Suggest(string fn, ITrial t)
    {
        switch (fn)
        {
            case "cond_models":
                switch (t.SuggestCategorical("kind", ModelKinds))
                {
                    case "svm":
                        t.SuggestFloat("svm_c", 1e-3, 1e3, log: true);
                        t.SuggestFloat("svm_gamma", 1e-4, 1e1, log: true);
                        t.SuggestCategorical("svm_kernel", SvmKernels);
                        break;
                    case "rf":
                        t.SuggestInt("rf_trees", 10, 500, log: true);
                        t.SuggestInt("rf_depth", 2, 32);
                        t.SuggestFloat("rf_max_features", 0.1, 1.0);
                        break;
                    case "knn":
                        t.SuggestInt("knn_k", 1, 100, log: true);
                        t.SuggestCategorical("knn_weights", KnnWeights);
                        break;
                    default:
                        t.SuggestFloat("mlp_lr", 1e-5, 1e-1, log: true);
                        t.SuggestInt("mlp_hidden", 8, 512, log: true);
                        t.SuggestFloat("mlp_alpha", 1e-6, 1e-1, log: true);
                        t.SuggestInt("mlp_layers", 1, 4);
                        break;
                }

                break;
            case "cond_layers":
                int n = t.SuggestInt("n_layers", 1, 5);
                for (int i = 0; i < n; i++)
                {
                    t.SuggestInt($"units_{i}", 4, 256, log: true);
                    t.SuggestFloat($"dropout_{i}", 0.0, 0.5);
                }

                t.SuggestFloat("lr", 1e-5, 1e-1, log: true);
                break;
            case "interact6":
                t.SuggestFloat("x", 0, 10);
                t.SuggestFloat("y", 0, 10);
                t.SuggestCategorical("mode", Modes);
                t.SuggestInt("k", 1, 20);
                t.SuggestFloat("z", 0.01, 100, log: true);
                t.SuggestFloat("w", 0, 1, step: 0.125);
                break;
            default:
                throw new InvalidOperationException(fn);
        }
    }

    /// <summary>Replays the case's history into a fresh study per seed and records the next trial's parameters.</summary>
    private static List<IReadOnlyDictionary<string, object?>> DrawNext(OrderedDictionary<string, object?> data, Func<int, ISampler> sampler)
    {
        string fn = (string)data["fn"]!;
        var history = ((List<object?>)data["history"]!).Cast<OrderedDictionary<string, object?>>().Select(t => Trials.Create(
            value: PyJson.ToDouble(t["value"]),
            @params: ((OrderedDictionary<string, object?>)t["params"]!).ToDictionary(kv => kv.Key, kv => kv.Value),
            distributions: ((OrderedDictionary<string, object?>)t["distributions"]!).ToDictionary(kv => kv.Key, kv => Distribution.FromJson((string)kv.Value!)))).ToList();
        var draws = new List<IReadOnlyDictionary<string, object?>>(Draws);
        for (int seed = 0; seed < Draws; seed++)
        {
            var study = Study.Create(new StudyOptions { Sampler = sampler(seed) });
            foreach (var t in history)
            {
                study.AddTrial(t);
            }

            var trial = study.Ask();
            Suggest(fn, trial);
            draws.Add(study.Trials[^1].Params);
            study.Tell(trial, state: TrialState.Fail);
        }

        return draws;
    }

    /// <summary>The p-value of Pearson's χ² test that two samples of labels come from one distribution.</summary>
    private static double ChiSquaredP(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var labels = a.Concat(b).Distinct().ToList();
        if (labels.Count < 2)
        {
            return 1.0;
        }

        double n = a.Count + b.Count, chi = 0;
        foreach (string label in labels)
        {
            double ca = a.Count(v => v == label), cb = b.Count(v => v == label);
            double total = ca + cb;
            double ea = total * a.Count / n, eb = total * b.Count / n;
            chi += ((ca - ea) * (ca - ea) / ea) + ((cb - eb) * (cb - eb) / eb);
        }

        return 1 - ChiSquared.CDF(labels.Count - 1, chi);
    }

    private static string Label(object? v) => v switch
    {
        string s => s,
        bool b => b ? "True" : "False",
        _ => PyJson.ToDouble(v).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Every difference between the two sets of draws at level α, one line each.</summary>
    private static List<string> Differences(IReadOnlyList<IReadOnlyDictionary<string, object?>> optuna, IReadOnlyList<IReadOnlyDictionary<string, object?>> mine)
    {
        var differences = new List<string>();
        var names = optuna.Concat(mine).SelectMany(d => d.Keys).Distinct().Order(StringComparer.Ordinal);
        foreach (string name in names)
        {
            // Whether the parameter appears (the conditional structure), then its values where it does.
            double presence = ChiSquaredP([.. optuna.Select(d => d.ContainsKey(name) ? "yes" : "no")], [.. mine.Select(d => d.ContainsKey(name) ? "yes" : "no")]);
            if (presence < Alpha)
            {
                differences.Add($"{name}: appears in {optuna.Count(d => d.ContainsKey(name))}/{optuna.Count} Optuna draws, {mine.Count(d => d.ContainsKey(name))}/{mine.Count} here (p = {presence:G3})");
                continue;
            }

            var a = optuna.Where(d => d.ContainsKey(name)).Select(d => d[name]).ToList();
            var b = mine.Where(d => d.ContainsKey(name)).Select(d => d[name]).ToList();
            if (a.Count < 20 || b.Count < 20)
            {
                continue; // too rare to compare
            }

            if (a[0] is string || a[0] is bool)
            {
                double p = ChiSquaredP([.. a.Select(Label)], [.. b.Select(Label)]);
                if (p < Alpha)
                {
                    differences.Add($"{name}: choices differ (χ² p = {p:G3})");
                }
            }
            else
            {
                double[] x = [.. a.Select(PyJson.ToDouble)], y = [.. b.Select(PyJson.ToDouble)];
                double statistic = TpeDifferentialTests.KolmogorovSmirnov(x, y);
                double critical = TpeDifferentialTests.KsCritical(x.Length, y.Length, Alpha);
                if (statistic >= critical)
                {
                    differences.Add($"{name}: KS statistic {statistic:F4} ≥ {critical:F4}");
                }
            }
        }

        return differences;
    }

    private static List<IReadOnlyDictionary<string, object?>> OptunaDraws(OrderedDictionary<string, object?> data) =>
        [.. ((List<object?>)data["draws"]!).Cast<OrderedDictionary<string, object?>>().Select(d => (IReadOnlyDictionary<string, object?>)d.ToDictionary(kv => kv.Key, kv => kv.Value))];

    [Fact]
    public void TheDataComesFromOptuna5()
    {
        Assert.Equal("5.0.0.dev", LazyDocument.Value["optuna_version"]);
        Assert.Equal(["cond_models", "cond_layers", "interact6"], Cases().Select(c => (string)c["fn"]!));
        Assert.All(Cases(), c => Assert.Equal(400, ((List<object?>)c["draws"]!).Count));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void NextTrialHasOptunasDistribution(string fn)
    {
        var data = Cases().Single(c => (string)c["fn"]! == fn);
        var differences = Differences(OptunaDraws(data), DrawNext(data, seed => new TpeSampler(seed: seed, nRefineCandidates: 0)));
        Assert.True(differences.Count == 0, $"{fn}: {string.Join("; ", differences)}");
    }

    [Fact]
    public void TheComparisonDetectsAnotherSampling()
    {
        // Drawing from l(x) without the acquisition (one candidate) must be told apart from Optuna's TPE.
        var data = Cases().Single(c => (string)c["fn"]! == "interact6");
        var differences = Differences(OptunaDraws(data), DrawNext(data, seed => new TpeSampler(seed: seed, nEiCandidates: 1, nRefineCandidates: 0)));
        Assert.NotEmpty(differences);
    }

    [Fact]
    public void RefinementKeepsOptunasOddsForCategoricalAndDiscreteParameters()
    {
        // The refinement only moves continuous parameters: the categorical and discrete choices, made jointly with
        // the continuous parameters by the first 24 candidates, keep Optuna's distribution.
        var data = Cases().Single(c => (string)c["fn"]! == "interact6");
        var refined = DrawNext(data, seed => new TpeSampler(seed: seed, nRefineCandidates: 72));
        var differences = Differences(OptunaDraws(data), refined);
        Assert.DoesNotContain(differences, d => d.StartsWith("mode:", StringComparison.Ordinal) || d.StartsWith("k:", StringComparison.Ordinal) || d.StartsWith("w:", StringComparison.Ordinal));

        // With the same seed the first 24 candidates are the same: the categorical choice, the int and the stepped
        // float are the very same, while the continuous parameters do move.
        var plain = DrawNext(data, seed => new TpeSampler(seed: seed, nRefineCandidates: 0));
        Assert.Contains(Enumerable.Range(0, plain.Count), i => !Equals(plain[i]["x"], refined[i]["x"]));
        Assert.All(Enumerable.Range(0, plain.Count), i =>
        {
            Assert.Equal(plain[i]["mode"], refined[i]["mode"]);
            Assert.Equal(plain[i]["k"], refined[i]["k"]);
            Assert.Equal(plain[i]["w"], refined[i]["w"]);
        });
    }
}
