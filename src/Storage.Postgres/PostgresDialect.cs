using System.Data.Common;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Sharptune.Storages.Postgres;

/// <summary>
/// PostgreSQL through Npgsql, with Optuna's PostgreSQL DDL (enum types <c>studydirection</c>, <c>trialstate</c>,
/// <c>trialvaluetype</c>, <c>trialintermediatevaluetype</c>; <c>SERIAL</c> keys; naive timestamps). Trial creation
/// locks the study row (<c>SELECT … FOR UPDATE</c>), so numbers stay unique and contiguous across processes;
/// serialization failures and deadlocks are retried by <see cref="RdbStorage"/>. Intermediate writes commit with
/// <c>synchronous_commit = off</c>; trial states and study changes commit synchronously (which also makes every
/// earlier write durable).
/// </summary>
public sealed class PostgresDialect : RdbDialect
{
    private const long SchemaLockKey = 0x5368_6172_7074_756E; // "Sharptun"

    private static readonly string[] Schema =
    [
        EnumType("studydirection", "'NOT_SET', 'MINIMIZE', 'MAXIMIZE'"),
        EnumType("trialstate", "'RUNNING', 'COMPLETE', 'PRUNED', 'FAIL', 'WAITING'"),
        EnumType("trialvaluetype", "'FINITE', 'INF_POS', 'INF_NEG'"),
        EnumType("trialintermediatevaluetype", "'FINITE', 'INF_POS', 'INF_NEG', 'NAN'"),
        "CREATE TABLE IF NOT EXISTS studies (study_id SERIAL NOT NULL, study_name VARCHAR(512) NOT NULL, PRIMARY KEY (study_id))",
        "CREATE UNIQUE INDEX IF NOT EXISTS ix_studies_study_name ON studies (study_name)",
        "CREATE TABLE IF NOT EXISTS version_info (version_info_id INTEGER NOT NULL, schema_version INTEGER, library_version VARCHAR(256), PRIMARY KEY (version_info_id), CHECK (version_info_id=1))",
        "CREATE TABLE IF NOT EXISTS study_directions (study_direction_id SERIAL NOT NULL, direction studydirection NOT NULL, study_id INTEGER NOT NULL, objective INTEGER NOT NULL, PRIMARY KEY (study_direction_id), UNIQUE (study_id, objective), FOREIGN KEY(study_id) REFERENCES studies (study_id))",
        "CREATE TABLE IF NOT EXISTS study_user_attributes (study_user_attribute_id SERIAL NOT NULL, study_id INTEGER, key VARCHAR(512), value_json TEXT, PRIMARY KEY (study_user_attribute_id), UNIQUE (study_id, key), FOREIGN KEY(study_id) REFERENCES studies (study_id))",
        "CREATE TABLE IF NOT EXISTS study_system_attributes (study_system_attribute_id SERIAL NOT NULL, study_id INTEGER, key VARCHAR(512), value_json TEXT, PRIMARY KEY (study_system_attribute_id), UNIQUE (study_id, key), FOREIGN KEY(study_id) REFERENCES studies (study_id))",
        "CREATE TABLE IF NOT EXISTS trials (trial_id SERIAL NOT NULL, number INTEGER, study_id INTEGER, state trialstate NOT NULL, datetime_start TIMESTAMP WITHOUT TIME ZONE, datetime_complete TIMESTAMP WITHOUT TIME ZONE, PRIMARY KEY (trial_id), FOREIGN KEY(study_id) REFERENCES studies (study_id))",
        "CREATE INDEX IF NOT EXISTS ix_trials_study_id ON trials (study_id)",
        "CREATE TABLE IF NOT EXISTS trial_user_attributes (trial_user_attribute_id SERIAL NOT NULL, trial_id INTEGER, key VARCHAR(512), value_json TEXT, PRIMARY KEY (trial_user_attribute_id), UNIQUE (trial_id, key), FOREIGN KEY(trial_id) REFERENCES trials (trial_id))",
        "CREATE TABLE IF NOT EXISTS trial_system_attributes (trial_system_attribute_id SERIAL NOT NULL, trial_id INTEGER, key VARCHAR(512), value_json TEXT, PRIMARY KEY (trial_system_attribute_id), UNIQUE (trial_id, key), FOREIGN KEY(trial_id) REFERENCES trials (trial_id))",
        "CREATE TABLE IF NOT EXISTS trial_params (param_id SERIAL NOT NULL, trial_id INTEGER, param_name VARCHAR(512), param_value DOUBLE PRECISION, distribution_json TEXT, PRIMARY KEY (param_id), UNIQUE (trial_id, param_name), FOREIGN KEY(trial_id) REFERENCES trials (trial_id))",
        "CREATE TABLE IF NOT EXISTS trial_values (trial_value_id SERIAL NOT NULL, trial_id INTEGER NOT NULL, objective INTEGER NOT NULL, value DOUBLE PRECISION, value_type trialvaluetype NOT NULL, PRIMARY KEY (trial_value_id), UNIQUE (trial_id, objective), FOREIGN KEY(trial_id) REFERENCES trials (trial_id))",
        "CREATE TABLE IF NOT EXISTS trial_intermediate_values (trial_intermediate_value_id SERIAL NOT NULL, trial_id INTEGER NOT NULL, step INTEGER NOT NULL, intermediate_value DOUBLE PRECISION, intermediate_value_type trialintermediatevaluetype NOT NULL, PRIMARY KEY (trial_intermediate_value_id), UNIQUE (trial_id, step), FOREIGN KEY(trial_id) REFERENCES trials (trial_id))",
        "CREATE TABLE IF NOT EXISTS trial_heartbeats (trial_heartbeat_id SERIAL NOT NULL, trial_id INTEGER NOT NULL, heartbeat TIMESTAMP WITHOUT TIME ZONE NOT NULL, PRIMARY KEY (trial_heartbeat_id), UNIQUE (trial_id), FOREIGN KEY(trial_id) REFERENCES trials (trial_id))",
        "CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))",
    ];

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly string _endpoint;
    private readonly int _connectTimeout;

