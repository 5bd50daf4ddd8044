namespace Sharptune.Storages;

/// <summary>
/// The parts of storage URLs that every Sharptune package reads the same way. This file is compiled into each
/// package that needs it (the core, the storage packages, hosting), so none of them exposes it.
/// </summary>
internal static class UrlText
{
    /// <summary>
    /// Masks the password of a URL for messages and logs: <c>scheme://user:***@host/…</c>. A Redis URL
    /// (<c>redis://</c>, <c>rediss://</c>) may carry the password alone (<c>redis://secret@host</c>): there the whole
    /// user information is masked.
    /// </summary>
    /// <param name="url">The URL.</param>
    /// <returns>The URL without its password.</returns>
    public static string Redact(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        int schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        int start = schemeEnd < 0 ? 0 : schemeEnd + 3;
        int end = url.IndexOfAny(['/', '?', '#'], start) is var e and >= 0 ? e : url.Length;
        int at = end > start ? url.LastIndexOf('@', end - 1, end - start) : -1;
        if (at < 0)
        {
            return url;
        }

        if (schemeEnd > 0 && url.AsSpan(0, schemeEnd) is var scheme
            && (scheme.Equals("redis", StringComparison.OrdinalIgnoreCase) || scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase)))
        {
            return string.Concat(url.AsSpan(0, start), "***", url.AsSpan(at));
        }

        int colon = url.IndexOf(':', start, at - start);
        return colon < 0 ? url : string.Concat(url.AsSpan(0, colon + 1), "***", url.AsSpan(at));
    }

    /// <summary>Splits a URL query (<c>a=1&amp;b=x%20y</c>, without the <c>?</c>) into its arguments, values percent-decoded.</summary>
    /// <param name="query">The query.</param>
    /// <param name="plusIsSpace">Whether <c>+</c> in a value stands for a space (form encoding, as libpq reads it).</param>
    /// <returns>The arguments in order, each also as written (for messages); an argument without <c>=</c> has an empty value.</returns>
    public static IEnumerable<(string Key, string Value, string Text)> Arguments(string query, bool plusIsSpace = false)
    {
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string value = eq < 0 ? string.Empty : pair[(eq + 1)..];
            yield return (eq < 0 ? pair : pair[..eq], Uri.UnescapeDataString(plusIsSpace ? value.Replace('+', ' ') : value), pair);
        }
    }
}
