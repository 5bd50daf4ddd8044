using Spectre.Console;
using Spectre.Console.Rendering;

namespace Sharptune.Cli.Output;

/// <summary>Draws records as a Spectre.Console table: numbers right-aligned (as Optuna's CLI does), missing values blank.</summary>
internal static class Tables
{
    /// <summary>Builds the table of rows under a header.</summary>
    /// <param name="rows">The rows (formatted values).</param>
    /// <param name="header">The column names.</param>
    /// <returns>The table.</returns>
    public static Table Build(IReadOnlyList<List<KeyValuePair<string, object?>>> rows, IReadOnlyList<string> header)
    {
        var table = new Table().Border(TableBorder.Rounded).BorderColor(Color.Grey);
        var cells = rows.Select(row => header.Select(h =>
        {
            int at = row.FindIndex(p => p.Key == h);
            return at >= 0 ? row[at].Value : null;
        }).ToArray()).ToList();
        for (int c = 0; c < header.Count; c++)
        {
            bool numeric = cells.All(r => r[c] is null || PyValues.IsNumber(r[c]));
            var column = new TableColumn(new Text(header[c], new Style(decoration: Decoration.Bold)));
            column = numeric ? column.RightAligned() : column.LeftAligned();
            if (numeric || header[c].StartsWith("datetime_", StringComparison.Ordinal) || header[c] == "state")
            {
                column = column.NoWrap();
            }
            table.AddColumn(column);
        }

        int state = header.ToList().IndexOf("state");
        foreach (var row in cells)
        {
            table.AddRow(row.Select((v, i) => (IRenderable)new Text(Cell(v), i == state ? StateStyle(v as string) : Style.Plain)).ToArray());
        }

        return table;
    }

    /// <summary>The text of a cell: scalars as Python prints them, mappings as <c>key=value, …</c>, sequences as <c>a, b</c>.</summary>
    internal static string Cell(object? value) => Cell(value, nested: false);

    private static string Cell(object? value, bool nested) => value switch
    {
        null => nested ? "None" : string.Empty,
        string s => s,
        IEnumerable<KeyValuePair<string, object?>> pairs => Wrap(string.Join(", ", pairs.Select(p => $"{p.Key}={Cell(p.Value, nested: true)}")), "{", "}", nested),
        System.Collections.IEnumerable items => Wrap(string.Join(", ", items.Cast<object?>().Select(v => Cell(v, nested: true))), "[", "]", nested),
        _ => PyValues.Str(value),
    };

    private static string Wrap(string text, string open, string close, bool nested) => nested ? open + text + close : text;

    private static Style StateStyle(string? state) => state switch
    {
        "COMPLETE" => new Style(Color.Green),
        "PRUNED" => new Style(Color.Yellow),
        "FAIL" => new Style(Color.Red),
        "RUNNING" => new Style(Color.Blue),
        _ => Style.Plain,
    };
}
