using System.Collections;

namespace Sharptune.Samplers.Nsga;

/// <summary>
/// Visits each finished trial of a study exactly once across calls, so samplers keep their statistics
/// incrementally instead of rescanning every trial per suggestion. Trials this process runs are announced by the
/// sampler hooks (<see cref="OnBeforeTrial"/>, <see cref="OnAfterTrial"/>) and fetched one by one; whenever the study
/// holds a trial the hooks never announced (added with <c>AddTrial</c>, or run by another process), the tracker
/// falls back to a full scan, so it stays exact with shared storages.
/// </summary>
internal sealed class FinishedTrialTracker
{
    private const int FullScanPeriod = 256;

    private readonly Lock _hookLock = new();
    private readonly BitArray _seen = new(0);
    private readonly BitArray _processed = new(0);
    private readonly List<int> _pending = [];
    private readonly List<int> _stillRunning = [];
    private int _seenCount;
    private int _refreshes;
    private int _cursor;

    /// <summary>Gets the storage this tracker follows.</summary>
    public Storages.IStorage? Storage { get; private set; }

    /// <summary>Gets the study id this tracker follows.</summary>
    public int StudyId { get; private set; } = -1;

    /// <summary>Returns whether the tracker follows <paramref name="study"/>.</summary>
    public bool Follows(Study study) => ReferenceEquals(Storage, study.Storage) && StudyId == study.StudyId;

    /// <summary>Starts following a study from its first trial.</summary>
    public void Reset(Study study)
    {
        lock (_hookLock)
        {
            Storage = study.Storage;
            StudyId = study.StudyId;
            _cursor = 0;
            _seenCount = 0;
            _refreshes = 0;
            _seen.Length = 0;
            _processed.Length = 0;
            _pending.Clear();
        }
    }

    /// <summary>Records that this process created the trial (call from <c>BeforeTrial</c>).</summary>
    public void OnBeforeTrial(Study study, FrozenTrial trial)
    {
        lock (_hookLock)
        {
            if (!Follows(study))
            {
                return;
            }

            Grow(_seen, trial.Number + 1);
            if (!_seen[trial.Number])
            {
                _seen[trial.Number] = true;
                _seenCount++;
            }
        }
    }

    /// <summary>Records that the trial is finishing in this process (call from <c>AfterTrial</c>).</summary>
    public void OnAfterTrial(Study study, FrozenTrial trial)
    {
        lock (_hookLock)
        {
            if (Follows(study))
            {
                _pending.Add(trial.TrialId);
            }
        }
    }

    /// <summary>Calls <paramref name="onFinished"/> for every finished trial not seen before.</summary>
    /// <param name="study">The study (the one passed to <see cref="Reset"/>).</param>
    /// <param name="onFinished">The callback.</param>
    public void Refresh(Study study, Action<FrozenTrial> onFinished)
    {
        int total = study.Storage.GetNTrials(study.StudyId);
        bool fullScan;
        int[] pending;
        lock (_hookLock)
        {
            fullScan = _seenCount < total || ++_refreshes % FullScanPeriod == 0;
            pending = [.. _pending];
            _pending.Clear();
        }

        if (fullScan)
        {
            var trials = study.GetTrials();
            Grow(_processed, trials.Count);
            bool prefix = true;
            for (int i = _cursor; i < trials.Count; i++)
            {
                var t = trials[i];
                if (!t.State.IsFinished())
                {
                    prefix = false;
                    continue;
                }

                if (prefix)
                {
                    _cursor = i + 1;
                }

                Process(t, onFinished);
            }

            return;
        }

        _stillRunning.Clear();
        foreach (int id in pending)
        {
            var t = study.Storage.GetTrial(id);
            if (t.State.IsFinished())
            {
                Grow(_processed, t.Number + 1);
                Process(t, onFinished);
            }
            else
            {
                // AfterTrial runs just before the state is stored; look again next time.
                _stillRunning.Add(id);
            }
        }

        if (_stillRunning.Count > 0)
        {
            lock (_hookLock)
            {
                _pending.AddRange(_stillRunning);
            }
        }
    }

    private void Process(FrozenTrial t, Action<FrozenTrial> onFinished)
    {
        if (_processed[t.Number])
        {
            return;
        }

        _processed[t.Number] = true;
        lock (_hookLock)
        {
            Grow(_seen, t.Number + 1);
            if (!_seen[t.Number])
            {
                _seen[t.Number] = true;
                _seenCount++;
            }
        }

        onFinished(t);
    }

    private static void Grow(BitArray bits, int length)
    {
        if (bits.Length < length)
        {
            bits.Length = Math.Max(length, bits.Length * 2);
        }
    }
}
