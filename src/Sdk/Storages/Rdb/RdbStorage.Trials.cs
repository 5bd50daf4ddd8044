using System.Globalization;
using System.Text;
using Sharptune.Internal;

namespace Sharptune.Storages;

public sealed partial class RdbStorage
{
    /// <inheritdoc/>
    public int CreateNewTrial(int studyId, FrozenTrial? templateTrial = null)
    {
        if (templateTrial is not null)
        {
            StoredNames.CheckTemplate(templateTrial);
        }

        DateTime now = Now();
        TrialState state = templateTrial?.State ?? TrialState.Running;
        DateTime? start = templateTrial is null ? now : templateTrial.DatetimeStart;
        DateTime? complete = templateTrial?.DatetimeComplete;
        string[]? distributionJson = null;
        if (templateTrial is not null)
        {
            distributionJson = new string[templateTrial.Distributions.Count];
            int i = 0;
            foreach (var (name, dist) in templateTrial.Distributions)
            {
                CheckDistribution(studyId, name, dist, connection: null);
                distributionJson[i++] = dist.ToJson();
            }
        }

        if (templateTrial is null && Dialect.SerializesWriters)
        {
            // One statement: the engine lets one writer at a time in, so the number it computes is the next one.
            var single = Run(c =>
            {
                using var r = c.Command(_sql.InsertTrialIfStudy).With("@s", studyId).With("@state", StateName(state))
                    .WithDateTime(Dialect, "@start", start).WithDateTime(Dialect, "@complete", null).ExecuteReader();
                return r.Read() ? (r.GetInt32(0), r.GetInt32(1)) : ((int, int)?)null;
            }) ?? throw StudyNotFound(studyId);
            _trialKeys[single.Item1] = (studyId, single.Item2);
            Own(single.Item1, studyId, single.Item2, now);
            return single.Item1;
        }

        var (trialId, number) = Write(durable: templateTrial is not null, c =>
        {
            if (c.Command(_sql.StudyExistsForUpdate).With("@s", studyId).ExecuteScalar() is null or DBNull)
            {
                throw StudyNotFound(studyId);
            }

            int id, num;
            using (var r = c.Command(_sql.InsertTrial).With("@s", studyId).With("@state", StateName(state))
                .WithDateTime(Dialect, "@start", start).WithDateTime(Dialect, "@complete", complete).ExecuteReader())
            {
                r.Read();
                id = r.GetInt32(0);
                num = r.GetInt32(1);
            }

            if (templateTrial is not null)
            {
                WriteTemplateChildren(c, id, templateTrial, distributionJson!);
            }

            return (id, num);
        });
        _trialKeys[trialId] = (studyId, number);
        if (templateTrial is null)
        {
            Own(trialId, studyId, number, now);
        }

        return trialId;
    }

    /// <inheritdoc/>
    public int? CreateNewTrialWithinLimit(int studyId, int limit, IReadOnlyCollection<TrialState> countedStates)
    {
        ArgumentNullException.ThrowIfNull(countedStates);
        string stateList = StateList(countedStates);
        string countSql = _sql.Count(stateList);
        DateTime now = Now();
        if (Dialect.SerializesWriters && stateList.Length > 0)
        {
            var single = Run(c =>
            {
                using (var r = c.Command(_sql.InsertTrialWithinLimit(stateList)).With("@s", studyId).With("@state", StateName(TrialState.Running))
                    .WithDateTime(Dialect, "@start", now).WithDateTime(Dialect, "@complete", null).With("@limit", limit).ExecuteReader())
                {
                    if (r.Read())
                    {
                        return ((int, int)?)(r.GetInt32(0), r.GetInt32(1));
                    }
                }

                EnsureStudy(c, studyId);
                return null;
            });
            if (single is not { } s1)
            {
                return null;
            }

            _trialKeys[s1.Item1] = (studyId, s1.Item2);
            Own(s1.Item1, studyId, s1.Item2, now);
            return s1.Item1;
        }

        var created = Write(durable: false, c =>
        {
            if (c.Command(_sql.StudyExistsForUpdate).With("@s", studyId).ExecuteScalar() is null or DBNull)
            {
                throw StudyNotFound(studyId);
            }

            if (countedStates.Count > 0 && Convert.ToInt32(c.Command(countSql).With("@s", studyId).ExecuteScalar(), CultureInfo.InvariantCulture) >= limit)
            {
                return ((int, int)?)null;
            }

            using var r = c.Command(_sql.InsertTrial).With("@s", studyId).With("@state", StateName(TrialState.Running))
                .WithDateTime(Dialect, "@start", now).WithDateTime(Dialect, "@complete", null).ExecuteReader();
            r.Read();
            return (r.GetInt32(0), r.GetInt32(1));
        });
        if (created is not { } k)
        {
            return null;
        }

        _trialKeys[k.Item1] = (studyId, k.Item2);
        Own(k.Item1, studyId, k.Item2, now);
        return k.Item1;
    }

