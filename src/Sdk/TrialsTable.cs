using Sharptune.Internal;

namespace Sharptune;

/// <summary>
/// A study's trials as columns, with the columns of Optuna's <c>trials_dataframe</c>: one row per trial, one
/// column per attribute — and for a dictionary or list attribute (<c>params</c>, <c>user_attrs</c>,
/// <c>values</c>, …) one column per key, sorted. <see cref="Study.ExportCsv"/> writes this table, and the
/// <c>Sharptune.Analysis</c> package turns it into a <c>Microsoft.Data.Analysis.DataFrame</c>.
/// </summary>
public sealed class TrialsTable
{
    private TrialsTable(IReadOnlyList<TrialsTableColumn> columns, int rowCount)
    {
        Columns = columns;
        RowCount = rowCount;
    }

    /// <summary>Gets Optuna's default attributes: number, value, datetime_start, datetime_complete, duration, params, user_attrs, system_attrs, state.</summary>
    public static IReadOnlyList<string> DefaultAttrs { get; } =
        ["number", "value", "datetime_start", "datetime_complete", "duration", "params", "user_attrs", "system_attrs", "state"];

    /// <summary>Gets the attributes a table can hold (a leading underscore, as in <c>_trial_id</c>, is accepted and dropped).</summary>
    public static IReadOnlyList<string> KnownAttrs { get; } =
        ["number", "trial_id", "value", "values", "datetime_start", "datetime_complete", "duration", "params", "distributions", "user_attrs", "system_attrs", "intermediate_values", "state"];

    /// <summary>Gets the columns, in the order of the attributes asked for.</summary>
    public IReadOnlyList<TrialsTableColumn> Columns { get; }

    /// <summary>Gets the number of rows (trials).</summary>
    public int RowCount { get; }

    /// <summary>
    /// Builds the table of a study's trials. A study without trials gives a table without columns (Optuna's empty
    /// DataFrame). In a multi-objective study <c>value</c> means <c>values</c>.
    /// </summary>
    /// <param name="study">The study.</param>
    /// <param name="attrs">The attributes, in column order; <see cref="DefaultAttrs"/> when <see langword="null"/>.</param>
    /// <returns>The table.</returns>
    /// <exception cref="ArgumentException">An attribute is not one of <see cref="KnownAttrs"/>.</exception>
    public static TrialsTable Create(Study study, IReadOnlyList<string>? attrs = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        attrs ??= DefaultAttrs;
        foreach (string attr in attrs)
        {
            if (!KnownAttrs.Contains(Strip(attr ?? throw new ArgumentException("An attribute name is null.", nameof(attrs)))))
            {
                throw new ArgumentException($"'FrozenTrial' object has no attribute '{attr}'", nameof(attrs));
            }
        }

        var trials = study.Trials;
        if (trials.Count == 0)
        {
            return new TrialsTable([], 0);
        }

        bool multi = study.IsMultiObjective;
        int nObjectives = study.Directions.Count;
        var metricNames = study.MetricNames;
        var columns = new List<TrialsTableColumn>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string raw in attrs)
        {
            string attr = Strip(raw);
            if (multi && attr == "value")
            {
                attr = "values";
            }

            if (!seen.Add(attr))
            {
                continue;
            }

            switch (attr)
            {
                case "number":
                    columns.Add(Column(attr, string.Empty, trials, t => t.Number));
                    break;
                case "trial_id":
                    columns.Add(Column(attr, string.Empty, trials, t => t.TrialId));
                    break;
                case "value":
                    columns.Add(Column(attr, metricNames?[0] ?? string.Empty, trials, t => t.Values is [double v] ? v : null));
                    break;
                case "values":
                    for (int i = 0; i < nObjectives; i++)
                    {
                        int index = i;
                        string key = metricNames is null ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : metricNames[i];
                        columns.Add(Column(attr, key, trials, t => t.Values is { } v && index < v.Count ? v[index] : null));
                    }

                    break;
                case "datetime_start":
                    columns.Add(Column(attr, string.Empty, trials, t => t.DatetimeStart?.ToLocalTime()));
                    break;
                case "datetime_complete":
                    columns.Add(Column(attr, string.Empty, trials, t => t.DatetimeComplete?.ToLocalTime()));
                    break;
                case "duration":
                    columns.Add(Column(attr, string.Empty, trials, t => t.Duration));
                    break;
                case "state":
                    columns.Add(Column(attr, string.Empty, trials, t => t.State.ToOptunaName()));
                    break;
                case "params":
                    AddKeyed(columns, attr, trials, t => t.Params);
                    break;
                case "user_attrs":
                    AddKeyed(columns, attr, trials, t => t.UserAttrs);
                    break;
                case "system_attrs":
                    AddKeyed(columns, attr, trials, t => t.SystemAttrs);
                    break;
                case "distributions":
                    AddKeyed(columns, attr, trials, t => t.Distributions.ToDictionary(p => p.Key, p => (object?)p.Value.ToJson()));
                    break;
                case "intermediate_values":
                    var steps = new SortedSet<int>();
                    foreach (var t in trials)
                    {
                        steps.UnionWith(t.IntermediateValues.Keys);
                    }

                    foreach (int step in steps)
                    {
                        columns.Add(Column(attr, step.ToString(System.Globalization.CultureInfo.InvariantCulture), trials, t => t.IntermediateValues.TryGetValue(step, out double v) ? v : null));
                    }

                    break;
            }
        }

