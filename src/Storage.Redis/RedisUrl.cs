using System.Globalization;
using StackExchange.Redis;

namespace Sharptune.Storages.Redis;

/// <summary>Converts <c>redis://</c> URLs (redis-py's form) to StackExchange.Redis configurations.</summary>
internal static class RedisUrl
{
    public static (ConfigurationOptions Configuration, int Database, string? Prefix) Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        bool tls = url.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase);
        if (!tls && !url.StartsWith("redis://", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{UrlText.Redact(url)}' is not a Redis URL (redis://host:port/db).", nameof(url));
        }

        string rest = url[(tls ? 9 : 8)..];
        string? prefix = null;
        int q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            foreach (var (key, value, _) in UrlText.Arguments(rest[(q + 1)..]))
            {
                prefix = key == "prefix"
                    ? value
                    : throw new ArgumentException($"Unsupported argument '{key}' in the Redis URL '{UrlText.Redact(url)}'; supported: prefix.", nameof(url));
            }

            rest = rest[..q];
        }

        int database = 0;
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            string db = rest[(slash + 1)..];
            if (db.Length > 0 && !int.TryParse(db, NumberStyles.None, CultureInfo.InvariantCulture, out database))
            {
                throw new ArgumentException($"Invalid database number '{db}' in '{UrlText.Redact(url)}'.", nameof(url));
            }

            rest = rest[..slash];
        }

        var options = new ConfigurationOptions { Ssl = tls, AbortOnConnectFail = true, DefaultDatabase = database };
        int at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            string userInfo = rest[..at];
            rest = rest[(at + 1)..];
            int colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                if (colon > 0)
                {
                    options.User = Uri.UnescapeDataString(userInfo[..colon]);
                }

                options.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
            else
            {
                options.Password = Uri.UnescapeDataString(userInfo);
            }
        }

        options.EndPoints.Add(rest.Length == 0 ? "localhost:6379" : rest.Contains(':', StringComparison.Ordinal) ? rest : rest + ":6379");
        return (options, database, prefix);
    }
}
