using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Sharptune.Storages;

/// <summary>
/// The statements of one SQLite connection, prepared once and run through the engine's own API: the storage's
/// per-trial statements (ask, the finishing transaction) skip the ADO.NET layer's per-execution costs (binding every
/// parameter by name, re-preparing <c>BEGIN</c> and <c>COMMIT</c>), which are most of a trial's time besides the disk.
/// Owned by <see cref="SqliteDialect"/> and finalized before the connection closes.
/// </summary>
internal sealed class SqliteRaw : IDisposable
{
    private readonly Dictionary<string, RawStatement> _statements = new(StringComparer.Ordinal);

    public SqliteRaw(SqliteConnection connection)
    {
        Connection = connection;
        Db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
    }

    public SqliteConnection Connection { get; }

    public sqlite3 Db { get; }

    /// <summary>Gets a value indicating whether a transaction is open on the connection.</summary>
    public bool InTransaction => raw.sqlite3_get_autocommit(Db) == 0;

    /// <summary>Returns the prepared statement for an SQL text (one statement; parameters named <c>@name</c>).</summary>
    public RawStatement Statement(string sql)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            int rc = raw.sqlite3_prepare_v2(Db, sql, out var stmt);
            if (rc != raw.SQLITE_OK)
            {
                throw Error(Db, rc);
            }

            statement = new RawStatement(Db, stmt);
            _statements[sql] = statement;
        }

        return statement;
    }

    public void Dispose()
    {
        foreach (var s in _statements.Values)
        {
            s.Dispose();
        }

        _statements.Clear();
    }

    internal static SqliteException Error(sqlite3 db, int rc) =>
        new($"SQLite Error {rc}: '{raw.sqlite3_errmsg(db).utf8_to_string()}'.", rc, raw.sqlite3_extended_errcode(db));
}

/// <summary>A prepared SQLite statement: bind by name (indexes looked up once), step, read columns, reset.</summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;
    private readonly Dictionary<string, int> _indexes = new(StringComparer.Ordinal);

    public RawStatement(sqlite3 db, sqlite3_stmt stmt)
    {
        _db = db;
        _stmt = stmt;
    }

    public RawStatement Bind(string name, long value) => Check(raw.sqlite3_bind_int64(_stmt, Index(name), value));

    public RawStatement Bind(string name, double? value) =>
        Check(value is { } v ? raw.sqlite3_bind_double(_stmt, Index(name), v) : raw.sqlite3_bind_null(_stmt, Index(name)));

    public RawStatement Bind(string name, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_stmt, Index(name)) : raw.sqlite3_bind_text(_stmt, Index(name), value));

    public RawStatement BindDateTime(string name, DateTime? utc) => Bind(name, utc is { } t ? SqliteDialect.FormatDateTime(t) : null);

    /// <summary>Steps once: <see langword="true"/> when a row is available. On an error the statement is reset and the error thrown.</summary>
    public bool Step()
    {
        int rc = raw.sqlite3_step(_stmt);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc == raw.SQLITE_DONE)
        {
            return false;
        }

        var error = SqliteRaw.Error(_db, rc);
        raw.sqlite3_reset(_stmt);
        throw error;
    }

    /// <summary>Runs the statement to its end and resets it; returns the number of rows it changed.</summary>
    public int Execute()
    {
        try
        {
            while (Step())
            {
            }

            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_stmt);
        }
    }

    public int Int32(int column) => raw.sqlite3_column_int(_stmt, column);

    public bool IsNull(int column) => raw.sqlite3_column_type(_stmt, column) == raw.SQLITE_NULL;

    public string Text(int column) => raw.sqlite3_column_text(_stmt, column).utf8_to_string();

    public void Reset() => raw.sqlite3_reset(_stmt);

    public void Dispose() => _stmt.Dispose();

    private int Index(string name)
    {
        if (!_indexes.TryGetValue(name, out int index))
        {
            index = raw.sqlite3_bind_parameter_index(_stmt, name);
            if (index == 0)
            {
                throw new InvalidOperationException($"The statement has no parameter {name}.");
            }

            _indexes[name] = index;
        }

        return index;
    }

    private RawStatement Check(int rc) => rc == raw.SQLITE_OK ? this : throw SqliteRaw.Error(_db, rc);
}

/// <summary>
/// A write transaction begun with a prepared <c>BEGIN IMMEDIATE</c> (ADO.NET's own transaction object re-prepares it
/// every time). ADO.NET commands run inside it with no transaction object set, which the connection accepts because it
/// knows of no transaction.
/// </summary>
internal sealed class SqliteRawTransaction : DbTransaction
{
    private readonly SqliteRaw _raw;
    private bool _done;

    public SqliteRawTransaction(SqliteRaw raw)
    {
        _raw = raw;
        raw.Statement("BEGIN IMMEDIATE").Execute();
    }

    public override IsolationLevel IsolationLevel => IsolationLevel.Serializable;

    protected override DbConnection DbConnection => _raw.Connection;

    public override void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        _raw.Statement("COMMIT").Execute();
        _done = true;
    }

    public override void Rollback()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        _done = true;
        if (_raw.InTransaction)
        {
            _raw.Statement("ROLLBACK").Execute();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_done)
        {
            Rollback();
        }

        base.Dispose(disposing);
    }
}
