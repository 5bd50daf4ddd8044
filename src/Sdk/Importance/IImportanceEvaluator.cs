namespace Sharptune.Importance;

/// <summary>
/// An algorithm that assesses how much each parameter of a study mattered (Optuna's
/// <c>BaseImportanceEvaluator</c>). Implement it to plug your own method into <see cref="Importance.Get"/>.
/// </summary>
public interface IImportanceEvaluator
{
    /// <summary>Evaluates the unnormalized importances of parameters from the COMPLETE trials of a study.</summary>
    /// <param name="study">The study.</param>
    /// <param name="parameters">
    /// The names of the parameters to assess, or <see langword="null"/> for the evaluator's default set (the
    /// parameters present in all COMPLETE trials; PED-ANOVA takes every parameter that appears in one).
    /// </param>
    /// <param name="target">
    /// The value to explain for each trial, or <see langword="null"/> for the objective value (required for
    /// multi-objective studies, except by PED-ANOVA).
    /// </param>
    /// <returns>Non-negative importances by parameter name, enumerated in descending order of importance.</returns>
    IReadOnlyDictionary<string, double> Evaluate(Study study, IReadOnlyList<string>? parameters = null,
        Func<FrozenTrial, double>? target = null);
}
