using System.Text;
using Sharptune.Internal;

namespace Sharptune.Cli.Output;

/// <summary>A column of Optuna's two-level trial records: <c>("params", "x")</c>, <c>("values", 0)</c> or <c>("number", "")</c>.</summary>
/// <param name="Name">The first level.</param>
/// <param name="Sub">The second level: an empty string, a name, or an index (boxed <see cref="int"/>).</param>
internal readonly record struct Column(string Name, object Sub)
{
    /// <summary>Whether the column has no second level.</summary>
    public bool IsPlain => Sub is string { Length: 0 };

    /// <summary>Creates a column without a second level.</summary>
    public static Column Plain(string name) => new(name, string.Empty);

    /// <summary>Orders columns as Python sorts tuples of strings (or of integers).</summary>
    public static int Compare(Column a, Column b)
    {
        int c = string.CompareOrdinal(a.Name, b.Name);
        if (c != 0)
        {
            return c;
        }

        return (a.Sub, b.Sub) switch
        {
            (int x, int y) => x.CompareTo(y),
            (string x, string y) => string.CompareOrdinal(x, y),
            (int, _) => -1,
            _ => 1,
        };
    }
}

/// <summary>Output format of a listing command.</summary>
internal enum OutputFormat
{
    /// <summary>Spectre.Console table.</summary>
    Table,

    /// <summary>Space-separated values, one record a line.</summary>
    Value,

    /// <summary>Python's <c>json.dumps</c>.</summary>
    Json,

    /// <summary>PyYAML's <c>safe_dump</c>.</summary>
    Yaml,
}

/// <summary>Trial records with the columns of Optuna's <c>trials_dataframe</c>, and Optuna's CLI output formats.</summary>
internal static class Records
{
    /// <summary>The trial attributes the <c>trials</c>, <c>best-trial</c> and <c>best-trials</c> commands show.</summary>
    public static readonly string[] TrialAttrs = ["number", "value", "datetime_start", "datetime_complete", "duration", "params", "user_attrs", "state"];

    /// <summary>Builds the records of a study's trials (Optuna's <c>_create_records_and_aggregate_column</c>).</summary>
    /// <param name="study">The study.</param>
    /// <param name="trials">The trials.</param>
    /// <returns>One record per trial, and the columns in order.</returns>
    public static (List<Dictionary<Column, object?>> Records, List<Column> Columns) FromTrials(Study study, IReadOnlyList<FrozenTrial> trials)
    {
        bool multi = study.IsMultiObjective;
        var metricNames = study.MetricNames;
        int nObjectives = study.Directions.Count;
        var agg = new Dictionary<string, HashSet<Column>>();
        void Add(string attr, Column column)
        {
            if (!agg.TryGetValue(attr, out var set))
            {
                agg[attr] = set = [];
            }

            set.Add(column);
        }

        var records = new List<Dictionary<Column, object?>>(trials.Count);
        foreach (var t in trials)
        {
            var record = new Dictionary<Column, object?>();
            record[Column.Plain("number")] = t.Number;
            Add("number", Column.Plain("number"));
            if (multi)
            {
                for (int i = 0; i < nObjectives; i++)
                {
                    var column = metricNames is null ? new Column("values", i) : new Column("values", metricNames[i]);
                    record[column] = t.Values is { } v ? v[i] : null;
                    Add("values", column);
                }
            }
            else
            {
                var column = metricNames is null ? Column.Plain("value") : new Column("value", metricNames[0]);
                record[column] = t.Values is { } v ? v[0] : null;
                Add("value", column);
            }

            record[Column.Plain("datetime_start")] = t.DatetimeStart;
            Add("datetime_start", Column.Plain("datetime_start"));
            record[Column.Plain("datetime_complete")] = t.DatetimeComplete;
            Add("datetime_complete", Column.Plain("datetime_complete"));
            record[Column.Plain("duration")] = t.Duration;
            Add("duration", Column.Plain("duration"));
            foreach (var (name, value) in t.Params)
            {
                record[new Column("params", name)] = value;
                Add("params", new Column("params", name));
            }

            foreach (var (name, value) in t.UserAttrs)
            {
                record[new Column("user_attrs", name)] = value;
                Add("user_attrs", new Column("user_attrs", name));
            }

            record[Column.Plain("state")] = t.State.ToOptunaName();
            Add("state", Column.Plain("state"));
            records.Add(record);
        }

        var columns = new List<Column>();
        foreach (string attr in TrialAttrs)
        {
            string key = attr == "value" && multi ? "values" : attr;
            if (!agg.TryGetValue(key, out var set))
            {
                continue;
            }

            if (key == "values" && metricNames is not null)
            {
                columns.AddRange(metricNames.Select(n => new Column("values", n)));
            }
            else
            {
                var sorted = set.ToList();
                sorted.Sort(Column.Compare);
                columns.AddRange(sorted);
            }
        }

        return (records, columns);
    }

