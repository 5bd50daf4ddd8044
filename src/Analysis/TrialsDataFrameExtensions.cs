using System.Globalization;
using Microsoft.Data.Analysis;
using Sharptune.Internal;

namespace Sharptune.Analysis;

/// <summary>A study's trials as a <see cref="DataFrame"/> (Optuna's <c>Study.trials_dataframe</c>).</summary>
public static class TrialsDataFrameExtensions
{
    /// <summary>The separator between the two levels of a column name with <c>multiIndex</c>.</summary>
    public const char LevelSeparator = '.';

    /// <summary>
    /// Builds a DataFrame of the study's trials with the columns of Optuna's <c>trials_dataframe</c> (the same
    /// columns as <see cref="Study.ExportCsv"/>): one row per trial; <c>number</c> (int), <c>value</c> or
    /// <c>values_&lt;i|metric&gt;</c> (double), <c>datetime_start</c>/<c>datetime_complete</c> (local
    /// <see cref="DateTime"/>), <c>duration</c> (<see cref="TimeSpan"/>), <c>params_&lt;name&gt;</c>,
    /// <c>user_attrs_&lt;key&gt;</c>, <c>system_attrs_&lt;key&gt;</c> and <c>state</c> (string). A missing value is
    /// null. A parameter or attribute column is double, long, bool or string when all its values are of that kind
    /// (integers mixed with floats are double), and otherwise the values' text as in the CSV export. A study
    /// without trials gives an empty DataFrame.
    /// </summary>
    /// <param name="study">The study.</param>
    /// <param name="attrs">The trial attributes to include, in column order (<see cref="TrialsTable.KnownAttrs"/>); Optuna's default set when <see langword="null"/>.</param>
    /// <param name="multiIndex">
    /// Name columns by both levels, attribute and key, joined by <see cref="LevelSeparator"/>
    /// (<c>params.x</c>, <c>value</c>) instead of Optuna's flat names (<c>params_x</c>). The attribute never holds
    /// the separator, so a name splits at its first one; <see cref="TrialsColumnGroup"/> selects one attribute's
    /// columns, as <c>df["params"]</c> does in pandas.
    /// </param>
    /// <returns>The DataFrame.</returns>
    /// <exception cref="ArgumentException">An attribute is unknown (<c>'FrozenTrial' object has no attribute '…'</c>).</exception>
    public static DataFrame TrialsDataFrame(this Study study, IReadOnlyList<string>? attrs = null, bool multiIndex = false)
    {
        var table = TrialsTable.Create(study, attrs);
        var columns = new List<DataFrameColumn>(table.Columns.Count);
        foreach (var column in table.Columns)
        {
            string name = multiIndex ? (column.Key.Length == 0 ? column.Attr : column.Attr + LevelSeparator + column.Key) : column.Name;
            columns.Add(ToColumn(name, column));
        }

        return new DataFrame(columns);
    }

    /// <summary>
    /// Selects the columns of one attribute from a DataFrame made with <c>multiIndex: true</c>, named by their
    /// second level (<c>df.TrialsColumnGroup("params")</c> has columns <c>x</c>, <c>y</c>; a plain attribute such as
    /// <c>number</c> gives its one column under its own name).
    /// </summary>
    /// <param name="frame">A DataFrame from <see cref="TrialsDataFrame"/> with <c>multiIndex: true</c>.</param>
    /// <param name="attr">The attribute (first level).</param>
    /// <returns>A new DataFrame with clones of the selected columns.</returns>
    /// <exception cref="KeyNotFoundException">No column belongs to the attribute.</exception>
    public static DataFrame TrialsColumnGroup(this DataFrame frame, string attr)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentException.ThrowIfNullOrEmpty(attr);
        var selected = new List<DataFrameColumn>();
        string prefix = attr + LevelSeparator;
        foreach (var column in frame.Columns)
        {
            if (column.Name == attr || column.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                var clone = column.Clone();
                clone.SetName(column.Name == attr ? attr : column.Name[prefix.Length..]);
                selected.Add(clone);
            }
        }

        return selected.Count > 0
            ? new DataFrame(selected)
            : throw new KeyNotFoundException($"No column of the attribute '{attr}' (is the DataFrame made with multiIndex: true?).");
    }

    private static DataFrameColumn ToColumn(string name, TrialsTableColumn column)
    {
        var values = column.Values;
        ValueKind kind = column.Attr switch
        {
            "number" or "trial_id" => ValueKind.Int32,
            "value" or "values" or "intermediate_values" => ValueKind.Double,
            "datetime_start" or "datetime_complete" => ValueKind.DateTime,
            "duration" => ValueKind.TimeSpan,
            "state" or "distributions" => ValueKind.String,
            _ => Kind(values),
        };
        switch (kind)
        {
            case ValueKind.Int32:
                return new Int32DataFrameColumn(name, values.Select(v => (int?)v));
            case ValueKind.Int64:
                return new Int64DataFrameColumn(name, values.Select(v => v is null ? (long?)null : Convert.ToInt64(v, CultureInfo.InvariantCulture)));
            case ValueKind.Double:
                return new DoubleDataFrameColumn(name, values.Select(v => v is null ? (double?)null : Convert.ToDouble(v, CultureInfo.InvariantCulture)));
            case ValueKind.Boolean:
                return new BooleanDataFrameColumn(name, values.Select(v => (bool?)v));
            case ValueKind.DateTime:
                return new DateTimeDataFrameColumn(name, values.Select(v => (DateTime?)v));
            case ValueKind.TimeSpan:
                return new PrimitiveDataFrameColumn<TimeSpan>(name, values.Select(v => (TimeSpan?)v));
            default:
                return new StringDataFrameColumn(name, values.Select(v => v is null ? null : v as string ?? TrialsCsv.Format(v)));
        }
    }

    private static ValueKind Kind(IReadOnlyList<object?> values)
    {
        ValueKind kind = ValueKind.None;
        foreach (object? v in values)
        {
            ValueKind k = v switch
            {
                null => ValueKind.None,
                int => ValueKind.Int32,
                bool => ValueKind.Boolean,
                double or float or decimal => ValueKind.Double,
                string => ValueKind.String,
                DateTime => ValueKind.DateTime,
                TimeSpan => ValueKind.TimeSpan,
                long or short or sbyte or byte or ushort or uint => ValueKind.Int64,
                _ => ValueKind.Other,
            };
            if (k == ValueKind.None || k == kind)
            {
                continue;
            }

            kind = (kind, k) switch
            {
                (ValueKind.None, _) => k,
                (ValueKind.Int32, ValueKind.Int64) or (ValueKind.Int64, ValueKind.Int32) => ValueKind.Int64,
                (ValueKind.Int32 or ValueKind.Int64, ValueKind.Double) or (ValueKind.Double, ValueKind.Int32 or ValueKind.Int64) => ValueKind.Double,
                _ => ValueKind.Other,
            };
        }

        return kind;
    }

    private enum ValueKind
    {
        None,
        Int32,
        Int64,
        Double,
        Boolean,
        String,
        DateTime,
        TimeSpan,
        Other,
    }
}
