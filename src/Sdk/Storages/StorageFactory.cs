using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Sharptune.Storages;

/// <summary>
/// Opens storages from URLs (Optuna's <c>get_storage</c>): <c>sqlite:///relative.db</c>,
/// <c>sqlite:////absolute/path.db</c>, <c>sqlite:///:memory:</c> (built in), <c>postgresql://user:pass@host:port/db</c>
/// (package <c>Sharptune.Storage.Postgres</c>) and <c>redis://host:port/db</c> (a journal in Redis, package
/// <c>Sharptune.Storage.Redis</c>). Packages add schemes with <see cref="RegisterScheme"/>; a referenced package
/// registers itself the first time its scheme is asked for.
/// </summary>
public static class StorageFactory
{
    private static readonly ConcurrentDictionary<string, Func<string, StorageOptions?, IStorage>> Schemes = new(StringComparer.OrdinalIgnoreCase);
    private static readonly ConcurrentDictionary<string, Func<string, RdbDialect>> Dialects = new(StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, string> SchemePackages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["postgresql"] = "Sharptune.Storage.Postgres",
        ["postgres"] = "Sharptune.Storage.Postgres",
        ["redis"] = "Sharptune.Storage.Redis",
        ["rediss"] = "Sharptune.Storage.Redis",
    };

    static StorageFactory()
    {
        Dialects["sqlite"] = static url =>
        {
            var (path, timeout) = StorageUrl.ParseSqlite(url);
            return new SqliteDialect(path, timeout);
        };
    }

    /// <summary>Opens the storage a URL names.</summary>
    /// <param name="url">The URL, e.g. <c>sqlite:///sharptune.db</c> or <c>postgresql://user:pass@localhost/db</c>.</param>
    /// <param name="options">Heartbeat and backend options (<see cref="RdbStorageOptions"/> or <see cref="JournalStorageOptions"/>), or <see langword="null"/>.</param>
    /// <returns>The storage.</returns>
    /// <exception cref="ArgumentException">The URL is malformed, its scheme is unknown, or the package that handles it is not referenced.</exception>
    public static IStorage FromUrl(string url, StorageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        string scheme = SchemeOf(url);
        if (TryGet(Dialects, scheme, out var dialectFactory))
        {
            var rdbOptions = AsRdb(options);
            return new RdbStorage(dialectFactory(url), rdbOptions, ownsDialect: true);
        }

        if (TryGet(Schemes, scheme, out var factory))
        {
            return factory(url, options);
        }

        throw Unsupported(url, scheme);
    }

    /// <summary>Creates the dialect a relational-database URL names.</summary>
    internal static RdbDialect CreateDialect(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        string scheme = SchemeOf(url);
        if (TryGet(Dialects, scheme, out var dialectFactory))
        {
            return dialectFactory(url);
        }

        if (TryGet(Schemes, scheme, out _))
        {
            throw new ArgumentException($"'{UrlText.Redact(url)}' does not name a relational database; open it with StorageFactory.FromUrl.", nameof(url));
        }

        throw Unsupported(url, scheme);
    }

    private static ArgumentException Unsupported(string url, string scheme)
    {
        if (scheme.StartsWith("mysql", StringComparison.OrdinalIgnoreCase) || scheme.StartsWith("mariadb", StringComparison.OrdinalIgnoreCase))
        {
            return new ArgumentException($"The storage URL '{UrlText.Redact(url)}' names MySQL, which Sharptune does not support. Use sqlite:/// or postgresql:// (package Sharptune.Storage.Postgres), or a JournalStorage.", nameof(url));
        }

        if (SchemePackages.TryGetValue(BaseScheme(scheme), out string? package))
        {
            return new ArgumentException($"The storage URL scheme '{scheme}' needs the package {package}: add a reference to it.", nameof(url));
        }

        return new ArgumentException($"Unknown storage URL scheme '{scheme}' in '{UrlText.Redact(url)}'. Supported: sqlite:///path.db, postgresql://user:pass@host:port/db, redis://host:port/db.", nameof(url));
    }

    /// <summary>Registers the dialect of a relational database URL scheme (used by the storage packages; later registrations win).</summary>
    /// <param name="scheme">The scheme, e.g. <c>postgresql</c>; a <c>scheme+driver</c> URL uses the dialect of <c>scheme</c>.</param>
    /// <param name="factory">Creates the dialect from the full URL.</param>
    public static void RegisterDialect(string scheme, Func<string, RdbDialect> factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        ArgumentNullException.ThrowIfNull(factory);
        Dialects[scheme] = factory;
    }

    /// <summary>Registers the factory of a non-relational URL scheme (used by the storage packages; later registrations win).</summary>
    /// <param name="scheme">The scheme, e.g. <c>postgresql</c>; a <c>scheme+driver</c> URL uses the factory of <c>scheme</c>.</param>
    /// <param name="factory">Creates the storage from the full URL and the options.</param>
    public static void RegisterScheme(string scheme, Func<string, StorageOptions?, IStorage> factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        ArgumentNullException.ThrowIfNull(factory);
        Schemes[scheme] = factory;
    }

    /// <summary>Returns the options as RDB options, or throws when they are of another kind.</summary>
    internal static RdbStorageOptions? AsRdb(StorageOptions? options) => options switch
    {
        null => null,
        RdbStorageOptions r => r,
        _ => throw new ArgumentException($"An RDB storage URL takes {nameof(RdbStorageOptions)}, not {options.GetType().Name}.", nameof(options)),
    };

    /// <summary>Returns the options as journal options, or throws when they are of another kind.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The journal options.</returns>
    /// <exception cref="ArgumentException">The options are of another kind.</exception>
    public static JournalStorageOptions? AsJournal(StorageOptions? options) => options switch
    {
        null => null,
        JournalStorageOptions j => j,
        _ => throw new ArgumentException($"A journal storage URL takes {nameof(JournalStorageOptions)}, not {options.GetType().Name}.", nameof(options)),
    };

    private static bool TryGet<T>(ConcurrentDictionary<string, T> registry, string scheme, out T factory)
    {
        if (registry.TryGetValue(scheme, out factory!) || registry.TryGetValue(BaseScheme(scheme), out factory!))
        {
            return true;
        }

        if (SchemePackages.TryGetValue(BaseScheme(scheme), out string? package) && TryLoadPackage(package))
        {
            return registry.TryGetValue(scheme, out factory!) || registry.TryGetValue(BaseScheme(scheme), out factory!);
        }

        return false;
    }

    /// <summary>Loads a storage package by name and runs its module initializer, which registers its schemes.</summary>
    private static bool TryLoadPackage(string assemblyName)
    {
        try
        {
            var assembly = Assembly.Load(new AssemblyName(assemblyName));
            RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException or PlatformNotSupportedException)
        {
            return false;
        }
    }

    private static string SchemeOf(string url)
    {
        int i = url.IndexOf("://", StringComparison.Ordinal);
        if (i <= 0)
        {
            throw new ArgumentException($"'{UrlText.Redact(url)}' is not a storage URL: expected scheme://…, e.g. sqlite:///sharptune.db.", nameof(url));
        }

        return url[..i];
    }

    private static string BaseScheme(string scheme)
    {
        int plus = scheme.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? scheme : scheme[..plus];
    }
}