    /// <summary>Optuna's <c>_convert_to_dict</c>: nests (or flattens) two-level records into mappings and a header.</summary>
    public static (List<List<KeyValuePair<string, object?>>> Rows, List<string> Header) ToRows(
        IReadOnlyList<Dictionary<Column, object?>> records, IReadOnlyList<Column> columns, bool flatten)
    {
        var header = new List<string>();
        var rows = new List<List<KeyValuePair<string, object?>>>();
        if (flatten)
        {
            bool IsListColumn(Column c) => records.Any(r => r.TryGetValue(c, out object? v) && v is PyTuple or IReadOnlyList<object?>);
            foreach (var column in columns)
            {
                if (!column.IsPlain)
                {
                    header.Add($"{column.Name}_{column.Sub}");
                }
                else if (IsListColumn(column))
                {
                    int max = records.Max(r => r.TryGetValue(column, out object? v) && v is IEnumerable<object?> e ? e.Count() : 0);
                    for (int i = 0; i < max; i++)
                    {
                        header.Add($"{column.Name}_{i}");
                    }
                }
                else
                {
                    header.Add(column.Name);
                }
            }

            foreach (var record in records)
            {
                var row = new List<KeyValuePair<string, object?>>();
                foreach (var column in columns)
                {
                    if (!record.TryGetValue(column, out object? raw))
                    {
                        continue;
                    }

                    object? value = PyValues.Format(raw);
                    if (!column.IsPlain)
                    {
                        Set(row, $"{column.Name}_{column.Sub}", value);
                    }
                    else if (IsListColumn(column))
                    {
                        int i = 0;
                        foreach (object? v in (IEnumerable<object?>)value!)
                        {
                            Set(row, $"{column.Name}_{i++}", v);
                        }
                    }
                    else
                    {
                        Set(row, column.Name, value);
                    }
                }

                rows.Add(row);
            }
        }
        else
        {
            foreach (var column in columns)
            {
                if (!header.Contains(column.Name))
                {
                    header.Add(column.Name);
                }
            }

            foreach (var record in records)
            {
                var attrs = header.Select(h => new KeyValuePair<string, object?>(h, new List<KeyValuePair<string, object?>>())).ToList();
                foreach (var column in columns)
                {
                    if (!record.TryGetValue(column, out object? raw))
                    {
                        continue;
                    }

                    object? value = PyValues.Format(raw);
                    int at = attrs.FindIndex(a => a.Key == column.Name);
                    if (column.Sub is int index)
                    {
                        if (attrs[at].Value is not List<object?> list)
                        {
                            list = [];
                            attrs[at] = new(column.Name, list);
                        }

                        while (list.Count < index + 1)
                        {
                            list.Add(null);
                        }

                        list[index] = value;
                    }
                    else if (!column.IsPlain)
                    {
                        ((List<KeyValuePair<string, object?>>)attrs[at].Value!).Add(new((string)column.Sub, value));
                    }
                    else
                    {
                        attrs[at] = new(column.Name, value);
                    }
                }

                rows.Add(attrs);
            }
        }

        return (rows, header);
    }

    private static void Set(List<KeyValuePair<string, object?>> row, string key, object? value)
    {
        int at = row.FindIndex(p => p.Key == key);
        if (at >= 0)
        {
            row[at] = new(key, value);
        }
        else
        {
            row.Add(new(key, value));
        }
    }

    /// <summary>Optuna's <c>_format_output</c> for the formats scripts parse; <see cref="OutputFormat.Table"/> is drawn by <see cref="Tables"/>.</summary>
    /// <param name="rows">The rows.</param>
    /// <param name="header">The header.</param>
    /// <param name="format">The format (not <see cref="OutputFormat.Table"/>).</param>
    /// <param name="single">Whether the output is one record rather than a list (<c>best-trial</c>, <c>ask</c>).</param>
    /// <returns>The text, without a final line break.</returns>
    public static string Format(List<List<KeyValuePair<string, object?>>> rows, List<string> header, OutputFormat format, bool single)
    {
        switch (format)
        {
            case OutputFormat.Value:
            {
                var lines = rows.Select(row => string.Join(' ', header.Select(h =>
                {
                    int at = row.FindIndex(p => p.Key == h);
                    return at >= 0 && row[at].Value is { } v ? PyValues.Str(v) : string.Empty;
                })));
                return string.Join('\n', lines).Trim(PythonWhitespace);
            }

            case OutputFormat.Json:
            {
                var sb = new StringBuilder();
                PyJson.Write(sb, single ? rows[0] : rows, compact: false);
                return sb.ToString();
            }

            case OutputFormat.Yaml:
                return PyYaml.Dump(single ? rows[0] : rows).Trim(PythonWhitespace);
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "The table format is drawn by Tables.");
        }
    }

    /// <summary>The characters Python's <c>str.strip()</c> removes (ASCII and Unicode whitespace).</summary>
    private static readonly char[] PythonWhitespace =
        [' ', '\t', '\n', '\r', '\v', '\f', '\x1c', '\x1d', '\x1e', '\x1f', '\x85', '\xa0', '\u1680', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000'];
}
