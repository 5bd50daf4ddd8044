using System.Runtime.CompilerServices;

namespace Sharptune.Storages.Postgres;

/// <summary>
/// Opens PostgreSQL storages and registers the <c>postgresql://</c> and <c>postgres://</c> URL schemes with
/// <see cref="StorageFactory.FromUrl"/> (automatically when this assembly is referenced).
/// </summary>
public static class PostgresStorage
{
    /// <summary>Opens (and creates the schema of, when absent) a PostgreSQL storage.</summary>
    /// <param name="urlOrConnectionString">A <c>postgresql://</c> URL or an Npgsql connection string.</param>
    /// <param name="options">The options, or <see langword="null"/>.</param>
    /// <returns>The storage; dispose it to close its connections.</returns>
    public static RdbStorage Open(string urlOrConnectionString, RdbStorageOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(urlOrConnectionString);
        return new RdbStorage(new PostgresDialect(urlOrConnectionString), options, ownsDialect: true);
    }

    /// <summary>Registers the URL schemes (done automatically; call it when the assembly is loaded by other means).</summary>
    public static void Register()
    {
        StorageFactory.RegisterDialect("postgresql", static url => new PostgresDialect(url));
        StorageFactory.RegisterDialect("postgres", static url => new PostgresDialect(url));
    }

#pragma warning disable CA2255 // Registering the URL schemes when the assembly loads is the purpose of this initializer.
    [ModuleInitializer]
    internal static void Initialize() => Register();
#pragma warning restore CA2255
}
