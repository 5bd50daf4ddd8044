using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Sharptune.Internal;

namespace Sharptune.Cli.Output;

/// <summary>
/// Writes YAML the way PyYAML's <c>yaml.safe_dump</c> does with its defaults (block style, keys sorted, indent 2,
/// sequences in mappings not indented, ASCII only, lines folded after column 80), for the values the CLI prints:
/// null, booleans, integers, floats, strings, lists and string-keyed mappings.
/// </summary>
internal static partial class PyYaml
{
    private const int BestWidth = 80;
    private const int BestIndent = 2;

    /// <summary>Returns the YAML document of a value, ending with a line break.</summary>
    /// <param name="value">A mapping or a sequence.</param>
    /// <returns>The text <c>yaml.safe_dump(value)</c> returns.</returns>
    public static string Dump(object? value)
    {
        var e = new Emitter();
        e.Document(value);
        return e.ToString();
    }

    /// <summary>Tests whether PyYAML reads a plain scalar as something other than a string (bool, int, float, null, timestamp, merge, value).</summary>
    /// <param name="text">The scalar text.</param>
    /// <returns><see langword="true"/> when the text must be quoted to stay a string.</returns>
    internal static bool ResolvesToNonString(string text) =>
        text.Length == 0 || BoolRegex().IsMatch(text) || FloatRegex().IsMatch(text) || IntRegex().IsMatch(text)
        || NullRegex().IsMatch(text) || TimestampRegex().IsMatch(text) || text is "<<" or "=" or "!" or "&" or "*";

    [GeneratedRegex(@"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")]
    private static partial Regex BoolRegex();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex FloatRegex();

    [GeneratedRegex(@"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$")]
    private static partial Regex IntRegex();

    [GeneratedRegex(@"^(?:~|null|Null|NULL)$")]
    private static partial Regex NullRegex();

    [GeneratedRegex(@"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$")]
    private static partial Regex TimestampRegex();

