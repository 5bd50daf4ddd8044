using System.Globalization;
using System.Text;
using Sharptune.Internal;

namespace Sharptune.Samplers.CmaEs;

/// <summary>
/// Writes the CMA-ES state as compact JSON quickly: doubles in .NET's shortest round-trip form (valid JSON that
/// Python's <c>json</c> and <see cref="PyJson.Parse(string)"/> read back exactly), non-finite values as Python's tokens.
/// Python's float repr is not needed here, and computing it dominated the cost of storing a generation.
/// </summary>
internal static class StateJson
{
    public static string Write(IReadOnlyDictionary<string, object?> state)
    {
        var sb = new StringBuilder(2048);
        WriteValue(sb, state);
        return sb.ToString();
    }

    private static void WriteValue(StringBuilder sb, object? value)
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
                PyJson.WriteString(sb, s);
                break;
            case double d:
                WriteDouble(sb, d);
                break;
            case long l:
                sb.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case int i:
                sb.Append(i.ToString(CultureInfo.InvariantCulture));
                break;
            case double[] array:
                sb.Append('[');
                for (int k = 0; k < array.Length; k++)
                {
                    if (k > 0)
                    {
                        sb.Append(',');
                    }

                    WriteDouble(sb, array[k]);
                }

                sb.Append(']');
                break;
            case IReadOnlyDictionary<string, object?> dict:
            {
                sb.Append('{');
                bool first = true;
                foreach (var (key, item) in dict)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    PyJson.WriteString(sb, key);
                    sb.Append(':');
                    WriteValue(sb, item);
                }

                sb.Append('}');
                break;
            }

            default:
                throw new ArgumentException($"Unexpected state value of type {value.GetType().Name}.", nameof(value));
        }
    }

    private static void WriteDouble(StringBuilder sb, double d)
    {
        if (double.IsNaN(d))
        {
            sb.Append("NaN");
        }
        else if (double.IsInfinity(d))
        {
            sb.Append(d > 0 ? "Infinity" : "-Infinity");
        }
        else
        {
            Span<char> buffer = stackalloc char[32];
            d.TryFormat(buffer, out int written, "R", CultureInfo.InvariantCulture);
            sb.Append(buffer[..written]);
        }
    }
}
