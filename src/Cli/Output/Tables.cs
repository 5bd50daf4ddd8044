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
            table.AddColumn(column);
        }

        foreach (var row in cells)
        {
            table.AddRow(row.Select(v => (IRenderable)new Text(v is null ? string.Empty : PyValues.Str(v))).ToArray());
        }

        return table;
    }
}
