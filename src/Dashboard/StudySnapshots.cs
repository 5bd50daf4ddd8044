using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Sharptune.Storages;

namespace Sharptune.Dashboard;

/// <summary>
/// One read of a study's trials, with a version that changes only when a trial was added or changed. Trials before
/// <see cref="Fixed"/> are finished, so they never change; a newer read only compares the trials from there on.
/// </summary>
internal sealed class StudySnapshot(int studyId, IReadOnlyList<FrozenTrial> trials, long version, int @fixed, long takenAt)
{
    public int StudyId { get; } = studyId;

    public IReadOnlyList<FrozenTrial> Trials { get; } = trials;

    /// <summary>Gets the version of the trials: equal versions of one study mean equal trials.</summary>
    public long Version { get; } = version;

    /// <summary>Gets the number of leading trials that are finished.</summary>
    public int Fixed { get; } = @fixed;

    /// <summary>Gets the <see cref="Stopwatch.GetTimestamp"/> of the read.</summary>
    public long TakenAt { get; } = takenAt;
}

/// <summary>
/// Reads of each study's trials shared by the page's requests, and the plot figures computed from them, cached by
/// (study, plot, objective) and the trials' version: a poll that finds no new or changed trial costs one storage read
/// and no figure; a figure is computed once per change however many pages ask for it.
/// </summary>
internal sealed class StudySnapshots(IStorage storage, TimeSpan reuse)
{
    private readonly ConcurrentDictionary<int, StudySnapshot> _snapshots = new();
    private readonly ConcurrentDictionary<int, object> _studyLocks = new();
    private readonly ConcurrentDictionary<(int Study, string Plot, int Objective), FigureEntry> _figures = new();
    private readonly string _instance = Guid.NewGuid().ToString("N")[..12];
    private long _versions;
    private long _figuresComputed;

    /// <summary>Gets the number of figures computed (not served from the cache) since the start.</summary>
    public long FiguresComputed => Interlocked.Read(ref _figuresComputed);

    /// <summary>
    /// Returns the study's trials: a new read when <paramref name="fresh"/> or when the last read is older than the
    /// reuse window (the poll interval), else the last read.
    /// </summary>
    public StudySnapshot Get(int studyId, bool fresh)
    {
        if (!fresh && _snapshots.TryGetValue(studyId, out var recent) && Stopwatch.GetElapsedTime(recent.TakenAt) < reuse)
        {
            return recent;
        }

        lock (_studyLocks.GetOrAdd(studyId, _ => new object()))
        {
            long now = Stopwatch.GetTimestamp();
            if (!fresh && _snapshots.TryGetValue(studyId, out recent) && Stopwatch.GetElapsedTime(recent.TakenAt) < reuse)
            {
                return recent;
            }

            var trials = storage.GetAllTrials(studyId);
            _snapshots.TryGetValue(studyId, out var previous);
            int from = previous is null ? 0 : Math.Min(previous.Fixed, trials.Count);
            bool same = previous is not null && previous.Trials.Count == trials.Count;
            for (int i = from; same && i < trials.Count; i++)
            {
                same = SameContent(previous!.Trials[i], trials[i]);
            }

            int done = from;
            while (done < trials.Count && trials[done].State.IsFinished())
            {
                done++;
            }

            var snapshot = new StudySnapshot(studyId, trials, same ? previous!.Version : Interlocked.Increment(ref _versions), done, now);
            _snapshots[studyId] = snapshot;
            return snapshot;
        }
    }

    /// <summary>
    /// Returns the figure JSON of <paramref name="plot"/> for the snapshot's version, computing it with
    /// <paramref name="compute"/> only when the cache holds another version.
    /// </summary>
    public byte[] Figure(StudySnapshot snapshot, string plot, int objective, Func<byte[]> compute)
    {
        var entry = _figures.GetOrAdd((snapshot.StudyId, plot, objective), _ => new FigureEntry());
        lock (entry)
        {
            if (entry.Json is null || entry.Version != snapshot.Version)
            {
                entry.Json = compute();
                entry.Version = snapshot.Version;
                Interlocked.Increment(ref _figuresComputed);
            }

            return entry.Json;
        }
    }

    /// <summary>Gets the entity tag of the figures drawn from a snapshot (this cache's id and the version).</summary>
    public string ETag(StudySnapshot snapshot) => string.Create(CultureInfo.InvariantCulture, $"\"{_instance}-{snapshot.Version}\"");