    /// <inheritdoc/>
    public void SetTrialParam(int trialId, string paramName, double internalValue, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(paramName);
        ArgumentNullException.ThrowIfNull(distribution);
        StoredNames.CheckParamName(paramName);
        int studyId = StudyOfTrial(trialId);
        CheckDistribution(studyId, paramName, distribution, connection: null);
        string json = distribution.ToJson();
        bool deferred = TryDefer(trialId, new PendingWrite(PendingKind.Param, paramName, 0, internalValue, json), o =>
        {
            // Optuna keeps the first value of a parameter set twice.
            if (!o.Params.TryAdd(paramName, internalValue))
            {
                return false;
            }

            o.Distributions[paramName] = distribution;
            return true;
        });
        if (deferred)
        {
            return;
        }

        int rows = Run(c => c.Command(_sql.InsertParam).With("@t", trialId).With("@name", paramName).With("@value", internalValue).With("@dist", json).ExecuteNonQuery());
        if (rows == 0)
        {
            // Not inserted: the trial is missing or finished, or the parameter exists (Optuna keeps the first value).
            ThrowIfNotUpdatable(trialId);
        }
    }

    /// <inheritdoc/>
    public int GetTrialIdFromStudyIdTrialNumber(int studyId, int trialNumber)
    {
        if (TryGetCachedTrialId(studyId, trialNumber) is { } cached)
        {
            return cached;
        }

        // The incremental read brings every trial created since the last one into the cache.
        Refresh(studyId);
        return TryGetCachedTrialId(studyId, trialNumber)
            ?? throw new KeyNotFoundException($"No trial with trial number {trialNumber} exists in study with study_id {studyId}.");
    }

