using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;

namespace Sharptune.Storages;

/// <summary>
/// A storage in a relational database with Optuna's schema (version 12, Alembic head <c>v3.2.0.a</c>), so that
/// Python Optuna and optuna-dashboard open Sharptune studies and the reverse (Optuna's <c>RDBStorage</c> with its
/// <c>_CachedStorage</c>). SQLite is built in; PostgreSQL comes with the package <c>Sharptune.Storage.Postgres</c>.
/// Safe for many threads and processes: trial numbers are assigned under a per-study lock (the number after the
/// study's latest trial, found through the index on <c>study_id</c> instead of counting), a WAITING trial is
/// claimed by exactly one worker, and lock contention is retried with backoff. Finished trials are cached in the
/// process, so reading a study costs only its new and unfinished trials.
/// </summary>
public sealed partial class RdbStorage : IHeartbeatStorage, IQueuedWriteStorage, IDisposable
{
    private readonly RdbConnectionPool _pool;
    private readonly RdbStorageOptions _options;
    private long _durableCommits;
    private readonly bool _ownsDialect;
    private readonly ConcurrentDictionary<int, StudyCache> _studies = new();
    private readonly ConcurrentDictionary<int, (int StudyId, FrozenTrial Trial)> _finished = new();
    private readonly ConcurrentDictionary<int, (int StudyId, int Number)> _trialKeys = new();
    private readonly ConcurrentDictionary<string, Distribution> _distributionJson = new(StringComparer.Ordinal);
    private readonly Sql _sql;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="RdbStorage"/> class from a URL.</summary>
    /// <param name="url">
    /// <c>sqlite:///relative.db</c>, <c>sqlite:////absolute/path.db</c>, <c>sqlite:///:memory:</c> or
    /// <c>postgresql://user:pass@host:port/db</c> (with the package <c>Sharptune.Storage.Postgres</c>).
    /// </param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">The URL is not an RDB URL this process can open.</exception>
    /// <exception cref="InvalidOperationException">The database holds a schema version Sharptune cannot use.</exception>
    public RdbStorage(string url, RdbStorageOptions? options = null)
        : this(StorageFactory.CreateDialect(url), options, ownsDialect: true)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RdbStorage"/> class over a dialect.</summary>
    /// <param name="dialect">The database engine and location.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="ownsDialect">Whether disposing the storage disposes the dialect.</param>
    /// <exception cref="InvalidOperationException">The database holds a schema version Sharptune cannot use.</exception>
    public RdbStorage(RdbDialect dialect, RdbStorageOptions? options = null, bool ownsDialect = false)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        Dialect = dialect;
        _options = options ?? new RdbStorageOptions();
        _ownsDialect = ownsDialect;
        _sql = new Sql(dialect);
        _pool = new RdbConnectionPool(dialect);
        try
        {
            InitializeSchema();
        }
        catch
        {
            _pool.Dispose();
            if (ownsDialect)
            {
                dialect.Dispose();
            }

            throw;
        }
    }

    /// <summary>Gets the dialect (engine and location) of the storage.</summary>
    public RdbDialect Dialect { get; }

    /// <inheritdoc/>
    public TimeSpan? HeartbeatInterval => _options.HeartbeatInterval;

    /// <inheritdoc/>
    public TimeSpan GracePeriod => _options.EffectiveGracePeriod;

    /// <inheritdoc/>
    public Action<Study, FrozenTrial>? StaleTrialCallback => _options.StaleTrialCallback;

    /// <summary>Gets the Alembic revision stored in the database (<c>v3.2.0.a</c> for a schema Sharptune created).</summary>
    public string? SchemaRevision { get; private set; }

    /// <inheritdoc/>
    public override string ToString() => $"RdbStorage({Dialect.DisplayName})";

    /// <summary>Closes the connections of the storage; a storage opened from a URL (or told so) also disposes its dialect.</summary>
    public void Dispose()
    {
        lock (_flushLock)
        {
            _closing = true;
            _flushTimer?.Dispose();
        }

        try
        {
            // The queued writes of running trials are sent before the connections close.
            FlushPending();
        }
        catch (Exception e) when (e is StorageInternalException or InvalidOperationException)
        {
            // The database is unreachable: those writes of unfinished trials are lost, as after a crash.
        }

        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _pool.Dispose();
        if (_ownsDialect)
        {
            Dialect.Dispose();
        }
    }

    // ----- execution -----

    /// <summary>Runs an operation on a pooled connection, retrying transient failures with exponential backoff.</summary>
    private T Run<T>(Func<RdbConnection, T> operation, bool durable = false)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        long start = Stopwatch.GetTimestamp();
        double delayMs = 1;
        for (int attempt = 1; ; attempt++)
        {
            RdbConnection? connection = null;
            bool discard = false;
            try
            {
                connection = _pool.Rent(durable);
                return operation(connection);
            }
            catch (Exception e) when (IsRetryable(e) && Stopwatch.GetElapsedTime(start) < _options.RetryTimeout)
            {
                discard = connection?.IsBroken ?? false;
            }
            catch (DbException e) when (!Dialect.IsTransient(e))
            {
                discard = connection?.IsBroken ?? true;
                throw new StorageInternalException(
                    $"An exception is raised during the operation on {Dialect.DisplayName}. This typically happens due to invalid data, e.g. exceeding max length, or to a lost connection: {e.Message}",
                    e);
            }
            catch (DbException e)
            {
                discard = connection?.IsBroken ?? true;
                throw new StorageInternalException(
                    $"The database {Dialect.DisplayName} stayed locked or kept failing transiently for {_options.RetryTimeout.TotalSeconds:0.#} s ({attempt} attempts): {e.Message}",
                    e);
            }
            finally
            {
                if (connection is not null)
                {
                    _pool.Return(connection, discard);
                }
            }

            Thread.Sleep(TimeSpan.FromMilliseconds(delayMs * (0.5 + Random.Shared.NextDouble())));
            delayMs = Math.Min(delayMs * 2, 200);
        }
    }

    private void Run(Action<RdbConnection> operation) => Run(c =>
    {
        operation(c);
        return 0;
    });

    private bool IsRetryable(Exception e) => Dialect.IsTransient(e) || (e.InnerException is { } inner && Dialect.IsTransient(inner));

    /// <summary>Gets how many commits waited for stable storage (for tests of <see cref="RdbStorageOptions.DurableCommits"/>).</summary>
    internal long DurableCommitCount => Interlocked.Read(ref _durableCommits);

    /// <summary>Runs a write transaction; the body's exceptions roll it back.</summary>
    private T Write<T>(bool durable, Func<RdbConnection, T> body)
    {
        durable &= _options.DurableCommits;
        return Run(
            c =>
            {
                c.BeginWrite(durable);
                T result = body(c);
                c.Commit();
                if (durable)
                {
                    Interlocked.Increment(ref _durableCommits);
                }

                return result;
            },
            durable);
    }

    private void Write(bool durable, Action<RdbConnection> body) => Write(durable, c =>
    {
        body(c);
        return 0;
    });

    // ----- schema -----

    private void InitializeSchema() => Write(durable: true, c =>
    {
        Dialect.LockSchema(c.Connection, c.Transaction!);
        if (!_options.SkipTableCreation)
        {
            foreach (string ddl in Dialect.CreateSchemaStatements)
            {
                c.Command(ddl).ExecuteNonQuery();
            }
        }

        bool hasVersionTable = TableExists(c, "version_info");
        bool hasAlembic = TableExists(c, "alembic_version");
        int? schemaVersion = null;
        string? libraryVersion = null;
        if (hasVersionTable)
        {
            using var r = c.Command("SELECT schema_version, library_version FROM version_info").ExecuteReader();
            if (r.Read())
            {
                schemaVersion = r.IsDBNull(0) ? null : r.GetInt32(0);
                libraryVersion = r.IsDBNull(1) ? null : r.GetString(1);
            }
        }

        string? revision = null;
        if (hasAlembic)
        {
            revision = c.Command("SELECT version_num FROM alembic_version").ExecuteScalar() as string;
        }

        if (hasVersionTable && schemaVersion is null && libraryVersion is null && !_options.SkipTableCreation)
        {
            c.Command("INSERT INTO version_info (version_info_id, schema_version, library_version) VALUES (1, @v, @l)")
                .With("@v", RdbSchema.SchemaVersion).With("@l", RdbSchema.LibraryVersion).ExecuteNonQuery();
            schemaVersion = RdbSchema.SchemaVersion;
            libraryVersion = RdbSchema.LibraryVersion;
        }

        if (hasAlembic && revision is null && schemaVersion == RdbSchema.SchemaVersion && !_options.SkipTableCreation)
        {
            c.Command("INSERT INTO alembic_version (version_num) VALUES (@r)").With("@r", RdbSchema.HeadRevision).ExecuteNonQuery();
            revision = RdbSchema.HeadRevision;
        }

        SchemaRevision = revision;
        if (!_options.SkipCompatibilityCheck)
        {
            CheckCompatibility(revision, schemaVersion, libraryVersion);
        }
    });

    private bool TableExists(RdbConnection c, string name) =>
        c.Command(Dialect.TableExistsSql).With("@name", name).ExecuteScalar() is not null and not DBNull;

    private void CheckCompatibility(string? revision, int? schemaVersion, string? libraryVersion)
    {
        if (revision is RdbSchema.HeadRevision or RdbSchema.CompatibleRevision)
        {
            return;
        }

        string setUpBy = libraryVersion is null ? string.Empty : $" (set up by {(libraryVersion.StartsWith("sharptune", StringComparison.Ordinal) ? libraryVersion : "optuna " + libraryVersion)})";
        string where = Dialect.DisplayName;
        if (revision is null)
        {
            throw new InvalidOperationException(
                $"The storage {where} has no Alembic revision and schema version {schemaVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None"}{setUpBy}, which Sharptune does not recognize as Optuna's RDB schema. Upgrade it with `optuna storage upgrade --storage <URL>`, or use a new database.");
        }

        if (Array.IndexOf(RdbSchema.KnownRevisions, revision) >= 0)
        {
            throw new InvalidOperationException(
                $"The storage {where} uses the schema revision {revision}{setUpBy}, older than the one Sharptune uses ({RdbSchema.HeadRevision}, schema version {RdbSchema.SchemaVersion}). Upgrade it with `optuna storage upgrade --storage <URL>` (pip install optuna) and open it again.");
        }

        throw new InvalidOperationException(
            $"The storage {where} uses the schema revision {revision}{setUpBy}, which this Sharptune version does not know (it uses {RdbSchema.HeadRevision}, schema version {RdbSchema.SchemaVersion}). Update Sharptune to a version that supports it, or open the storage with the Optuna version that created it.");
    }

    private Distribution ParseDistribution(string json) => _distributionJson.GetOrAdd(json, static j => Distribution.FromJson(j));

    /// <summary>The cached state of one study in this process.</summary>
    private sealed class StudyCache
    {
        public Lock Lock { get; } = new();

        public List<FrozenTrial?> ByNumber { get; } = [];

        public HashSet<int> Unfinished { get; } = [];

        public int LastSeenId { get; set; } = -1;

        public int WaitingWatermark { get; set; } = -1;

        /// <summary>Gets or sets a value indicating whether asks try the single-statement insert first (SQLite: no other process's trial running at the last scan).</summary>
        public bool FastAsk { get; set; } = true;

        public HashSet<int> ScanUnfinished { get; } = [];

        public Dictionary<string, Distribution> ParamDistributions { get; } = new(StringComparer.Ordinal);

        public StudyDirection[]? Directions { get; set; }

        public string? Name { get; set; }
    }
}
