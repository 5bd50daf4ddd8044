using System.Data;
using System.Data.Common;

namespace Sharptune.Storages;

/// <summary>An open connection with its prepared commands, rented from <see cref="RdbConnectionPool"/> by one thread at a time.</summary>
internal sealed class RdbConnection : IDisposable
{
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);
    private readonly RdbDialect _dialect;
    private bool _durableTransaction;
    private SqliteRaw? _raw;

    public RdbConnection(RdbDialect dialect, bool durable)
    {
        _dialect = dialect;
        Durable = durable;
        Connection = dialect.OpenConnection(durable);
    }

    /// <summary>Gets a value indicating whether the connection's commits reach stable storage before they return.</summary>
    public bool Durable { get; }

    public DbConnection Connection { get; }

    public DbTransaction? Transaction { get; private set; }

    /// <summary>Gets the prepared statements of an SQLite connection, or <see langword="null"/> for other engines.</summary>
    public SqliteRaw? Raw => _dialect is SqliteDialect sqlite ? _raw ??= sqlite.Raw(Connection) : null;

    public bool IsBroken => Connection.State is ConnectionState.Broken or ConnectionState.Closed;

    /// <summary>Returns the cached command for an SQL text, bound to the current transaction.</summary>
    public DbCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }

        // A transaction begun through the engine's API is unknown to the ADO.NET connection: commands run in it bare.
        command.Transaction = Transaction is SqliteRawTransaction ? null : Transaction;
        return command;
    }

    public void BeginWrite(bool durable)
    {
        _durableTransaction = durable;
        Transaction = _dialect.BeginWriteTransaction(Connection, durable);
    }

    public void Commit()
    {
        var t = Transaction ?? throw new InvalidOperationException("No transaction.");
        Transaction = null;
        try
        {
            t.Commit();
        }
        finally
        {
            t.Dispose();
            _dialect.EndWriteTransaction(Connection, _durableTransaction);
        }
    }

    public void RollbackQuietly()
    {
        var t = Transaction;
        Transaction = null;
        if (t is null)
        {
            return;
        }

        try
        {
            t.Rollback();
            _dialect.EndWriteTransaction(Connection, _durableTransaction);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            // The connection is broken or the engine already rolled back; the pool drops broken connections.
        }
        finally
        {
            t.Dispose();
        }
    }

    public void Dispose()
    {
        RollbackQuietly();
        foreach (var c in _commands.Values)
        {
            c.Dispose();
        }

        _commands.Clear();
        _dialect.CloseConnection(Connection);
        Connection.Dispose();
    }
}

/// <summary>
/// A pool of open connections, at most <see cref="RdbDialect.MaxConnections"/> at once, in two kinds: durable ones
/// (whose commits reach stable storage) and the others. A dialect with a single connection serves both kinds with it.
/// </summary>
internal sealed class RdbConnectionPool : IDisposable
{
    private readonly RdbDialect _dialect;
    private readonly Stack<RdbConnection> _idle = new();
    private readonly Stack<RdbConnection> _idleDurable = new();
    private readonly SemaphoreSlim _slots;
    private readonly bool _single;
    private readonly Lock _lock = new();
    private bool _disposed;

    public RdbConnectionPool(RdbDialect dialect)
    {
        _dialect = dialect;
        _single = dialect.MaxConnections == 1 || !dialect.SeparateDurableConnections;
        _slots = new SemaphoreSlim(dialect.MaxConnections, dialect.MaxConnections);
    }

    public RdbConnection Rent(bool durable)
    {
        durable &= !_single;
        _slots.Wait();
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if ((durable ? _idleDurable : _idle).TryPop(out var c))
            {
                return c;
            }
        }

        try
        {
            return new RdbConnection(_dialect, durable);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    public void Return(RdbConnection connection, bool discard)
    {
        connection.RollbackQuietly();
        bool dispose = discard || connection.IsBroken;
        lock (_lock)
        {
            if (_disposed)
            {
                dispose = true;
            }
            else if (!dispose)
            {
                (connection.Durable ? _idleDurable : _idle).Push(connection);
            }
        }

        if (dispose)
        {
            connection.Dispose();
        }

        _slots.Release();
    }

    /// <summary>Closes the idle connections (those in use close when returned).</summary>
    public void Dispose()
    {
        RdbConnection[] idle;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            idle = [.. _idle, .. _idleDurable];
            _idle.Clear();
            _idleDurable.Clear();
        }

        foreach (var c in idle)
        {
            c.Dispose();
        }
    }
}

/// <summary>Parameter helpers for cached commands.</summary>
internal static class DbCommandExtensions
{
    public static DbCommand With(this DbCommand command, string name, int value) => Set(command, name, value, DbType.Int32);

    public static DbCommand With(this DbCommand command, string name, long value) => Set(command, name, value, DbType.Int64);

    public static DbCommand With(this DbCommand command, string name, double? value) => Set(command, name, value, DbType.Double);

    public static DbCommand With(this DbCommand command, string name, string? value) => Set(command, name, value, DbType.String);

    public static DbCommand WithDateTime(this DbCommand command, RdbDialect dialect, string name, DateTime? utc)
    {
        var p = GetOrAdd(command, name);
        dialect.ConfigureDateTimeParameter(p, utc);
        return command;
    }

    private static DbCommand Set(DbCommand command, string name, object? value, DbType type)
    {
        var p = GetOrAdd(command, name);
        if (p.DbType != type)
        {
            p.DbType = type;
        }

        p.Value = value ?? DBNull.Value;
        return command;
    }

    private static DbParameter GetOrAdd(DbCommand command, string name)
    {
        var parameters = command.Parameters;
        for (int i = 0; i < parameters.Count; i++)
        {
            if (string.Equals(parameters[i].ParameterName, name, StringComparison.Ordinal))
            {
                return parameters[i];
            }
        }

        var p = command.CreateParameter();
        p.ParameterName = name;
        parameters.Add(p);
        return p;
    }
}