    private int? TryGetCachedTrialId(int studyId, int trialNumber)
    {
        if (_studies.TryGetValue(studyId, out var cache))
        {
            lock (cache.Lock)
            {
                if (trialNumber >= 0 && trialNumber < cache.ByNumber.Count && cache.ByNumber[trialNumber] is { } t)
                {
                    return t.TrialId;
                }
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public bool SetTrialStateValues(int trialId, TrialState state, IReadOnlyList<double>? values = null)
    {
        DateTime now = Now();
        if (state == TrialState.Running)
        {
            int rows = Run(c => c.Command(_sql.ClaimWaiting).With("@t", trialId).WithDateTime(Dialect, "@start", now).ExecuteNonQuery());
            if (rows == 1)
            {
                return true;
            }

            ThrowIfNotUpdatable(trialId);
            return false;
        }

        double[]? vals = values?.ToArray();
        var pending = Disown(trialId, out var owned);
        try
        {
            Finish(trialId, state, vals, now, pending);
        }
        catch (Exception e) when (owned is not null && e is not (UpdateFinishedTrialException or KeyNotFoundException))
        {
            // Not stored (the database is unreachable, or it refused a value): the trial and its writes stay
            // tracked, so that marking it failed next still stores its writes first.
            Reown(owned, pending);
            throw;
        }

        if (state.IsFinished() && _trialKeys.TryGetValue(trialId, out var key) && _studies.TryGetValue(key.StudyId, out var studyCache))
        {
            lock (studyCache.Lock)
            {
                studyCache.ScanUnfinished.Remove(trialId);
            }
        }

        if (owned is not null && state.IsFinished())
        {
            // Write-through: the finished trial is exactly what this instance wrote, so the cache takes it without
            // reading it back (samplers that read the study on every ask then pay one small query, not six).
            _finished[trialId] = (owned.StudyId, owned.Finish(state, vals, now));
        }
        else if (owned is not null)
        {
            // Back to WAITING: no longer this instance's running trial.
            lock (owned.Lock)
            {
                owned.Closed = true;
            }
        }

        return true;
    }

    /// <summary>The durable transaction that stores a trial's queued writes, then its state and values.</summary>
    private void Finish(int trialId, TrialState state, double[]? vals, DateTime now, List<PendingWrite>? pending) =>
        Write(durable: true, c =>
        {
            if (c.Raw is null && c.Connection.CanCreateBatch)
            {
                // PostgreSQL: parameters, state and values in one batch (one round trip), then the commit.
                FinishInBatch(c, trialId, state, vals, now, pending);
                return;
            }

            // The trial's queued writes are stored first, in the same durable transaction as its state.
            if (pending is not null)
            {
                try
                {
                    WritePending(c, trialId, pending, finishing: true);
                }
                catch (WriteRejectedException)
                {
                    throw RejectedWrite(c, trialId);
                }
            }

            // The guarded update takes the row (PostgreSQL) or the database (SQLite) for the transaction; a trial
            // finished meanwhile by another worker is not updated.
            if (c.Raw is { } raw)
            {
                int changed = state.IsFinished()
                    ? raw.Statement(_sql.SetStateFinished).Bind("@t", trialId).Bind("@state", StateName(state)).BindDateTime("@complete", now).Execute()
                    : raw.Statement(_sql.SetState).Bind("@t", trialId).Bind("@state", StateName(state)).Execute();
                if (changed == 0)
                {
                    using var r = c.Command(_sql.TrialKey).With("@t", trialId).ExecuteReader();
                    throw r.Read() ? Unupdatable(r.GetInt32(1)) : TrialNotFound(trialId);
                }

                if (vals is not null)
                {
                    for (int i = 0; i < vals.Length; i++)
                    {
                        var (stored, type) = StoredValue(vals[i]);
                        raw.Statement(_sql.UpsertValue).Bind("@t", trialId).Bind("@objective", i).Bind("@value", stored).Bind("@type", type).Execute();
                    }
                }

                return;
            }

            int rows = state.IsFinished()
                ? c.Command(_sql.SetStateFinished).With("@t", trialId).With("@state", StateName(state)).WithDateTime(Dialect, "@complete", now).ExecuteNonQuery()
                : c.Command(_sql.SetState).With("@t", trialId).With("@state", StateName(state)).ExecuteNonQuery();
            if (rows == 0)
            {
                using var r = c.Command(_sql.TrialKey).With("@t", trialId).ExecuteReader();
                throw r.Read() ? Unupdatable(r.GetInt32(1)) : TrialNotFound(trialId);
            }

            if (vals is not null)
            {
                for (int i = 0; i < vals.Length; i++)
                {
                    var (stored, type) = StoredValue(vals[i]);
                    c.Command(_sql.UpsertValue).With("@t", trialId).With("@objective", i).With("@value", stored).With("@type", type).ExecuteNonQuery();
                }
            }
        });

    /// <inheritdoc/>
    public void SetTrialIntermediateValue(int trialId, int step, double intermediateValue)
    {
        var (stored, type) = StoredIntermediate(intermediateValue);
        if (TryDefer(trialId, new PendingWrite(PendingKind.Intermediate, string.Empty, step, stored, type), o =>
        {
            o.Intermediate[step] = intermediateValue;
            return true;
        }))
        {
            return;
        }

        int rows = Run(c => c.Command(_sql.UpsertIntermediate).With("@t", trialId).With("@step", step).With("@value", stored).With("@type", type).ExecuteNonQuery());
        if (rows == 0)
        {
            ThrowIfNotUpdatable(trialId);
        }
    }

    /// <inheritdoc/>
    public void SetTrialUserAttr(int trialId, string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        StoredNames.CheckKey(key, "user attribute");
        string json = PyJson.Serialize(value);
        if (!TryDefer(trialId, new PendingWrite(PendingKind.UserAttr, key, 0, null, json), o =>
        {
            o.UserAttrs[key] = value;
            return true;
        }))
        {
            SetTrialAttr(_sql.UpsertTrialUserAttr, trialId, key, json);
        }
    }

    /// <inheritdoc/>
    public void SetTrialSystemAttr(int trialId, string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        StoredNames.CheckKey(key, "system attribute");
        string json = PyJson.Serialize(value);
        if (!TryDefer(trialId, new PendingWrite(PendingKind.SystemAttr, key, 0, null, json), o =>
        {
            o.SystemAttrs[key] = value;
            return true;
        }))
        {
            SetTrialAttr(_sql.UpsertTrialSystemAttr, trialId, key, json);
        }
    }

    /// <inheritdoc/>
    public FrozenTrial GetTrial(int trialId)
    {
        if (_finished.TryGetValue(trialId, out var cached))
        {
            return cached.Trial;
        }

        if (OwnedSnapshot(trialId) is { } owned)
        {
            return owned;
        }

        var trials = Run(c => ReadTrials(c.Command(_sql.OneTrial).With("@t", trialId)));
        if (trials.Count == 0)
        {
            throw TrialNotFound(trialId);
        }

        var trial = trials[0].Trial;
        int studyId = trials[0].StudyId;
        _trialKeys[trialId] = (studyId, trial.Number);
        if (trial.State.IsFinished())
        {
            _finished[trialId] = (studyId, trial);
        }

        return trial;
    }

    /// <inheritdoc/>
    public IReadOnlyList<FrozenTrial> GetAllTrials(int studyId, IReadOnlyCollection<TrialState>? states = null)
    {
        var cache = Refresh(studyId);
        lock (cache.Lock)
        {
            var result = new List<FrozenTrial>(cache.ByNumber.Count);
            foreach (var t in cache.ByNumber)
            {
                if (t is not null && (states is null || states.Contains(t.State)))
                {
                    result.Add(t);
                }
            }

            return result;
        }
    }

    /// <summary>
    /// Counts the trials of a study, optionally by state: an incremental read of the study (its new and unfinished
    /// trials) and a count in the cache, so the cost does not grow with the study.
    /// </summary>
    /// <param name="studyId">The study id.</param>
    /// <param name="states">The states to count, or <see langword="null"/> for all.</param>
    /// <returns>The count.</returns>
    public int GetNTrials(int studyId, IReadOnlyCollection<TrialState>? states = null)
    {
        var cache = Refresh(studyId);
        lock (cache.Lock)
        {
            int n = 0;
            foreach (var t in cache.ByNumber)
            {
                if (t is not null && (states is null || states.Contains(t.State)))
                {
                    n++;
                }
            }

            return n;
        }
    }

    /// <inheritdoc/>
    public FrozenTrial GetBestTrial(int studyId)
    {
        var directions = GetStudyDirections(studyId);
        if (directions.Count > 1)
        {
            throw new InvalidOperationException("Best trial can be obtained only for single-objective optimization.");
        }

        // From the incremental cache: the COMPLETE trials are all cached, so no query scans the study.
        bool maximize = directions[0] == StudyDirection.Maximize;
        var cache = Refresh(studyId);
        lock (cache.Lock)
        {
            FrozenTrial? best = null;
            foreach (var t in cache.ByNumber)
            {
                if (t is { State: TrialState.Complete, Values: { Count: > 0 } values } && (best is null || (maximize ? values[0] > best.Values![0] : values[0] < best.Values![0])))
                {
                    best = t;
                }
            }

            return best ?? throw new InvalidOperationException("No trials are completed yet.");
        }
    }

    /// <summary>
    /// Claims the oldest WAITING trial or creates a new RUNNING one, in one round trip in the common case:
    /// <list type="bullet">
    /// <item>PostgreSQL (batches): the study row is locked (so the next number is computed after every earlier creation
    /// committed), the waiting scan of <see cref="PopWaitingTrialId"/> runs, and an insert guarded by "the scan finds
    /// nothing WAITING" follows — one batch, one implicit transaction. Only when something is waiting does a claim
    /// follow.</item>
    /// <item>SQLite (one writer at a time): one statement, an insert guarded by "no trial above the scan's watermark is
    /// unfinished and no watched trial is WAITING" — exactly when a scan would find nothing to claim and nothing new to
    /// watch. When the guard fails (other processes are running trials) the storage scans and creates, as before, until
    /// a scan sees no other process's trial running.</item>
    /// </list>
    /// </summary>
    /// <param name="studyId">The study id.</param>
    /// <returns>The claimed or created trial id.</returns>
    public int ClaimOrCreateTrial(int studyId)
    {
        var cache = GetCache(studyId);
        int[] watched;
        int watermark;
        bool slow;
        lock (cache.Lock)
        {
            watched = [.. cache.ScanUnfinished];
            watermark = cache.WaitingWatermark;
            slow = watched.Length > 256 || (Dialect.SerializesWriters && !cache.FastAsk);
        }

        if (slow)
        {
            return PopWaitingTrialId(studyId) ?? CreateNewTrial(studyId);
        }

        int slots = watched.Length == 0 ? 0 : (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)watched.Length);
        DateTime now = Now();
        (int Id, int Number)? created;
        List<int>? candidates = null;
        if (!Dialect.SerializesWriters)
        {
            var batched = Run<(List<(int Id, TrialState State)> Scan, (int Id, int Number)? Created)?>(
                c => c.Connection.CanCreateBatch ? ScanAndInsertLocked(c, studyId, now, watermark, slots, watched) : null);
            if (batched is not { } b)
            {
                return PopWaitingTrialId(studyId) ?? CreateNewTrial(studyId);
            }

            lock (cache.Lock)
            {
                candidates = FoldScan(cache, b.Scan, null);
            }

            created = b.Created;
        }
        else
        {
            created = Run(c => InsertUnlessWaiting(c, studyId, now, watermark, slots, watched));
        }

        if (created is not { } k)
        {
            if (candidates is not null)
            {
                // The batch's scan found trials waiting: claim one (or scan again if others won them all).
                return Claim(candidates) ?? PopWaitingTrialId(studyId) ?? CreateNewTrial(studyId);
            }

            if (Dialect.SerializesWriters)
            {
                // Other processes are running trials (or one is waiting): scan from now on until they are gone.
                lock (cache.Lock)
                {
                    cache.FastAsk = false;
                }
            }

            // A missing study is reported by the slow path.
            return PopWaitingTrialId(studyId) ?? CreateNewTrial(studyId);
        }

        lock (cache.Lock)
        {
            // Every trial up to the new one is finished or watched: what a scan would have concluded. The new trial is
            // watched while it runs (a running trial may be put back to WAITING), until this instance finishes it.
            cache.WaitingWatermark = Math.Max(cache.WaitingWatermark, k.Id);
            cache.ScanUnfinished.Add(k.Id);
        }

        _trialKeys[k.Id] = (studyId, k.Number);
        Own(k.Id, studyId, k.Number, now);
        return k.Id;
    }

    /// <summary>The guarded single-statement insert of <see cref="ClaimOrCreateTrial"/> on SQLite.</summary>
    private (int, int)? InsertUnlessWaiting(RdbConnection c, int studyId, DateTime now, int watermark, int slots, int[] watched)
    {
        string sql = _sql.InsertTrialUnlessWaiting(slots, runningBlocks: true);
        if (c.Raw is { } raw)
        {
            var statement = raw.Statement(sql).Bind("@s", studyId).Bind("@state", StateName(TrialState.Running))
                .BindDateTime("@start", now).Bind("@complete", (string?)null).Bind("@wm", watermark);
            for (int i = 0; i < slots; i++)
            {
                statement.Bind(ParamNames.W[i], i < watched.Length ? watched[i] : -1);
            }

            try
            {
                (int, int)? row = statement.Step() ? (statement.Int32(0), statement.Int32(1)) : null;
                while (statement.Step())
                {
                }

                return row;
            }
            finally
            {
                statement.Reset();
            }
        }

        var command = c.Command(sql).With("@s", studyId).With("@state", StateName(TrialState.Running))
            .WithDateTime(Dialect, "@start", now).WithDateTime(Dialect, "@complete", null).With("@wm", watermark);
        BindList(command, "@w", slots, watched);
        using var r = command.ExecuteReader();
        return r.Read() ? (r.GetInt32(0), r.GetInt32(1)) : null;
    }

    /// <summary>
    /// The batch of <see cref="ClaimOrCreateTrial"/> on an engine with concurrent writers: lock the study row, run the
    /// waiting scan, insert unless the scan's range holds a WAITING trial. Returns the scan's rows and the new trial.
    /// </summary>
    private (List<(int Id, TrialState State)> Scan, (int Id, int Number)? Created) ScanAndInsertLocked(
        RdbConnection c, int studyId, DateTime now, int watermark, int slots, int[] watched)
    {
        using var batch = c.Connection.CreateBatch();
        batch.Connection = c.Connection;
        var lockStudy = batch.CreateBatchCommand();
        lockStudy.CommandText = _sql.StudyExistsForUpdate;
        BatchParameter(lockStudy, "@s", studyId, System.Data.DbType.Int32);
        batch.BatchCommands.Add(lockStudy);
        var scan = batch.CreateBatchCommand();
        scan.CommandText = _sql.WaitingScan(slots);
        BatchParameter(scan, "@s", studyId, System.Data.DbType.Int32);
        BatchParameter(scan, "@wm", watermark, System.Data.DbType.Int32);
        var insert = batch.CreateBatchCommand();
        insert.CommandText = _sql.InsertTrialUnlessWaiting(slots, runningBlocks: false);
        BatchParameter(insert, "@s", studyId, System.Data.DbType.Int32);
        BatchParameter(insert, "@state", StateName(TrialState.Running), System.Data.DbType.String);
        BatchDateTime(insert, "@start", now);
        BatchDateTime(insert, "@complete", null);
        BatchParameter(insert, "@wm", watermark, System.Data.DbType.Int32);
        for (int i = 0; i < slots; i++)
        {
            int id = i < watched.Length ? watched[i] : -1;
            BatchParameter(scan, ParamNames.W[i], id, System.Data.DbType.Int32);
            BatchParameter(insert, ParamNames.W[i], id, System.Data.DbType.Int32);
        }

        batch.BatchCommands.Add(scan);
        batch.BatchCommands.Add(insert);
        using var r = batch.ExecuteReader();
        r.NextResult();
        var rows = new List<(int Id, TrialState State)>();
        while (r.Read())
        {
            rows.Add((r.GetInt32(0), ParseState(r.GetString(1))));
        }

        r.NextResult();
        (int, int)? created = r.Read() ? (r.GetInt32(0), r.GetInt32(1)) : null;
        return (rows, created);
    }

    /// <summary>
    /// The finishing writes of a trial (its queued parameters, the guarded state update, its values) as one batch inside
    /// the caller's transaction; a trial that is no longer updatable makes the caller roll everything back.
    /// </summary>
    private void FinishInBatch(RdbConnection c, int trialId, TrialState state, double[]? values, DateTime now, List<PendingWrite>? pending)
    {
        using var batch = c.Connection.CreateBatch();
        batch.Connection = c.Connection;
        batch.Transaction = c.Transaction;
        var expected = new List<int>();
        for (int start = 0; pending is not null && start < pending.Count;)
        {
            var w = pending[start];
            var command = batch.CreateBatchCommand();
            BatchParameter(command, "@t", trialId, System.Data.DbType.Int32);
            if (w.Kind == PendingKind.Param)
            {
                // A run of parameters goes in multi-row inserts; the order of all writes is kept.
                int count = 0;
                while (start + count < pending.Count && count < Sql.MaxParamsPerInsert && pending[start + count].Kind == PendingKind.Param)
                {
                    var p = pending[start + count];
                    BatchParameter(command, ParamNames.N[count], p.Name, System.Data.DbType.String);
                    BatchParameter(command, ParamNames.V[count], p.Value is { } v ? v : DBNull.Value, System.Data.DbType.Double);
                    BatchParameter(command, ParamNames.D[count], p.Json!, System.Data.DbType.String);
                    count++;
                }

                command.CommandText = _sql.InsertParams(count);
                expected.Add(count);
                start += count;
            }
            else
            {
                if (w.Kind == PendingKind.Intermediate)
                {
                    command.CommandText = _sql.UpsertIntermediate;
                    BatchParameter(command, "@step", w.Step, System.Data.DbType.Int32);
                    BatchParameter(command, "@value", w.Value is { } v ? v : DBNull.Value, System.Data.DbType.Double);
                    BatchParameter(command, "@type", w.Json!, System.Data.DbType.String);
                }
                else
                {
                    command.CommandText = w.Kind == PendingKind.UserAttr ? _sql.UpsertTrialUserAttr : _sql.UpsertTrialSystemAttr;
                    BatchParameter(command, "@key", w.Name, System.Data.DbType.String);
                    BatchParameter(command, "@value", w.Json!, System.Data.DbType.String);
                }

                expected.Add(1);
                start++;
            }

            batch.BatchCommands.Add(command);
        }

        var update = batch.CreateBatchCommand();
        update.CommandText = state.IsFinished() ? _sql.SetStateFinished : _sql.SetState;
        BatchParameter(update, "@t", trialId, System.Data.DbType.Int32);
        BatchParameter(update, "@state", StateName(state), System.Data.DbType.String);
        if (state.IsFinished())
        {
            BatchDateTime(update, "@complete", now);
        }

        batch.BatchCommands.Add(update);
        for (int i = 0; values is not null && i < values.Length; i++)
        {
            var (stored, type) = StoredValue(values[i]);
            var upsert = batch.CreateBatchCommand();
            upsert.CommandText = _sql.UpsertValue;
            BatchParameter(upsert, "@t", trialId, System.Data.DbType.Int32);
            BatchParameter(upsert, "@objective", i, System.Data.DbType.Int32);
            BatchParameter(upsert, "@value", stored is { } sv ? sv : DBNull.Value, System.Data.DbType.Double);
            BatchParameter(upsert, "@type", type, System.Data.DbType.String);
            batch.BatchCommands.Add(upsert);
        }

        batch.ExecuteNonQuery();
        if (update.RecordsAffected == 0)
        {
            using var r = c.Command(_sql.TrialKey).With("@t", trialId).ExecuteReader();
            throw r.Read() ? Unupdatable(r.GetInt32(1)) : TrialNotFound(trialId);
        }

        for (int i = 0; i < expected.Count; i++)
        {
            if (batch.BatchCommands[i].RecordsAffected < expected[i])
            {
                throw RejectedWrite(c, trialId);
            }
        }
    }

    /// <summary>
    /// The error for a queued write that stored no row, read inside the caller's transaction: the trial is missing
    /// or finished (a write of a trial is never silently dropped).
    /// </summary>
    private Exception RejectedWrite(RdbConnection c, int trialId)
    {
        using var r = c.Command(_sql.TrialKey).With("@t", trialId).ExecuteReader();
        if (!r.Read())
        {
            return TrialNotFound(trialId);
        }

        return ParseState(r.GetString(2)).IsFinished()
            ? Unupdatable(r.GetInt32(1))
            : new StorageInternalException($"A write of trial #{r.GetInt32(1)} (trial_id {trialId}) changed no row in {Dialect.DisplayName}; nothing of the trial's finishing transaction was stored.");
    }

    private void BatchDateTime(System.Data.Common.DbBatchCommand command, string name, DateTime? utc)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        Dialect.ConfigureDateTimeParameter(p, utc);
        command.Parameters.Add(p);
    }

    private static void BatchParameter(System.Data.Common.DbBatchCommand command, string name, object value, System.Data.DbType type)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.DbType = type;
        p.Value = value;
        command.Parameters.Add(p);
    }

