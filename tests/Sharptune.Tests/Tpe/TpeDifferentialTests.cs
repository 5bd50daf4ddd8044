using Sharptune.Internal;
using Sharptune.Samplers;
using Sharptune.Samplers.Tpe;

namespace Sharptune.Tests.Tpe;

/// <summary>
/// Differential tests against Optuna 5's TPE (<c>Data/tpe_cases.json</c>, made by <c>Data/generate_tpe_cases.py</c>
/// with Optuna's own <c>_split_trials</c> and <c>_ParzenEstimator</c>): the same trial histories are added to
/// Sharptune studies, and the below/above split, the mixture weights, every kernel (means, bandwidths, truncation
/// bounds, categorical rows, the prior) and log l(x), log g(x) at Optuna's candidates must equal Optuna's to 1e-9;
/// draws from l(x) must pass a two-sample Kolmogorov–Smirnov test against Optuna's draws in every dimension.
/// </summary>
public class TpeDifferentialTests
{
    private const double Tolerance = 1e-9;

    private static readonly Lazy<OrderedDictionary<string, object?>> LazyDocument = new(() =>
        (OrderedDictionary<string, object?>)PyJson.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Tpe", "Data", "tpe_cases.json")))!);

    public static TheoryData<string> CaseNames => new(Cases().Select(c => (string)c["name"]!));

    private static IEnumerable<OrderedDictionary<string, object?>> Cases() =>
        ((List<object?>)LazyDocument.Value["cases"]!).Cast<OrderedDictionary<string, object?>>();

    private static OrderedDictionary<string, object?> Case(string name) => Cases().Single(c => (string)c["name"]! == name);

    private static List<object?> List(object? o) => (List<object?>)o!;

    private static OrderedDictionary<string, object?> Dict(object? o) => (OrderedDictionary<string, object?>)o!;

    private static double[] Doubles(object? o) => List(o).Select(PyJson.ToDouble).ToArray();

    private static int[] Ints(object? o) => List(o).Select(v => checked((int)(long)v!)).ToArray();

    private static TrialState State(string name) => name switch
    {
        "COMPLETE" => TrialState.Complete,
        "PRUNED" => TrialState.Pruned,
        "FAIL" => TrialState.Fail,
        "RUNNING" => TrialState.Running,
        "WAITING" => TrialState.Waiting,
        _ => throw new InvalidOperationException(name),
    };

    /// <summary>Adds the case's trials to a new in-memory study with a TPE sampler configured as Optuna's.</summary>
    private static (Study Study, TpeSampler Sampler, FrozenTrial Current) Replay(OrderedDictionary<string, object?> data)
    {
        var directions = List(data["directions"]).Select(d => (string)d! == "maximize" ? StudyDirection.Maximize : StudyDirection.Minimize).ToList();
        var sampler = new TpeSampler(seed: 0, multivariate: data["multivariate"] as bool?);
        var study = Study.Create(new StudyOptions { Directions = directions, Sampler = sampler });
        foreach (var t in List(data["trials"]).Select(Dict))
        {
            var distributions = Dict(t["distributions"]).ToDictionary(kv => kv.Key, kv => Distribution.FromJson((string)kv.Value!));
            var parameters = Dict(t["params"]).ToDictionary(kv => kv.Key, kv => kv.Value);
            var intermediate = Dict(t["intermediate"]).ToDictionary(kv => int.Parse(kv.Key, System.Globalization.CultureInfo.InvariantCulture), kv => PyJson.ToDouble(kv.Value));
            var constraints = Dict(t["constraints"]).ToDictionary(kv => kv.Key, kv => PyJson.ToDouble(kv.Value));
            var systemAttrs = Dict(t["system_attrs"]).ToDictionary(kv => kv.Key, kv => kv.Value);
            study.AddTrial(Trials.Create(
                State((string)t["state"]!),
                values: t["values"] is null ? null : Doubles(t["values"]),
                @params: parameters,
                distributions: distributions,
                systemAttrs: systemAttrs,
                intermediateValues: intermediate,
                constraints: constraints.Count > 0 ? constraints : null));
        }

        var current = study.Trials[^1];
        Assert.Equal(TrialState.Running, current.State);
        return (study, sampler, current);
    }

    private static void Close(IReadOnlyList<double> expected, IReadOnlyList<double> actual, string what)
    {
        Assert.True(expected.Count == actual.Count, $"{what}: {actual.Count} values, Optuna has {expected.Count}");
        for (int i = 0; i < expected.Count; i++)
        {
            double e = expected[i], a = actual[i];
            bool ok = e.Equals(a) || Math.Abs(e - a) <= Tolerance * Math.Max(1.0, Math.Abs(e));
            Assert.True(ok, $"{what}[{i}]: Sharptune {a:R}, Optuna {e:R}");
        }
    }

    [Fact]
    public void TheDataCoversTheRequiredHistories()
    {
        var cases = Cases().ToList();
        Assert.Equal("5.0.0.dev", LazyDocument.Value["optuna_version"]);
        Assert.True(cases.Count >= 12, $"{cases.Count} cases");
        var spaces = cases.SelectMany(c => List(c["samplings"]).Select(Dict)).SelectMany(s => List(s["space"]).Select(p => Distribution.FromJson((string)List(p)[1]!))).ToList();
        Assert.Contains(spaces, d => d is FloatDistribution { Log: true });
        Assert.Contains(spaces, d => d is FloatDistribution { Step: not null });
        Assert.Contains(spaces, d => d is IntDistribution { Log: true });
        Assert.Contains(spaces, d => d is IntDistribution { Step: > 1 });
        Assert.Contains(spaces, d => d is CategoricalDistribution { Choices.Count: 10 });
        Assert.Contains(cases, c => List(c["directions"]).Count == 3);
        Assert.Contains(cases, c => c["multivariate"] is false);
        Assert.Contains(cases, c => List(c["trials"]).Select(Dict).Any(t => Dict(t["constraints"]).Count > 0));
        Assert.Contains(cases, c => List(c["trials"]).Select(Dict).Any(t => Dict(t["system_attrs"]).Count > 0));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void SplitAndEstimatorsEqualOptunas(string name)
    {
        var data = Case(name);
        var (study, sampler, current) = Replay(data);
        int index = 0;
        foreach (var sampling in List(data["samplings"]).Select(Dict))
        {
            var space = List(sampling["space"]).Select(p => new KeyValuePair<string, Distribution>((string)List(p)[0]!, Distribution.FromJson((string)List(p)[1]!))).ToList();
            string where = $"{name}, sampling {index++} over [{string.Join(", ", space.Select(s => s.Key))}]";
            var (below, above, l, g) = sampler.Inspect(study, current, space);

            // The split (Optuna's _split_trials), then the trials that hold every parameter of the space.
            var expectedSplit = Ints(sampling["below"]);
            var split = sampler.LastSplit(study);
            Assert.True(expectedSplit.SequenceEqual(split), $"{where}: split below [{string.Join(", ", split)}], Optuna [{string.Join(", ", expectedSplit)}]");
            Assert.Equal(PyJson.ToDouble(sampling["n_below"]), expectedSplit.Length);
            Assert.True(Ints(sampling["below_observed"]).SequenceEqual(below), $"{where}: below [{string.Join(", ", below)}], Optuna [{string.Join(", ", Ints(sampling["below_observed"]))}]");
            Assert.True(Ints(sampling["above_observed"]).SequenceEqual(above), $"{where}: above [{string.Join(", ", above)}], Optuna [{string.Join(", ", Ints(sampling["above_observed"]))}]");

            // Every component to 1e-9, equal observations ordered as NumPy's argsort orders them.
            CompareEstimator(Dict(sampling["below_estimator"]), l, $"{where}, l(x)");
            CompareEstimator(Dict(sampling["above_estimator"]), g, $"{where}, g(x)");
            ComparePermuted(Dict(sampling["below_estimator_stable"]), l, $"{where}, l(x) with a stable argsort");
            ComparePermuted(Dict(sampling["above_estimator_stable"]), g, $"{where}, g(x) with a stable argsort");

            // log l, log g and the acquisition at Optuna's candidates; the same candidate wins.
            var candidates = List(sampling["candidates"]).Select(Doubles).ToArray();
            int n = candidates[0].Length;
            var set = new CandidateSet(space.Count, n);
            for (int d = 0; d < space.Count; d++)
            {
                candidates[d].CopyTo(set.Values[d], 0);
            }

            var logL = new double[n];
            var logG = new double[n];
            l.LogPdf(set, logL);
            g.LogPdf(set, logG);
            var expectedL = Doubles(sampling["log_l"]);
            var expectedG = Doubles(sampling["log_g"]);
            Close(expectedL, logL, $"{where}: log l");
            Close(expectedG, logG, $"{where}: log g");
            var expectedAcq = expectedL.Zip(expectedG, (a, b) => a - b).ToArray();
            Close(expectedAcq, logL.Zip(logG, (a, b) => a - b).ToArray(), $"{where}: log l - log g");
            int expectedBest = Array.IndexOf(expectedAcq, expectedAcq.Max());
            Assert.True(expectedBest == g.ArgMaxRatio(set, logL), $"{where}: the winning candidate");
        }
    }

    private static void CompareEstimator(OrderedDictionary<string, object?> expected, ParzenEstimator actual, string where)
    {
        Close(Doubles(expected["weights"]), actual.Weights, $"{where}: weights");
        var dims = List(expected["dims"]).Select(Dict).ToList();
        Assert.Equal(dims.Count, actual.Dimensions.Count);
        for (int d = 0; d < dims.Count; d++)
        {
            var e = dims[d];
            var dim = actual.Dimensions[d];
            string at = $"{where}, {dim.Name}";
            if ((string)e["kind"]! == "categorical")
            {
                Assert.Equal(KernelKind.Categorical, dim.Kind);
                Close(List(e["rows"]).SelectMany(Doubles).ToArray(), actual.CategoricalRows(d), $"{at}: categorical rows");
                continue;
            }

            Close(Doubles(e["mu"]), actual.Mus(d), $"{at}: means");
            Close(Doubles(e["sigma"]), actual.Sigmas(d), $"{at}: bandwidths");
            Close([PyJson.ToDouble(e["low"]), PyJson.ToDouble(e["high"])], [dim.AdaptedLow, dim.AdaptedHigh], $"{at}: truncation bounds");
            Assert.Equal((bool)e["log"]!, dim.IsLog);
            Assert.Equal(PyJson.ToDouble(e["step"]), dim.Step);
        }
    }

    [Fact]
    public void ArgSortOrdersEqualKeysAsNumPy()
    {
        foreach (var c in List(LazyDocument.Value["argsorts"]).Select(Dict))
        {
            var keys = Doubles(c["keys"]);
            var order = new int[keys.Length];
            NumpyArgSort.ArgSort(keys, order);
            Assert.True(Ints(c["order"]).SequenceEqual(order), $"n = {keys.Length}: [{string.Join(", ", order.Take(40))}…]");
        }
    }

    [Fact]
    public void TheOrderOfEqualObservationsChangesTheAcquisition()
    {
        // With a stable argsort Optuna's g(x) differs (a wider kernel goes to another trial): the fixtures above can
        // tell the two orders apart, so matching them is a real check.
        var changed = Cases().SelectMany(c => List(c["samplings"]).Select(Dict))
            .Count(s => Doubles(s["log_g"]).Zip(Doubles(s["log_g_stable"])).Any(p => Math.Abs(p.First - p.Second) > 1e-6));
        Assert.True(changed >= 5, $"{changed} samplings");
    }

    /// <summary>
    /// Compares an estimator with Optuna's as built with another argsort: weights, means, bounds and rows exactly,
    /// and per numeric dimension the bandwidths of each group of equal means as a multiset.
    /// </summary>
    private static void ComparePermuted(OrderedDictionary<string, object?> expected, ParzenEstimator actual, string where)
    {
        Close(Doubles(expected["weights"]), actual.Weights, $"{where}: weights");
        var dims = List(expected["dims"]).Select(Dict).ToList();
        for (int d = 0; d < dims.Count; d++)
        {
            var e = dims[d];
            if ((string)e["kind"]! == "categorical")
            {
                Close(List(e["rows"]).SelectMany(Doubles).ToArray(), actual.CategoricalRows(d), $"{where}: categorical rows");
                continue;
            }

            var mu = Doubles(e["mu"]);
            Close(mu, actual.Mus(d), $"{where}: means");
            var expectedPairs = mu.Zip(Doubles(e["sigma"])).Order().ToArray();
            var actualPairs = actual.Mus(d).Zip(actual.Sigmas(d)).Order().ToArray();
            Close(expectedPairs.Select(p => p.First).ToArray(), actualPairs.Select(p => p.First).ToArray(), $"{where}: sorted means");
            Close(expectedPairs.Select(p => p.Second).ToArray(), actualPairs.Select(p => p.Second).ToArray(), $"{where}: bandwidths by mean");
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void DrawsFollowOptunasDistribution(string name)
    {
        var data = Case(name);
        var (study, sampler, current) = Replay(data);
        int index = 0;
        foreach (var sampling in List(data["samplings"]).Select(Dict))
        {
            var space = List(sampling["space"]).Select(p => new KeyValuePair<string, Distribution>((string)List(p)[0]!, Distribution.FromJson((string)List(p)[1]!))).ToList();
            var (_, _, l, _) = sampler.Inspect(study, current, space);
            var optunaDraws = List(sampling["draws"]).Select(Doubles).ToArray();
            var mine = l.Sample(new Random(7919 + index), optunaDraws[0].Length);
            for (int d = 0; d < space.Count; d++)
            {
                double statistic = KolmogorovSmirnov(optunaDraws[d], mine.Values[d]);
                double critical = KsCritical(optunaDraws[d].Length, mine.Count, 1e-4);
                Assert.True(statistic < critical, $"{name}, sampling {index}, {space[d].Key}: KS statistic {statistic:F4} ≥ {critical:F4}");
            }

            index++;
        }
    }

    [Fact]
    public void DefaultSamplerFollowsOptuna5ForSingleAndMultiObjectiveStudies()
    {
        // Optuna 5: TPESampler is the default for every study; multivariate=None means joint sampling for one
        // objective and independent sampling for several; constant_liar defaults to True.
        var single = Study.Create();
        var multi = Study.Create(new StudyOptions { Directions = [StudyDirection.Minimize, StudyDirection.Maximize] });
        var space = new Dictionary<string, Distribution> { ["x"] = new FloatDistribution(0, 1), ["y"] = new IntDistribution(0, 3) };
        foreach (var study in new[] { single, multi })
        {
            var tpe = Assert.IsType<TpeSampler>(study.Sampler);
            Assert.Null(tpe.Multivariate);
            Assert.True(tpe.ConstantLiar);
            for (int i = 0; i < 3; i++)
            {
                study.AddTrial(Trials.Create(
                    values: study.IsMultiObjective ? [i, -i] : [i],
                    @params: new Dictionary<string, object?> { ["x"] = i / 4.0, ["y"] = (long)i },
                    distributions: space));
            }

            var trial = study.Ask();
            var relative = tpe.InferRelativeSearchSpace(study, study.Trials[trial.Number]);
            Assert.Equal(study.IsMultiObjective ? [] : ["x", "y"], relative.Keys.Order());
        }
    }

    [Fact]
    public void TheArgMaxOfTheRatioIsTheArgMaxOfLogLMinusLogG()
    {
        // The all-continuous argmax skips kernels and candidates that cannot win: it must pick what the full
        // log l − log g picks, in many dimensions and with many kernels.
        var rng = new Random(11);
        int mismatches = 0, total = 0;
        foreach (int nd in new[] { 1, 2, 6, 8, 12, 20 })
        {
            foreach (int m in new[] { 3, 20, 90, 180 })
            {
                var dims = Enumerable.Range(0, nd).Select(d => TpeDimension.Create("x" + d, d % 3 == 2 ? new FloatDistribution(1e-3, 10, log: true) : new FloatDistribution(-5, 5))).ToArray();
                double[][] Obs(int count) => dims.Select(d => Enumerable.Range(0, count + 1).Select(_ => d.AdaptedLow + ((d.AdaptedHigh - d.AdaptedLow) * Math.Pow(rng.NextDouble(), 2))).ToArray()).ToArray();
                var settings = new ParzenSettings(1.0, true, false);
                var l = new ParzenEstimator(dims, Math.Min(m, 25), Obs(Math.Min(m, 25)), Enumerable.Repeat(1.0, Math.Min(m, 25)).ToArray(), settings);
                var g = new ParzenEstimator(dims, m, Obs(m), TpeSampler.DefaultWeights(m), settings);
                for (int round = 0; round < 20; round++)
                {
                    var candidates = l.Sample(rng, 24);
                    var logL = new double[24];
                    var logG = new double[24];
                    l.LogPdf(candidates, logL);
                    g.LogPdf(candidates, logG);
                    var acq = logL.Zip(logG, (a, b) => a - b).ToArray();
                    total++;
                    if (g.ArgMaxRatio(candidates, logL) != Array.IndexOf(acq, acq.Max()))
                    {
                        mismatches++;
                    }
                }
            }
        }

        Assert.True(mismatches == 0, $"{mismatches} of {total} argmaxes differ");
    }

    [Fact]
    public void TheTwoSampleTestRejectsADifferentDistribution()
    {
        // The test above can fail: a bandwidth 30 % too wide is detected with the same sample sizes.
        var dim = TpeDimension.Create("x", new FloatDistribution(0, 1));
        double[] obs = [0.2, 0.25, 0.3, 0.7];
        var pe = new ParzenEstimator([dim], obs.Length, [obs], [1, 1, 1, 1], new ParzenSettings(1.0, true, false));
        var rng = new Random(3);
        var a = pe.Sample(rng, 1500).Values[0];
        var wide = pe.Sample(rng, 1500).Values[0].Select(v => Math.Clamp(0.5 + (1.3 * (v - 0.5)), 0, 1)).ToArray();
        Assert.True(KolmogorovSmirnov(a, wide) > KsCritical(1500, 1500, 1e-4));
        Assert.True(KolmogorovSmirnov(a, pe.Sample(rng, 1500).Values[0]) < KsCritical(1500, 1500, 1e-4));
    }

    /// <summary>The two-sample Kolmogorov–Smirnov statistic sup |F_a − F_b| (exact for ties).</summary>
    internal static double KolmogorovSmirnov(double[] a, double[] b)
    {
        var x = a.Order().ToArray();
        var y = b.Order().ToArray();
        int i = 0, j = 0;
        double d = 0;
        while (i < x.Length && j < y.Length)
        {
            double v = Math.Min(x[i], y[j]);
            while (i < x.Length && x[i] <= v)
            {
                i++;
            }

            while (j < y.Length && y[j] <= v)
            {
                j++;
            }

            d = Math.Max(d, Math.Abs(((double)i / x.Length) - ((double)j / y.Length)));
        }

        return d;
    }

    /// <summary>The asymptotic critical value c(α) √((n + m) / (n m)), c(α) = √(−ln(α / 2) / 2).</summary>
    internal static double KsCritical(int n, int m, double alpha) =>
        Math.Sqrt(-Math.Log(alpha / 2) / 2) * Math.Sqrt((double)(n + m) / ((double)n * m));
}
