using System.Globalization;
using System.Text;

namespace Sharptune.Internal;

/// <summary>Writes trials as CSV with the columns and value formats of Optuna's <c>trials_dataframe().to_csv(index=False)</c>.</summary>
internal static class TrialsCsv
{
    public static void Write(Study study, TextWriter writer)
    {
        var trials = study.Trials;
        if (trials.Count == 0)
        {
            return;
        }

        var metricNames = study.MetricNames;
        bool multi = study.IsMultiObjective;
        var paramNames = new SortedSet<string>(StringComparer.Ordinal);
        var userNames = new SortedSet<string>(StringComparer.Ordinal);
        var systemNames = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var t in trials)
        {
            paramNames.UnionWith(t.Params.Keys);
            userNames.UnionWith(t.UserAttrs.Keys);
            systemNames.UnionWith(t.SystemAttrs.Keys);
        }

        var header = new List<string> { "number" };
        if (multi)
        {
            for (int i = 0; i < study.Directions.Count; i++)
            {
                header.Add(metricNames is null ? $"values_{i}" : $"values_{metricNames[i]}");
            }
        }
        else
        {
            header.Add(metricNames is null ? "value" : $"value_{metricNames[0]}");
        }

        header.AddRange(["datetime_start", "datetime_complete", "duration"]);
        header.AddRange(paramNames.Select(p => "params_" + p));
        header.AddRange(userNames.Select(p => "user_attrs_" + p));
        header.AddRange(systemNames.Select(p => "system_attrs_" + p));
        header.Add("state");
        writer.Write(string.Join(',', header.Select(Quote)));
        writer.Write('\n');

        var row = new List<string>(header.Count);
        foreach (var t in trials)
        {
            row.Clear();
            row.Add(t.Number.ToString(CultureInfo.InvariantCulture));
            int nValues = multi ? study.Directions.Count : 1;
            for (int i = 0; i < nValues; i++)
            {
                row.Add(t.Values is { } v && i < v.Count ? Format(v[i]) : string.Empty);
            }

            row.Add(FormatDate(t.DatetimeStart));
            row.Add(FormatDate(t.DatetimeComplete));
            row.Add(t.Duration is { } d ? FormatDuration(d) : string.Empty);
            foreach (var p in paramNames)
            {
                row.Add(t.Params.TryGetValue(p, out object? v) ? Format(v) : string.Empty);
            }

            foreach (var p in userNames)
            {
                row.Add(t.UserAttrs.TryGetValue(p, out object? v) ? Format(v) : string.Empty);
            }

            foreach (var p in systemNames)
            {
                row.Add(t.SystemAttrs.TryGetValue(p, out object? v) ? Format(v) : string.Empty);
            }

            row.Add(t.State.ToOptunaName());
            writer.Write(string.Join(',', row.Select(Quote)));
            writer.Write('\n');
        }
    }

    private static string Format(object? value) => value switch
    {
        null => string.Empty,
        double d when double.IsNaN(d) => string.Empty,
        double d => PyFormat.FloatRepr(d),
        bool b => b ? "True" : "False",
        string s => s,
        Enum e => e.ToString(),
        _ when PyFormat.IsInteger(value) => ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture),
        _ => PyFormat.Repr(value),
    };

    private static string FormatDate(DateTime? dt) =>
        dt is { } d ? d.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) : string.Empty;

    private static string FormatDuration(TimeSpan d)
    {
        var sb = new StringBuilder();
        sb.Append(d.Days.ToString(CultureInfo.InvariantCulture)).Append(" days ");
        sb.Append(d.Hours.ToString("00", CultureInfo.InvariantCulture)).Append(':')
          .Append(d.Minutes.ToString("00", CultureInfo.InvariantCulture)).Append(':')
          .Append(d.Seconds.ToString("00", CultureInfo.InvariantCulture));
        long micros = (d.Ticks % TimeSpan.TicksPerSecond) / 10;
        if (micros != 0)
        {
            sb.Append('.').Append(micros.ToString("000000", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
