namespace Sharptune;

/// <summary>Builds trials outside a study (Optuna's <c>create_trial</c>) for <see cref="Study.AddTrial"/>.</summary>
public static class Trials
{
    /// <summary>Creates a validated trial (number and id -1 until added to a study).</summary>
    /// <param name="state">The state (default COMPLETE).</param>
    /// <param name="value">The single objective value; exclusive with <paramref name="values"/>.</param>
    /// <param name="values">The objective values.</param>
    /// <param name="params">The parameters (external representation).</param>
    /// <param name="distributions">The distribution of each parameter.</param>
    /// <param name="userAttrs">User attributes.</param>
    /// <param name="systemAttrs">System attributes.</param>
    /// <param name="intermediateValues">Intermediate values by step.</param>
    /// <param name="constraints">Constraint values by name (stored as <c>constraints:&lt;name&gt;</c>).</param>
    /// <returns>The trial.</returns>
    /// <exception cref="ArgumentException">Both value and values are given, or the trial breaks Optuna's validation rules.</exception>
    public static FrozenTrial Create(
        TrialState state = TrialState.Complete,
        double? value = null,
        IReadOnlyList<double>? values = null,
        IReadOnlyDictionary<string, object?>? @params = null,
        IReadOnlyDictionary<string, Distribution>? distributions = null,
        IReadOnlyDictionary<string, object?>? userAttrs = null,
        IReadOnlyDictionary<string, object?>? systemAttrs = null,
        IReadOnlyDictionary<int, double>? intermediateValues = null,
        IReadOnlyDictionary<string, double>? constraints = null)
    {
        if (value is not null && values is not null)
        {
            throw new ArgumentException("Specify only one of value and values.", nameof(value));
        }

        if (value is { } v)
        {
            values = [v];
        }

        var sys = systemAttrs is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(systemAttrs);
        if (constraints is not null)
        {
            foreach (var (k, c) in constraints)
            {
                if (double.IsNaN(c))
                {
                    throw new ArgumentException($"Attempted to set a constraint for '{k}', but NaN is not allowed.", nameof(constraints));
                }

                sys["constraints:" + k] = c;
            }
        }

        DateTime? start = state == TrialState.Waiting ? null : DateTime.UtcNow;
        DateTime? complete = state.IsFinished() ? start : null;
        var trial = new FrozenTrial(-1, state, values, start, complete, @params, distributions, userAttrs, sys, intermediateValues, -1);
        trial.Validate();
        return trial;
    }
}
