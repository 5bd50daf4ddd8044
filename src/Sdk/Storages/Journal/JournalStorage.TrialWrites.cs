using Sharptune.Internal;
using Sharptune.Storages.Journal;

namespace Sharptune.Storages;

public sealed partial class JournalStorage
{
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

    private void SetTrialAttr(JournalOperation op, string field, int trialId, string key, object? value)
    {
        var sb = AttrRecord(op, "trial_id", trialId, field, key, value, out string worker);
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

    private static void ThrowIfFinished(JournalReplay.TrialRecord trial)
    {
        if (trial.State.IsFinished())
        {
            throw new UpdateFinishedTrialException($"Trial#{trial.Number} has already finished and can not be updated.");
        }
    }
}
