using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Sharptune.Internal;
using Sharptune.Storages.Journal;

namespace Sharptune.Storages;

/// <summary>
/// A storage that writes every operation to an append-only log and rebuilds its state by replaying the log
/// (Optuna's <c>JournalStorage</c>), in Optuna's record format: Python Optuna reads a Sharptune journal and the
/// reverse. The log lives in a <see cref="JournalFileBackend"/> (a file, safe on NFS) or, with the package
/// <c>Sharptune.Storage.Redis</c>, in Redis. Safe for many threads and processes; heartbeats are supported when
/// the backend implements <see cref="IJournalHeartbeatBackend"/> (both built-in backends do).
/// </summary>
public sealed partial class JournalStorage : IHeartbeatStorage, IDisposable
{
    private static readonly ConcurrentDictionary<string, Distribution> DistributionCache = new(StringComparer.Ordinal);

    [ThreadStatic]
    private static StringBuilder? t_builder;

    private readonly IJournalBackend _backend;
    private readonly JournalStorageOptions _options;
    private readonly IJournalHeartbeatBackend? _heartbeats;
    private readonly Lock _lock = new();
    private readonly string _workerPrefix = Guid.NewGuid().ToString() + "-";
    private readonly JournalReplay _replay = new();
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="JournalStorage"/> class and replays the log.</summary>
    /// <param name="backend">Where the log lives.</param>
    /// <param name="options">The heartbeat options, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">Heartbeats are requested but the backend cannot keep them.</exception>
    public JournalStorage(IJournalBackend backend, JournalStorageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _backend = backend;
        _options = options ?? new JournalStorageOptions();
        _heartbeats = backend as IJournalHeartbeatBackend;
        if (_options.HeartbeatInterval is not null && _heartbeats is null)
        {
            throw new ArgumentException($"The journal backend {backend.GetType().Name} cannot keep heartbeats; use a backend that implements {nameof(IJournalHeartbeatBackend)}.", nameof(options));
        }

        lock (_lock)
        {
            Sync(workerId: string.Empty);
        }
    }

    /// <summary>Initializes a new instance of the <see cref="JournalStorage"/> class over a journal file with the default lock.</summary>
    /// <param name="path">The journal file (created when absent).</param>
    /// <param name="options">The heartbeat options, or <see langword="null"/>.</param>
    public JournalStorage(string path, JournalStorageOptions? options = null)
        : this(new JournalFileBackend(path), options)
    {
    }

    /// <summary>Gets the number of records this instance has replayed by parsing their text (for tests).</summary>
    internal long RecordsParsed
    {
        get
        {
            lock (_lock)
            {
                return _replay.RecordsParsed;
            }
        }
    }

    /// <summary>Gets the backend.</summary>
    public IJournalBackend Backend => _backend;

    /// <inheritdoc/>
    public TimeSpan? HeartbeatInterval => _options.HeartbeatInterval;

    /// <inheritdoc/>
    public TimeSpan GracePeriod => _options.EffectiveGracePeriod;

    /// <inheritdoc/>
    public Action<Study, FrozenTrial>? StaleTrialCallback => _options.StaleTrialCallback;

    /// <inheritdoc/>
    public override string ToString() => $"JournalStorage({_backend})";

