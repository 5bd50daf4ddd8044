using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sharptune.Visualization.Plots;

/// <summary>Checks and helpers shared by the plots (Optuna's <c>visualization._utils</c>).</summary>
internal static class PlotSupport
{
    public const string DefaultTargetName = "Objective Value";

    public static void CheckPlotArgs(IEnumerable<Study> studies, Func<FrozenTrial, double>? target)
    {
        if (target is null && studies.Any(s => s.IsMultiObjective))
        {
            throw new ArgumentException("If the `study` is being used for multi-objective optimization, please specify the `target`.", nameof(target));
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

        string r = d.ToString("R", CultureInfo.InvariantCulture);
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
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("number", trial.Number);
            if (trial.Values is null)
            {
                w.WriteNull("values");
            }
            else
            {
                w.WriteStartArray("values");
                foreach (double v in trial.Values)
                {
                    WriteValue(w, v);
                }

                w.WriteEndArray();
            }

            w.WriteStartObject("params");
            foreach (var (k, v) in trial.Params)
            {
                w.WritePropertyName(k);
                WriteValue(w, v);
            }

            w.WriteEndObject();
            if (trial.UserAttrs.Count > 0)
            {
                w.WriteStartObject("user_attrs");
                foreach (var (k, v) in trial.UserAttrs)
                {
                    w.WritePropertyName(k);
                    WriteValue(w, v);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "<br>", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal);
    }

    private static void WriteValue(Utf8JsonWriter w, object? v)
    {
        switch (v)
        {
            case null:
                w.WriteNullValue();
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case double d when !double.IsFinite(d):
                w.WriteRawValue(double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity", skipInputValidation: true);
                break;
            case double d:
                w.WriteNumberValue(d);
                break;
            case long l:
                w.WriteNumberValue(l);
                break;
            case int i:
                w.WriteNumberValue(i);
                break;
            case IFormattable f:
                w.WriteStringValue(f.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                w.WriteStringValue(v.ToString());
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
        int room = Math.Max(0, max - chosen.Count);
        if (room > 0)
        {
            double stride = (double)count / room;
            for (int k = 0; k < room; k++)
            {
                chosen.Add((int)(k * stride));
            }
        }

        var result = chosen.ToArray();
        Array.Sort(result);
        return result;
    }

    public static string SampleNote(int shown, int total, string what = "trials") =>
        string.Create(CultureInfo.InvariantCulture, $"{shown:N0} of {total:N0} {what} drawn (evenly spaced sample)");
}
