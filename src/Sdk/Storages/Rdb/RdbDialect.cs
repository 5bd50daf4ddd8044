using System.Data.Common;

namespace Sharptune.Storages;

/// <summary>
/// What <see cref="RdbStorage"/> needs to know about one database engine: how to open connections, the DDL of
/// Optuna's schema (version 12), and the few SQL fragments and error codes that differ between engines. Sharptune
/// ships <see cref="SqliteDialect"/>; the package <c>Sharptune.Storage.Postgres</c> adds PostgreSQL.
/// </summary>
public abstract class RdbDialect : IDisposable
{
    /// <summary>Gets the engine name as it appears in URLs (<c>sqlite</c>, <c>postgresql</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Gets a description of the database for messages, without secrets (e.g. the URL with its password masked).</summary>
    public abstract string DisplayName { get; }

    /// <summary>Gets the largest number of connections the storage keeps open at once (1 serializes every operation).</summary>
    public virtual int MaxConnections => 64;

    /// <summary>Gets the statements that create Optuna's tables, indexes and types when they are absent (idempotent).</summary>
    public abstract IReadOnlyList<string> CreateSchemaStatements { get; }

    /// <summary>Gets an SQL query that returns one row when the table named by the parameter <c>@name</c> exists.</summary>
    public abstract string TableExistsSql { get; }

    /// <summary>Gets the suffix that locks the selected rows until the transaction ends (<c> FOR UPDATE</c>), or an empty string.</summary>
    public virtual string ForUpdate => string.Empty;

    /// <summary>Gets an SQL expression for the current time in the heartbeat convention of the engine (naive UTC on SQLite, the session's local time on PostgreSQL).</summary>
    public abstract string NowSql { get; }

    /// <summary>Returns an SQL expression for the current time (as <see cref="NowSql"/>) minus a number of seconds.</summary>
    /// <param name="secondsParameter">The name of a parameter holding the seconds (a double).</param>
    /// <returns>The expression.</returns>
    public abstract string NowMinusSecondsSql(string secondsParameter);

    /// <summary>
    /// Gets a value indicating whether the engine lets one writer at a time write to the whole database (SQLite):
    /// then a single statement that reads and writes is atomic with respect to every other writer, and needs no
    /// explicit transaction with row locks.
    /// </summary>
    public virtual bool SerializesWriters => false;

    /// <summary>
    /// Gets a value indicating whether durable commits use connections of their own (opened with
    /// <c>durable: true</c>). Otherwise every connection is opened non-durable and
    /// <see cref="BeginWriteTransaction"/> makes one transaction durable: better where a connection loses its cache
    /// when another one writes (SQLite).
    /// </summary>
    public virtual bool SeparateDurableConnections => true;

    /// <summary>Opens and configures a new connection.</summary>
    /// <param name="durable">
    /// Whether the connection's commits must reach stable storage before they return (PostgreSQL
    /// <c>synchronous_commit=on</c>). The storage makes durable the commits that finish trials or change studies;
    /// the intermediate writes become durable with the next durable commit.
    /// </param>
    /// <returns>The open connection.</returns>
    public abstract DbConnection OpenConnection(bool durable);

    /// <summary>Begins a transaction that will write.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="durable">Whether the commit must reach stable storage before it returns (for dialects without <see cref="SeparateDurableConnections"/>).</param>
    /// <returns>The transaction.</returns>
    public abstract DbTransaction BeginWriteTransaction(DbConnection connection, bool durable);

    /// <summary>Runs before a connection of this dialect is closed (to release what the dialect keeps for it).</summary>
    /// <param name="connection">The connection.</param>
    public virtual void CloseConnection(DbConnection connection)
    {
    }

    /// <summary>Runs after a write transaction committed or rolled back (e.g. to make the connection non-durable again).</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="durable">Whether the transaction was begun durable.</param>
    public virtual void EndWriteTransaction(DbConnection connection, bool durable)
    {
    }

    /// <summary>Runs before the schema is created or checked, inside the write transaction (e.g. takes an advisory lock).</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="transaction">The transaction.</param>
    public virtual void LockSchema(DbConnection connection, DbTransaction transaction)
    {
    }

    /// <summary>Returns the SQL text for a parameter written to an enum column (e.g. <c>CAST(@p AS trialstate)</c>).</summary>
    /// <param name="parameterName">The parameter name, with its prefix.</param>
    /// <param name="enumTypeName">The type name in Optuna's schema: <c>trialstate</c>, <c>studydirection</c>, <c>trialvaluetype</c> or <c>trialintermediatevaluetype</c>.</param>
    /// <returns>The SQL text.</returns>
    public virtual string EnumParameter(string parameterName, string enumTypeName) => parameterName;

    /// <summary>Sets the type and value of a parameter written to a <c>DATETIME</c> column (naive UTC).</summary>
    /// <param name="parameter">The parameter.</param>
    /// <param name="utc">The time, or <see langword="null"/> for SQL NULL.</param>
    public abstract void ConfigureDateTimeParameter(DbParameter parameter, DateTime? utc);

    /// <summary>Reads a <c>DATETIME</c> column as UTC.</summary>
    /// <param name="reader">The reader.</param>
    /// <param name="ordinal">The column.</param>
    /// <returns>The time, with <see cref="DateTimeKind.Utc"/>.</returns>
    public abstract DateTime ReadDateTime(DbDataReader reader, int ordinal);

    /// <summary>Returns whether an error is transient (lock contention, serialization failure, deadlock) so that the operation may be retried.</summary>
    /// <param name="exception">The error.</param>
    /// <returns><see langword="true"/> to retry.</returns>
    public abstract bool IsTransient(Exception exception);

    /// <summary>Returns whether an error is a unique-constraint violation.</summary>
    /// <param name="exception">The error.</param>
    /// <returns><see langword="true"/> for a unique violation.</returns>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>Releases the resources of the dialect (e.g. a data source).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the resources of the dialect.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }
}
