using System.Globalization;
using System.Text;
using Sharptune.Internal;

namespace Sharptune.Visualization.Plots;

/// <summary>Checks and helpers shared by the plots (Optuna's <c>visualization._utils</c>).</summary>
internal static class PlotSupport
{
    public const string DefaultTargetName = "Objective Value";

    public static void CheckPlotArgs(IEnumerable<Study> studies, Func<FrozenTrial, double>? target)
    {
        if (target is null && studies.Any(s => s.IsMultiObjective))
        {
            throw new ArgumentException("If the study is multi-objective, please specify target.", nameof(target));
        }
    }

    public static double TargetOrValue(FrozenTrial trial, Func<FrozenTrial, double>? target) =>
        target is null ? trial.Values is { Count: > 0 } v ? v[0] : double.NaN : target(trial);

    /// <summary>Keeps the trials whose target value is finite.</summary>
    public static List<FrozenTrial> FilterNonfinite(IEnumerable<FrozenTrial> trials, Func<FrozenTrial, double>? target) =>
        trials.Where(t => double.IsFinite(TargetOrValue(t, target))).ToList();

    public static bool Feasible(FrozenTrial trial)
    {
        foreach (double c in trial.Constraints.Values)
        {
            if (!(c <= 0.0))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsLogScale(IReadOnlyList<FrozenTrial> trials, string param)
    {
        foreach (var t in trials)
        {
            if (t.Distributions.TryGetValue(param, out var d))
            {
                return d is FloatDistribution { Log: true } or IntDistribution { Log: true };
            }
        }

        return false;
    }

    public static bool IsNumerical(IReadOnlyList<FrozenTrial> trials, string param)
    {
        foreach (var t in trials)
        {
            if (t.Distributions.TryGetValue(param, out var d))
            {
                return d is not CategoricalDistribution c || c.Choices.All(IsNumber);
            }
        }

        return true;
    }

    public static bool IsNumber(object? v) => v is double or float or int or long or short or byte or decimal;

    public static double ToDouble(object? v) => v switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        short s => s,
        byte b => b,
        decimal m => (double)m,
        bool b => b ? 1 : 0,
        _ => double.NaN,
    };

    /// <summary>Python's <c>str()</c> of a parameter value.</summary>
    public static string PyStr(object? v) => v switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        string s => s,
        double d => PyFloat(d),
        float f => PyFloat(f),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? string.Empty,
    };

    /// <summary>Python's <c>repr()</c> of a parameter value (strings quoted).</summary>
    public static string PyRepr(object? v) => v is string s ? (s.Contains('\'') && !s.Contains('"') ? $"\"{s}\"" : $"'{s.Replace("'", "\\'", StringComparison.Ordinal)}'") : PyStr(v);

    public static string PyFloat(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        string r = d.ToString(CultureInfo.InvariantCulture);
        if (r.Contains('E'))
        {
            // Python writes 1e-05 and 1e+16.
            int e = r.IndexOf('E');
            string mantissa = r[..e];
            int exp = int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
            return $"{mantissa}e{(exp < 0 ? "-" : "+")}{Math.Abs(exp):00}";
        }

        return r.Contains('.') ? r : r + ".0";
    }

    /// <summary>Optuna's hover text: the trial's number, values, parameters and user attributes as indented JSON, lines joined by &lt;br&gt;.</summary>
    public static string HoverText(FrozenTrial trial)
    {
        var fields = new List<KeyValuePair<string, object?>>
        {
            new("number", (long)trial.Number),
            new("values", trial.Values?.Select(v => (object?)v).ToList()),
            new("params", trial.Params.ToList()),
        };
        if (trial.UserAttrs.Count > 0)
        {
            fields.Add(new("user_attrs", trial.UserAttrs.ToList()));
        }

        var sb = new StringBuilder();
        WriteJson(sb, fields, 0);
        return sb.ToString();
    }

    /// <summary>Writes a value as Python's <c>json.dumps(indent=2)</c> does, with "&lt;br&gt;" for line breaks.</summary>
    private static void WriteJson(StringBuilder sb, object? value, int depth)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case string s:
                JsonAscii.WriteString(sb, s);
                break;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : PyFloat(d));
                break;
            case float f:
                WriteJson(sb, (double)f, depth);
                break;
            case long or int or short or byte:
                sb.Append(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture));
                break;
            case IEnumerable<KeyValuePair<string, object?>> dict:
                var items = dict.ToList();
                if (items.Count == 0)
                {
                    sb.Append("{}");
                    break;
                }

                sb.Append('{');
                for (int i = 0; i < items.Count; i++)
                {
                    sb.Append(i == 0 ? "<br>" : ",<br>").Append(' ', 2 * (depth + 1));
                    JsonAscii.WriteString(sb, items[i].Key);
                    sb.Append(": ");
                    WriteJson(sb, items[i].Value, depth + 1);
                }

                sb.Append("<br>").Append(' ', 2 * depth).Append('}');
                break;
            case System.Collections.IEnumerable list:
                var elements = list.Cast<object?>().ToList();
                if (elements.Count == 0)
                {
                    sb.Append("[]");
                    break;
                }

                sb.Append('[');
                for (int i = 0; i < elements.Count; i++)
                {
                    sb.Append(i == 0 ? "<br>" : ",<br>").Append(' ', 2 * (depth + 1));
                    WriteJson(sb, elements[i], depth + 1);
                }

                sb.Append("<br>").Append(' ', 2 * depth).Append(']');
                break;
            case IFormattable f:
                sb.Append(f.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                JsonAscii.WriteString(sb, value.ToString() ?? string.Empty);
                break;
        }
    }

    /// <summary>
    /// Chooses at most <paramref name="max"/> of <paramref name="count"/> indices, evenly spread, always including
    /// <paramref name="keep"/>; the result is sorted. Returns null when every index fits.
    /// </summary>
    public static int[]? Decimate(int count, int max, IEnumerable<int>? keep = null)
    {
        if (count <= max)
        {
            return null;
        }

        var chosen = new HashSet<int>(keep ?? []);
        int room = max - chosen.Count;
        if (room > 0)
        {
            // Spread the remaining room evenly over the indices not kept already.
            var others = chosen.Count == 0 ? null : Enumerable.Range(0, count).Where(i => !chosen.Contains(i)).ToArray();
            int available = others?.Length ?? count;
            double stride = (double)available / room;
            for (int k = 0; k < room && k < available; k++)
            {
                int j = (int)(k * stride);
                chosen.Add(others is null ? j : others[j]);
            }
        }

        var result = chosen.ToArray();
        Array.Sort(result);
        return result;
    }

    /// <summary>The points one panel of a figure of <paramref name="panels"/> panels may draw: 1.5 times the figure's budget shared, at least 500.</summary>
    public static int PanelBudget(int maxPoints, int panels) => panels <= 1 ? maxPoints : Math.Min(maxPoints, Math.Max(500, 3 * maxPoints / (2 * panels)));

    public static string SampleNote(int shown, int total, string what = "trials") =>
        string.Create(CultureInfo.InvariantCulture, $"{shown:N0} of {total:N0} {what} drawn (evenly spaced sample)");
}
