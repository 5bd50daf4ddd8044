using Sharptune.Importance;
using Sharptune.Internal;

namespace Sharptune.Tests.Importance;

/// <summary>
/// The Optuna 5 studies and importances of <c>Data/importance_cases.json</c> (made by
/// <c>Data/generate_importance_cases.py</c>), rebuilt as in-memory Sharptune studies.
/// </summary>
internal static class ImportanceCases
{
    private static readonly Lazy<OrderedDictionary<string, object?>> LazyDocument = new(() =>
        (OrderedDictionary<string, object?>)PyJson.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Importance", "Data", "importance_cases.json")))!);

    private static readonly Dictionary<string, Study> Studies = [];

    public static OrderedDictionary<string, object?> StudySpec(string name) =>
        (OrderedDictionary<string, object?>)((OrderedDictionary<string, object?>)LazyDocument.Value["studies"]!)[name]!;

    /// <summary>Every case of one evaluator kind, as (study, case index) rows.</summary>
    public static TheoryData<string, int> CasesOf(string evaluator)
    {
        var data = new TheoryData<string, int>();
        foreach (var (name, spec) in (OrderedDictionary<string, object?>)LazyDocument.Value["studies"]!)
        {
            var cases = (List<object?>)((OrderedDictionary<string, object?>)spec!)["cases"]!;
            for (int i = 0; i < cases.Count; i++)
            {
                if ((string)((OrderedDictionary<string, object?>)cases[i]!)["evaluator"]! == evaluator)
                {
                    data.Add(name, i);
                }
            }
        }

        return data;
    }

    public static OrderedDictionary<string, object?> Case(string study, int index) =>
        (OrderedDictionary<string, object?>)((List<object?>)StudySpec(study)["cases"]!)[index]!;

    /// <summary>The study, rebuilt once: every trial with its state, values and parameters.</summary>
    public static Study Study(string name)
    {
        lock (Studies)
        {
            if (Studies.TryGetValue(name, out var cached))
            {
                return cached;
            }

            var spec = StudySpec(name);
            var directions = ((List<object?>)spec["directions"]!)
                .Select(d => (string)d! == "MINIMIZE" ? StudyDirection.Minimize : StudyDirection.Maximize).ToList();
            var distributions = ((OrderedDictionary<string, object?>)spec["distributions"]!)
                .ToDictionary(p => p.Key, p => Distribution.FromJson((string)p.Value!));
            var study = Sharptune.Study.Create(new StudyOptions { Directions = directions });
            foreach (OrderedDictionary<string, object?> trial in ((List<object?>)spec["trials"]!).Cast<OrderedDictionary<string, object?>>())
            {
                var state = (string)trial["state"]! == "COMPLETE" ? TrialState.Complete : TrialState.Fail;
                var values = (trial["values"] as List<object?>)?.Select(Number).ToList();
                var paramsInternal = (OrderedDictionary<string, object?>)trial["params"]!;
                var used = paramsInternal.Keys.ToDictionary(k => k, k => distributions[k]);
                var external = paramsInternal.ToDictionary(p => p.Key, p => used[p.Key].ToExternalRepr(PyJson.ToDouble(p.Value)));
                study.AddTrial(Trials.Create(state, values: values, @params: external, distributions: used));
            }

            Studies[name] = study;
            return study;
        }
    }

    /// <summary>The target selector a case names.</summary>
    public static Func<FrozenTrial, double>? Target(object? name) => (string?)name switch
    {
        null => null,
        "value0" => t => t.Values![0],
        "value1" => t => t.Values![1],
        "neg_value0" => t => -t.Values![0],
        var other => throw new InvalidOperationException($"Unknown target {other}."),
    };

    public static IReadOnlyList<string>? Params(object? value) => (value as List<object?>)?.Select(p => (string)p!).ToList();

    /// <summary>The evaluator of a case, with Optuna's options (forests seeded with 0, like the script).</summary>
    public static IImportanceEvaluator Evaluator(OrderedDictionary<string, object?> c)
    {
        var options = (OrderedDictionary<string, object?>)c["options"]!;
        double? Double(string key) => options.TryGetValue(key, out object? v) ? PyJson.ToDouble(v) : null;
        return (string)c["evaluator"]! switch
        {
            "ped" => new PedAnovaImportanceEvaluator(
                Double("target_quantile") ?? 0.1,
                Double("region_quantile") ?? 1.0,
                options.TryGetValue("evaluate_on_local", out object? local) ? (bool)local! : true),
            var other => throw new InvalidOperationException($"Unknown evaluator {other}."),
        };
    }

    /// <summary>Optuna's result as ordered (name, importance) pairs.</summary>
    public static List<KeyValuePair<string, double>> Expected(OrderedDictionary<string, object?> c) =>
        ((List<object?>)c["result"]!).Cast<List<object?>>()
            .Select(p => new KeyValuePair<string, double>((string)p[0]!, PyJson.ToDouble(p[1]))).ToList();

    private static double Number(object? value) => value switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" => double.NaN,
        _ => PyJson.ToDouble(value),
    };
}
