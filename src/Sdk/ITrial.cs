namespace Sharptune;

/// <summary>
/// The define-by-run surface an objective receives (Optuna's <c>BaseTrial</c>): suggest parameters, report
/// intermediate values, ask whether to prune, set attributes and constraints.
/// </summary>
public interface ITrial
{
    /// <summary>Gets the trial number (its index in the study).</summary>
    int Number { get; }

    /// <summary>Gets the parameters suggested so far, in external representation.</summary>
    IReadOnlyDictionary<string, object?> Params { get; }

    /// <summary>Gets the distributions of the parameters suggested so far.</summary>
    IReadOnlyDictionary<string, Distribution> Distributions { get; }

    /// <summary>Gets the user attributes.</summary>
    IReadOnlyDictionary<string, object?> UserAttrs { get; }

    /// <summary>Gets when the trial started (UTC).</summary>
    DateTime? DatetimeStart { get; }

    /// <summary>Suggests a floating-point value in <c>[low, high]</c>.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="low">The lower bound, included.</param>
    /// <param name="high">The upper bound, included.</param>
    /// <param name="step">A discretization step, or <see langword="null"/>.</param>
    /// <param name="log">Whether to sample in log scale (requires <paramref name="low"/> &gt; 0, no step).</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException">The range is invalid (Optuna's messages).</exception>
    double SuggestFloat(string name, double low, double high, double? step = null, bool log = false);

    /// <summary>Suggests an integer in <c>[low, high]</c>.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="low">The lower bound, included.</param>
    /// <param name="high">The upper bound, included.</param>
    /// <param name="step">The step.</param>
    /// <param name="log">Whether to sample in log scale (requires <paramref name="low"/> ≥ 1, step 1).</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException">The range is invalid (Optuna's messages).</exception>
    int SuggestInt(string name, int low, int high, int step = 1, bool log = false);

    /// <summary>Suggests a 64-bit integer in <c>[low, high]</c>.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="low">The lower bound, included.</param>
    /// <param name="high">The upper bound, included.</param>
    /// <param name="step">The step.</param>
    /// <param name="log">Whether to sample in log scale.</param>
    /// <returns>The value.</returns>
    long SuggestLong(string name, long low, long high, long step = 1, bool log = false);

    /// <summary>Suggests one of <paramref name="choices"/> (strings, bools, integers, doubles, enums or null).</summary>
    /// <typeparam name="T">The choice type.</typeparam>
    /// <param name="name">The parameter name.</param>
    /// <param name="choices">The candidates, at least one.</param>
    /// <returns>The chosen value.</returns>
    /// <exception cref="ArgumentException">No choice is given.</exception>
    T SuggestCategorical<T>(string name, IReadOnlyList<T> choices);

    /// <summary>Reports an intermediate objective value at a step (for pruning).</summary>
    /// <param name="value">The value (NaN and infinities allowed).</param>
    /// <param name="step">The step, ≥ 0.</param>
    void Report(double value, int step);

    /// <summary>
    /// Reports one intermediate value per objective at a step (for multi-objective pruning). The default
    /// implementation accepts a single value and forwards it to <see cref="Report(double, int)"/>.
    /// </summary>
    /// <param name="values">One value per objective (NaN and infinities allowed).</param>
    /// <param name="step">The step, ≥ 0.</param>
    /// <exception cref="NotSupportedException">The implementation accepts one value only and got several.</exception>
    void Report(IReadOnlyList<double> values, int step)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != 1)
        {
            throw new NotSupportedException($"{GetType().Name} does not support reporting several intermediate values.");
        }

        Report(values[0], step);
    }

    /// <summary>Asks the study's pruner whether this trial should stop now.</summary>
    /// <returns><see langword="true"/> when the objective should throw <see cref="TrialPrunedException"/>.</returns>
    bool ShouldPrune();

    /// <summary>Sets a user attribute (a JSON-compatible value).</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    void SetUserAttr(string key, object? value);

    /// <summary>Sets a constraint value; the trial is feasible when every constraint is ≤ 0.</summary>
    /// <param name="key">The constraint name.</param>
    /// <param name="value">The value (not NaN).</param>
    void SetConstraint(string key, double value);
}
