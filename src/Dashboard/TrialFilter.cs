using System.Globalization;
using System.Text.Json;

namespace Sharptune.Dashboard;

/// <summary>
/// The trial table's filters, as the page sends them: a JSON array of
/// <c>{"column": "value:{i}" | "param:{name}", "op": "&lt;" | "&lt;=" | "&gt;" | "&gt;=" | "=" | "!=", "value": number | string}</c>.
/// A trial passes when it passes every filter; a trial without the column's value (no such param, no value yet, or
/// NaN) fails the filter. Numbers compare as numbers; a string operand compares a param's value as text with
/// <c>=</c> and <c>!=</c> only. The page's script applies the same rules to the table (app.js, <c>passes</c>).
/// </summary>
internal sealed class TrialFilter
{
    private static readonly string[] Ops = ["<", "<=", ">", ">=", "=", "!="];

    private readonly List<(string Column, string Op, double? Number, string? Text)> _terms;

    private TrialFilter(List<(string, string, double?, string?)> terms) => _terms = terms;

    /// <summary>Parses the filters.</summary>
    /// <param name="json">The JSON array, or null or empty for no filter.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="FormatException">The text is not a valid filter list (the message says what is wrong).</exception>
    public static TrialFilter Parse(string? json)
    {
        var terms = new List<(string, string, double?, string?)>();
        if (string.IsNullOrWhiteSpace(json))
        {
            return new TrialFilter(terms);
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new FormatException("The filters must be a JSON array: " + e.Message, e);
        }

        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("The filters must be a JSON array of {column, op, value}.");
        }

        foreach (var term in root.EnumerateArray())
        {
            if (term.ValueKind != JsonValueKind.Object ||
                !term.TryGetProperty("column", out var column) || column.ValueKind != JsonValueKind.String ||
                !term.TryGetProperty("op", out var op) || op.ValueKind != JsonValueKind.String ||
                !term.TryGetProperty("value", out var value))
            {
                throw new FormatException("Each filter is {\"column\": \"value:0\" or \"param:<name>\", \"op\": \"<\", \"value\": 1.5}.");
            }

            string c = column.GetString()!;
            string o = op.GetString()!;
            if (!Ops.Contains(o))
            {
                throw new FormatException($"Unknown filter operator '{o}'; use one of {string.Join(" ", Ops)}.");
            }

            if (c.StartsWith("value:", StringComparison.Ordinal))
            {
                if (!int.TryParse(c.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    throw new FormatException($"The filter column '{c}' must name an objective index, as in 'value:0'.");
                }
            }
            else if (!c.StartsWith("param:", StringComparison.Ordinal) || c.Length == 6)
            {
                throw new FormatException($"Unknown filter column '{c}'; use 'value:<objective index>' or 'param:<name>'.");
            }

            switch (value.ValueKind)
            {
                case JsonValueKind.Number:
                    terms.Add((c, o, value.GetDouble(), null));
                    break;
                case JsonValueKind.String when o is "=" or "!=":
                    terms.Add((c, o, null, value.GetString()));
                    break;
                case JsonValueKind.String:
                    throw new FormatException($"The filter '{c} {o}' needs a number; text compares with = and != only.");
                default:
                    throw new FormatException($"The value of the filter on '{c}' must be a number or a string.");
            }
        }

        return new TrialFilter(terms);
    }

    /// <summary>Gets a value indicating whether there is no filter.</summary>
    public bool IsEmpty => _terms.Count == 0;

    /// <summary>Tells whether a trial passes every filter.</summary>
    public bool Passes(FrozenTrial trial)
    {
        foreach (var (column, op, number, text) in _terms)
        {
            object? actual;
            if (column.StartsWith("value:", StringComparison.Ordinal))
            {
                int i = int.Parse(column.AsSpan(6), CultureInfo.InvariantCulture);
                actual = trial.Values is { } values && i < values.Count ? values[i] : null;
            }
            else
            {
                actual = trial.Params.TryGetValue(column[6..], out object? p) ? p : null;
            }

            if (!Compare(actual, op, number, text))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Compare(object? actual, string op, double? number, string? text)
    {
        if (actual is null)
        {
            return false;
        }

        if (text is not null)
        {
            string a = actual switch
            {
                string s => s,
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => actual.ToString() ?? string.Empty,
            };
            return (op == "=") == string.Equals(a, text, StringComparison.Ordinal);
        }

        double x;
        switch (actual)
        {
            case double d:
                x = d;
                break;
            case float f:
                x = f;
                break;
            case int i:
                x = i;
                break;
            case long l:
                x = l;
                break;
            default:
                return op == "!=";
        }

        double y = number!.Value;
        if (double.IsNaN(x))
        {
            return false;
        }

        return op switch
        {
            "<" => x < y,
            "<=" => x <= y,
            ">" => x > y,
            ">=" => x >= y,
            "=" => x == y,
            _ => x != y,
        };
    }
}
