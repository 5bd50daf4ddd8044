using System.Collections.ObjectModel;
using Sharptune.Storages.Journal;

namespace Sharptune.Storages;

public sealed partial class JournalStorage
{
    /// <summary>How long a record of a running trial of this instance may wait before a background flush appends it.</summary>
    internal static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<int, OwnedTrial> _owned = [];
    private readonly Dictionary<(int StudyId, string Name), Distribution> _queuedDistributions = [];
    private Timer? _flushTimer;
    private bool _flushScheduled;
    private bool _closing;

    /// <summary>
    /// Starts tracking a RUNNING trial this instance created. Its parameter, report and attribute records are
    /// queued and appended behind: with the trial's state record in one append, with its heartbeat, or by a
    /// background flush at most <see cref="FlushDelay"/> later. Reads of this instance see them at once. (The
    /// persistence guarantees of Optuna's <c>_CachedStorage</c>: a crash of the process may lose the last records of
    /// a trial that was still running, never its state, and every record of a trial precedes its state.)
    /// Called under the lock.
    /// </summary>
    private void Own(int trialId, int studyId) => _owned[trialId] = new OwnedTrial(studyId);

    /// <summary>Queues a record of an owned, running trial; false when it must be written at once. Called under the lock.</summary>
    private bool TryQueue(int trialId, JournalRecord record, Action<OwnedTrial> apply)
    {
        if (!_owned.TryGetValue(trialId, out var owned) || _replay.FindTrial(trialId) is not { State: TrialState.Running })
        {
            return false;
        }

        apply(owned);
        owned.Records.Add(record);
        owned.Frozen = null;
        ScheduleFlush();
        return true;
    }

    /// <summary>Stops tracking a trial and returns its queued records. Called under the lock.</summary>
    private List<JournalRecord>? TakeQueued(int trialId, bool disown)
    {
        if (!_owned.TryGetValue(trialId, out var owned))
        {
            return null;
        }

        if (disown)
        {
            _owned.Remove(trialId);
        }

        if (owned.Records.Count == 0)
        {
            return null;
        }

        var records = new List<JournalRecord>(owned.Records);
        owned.ClearQueued();
        return records;
    }

    /// <summary>The snapshot of a trial with the queued changes of this instance on top. Called under the lock.</summary>
    private FrozenTrial Snapshot(Journal.JournalReplay.TrialRecord trial)
    {
        if (!_owned.TryGetValue(trial.TrialId, out var owned) || owned.Records.Count == 0 || trial.State != TrialState.Running)
        {
            return trial.Freeze();
        }

        if (owned.Frozen is { } f)
        {
            return f;
        }

        var basis = trial.Freeze();
        var internals = new Dictionary<string, double>(basis.InternalParams);
        var distributions = new Dictionary<string, Distribution>(basis.Distributions);
        foreach (var (name, value) in owned.Params)
        {
            internals[name] = value;
            distributions[name] = owned.Distributions[name];
        }

        var intermediate = new SortedList<int, double>(basis.IntermediateValues.ToDictionary());
        foreach (var (step, value) in owned.Intermediate)
        {
            intermediate[step] = value;
        }

        f = new FrozenTrial(
            basis.Number,
            basis.TrialId,
            basis.State,
            basis.Values,
            basis.DatetimeStart,
            basis.DatetimeComplete,
            internals.Count == 0 ? FrozenTrial.EmptyInternal : new ReadOnlyDictionary<string, double>(internals),
            distributions.Count == 0 ? FrozenTrial.EmptyDistributions : new ReadOnlyDictionary<string, Distribution>(distributions),
            Merge(basis.UserAttrs, owned.UserAttrs),
            Merge(basis.SystemAttrs, owned.SystemAttrs),
            intermediate.Count == 0 ? FrozenTrial.EmptyIntermediate : new ReadOnlyDictionary<int, double>(intermediate));
        owned.Frozen = f;
        return f;

        static IReadOnlyDictionary<string, object?> Merge(IReadOnlyDictionary<string, object?> basis, Dictionary<string, object?> queued)
        {
            if (queued.Count == 0)
            {
                return basis;
            }

            var merged = new Dictionary<string, object?>(basis);
            foreach (var (k, v) in queued)
            {
                merged[k] = v;
            }

            return new ReadOnlyDictionary<string, object?>(merged);
        }
    }

    private void ScheduleFlush()
    {
        if (_flushScheduled || _closing)
        {
            return;
        }

        _flushScheduled = true;
        _flushTimer ??= new Timer(static s => ((JournalStorage)s!).FlushInBackground(), this, Timeout.Infinite, Timeout.Infinite);
        _flushTimer.Change(FlushDelay, Timeout.InfiniteTimeSpan);
    }

    private void FlushInBackground()
    {
        try
        {
            lock (_lock)
            {
                _flushScheduled = false;
                FlushQueued();
            }
        }
        catch (Exception e) when (e is StorageInternalException or IOException or ObjectDisposedException or InvalidOperationException or UpdateFinishedTrialException or KeyNotFoundException)
        {
            // Records of a trial another worker finished are ignored by every replay; other failures leave the
            // records queued (see FlushQueued) for the next write, heartbeat, state change or flush.
        }
    }

    /// <summary>Appends every queued record in one append. Called under the lock.</summary>
    private void FlushQueued()
    {
        var records = new List<JournalRecord>();
        var taken = new List<(OwnedTrial Trial, List<JournalRecord> Records)>();
        foreach (var owned in _owned.Values)
        {
            if (owned.Records.Count > 0)
            {
                taken.Add((owned, [.. owned.Records]));
                records.AddRange(owned.Records);
                owned.ClearQueued();
            }
        }

        if (records.Count == 0)
        {
            return;
        }

        try
        {
            ThrowIfInvalidLastRecord();
            _backend.AppendLogs(JournalRecord.Texts(records), durable: false);
        }
        catch
        {
            foreach (var (trial, queued) in taken)
            {
                trial.Records.InsertRange(0, queued);
            }

            throw;
        }

        Sync(WorkerId(), records);
    }

    /// <summary>The queued changes of a RUNNING trial this instance created.</summary>
    private sealed class OwnedTrial(int studyId)
    {
        public int StudyId { get; } = studyId;

        public List<JournalRecord> Records { get; } = [];

        public Dictionary<string, double> Params { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Distribution> Distributions { get; } = new(StringComparer.Ordinal);

        public SortedList<int, double> Intermediate { get; } = [];

        public Dictionary<string, object?> UserAttrs { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, object?> SystemAttrs { get; } = new(StringComparer.Ordinal);

        public FrozenTrial? Frozen { get; set; }

        public void ClearQueued()
        {
            Records.Clear();
            Params.Clear();
            Distributions.Clear();
            Intermediate.Clear();
            UserAttrs.Clear();
            SystemAttrs.Clear();
            Frozen = null;
        }
    }
}
