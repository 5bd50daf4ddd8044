using System.Collections;
using System.Globalization;
using System.Text;

namespace Sharptune.Internal;

/// <summary>
/// JSON in CPython's dialect: <c>json.dumps</c> output (separators, <c>ensure_ascii</c>, float repr, <c>NaN</c> and
/// <c>Infinity</c> tokens) and a parser that accepts those tokens. Parsed values are <see langword="null"/>,
/// <see cref="bool"/>, <see cref="long"/>, <see cref="double"/>, <see cref="string"/>, <see cref="List{T}"/> of
/// <see cref="object"/> and <see cref="OrderedDictionary{TKey, TValue}"/> of string to object.
/// </summary>
internal static class PyJson
{
    /// <summary>Serializes like Python's <c>json.dumps(value)</c> (separators <c>", "</c> and <c>": "</c>).</summary>
    /// <param name="value">A JSON-compatible value: null, bool, integer, floating-point, string, enum (as its name), list or string-keyed dictionary.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(object? value) => Serialize(value, compact: false);

    /// <summary>Serializes like Python's <c>json.dumps</c>, compact (<c>separators=(",", ":")</c>) or default.</summary>
    /// <param name="value">A JSON-compatible value.</param>
    /// <param name="compact">Whether to use the compact separators.</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(object? value, bool compact)
    {
        var sb = new StringBuilder();
        Write(sb, value, compact);
        return sb.ToString();
    }

    /// <summary>
    /// The deepest nesting of lists and dictionaries that Sharptune writes or reads (a scalar is at depth 0,
    /// <c>[]</c> at depth 1). CPython's recursion limit keeps Optuna's own values shallower than this, and the limit
    /// keeps a hostile value from exhausting the stack of the process that writes or reads it.
    /// </summary>
    public const int MaxDepth = 1000;

    /// <summary>Appends the JSON text of <paramref name="value"/> to <paramref name="sb"/>.</summary>
    /// <param name="sb">The destination.</param>
    /// <param name="value">A JSON-compatible value.</param>
    /// <param name="compact">Whether to use the compact separators.</param>
    /// <exception cref="ArgumentException">The value is not JSON serializable, contains itself (a circular
    /// reference), or nests lists and dictionaries deeper than <see cref="MaxDepth"/>.</exception>
    public static void Write(StringBuilder sb, object? value, bool compact)
    {
        ArgumentNullException.ThrowIfNull(sb);
        List<object>? path = null;
        Write(sb, value, compact, ref path);
    }

    /// <summary>
    /// Checks that a value can be stored as an attribute without serializing it: no list or dictionary contains
    /// itself and none is nested deeper than <see cref="MaxDepth"/>. Values that are not containers are not checked.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentException">The value contains itself or is nested too deeply.</exception>
    internal static void CheckNesting(object? value)
    {
        if (value is string or null || value is not IEnumerable)
        {
            return;
        }

        List<object>? path = null;
        Check(value, ref path);

        static void Check(object? value, ref List<object>? path)
        {
            if (value is string or null || value is not IEnumerable)
            {
                return;
            }

            Enter(value, ref path);
            if (value is IDictionary dict)
            {
                foreach (DictionaryEntry entry in dict)
                {
                    Check(entry.Value, ref path);
                }
            }
            else if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var entry in pairs)
                {
                    Check(entry.Value, ref path);
                }
            }
            else
            {
                foreach (object? item in (IEnumerable)value)
                {
                    Check(item, ref path);
                }
            }

