using System.Collections;
using System.Globalization;
using System.Text;

namespace Sharptune.Internal;

/// <summary>
/// Formats values the way CPython does (<c>repr</c> of floats and containers, <c>json.dumps</c>), so that
/// Sharptune writes byte-identical JSON and log messages to Optuna's.
/// </summary>
internal static class PyFormat
{
    /// <summary>Returns CPython's <c>repr(float(value))</c>: the shortest round-trip digits, exponent form outside [1e-4, 1e16).</summary>
    public static string FloatRepr(double value)
    {
        var sb = new StringBuilder(24);
        AppendFloatRepr(sb, value);
        return sb.ToString();
    }

    /// <summary>Appends CPython's <c>repr</c> of a float (<c>nan</c>, <c>inf</c> for non-finite values).</summary>
    public static void AppendFloatRepr(StringBuilder sb, double value)
    {
        if (double.IsNaN(value))
        {
            sb.Append("nan");
            return;
        }

        if (double.IsInfinity(value))
        {
            sb.Append(value > 0 ? "inf" : "-inf");
            return;
        }

        if (value == 0)
        {
            sb.Append(double.IsNegative(value) ? "-0.0" : "0.0");
            return;
        }

        Span<char> buffer = stackalloc char[40];
        value.TryFormat(buffer, out int written, "R", CultureInfo.InvariantCulture);
        ReadOnlySpan<char> r = buffer[..written];

        bool negative = r[0] == '-';
        if (negative)
        {
            r = r[1..];
        }

        int exponent = 0;
        int ePos = r.IndexOfAny('E', 'e');
        ReadOnlySpan<char> mantissa = r;
        if (ePos >= 0)
        {
            exponent = int.Parse(r[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = r[..ePos];
        }

        // Collect the significant digits and the decimal point position (value = 0.d1d2... * 10^decpt).
        Span<char> digits = stackalloc char[32];
        int nDigits = 0;
        int pointPos = -1;
        for (int i = 0; i < mantissa.Length; i++)
        {
            char c = mantissa[i];
            if (c == '.')
            {
                pointPos = nDigits;
            }
            else
            {
                digits[nDigits++] = c;
            }
        }

        if (pointPos < 0)
        {
            pointPos = nDigits;
        }

        // Strip leading zeros (e.g. "0.0001").
        int start = 0;
        while (start < nDigits - 1 && digits[start] == '0')
        {
            start++;
            pointPos--;
        }

        // Strip trailing zeros (e.g. "1000").
        int end = nDigits;
        while (end > start + 1 && digits[end - 1] == '0')
        {
            end--;
        }

        ReadOnlySpan<char> d = digits[start..end];
        int decpt = pointPos + exponent;

        if (negative)
        {
            sb.Append('-');
        }

        if (decpt <= -4 || decpt > 16)
        {
            sb.Append(d[0]);
            if (d.Length > 1)
            {
                sb.Append('.').Append(d[1..]);
            }

            int e = decpt - 1;
            sb.Append('e').Append(e < 0 ? '-' : '+');
            int ae = Math.Abs(e);
            if (ae < 10)
            {
                sb.Append('0');
            }

            sb.Append(ae.ToString(CultureInfo.InvariantCulture));
        }
        else if (decpt <= 0)
        {
            sb.Append("0.").Append('0', -decpt).Append(d);
        }
        else if (decpt >= d.Length)
        {
            sb.Append(d).Append('0', decpt - d.Length).Append(".0");
        }
        else
        {
            sb.Append(d[..decpt]).Append('.').Append(d[decpt..]);
        }
    }

    /// <summary>Returns CPython's <c>repr</c> of a value: strings quoted, floats as <see cref="FloatRepr"/>, containers recursively.</summary>
    public static string Repr(object? value)
    {
        var sb = new StringBuilder();
        AppendRepr(sb, value);
        return sb.ToString();
    }

    /// <summary>Appends CPython's <c>repr</c> of a value.</summary>
    public static void AppendRepr(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("None");
                return;
            case bool b:
                sb.Append(b ? "True" : "False");
                return;
            case string s:
                AppendStringRepr(sb, s);
                return;
            case double dv:
                AppendFloatRepr(sb, dv);
                return;
            case float fv:
                AppendFloatRepr(sb, fv);
                return;
            case decimal m:
                AppendFloatRepr(sb, (double)m);
                return;
            case Enum e:
                AppendStringRepr(sb, e.ToString());
                return;
            case IFormattable f when IsInteger(value):
                sb.Append(f.ToString(null, CultureInfo.InvariantCulture));
                return;
            case IDictionary dict:
            {
                sb.Append('{');
                bool first = true;
                foreach (DictionaryEntry entry in dict)
                {
                    if (!first)
                    {
                        sb.Append(", ");
                    }

                    first = false;
                    AppendRepr(sb, entry.Key);
                    sb.Append(": ");
                    AppendRepr(sb, entry.Value);
                }

                sb.Append('}');
                return;
            }

            case IEnumerable<KeyValuePair<string, object?>> pairs:
            {
                sb.Append('{');
                bool first = true;
                foreach (var entry in pairs)
                {
                    if (!first)
                    {
                        sb.Append(", ");
                    }

                    first = false;
                    AppendStringRepr(sb, entry.Key);
                    sb.Append(": ");
                    AppendRepr(sb, entry.Value);
                }

                sb.Append('}');
                return;
            }

            case IEnumerable list:
            {
                sb.Append('[');
                bool first = true;
                foreach (object? item in list)
                {
                    if (!first)
                    {
                        sb.Append(", ");
                    }

                    first = false;
                    AppendRepr(sb, item);
                }

                sb.Append(']');
                return;
            }

            default:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                return;
        }
    }

    private static void AppendStringRepr(StringBuilder sb, string s)
    {
        char quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        sb.Append(quote);
        foreach (char c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote)
                    {
                        sb.Append('\\').Append(c);
                    }
                    else if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append(quote);
    }

    internal static bool IsInteger(object value) => value is int or long or short or sbyte or byte or ushort or uint or ulong or System.Numerics.BigInteger;
}
