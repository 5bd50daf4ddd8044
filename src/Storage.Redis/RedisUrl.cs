using System.Globalization;
using StackExchange.Redis;

namespace Sharptune.Storages.Redis;

/// <summary>Converts <c>redis://</c> URLs (redis-py's form, split as SQLAlchemy splits URLs) to StackExchange.Redis configurations.</summary>
internal static class RedisUrl
{
    /// <summary>The connect timeout when the URL sets no <c>socket_connect_timeout</c>.</summary>
    public const double DefaultConnectTimeoutSeconds = 5;

    private const string Kind = "Redis";

    /// <summary>Parses <c>redis[s]://[[user]:password@]host[:port][/database][?prefix=…&amp;socket_connect_timeout=…]</c>.</summary>
    /// <exception cref="ArgumentException">The URL is malformed; the message says what is wrong and shows the URL with its credentials masked.</exception>
    public static (ConfigurationOptions Configuration, int Database, string? Prefix, string Endpoint) Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        bool tls = url.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase);
        if (!tls && !url.StartsWith("redis://", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{UrlText.Redact(url)}' is not a Redis URL (redis://host:port/db).", nameof(url));
        }

        var parts = UrlText.Parse(url, Kind);
        string? prefix = null;
        double timeout = DefaultConnectTimeoutSeconds;
        if (parts.Query is not null)
        {
            foreach (var (key, value, text) in UrlText.Arguments(parts.Query))
            {
                switch (key)
                {
                    case "prefix":
                        prefix = value;
                        break;
                    case "socket_connect_timeout":
                        timeout = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds is > 0 and <= 3600
                            ? seconds
                            : throw UrlText.Malformed(url, Kind, $"socket_connect_timeout '{value}' is not a number of seconds above 0 and at most 3600");
                        break;
                    default:
                        throw UrlText.Malformed(url, Kind, $"the argument '{text}' is not supported (supported: prefix, socket_connect_timeout)");
                }
            }
        }

        int database = 0;
        if (parts.Database is { Length: > 0 } db && !int.TryParse(db, NumberStyles.None, CultureInfo.InvariantCulture, out database))
        {
            throw UrlText.Malformed(url, Kind, $"the database '{db}' is not a number");
        }

        int connectMs = (int)Math.Ceiling(timeout * 1000);
        var options = new ConfigurationOptions
        {
            Ssl = tls,
            AbortOnConnectFail = true,
            DefaultDatabase = database,
            ConnectTimeout = connectMs,
            ConnectRetry = 1,
            SyncTimeout = Math.Max(connectMs, 5000),
        };

        if (parts.Password is not null)
        {
            if (parts.User is { Length: > 0 } user)
            {
                options.User = user;
            }

            options.Password = parts.Password;
        }
        else if (parts.User is not null)
        {
            // redis://secret@host: the user information alone is the password.
            options.Password = parts.User;
        }

        string host = string.IsNullOrEmpty(parts.Host) ? "localhost" : parts.Host;
        int port = parts.Port ?? 6379;
        options.EndPoints.Add(host, port);
        string endpoint = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
        return (options, database, prefix, endpoint);
    }
}
