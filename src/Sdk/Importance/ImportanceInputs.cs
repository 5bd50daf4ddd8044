using System.Collections.ObjectModel;
using Sharptune.Internal;
using Sharptune.Samplers;

namespace Sharptune.Importance;

/// <summary>The trial and parameter selection the evaluators share, with Optuna's rules and messages.</summary>
internal static class ImportanceInputs
{
    /// <summary>Optuna's message when a forest evaluator gets a multi-objective study without a target.</summary>
    public const string MultiObjectiveTargetMessage =
        "If the study is multi-objective, please specify target. For example, use target: t => t.Values![0] for the first objective value.";

    /// <summary>The COMPLETE trials of a study, ordered by number.</summary>
    public static IReadOnlyList<FrozenTrial> CompleteTrials(Study study) => study.GetTrials([TrialState.Complete]);

    /// <summary>Checks the parameter names (none may be null) and copies them.</summary>
    public static string[]? CheckNames(IReadOnlyList<string>? parameters)
    {
        if (parameters is null)
        {
            return null;
        }

        var names = new string[parameters.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = parameters[i] ?? throw new ArgumentException(
                $"Parameters must be specified by their names with strings. Actual parameters: {PyFormat.Repr(parameters)}.", nameof(parameters));
        }

        return names;
    }

    /// <summary>
    /// The search space the forest evaluators assess (Optuna's <c>_get_distributions</c>): with no names, the
    /// intersection search space of the COMPLETE trials; with names, their distributions in the COMPLETE trials
    /// holding all of them, which must agree. Sorted by name.
    /// </summary>
    public static IReadOnlyDictionary<string, Distribution> SharedDistributions(IReadOnlyList<FrozenTrial> complete, string[]? names)
    {
        if (names is null)
        {
            return IntersectionSearchSpace.Of(complete);
        }

        var result = new SortedDictionary<string, Distribution>(StringComparer.Ordinal);
        if (names.Length == 0)
        {
            return result;
        }

        bool found = false;
        foreach (var trial in complete)
        {
            if (!HasAll(trial, names))
            {
                continue;
            }

            if (!found)
            {
                found = true;
                foreach (string name in names)
                {
                    result[name] = trial.Distributions[name];
                }

                continue;
            }

            foreach (var (name, distribution) in result)
            {
                if (trial.Distributions[name] != distribution)
                {
                    throw new ArgumentException(
                        $"Parameters importances cannot be assessed with dynamic search spaces if parameters are specified. Specified parameters: {PyFormat.Repr(names)}.",
                        "parameters");
                }
            }
        }

        if (!found)
        {
            throw new ArgumentException(
                $"Study must contain completed trials with all specified parameters. Specified parameters: {PyFormat.Repr(names)}.",
                "parameters");
        }

        return result;
    }

    /// <summary>Whether a trial holds every named parameter.</summary>
    public static bool HasAll(FrozenTrial trial, IEnumerable<string> names)
    {
        foreach (string name in names)
        {
            if (!trial.Distributions.ContainsKey(name))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The value a trial is assessed by: the target, or the single objective value.</summary>
    public static double TargetOf(FrozenTrial trial, Func<FrozenTrial, double>? target) =>
        target is not null ? target(trial) : trial.Values![0];

    /// <summary>
    /// Orders importances like Optuna's <c>_sort_dict_by_importance</c>: a stable ascending sort, reversed (equal
    /// importances come out in reverse input order).
    /// </summary>
    public static IReadOnlyDictionary<string, double> SortDescending(IReadOnlyList<KeyValuePair<string, double>> importances)
    {
        var order = new int[importances.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            int c = importances[a].Value.CompareTo(importances[b].Value);
            return c != 0 ? c : a.CompareTo(b);
        });
        var result = new OrderedDictionary<string, double>(order.Length, StringComparer.Ordinal);
        for (int i = order.Length - 1; i >= 0; i--)
        {
            result.Add(importances[order[i]].Key, importances[order[i]].Value);
        }

        return new ReadOnlyDictionary<string, double>(result);
    }

    /// <summary>Zero importances in the given order (Optuna returns these unsorted when there is too little data).</summary>
    public static IReadOnlyDictionary<string, double> Zeros(IEnumerable<string> names)
    {
        var result = new OrderedDictionary<string, double>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            result.TryAdd(name, 0.0);
        }

        return new ReadOnlyDictionary<string, double>(result);
    }
}
