using System.Globalization;
using System.Text;

namespace Sharptune.Internal;

/// <summary>Writes trials as CSV with the columns and value formats of Optuna's <c>trials_dataframe().to_csv(index=False)</c>.</summary>
internal static class TrialsCsv
{
    public static void Write(Study study, TextWriter writer)
    {
        var table = TrialsTable.Create(study);
        if (table.RowCount == 0)
        {
            return;
        }

        writer.Write(string.Join(',', table.Columns.Select(c => Quote(c.Name))));
        writer.Write('\n');
        var row = new List<string>(table.Columns.Count);
        for (int r = 0; r < table.RowCount; r++)
        {
            row.Clear();
            foreach (var column in table.Columns)
            {
                row.Add(Format(column.Values[r]));
            }

            writer.Write(string.Join(',', row.Select(Quote)));
            writer.Write('\n');
        }
    }

    /// <summary>Formats a table value as pandas' <c>to_csv</c> writes it.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string Format(object? value) => value switch
    {
        null => string.Empty,
        DateTime dt => dt.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        TimeSpan ts => FormatDuration(ts),
        double d when double.IsNaN(d) => string.Empty,
        double d => PyFormat.FloatRepr(d),
        bool b => b ? "True" : "False",
        string s => s,
        Enum e => e.ToString(),
        _ when PyFormat.IsInteger(value) => ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture),
        _ => PyFormat.Repr(value),
    };

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
