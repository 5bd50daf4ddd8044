using Npgsql;

namespace Sharptune.Storages.Postgres;

/// <summary>Converts SQLAlchemy-style PostgreSQL URLs to Npgsql connection strings.</summary>
public static class PostgresUrl
{
    /// <summary>The connect timeout, in seconds, when the URL sets no <c>connect_timeout</c> (Npgsql's own default is 15).</summary>
    public const int DefaultConnectTimeoutSeconds = 5;

    /// <summary>The longest connect timeout Npgsql accepts, in seconds.</summary>
    private const int MaxConnectTimeoutSeconds = 1024;

    private const string Kind = "PostgreSQL";

    /// <summary>Converts <c>postgresql[+driver]://[user[:password]@][host][:port][/database][?arguments]</c> to a connection string.</summary>
    /// <param name="url">The URL; the user and password may be percent-encoded.</param>
    /// <returns>The Npgsql connection string.</returns>
    /// <exception cref="ArgumentException">The URL is malformed or has an unsupported argument (supported: <c>sslmode</c>,
    /// <c>options</c>, <c>connect_timeout</c> (default <see cref="DefaultConnectTimeoutSeconds"/>), <c>application_name</c>,
    /// <c>host</c>, <c>port</c>); the message says what is wrong and shows the URL with its password masked.</exception>
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

        var parts = UrlText.Parse(url, Kind);
        foreach (var (part, value) in new[] { ("user", parts.User), ("password", parts.Password), ("host", parts.Host), ("database", parts.Database is null ? null : UrlText.Unescape(parts.Database)) })
        {
            if (value is not null && value.Contains('\0', StringComparison.Ordinal))
            {
                throw UrlText.Malformed(url, Kind, $"its {part} holds a NUL character (%00)");
            }
        }

        var b = new NpgsqlConnectionStringBuilder { Timeout = DefaultConnectTimeoutSeconds };
        if (parts.User is not null)
        {
            b.Username = parts.User;
        }

        if (parts.Password is not null)
        {
            b.Password = parts.Password;
        }

        if (parts.Host is not null)
        {
            b.Host = parts.Host;
        }

        if (parts.Port is { } port)
        {
            b.Port = port;
        }

        if (parts.Database is { Length: > 0 } database)
        {
            b.Database = UrlText.Unescape(database);
        }

        if (parts.Query is not null)
        {
            foreach (var (key, value, text) in UrlText.Arguments(parts.Query, plusIsSpace: true))
            {
                if (value.Contains('\0', StringComparison.Ordinal))
                {
                    throw UrlText.Malformed(url, Kind, $"the argument '{text}' holds a NUL character (%00)");
                }

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
                            _ => throw UrlText.Malformed(url, Kind, $"unknown sslmode '{value}' (disable, allow, prefer, require, verify-ca or verify-full)"),
                        };
                        break;
                    case "options":
                        b.Options = value;
                        break;
                    case "connect_timeout":
                        b.Timeout = int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int seconds) && seconds <= MaxConnectTimeoutSeconds
                            ? seconds
                            : throw UrlText.Malformed(url, Kind, $"connect_timeout '{value}' is not a whole number of seconds from 0 to {MaxConnectTimeoutSeconds}");
                        break;
                    case "application_name":
                        b.ApplicationName = value;
                        break;
                    case "host":
                        b.Host = value;
                        break;
                    case "port":
                        b.Port = int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int p) && p is > 0 and < 65536
                            ? p
                            : throw UrlText.Malformed(url, Kind, $"the port '{value}' is not a number from 1 to 65535");
                        break;
                    default:
                        throw UrlText.Malformed(url, Kind, $"the argument '{text}' is not supported (supported: sslmode, options, connect_timeout, application_name, host, port)");
                }
            }
        }

        if (string.IsNullOrEmpty(b.Host))
        {
            b.Host = "localhost";
        }

        return b.ConnectionString;
    }

    /// <summary>Masks the credentials of a URL or connection string (see the README's security section).</summary>
    /// <param name="url">The URL or <c>key=value;…</c> connection string.</param>
    /// <returns>The text with <c>***</c> for the password and every other credential.</returns>
    public static string Redact(string url) => UrlText.Redact(url);
}