    /// <summary>
    /// Claims the oldest WAITING trial. One query reads the state of the trials created since the last call and of
    /// those it saw unfinished then (a WAITING trial is either), so the cost does not grow with the study; each
    /// candidate is claimed with a compare-and-set on its state, so exactly one worker wins it.
    /// </summary>
    /// <param name="studyId">The study id.</param>
    /// <returns>The claimed trial id, or <see langword="null"/> when none is waiting.</returns>
    public int? PopWaitingTrialId(int studyId)
    {
        var cache = GetCache(studyId);
        List<int>? candidates = null;
        lock (cache.Lock)
        {
            int[] watched = [.. cache.ScanUnfinished];
            int slots = watched.Length == 0 ? 0 : (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)watched.Length);
            int watermark = cache.WaitingWatermark;
            if (slots > 256)
            {
                foreach (int id in watched)
                {
                    watermark = Math.Min(watermark, id - 1);
                }

                slots = 0;
            }

            var rows = Run(c =>
            {
                var command = c.Command(_sql.WaitingScan(slots)).With("@s", studyId).With("@wm", watermark);
                BindList(command, "@w", slots, watched);
                var list = new List<(int Id, TrialState State)>();
                using (var r = command.ExecuteReader())
                {
                    while (r.Read())
                    {
                        list.Add((r.GetInt32(0), ParseState(r.GetString(1))));
                    }
                }

                if (list.Count == 0 && cache.WaitingWatermark < 0)
                {
                    EnsureStudy(c, studyId);
                }

                return list;
            });
            candidates = FoldScan(cache, rows, candidates);
            if (Dialect.SerializesWriters && !cache.FastAsk)
            {
                // Asks go back to the single-statement insert once no other process's trial is running.
                cache.FastAsk = cache.ScanUnfinished.All(_owned.ContainsKey);
            }
        }