    /// <summary>The text of a non-string scalar (PyYAML's SafeRepresenter).</summary>
    private static string? ScalarText(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        double d => FloatText(d),
        float f => FloatText(f),
        _ when PyFormat.IsInteger(value) => ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture),
        _ => null,
    };

    private static string FloatText(double d)
    {
        if (double.IsNaN(d))
        {
            return ".nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? ".inf" : "-.inf";
        }

        string text = PyFormat.FloatRepr(d).ToLowerInvariant();
        if (!text.Contains('.', StringComparison.Ordinal) && text.Contains('e', StringComparison.Ordinal))
        {
            int e = text.IndexOf('e', StringComparison.Ordinal);
            text = string.Concat(text.AsSpan(0, e), ".0", text.AsSpan(e));
        }

        return text;
    }

    private static bool IsMapping(object? value) => value is IDictionary or IEnumerable<KeyValuePair<string, object?>>;

    private static bool IsSequence(object? value) => value is IEnumerable and not string && !IsMapping(value);

    private static List<KeyValuePair<string, object?>> SortedEntries(object value)
    {
        var entries = new List<KeyValuePair<string, object?>>();
        if (value is IDictionary dict)
        {
            foreach (DictionaryEntry entry in dict)
            {
                entries.Add(new(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty, entry.Value));
            }
        }
        else
        {
            entries.AddRange((IEnumerable<KeyValuePair<string, object?>>)value);
        }

        entries.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return entries;
    }

    private static List<object?> Items(object value) => ((IEnumerable)value).Cast<object?>().ToList();

    /// <summary>What PyYAML's <c>analyze_scalar</c> finds in a string.</summary>
    private readonly record struct Analysis(bool Empty, bool Multiline, bool AllowBlockPlain, bool AllowSingleQuoted);

    private static bool IsSpaceOrBreak(char c) => c is '\0' or ' ' or '\t' or '\r' or '\n' or '\u0085' or '\u2028' or '\u2029';

    private static bool IsBreak(char c) => c is '\n' or '\u0085' or '\u2028' or '\u2029';

    private static Analysis Analyze(string s)
    {
        if (s.Length == 0)
        {
            return new Analysis(true, false, true, true);
        }

        bool blockIndicators = false, lineBreaks = false, special = false;
        bool leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false, breakSpace = false, spaceBreak = false;
        if (s.StartsWith("---", StringComparison.Ordinal) || s.StartsWith("...", StringComparison.Ordinal))
        {
            blockIndicators = true;
        }

        bool precededByWhitespace = true;
        bool followedByWhitespace = s.Length == 1 || IsSpaceOrBreak(s[1]);
        bool previousSpace = false, previousBreak = false;
        for (int i = 0; i < s.Length; i++)
        {
            char ch = s[i];
            if (i == 0)
            {
                if ("#,[]{}&*!|>'\"%@`".Contains(ch, StringComparison.Ordinal))
                {
                    blockIndicators = true;
                }

                if (ch is '?' or ':' && followedByWhitespace)
                {
                    blockIndicators = true;
                }

                if (ch == '-' && followedByWhitespace)
                {
                    blockIndicators = true;
                }
            }
            else
            {
                if (ch == ':' && followedByWhitespace)
                {
                    blockIndicators = true;
                }

                if (ch == '#' && precededByWhitespace)
                {
                    blockIndicators = true;
                }
            }

            if (IsBreak(ch))
            {
                lineBreaks = true;
            }

            if (!(ch == '\n' || (ch >= '\x20' && ch <= '\x7E')))
            {
                // safe_dump escapes every non-ASCII character (allow_unicode=False).
                special = true;
            }

            if (ch == ' ')
            {
                leadingSpace |= i == 0;
                trailingSpace |= i == s.Length - 1;
                breakSpace |= previousBreak;
                previousSpace = true;
                previousBreak = false;
            }
            else if (IsBreak(ch))
            {
                leadingBreak |= i == 0;
                trailingBreak |= i == s.Length - 1;
                spaceBreak |= previousSpace;
                previousSpace = false;
                previousBreak = true;
            }
            else
            {
                previousSpace = false;
                previousBreak = false;
            }

            precededByWhitespace = IsSpaceOrBreak(ch);
            followedByWhitespace = i + 2 >= s.Length || IsSpaceOrBreak(s[i + 2]);
        }

        bool allowBlockPlain = true, allowSingle = true;
        if (leadingSpace || leadingBreak || trailingSpace || trailingBreak)
        {
            allowBlockPlain = false;
        }

        if (breakSpace)
        {
            allowBlockPlain = false;
            allowSingle = false;
        }

        if (spaceBreak || special)
        {
            allowBlockPlain = false;
            allowSingle = false;
        }

        if (lineBreaks || blockIndicators)
        {
            allowBlockPlain = false;
        }

        return new Analysis(false, lineBreaks, allowBlockPlain, allowSingle);
    }

    private sealed class Emitter
    {
        private readonly StringBuilder _out = new();
        private int _column;
        private bool _whitespace = true;
        private bool _indention = true;

        public override string ToString() => _out.ToString();

        public void Document(object? value)
        {
            if (IsMapping(value))
            {
                Mapping(value!, 0);
            }
            else if (IsSequence(value))
            {
                Sequence(value!, 0);
            }
            else
            {
                Scalar(value, 0, simpleKey: false);
            }

            LineBreak();
        }

        private void Mapping(object value, int indent)
        {
            var entries = SortedEntries(value);
            if (entries.Count == 0)
            {
                Indicator("{}", needWhitespace: true);
                return;
            }

            foreach (var (key, item) in entries)
            {
                Indent(indent);
                Scalar(key, indent, simpleKey: true);
                Indicator(":", needWhitespace: false);
                Node(item, indent + BestIndent, inMapping: true, indent);
            }
        }

        private void Sequence(object value, int indent)
        {
            var items = Items(value);
            if (items.Count == 0)
            {
                Indicator("[]", needWhitespace: true);
                return;
            }

            foreach (object? item in items)
            {
                Indent(indent);
                Indicator("-", needWhitespace: true, indentation: true);
                Node(item, indent + BestIndent, inMapping: false, indent);
            }
        }

        /// <summary>Writes a value after <c>key:</c> or <c>- </c>.</summary>
        private void Node(object? item, int childIndent, bool inMapping, int parentIndent)
        {
            if (IsMapping(item))
            {
                if (SortedEntries(item!).Count == 0)
                {
                    Indicator("{}", needWhitespace: true);
                }
                else if (inMapping)
                {
                    Indent(childIndent);
                    Mapping(item!, childIndent);
                }
                else
                {
                    Mapping(item!, childIndent);
                }
            }
            else if (IsSequence(item))
            {
                if (Items(item!).Count == 0)
                {
                    Indicator("[]", needWhitespace: true);
                }
                else if (inMapping)
                {
                    // A sequence in a mapping is not indented.
                    Indent(parentIndent);
                    Sequence(item!, parentIndent);
                }
                else
                {
                    Sequence(item!, childIndent);
                }
            }
            else
            {
                Scalar(item, childIndent, simpleKey: false);
            }
        }

        private void Scalar(object? value, int indent, bool simpleKey)
        {
            if (value is not string s)
            {
                s = ScalarText(value) ?? Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
                if (ScalarText(value) is not null)
                {
                    Plain(s, indent);
                    return;
                }
            }

            var a = Analyze(s);
            bool implicitString = !ResolvesToNonString(s);
            if (implicitString && !(simpleKey && (a.Empty || a.Multiline)) && a.AllowBlockPlain)
            {
                Plain(s, indent);
            }
            else if (a.AllowSingleQuoted && !(simpleKey && a.Multiline))
            {
                SingleQuoted(s, indent);
            }
            else
            {
                DoubleQuoted(s, indent);
            }
        }

        private void Write(string data)
        {
            _out.Append(data);
            _column += data.Length;
        }

        private void Indicator(string indicator, bool needWhitespace, bool whitespace = false, bool indentation = false)
        {
            Write(_whitespace || !needWhitespace ? indicator : " " + indicator);
            _whitespace = whitespace;
            _indention = _indention && indentation;
        }

        private void LineBreak()
        {
            _out.Append('\n');
            _column = 0;
            _whitespace = true;
            _indention = true;
        }

        private void Indent(int indent)
        {
            if (!_indention || _column > indent || (_column == indent && !_whitespace))
            {
                LineBreak();
            }

            if (_column < indent)
            {
                _whitespace = true;
                _out.Append(' ', indent - _column);
                _column = indent;
            }
        }

        private void Plain(string text, int indent)
        {
            if (text.Length == 0)
            {
                return;
            }

            if (!_whitespace)
            {
                Write(" ");
            }

            _whitespace = false;
            _indention = false;
            bool spaces = false;
            int start = 0;
            for (int end = 0; end <= text.Length; end++)
            {
                char? ch = end < text.Length ? text[end] : null;
                if (spaces)
                {
                    if (ch != ' ')
                    {
                        if (start + 1 == end && _column > BestWidth)
                        {
                            Indent(indent);
                            _whitespace = false;
                            _indention = false;
                        }
                        else
                        {
                            Write(text[start..end]);
                        }

                        start = end;
                    }
                }
                else if (ch is null or ' ')
                {
                    Write(text[start..end]);
                    start = end;
                }

                spaces = ch == ' ';
            }
        }

        private void SingleQuoted(string text, int indent)
        {
            Indicator("'", needWhitespace: true);
            bool spaces = false, breaks = false;
            int start = 0;
            for (int end = 0; end <= text.Length; end++)
            {
                char? ch = end < text.Length ? text[end] : null;
                if (spaces)
                {
                    if (ch != ' ')
                    {
                        if (start + 1 == end && _column > BestWidth && start != 0 && end != text.Length)
                        {
                            Indent(indent);
                        }
                        else
                        {
                            Write(text[start..end]);
                        }

                        start = end;
                    }
                }
                else if (breaks)
                {
                    if (ch is not { } c || !IsBreak(c))
                    {
                        if (text[start] == '\n')
                        {
                            LineBreak();
                        }

                        foreach (char br in text[start..end])
                        {
                            if (br == '\n')
                            {
                                LineBreak();
                            }
                            else
                            {
                                _out.Append(br);
                                _column = 0;
                                _whitespace = true;
                                _indention = true;
                            }
                        }

                        Indent(indent);
                        start = end;
                    }
                }
                else if (ch is null or ' ' or '\'' || (ch is { } c2 && IsBreak(c2)))
                {
                    if (start < end)
                    {
                        Write(text[start..end]);
                        start = end;
                    }
                }

                if (ch == '\'')
                {
                    Write("''");
                    start = end + 1;
                }

                if (ch is { } c3)
                {
                    spaces = c3 == ' ';
                    breaks = IsBreak(c3);
                }
            }

            Indicator("'", needWhitespace: false);
        }

        private static string? Escape(char c) => c switch
        {
            '\0' => "0",
            '\x07' => "a",
            '\x08' => "b",
            '\x09' => "t",
            '\x0A' => "n",
            '\x0B' => "v",
            '\x0C' => "f",
            '\x0D' => "r",
            '\x1B' => "e",
            '"' => "\"",
            '\\' => "\\",
            '\x85' => "N",
            '\xA0' => "_",
            '\u2028' => "L",
            '\u2029' => "P",
            _ => null,
        };

        private void DoubleQuoted(string text, int indent)
        {
            Indicator("\"", needWhitespace: true);
            int start = 0;
            for (int end = 0; end <= text.Length; end++)
            {
                char? ch = end < text.Length ? text[end] : null;
                if (ch is not { } c || c is '"' or '\\' or '\x85' or '\u2028' or '\u2029' or '\uFEFF' || !(c >= '\x20' && c <= '\x7E'))
                {
                    if (start < end)
                    {
                        Write(text[start..end]);
                        start = end;
                    }

                    if (ch is { } e)
                    {
                        string data;
                        int code = e;
                        if (char.IsHighSurrogate(e) && end + 1 < text.Length && char.IsLowSurrogate(text[end + 1]))
                        {
                            code = char.ConvertToUtf32(e, text[end + 1]);
                            end++;
                        }

                        if (Escape(e) is { } esc)
                        {
                            data = "\\" + esc;
                        }
                        else if (code <= 0xFF)
                        {
                            data = "\\x" + code.ToString("X2", CultureInfo.InvariantCulture);
                        }
                        else if (code <= 0xFFFF)
                        {
                            data = "\\u" + code.ToString("X4", CultureInfo.InvariantCulture);
                        }
                        else
                        {
                            data = "\\U" + code.ToString("X8", CultureInfo.InvariantCulture);
                        }

                        Write(data);
                        start = end + 1;
                    }
                }

                if (end > 0 && end < text.Length - 1 && (ch == ' ' || start >= end) && _column + (end - start) > BestWidth)
                {
                    string data = (start < end ? text[start..end] : string.Empty) + "\\";
                    if (start < end)
                    {
                        start = end;
                    }

                    Write(data);
                    Indent(indent);
                    _whitespace = false;
                    _indention = false;
                    if (text[start] == ' ')
                    {
                        Write("\\");
                    }
                }
            }

            Indicator("\"", needWhitespace: false);
        }
    }
}