            path!.RemoveAt(path.Count - 1);
        }
    }

    /// <summary>Pushes a container on the path of containers being written, rejecting a cycle or too deep a nesting.</summary>
    private static void Enter(object container, ref List<object>? path)
    {
        path ??= new List<object>(4);
        foreach (object outer in path)
        {
            if (ReferenceEquals(outer, container))
            {
                throw new ArgumentException(
                    $"Circular reference detected: a {ContainerKind(container)} contains itself, so it cannot be stored as JSON.", "value");
            }
        }

        if (path.Count >= MaxDepth)
        {
            throw new ArgumentException(
                $"The value nests lists and dictionaries deeper than {MaxDepth} levels, the limit for stored JSON values.", "value");
        }

        path.Add(container);
    }

    private static string ContainerKind(object container) =>
        container is IDictionary or IEnumerable<KeyValuePair<string, object?>> ? "dictionary" : "list";

    private static void Write(StringBuilder sb, object? value, bool compact, ref List<object>? path)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                return;
            case bool b:
                sb.Append(b ? "true" : "false");
                return;
            case string s:
                WriteString(sb, s);
                return;
            case double d:
                WriteFloat(sb, d);
                return;
            case float f:
                WriteFloat(sb, f);
                return;
            case decimal m:
                WriteFloat(sb, (double)m);
                return;
            case Enum e:
                WriteString(sb, e.ToString());
                return;
            case IFormattable fmt when PyFormat.IsInteger(value):
                sb.Append(fmt.ToString(null, CultureInfo.InvariantCulture));
                return;
            case IDictionary dict:
            {
                Enter(dict, ref path);
                sb.Append('{');
                bool first = true;
                foreach (DictionaryEntry entry in dict)
                {
                    if (!first)
                    {
                        sb.Append(compact ? "," : ", ");
                    }

                    first = false;
                    WriteString(sb, KeyToString(entry.Key));
                    sb.Append(compact ? ":" : ": ");
                    Write(sb, entry.Value, compact, ref path);
                }

                sb.Append('}');
                path!.RemoveAt(path.Count - 1);
                return;
            }

            case IEnumerable<KeyValuePair<string, object?>> pairs:
            {
                Enter(pairs, ref path);
                sb.Append('{');
                bool first = true;
                foreach (var entry in pairs)
                {
                    if (!first)
                    {
                        sb.Append(compact ? "," : ", ");
                    }

                    first = false;
                    WriteString(sb, entry.Key);
                    sb.Append(compact ? ":" : ": ");
                    Write(sb, entry.Value, compact, ref path);
                }

                sb.Append('}');
                path!.RemoveAt(path.Count - 1);
                return;
            }

            case IEnumerable list:
            {
                Enter(list, ref path);
                sb.Append('[');
                bool first = true;
                foreach (object? item in list)
                {
                    if (!first)
                    {
                        sb.Append(compact ? "," : ", ");
                    }

                    first = false;
                    Write(sb, item, compact, ref path);
                }

                sb.Append(']');
                path!.RemoveAt(path.Count - 1);
                return;
            }

            default:
                throw new ArgumentException(
                    $"Object of type {value.GetType().Name} is not JSON serializable.", nameof(value));
        }
    }

    private static string KeyToString(object key) => key switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        double d => PyFormat.FloatRepr(d),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => key.ToString() ?? string.Empty,
    };

    /// <summary>Appends a float as Python's json module does (<c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c> tokens).</summary>
    /// <param name="sb">The destination.</param>
    /// <param name="d">The value.</param>
    public static void WriteFloat(StringBuilder sb, double d)
    {
        if (double.IsNaN(d))
        {
            sb.Append("NaN");
        }
        else if (double.IsPositiveInfinity(d))
        {
            sb.Append("Infinity");
        }
        else if (double.IsNegativeInfinity(d))
        {
            sb.Append("-Infinity");
        }
        else
        {
            PyFormat.AppendFloatRepr(sb, d);
        }
    }

    /// <summary>Appends a JSON string literal with <c>ensure_ascii=True</c> escaping.</summary>
    /// <param name="sb">The destination.</param>
    /// <param name="s">The string.</param>
    public static void WriteString(StringBuilder sb, string s) => JsonAscii.WriteString(sb, s);

    /// <summary>Parses JSON text, accepting Python's <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> tokens.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The parsed value.</returns>
    /// <exception cref="FormatException">The text is not valid JSON, or it nests lists and objects deeper than
    /// <see cref="MaxDepth"/> levels.</exception>
    public static object? Parse(string json) => Parse(json, MaxDepth);

    /// <summary>Parses JSON text whose lists and objects nest at most <paramref name="maxDepth"/> levels.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="maxDepth">The deepest nesting accepted (a journal record wraps an attribute value in two objects).</param>
    /// <returns>The parsed value.</returns>
    /// <exception cref="FormatException">The text is not valid JSON; <see cref="JsonNestingException"/> when it is nested too deeply.</exception>
    internal static object? Parse(string json, int maxDepth)
    {
        ArgumentNullException.ThrowIfNull(json);
        var parser = new Parser(json, maxDepth);
        parser.SkipWhitespace();
        object? result = parser.ParseValue();
        parser.SkipWhitespace();
        if (parser.Position != json.Length)
        {
            throw new FormatException($"Extra data at position {parser.Position} in JSON text.");
        }

        return result;
    }

    /// <summary>Converts a parsed JSON number (or a CLR number) to <see cref="double"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The value as a double.</returns>
    internal static double ToDouble(object? value) => value switch
    {
        double d => d,
        long l => l,
        int i => i,
        float f => f,
        decimal m => (double)m,
        bool b => b ? 1 : 0,
        IConvertible c => c.ToDouble(CultureInfo.InvariantCulture),
        _ => throw new FormatException($"Expected a number but got {PyFormat.Repr(value)}."),
    };

    private sealed class Parser(string text, int maxDepth)
    {
        public int Position;
        private int _depth;

        public void SkipWhitespace()
        {
            while (Position < text.Length && text[Position] is ' ' or '\t' or '\n' or '\r')
            {
                Position++;
            }
        }

        public object? ParseValue()
        {
            if (Position >= text.Length)
            {
                throw Error("Expecting value");
            }

            char c = text[Position];
            switch (c)
            {
                case '{': return ParseObject();
                case '[': return ParseArray();
                case '"': return ParseString();
                case 't': Expect("true"); return true;
                case 'f': Expect("false"); return false;
                case 'n': Expect("null"); return null;
                case 'N': Expect("NaN"); return double.NaN;
                case 'I': Expect("Infinity"); return double.PositiveInfinity;
                default:
                    if (c == '-' && Position + 1 < text.Length && text[Position + 1] == 'I')
                    {
                        Position++;
                        Expect("Infinity");
                        return double.NegativeInfinity;
                    }

                    if (c == '-' || (c >= '0' && c <= '9'))
                    {
                        return ParseNumber();
                    }

                    throw Error("Expecting value");
            }
        }

        private void Expect(string token)
        {
            if (string.CompareOrdinal(text, Position, token, 0, token.Length) != 0)
            {
                throw Error("Expecting value");
            }

            Position += token.Length;
        }

        private object ParseNumber()
        {
            // JSON's number grammar, as Python's json reads it: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
            int start = Position;
            bool isFloat = false;
            if (text[Position] == '-')
            {
                Position++;
            }

            if (Position < text.Length && text[Position] == '0')
            {
                Position++;
            }
            else if (SkipDigits() == 0)
            {
                Position = start;
                throw Error("Expecting value");
            }

            if (Position + 1 < text.Length && text[Position] == '.' && char.IsAsciiDigit(text[Position + 1]))
            {
                isFloat = true;
                Position++;
                SkipDigits();
            }

            if (Position < text.Length && text[Position] is 'e' or 'E')
            {
                int mark = Position;
                Position++;
                if (Position < text.Length && text[Position] is '+' or '-')
                {
                    Position++;
                }

                if (SkipDigits() == 0)
                {
                    Position = mark;
                }
                else
                {
                    isFloat = true;
                }
            }

            ReadOnlySpan<char> span = text.AsSpan(start, Position - start);
            if (!isFloat && long.TryParse(span, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
            {
                return l;
            }

            if (double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
            {
                return d;
            }

            Position = start;
            throw Error("Invalid number");
        }

        private int SkipDigits()
        {
            int start = Position;
            while (Position < text.Length && char.IsAsciiDigit(text[Position]))
            {
                Position++;
            }

            return Position - start;
        }

        private string ParseString()
        {
            Position++; // opening quote
            StringBuilder? sb = null;
            int runStart = Position;
            while (true)
            {
                // Jump to the next quote or backslash (a vectorized scan: records carry long escaped JSON strings).
                int next = text.AsSpan(Position).IndexOfAny('"', '\\');
                if (next < 0)
                {
                    Position = text.Length;
                    throw Error("Unterminated string");
                }

                Position += next;
                char c = text[Position];
                if (c == '"')
                {
                    string result = sb is null
                        ? text.Substring(runStart, Position - runStart)
                        : sb.Append(text, runStart, Position - runStart).ToString();
                    Position++;
                    return result;
                }

                if (c == '\\')
                {
                    sb ??= new StringBuilder();
                    sb.Append(text, runStart, Position - runStart);
                    Position++;
                    if (Position >= text.Length)
                    {
                        throw Error("Unterminated string");
                    }

                    char e = text[Position++];
                    switch (e)
                    {
                        case '"': sb.Append('"'); break;
                        case '\\': sb.Append('\\'); break;
                        case '/': sb.Append('/'); break;
                        case 'b': sb.Append('\b'); break;
                        case 'f': sb.Append('\f'); break;
                        case 'n': sb.Append('\n'); break;
                        case 'r': sb.Append('\r'); break;
                        case 't': sb.Append('\t'); break;
                        case 'u':
                            if (Position + 4 > text.Length || !IsHex4(text.AsSpan(Position, 4)) ||
                                !int.TryParse(text.AsSpan(Position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                            {
                                throw Error("Invalid \\uXXXX escape");
                            }

                            sb.Append((char)code);
                            Position += 4;
                            break;
                        default:
                            throw Error("Invalid \\escape");
                    }

                    runStart = Position;
                    continue;
                }
            }
        }

        private void Enter()
        {
            if (++_depth > maxDepth)
            {
                throw JsonNestingException.At(text, Position, maxDepth);
            }
        }

        private static bool IsHex4(ReadOnlySpan<char> span) =>
            char.IsAsciiHexDigit(span[0]) && char.IsAsciiHexDigit(span[1]) && char.IsAsciiHexDigit(span[2]) && char.IsAsciiHexDigit(span[3]);

        private List<object?> ParseArray()
        {
            Enter();
            Position++;
            var list = new List<object?>();
            SkipWhitespace();
            if (Position < text.Length && text[Position] == ']')
            {
                Position++;
                _depth--;
                return list;
            }

            while (true)
            {
                SkipWhitespace();
                list.Add(ParseValue());
                SkipWhitespace();
                if (Position >= text.Length)
                {
                    throw Error("Expecting ',' delimiter");
                }

                char c = text[Position++];
                if (c == ']')
                {
                    _depth--;
                    return list;
                }

                if (c != ',')
                {
                    Position--;
                    throw Error("Expecting ',' delimiter");
                }
            }
        }

        private OrderedDictionary<string, object?> ParseObject()
        {
            Enter();
            Position++;
            var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
            SkipWhitespace();
            if (Position < text.Length && text[Position] == '}')
            {
                Position++;
                _depth--;
                return dict;
            }

            while (true)
            {
                SkipWhitespace();
                if (Position >= text.Length || text[Position] != '"')
                {
                    throw Error("Expecting property name enclosed in double quotes");
                }

                string key = ParseString();
                SkipWhitespace();
                if (Position >= text.Length || text[Position] != ':')
                {
                    throw Error("Expecting ':' delimiter");
                }

                Position++;
                SkipWhitespace();
                dict[key] = ParseValue();
                SkipWhitespace();
                if (Position >= text.Length)
                {
                    throw Error("Expecting ',' delimiter");
                }

                char c = text[Position++];
                if (c == '}')
                {
                    _depth--;
                    return dict;
                }

                if (c != ',')
                {
                    Position--;
                    throw Error("Expecting ',' delimiter");
                }
            }
        }

        private FormatException Error(string what) => new($"{what}: line 1 column {Position + 1} (char {Position}).");
    }
}
