using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using Sharptune.Internal;

namespace Sharptune.Storages;

/// <summary>
/// A thread-safe storage in process memory (Optuna's <c>InMemoryStorage</c>), the default of
/// <see cref="Study.Create"/>. Finished trials are frozen once and shared; the best trial of a single-objective
/// study is tracked incrementally.
/// </summary>
public sealed class InMemoryStorage : IStorage
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, StudyRecord> _studies = [];
    private readonly Dictionary<string, int> _studyNameToId = new(StringComparer.Ordinal);
    // Trial ids are issued in one sequence over all studies. While the storage has held a single study, a trial's id is
    // its number in that study and _onlyStudy's list finds it; the list by id is made when a second study is created
    // or a study is deleted (a slot per trial less in the usual storage of one study).
    private ChunkedList<TrialRecord?>? _trialsById;
    private StudyRecord? _onlyStudy;
    private int _nextTrialId;
    private int _maxStudyId = -1;

    /// <inheritdoc/>
    public int CreateNewStudy(IReadOnlyList<StudyDirection> directions, string? studyName = null)
    {
        if (studyName is not null)
        {
            StoredNames.CheckStudyName(studyName);
        }

        ArgumentNullException.ThrowIfNull(directions);
        lock (_lock)
        {
            studyName ??= Study.DefaultStudyNamePrefix + Guid.NewGuid().ToString();
            if (_studyNameToId.ContainsKey(studyName))
            {
                throw new DuplicatedStudyException($"Another study with name '{studyName}' already exists. Please specify a different name, or reuse the existing one by setting `LoadIfExists` (for Study.Create) or using Study.Load.");
            }

            int id = ++_maxStudyId;
            var study = new StudyRecord(studyName, [.. directions]);
            if (id == 0 && _nextTrialId == 0)
            {
                _onlyStudy = study;
            }
            else
            {
                TrialsById();
            }

            _studies[id] = study;
            _studyNameToId[studyName] = id;
            return id;
        }
    }

    /// <inheritdoc/>
    public void DeleteStudy(int studyId)
    {
        lock (_lock)
        {
            var study = GetStudy(studyId);
            var byId = TrialsById();
            foreach (var t in study.Trials)
            {
                byId[t.TrialId] = null;
            }

            _studyNameToId.Remove(study.Name);
            _studies.Remove(studyId);
        }
    }

    /// <inheritdoc/>
    public void SetStudyUserAttr(int studyId, string key, object? value)
    {
        StoredNames.CheckKey(key, "user attribute");
        ArgumentNullException.ThrowIfNull(key);
        PyJson.CheckNesting(value);
        lock (_lock)
        {
            var study = GetStudy(studyId);
            study.UserAttrs = Attrs.With(study.UserAttrs, key, value);
        }
    }

    /// <inheritdoc/>
    public void SetStudySystemAttr(int studyId, string key, object? value)
    {
        StoredNames.CheckKey(key, "system attribute");
        ArgumentNullException.ThrowIfNull(key);
        PyJson.CheckNesting(value);
        lock (_lock)
        {
            var study = GetStudy(studyId);
            study.SystemAttrs = Attrs.With(study.SystemAttrs, key, value);
        }
    }

    /// <inheritdoc/>
    public int GetStudyIdFromName(string studyName)
    {
        ArgumentNullException.ThrowIfNull(studyName);
        lock (_lock)
        {
            return _studyNameToId.TryGetValue(studyName, out int id) ? id : throw new KeyNotFoundException($"No such study {studyName}.");
        }
    }

    /// <inheritdoc/>
    public string GetStudyNameFromId(int studyId)
    {
        lock (_lock)
        {
            return GetStudy(studyId).Name;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<StudyDirection> GetStudyDirections(int studyId)
    {
        lock (_lock)
        {
            return GetStudy(studyId).Directions;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> GetStudyUserAttrs(int studyId)
    {
        lock (_lock)
        {
            return GetStudy(studyId).UserAttrs;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> GetStudySystemAttrs(int studyId)
    {
        lock (_lock)
        {
            return GetStudy(studyId).SystemAttrs;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<FrozenStudy> GetAllStudies()
    {
        lock (_lock)
        {
            var result = new List<FrozenStudy>(_studies.Count);
            foreach (var (id, s) in _studies.OrderBy(p => p.Key))
            {
                result.Add(new FrozenStudy(s.Name, s.Directions, s.UserAttrs, s.SystemAttrs, id));
            }

            return result;
        }
    }

    /// <inheritdoc/>
    public int CreateNewTrial(int studyId, FrozenTrial? templateTrial = null)
    {
        if (templateTrial is not null)
        {
            StoredNames.CheckTemplate(templateTrial);
        }

        lock (_lock)
        {
            return CreateNewTrialLocked(studyId, GetStudy(studyId), templateTrial);
        }
    }

    /// <summary>
    /// <see cref="IStorage.ClaimOrCreateTrial"/> for a live trial of this process, under one lock: claims the oldest
    /// WAITING trial or creates a RUNNING one, and reads what <see cref="TryGetNewTrial"/> reads.
    /// </summary>
    /// <param name="studyId">The study id.</param>
    /// <param name="number">Receives the trial number.</param>
    /// <param name="datetimeStart">Receives the start time.</param>
    /// <param name="table">Receives the trial's parameter table when the trial holds nothing yet (see <see cref="TryGetNewTrial"/>); otherwise null, and the caller reads the trial with <see cref="GetTrial"/>.</param>
    /// <returns>The trial id.</returns>
    internal int ClaimOrCreateTrial(int studyId, out int number, out DateTime? datetimeStart, out ParamTable? table)
    {
        lock (_lock)
        {
            var study = GetStudy(studyId);
            int trialId = (study.WaitingCount > 0 ? PopWaitingTrialId(studyId) : null) ?? CreateNewTrialLocked(studyId, study, null);
            var t = GetTrialRecord(trialId);
            number = t.Number;
            datetimeStart = t.DatetimeStart;
            table = IsNew(t) ? t : null;
            return trialId;
        }
    }

    private int CreateNewTrialLocked(int studyId, StudyRecord study, FrozenTrial? templateTrial)
    {
        int trialId = _nextTrialId;
        int number = study.Trials.Count;
        TrialRecord record;
        if (templateTrial is null)
        {
            // Laid out as the last finished trial: the same parameters allocate only their values.
            record = new TrialRecord(trialId, number, studyId, study.LastFinishedParams) { DatetimeStart = DateTime.UtcNow };
        }
        else
        {
            record = new TrialRecord(trialId, number, studyId, null)
            {
                State = templateTrial.State,
                ObjectiveValues = templateTrial.Values is null ? null : [.. templateTrial.Values],
                DatetimeStart = templateTrial.DatetimeStart,
                DatetimeComplete = templateTrial.DatetimeComplete,
                UserAttrs = Copy(templateTrial.UserAttrs),
                SystemAttrs = Copy(templateTrial.SystemAttrs),
            };
            foreach (var (name, dist) in templateTrial.Distributions)
            {
                CheckAndRecordDistribution(study, name, dist);
                record.Set(name, templateTrial.InternalParams[name], dist);
            }

            foreach (var (step, v) in templateTrial.IntermediateValues)
            {
                (record.Intermediate ??= [])[step] = v;
            }
        }

        study.Trials.Add(record);
        _nextTrialId++;
        _trialsById?.Add(record);
        if (record.State == TrialState.Waiting)
        {
            study.WaitingCount++;
        }

        if (record.State == TrialState.Complete)
        {
            UpdateBest(study, record);
        }

        return trialId;
    }

    /// <inheritdoc/>
    public int? CreateNewTrialWithinLimit(int studyId, int limit, IReadOnlyCollection<TrialState> countedStates)
    {
        ArgumentNullException.ThrowIfNull(countedStates);
        lock (_lock)
        {
            return GetNTrials(studyId, countedStates) < limit ? CreateNewTrial(studyId) : null;
        }
    }

    /// <inheritdoc/>
    public void SetTrialParam(int trialId, string paramName, double internalValue, Distribution distribution)
    {
        StoredNames.CheckParamName(paramName);
        ArgumentNullException.ThrowIfNull(paramName);
        ArgumentNullException.ThrowIfNull(distribution);
        lock (_lock)
        {
            var trial = GetUpdatableTrial(trialId);
            if (!trial.ExtendsLayout(paramName, distribution))
            {
                // A parameter that the trial's layout (a finished trial of this study) holds with this very
                // distribution object was recorded and checked then; compatibility is an equivalence, so there is
                // nothing to check or record again.
                CheckAndRecordDistribution(_studies[trial.StudyId], paramName, distribution);
            }

            trial.Set(paramName, internalValue, distribution);
            trial.Frozen = null;
        }
    }

    /// <inheritdoc/>
    public int GetTrialIdFromStudyIdTrialNumber(int studyId, int trialNumber)
    {
        lock (_lock)
        {
            if (!_studies.TryGetValue(studyId, out var study))
            {
                throw new KeyNotFoundException($"No study with study_id {studyId} exists.");
            }

            if (trialNumber < 0 || trialNumber >= study.Trials.Count)
            {
                throw new KeyNotFoundException($"No trial with trial number {trialNumber} exists in study with study_id {studyId}.");
            }

            return study.Trials[trialNumber].TrialId;
        }
    }

    // A copy of the objective values: an array is copied directly (a collection expression here would run LINQ's ToArray,
    // compiled as tier-0 code at a fresh process's first Tell).
    private static double[] CopyValues(IReadOnlyList<double> values)
    {
        if (values is double[] array)
        {
            return (double[])array.Clone();
        }

        var copy = new double[values.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = values[i];
        }

        return copy;
    }

    /// <inheritdoc/>
    public bool SetTrialStateValues(int trialId, TrialState state, IReadOnlyList<double>? values = null) =>
        SetTrialStateValues(trialId, state, values, adopt: false, default, null);

    /// <summary>
    /// <see cref="SetTrialStateValues(int, TrialState, IReadOnlyList{double})"/> for the study's tell, which hands over
    /// its values and its time: with <paramref name="adopt"/>, an array is kept as it is instead of copied (nothing
    /// writes the tell's array of final values again); <paramref name="single"/>, when given instead of
    /// <paramref name="values"/>, is the only objective value, kept as a number rather than an array; and a finished
    /// trial is stamped <paramref name="completed"/>, the time the live trial records too, unless it is
    /// <see langword="default"/>.
    /// </summary>
    internal bool SetTrialStateValues(int trialId, TrialState state, IReadOnlyList<double>? values, bool adopt, DateTime completed, double? single)
    {
        lock (_lock)
        {
            return SetTrialStateLocked(GetUpdatableTrial(trialId), state, values, adopt, completed, single);
        }
    }

    private bool SetTrialStateLocked(TrialRecord trial, TrialState state, IReadOnlyList<double>? values, bool adopt, DateTime completed, double? single)
    {
        var study = _studies[trial.StudyId];
        if (state == TrialState.Running)
        {
            if (trial.State != TrialState.Waiting)
            {
                return false;
            }

            study.WaitingCount--;
            trial.DatetimeStart = DateTime.UtcNow;
        }

        if (state == TrialState.Waiting && trial.State != TrialState.Waiting)
        {
            study.WaitingCount++;
        }

        trial.State = state;
        if (single is { } value)
        {
            trial.SetSingleObjectiveValue(value);
        }
        else if (values is not null)
        {
            trial.ObjectiveValues = adopt && values is double[] array ? array : CopyValues(values);
        }

        if (state.IsFinished())
        {
            trial.DatetimeComplete = completed == default ? DateTime.UtcNow : completed;

            // The finished trial's parameters never change again: keep them compactly, sharing the layout of the
            // previous finished trial when it is the same.
            trial.Compact(study.LastFinishedParams);
            study.LastFinishedParams = trial;
        }

        trial.Frozen = null;
        if (state == TrialState.Complete)
        {
            UpdateBest(study, trial);
        }

        return true;
    }

    /// <inheritdoc/>
    public void SetTrialIntermediateValue(int trialId, int step, double intermediateValue)
    {
        lock (_lock)
        {
            var trial = GetUpdatableTrial(trialId);
            (trial.Intermediate ??= [])[step] = intermediateValue;
            trial.Frozen = null;
        }
    }

    /// <inheritdoc/>
    public void SetTrialUserAttr(int trialId, string key, object? value)
    {
        StoredNames.CheckKey(key, "user attribute");
        ArgumentNullException.ThrowIfNull(key);
        PyJson.CheckNesting(value);
        lock (_lock)
        {
            var trial = GetUpdatableTrial(trialId);
            trial.UserAttrs = Attrs.With(trial.UserAttrs, key, value);
            trial.Frozen = null;
        }
    }

    /// <inheritdoc/>
    public void SetTrialSystemAttr(int trialId, string key, object? value)
    {
        StoredNames.CheckKey(key, "system attribute");
        ArgumentNullException.ThrowIfNull(key);
        PyJson.CheckNesting(value);
        lock (_lock)
        {
            var trial = GetUpdatableTrial(trialId);
            trial.SystemAttrs = Attrs.With(trial.SystemAttrs, key, value);
            trial.Frozen = null;
        }
    }

    /// <inheritdoc/>
    public FrozenTrial GetTrial(int trialId)
    {
        lock (_lock)
        {
            return Freeze(GetTrialRecord(trialId));
        }
    }

    /// <summary>
    /// Reads the number and start time of a RUNNING trial that holds nothing yet (no parameters, attributes or
    /// reports, as a trial just created), for a live trial to start without a snapshot of it.
    /// </summary>
    /// <param name="trialId">The trial id.</param>
    /// <param name="number">Receives the trial number.</param>
    /// <param name="datetimeStart">Receives the start time.</param>
    /// <param name="table">
    /// Receives the trial's parameter table in this storage, which the live trial may read instead of keeping a copy
    /// (the study decides: under RandomSampler it does): <see cref="SetTrialParam"/> appends to it, and it is never
    /// written otherwise while the trial runs.
    /// </param>
    /// <returns>Whether the trial is such a trial; otherwise the caller reads it with <see cref="GetTrial"/>.</returns>
    internal bool TryGetNewTrial(int trialId, out int number, out DateTime? datetimeStart, [NotNullWhen(true)] out ParamTable? table)
    {
        lock (_lock)
        {
            var t = GetTrialRecord(trialId);
            number = t.Number;
            datetimeStart = t.DatetimeStart;
            table = t;
            return IsNew(t);
        }
    }

    // A RUNNING trial that holds nothing yet: no parameters, reports or attributes.
    private static bool IsNew(TrialRecord t) => t.State == TrialState.Running && t.Count == 0 && t.HasNothingElse;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> GetTrialSystemAttrs(int trialId)
    {
        lock (_lock)
        {
            return GetTrialRecord(trialId).SystemAttrs;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<FrozenTrial> GetAllTrials(int studyId, IReadOnlyCollection<TrialState>? states = null)
    {
        lock (_lock)
        {
            var study = GetStudy(studyId);
            var result = new List<FrozenTrial>(study.Trials.Count);
            foreach (var t in study.Trials)
            {
                if (states is null || states.Contains(t.State))
                {
                    result.Add(Freeze(t));
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
            var study = GetStudy(studyId);
            if (states is null)
            {
                return study.Trials.Count;
            }

            int n = 0;
            foreach (var t in study.Trials)
            {
                if (states.Contains(t.State))
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
        lock (_lock)
        {
            var study = GetStudy(studyId);
            if (study.BestTrialId is not { } best)
            {
                throw new InvalidOperationException("No trials are completed yet.");
            }

            if (study.Directions.Length > 1)
            {
                throw new InvalidOperationException("Best trial can be obtained only for single-objective optimization.");
            }

            return Freeze(GetTrialRecord(best));
        }
    }

    /// <inheritdoc/>
    public int? PopWaitingTrialId(int studyId)
    {
        lock (_lock)
        {
            var study = GetStudy(studyId);
            if (study.WaitingCount == 0)
            {
                return null;
            }

            for (int i = study.FirstMaybeWaiting; i < study.Trials.Count; i++)
            {
                var t = study.Trials[i];
                if (t.State == TrialState.Waiting)
                {
                    study.FirstMaybeWaiting = i + 1;
                    SetTrialStateValues(t.TrialId, TrialState.Running);
                    return t.TrialId;
                }
            }

            study.FirstMaybeWaiting = study.Trials.Count;
            return null;
        }
    }

    private static void CheckAndRecordDistribution(StudyRecord study, string name, Distribution distribution)
    {
        if (study.ParamDistributions.TryGetValue(name, out var old))
        {
            if (ReferenceEquals(old, distribution))
            {
                // The study's distribution cache hands out the same object for the same suggestion: nothing to check
                // or record.
                return;
            }

            Distribution.CheckCompatibility(old, distribution);
        }

        study.ParamDistributions[name] = distribution;
    }

    private static void UpdateBest(StudyRecord study, TrialRecord trial)
    {
        int count = trial.ObjectiveValueCount;
        if (study.Directions.Length != 1 || count != 1)
        {
            if (study.BestTrialId is null && count >= 0)
            {
                study.BestTrialId = trial.TrialId;
            }

            return;
        }

        double v = trial.FirstObjectiveValue;
        if (study.BestTrialId is null || study.BestValue is not { } best)
        {
            study.BestTrialId = trial.TrialId;
            study.BestValue = v;
            return;
        }

        bool better = study.Directions[0] == StudyDirection.Maximize ? v > best : v < best;
        if (better)
        {
            study.BestTrialId = trial.TrialId;
            study.BestValue = v;
        }
    }

    // The list of trials by id, made from the only study's trials (ids 0 to n - 1, in order) when first needed.
    private ChunkedList<TrialRecord?> TrialsById()
    {
        if (_trialsById is null)
        {
            var byId = new ChunkedList<TrialRecord?>();
            if (_onlyStudy is { } only)
            {
                foreach (var t in only.Trials)
                {
                    byId.Add(t);
                }
            }

            _trialsById = byId;
            _onlyStudy = null;
        }

        return _trialsById;
    }

    private StudyRecord GetStudy(int studyId) =>
        _studies.TryGetValue(studyId, out var s) ? s : throw new KeyNotFoundException($"No study with study_id {studyId} exists.");

    private TrialRecord GetTrialRecord(int trialId)
    {
        TrialRecord? t = null;
        if (_trialsById is null)
        {
            if (_onlyStudy is { } only && (uint)trialId < (uint)only.Trials.Count)
            {
                t = only.Trials[trialId]; // one study: the id is the number
            }
        }
        else if ((uint)trialId < (uint)_trialsById.Count)
        {
            t = _trialsById[trialId];
        }

        return t ?? throw new KeyNotFoundException($"No trial with trial_id {trialId} exists.");
    }

    private TrialRecord GetUpdatableTrial(int trialId)
    {
        var t = GetTrialRecord(trialId);
        if (t.State.IsFinished())
        {
            throw new UpdateFinishedTrialException($"Trial#{t.Number} has already finished and can not be updated.");
        }

        return t;
    }

    private static FrozenTrial Freeze(TrialRecord t)
    {
        if (t.Frozen is { } f)
        {
            return f;
        }

        f = new FrozenTrial(
            t.Number,
            t.TrialId,
            t.State,
            t.ObjectiveValues is null ? null : Array.AsReadOnly(t.ObjectiveValues),
            t.DatetimeStart,
            t.DatetimeComplete,
            t.Values,
            t.Distributions,
            t.UserAttrs,
            t.SystemAttrs,
            t.Intermediate is not { Count: > 0 } ? FrozenTrial.EmptyIntermediate : new ReadOnlyDictionary<int, double>(new SortedList<int, double>(t.Intermediate)));
        t.Frozen = f;
        return f;
    }


    private static IReadOnlyDictionary<string, object?> Copy(IReadOnlyDictionary<string, object?> attrs) =>
        attrs.Count == 0 ? FrozenTrial.EmptyAttrs : new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?>(attrs));

    private sealed class StudyRecord(string name, StudyDirection[] directions)
    {
        public string Name { get; } = name;

        public StudyDirection[] Directions { get; } = directions;

        public IReadOnlyDictionary<string, object?> UserAttrs { get; set; } = FrozenTrial.EmptyAttrs;

        public IReadOnlyDictionary<string, object?> SystemAttrs { get; set; } = FrozenTrial.EmptyAttrs;

        public ChunkedList<TrialRecord> Trials { get; } = new();

        public Dictionary<string, Distribution> ParamDistributions { get; } = new(StringComparer.Ordinal);

        /// <summary>Gets or sets the parameters of the trial that finished last, whose layout the next one may share.</summary>
        public ParamTable? LastFinishedParams { get; set; }

        public int? BestTrialId { get; set; }

        public double? BestValue { get; set; }

        public int WaitingCount { get; set; }

        public int FirstMaybeWaiting { get; set; }
    }

    /// <summary>
    /// A stored trial. It is its own parameter table (derived rather than holding one: a trial record is an object
    /// per trial kept for the life of the study, and this saves an object header and a reference on each), which a
    /// live trial of this process reads directly (see <see cref="TryGetNewTrial"/>). The fields most trials leave
    /// empty (attributes, reports) are in a side object created at first use, and the times are stored without a
    /// nullable wrapper.
    /// </summary>
    private sealed class TrialRecord(int trialId, int number, int studyId, ParamTable? paramLayout) : ParamTable(paramLayout)
    {
        private static readonly double[] SingleValue = [];

        private DateTime _datetimeStart;
        private DateTime _datetimeComplete;
        private Rare? _rare;
        // The objective values; SingleValue (a marker, never read) when the only value is _singleValue. A marker
        // rather than a flag: one bool more would make every stored trial 8 bytes larger.
        private double[]? _objectiveValues;
        private double _singleValue;

        public int TrialId { get; } = trialId;

        public int Number { get; } = number;

        public int StudyId { get; } = studyId;

        public TrialState State { get; set; } = TrialState.Running;

        /// <summary>
        /// Gets or sets the objective values, or null before the trial completes. A single value set by
        /// <see cref="SetSingleObjectiveValue"/> is made an array at the first read (a read of the stored trial).
        /// </summary>
        public double[]? ObjectiveValues
        {
            get
            {
                if (ReferenceEquals(_objectiveValues, SingleValue))
                {
                    _objectiveValues = [_singleValue];
                }

                return _objectiveValues;
            }

            set => _objectiveValues = value;
        }

        /// <summary>Gets the number of objective values, or -1 before the trial has any, without making an array.</summary>
        public int ObjectiveValueCount => ReferenceEquals(_objectiveValues, SingleValue) ? 1 : _objectiveValues?.Length ?? -1;

        /// <summary>Gets the first objective value (the trial has one, see <see cref="ObjectiveValueCount"/>).</summary>
        public double FirstObjectiveValue => ReferenceEquals(_objectiveValues, SingleValue) ? _singleValue : _objectiveValues![0];

        /// <summary>Sets one objective value, kept as a number (no array object per trial).</summary>
        /// <param name="value">The value.</param>
        public void SetSingleObjectiveValue(double value)
        {
            _objectiveValues = SingleValue;
            _singleValue = value;
        }

        public DateTime? DatetimeStart
        {
            get => _datetimeStart == default ? null : _datetimeStart;
            set => _datetimeStart = value ?? default;
        }

        public DateTime? DatetimeComplete
        {
            get => _datetimeComplete == default ? null : _datetimeComplete;
            set => _datetimeComplete = value ?? default;
        }

        /// <summary>Gets or sets the intermediate values by step, or null before the first report (most trials never report).</summary>
        public Dictionary<int, double>? Intermediate
        {
            get => _rare?.Intermediate;
            set
            {
                if (value is not null || _rare is not null)
                {
                    (_rare ??= new Rare()).Intermediate = value;
                }
            }
        }

        public IReadOnlyDictionary<string, object?> UserAttrs
        {
            get => _rare?.UserAttrs ?? FrozenTrial.EmptyAttrs;
            set
            {
                if (value.Count > 0 || _rare is not null)
                {
                    (_rare ??= new Rare()).UserAttrs = value;
                }
            }
        }

        public IReadOnlyDictionary<string, object?> SystemAttrs
        {
            get => _rare?.SystemAttrs ?? FrozenTrial.EmptyAttrs;
            set
            {
                if (value.Count > 0 || _rare is not null)
                {
                    (_rare ??= new Rare()).SystemAttrs = value;
                }
            }
        }

        public FrozenTrial? Frozen { get; set; }

        /// <summary>Gets a value indicating whether the trial has no reports and no attributes.</summary>
        public bool HasNothingElse => _rare is null || (_rare.Intermediate is null && _rare.UserAttrs is not { Count: > 0 } && _rare.SystemAttrs is not { Count: > 0 });

        private sealed class Rare
        {
            public Dictionary<int, double>? Intermediate { get; set; }

            public IReadOnlyDictionary<string, object?>? UserAttrs { get; set; }

            public IReadOnlyDictionary<string, object?>? SystemAttrs { get; set; }
        }
    }
}
