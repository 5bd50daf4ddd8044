using System.Collections.Concurrent;
using Sharptune.Storages;

namespace Sharptune.Hosting;

/// <summary>
/// Opens the storages named by URL in the options, once per URL (studies that share a URL share the storage), and
/// disposes them with the host.
/// </summary>
internal sealed class StorageProvider : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<IStorage>> _byUrl = new(StringComparer.Ordinal);
    private readonly Lazy<InMemoryStorage> _memory = new(() => new InMemoryStorage());

    /// <summary>Gets the in-memory storage shared by the studies that name no storage.</summary>
    public IStorage Memory => _memory.Value;

    /// <summary>Opens (or returns the already opened) storage of a URL with the given heartbeat.</summary>
    /// <param name="url">The URL, e.g. <c>sqlite:///tuning.db</c>.</param>
    /// <param name="heartbeat">The heartbeat settings.</param>
    /// <returns>The storage.</returns>
    public IStorage Open(string url, HeartbeatOptions heartbeat)
    {
        url = url.Trim();
        string key = url + "\n" + heartbeat.Key;
        var lazy = _byUrl.GetOrAdd(key, _ => new Lazy<IStorage>(() => OpenUrl(url, heartbeat), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _byUrl.TryRemove(new KeyValuePair<string, Lazy<IStorage>>(key, lazy));
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in _byUrl.Values)
        {
            if (!lazy.IsValueCreated)
            {
                continue;
            }

            switch (lazy.Value)
            {
                case IAsyncDisposable a:
                    await a.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable d:
                    d.Dispose();
                    break;
            }
        }

        _byUrl.Clear();
    }

    private static IStorage OpenUrl(string url, HeartbeatOptions heartbeat)
    {
        if (!heartbeat.IsOn)
        {
            return Sharptune.Storages.StorageFactory.FromUrl(url);
        }

        // Redis URLs name a journal; every other scheme (sqlite, postgresql) a relational database.
        StorageOptions options = IsJournalUrl(url) ? new JournalStorageOptions() : new RdbStorageOptions();
        options.HeartbeatInterval = heartbeat.Interval;
        options.GracePeriod = heartbeat.GracePeriod;
        if (heartbeat.MaxRetry is { } maxRetry)
        {
            options.StaleTrialCallback = new RetryFailedTrialCallback(maxRetry);
        }

        return Sharptune.Storages.StorageFactory.FromUrl(url, options);
    }

    private static bool IsJournalUrl(string url) =>
        url.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase) ||
        url.StartsWith("redis+", StringComparison.OrdinalIgnoreCase);
}