    /// <summary>Forgets a study (deleted or renamed).</summary>
    public void Forget(int studyId)
    {
        _snapshots.TryRemove(studyId, out _);
        foreach (var key in _figures.Keys)
        {
            if (key.Study == studyId)
            {
                _figures.TryRemove(key, out _);
            }
        }
    }

    private static bool SameContent(FrozenTrial a, FrozenTrial b) =>
        a.TrialId == b.TrialId && a.State == b.State && a.DatetimeComplete == b.DatetimeComplete &&
        a.Params.Count == b.Params.Count && a.IntermediateValues.Count == b.IntermediateValues.Count &&
        a.UserAttrs.Count == b.UserAttrs.Count && a.SystemAttrs.Count == b.SystemAttrs.Count &&
        (a.Values ?? []).SequenceEqual(b.Values ?? []) &&
        (a.LastStep is not { } step || a.IntermediateValues[step].Equals(b.IntermediateValues.GetValueOrDefault(step, double.NaN)));

    private sealed class FigureEntry
    {
        public long Version { get; set; }

        public byte[]? Json { get; set; }
    }
}

/// <summary>
/// A read-only storage that answers one study's trials from a snapshot and everything else from the real storage,
/// so the visualization functions (which read trials through a <see cref="Study"/>) draw the snapshot.
/// </summary>
internal sealed class SnapshotStorage(IStorage inner, StudySnapshot snapshot) : IStorage
{
    private const string ReadOnly = "The dashboard draws plots from a read-only snapshot of the study.";

    public int CreateNewStudy(IReadOnlyList<StudyDirection> directions, string? studyName = null) => throw new InvalidOperationException(ReadOnly);

    public void DeleteStudy(int studyId) => throw new InvalidOperationException(ReadOnly);

    public void SetStudyUserAttr(int studyId, string key, object? value) => throw new InvalidOperationException(ReadOnly);

    public void SetStudySystemAttr(int studyId, string key, object? value) => throw new InvalidOperationException(ReadOnly);

    public int GetStudyIdFromName(string studyName) => inner.GetStudyIdFromName(studyName);

    public string GetStudyNameFromId(int studyId) => inner.GetStudyNameFromId(studyId);

    public IReadOnlyList<StudyDirection> GetStudyDirections(int studyId) => inner.GetStudyDirections(studyId);

    public IReadOnlyDictionary<string, object?> GetStudyUserAttrs(int studyId) => inner.GetStudyUserAttrs(studyId);

    public IReadOnlyDictionary<string, object?> GetStudySystemAttrs(int studyId) => inner.GetStudySystemAttrs(studyId);

    public IReadOnlyList<FrozenStudy> GetAllStudies() => inner.GetAllStudies();

    public int CreateNewTrial(int studyId, FrozenTrial? templateTrial = null) => throw new InvalidOperationException(ReadOnly);

    public void SetTrialParam(int trialId, string paramName, double internalValue, Distribution distribution) => throw new InvalidOperationException(ReadOnly);

    public int GetTrialIdFromStudyIdTrialNumber(int studyId, int trialNumber) =>
        studyId == snapshot.StudyId && trialNumber >= 0 && trialNumber < snapshot.Trials.Count
            ? snapshot.Trials[trialNumber].TrialId
            : inner.GetTrialIdFromStudyIdTrialNumber(studyId, trialNumber);

    public bool SetTrialStateValues(int trialId, TrialState state, IReadOnlyList<double>? values = null) => throw new InvalidOperationException(ReadOnly);

    public void SetTrialIntermediateValue(int trialId, int step, double intermediateValue) => throw new InvalidOperationException(ReadOnly);

    public void SetTrialUserAttr(int trialId, string key, object? value) => throw new InvalidOperationException(ReadOnly);

    public void SetTrialSystemAttr(int trialId, string key, object? value) => throw new InvalidOperationException(ReadOnly);

    public FrozenTrial GetTrial(int trialId) => inner.GetTrial(trialId);

    public IReadOnlyList<FrozenTrial> GetAllTrials(int studyId, IReadOnlyCollection<TrialState>? states = null)
    {
        if (studyId != snapshot.StudyId)
        {
            return inner.GetAllTrials(studyId, states);
        }

        return states is null ? snapshot.Trials : snapshot.Trials.Where(t => states.Contains(t.State)).ToList();
    }

    public int GetNTrials(int studyId, IReadOnlyCollection<TrialState>? states = null) =>
        studyId != snapshot.StudyId ? inner.GetNTrials(studyId, states)
        : states is null ? snapshot.Trials.Count
        : snapshot.Trials.Count(t => states.Contains(t.State));
}
