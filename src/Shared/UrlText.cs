using System.Globalization;
using System.Text;

namespace Sharptune.Storages;

/// <summary>
/// The parts of storage URLs that every Sharptune package reads the same way. This file is compiled into each
/// package that needs it (the core, the storage packages, hosting), so none of them exposes it.
/// </summary>
/// <remarks>
/// URLs are split as SQLAlchemy's <c>make_url</c> splits them: <c>scheme://[user[:password]@][host][:port][/database][?query]</c>,
/// where the user ends at the first <c>:</c> or <c>/</c> and the password runs to the next <c>@</c>, so it may hold
/// <c>/</c>, <c>?</c>, <c>#</c> and <c>:</c> as they are; user and password are percent-decoded (<c>%40</c> is an
/// <c>@</c>). Beyond SQLAlchemy, an <c>@</c> written as it is in the password is kept in the password when the host
/// would otherwise contain it (SQLAlchemy makes a host such as <c>ss@db</c> of it, which no server has).
/// </remarks>
internal static class UrlText
{
    private const string Mask = "***";

    /// <summary>
    /// Masks every credential of a storage URL or of a <c>key=value;…</c> connection string, for messages, logs and
    /// <c>ToString()</c>: the password of a URL (everything from the first <c>:</c> of the user information to the
    /// last <c>@</c>, so a malformed URL never shows a piece of it), the whole user information of a Redis URL
    /// (<c>redis://secret@host</c> is a password), and the value of every query argument or connection-string key
    /// that names a password, secret or token.
    /// </summary>
    /// <param name="text">The URL or connection string.</param>
    /// <returns>The text without its credentials.</returns>
    public static string Redact(string text) => Redact(text, null);

    /// <summary>
    /// Returns the secrets a URL or connection string holds (what <see cref="Redact(string)"/> masks, as written and
    /// percent-decoded), to remove them from messages that come from other libraries.
    /// </summary>
    /// <param name="text">The URL or connection string.</param>
    /// <returns>The secrets of 3 characters or more, longest first.</returns>
    public static IReadOnlyList<string> Secrets(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var removed = new List<string>();
        Redact(text, removed);
        var secrets = new List<string>();
        foreach (string piece in removed)
        {
            foreach (string candidate in new[] { piece, Unescape(piece), Unescape(piece.Replace('+', ' ')), piece.Trim('"', '\'', ' ') })
            {
                if (candidate.Length >= 3 && !secrets.Contains(candidate))
                {
                    secrets.Add(candidate);
                }
            }
        }

        secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
        return secrets;
    }

    private static string Redact(string text, List<string>? removed)
    {
        ArgumentNullException.ThrowIfNull(text);
        int schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0 || !text.AsSpan(0, schemeEnd).ContainsOnlySchemeChars())
        {
            // No scheme (a "://" later in the text belongs to no scheme): mask from the start.
            schemeEnd = -1;
        }

        if (schemeEnd < 0 && text.Contains('=', StringComparison.Ordinal))
        {
            text = RedactConnectionString(text, removed);
        }

        int start = schemeEnd < 0 ? 0 : schemeEnd + 3;
        int lastAt = text.LastIndexOf('@');
        if (lastAt >= start)
        {
            int from = IsRedis(text, schemeEnd) ? start
                : text.IndexOf(':', start, lastAt - start) is var colon and >= 0 ? colon + 1
                : -1;
            if (from >= 0)
            {
                removed?.Add(text[from..lastAt]);
                text = string.Concat(text.AsSpan(0, from), Mask, text.AsSpan(lastAt));
            }
        }

