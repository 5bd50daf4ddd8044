using System.Globalization;
using System.Runtime.CompilerServices;
using Sharptune.Storages.Journal;
using StackExchange.Redis;

namespace Sharptune.Storages.Redis;

/// <summary>
/// A journal in Redis with Optuna's key layout (<c>JournalRedisBackend</c>): the counter
/// <c>&lt;prefix&gt;:log_number</c> (starting at −1) and one string key <c>&lt;prefix&gt;:log:&lt;n&gt;</c> per
/// record, appended atomically by a Lua script, so Python Optuna and Sharptune share a journal. Optuna's pickled
/// snapshot (<c>&lt;prefix&gt;:snapshot</c>) is neither read nor written: the log is always complete. Heartbeats
/// live in the hash <c>&lt;prefix&gt;:heartbeat</c> (server time), which Python Optuna ignores.
/// </summary>
public sealed class JournalRedisBackend : IJournalBackend, IJournalHeartbeatBackend
{
    private const int BatchSize = 512;

    private const string AppendLua =
        "local p = ARGV[1] " +
        "redis.call('setnx', p .. ':log_number', -1) " +
        "local last = -1 " +
        "for i = 2, #ARGV do last = redis.call('incr', p .. ':log_number') redis.call('set', p .. ':log:' .. last, ARGV[i]) end " +
        "return last";

    private const string TryAppendLua =
        "local p = ARGV[1] " +
        "local current = tonumber(redis.call('get', p .. ':log_number') or '-1') " +
        "if current ~= tonumber(ARGV[2]) - 1 then return -2 end " +
        "redis.call('setnx', p .. ':log_number', -1) " +
        "local last = -1 " +
        "for i = 3, #ARGV do last = redis.call('incr', p .. ':log_number') redis.call('set', p .. ':log:' .. last, ARGV[i]) end " +
        "return last";

    private const string HeartbeatLua =
        "local t = redis.call('TIME') " +
        "redis.call('hset', KEYS[1], ARGV[1], t[1] .. string.format('%06d', t[2])) " +
        "return 1";

    private const string AgesLua =
        "local t = redis.call('TIME') " +
        "local r = {t[1] .. string.format('%06d', t[2])} " +
        "for i = 1, #ARGV do local v = redis.call('hget', KEYS[1], ARGV[i]) if v then r[#r + 1] = v else r[#r + 1] = '' end end " +
        "return r";

    private readonly IConnectionMultiplexer _connection;
    private readonly bool _ownsConnection;
    private readonly IDatabase _db;
    private readonly string _prefix;
    private readonly RedisKey _logNumberKey;
    private readonly RedisKey _heartbeatKey;

    /// <summary>Initializes a new instance of the <see cref="JournalRedisBackend"/> class from a URL.</summary>
    /// <param name="url"><c>redis://[[user]:password@]host[:port][/database]</c> (or <c>rediss://</c> for TLS); the argument
    /// <c>?prefix=…</c> sets <paramref name="prefix"/>, <c>?socket_connect_timeout=…</c> the connect timeout in seconds (default 5).</param>
    /// <param name="prefix">The key prefix (Optuna's <c>prefix</c>, default empty).</param>
    /// <exception cref="ArgumentException">The URL is malformed.</exception>
    /// <exception cref="RedisConnectionException">The server cannot be reached within the connect timeout; the message names its host and port.</exception>
    public JournalRedisBackend(string url, string? prefix = null)
    {
        var (configuration, database, urlPrefix, endpoint) = RedisUrl.Parse(url);
        try
        {
            _connection = ConnectionMultiplexer.Connect(configuration);
        }
        catch (RedisConnectionException e)
        {
            throw new RedisConnectionException(
                e.FailureType,
                $"Cannot connect to the Redis server at {endpoint} ('{UrlText.Redact(url)}') within the connect timeout of {(configuration.ConnectTimeout / 1000.0).ToString("0.###", CultureInfo.InvariantCulture)} s: {UrlText.Scrub(e.Message, url)}",
                e);
        }

        _ownsConnection = true;
        _db = _connection.GetDatabase(database);
        _prefix = prefix ?? urlPrefix ?? string.Empty;
        _logNumberKey = _prefix + ":log_number";
        _heartbeatKey = _prefix + ":heartbeat";
        Description = UrlText.Redact(url) + (_prefix.Length > 0 ? $" (prefix {_prefix})" : string.Empty);
    }

