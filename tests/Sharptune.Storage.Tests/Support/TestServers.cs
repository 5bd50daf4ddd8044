using System.Diagnostics;
using Npgsql;
using StackExchange.Redis;

namespace Sharptune.Storages.Tests.Support;

/// <summary>
/// The servers the storage tests talk to, found through environment variables with 127.0.0.1 defaults (what
/// <c>.ci/setup</c> starts). When one is missing the test fails under CI (<c>CI=true</c>) and is skipped otherwise.
/// </summary>
internal static class TestServers
{
    private static readonly Lazy<string?> PostgresError = new(() => Probe(() =>
    {
        using var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Sharptune.Storages.Postgres.PostgresUrl.ToConnectionString(PostgresUrl)) { Timeout = 3 }.ConnectionString);
        c.Open();
    }));

    private static readonly Lazy<string?> RedisError = new(() => Probe(() =>
    {
        using var m = ConnectionMultiplexer.Connect(RedisConfiguration + ",connectTimeout=3000");
        m.GetDatabase().Ping();
    }));

    private static readonly Lazy<(string? Python, string? Error)> PythonProbe = new(FindPython);

    /// <summary>Gets a value indicating whether the tests run under CI, where a missing server is a failure.</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets the PostgreSQL URL (<c>SHARPTUNE_POSTGRES_URL</c>).</summary>
    public static string PostgresUrl =>
        Environment.GetEnvironmentVariable("SHARPTUNE_POSTGRES_URL") ?? "postgresql://sharptune:sharptune@127.0.0.1:5432/sharptune_test";

    /// <summary>Gets the Redis URL (<c>SHARPTUNE_REDIS_URL</c>).</summary>
    public static string RedisUrl => Environment.GetEnvironmentVariable("SHARPTUNE_REDIS_URL") ?? "redis://127.0.0.1:6379";

    /// <summary>Gets the StackExchange.Redis configuration of <see cref="RedisUrl"/>.</summary>
    public static string RedisConfiguration
    {
        get
        {
            string rest = RedisUrl[(RedisUrl.IndexOf("://", StringComparison.Ordinal) + 3)..];
            int slash = rest.IndexOf('/', StringComparison.Ordinal);
            return slash < 0 ? rest : rest[..slash];
        }
    }

    /// <summary>Requires PostgreSQL: returns its URL, or fails (CI) / skips the test.</summary>
    public static string RequirePostgres()
    {
        Require("PostgreSQL", PostgresUrl, PostgresError.Value);
        return PostgresUrl;
    }

    /// <summary>Requires Redis.</summary>
    public static string RequireRedis()
    {
        Require("Redis", RedisUrl, RedisError.Value);
        return RedisUrl;
    }

    /// <summary>Requires a Python with Optuna (<c>SHARPTUNE_PYTHON</c>, default <c>/usr/bin/python3</c>): returns its path.</summary>
    public static string RequirePython()
    {
        var (python, error) = PythonProbe.Value;
        Require("python3 with optuna", Environment.GetEnvironmentVariable("SHARPTUNE_PYTHON") ?? "/usr/bin/python3", error);
        return python!;
    }

    private static void Require(string what, string where, string? error)
    {
        if (error is null)
        {
            return;
        }

        string message = $"{what} is not available at {Sharptune.Storages.Postgres.PostgresUrl.Redact(where)} ({error}). Run .ci/setup (as root) or set the environment variable.";
        if (InCi)
        {
            throw new InvalidOperationException("CI=true and " + message);
        }

        Assert.Skip(message);
    }

    private static string? Probe(Action probe)
    {
        try
        {
            probe();
            return null;
        }
        catch (Exception e)
        {
            return e.GetType().Name + ": " + e.Message;
        }
    }

    private static (string?, string?) FindPython()
    {
        string[] candidates = Environment.GetEnvironmentVariable("SHARPTUNE_PYTHON") is { } p ? [p] : ["/usr/bin/python3", "python3"];
        string? last = null;
        foreach (string candidate in candidates)
        {
            try
            {
                var psi = new ProcessStartInfo(candidate, ["-c", "import optuna; print(optuna.__version__)"]) { RedirectStandardOutput = true, RedirectStandardError = true };
                using var proc = Process.Start(psi)!;
                string output = proc.StandardOutput.ReadToEnd();
                string err = proc.StandardError.ReadToEnd();
                proc.WaitForExit();
                if (proc.ExitCode == 0)
                {
                    return (candidate, null);
                }

                last = $"{candidate}: {err.Trim()}";
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                last = $"{candidate}: {e.Message}";
            }
        }

        return (null, last);
    }
}