    /// <summary>Disposes the backend.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _closing = true;
            _flushTimer?.Dispose();
            if (Volatile.Read(ref _disposed) == 0)
            {
                try
                {
                    // The queued records of running trials are appended before the backend closes.
                    FlushQueued();
                }
                catch (Exception e) when (e is StorageInternalException or IOException or InvalidOperationException or UpdateFinishedTrialException or KeyNotFoundException)
                {
                    // Lost as after a crash: records of trials that were still running.
                }
            }
        }

        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _backend.Dispose();
        }
    }

    // ----- studies -----

    internal static Distribution ParseDistribution(string json) => DistributionCache.GetOrAdd(json, static j => Distribution.FromJson(j));

    /// <summary>Parses Optuna's ISO 8601 datetimes; a time without offset is local time, as Python reads it.</summary>
    internal static DateTime ParseDate(string text) => ParseDate(text, TimeZoneInfo.Local);

    /// <summary>
    /// Parses a journal time as Optuna 5 does: a time with an offset (what Optuna 5 and Sharptune write, in UTC) is
    /// exact; a time without one (written by Optuna before 5.0 as local time) is taken as local time of
    /// <paramref name="local"/>, the reading machine's zone (Python's <c>astimezone()</c>).
    /// </summary>
    internal static DateTime ParseDate(string text, TimeZoneInfo local)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dto))
        {
            bool hasOffset = text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
            if (hasOffset)
            {
                return dto.UtcDateTime;
            }

            var naive = DateTime.SpecifyKind(dto.DateTime, DateTimeKind.Unspecified);
            return local.IsInvalidTime(naive)
                ? TimeZoneInfo.ConvertTimeToUtc(naive.AddHours(1), local).AddHours(-1)
                : TimeZoneInfo.ConvertTimeToUtc(naive, local);
        }

        throw new FormatException($"Unrecognized journal datetime '{text}'.");
    }

    // ----- internals -----

    /// <summary>Appends a record, then replays the log up to it; an error of the record itself is thrown here.</summary>
    private void WriteAndSync(string record, string worker, bool durable) => WriteAndSync([JournalRecord.Untyped(record, worker)], worker, durable);

    private void WriteAndSync(IReadOnlyList<JournalRecord> records, string worker, bool durable)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ThrowIfInvalidLastRecord();
        _backend.AppendLogs(JournalRecord.Texts(records), durable);
        Sync(worker, records);
    }

    /// <summary>Refuses to append after an unreadable last record (it would then be in the middle of the journal, which no reader accepts).</summary>
    private void ThrowIfInvalidLastRecord()
    {
        if (_replay.InvalidLastRecord is { } error)
        {
            throw new StorageInternalException($"Nothing is written to the journal {_backend}: {error.Message}", error);
        }
    }

    /// <summary>Replays what the log has beyond what was read; <paramref name="own"/>: the records just appended, applied without parsing when they come back unchanged.</summary>
    private void Sync(string workerId, IReadOnlyList<JournalRecord>? own = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var logs = own is not null && _backend is JournalFileBackend file ? file.ReadLogsAfterAppend(_replay.LogNumberRead) : _backend.ReadLogs(_replay.LogNumberRead);
        if (logs.Count == 0)
        {
            return;
        }

        if (_replay.Apply(logs, workerId, own) is { } error)
        {
            throw error;
        }
    }

    private string WorkerId() => _workerPrefix + Environment.CurrentManagedThreadId.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The record of a study or trial attribute write: <c>{"op_code":…,"worker_id":…,"&lt;idField&gt;":id,"&lt;field&gt;":{key:value}}</c>
    /// (<paramref name="field"/> is <c>user_attr</c> or <c>system_attr</c>), after checking the key.
    /// </summary>
    private StringBuilder AttrRecord(JournalOperation op, string idField, int id, string field, string key, object? value, out string worker)
    {
        ArgumentNullException.ThrowIfNull(key);
        StoredNames.CheckKey(key, field == "user_attr" ? "user attribute" : "system attribute");
        var sb = Record(op, out worker);
        sb.Append(",\"").Append(idField).Append("\":").Append(id).Append(",\"").Append(field).Append("\":{");
        PyJson.WriteString(sb, key);
        sb.Append(':');
        PyJson.Write(sb, value, compact: true);
        sb.Append("}}");
        return sb;
    }

    private StringBuilder Record(JournalOperation op, out string worker)
    {
        worker = WorkerId();
        return Record(op, worker);
    }

    private static StringBuilder Record(JournalOperation op, string worker)
    {
        // One builder per thread serves every record (a record is built and turned into text before the next).
        var sb = t_builder ?? new StringBuilder(512);
        t_builder = null;
        sb.Clear();
        sb.Append("{\"op_code\":").Append((int)op).Append(",\"worker_id\":");
        PyJson.WriteString(sb, worker);
        return sb;
    }

    /// <summary>The text of a record built by <see cref="Record(JournalOperation, string)"/>; the builder is kept for the next record.</summary>
    private static string Text(StringBuilder sb)
    {
        string text = sb.ToString();
        if (sb.Capacity <= 8192)
        {
            t_builder = sb;
        }

        return text;
    }

    private static void AppendDate(StringBuilder sb, DateTime? utc)
    {
        if (utc is not { } t)
        {
            sb.Append("null");
            return;
        }

        Span<char> text = stackalloc char[DateText.Length];
        DateText.Write(text, t.ToUniversalTime(), 'T');
        sb.Append('"').Append(text).Append("+00:00\"");
    }
}