    /// <summary>Initializes a new instance of the <see cref="JournalRedisBackend"/> class over an open connection.</summary>
    /// <param name="connection">The connection (not disposed by the backend).</param>
    /// <param name="prefix">The key prefix (Optuna's <c>prefix</c>, default empty).</param>
    /// <param name="database">The database number, or -1 for the connection's default.</param>
    public JournalRedisBackend(IConnectionMultiplexer connection, string prefix = "", int database = -1)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(prefix);
        _connection = connection;
        _db = connection.GetDatabase(database);
        _prefix = prefix;
        _logNumberKey = _prefix + ":log_number";
        _heartbeatKey = _prefix + ":heartbeat";
        Description = $"redis ({connection.Configuration.Split(',')[0]}, prefix '{prefix}')";
    }

    /// <summary>Gets the key prefix.</summary>
    public string Prefix => _prefix;

    private string Description { get; }

    /// <inheritdoc/>
    public override string ToString() => Description;

    /// <inheritdoc/>
    public IReadOnlyList<string> ReadLogs(long logNumberFrom)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(logNumberFrom);
        var max = _db.StringGet(_logNumberKey);
        if (max.IsNull)
        {
            return [];
        }

        long last = (long)max;
        var result = new List<string>((int)Math.Max(0, Math.Min(last - logNumberFrom + 1, 1 << 20)));
        for (long from = logNumberFrom; from <= last; from += BatchSize)
        {
            long to = Math.Min(last, from + BatchSize - 1);
            var keys = new RedisKey[to - from + 1];
            for (long n = from; n <= to; n++)
            {
                keys[n - from] = LogKey(n);
            }

            var values = _db.StringGet(keys);
            for (int i = 0; i < values.Length; i++)
            {
                var value = values[i];
                double wait = 1;
                while (value.IsNull)
                {
                    // Only possible without the atomic script (Redis Cluster): the counter moved before the record landed.
                    Thread.Sleep(TimeSpan.FromMilliseconds(wait));
                    wait = Math.Min(wait * 2, 1000);
                    value = _db.StringGet(keys[i]);
                }

                result.Add((string)value!);
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public void AppendLogs(IReadOnlyList<string> logs, bool durable)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (logs.Count == 0)
        {
            return;
        }

        var args = new RedisValue[logs.Count + 1];
        args[0] = _prefix;
        for (int i = 0; i < logs.Count; i++)
        {
            args[i + 1] = logs[i];
        }

        _db.ScriptEvaluate(AppendLua, [], args);
    }

    /// <inheritdoc/>
    public bool TryAppendLogs(IReadOnlyList<string> logs, long expectedLogNumber, bool durable)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var args = new RedisValue[logs.Count + 2];
        args[0] = _prefix;
        args[1] = expectedLogNumber;
        for (int i = 0; i < logs.Count; i++)
        {
            args[i + 2] = logs[i];
        }

        return (long)_db.ScriptEvaluate(TryAppendLua, [], args) != -2;
    }

    /// <inheritdoc/>
    public void RecordHeartbeat(int trialId) =>
        _db.ScriptEvaluate(HeartbeatLua, [_heartbeatKey], [trialId]);

    /// <inheritdoc/>
    public IReadOnlyDictionary<int, TimeSpan> GetHeartbeatAges(IReadOnlyCollection<int> trialIds)
    {
        ArgumentNullException.ThrowIfNull(trialIds);
        var result = new Dictionary<int, TimeSpan>();
        if (trialIds.Count == 0)
        {
            return result;
        }

        var ids = trialIds.ToArray();
        var args = new RedisValue[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            args[i] = ids[i];
        }

        var reply = (RedisResult[])_db.ScriptEvaluate(AgesLua, [_heartbeatKey], args)!;
        long now = long.Parse((string)reply[0]!, CultureInfo.InvariantCulture);
        for (int i = 0; i < ids.Length; i++)
        {
            string? v = (string?)reply[i + 1];
            if (!string.IsNullOrEmpty(v))
            {
                long then = long.Parse(v, CultureInfo.InvariantCulture);
                result[ids[i]] = TimeSpan.FromMicroseconds(now - then);
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public void RemoveHeartbeat(int trialId) => _db.HashDelete(_heartbeatKey, trialId);

    /// <summary>Closes the connection when the backend opened it.</summary>
    public void Dispose()
    {
        if (_ownsConnection)
        {
            _connection.Dispose();
        }
    }

    private RedisKey LogKey(long n) => _prefix + ":log:" + n.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Registers the <c>redis://</c> and <c>rediss://</c> schemes with <see cref="StorageFactory.FromUrl"/>: a <see cref="JournalStorage"/> over a <see cref="JournalRedisBackend"/>.</summary>
public static class RedisJournal
{
    /// <summary>Opens a journal storage in Redis.</summary>
    /// <param name="url">The Redis URL (see <see cref="JournalRedisBackend(string, string?)"/>).</param>
    /// <param name="options">The heartbeat options, or <see langword="null"/>.</param>
    /// <returns>The storage; dispose it to close the connection.</returns>
    public static JournalStorage Open(string url, JournalStorageOptions? options = null) => new(new JournalRedisBackend(url), options);

    /// <summary>Registers the URL schemes (done automatically; call it when the assembly is loaded by other means).</summary>
    public static void Register()
    {
        StorageFactory.RegisterScheme("redis", static (url, options) => Open(url, StorageFactory.AsJournal(options)));
        StorageFactory.RegisterScheme("rediss", static (url, options) => Open(url, StorageFactory.AsJournal(options)));
    }

#pragma warning disable CA2255 // Registering the URL schemes when the assembly loads is the purpose of this initializer.
    [ModuleInitializer]
    internal static void Initialize() => Register();
#pragma warning restore CA2255
}
