using System.Text;

namespace Sharptune.Internal;

/// <summary>
/// JSON text nests lists and objects deeper than the reader accepts (<see cref="PyJson.MaxDepth"/>): reading it
/// recursively could exhaust the stack and end the process, so it is refused. The message shows where the nesting
/// starts (the path of keys and indices), and <see cref="TopLevel"/> gives the scalar members of the outermost
/// object read before that point (a journal record's <c>op_code</c>, <c>trial_id</c>, …).
/// </summary>
internal sealed class JsonNestingException : FormatException
{
    private const int ShownPathParts = 6;

    private JsonNestingException(string message, string path, IReadOnlyDictionary<string, string> topLevel)
        : base(message)
    {
        Path = path;
        TopLevel = topLevel;
    }

    /// <summary>Gets the path to the value that is nested too deeply, e.g. <c>["user_attr"]["k"][0][0]…</c>.</summary>
    public string Path { get; }

    /// <summary>Gets the scalar members of the outermost object that precede the deep value, as written.</summary>
    public IReadOnlyDictionary<string, string> TopLevel { get; }

    /// <summary>Gets the key of the outermost object's member that holds the deep value, if any.</summary>
    public string? OuterKey { get; private init; }

    /// <summary>Gets the key inside that member (the attribute key of a journal record), if any.</summary>
    public string? InnerKey { get; private init; }

    /// <summary>Creates the exception for a container opened at <paramref name="position"/> beyond the limit.</summary>
    /// <param name="text">The JSON text; everything before <paramref name="position"/> was read as valid JSON.</param>
    /// <param name="position">Where the container that is one level too deep starts.</param>
    /// <param name="maxDepth">The limit.</param>
    /// <returns>The exception.</returns>
    public static JsonNestingException At(string text, int position, int maxDepth)
    {
        // A flat (non-recursive) scan of the text before the position rebuilds the path of keys and indices.
        var frames = new List<(bool IsObject, string? Key, int Index)>();
        var topLevel = new Dictionary<string, string>(StringComparer.Ordinal);
        string? lastString = null;
        int i = 0;
        while (i < position)
        {
            char c = text[i];
            switch (c)
            {
                case '"':
                {
                    int end = i + 1;
                    while (end < position && text[end] != '"')
                    {
                        end += text[end] == '\\' ? 2 : 1;
                    }

                    lastString = text.Substring(i + 1, Math.Min(end, position) - i - 1);
                    i = end + 1;
                    continue;
                }

                case '[':
                    frames.Add((false, null, 0));
                    break;
                case '{':
                    frames.Add((true, null, 0));
                    break;
                case ']' or '}':
                    frames.RemoveAt(frames.Count - 1);
                    break;
                case ',':
                    if (frames.Count > 0 && frames[^1] is { IsObject: false } array)
                    {
                        frames[^1] = array with { Index = array.Index + 1 };
                    }

                    break;
                case ':':
                    frames[^1] = frames[^1] with { Key = lastString };
                    if (frames.Count == 1 && lastString is not null)
                    {
                        int valueStart = i + 1;
                        while (valueStart < position && text[valueStart] == ' ')
                        {
                            valueStart++;
                        }

                        int valueEnd = valueStart;
                        while (valueEnd < position && text[valueEnd] is not (',' or '}' or '[' or '{'))
                        {
                            valueEnd++;
                        }

                        if (valueEnd > valueStart && valueEnd < position && text[valueEnd] is ',' or '}')
                        {
                            topLevel[lastString] = text[valueStart..valueEnd].Trim().Trim('"');
                        }
                    }

                    break;
            }

            i++;
        }

        var path = new StringBuilder();
        for (int f = 0; f < frames.Count && f < ShownPathParts; f++)
        {
            path.Append(frames[f].IsObject ? $"[\"{frames[f].Key}\"]" : $"[{frames[f].Index}]");
        }

        if (frames.Count > ShownPathParts)
        {
            path.Append('…');
        }

        string shown = path.Length == 0 ? "the top level" : path.ToString();
        return new JsonNestingException(
            $"JSON text nests lists and objects deeper than {maxDepth} levels (at {shown}, char {position}); such a value is refused because reading it could exhaust the stack.",
            shown,
            topLevel)
        {
            OuterKey = frames.Count > 0 && frames[0].IsObject ? frames[0].Key : null,
            InnerKey = frames.Count > 1 && frames[1].IsObject ? frames[1].Key : null,
        };
    }
}
