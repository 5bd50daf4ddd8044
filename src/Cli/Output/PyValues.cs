using System.Collections;
using System.Globalization;
using System.Text;
using Sharptune.Internal;

namespace Sharptune.Cli.Output;

/// <summary>A Python tuple: printed as <c>('a',)</c> by <c>str</c>, as a list by JSON and YAML.</summary>
/// <param name="Items">The items.</param>
internal sealed record PyTuple(IReadOnlyList<object?> Items) : IEnumerable<object?>
{
    /// <inheritdoc/>
    public IEnumerator<object?> GetEnumerator() => Items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Python's <c>str</c> and the value formats of Optuna's CLI (<c>_format_value</c>).</summary>
internal static class PyValues
{
    /// <summary>Optuna's <c>_DATETIME_FORMAT</c>.</summary>
    public static string FormatDate(DateTime utc) =>
        utc.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Python's <c>str(timedelta)</c>: <c>H:MM:SS[.ffffff]</c>, preceded by <c>N day(s), </c>.</summary>
    public static string FormatTimedelta(TimeSpan d)
    {
        long ticks = d.Ticks;
        long micros = ticks / 10;
        long days = (long)Math.Floor(micros / 86_400_000_000.0);
        long rest = micros - (days * 86_400_000_000);
        long seconds = rest / 1_000_000;
        long us = rest % 1_000_000;
        var sb = new StringBuilder();
        if (days != 0)
        {
            sb.Append(days.ToString(CultureInfo.InvariantCulture)).Append(Math.Abs(days) == 1 ? " day, " : " days, ");
        }

        sb.Append((seconds / 3600).ToString(CultureInfo.InvariantCulture)).Append(':')
          .Append((seconds / 60 % 60).ToString("00", CultureInfo.InvariantCulture)).Append(':')
          .Append((seconds % 60).ToString("00", CultureInfo.InvariantCulture));
        if (us != 0)
        {
            sb.Append('.').Append(us.ToString("000000", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>Optuna's <c>_format_value</c>: numbers and null stay, dates become text, containers recurse, the rest becomes <c>str</c>.</summary>
    public static object? Format(object? value) => value switch
    {
        null or bool or double or float => value,
        DateTime dt => FormatDate(dt),
        TimeSpan ts => FormatTimedelta(ts),
        string s => s,
        PyTuple t => new PyTuple(t.Items.Select(Format).ToList()),
        IDictionary dict => FormatDictionary(dict),
        IEnumerable<KeyValuePair<string, object?>> pairs => pairs.Select(p => new KeyValuePair<string, object?>(p.Key, Format(p.Value))).ToList(),
        IEnumerable list => list.Cast<object?>().Select(Format).ToList(),
        _ when PyFormat.IsInteger(value) => value,
        _ => Str(value),
    };

    private static List<KeyValuePair<string, object?>> FormatDictionary(IDictionary dict)
    {
        var result = new List<KeyValuePair<string, object?>>();
        foreach (DictionaryEntry entry in dict)
        {
            result.Add(new(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty, Format(entry.Value)));
        }

        return result;
    }

    /// <summary>Python's <c>str</c> of a formatted value (strings as they are, containers as <c>repr</c>).</summary>
    public static string Str(object? value) => value switch
    {
        string s => s,
        _ => Repr(value),
    };

    /// <summary>Python's <c>repr</c>, with tuples.</summary>
    public static string Repr(object? value)
    {
        if (value is PyTuple t)
        {
            var sb = new StringBuilder("(");
            for (int i = 0; i < t.Items.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(", ");
                }

                sb.Append(Repr(t.Items[i]));
            }

            return sb.Append(t.Items.Count == 1 ? ",)" : ")").ToString();
        }

        return PyFormat.Repr(value);
    }

    /// <summary>Whether Python would see a number (<c>int</c>, <c>float</c> or <c>bool</c>).</summary>
    public static bool IsNumber(object? value) => value is double or float or bool || (value is not null && PyFormat.IsInteger(value));
}