        if (candidates is null)
        {
            return null;
        }

        // When every candidate was claimed by another worker meanwhile, look again.
        return Claim(candidates) ?? PopWaitingTrialId(studyId);
    }

    /// <summary>Claims the first of the WAITING trials another worker has not claimed meanwhile (a compare-and-set on each state).</summary>
    private int? Claim(List<int> candidates)
    {
        DateTime now = Now();
        foreach (int trialId in candidates)
        {
            int rows = Run(c => c.Command(_sql.ClaimWaiting).With("@t", trialId).WithDateTime(Dialect, "@start", now).ExecuteNonQuery());
            if (rows == 1)
            {
                return trialId;
            }
        }

        return null;
    }

    /// <summary>
    /// Folds the rows of a waiting scan into the study's scan state (under its lock): the watermark moves past every row,
    /// unfinished trials are watched, finished ones forgotten; WAITING ones are added to <paramref name="candidates"/>.
    /// </summary>
    private static List<int>? FoldScan(StudyCache cache, List<(int Id, TrialState State)> rows, List<int>? candidates)
    {
        foreach (var (id, state) in rows)
        {
            cache.WaitingWatermark = Math.Max(cache.WaitingWatermark, id);
            if (state.IsFinished())
            {
                cache.ScanUnfinished.Remove(id);
                continue;
            }

            cache.ScanUnfinished.Add(id);
            if (state == TrialState.Waiting)
            {
                (candidates ??= []).Add(id);
            }
        }

        return candidates;
    }

    /// <summary>Records the heartbeat of a trial, together with the trial's queued writes.</summary>
    /// <param name="trialId">The trial id.</param>
    public void RecordHeartbeat(int trialId)
    {
        List<PendingWrite>? pending = null;
        _owned.TryGetValue(trialId, out var owned);
        owned?.Sending.Wait();
        try
        {
            if (owned is not null)
            {
                lock (owned.Lock)
                {
                    if (!owned.Closed && owned.Pending.Count > 0)
                    {
                        pending = [.. owned.Pending];
                        owned.Pending.Clear();
                    }
                }
            }

            Write(durable: false, c =>
            {
                if (pending is not null)
                {
                    WritePending(c, trialId, pending);
                }

                c.Command(_sql.RecordHeartbeat).With("@t", trialId).ExecuteNonQuery();
            });
        }
        catch (WriteRejectedException) when (owned is not null)
        {
            // Another worker finished the trial: its writes can not be stored.
            Abandon(owned);
            ThrowIfNotUpdatable(trialId);
            throw new StorageInternalException($"A write of trial_id {trialId} changed no row in {Dialect.DisplayName}.");
        }
        catch when (pending is not null && owned is not null)
        {
            lock (owned.Lock)
            {
                owned.Pending.InsertRange(0, pending);
            }

            throw;
        }
        finally
        {
            owned?.Sending.Release();
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<int> GetStaleTrialIds(int studyId)
    {
        double grace = GracePeriod.TotalSeconds;
        return Run(c =>
        {
            var ids = new List<int>();
            using var r = c.Command(_sql.StaleTrials).With("@s", studyId).With("@grace", grace).ExecuteReader();
            while (r.Read())
            {
                ids.Add(r.GetInt32(0));
            }

            return (IReadOnlyList<int>)ids;
        });
    }

    /// <summary>The SQL list of state names (<c>'COMPLETE', 'RUNNING'</c>) in a stable order.</summary>
    private static string StateList(IReadOnlyCollection<TrialState> states)
    {
        var sb = new StringBuilder();
        foreach (var s in new[] { TrialState.Running, TrialState.Complete, TrialState.Pruned, TrialState.Fail, TrialState.Waiting })
        {
            if (states.Contains(s))
            {
                sb.Append(sb.Length == 0 ? "'" : ", '").Append(StateName(s)).Append('\'');
            }
        }

        return sb.ToString();
    }

    private void SetTrialAttr(string sql, int trialId, string key, string json)
    {
        int rows = Run(c => c.Command(sql).With("@t", trialId).With("@key", key).With("@value", json).ExecuteNonQuery());
        if (rows == 0)
        {
            ThrowIfNotUpdatable(trialId);
        }
    }

    private void WriteTemplateChildren(RdbConnection c, int trialId, FrozenTrial template, string[] distributionJson)
    {
        int i = 0;
        foreach (var (name, _) in template.Distributions)
        {
            c.Command(_sql.InsertParamUnchecked).With("@t", trialId).With("@name", name).With("@value", template.InternalParams[name]).With("@dist", distributionJson[i++]).ExecuteNonQuery();
        }

        if (template.Values is { } values)
        {
            for (int k = 0; k < values.Count; k++)
            {
                var (stored, type) = StoredValue(values[k]);
                c.Command(_sql.UpsertValue).With("@t", trialId).With("@objective", k).With("@value", stored).With("@type", type).ExecuteNonQuery();
            }
        }

        foreach (var (key, value) in template.UserAttrs)
        {
            c.Command(_sql.InsertTrialUserAttrUnchecked).With("@t", trialId).With("@key", key).With("@value", PyJson.Serialize(value)).ExecuteNonQuery();
        }

        foreach (var (key, value) in template.SystemAttrs)
        {
            c.Command(_sql.InsertTrialSystemAttrUnchecked).With("@t", trialId).With("@key", key).With("@value", PyJson.Serialize(value)).ExecuteNonQuery();
        }

        foreach (var (step, value) in template.IntermediateValues)
        {
            var (stored, type) = StoredIntermediate(value);
            c.Command(_sql.InsertIntermediateUnchecked).With("@t", trialId).With("@step", step).With("@value", stored).With("@type", type).ExecuteNonQuery();
        }
    }

    /// <summary>Checks a distribution against the one recorded earlier for the name in the study (cached per process).</summary>
    private void CheckDistribution(int studyId, string name, Distribution distribution, RdbConnection? connection)
    {
        var cache = GetCache(studyId);
        Distribution? previous;
        lock (cache.Lock)
        {
            cache.ParamDistributions.TryGetValue(name, out previous);
        }

        if (previous is null)
        {
            object? json = connection is not null
                ? connection.Command(_sql.PreviousDistribution).With("@s", studyId).With("@name", name).ExecuteScalar()
                : Run(c => c.Command(_sql.PreviousDistribution).With("@s", studyId).With("@name", name).ExecuteScalar());
            if (json is string s)
            {
                previous = ParseDistribution(s);
            }
        }

        if (previous is not null)
        {
            Distribution.CheckCompatibility(previous, distribution);
        }

        lock (cache.Lock)
        {
            cache.ParamDistributions.TryAdd(name, previous ?? distribution);
        }
    }

    private int StudyOfTrial(int trialId)
    {
        if (_trialKeys.TryGetValue(trialId, out var key))
        {
            return key.StudyId;
        }

        var found = Run(c =>
        {
            using var r = c.Command(_sql.TrialKey).With("@t", trialId).ExecuteReader();
            return r.Read() ? (r.GetInt32(0), r.GetInt32(1)) : ((int, int)?)null;
        });
        if (found is not { } k)
        {
            throw TrialNotFound(trialId);
        }

        _trialKeys[trialId] = k;
        return k.Item1;
    }

    /// <summary>Explains a write that changed no row: a missing trial, or a finished one (otherwise nothing to report).</summary>
    private void ThrowIfNotUpdatable(int trialId)
    {
        var found = Run(c =>
        {
            using var r = c.Command(_sql.TrialKey).With("@t", trialId).ExecuteReader();
            return r.Read() ? (r.GetInt32(1), ParseState(r.GetString(2))) : ((int, TrialState)?)null;
        });
        if (found is not { } f)
        {
            Disown(trialId);
            throw TrialNotFound(trialId);
        }

        if (f.Item2.IsFinished())
        {
            Disown(trialId);
            throw Unupdatable(f.Item1);
        }
    }

    private static DateTime Now()
    {
        // Microsecond resolution, as every engine stores it, so that cached and re-read trials are equal.
        long ticks = DateTime.UtcNow.Ticks;
        return new DateTime(ticks - (ticks % 10), DateTimeKind.Utc);
    }

    private static KeyNotFoundException TrialNotFound(int trialId) => new($"No trial with trial_id {trialId} exists.");

    private static UpdateFinishedTrialException Unupdatable(int number) => new($"Trial#{number} has already finished and can not be updated.");

    private static (double? Value, string Type) StoredValue(double v) =>
        double.IsPositiveInfinity(v) ? (null, "INF_POS")
        : double.IsNegativeInfinity(v) ? (null, "INF_NEG")
        : (v, "FINITE");

    private static (double? Value, string Type) StoredIntermediate(double v) =>
        double.IsNaN(v) ? (null, "NAN") : StoredValue(v);

    internal static string StateName(TrialState s) => s.ToOptunaName();

    internal static TrialState ParseState(string name) => name switch
    {
        "RUNNING" => TrialState.Running,
        "COMPLETE" => TrialState.Complete,
        "PRUNED" => TrialState.Pruned,
        "FAIL" => TrialState.Fail,
        "WAITING" => TrialState.Waiting,
        _ => throw new FormatException($"Unknown trial state '{name}'."),
    };
}
