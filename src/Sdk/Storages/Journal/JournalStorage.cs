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

    /// <inheritdoc/>
    public int CreateNewStudy(IReadOnlyList<StudyDirection> directions, string? studyName = null)
    {
        ArgumentNullException.ThrowIfNull(directions);
        string name = studyName ?? Study.DefaultStudyNamePrefix + Guid.NewGuid().ToString();
        StoredNames.CheckStudyName(name);
        var sb = Record(JournalOperation.CreateStudy, out string worker);
        sb.Append(",\"study_name\":");
        PyJson.WriteString(sb, name);
        sb.Append(",\"directions\":[");
        for (int i = 0; i < directions.Count; i++)
        {
            sb.Append(i == 0 ? string.Empty : ",").Append((int)directions[i]);
        }

        sb.Append("]}");
        lock (_lock)
        {
            if (_replay.FindStudy(name) is not null)
            {
                Sync(worker);
                if (_replay.FindStudy(name) is not null)
                {
                    throw new DuplicatedStudyException($"Another study with name '{name}' already exists. Please specify a different name, or reuse the existing one by setting `LoadIfExists` (for Study.Create) or using Study.Load.");
                }
            }

            WriteAndSync(Text(sb), worker, durable: true);
            return _replay.FindStudy(name) ?? throw new InvalidOperationException("The created study is missing from the journal.");
        }
    }

    /// <inheritdoc/>
    public void DeleteStudy(int studyId)
    {
        var sb = Record(JournalOperation.DeleteStudy, out string worker);
        sb.Append(",\"study_id\":").Append(studyId).Append('}');
        lock (_lock)
        {
            WriteAndSync(Text(sb), worker, durable: true);
            foreach (var (id, owned) in _owned.ToList())
            {
                if (owned.StudyId == studyId)
                {
                    _owned.Remove(id);
                }
            }
        }
    }

    /// <inheritdoc/>
    public void SetStudyUserAttr(int studyId, string key, object? value) => SetStudyAttr(JournalOperation.SetStudyUserAttr, "user_attr", studyId, key, value);

    /// <inheritdoc/>
    public void SetStudySystemAttr(int studyId, string key, object? value) => SetStudyAttr(JournalOperation.SetStudySystemAttr, "system_attr", studyId, key, value);

    /// <inheritdoc/>
    public int GetStudyIdFromName(string studyName)
    {
        ArgumentNullException.ThrowIfNull(studyName);
        lock (_lock)
        {
            Sync(WorkerId());
            return _replay.FindStudy(studyName) ?? throw new KeyNotFoundException($"No such study {studyName}.");
        }
    }

    /// <inheritdoc/>
    public string GetStudyNameFromId(int studyId) => ReadStudy(studyId, s => s.Name);

    /// <inheritdoc/>
    public IReadOnlyList<StudyDirection> GetStudyDirections(int studyId) => ReadStudy(studyId, s => (IReadOnlyList<StudyDirection>)s.Directions);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> GetStudyUserAttrs(int studyId) => ReadStudy(studyId, s => s.UserAttrs);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> GetStudySystemAttrs(int studyId) => ReadStudy(studyId, s => s.SystemAttrs);

    /// <inheritdoc/>
    public IReadOnlyList<FrozenStudy> GetAllStudies()
    {
        lock (_lock)
        {
            Sync(WorkerId());
            var result = new List<FrozenStudy>();
            foreach (var (id, s) in _replay.Studies())
            {
                result.Add(new FrozenStudy(s.Name, s.Directions, s.UserAttrs, s.SystemAttrs, id));
            }

            return result;
        }
    }

    // ----- trials -----

    /// <inheritdoc/>
    public int CreateNewTrial(int studyId, FrozenTrial? templateTrial = null)
    {
        if (templateTrial is not null)
        {
            StoredNames.CheckTemplate(templateTrial);
        }

        string worker = WorkerId();
        JournalRecord record;
        if (templateTrial is null)
        {
            record = PlainCreateRecord(studyId, worker);
        }
        else
        {
            var sb = Record(JournalOperation.CreateTrial, worker);
            sb.Append(",\"study_id\":").Append(studyId);
            AppendTemplate(sb, templateTrial);
            sb.Append('}');
            record = JournalRecord.Untyped(Text(sb), worker);
        }

        lock (_lock)
        {
            if (!_replay.HasStudy(studyId))
            {
                Sync(worker);
                _ = _replay.GetStudy(studyId);
            }

            WriteAndSync([record], worker, durable: templateTrial is not null);
            int created = _replay.LastCreatedTrialId;
            if (templateTrial is null)
            {
                Own(created, studyId);
            }

            return created;
        }
    }

    /// <inheritdoc/>
    public int? CreateNewTrialWithinLimit(int studyId, int limit, IReadOnlyCollection<TrialState> countedStates)
    {
        ArgumentNullException.ThrowIfNull(countedStates);
        lock (_lock)
        {
            while (true)
            {
                string worker = WorkerId();
                Sync(worker);
                var study = _replay.GetStudy(studyId);
                int counted = 0;
                foreach (int id in study.TrialIds)
                {
                    if (countedStates.Contains(_replay.GetTrial(id).State))
                    {
                        counted++;
                    }
                }

                if (counted >= limit)
                {
                    return null;
                }

                if (TryCreateUnlessAppended(studyId, worker) is { } created)
                {
                    return created;
                }

                // Another writer appended first: read its records and decide again.
            }
        }
    }

    /// <summary>
    /// Claims the oldest WAITING trial, or creates a RUNNING one. When nothing is waiting as far as this instance has
    /// read, the creation is appended only if no other writer appended since (checked atomically by the backend), so
    /// that the ask needs no read of the log of its own: the usual case costs one append. When another writer came
    /// first, the ask reads the log and claims or creates as <see cref="IStorage.ClaimOrCreateTrial"/> does (one
    /// conditional try only: under contention a retry would mostly lose again).
    /// </summary>
    /// <param name="studyId">The study id.</param>
    /// <returns>The id of the claimed or created trial.</returns>
    /// <exception cref="KeyNotFoundException">The study does not exist.</exception>
    public int ClaimOrCreateTrial(int studyId)
    {
        lock (_lock)
        {
            string worker = WorkerId();
            if (!_replay.HasStudy(studyId))
            {
                Sync(worker);
            }

            if (_replay.GetStudy(studyId).WaitingCount == 0 && TryCreateUnlessAppended(studyId, worker) is { } created)
            {
                return created;
            }
        }

        return PopWaitingTrialId(studyId) ?? CreateNewTrial(studyId);
    }

    /// <summary>The CREATE_TRIAL record of a RUNNING trial started now, without a template.</summary>
    private static JournalRecord PlainCreateRecord(int studyId, string worker)
    {
        var sb = Record(JournalOperation.CreateTrial, worker);
        var start = JournalRecord.Microseconds(DateTime.UtcNow);
        sb.Append(",\"study_id\":").Append(studyId).Append(",\"datetime_start\":");
        AppendDate(sb, start);
        sb.Append('}');
        return JournalRecord.CreateTrial(Text(sb), worker, studyId, start);
    }

    /// <summary>Appends a plain CREATE_TRIAL record if the log holds only what this instance has read. Called under the lock.</summary>
    private int? TryCreateUnlessAppended(int studyId, string worker)
    {
        var record = PlainCreateRecord(studyId, worker);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ThrowIfInvalidLastRecord();
        if (!_backend.TryAppendLogs([record.Text], _replay.LogNumberRead, durable: false))
        {
            return null;
        }

        Sync(worker, [record]);
        Own(_replay.LastCreatedTrialId, studyId);
        return _replay.LastCreatedTrialId;
    }

    /// <inheritdoc/>
    public void SetTrialParam(int trialId, string paramName, double internalValue, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(paramName);
        ArgumentNullException.ThrowIfNull(distribution);
        StoredNames.CheckParamName(paramName);
        string json = distribution.ToJson();
        var sb = Record(JournalOperation.SetTrialParam, out string worker);
        sb.Append(",\"trial_id\":").Append(trialId).Append(",\"param_name\":");
        PyJson.WriteString(sb, paramName);
        sb.Append(",\"param_value_internal\":");
        PyJson.WriteFloat(sb, internalValue);
        sb.Append(",\"distribution\":");
        PyJson.WriteString(sb, json);
        sb.Append('}');
        var record = JournalRecord.SetParam(Text(sb), worker, trialId, paramName, internalValue, distribution);
        lock (_lock)
        {
            // Refuse what is already known to be invalid without writing it; the replay has the last word.
            if (_replay.FindTrial(trialId) is { } trial)
            {
                ThrowIfFinished(trial);
                if (_replay.HasStudy(trial.StudyId) && _replay.GetStudy(trial.StudyId).ParamDistributions.TryGetValue(paramName, out var previous))
                {
                    Distribution.CheckCompatibility(previous, distribution);
                }

                if (_queuedDistributions.TryGetValue((trial.StudyId, paramName), out var queued))
                {
                    Distribution.CheckCompatibility(queued, distribution);
                }

                bool deferred = TryQueue(trialId, record, o =>
                {
                    o.Params[paramName] = internalValue;
                    o.Distributions[paramName] = distribution;
                });
                if (deferred)
                {
                    _queuedDistributions.TryAdd((trial.StudyId, paramName), distribution);
                    return;
                }
            }

            WriteAndSync([record], worker, durable: false);
        }
    }

    /// <inheritdoc/>
    public int GetTrialIdFromStudyIdTrialNumber(int studyId, int trialNumber)
    {
        lock (_lock)
        {
            Sync(WorkerId());
            var study = _replay.GetStudy(studyId);
            return trialNumber >= 0 && trialNumber < study.TrialIds.Count
                ? study.TrialIds[trialNumber]
                : throw new KeyNotFoundException($"No trial with trial number {trialNumber} exists in study with study_id {studyId}.");
        }
    }

    /// <inheritdoc/>
    public bool SetTrialStateValues(int trialId, TrialState state, IReadOnlyList<double>? values = null)
    {
        var sb = Record(JournalOperation.SetTrialStateValues, out string worker);
        sb.Append(",\"trial_id\":").Append(trialId).Append(",\"state\":").Append((int)state).Append(",\"values\":");
        double[]? copy = null;
        if (values is null)
        {
            sb.Append("null");
        }
        else
        {
            copy = new double[values.Count];
            sb.Append('[');
            for (int i = 0; i < copy.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }

                copy[i] = values[i];
                PyJson.WriteFloat(sb, copy[i]);
            }

            sb.Append(']');
        }

        DateTime? date = null;
        if (state == TrialState.Running || state.IsFinished())
        {
            date = JournalRecord.Microseconds(DateTime.UtcNow);
            sb.Append(state == TrialState.Running ? ",\"datetime_start\":" : ",\"datetime_complete\":");
            AppendDate(sb, date);
        }

        sb.Append('}');
        var record = JournalRecord.SetStateValues(Text(sb), worker, trialId, state, copy, date);
        lock (_lock)
        {
            if (state == TrialState.Running)
            {
                Sync(worker);
                var existing = _replay.GetTrial(trialId);
                ThrowIfFinished(existing);
                if (existing.State != TrialState.Waiting)
                {
                    return false;
                }
            }
            else if (_replay.FindTrial(trialId) is { } known)
            {
                ThrowIfFinished(known);
            }

            // The trial's queued records go first, in the same append as its state.
            var queuedRecords = state == TrialState.Running ? null : TakeQueued(trialId, disown: true);
            WriteAndSync(queuedRecords is null ? [record] : [.. queuedRecords, record], worker, durable: state != TrialState.Running);
            if (state != TrialState.Running)
            {
                if (state.IsFinished() && _heartbeats is not null && HeartbeatInterval is not null)
                {
                    _heartbeats.RemoveHeartbeat(trialId);
                }

                return true;
            }

            return _replay.OwnedTrialId(worker) == trialId;
        }
    }

    /// <inheritdoc/>
    public void SetTrialIntermediateValue(int trialId, int step, double intermediateValue)
    {
        var sb = Record(JournalOperation.SetTrialIntermediateValue, out string worker);
        sb.Append(",\"trial_id\":").Append(trialId).Append(",\"step\":").Append(step).Append(",\"intermediate_value\":");
        PyJson.WriteFloat(sb, intermediateValue);
        sb.Append('}');
        WriteTrialRecord(trialId, JournalRecord.Untyped(Text(sb), worker), o => o.Intermediate[step] = intermediateValue);
    }

    /// <inheritdoc/>
    public void SetTrialUserAttr(int trialId, string key, object? value) => SetTrialAttr(JournalOperation.SetTrialUserAttr, "user_attr", trialId, key, value);

    /// <inheritdoc/>
    public void SetTrialSystemAttr(int trialId, string key, object? value) => SetTrialAttr(JournalOperation.SetTrialSystemAttr, "system_attr", trialId, key, value);

    /// <inheritdoc/>
    public FrozenTrial GetTrial(int trialId)
    {
        lock (_lock)
        {
            // A running trial of this instance changes only through it (as Optuna's cached storage serves it).
            if (!_owned.ContainsKey(trialId) || _replay.FindTrial(trialId) is not { State: TrialState.Running } owned)
            {
                Sync(WorkerId());
                return Snapshot(_replay.GetTrial(trialId));
            }

            return Snapshot(owned);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<FrozenTrial> GetAllTrials(int studyId, IReadOnlyCollection<TrialState>? states = null)
    {
        lock (_lock)
        {
            Sync(WorkerId());
            var study = _replay.GetStudy(studyId);
            var result = new List<FrozenTrial>(study.TrialIds.Count);
            foreach (int id in study.TrialIds)
            {
                var t = _replay.GetTrial(id);
                if (states is null || states.Contains(t.State))
                {
                    result.Add(Snapshot(t));
                }
            }

            return result;
        }
    }

    /// <inheritdoc/>
    public int GetNTrials(int studyId, IReadOnlyCollection<TrialState>? states = null)
    {
        lock (_lock)
        {
            Sync(WorkerId());
            var study = _replay.GetStudy(studyId);
            if (states is null)
            {
                return study.TrialIds.Count;
            }

            int n = 0;
            foreach (int id in study.TrialIds)
            {
                if (states.Contains(_replay.GetTrial(id).State))
                {
                    n++;
                }
            }

            return n;
        }
    }

    /// <inheritdoc/>
    public int? PopWaitingTrialId(int studyId)
    {
        while (true)
        {
            int? candidate = null;
            lock (_lock)
            {
                Sync(WorkerId());
                var study = _replay.GetStudy(studyId);
                if (study.WaitingCount <= 0)
                {
                    return null;
                }

                foreach (int id in study.TrialIds)
                {
                    if (_replay.GetTrial(id).State == TrialState.Waiting)
                    {
                        candidate = id;
                        break;
                    }
                }
            }

            if (candidate is not { } trialId)
            {
                return null;
            }

            try
            {
                if (SetTrialStateValues(trialId, TrialState.Running))
                {
                    return trialId;
                }
            }
            catch (UpdateFinishedTrialException)
            {
                // Finished by another worker meanwhile: look for the next one.
            }
        }
    }

    // ----- heartbeat -----

    /// <inheritdoc/>
    public void RecordHeartbeat(int trialId)
    {
        if (_heartbeats is null)
        {
            throw new NotSupportedException($"The journal backend {_backend.GetType().Name} cannot keep heartbeats.");
        }

        lock (_lock)
        {
            if (TakeQueued(trialId, disown: false) is { } queued)
            {
                WriteAndSync(queued, WorkerId(), durable: false);
            }
        }

        _heartbeats.RecordHeartbeat(trialId);
    }

    /// <inheritdoc/>
    public IReadOnlyList<int> GetStaleTrialIds(int studyId)
    {
        if (_heartbeats is null)
        {
            return [];
        }

        var running = new List<int>();
        lock (_lock)
        {
            Sync(WorkerId());
            foreach (int id in _replay.GetStudy(studyId).TrialIds)
            {
                if (_replay.GetTrial(id).State == TrialState.Running)
                {
                    running.Add(id);
                }
            }
        }

        if (running.Count == 0)
        {
            return [];
        }

        var stale = new List<int>();
        var ages = _heartbeats.GetHeartbeatAges(running);
        foreach (int id in running)
        {
            if (ages.TryGetValue(id, out var age) && age > GracePeriod)
            {
                stale.Add(id);
            }
        }

        return stale;
    }

    // ----- helpers shared with the replay -----

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

    private void SetStudyAttr(JournalOperation op, string field, int studyId, string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        StoredNames.CheckKey(key, field == "user_attr" ? "user attribute" : "system attribute");
        var sb = Record(op, out string worker);
        sb.Append(",\"study_id\":").Append(studyId).Append(",\"").Append(field).Append("\":{");
        PyJson.WriteString(sb, key);
        sb.Append(':');
        PyJson.Write(sb, value, compact: true);
        sb.Append("}}");
        lock (_lock)
        {
            if (!_replay.HasStudy(studyId))
            {
                Sync(worker);
                _ = _replay.GetStudy(studyId);
            }

            WriteAndSync(Text(sb), worker, durable: true);
        }
    }

    private void SetTrialAttr(JournalOperation op, string field, int trialId, string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        StoredNames.CheckKey(key, field == "user_attr" ? "user attribute" : "system attribute");
        var sb = Record(op, out string worker);
        sb.Append(",\"trial_id\":").Append(trialId).Append(",\"").Append(field).Append("\":{");
        PyJson.WriteString(sb, key);
        sb.Append(':');
        PyJson.Write(sb, value, compact: true);
        sb.Append("}}");
        WriteTrialRecord(trialId, JournalRecord.Untyped(Text(sb), worker), o => (op == JournalOperation.SetTrialUserAttr ? o.UserAttrs : o.SystemAttrs)[key] = value);
    }

    private void WriteTrialRecord(int trialId, JournalRecord record, Action<OwnedTrial> apply)
    {
        lock (_lock)
        {
            if (_replay.FindTrial(trialId) is { } trial)
            {
                ThrowIfFinished(trial);
            }

            if (!TryQueue(trialId, record, apply))
            {
                WriteAndSync([record], record.Worker, durable: false);
            }
        }
    }

    private T ReadStudy<T>(int studyId, Func<JournalReplay.StudyState, T> read)
    {
        lock (_lock)
        {
            Sync(WorkerId());
            return read(_replay.GetStudy(studyId));
        }
    }

    private static void ThrowIfFinished(JournalReplay.TrialRecord trial)
    {
        if (trial.State.IsFinished())
        {
            throw new UpdateFinishedTrialException($"Trial#{trial.Number} has already finished and can not be updated.");
        }
    }

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

    private static void AppendTemplate(StringBuilder sb, FrozenTrial t)
    {
        sb.Append(",\"datetime_start\":");
        AppendDate(sb, t.DatetimeStart);
        sb.Append(",\"state\":").Append((int)t.State);
        if (t.Values is { Count: > 1 } many)
        {
            sb.Append(",\"value\":null,\"values\":[");
            for (int i = 0; i < many.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }

                PyJson.WriteFloat(sb, many[i]);
            }

            sb.Append(']');
        }
        else
        {
            sb.Append(",\"value\":");
            if (t.Values is { Count: 1 } one)
            {
                PyJson.WriteFloat(sb, one[0]);
            }
            else
            {
                sb.Append("null");
            }

            sb.Append(",\"values\":null");
        }

        if (t.DatetimeComplete is { } complete)
        {
            sb.Append(",\"datetime_complete\":");
            AppendDate(sb, complete);
        }

        sb.Append(",\"distributions\":{");
        bool first = true;
        foreach (var (name, dist) in t.Distributions)
        {
            sb.Append(first ? string.Empty : ",");
            first = false;
            PyJson.WriteString(sb, name);
            sb.Append(':');
            PyJson.WriteString(sb, dist.ToJson());
        }

        sb.Append("},\"params\":{");
        first = true;
        foreach (var (name, value) in t.InternalParams)
        {
            sb.Append(first ? string.Empty : ",");
            first = false;
            PyJson.WriteString(sb, name);
            sb.Append(':');
            PyJson.WriteFloat(sb, value);
        }

        sb.Append("},\"user_attrs\":");
        PyJson.Write(sb, t.UserAttrs, compact: true);
        sb.Append(",\"system_attrs\":");
        PyJson.Write(sb, t.SystemAttrs, compact: true);
        sb.Append(",\"intermediate_values\":{");
        first = true;
        foreach (var (step, value) in t.IntermediateValues)
        {
            sb.Append(first ? "\"" : ",\"").Append(step).Append("\":");
            first = false;
            PyJson.WriteFloat(sb, value);
        }

        sb.Append('}');
    }
}
