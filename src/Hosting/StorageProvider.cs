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

    /// <summary>Opens (or returns the already opened) storage of a URL.</summary>
    /// <param name="url">The URL, e.g. <c>sqlite:///tuning.db</c>.</param>
    /// <returns>The storage.</returns>
    public IStorage Open(string url)
    {
        var lazy = _byUrl.GetOrAdd(url.Trim(), static u => new Lazy<IStorage>(() => OpenUrl(u), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _byUrl.TryRemove(new KeyValuePair<string, Lazy<IStorage>>(url.Trim(), lazy));
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

    private static IStorage OpenUrl(string url) =>
        throw new NotSupportedException($"No storage driver understands the URL '{url}': persistent storages are not available in this build.");
}
