using Sharptune.Internal;

namespace Sharptune.Storages;

public sealed partial class RdbStorage
{
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

    private void SetTrialAttr(string sql, int trialId, string key, string json)
    {
        int rows = Run(c => c.Command(sql).With("@t", trialId).With("@key", key).With("@value", json).ExecuteNonQuery());
        if (rows == 0)
        {
            ThrowIfNotUpdatable(trialId);
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

    private static UpdateFinishedTrialException Unupdatable(int number) => new($"Trial#{number} has already finished and can not be updated.");

    private static (double? Value, string Type) StoredValue(double v) =>
        double.IsPositiveInfinity(v) ? (null, "INF_POS")
        : double.IsNegativeInfinity(v) ? (null, "INF_NEG")
        : (v, "FINITE");

    private static (double? Value, string Type) StoredIntermediate(double v) =>
        double.IsNaN(v) ? (null, "NAN") : StoredValue(v);
}
