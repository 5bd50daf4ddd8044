using System.Globalization;

namespace Sharptune.Storages;

/// <summary>Parsing helpers for storage URLs.</summary>
internal static class StorageUrl
{
    /// <summary>The longest SQLite busy timeout a URL may set (one day).</summary>
    private const double MaxTimeoutSeconds = 86_400;

    /// <summary>
    /// Parses an SQLite URL as SQLAlchemy does: <c>sqlite:///relative.db</c>, <c>sqlite:////absolute.db</c>,
    /// <c>sqlite:///:memory:</c> or <c>sqlite://</c> (memory); the query may set <c>timeout</c> (seconds).
    /// </summary>
    /// <exception cref="ArgumentException">The URL is not an SQLite URL or has an unknown query argument.</exception>
    public static (string Path, TimeSpan? Timeout) ParseSqlite(string url)
    {
        const string Prefix = "sqlite://";
        string rest;
        if (url.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            rest = url[Prefix.Length..];
        }
        else if (url.StartsWith("sqlite+", StringComparison.OrdinalIgnoreCase) && url.IndexOf("://", StringComparison.Ordinal) is int i and > 0)
        {
            rest = url[(i + 3)..];
        }
        else
        {
            throw new ArgumentException($"'{UrlText.Redact(url)}' is not an SQLite storage URL (sqlite:///path.db).", nameof(url));
        }

        TimeSpan? timeout = null;
        int q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            foreach (var (key, value, pair) in UrlText.Arguments(rest[(q + 1)..]))
            {
                if (key == "timeout" && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds is >= 0 and <= MaxTimeoutSeconds)
                {
                    timeout = TimeSpan.FromSeconds(seconds);
                }
                else
                {
                    throw new ArgumentException(
                        key == "timeout"
                            ? $"Invalid timeout '{pair}' in the SQLite storage URL '{UrlText.Redact(url)}': expected seconds from 0 to {MaxTimeoutSeconds}."
                            : $"Unsupported argument '{pair}' in the SQLite storage URL '{UrlText.Redact(url)}'; the only one supported is timeout=<seconds>.",
                        nameof(url));
                }
            }

            rest = rest[..q];
        }

        if (rest.Length == 0 || rest == "/" || rest == "/:memory:")
        {
            return (":memory:", timeout);
        }

        if (rest[0] != '/')
        {
            throw new ArgumentException($"The SQLite storage URL '{UrlText.Redact(url)}' has a host or user part; use sqlite:///relative.db or sqlite:////absolute/path.db.", nameof(url));
        }

        return (Uri.UnescapeDataString(rest[1..]), timeout);
    }
}
