using Npgsql;

namespace Sharptune.Storages.Postgres;

/// <summary>Converts SQLAlchemy-style PostgreSQL URLs to Npgsql connection strings.</summary>
public static class PostgresUrl
{
    /// <summary>Converts <c>postgresql[+driver]://[user[:password]@][host][:port][/database][?arguments]</c> to a connection string.</summary>
    /// <param name="url">The URL; the user and password may be percent-encoded.</param>
    /// <returns>The Npgsql connection string.</returns>
    /// <exception cref="ArgumentException">The URL is malformed or has an unsupported argument (supported: <c>sslmode</c>, <c>options</c>, <c>connect_timeout</c>, <c>application_name</c>, <c>host</c>, <c>port</c>).</exception>
    public static string ToConnectionString(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        int schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        string scheme = schemeEnd < 0 ? string.Empty : url[..schemeEnd];
        int plus = scheme.IndexOf('+', StringComparison.Ordinal);
        string baseScheme = plus < 0 ? scheme : scheme[..plus];
        if (!baseScheme.Equals("postgresql", StringComparison.OrdinalIgnoreCase) && !baseScheme.Equals("postgres", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{Redact(url)}' is not a PostgreSQL URL (postgresql://user:pass@host:port/db).", nameof(url));
        }

        string rest = url[(schemeEnd + 3)..];
        string? query = null;
        int q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        string? database = null;
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            database = Uri.UnescapeDataString(rest[(slash + 1)..]);
            rest = rest[..slash];
        }

        var b = new NpgsqlConnectionStringBuilder();
        int at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            string userInfo = rest[..at];
            rest = rest[(at + 1)..];
            int colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            b.Username = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
            if (colon >= 0)
            {
                b.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
        }

        if (rest.Length > 0)
        {
            string host = rest;
            if (host.StartsWith('['))
            {
                int close = host.IndexOf(']', StringComparison.Ordinal);
                b.Host = host[1..close];
                host = host[(close + 1)..];
                if (host.StartsWith(':'))
                {
                    b.Port = ParsePort(host[1..], url);
                }
            }
            else
            {
                int colon = host.LastIndexOf(':');
                if (colon >= 0)
                {
                    b.Port = ParsePort(host[(colon + 1)..], url);
                    host = host[..colon];
                }

                b.Host = Uri.UnescapeDataString(host);
            }
        }

        if (!string.IsNullOrEmpty(database))
        {
            b.Database = database;
        }

        if (query is not null)
        {
            foreach (var (key, value, _) in UrlText.Arguments(query, plusIsSpace: true))
            {
                switch (key)
                {
                    case "sslmode":
                        b.SslMode = value switch
                        {
                            "disable" => SslMode.Disable,
                            "allow" => SslMode.Allow,
                            "prefer" => SslMode.Prefer,
                            "require" => SslMode.Require,
                            "verify-ca" => SslMode.VerifyCA,
                            "verify-full" => SslMode.VerifyFull,
                            _ => throw new ArgumentException($"Unknown sslmode '{value}' in '{Redact(url)}'.", nameof(url)),
                        };
                        break;
                    case "options":
                        b.Options = value;
                        break;
                    case "connect_timeout":
                        b.Timeout = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                        break;
                    case "application_name":
                        b.ApplicationName = value;
                        break;
                    case "host":
                        b.Host = value;
                        break;
                    case "port":
                        b.Port = ParsePort(value, url);
                        break;
                    default:
                        throw new ArgumentException($"Unsupported argument '{key}' in the PostgreSQL URL '{Redact(url)}'; supported: sslmode, options, connect_timeout, application_name, host, port.", nameof(url));
                }
            }
        }

        if (string.IsNullOrEmpty(b.Host))
        {
            b.Host = "localhost";
        }

        return b.ConnectionString;
    }

    /// <summary>Masks the password of a URL.</summary>
    /// <param name="url">The URL.</param>
    /// <returns>The URL with <c>***</c> for the password.</returns>
    public static string Redact(string url) => UrlText.Redact(url);

    private static int ParsePort(string text, string url) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port) && port is > 0 and < 65536
            ? port
            : throw new ArgumentException($"Invalid port '{text}' in '{Redact(url)}'.", nameof(url));
}
