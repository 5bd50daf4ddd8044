using Sharptune.Storages;
using Sharptune.Storages.Postgres;
using Sharptune.Storages.Redis;

namespace Sharptune.Cli;

/// <summary>Opens the storage of <c>--storage</c> (or the environment) the way Optuna's CLI guesses its class.</summary>
internal static class StorageOpener
{
    /// <summary>The storage class hints <c>--storage-class</c> takes (Optuna's class names).</summary>
    public static readonly string[] Classes = ["RDBStorage", "JournalFileBackend", "JournalRedisBackend"];

    /// <summary>Deprecated class names Optuna still accepts.</summary>
    public static readonly string[] DeprecatedClasses = ["JournalFileStorage", "JournalRedisStorage"];

    /// <summary>The environment variables read when <c>--storage</c> is absent, first match wins.</summary>
    public static readonly string[] EnvironmentVariables = ["SHARPTUNE_STORAGE", "OPTUNA_STORAGE"];

    static StorageOpener()
    {
        // Registered here rather than found by assembly loading, which Native AOT does not do.
        PostgresStorage.Register();
        RedisJournal.Register();
    }

    /// <summary>Resolves the storage URL: <c>--storage</c>, then <c>SHARPTUNE_STORAGE</c>, then <c>OPTUNA_STORAGE</c>.</summary>
    /// <param name="url">The option's value.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <returns>The URL.</returns>
    /// <exception cref="CliException">None is set.</exception>
    public static string ResolveUrl(string? url, Func<string, string?> environment)
    {
        if (!string.IsNullOrEmpty(url))
        {
            return url;
        }

        foreach (string name in EnvironmentVariables)
        {
            if (environment(name) is { Length: > 0 } value)
            {
                return value;
            }
        }

        throw new CliException("Storage URL is not specified. Use --storage, or set SHARPTUNE_STORAGE (or OPTUNA_STORAGE).");
    }

    /// <summary>Opens a storage.</summary>
    /// <param name="url">The URL or journal file path.</param>
    /// <param name="storageClass">The class hint, or <see langword="null"/> to guess: <c>redis…</c> is a Redis journal, an existing file a journal file, anything else a database URL.</param>
    /// <returns>The storage (dispose it).</returns>
    public static IStorage Open(string url, string? storageClass)
    {
        switch (storageClass)
        {
            case "RDBStorage":
                return StorageFactory.FromUrl(url);
            case "JournalFileBackend" or "JournalFileStorage":
                return new JournalStorage(url);
            case "JournalRedisBackend" or "JournalRedisStorage":
                return new JournalStorage(new JournalRedisBackend(url));
            case null:
                break;
            default:
                throw new CliException("Unsupported storage class");
        }

        if (url.StartsWith("redis", StringComparison.OrdinalIgnoreCase))
        {
            return new JournalStorage(new JournalRedisBackend(url));
        }

        if (File.Exists(url))
        {
            return new JournalStorage(url);
        }

        if (!url.Contains("://", StringComparison.Ordinal))
        {
            throw new CliException(
                $"Failed to guess storage class from storage_url '{UrlText.Redact(url)}': it is neither a database URL (sqlite:///file.db, postgresql://…, redis://…) nor an existing journal file. A new journal file needs --storage-class JournalFileBackend.");
        }

        return StorageFactory.FromUrl(url);
    }
}