        return schemeEnd < 0 ? text : RedactQuery(text, start, removed);
    }

    /// <summary>Masks the values of sensitive keys in a <c>key=value;…</c> connection string.</summary>
    private static string RedactConnectionString(string text, List<string>? removed)
    {
        var sb = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            int eq = text.IndexOf('=', i);
            int semicolon = text.IndexOf(';', i);
            if (eq < 0 || (semicolon >= 0 && semicolon < eq))
            {
                // A segment without '=' (or the end).
                int end = semicolon < 0 ? text.Length : semicolon + 1;
                sb.Append(text, i, end - i);
                i = end;
                continue;
            }

            bool sensitive = IsSensitiveKey(text[i..eq]);
            int valueEnd = ValueEnd(text, eq + 1, sensitive);
            sb.Append(text, i, eq + 1 - i);
            if (sensitive)
            {
                removed?.Add(text[(eq + 1)..valueEnd]);
                sb.Append(Mask);
            }
            else
            {
                sb.Append(text, eq + 1, valueEnd - eq - 1);
            }

            if (valueEnd < text.Length)
            {
                sb.Append(';');
            }

            i = valueEnd + 1;
        }

        return sb.ToString();
    }

    /// <summary>Replaces the secrets of <paramref name="source"/> (a URL or connection string) in a message.</summary>
    /// <param name="message">The message, e.g. another library's exception message.</param>
    /// <param name="source">The URL or connection string whose secrets must not appear.</param>
    /// <returns>The message without them.</returns>
    public static string Scrub(string message, string source)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(source);
        string result = message.Replace(source, Redact(source), StringComparison.Ordinal);
        foreach (string secret in Secrets(source))
        {
            result = result.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return result;
    }

    /// <summary>
    /// Splits a URL as SQLAlchemy does (see the remarks of <see cref="UrlText"/>).
    /// </summary>
    /// <param name="url">The URL.</param>
    /// <param name="kind">What the URL names, for messages (<c>PostgreSQL</c>, <c>Redis</c>).</param>
    /// <returns>The parts; user and password percent-decoded, host, database and query as written.</returns>
    /// <exception cref="ArgumentException">The URL is malformed: no <c>scheme://</c>, an IPv6 host without its
    /// closing <c>]</c>, a port that is not a number from 1 to 65535, or text after the host that is none of
    /// <c>:port</c>, <c>/database</c> or <c>?query</c>. The message shows the masked URL.</exception>
    public static UrlParts Parse(string url, string kind)
    {
        ArgumentNullException.ThrowIfNull(url);
        int schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0 || !url.AsSpan(0, schemeEnd).ContainsOnlySchemeChars())
        {
            throw Malformed(url, kind, "it does not start with scheme:// (letters, digits, '+' or '_' before \"://\")");
        }

        string scheme = url[..schemeEnd];
        string rest = url[(schemeEnd + 3)..];
        string? user = null;
        string? password = null;
        int at = -1;
        int k = rest.IndexOfAny([':', '/']);
        if (k < 0)
        {
            k = rest.Length;
        }

        if (k < rest.Length && rest[k] == ':' && rest.IndexOf('@', k + 1) is var pwAt and >= 0)
        {
            at = pwAt;

            // A literal '@' in the password: SQLAlchemy would make a host such as "ss@db" of the rest.
            int hostEnd = rest.IndexOfAny(['/', '?'], at + 1) is var e and >= 0 ? e : rest.Length;
            int lastAt = rest.LastIndexOf('@', hostEnd - 1, hostEnd - at - 1);
            if (lastAt > at)
            {
                at = lastAt;
            }

            user = Unescape(rest[..k]);
            password = Unescape(rest[(k + 1)..at]);
        }
        else if (k > 0 && rest.LastIndexOf('@', k - 1, k) is var userAt and >= 0)
        {
            at = userAt;
            user = Unescape(rest[..at]);
        }

        string hostPart = rest[(at + 1)..];
        string? host;
        int i;
        if (hostPart.StartsWith('['))
        {
            int close = hostPart.IndexOf(']', StringComparison.Ordinal);
            int stop = hostPart.IndexOfAny(['/', '?']);
            if (close < 0 || (stop >= 0 && stop < close))
            {
                throw Malformed(url, kind, "its IPv6 host has no closing ']'");
            }

            host = hostPart[1..close];
            if (host.Length == 0)
            {
                throw Malformed(url, kind, "its IPv6 host between '[' and ']' is empty");
            }

            i = close + 1;
        }
        else
        {
            i = hostPart.IndexOfAny(['/', ':', '?']) is var end and >= 0 ? end : hostPart.Length;
            host = i == 0 ? null : Unescape(hostPart[..i]);
        }

        int? port = null;
        if (i < hostPart.Length && hostPart[i] == ':')
        {
            int portEnd = hostPart.IndexOfAny(['/', '?'], i + 1) is var pe and >= 0 ? pe : hostPart.Length;
            string text = hostPart[(i + 1)..portEnd];
            port = ParsePort(text, url, kind);
            i = portEnd;
        }

        string? database = null;
        string? query = null;
        if (i < hostPart.Length && hostPart[i] == '/')
        {
            int q = hostPart.IndexOf('?', i + 1);
            database = q < 0 ? hostPart[(i + 1)..] : hostPart[(i + 1)..q];
            i = q < 0 ? hostPart.Length : q;
        }

        if (i < hostPart.Length && hostPart[i] == '?')
        {
            query = hostPart[(i + 1)..];
            i = hostPart.Length;
        }

        if (i < hostPart.Length)
        {
            throw Malformed(url, kind, $"the text '{hostPart[i..]}' after the host is none of :port, /database or ?arguments");
        }

        return new UrlParts(scheme, user, password, host, port, database, query);
    }

    /// <summary>Creates the exception for a malformed URL: what is wrong, and the URL with its credentials masked.</summary>
    /// <param name="url">The URL.</param>
    /// <param name="kind">What the URL names, for the message.</param>
    /// <param name="what">What is wrong.</param>
    /// <returns>The exception (parameter <c>url</c>).</returns>
    public static ArgumentException Malformed(string url, string kind, string what)
    {
        // A quoted piece of the URL (a port, a trailing text) that lies in a masked region is masked as well.
        var removed = new List<string>();
        string masked = Redact(url, removed);
        var sb = new StringBuilder(what.Length);
        int i = 0;
        while (what.IndexOf('\'', i) is var open and >= 0 && what.IndexOf('\'', open + 1) is var close and >= 0)
        {
            string piece = what[(open + 1)..close];
            bool secret = piece.Length > 0 && removed.Exists(r => Overlaps(piece, r));
            sb.Append(what, i, open + 1 - i).Append(secret ? Mask : piece).Append('\'');
            i = close + 1;
        }

        sb.Append(what, i, what.Length - i);
        return new ArgumentException($"The {kind} URL '{masked}' is malformed: {sb}.", nameof(url));
    }

    /// <summary>Whether a quoted piece of a URL shares text with a masked region (4 characters, or all of a shorter one).</summary>
    private static bool Overlaps(string piece, string region)
    {
        if (region.Contains(piece, StringComparison.Ordinal))
        {
            return true;
        }

        int window = Math.Min(4, region.Length);
        for (int i = 0; window > 0 && i + window <= region.Length; i++)
        {
            if (piece.Contains(region.AsSpan(i, window), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Splits a URL query (<c>a=1&amp;b=x%20y</c>, without the <c>?</c>) into its arguments, values percent-decoded.</summary>
    /// <param name="query">The query.</param>
    /// <param name="plusIsSpace">Whether <c>+</c> in a value stands for a space (form encoding, as libpq reads it).</param>
    /// <returns>The arguments in order, each also as written (for messages, with a sensitive value masked); an argument without <c>=</c> has an empty value.</returns>
    public static IEnumerable<(string Key, string Value, string Text)> Arguments(string query, bool plusIsSpace = false)
    {
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string value = eq < 0 ? string.Empty : pair[(eq + 1)..];
            string key = eq < 0 ? pair : pair[..eq];
            yield return (key, Unescape(plusIsSpace ? value.Replace('+', ' ') : value), eq >= 0 && IsSensitiveKey(key) ? key + "=" + Mask : pair);
        }
    }

    /// <summary>Percent-decodes (invalid escapes are kept as written, as Python's <c>unquote</c> does).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The decoded text.</returns>
    public static string Unescape(string text) => text.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(text) : text;

    private static int ParsePort(string text, string url, string kind) =>
        text.Length is > 0 and <= 5 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and < 65536
            ? port
            : throw Malformed(url, kind, $"the port '{text}' is not a number from 1 to 65535");

    private static bool ContainsOnlySchemeChars(this ReadOnlySpan<char> scheme)
    {
        foreach (char c in scheme)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsRedis(string text, int schemeEnd) =>
        schemeEnd > 0 && text.AsSpan(0, schemeEnd) is var scheme
        && (scheme.Equals("redis", StringComparison.OrdinalIgnoreCase) || scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase)
            || scheme.Equals("unix", StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether an argument or connection-string key names a credential (password, secret, token, …).</summary>
    private static bool IsSensitiveKey(string key)
    {
        string k = key.Trim().Replace(" ", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        return k.Contains("PASS", StringComparison.Ordinal) || k.Contains("PWD", StringComparison.Ordinal) || k.Contains("SECRET", StringComparison.Ordinal)
            || k.Contains("TOKEN", StringComparison.Ordinal) || k.Contains("CREDENTIAL", StringComparison.Ordinal) || k is "AUTH" or "APIKEY" or "KEY";
    }

    /// <summary>Masks the values of sensitive query arguments of a URL.</summary>
    private static string RedactQuery(string url, int start, List<string>? removed)
    {
        int q = url.IndexOf('?', start);
        if (q < 0)
        {
            return url;
        }

        var sb = new StringBuilder(url.Length).Append(url, 0, q + 1);
        string[] pairs = url[(q + 1)..].Split('&');
        for (int p = 0; p < pairs.Length; p++)
        {
            if (p > 0)
            {
                sb.Append('&');
            }

            int eq = pairs[p].IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0 && IsSensitiveKey(pairs[p][..eq]))
            {
                removed?.Add(pairs[p][(eq + 1)..]);
                sb.Append(pairs[p], 0, eq + 1).Append(Mask);
            }
            else
            {
                sb.Append(pairs[p]);
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// Where a connection-string value starting at <paramref name="start"/> ends: a quoted value at its closing
    /// quote; a plain one at the next <c>;</c> — for a credential, the next <c>;</c> that starts another
    /// <c>key=</c>, so a <c>;</c> inside a password never shows its end.
    /// </summary>
    private static int ValueEnd(string text, int start, bool sensitive)
    {
        int i = start;
        while (i < text.Length && text[i] == ' ')
        {
            i++;
        }

        if (i < text.Length && text[i] is '"' or '\'')
        {
            char quote = text[i];
            for (int j = i + 1; j < text.Length; j++)
            {
                if (text[j] == quote)
                {
                    if (j + 1 < text.Length && text[j + 1] == quote)
                    {
                        j++;
                        continue;
                    }

                    int semicolon = text.IndexOf(';', j);
                    return semicolon < 0 ? text.Length : semicolon;
                }
            }

            return text.Length;
        }

        int next = text.IndexOf(';', start);
        while (sensitive && next >= 0 && !StartsKey(text, next + 1))
        {
            next = text.IndexOf(';', next + 1);
        }

        return next < 0 ? text.Length : next;
    }

    private static bool StartsKey(string text, int i)
    {
        int eq = text.IndexOf('=', i);
        int semicolon = text.IndexOf(';', i);
        if (eq < 0 || (semicolon >= 0 && semicolon < eq))
        {
            return i >= text.Length || text.AsSpan(i).IsWhiteSpace();
        }

        var key = text.AsSpan(i, eq - i).Trim();
        if (key.IsEmpty)
        {
            return false;
        }

        foreach (char c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is ' ' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>The parts of a storage URL, split as SQLAlchemy splits them.</summary>
/// <param name="Scheme">The scheme, e.g. <c>postgresql+psycopg2</c>.</param>
/// <param name="User">The user, percent-decoded, or <see langword="null"/>.</param>
/// <param name="Password">The password, percent-decoded, or <see langword="null"/>.</param>
/// <param name="Host">The host (percent-decoded; an IPv6 address without its brackets), or <see langword="null"/>.</param>
/// <param name="Port">The port, or <see langword="null"/>.</param>
/// <param name="Database">The database (the path after the host, as written), or <see langword="null"/>.</param>
/// <param name="Query">The query after <c>?</c>, as written, or <see langword="null"/>.</param>
internal sealed record UrlParts(string Scheme, string? User, string? Password, string? Host, int? Port, string? Database, string? Query);