    /// <summary>Initializes a new instance of the <see cref="PostgresDialect"/> class from a URL or an Npgsql connection string.</summary>
    /// <param name="urlOrConnectionString">
    /// <c>postgresql://user:pass@host:port/db?sslmode=…&amp;options=…</c> (SQLAlchemy's form, also with <c>+psycopg2</c>)
    /// or a connection string such as <c>Host=…;Username=…;Password=…;Database=…</c>.
    /// </param>
    /// <exception cref="ArgumentException">The URL is malformed or has an unsupported argument.</exception>
    public PostgresDialect(string urlOrConnectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(urlOrConnectionString);
        bool isUrl = urlOrConnectionString.Contains("://", StringComparison.Ordinal);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(isUrl ? PostgresUrl.ToConnectionString(urlOrConnectionString) : urlOrConnectionString);
        }
        catch (Exception e) when (!isUrl && e is ArgumentException or FormatException or InvalidCastException or OverflowException or KeyNotFoundException)
        {
            throw new ArgumentException(
                $"The PostgreSQL connection string '{PostgresUrl.Redact(urlOrConnectionString)}' is malformed: {UrlText.Scrub(e.Message, urlOrConnectionString)}",
                nameof(urlOrConnectionString));
        }

        if (!builder.ContainsKey("Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = 64;
        }

        // Npgsql's builder knows every keyword; the generic one tells which the connection string sets.
        if (!isUrl && !new System.Data.Common.DbConnectionStringBuilder { ConnectionString = builder.ConnectionString }.ContainsKey("Timeout"))
        {
            builder.Timeout = PostgresUrl.DefaultConnectTimeoutSeconds;
        }

        _endpoint = $"{builder.Host}:{builder.Port}";
        _connectTimeout = builder.Timeout;

        DisplayName = isUrl ? PostgresUrl.Redact(urlOrConnectionString) : $"postgresql://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
        _dataSource = NpgsqlDataSource.Create(builder);
        _ownsDataSource = true;
    }

    /// <summary>Initializes a new instance of the <see cref="PostgresDialect"/> class over an Npgsql data source.</summary>
    /// <param name="dataSource">The data source (its pool and settings are used as they are).</param>
    /// <param name="ownsDataSource">Whether disposing the dialect disposes the data source.</param>
    public PostgresDialect(NpgsqlDataSource dataSource, bool ownsDataSource = false)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        var b = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        DisplayName = $"postgresql://{b.Username}@{b.Host}:{b.Port}/{b.Database}";
        _endpoint = $"{b.Host}:{b.Port}";
        _connectTimeout = b.Timeout;
    }

    /// <inheritdoc/>
    public override string Name => "postgresql";

    /// <inheritdoc/>
    public override string DisplayName { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> CreateSchemaStatements => Schema;

    /// <inheritdoc/>
    public override string TableExistsSql => "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = @name";

    /// <inheritdoc/>
    public override string ForUpdate => " FOR UPDATE";

    /// <inheritdoc/>
    public override string NowSql => "LOCALTIMESTAMP";

    /// <inheritdoc/>
    public override string NowMinusSecondsSql(string secondsParameter) => $"(LOCALTIMESTAMP - make_interval(secs => {secondsParameter}))";

    /// <inheritdoc/>
    public override DbConnection OpenConnection(bool durable)
    {
        NpgsqlConnection connection;
        try
        {
            connection = _dataSource.OpenConnection();
        }
        catch (NpgsqlException e) when (e is not PostgresException)
        {
            // Refused, unreachable or silent: say where, and within which timeout.
            throw new NpgsqlException(
                $"Cannot connect to the PostgreSQL server at {_endpoint} ({DisplayName}, connect timeout {_connectTimeout} s): {e.Message}", e);
        }

        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = durable ? "SET synchronous_commit TO on" : "SET synchronous_commit TO off";
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
        return ((NpgsqlConnection)connection).BeginTransaction();
    }

    /// <inheritdoc/>
    public override void LockSchema(DbConnection connection, DbTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = ((NpgsqlConnection)connection).CreateCommand();
        command.Transaction = (NpgsqlTransaction)transaction;
        command.CommandText = "SELECT pg_advisory_xact_lock(" + SchemaLockKey.ToString(CultureInfo.InvariantCulture) + ")";
        command.ExecuteNonQuery();
    }

    /// <inheritdoc/>
    public override string EnumParameter(string parameterName, string enumTypeName) => $"CAST({parameterName} AS {enumTypeName})";

    /// <inheritdoc/>
    public override void ConfigureDateTimeParameter(DbParameter parameter, DateTime? utc)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ((NpgsqlParameter)parameter).NpgsqlDbType = NpgsqlDbType.Timestamp;
        parameter.Value = utc is { } t ? DateTime.SpecifyKind(t, DateTimeKind.Unspecified) : DBNull.Value;
    }

    /// <inheritdoc/>
    public override DateTime ReadDateTime(DbDataReader reader, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc);
    }

    /// <inheritdoc/>
    public override bool IsTransient(Exception exception) =>
        exception is PostgresException { SqlState: "40001" or "40P01" or "55P03" or "53300" or "57P03" };

    /// <inheritdoc/>
    public override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: "23505" };

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    private static string EnumType(string name, string values) =>
        $"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = '{name}' AND n.nspname = current_schema()) THEN CREATE TYPE {name} AS ENUM ({values}); END IF; END $$";
}
