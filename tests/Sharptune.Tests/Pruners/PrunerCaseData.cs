using Sharptune.Internal;
using Sharptune.Pruners;

namespace Sharptune.Tests.Pruners;

/// <summary>The Optuna-generated data of <c>Data/pruner_cases.json</c> (made by <c>Data/generate_pruner_cases.py</c>).</summary>
internal static class PrunerCaseData
{
    private static readonly Lazy<OrderedDictionary<string, object?>> LazyDocument = new(() =>
        (OrderedDictionary<string, object?>)PyJson.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Pruners", "Data", "pruner_cases.json")))!);

    public static OrderedDictionary<string, object?> Document => LazyDocument.Value;

    public static IEnumerable<OrderedDictionary<string, object?>> Section(string name) =>
        ((List<object?>)Document[name]!).Cast<OrderedDictionary<string, object?>>();

    public static OrderedDictionary<string, object?> Case(string name) =>
        Section("cases").Single(c => (string)c["name"]! == name);

    /// <summary>Builds the pruner of a specification as the Python script builds Optuna's.</summary>
    public static IPruner CreatePruner(OrderedDictionary<string, object?> spec)
    {
        var args = spec.TryGetValue("args", out object? a) && a is OrderedDictionary<string, object?> d ? d : [];
        int? Int(string key) => args.TryGetValue(key, out object? v) && v is not null ? checked((int)(long)v) : null;
        double? Double(string key) => args.TryGetValue(key, out object? v) && v is not null ? PyJson.ToDouble(v) : null;
        return (string)spec["type"]! switch
        {
            "median" => new MedianPruner(Int("n_startup_trials") ?? 5, Int("n_warmup_steps") ?? 0, Int("interval_steps") ?? 1, Int("n_min_trials") ?? 1),
            "percentile" => new PercentilePruner(Double("percentile")!.Value, Int("n_startup_trials") ?? 5, Int("n_warmup_steps") ?? 0, Int("interval_steps") ?? 1, Int("n_min_trials") ?? 1),
            "successive_halving" => new SuccessiveHalvingPruner(Int("min_resource"), Int("reduction_factor") ?? 4, Int("min_early_stopping_rate") ?? 0, Int("bootstrap_count") ?? 0),
            "hyperband" => new HyperbandPruner(Int("min_resource") ?? 1, Int("max_resource"), Int("reduction_factor") ?? 3, Int("bootstrap_count") ?? 0),
            "threshold" => new ThresholdPruner(Double("lower"), Double("upper"), Int("n_warmup_steps") ?? 0, Int("interval_steps") ?? 1),
            "patient" => new PatientPruner(
                args["wrapped_pruner"] is OrderedDictionary<string, object?> wrapped ? CreatePruner(wrapped) : null,
                Int("patience")!.Value,
                Double("min_delta") ?? 0.0),
            "wilcoxon" => new WilcoxonPruner(Double("p_threshold") ?? 0.1, Int("n_startup_steps") ?? 2),
            "nop" => new NopPruner(),
            var other => throw new InvalidOperationException($"Unknown pruner type {other}."),
        };
    }

    public static TrialState ParseState(string name) => name switch
    {
        "COMPLETE" => TrialState.Complete,
        "PRUNED" => TrialState.Pruned,
        "FAIL" => TrialState.Fail,
        "RUNNING" => TrialState.Running,
        "WAITING" => TrialState.Waiting,
        _ => throw new InvalidOperationException(name),
    };
}
