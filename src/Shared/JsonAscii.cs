using System.Globalization;
using System.Text;

namespace Sharptune.Internal;

/// <summary>
/// JSON string literals as CPython's <c>json.dumps</c> writes them with <c>ensure_ascii=True</c>. This file is
/// compiled into each package that writes them (the core's <c>PyJson</c>, the plots' hover text), so none of them
/// exposes it.
/// </summary>
internal static class JsonAscii
{
    /// <summary>Appends a JSON string literal with <c>ensure_ascii=True</c> escaping.</summary>
    /// <param name="sb">The destination.</param>
    /// <param name="s">The string.</param>
    public static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
