using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Sharptune.Storages;

/// <summary>
/// SQLite through Microsoft.Data.Sqlite, with Optuna's SQLite DDL. Connections use write-ahead logging, a busy
/// timeout and <c>BEGIN IMMEDIATE</c> write transactions, so that many threads and processes share one database
/// file without "database is locked" errors; <c>synchronous=NORMAL</c> for intermediate writes (safe against a
/// process crash) and <c>synchronous=FULL</c> for the commits that must survive a power loss (trial states,
/// studies).
/// </summary>
public sealed class SqliteDialect : RdbDialect
{
    private static readonly string[] ReadFormats = ["yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd"];

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS studies (
        	study_id INTEGER NOT NULL, 
        	study_name VARCHAR(512) NOT NULL, 
        	PRIMARY KEY (study_id)
        )
        """,
        "CREATE UNIQUE INDEX IF NOT EXISTS ix_studies_study_name ON studies (study_name)",
        """
        CREATE TABLE IF NOT EXISTS version_info (
        	version_info_id INTEGER NOT NULL, 
        	schema_version INTEGER, 
        	library_version VARCHAR(256), 
        	PRIMARY KEY (version_info_id), 
        	CHECK (version_info_id=1)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS study_directions (
        	study_direction_id INTEGER NOT NULL, 
        	direction VARCHAR(8) NOT NULL, 
        	study_id INTEGER NOT NULL, 
        	objective INTEGER NOT NULL, 
        	PRIMARY KEY (study_direction_id), 
        	UNIQUE (study_id, objective), 
        	FOREIGN KEY(study_id) REFERENCES studies (study_id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS study_user_attributes (
        	study_user_attribute_id INTEGER NOT NULL, 
        	study_id INTEGER, 
        	"key" VARCHAR(512), 
        	value_json TEXT, 
        	PRIMARY KEY (study_user_attribute_id), 
        	UNIQUE (study_id, "key"), 
        	FOREIGN KEY(study_id) REFERENCES studies (study_id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS study_system_attributes (
        	study_system_attribute_id INTEGER NOT NULL, 
        	study_id INTEGER, 
        	"key" VARCHAR(512), 
        	value_json TEXT, 
        	PRIMARY KEY (study_system_attribute_id), 
        	UNIQUE (study_id, "key"), 
        	FOREIGN KEY(study_id) REFERENCES studies (study_id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS trials (
        	trial_id INTEGER NOT NULL, 
        	number INTEGER, 
        	study_id INTEGER, 
        	state VARCHAR(8) NOT NULL, 
        	datetime_start DATETIME, 
        	datetime_complete DATETIME, 
        	PRIMARY KEY (trial_id), 
        	FOREIGN KEY(study_id) REFERENCES studies (study_id)
        )
        """,
        "CREATE INDEX IF NOT EXISTS ix_trials_study_id ON trials (study_id)",
        """
        CREATE TABLE IF NOT EXISTS trial_user_attributes (
        	trial_user_attribute_id INTEGER NOT NULL, 
        	trial_id INTEGER, 
        	"key" VARCHAR(512), 
        	value_json TEXT, 
        	PRIMARY KEY (trial_user_attribute_id), 
        	UNIQUE (trial_id, "key"), 
        	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS trial_system_attributes (
        	trial_system_attribute_id INTEGER NOT NULL, 
        	trial_id INTEGER, 
        	"key" VARCHAR(512), 
        	value_json TEXT, 
        	PRIMARY KEY (trial_system_attribute_id), 
        	UNIQUE (trial_id, "key"), 
        	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS trial_params (
        	param_id INTEGER NOT NULL, 
        	trial_id INTEGER, 
        	param_name VARCHAR(512), 
        	param_value FLOAT, 
        	distribution_json TEXT, 
        	PRIMARY KEY (param_id), 
        	UNIQUE (trial_id, param_name), 
        	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS trial_values (
        	trial_value_id INTEGER NOT NULL, 
        	trial_id INTEGER NOT NULL, 
        	objective INTEGER NOT NULL, 
        	value FLOAT, 
        	value_type VARCHAR(7) NOT NULL, 
        	PRIMARY KEY (trial_value_id), 
        	UNIQUE (trial_id, objective), 
        	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS trial_intermediate_values (
        	trial_intermediate_value_id INTEGER NOT NULL, 
        	trial_id INTEGER NOT NULL, 
        	step INTEGER NOT NULL, 
        	intermediate_value FLOAT, 
        	intermediate_value_type VARCHAR(7) NOT NULL, 
        	PRIMARY KEY (trial_intermediate_value_id), 
        	UNIQUE (trial_id, step), 
        	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS trial_heartbeats (
        	trial_heartbeat_id INTEGER NOT NULL, 
        	trial_id INTEGER NOT NULL, 
        	heartbeat DATETIME NOT NULL, 
        	PRIMARY KEY (trial_heartbeat_id), 
        	UNIQUE (trial_id), 
        	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS alembic_version (
        	version_num VARCHAR(32) NOT NULL, 
        	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
        )
        """,
    ];

    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbConnection, SqliteRaw> _raw = new();
    private volatile bool _walChecked;

    /// <summary>Initializes a new instance of the <see cref="SqliteDialect"/> class.</summary>
    /// <param name="path">The database file (created when absent), or <c>:memory:</c> for a private in-memory database.</param>
    /// <param name="busyTimeout">How long one statement waits for a lock held by another connection before the storage backs off and retries (default 10 s).</param>
    /// <exception cref="ArgumentException">The path is empty.</exception>
    public SqliteDialect(string path, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        IsMemory = path == ":memory:";
        _busyTimeoutMs = (int)Math.Clamp((busyTimeout ?? TimeSpan.FromSeconds(10)).TotalMilliseconds, 0, int.MaxValue);
        if (!IsMemory)
        {
            string? directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
            if (directory is not null && !Directory.Exists(directory))
            {
                throw new ArgumentException($"The directory of the SQLite database '{path}' does not exist.", nameof(path));
            }
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = Math.Max(1, _busyTimeoutMs / 1000),
        }.ToString();
    }

    /// <summary>Gets the database file path (or <c>:memory:</c>).</summary>
    public string Path { get; }

    /// <summary>Gets a value indicating whether the database lives in memory (one connection, lost at disposal).</summary>
    public bool IsMemory { get; }

    /// <inheritdoc/>
    public override string Name => "sqlite";

    /// <inheritdoc/>
    public override string DisplayName => "sqlite:///" + Path;

    /// <inheritdoc/>
    public override int MaxConnections => IsMemory ? 1 : 64;

    /// <inheritdoc/>
    public override IReadOnlyList<string> CreateSchemaStatements => Schema;

    /// <inheritdoc/>
    public override string TableExistsSql => "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = @name";

    /// <inheritdoc/>
    public override string NowSql => "(strftime('%Y-%m-%d %H:%M:%f', 'now') || '000')";

    /// <inheritdoc/>
    public override string NowMinusSecondsSql(string secondsParameter) =>
        $"(strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || {secondsParameter} || ' seconds') || '000')";

    /// <inheritdoc/>
    public override bool SerializesWriters => true;

    /// <inheritdoc/>
    public override bool SeparateDurableConnections => false;

    /// <inheritdoc/>
    public override DbConnection OpenConnection(bool durable)
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA busy_timeout = {_busyTimeoutMs.ToString(CultureInfo.InvariantCulture)}";
            command.ExecuteNonQuery();
            if (!IsMemory && !_walChecked)
            {
                command.CommandText = "PRAGMA journal_mode";
                if (!string.Equals(command.ExecuteScalar() as string, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    command.CommandText = "PRAGMA journal_mode = WAL";
                    command.ExecuteScalar();
                }

                _walChecked = true;
            }

            command.CommandText = durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL";
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public override DbTransaction BeginWriteTransaction(DbConnection connection, bool durable)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var raw = Raw(connection);
        if (durable)
        {
            raw.Statement("PRAGMA synchronous = FULL").Execute();
        }

        return new SqliteRawTransaction(raw);
    }

    /// <inheritdoc/>
    public override void CloseConnection(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (_raw.TryGetValue(connection, out var raw))
        {
            _raw.Remove(connection);
            raw.Dispose();
        }
    }

    /// <summary>The prepared statements of a connection of this dialect.</summary>
    internal SqliteRaw Raw(DbConnection connection) => _raw.GetValue(connection, static c => new SqliteRaw((SqliteConnection)c));

    /// <inheritdoc/>
    public override void EndWriteTransaction(DbConnection connection, bool durable)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (durable)
        {
            Raw(connection).Statement("PRAGMA synchronous = NORMAL").Execute();
        }
    }

    /// <inheritdoc/>
    public override void ConfigureDateTimeParameter(DbParameter parameter, DateTime? utc)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (parameter.DbType != System.Data.DbType.String)
        {
            parameter.DbType = System.Data.DbType.String;
        }

        parameter.Value = utc is { } t ? FormatDateTime(t) : DBNull.Value;
    }

    /// <inheritdoc/>
    public override DateTime ReadDateTime(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string text = reader.GetString(ordinal);
        return ParseDateTime(text);
    }

    /// <inheritdoc/>
    public override bool IsTransient(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 };

    /// <inheritdoc/>
    public override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    /// <summary>Formats a time as SQLAlchemy stores it in SQLite (<c>YYYY-MM-DD HH:MM:SS.ffffff</c>) without a format parser: this runs for every trial.</summary>
    internal static string FormatDateTime(DateTime t) => string.Create(Internal.DateText.Length, t, static (span, t) => Internal.DateText.Write(span, t, ' '));

    /// <summary>Parses SQLAlchemy's SQLite datetime text (<c>YYYY-MM-DD HH:MM:SS[.ffffff]</c>) as UTC.</summary>
    internal static DateTime ParseDateTime(string text)
    {
        if (DateTime.TryParseExact(text, ReadFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var result))
        {
            return DateTime.SpecifyKind(result, DateTimeKind.Utc);
        }

        throw new FormatException($"Unrecognized SQLite datetime '{text}'.");
    }
}