        return new TrialsTable(columns, trials.Count);
    }

    private static string Strip(string attr) => attr.StartsWith('_') ? attr[1..] : attr;

    private static TrialsTableColumn Column(string attr, string key, IReadOnlyList<FrozenTrial> trials, Func<FrozenTrial, object?> value)
    {
        var values = new object?[trials.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = value(trials[i]);
        }

        return new TrialsTableColumn(attr, key, values);
    }

    private static void AddKeyed(List<TrialsTableColumn> columns, string attr, IReadOnlyList<FrozenTrial> trials, Func<FrozenTrial, IReadOnlyDictionary<string, object?>> dict)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        var dicts = new IReadOnlyDictionary<string, object?>[trials.Count];
        for (int i = 0; i < trials.Count; i++)
        {
            dicts[i] = dict(trials[i]);
            keys.UnionWith(dicts[i].Keys);
        }

        foreach (string key in keys)
        {
            var values = new object?[trials.Count];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = dicts[i].TryGetValue(key, out object? v) ? v : null;
            }

            columns.Add(new TrialsTableColumn(attr, key, values));
        }
    }
}

/// <summary>
/// One column of a <see cref="TrialsTable"/>: its two-level name (Optuna's multi-index column) and one value per
/// trial. Values are <see cref="int"/> (number, trial_id), <see cref="double"/> (values, intermediate values),
/// local <see cref="DateTime"/> (datetimes), <see cref="TimeSpan"/> (duration), <see cref="string"/> (state, the
/// distributions' JSON) or the attribute's own values (params and attributes); <see langword="null"/> where a trial
/// has none.
/// </summary>
/// <param name="Attr">The attribute (the first level), e.g. <c>params</c>.</param>
/// <param name="Key">The key within the attribute (the second level), e.g. the parameter name; empty for a plain attribute.</param>
/// <param name="Values">One value per trial, in trial order.</param>
public sealed record TrialsTableColumn(string Attr, string Key, IReadOnlyList<object?> Values)
{
    /// <summary>Gets the flat column name Optuna uses without <c>multi_index</c>: the non-empty levels joined by <c>_</c> (<c>params_x</c>, <c>value</c>, <c>values_0</c>).</summary>
    public string Name => Key.Length == 0 ? Attr : Attr + "_" + Key;
}
