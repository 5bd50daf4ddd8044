using Sharptune.Storages.Journal;
using Sharptune.Storages.Redis;
using Sharptune.Storages.Testing;
using Sharptune.Storages.Tests.Support;

namespace Sharptune.Storages.Tests.Contract;

public sealed class InMemoryStorageContractTests : StorageContractTests
{
    protected override IStorage CreateStorage() => new InMemoryStorage();
}

public sealed class SqliteStorageContractTests : PersistentStorageContractTests
{
    private readonly TempDirectory _dir = new();
    private string? _path;

    protected override IStorage CreateStorage()
    {
        _path = _dir.File($"{Guid.NewGuid():N}.db");
        return new RdbStorage("sqlite:///" + _path);
    }

    protected override IStorage OpenSameStorage(StorageOptions? options = null) =>
        new RdbStorage("sqlite:///" + _path, (RdbStorageOptions?)options);

    protected override StorageOptions CreateOptions() => new RdbStorageOptions();

    protected override void DisposeResources() => _dir.Dispose();
}

public sealed class SqliteInMemoryStorageContractTests : StorageContractTests
{
    protected override IStorage CreateStorage() => StorageFactory.FromUrl("sqlite:///:memory:");
}

public sealed class PostgresStorageContractTests : PersistentStorageContractTests
{
    private readonly List<PostgresSchema> _schemas = [];

    protected override IStorage CreateStorage()
    {
        var schema = new PostgresSchema();
        _schemas.Add(schema);
        return StorageFactory.FromUrl(schema.Url);
    }

    protected override IStorage OpenSameStorage(StorageOptions? options = null) => StorageFactory.FromUrl(_schemas[^1].Url, options);

    protected override StorageOptions CreateOptions() => new RdbStorageOptions();

    protected override void DisposeResources()
    {
        foreach (var s in _schemas)
        {
            s.Dispose();
        }
    }
}

public sealed class JournalFileStorageContractTests : PersistentStorageContractTests
{
    private readonly TempDirectory _dir = new();
    private string? _path;

    protected override IStorage CreateStorage()
    {
        _path = _dir.File($"{Guid.NewGuid():N}.log");
        return new JournalStorage(new JournalFileBackend(_path));
    }

    protected override IStorage OpenSameStorage(StorageOptions? options = null) =>
        new JournalStorage(new JournalFileBackend(_path!), (JournalStorageOptions?)options);

    protected override StorageOptions CreateOptions() => new JournalStorageOptions();

    protected override void DisposeResources() => _dir.Dispose();
}

public sealed class JournalRedisStorageContractTests : PersistentStorageContractTests
{
    private readonly List<string> _prefixes = [];

    protected override IStorage CreateStorage()
    {
        string url = TestServers.RequireRedis();
        string prefix = "sharptune-test-" + Guid.NewGuid().ToString("N")[..12];
        _prefixes.Add(prefix);
        return new JournalStorage(new JournalRedisBackend(url, prefix));
    }

    protected override IStorage OpenSameStorage(StorageOptions? options = null) =>
        new JournalStorage(new JournalRedisBackend(TestServers.RedisUrl, _prefixes[^1]), (JournalStorageOptions?)options);

    protected override StorageOptions CreateOptions() => new JournalStorageOptions();

    protected override void DisposeResources() => RedisKeys.Delete(_prefixes);
}
