using System.Collections.ObjectModel;

namespace Sharptune.Importance;

/// <summary>
/// Parameter importances of a study (Optuna's <c>optuna.importance.get_param_importances</c>): which parameters
/// mattered for the objective, by PED-ANOVA (the default), fANOVA or mean decrease impurity.
/// </summary>
public static class Importance
{
    /// <summary>
    /// Evaluates the importance of parameters from the COMPLETE trials of a study. Importances are
    /// non-negative; higher means more important.
    /// </summary>
    /// <param name="study">The study.</param>
    /// <param name="evaluator">The algorithm; <see langword="null"/> for <see cref="PedAnovaImportanceEvaluator"/> with its defaults.</param>
    /// <param name="parameters">
    /// The names of the parameters to assess, or <see langword="null"/>: PED-ANOVA then assesses every parameter that
    /// appears in a COMPLETE trial (conditional ones included), the other evaluators the parameters present in all
    /// of them. An empty list gives an empty result.
    /// </param>
    /// <param name="target">
    /// The value to explain for each trial, or <see langword="null"/> for the objective value. Multi-objective
    /// studies need it except with PED-ANOVA, which then explains reaching the Pareto front. PED-ANOVA treats lower
    /// target values as better: negate a value that is maximized.
    /// </param>
    /// <param name="normalize">Scale the importances to sum to 1 (each gets 1/n when all are 0).</param>
    /// <returns>Importances by parameter name, enumerated in descending order of importance.</returns>
    /// <exception cref="ArgumentException">
    /// A named parameter is not in the study's COMPLETE trials, or a multi-objective study is given no target by an
    /// evaluator that needs one.
    /// </exception>
    public static IReadOnlyDictionary<string, double> Get(Study study, IImportanceEvaluator? evaluator = null,
        IReadOnlyList<string>? parameters = null, Func<FrozenTrial, double>? target = null, bool normalize = true)
    {
        ArgumentNullException.ThrowIfNull(study);
        evaluator ??= new PedAnovaImportanceEvaluator();
        var raw = evaluator.Evaluate(study, parameters, target)
            ?? throw new InvalidOperationException($"{evaluator.GetType().Name}.Evaluate returned null.");
        if (!normalize)
        {
            return raw;
        }

        double sum = 0;
        foreach (var (_, value) in raw)
        {
            sum += value;
        }

        var result = new OrderedDictionary<string, double>(raw.Count, StringComparer.Ordinal);
        foreach (var (name, value) in raw)
        {
            result.Add(name, sum == 0 ? 1.0 / raw.Count : value / sum);
        }

        return new ReadOnlyDictionary<string, double>(result);
    }
}
