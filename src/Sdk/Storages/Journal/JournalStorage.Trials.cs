using System.Text;
using Sharptune.Internal;
using Sharptune.Storages.Journal;

namespace Sharptune.Storages;

public sealed partial class JournalStorage
{
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
