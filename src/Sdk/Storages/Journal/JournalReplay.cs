using System.Collections;
using System.Collections.ObjectModel;
using System.Globalization;
using Sharptune.Internal;

namespace Sharptune.Storages.Journal;

/// <summary>
/// The state rebuilt from a journal by applying its records in order, with Python Optuna's rules
/// (<c>JournalStorageReplayResult</c>): study ids count successful creations, trial ids count every created
/// trial, a record that is invalid when applied (duplicate study, finished trial, incompatible distribution,
/// missing study) is ignored, except that the worker that wrote it gets the error.
/// </summary>
internal sealed class JournalReplay
{
    private readonly Dictionary<int, StudyState> _studies = [];
    private readonly Dictionary<string, int> _studyIdByName = new(StringComparer.Ordinal);
    private readonly List<TrialRecord> _trials = [];
    private readonly Dictionary<string, int> _ownedTrialByWorker = new(StringComparer.Ordinal);
    private int _nextStudyId;

    /// <summary>Gets the number of records applied so far.</summary>
    public long LogNumberRead { get; private set; }

    /// <summary>Gets the number of records applied by parsing their text (for tests: own records come back typed).</summary>
    public long RecordsParsed { get; private set; }

    /// <summary>Gets the id of the trial created by the last CREATE_TRIAL record of the current worker.</summary>
    public int LastCreatedTrialId { get; private set; } = -1;

    /// <summary>Gets the trial the given worker last created as RUNNING or claimed, if any.</summary>
    public int? OwnedTrialId(string workerId) => _ownedTrialByWorker.TryGetValue(workerId, out int id) ? id : null;

    /// <summary>
    /// Applies records; returns the error of the first invalid record written by <paramref name="workerId"/>.
    /// Records of <paramref name="own"/> that come back as the same strings, in order, are applied in typed form.
    /// </summary>
    public Exception? Apply(IReadOnlyList<string> logs, string workerId, IReadOnlyList<JournalRecord>? own = null)
    {
        Exception? error = null;
        int next = 0;
        InvalidLastRecord = null;
        for (int index = 0; index < logs.Count; index++)
        {
            string line = logs[index];
            LogNumberRead++;
            var returned = own is not null && next < own.Count && ReferenceEquals(line, own[next].Text) ? own[next++] : null;
            if (returned is { Operation: not null } typed)
            {
                string? me = typed.Worker == workerId ? workerId : null;
                try
                {
                    ApplyTyped(typed, me);
                }
                catch (Exception e) when (me is not null && IsRecordError(e))
                {
                    error ??= e;
                }

                continue;
            }

            object? parsed;
            RecordsParsed++;
            try
            {
                // A record wraps an attribute value in two objects (the record and the attribute's key).
                parsed = PyJson.Parse(line, PyJson.MaxDepth + 2);
            }
            catch (JsonNestingException e)
            {
                LogNumberRead--;
                throw NestedTooDeeply(LogNumberRead + 1, e);
            }
            catch (FormatException e)
            {
                LogNumberRead--;
                if (index == logs.Count - 1)
                {
                    // As Optuna: an unreadable last record is ignored (and read again with the next read); once
                    // another record follows it, the journal is refused. Writers refuse to append after it.
                    InvalidLastRecord = new StorageInternalException($"The journal's last record (record {LogNumberRead + 1}) is not valid JSON ({e.Message}); it is ignored when reading, and nothing is appended after it (a record after it would make the journal unreadable for Optuna and Sharptune). Remove that line to write to this journal.", e);
                    break;
                }

                throw new StorageInternalException($"The journal has an invalid record {LogNumberRead + 1} (a line cut short or overwritten, not at the end of the file): {e.Message}", e);
            }

            if (parsed is not IDictionary<string, object?> log)
            {
                throw new StorageInternalException($"The journal has an invalid record {LogNumberRead}: a record is a JSON object, not {Describe(parsed)}.");
            }

            bool mine = log.TryGetValue("worker_id", out object? w) && w is string ws && ws == workerId;
            try
            {
                ApplyOne(log, mine ? workerId : null);
            }
            catch (Exception e) when (mine && IsRecordError(e))
            {
                error ??= e;
            }
            catch (Exception e) when (e is FormatException or InvalidCastException or KeyNotFoundException or OverflowException or ArgumentException)
            {
                // A field missing or of the wrong type (Optuna raises KeyError or TypeError on it, too).
                throw new StorageInternalException($"The journal has an invalid record {LogNumberRead}: {e.Message}", e);
            }
        }

        return error;
    }

    /// <summary>The error for a record nested too deeply to read: it names the study, trial and key it would change.</summary>
    private static StorageInternalException NestedTooDeeply(long record, JsonNestingException e)
    {
        var parts = new List<string>();
        foreach (string field in (ReadOnlySpan<string>)["op_code", "study_id", "trial_id"])
        {
            if (e.TopLevel.TryGetValue(field, out string? text))
            {
                parts.Add($"{field} {text}");
            }
        }

        if (e.OuterKey is not null)
        {
            parts.Add(e.InnerKey is null ? $"field \"{e.OuterKey}\"" : $"{e.OuterKey} key \"{e.InnerKey}\"");
        }

        string what = parts.Count == 0 ? string.Empty : $" ({string.Join(", ", parts)})";
        return new StorageInternalException(
            $"The journal record {record}{what} nests its value deeper than {PyJson.MaxDepth} levels, the limit for stored JSON values; it was not written by Sharptune or Optuna and cannot be read: {e.Message}",
            e);
    }

    /// <summary>
    /// Gets the error of an unreadable last record that the last <see cref="Apply"/> ignored (as Optuna does), or
    /// <see langword="null"/>; appending after such a record is refused.
    /// </summary>
    public StorageInternalException? InvalidLastRecord { get; private set; }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string => "a string",
        bool => "a boolean",
        IList<object?> => "an array",
        _ => "a number",
    };

    /// <summary>
    /// The operation code of a record, read as Optuna compares it: an integer (a float with an integral value and
    /// a boolean compare equal to one in Python); a string or an unknown code is an error.
    /// </summary>
    private static JournalOperation OpCode(IDictionary<string, object?> log)
    {
        if (!log.TryGetValue("op_code", out object? v))
        {
            throw new FormatException("The journal record has no 'op_code'.");
        }

        long code = v switch
        {
            long l => l,
            int i => i,
            bool b => b ? 1 : 0,
            double d when d == Math.Floor(d) && Math.Abs(d) < 1e9 => (long)d,
            _ => throw new FormatException($"The op_code of a journal record must be an integer, not {Describe(v)} ({PyFormat.Repr(v)})."),
        };
        if (code is < 0 or > (long)JournalOperation.DiscardTrials)
        {
            throw new FormatException($"Unknown op_code {code} in a journal record (known: 0-10).");
        }

        return (JournalOperation)code;
    }

    private static bool IsRecordError(Exception e) => e is KeyNotFoundException or DuplicatedStudyException or UpdateFinishedTrialException or ArgumentException;

    // ----- queries -----

    public bool HasStudy(int studyId) => _studies.ContainsKey(studyId);

    public StudyState GetStudy(int studyId) =>
        _studies.TryGetValue(studyId, out var s) ? s : throw new KeyNotFoundException($"No study with study_id {studyId} exists.");

    public int? FindStudy(string name) => _studyIdByName.TryGetValue(name, out int id) ? id : null;

    public IEnumerable<(int Id, StudyState Study)> Studies()
    {
        foreach (var id in _studies.Keys.Order())
        {
            yield return (id, _studies[id]);
        }
    }

    public TrialRecord? FindTrial(int trialId) => trialId >= 0 && trialId < _trials.Count ? _trials[trialId] : null;

    public TrialRecord GetTrial(int trialId) => FindTrial(trialId) ?? throw new KeyNotFoundException($"No trial with trial_id {trialId} exists.");

    public List<TrialRecord> TrialsOf(int studyId)
    {
        var study = GetStudy(studyId);
        var result = new List<TrialRecord>(study.TrialIds.Count);
        foreach (int id in study.TrialIds)
        {
            result.Add(_trials[id]);
        }

        return result;
    }

    // ----- application -----

    private void ApplyOne(IDictionary<string, object?> log, string? mine)
    {
        switch (OpCode(log))
        {
            case JournalOperation.CreateStudy:
                ApplyCreateStudy(log, mine);
                break;
            case JournalOperation.DeleteStudy:
                if (StudyOf(log, mine) is { } deleted)
                {
                    _studies.Remove(deleted.Id);
                    _studyIdByName.Remove(deleted.Study.Name);
                }

                break;
            case JournalOperation.SetStudyUserAttr:
                if (StudyOf(log, mine) is { } su)
                {
                    su.Study.UserAttrs = Merge(su.Study.UserAttrs, log, "user_attr");
                }

                break;
            case JournalOperation.SetStudySystemAttr:
                if (StudyOf(log, mine) is { } ss)
                {
                    ss.Study.SystemAttrs = Merge(ss.Study.SystemAttrs, log, "system_attr");
                }

                break;
            case JournalOperation.CreateTrial:
                ApplyCreateTrial(log, mine);
                break;
            case JournalOperation.SetTrialParam:
                ApplySetParam(log, mine);
                break;
            case JournalOperation.SetTrialStateValues:
                ApplySetStateValues(log, mine);
                break;
            case JournalOperation.SetTrialIntermediateValue:
                if (UpdatableTrial(log, mine) is { } ti)
                {
                    ti.Intermediate[(int)Num(log, "step")] = ToDouble(log["intermediate_value"]);
                    ti.Frozen = null;
                }

                break;
            case JournalOperation.SetTrialUserAttr:
                if (UpdatableTrial(log, mine) is { } tu)
                {
                    tu.UserAttrs = Merge(tu.UserAttrs, log, "user_attr");
                    tu.Frozen = null;
                }

                break;
            case JournalOperation.SetTrialSystemAttr:
                if (UpdatableTrial(log, mine) is { } tsys)
                {
                    tsys.SystemAttrs = Merge(tsys.SystemAttrs, log, "system_attr");
                    tsys.Frozen = null;
                }

                break;
            default:
                // DISCARD_TRIALS (10), written by Optuna's Rust port (Rustuna) to drop trials from its own memory:
                // skipped, as Optuna 5 does, whatever its fields; the trials stay in the study.
                break;
        }
    }

    private void ApplyTyped(JournalRecord record, string? mine)
    {
        switch (record.Operation)
        {
            case JournalOperation.CreateTrial:
                if (StudyOf(record.Id, mine) is { } s)
                {
                    AddTrial(s, new TrialRecord(_trials.Count, s.Study.TrialIds.Count, s.Id) { State = TrialState.Running, DatetimeStart = record.Date }, mine);
                }

                break;
            case JournalOperation.SetTrialParam:
                if (UpdatableTrial(record.Id, mine) is { } p)
                {
                    SetParam(p, record.Name!, record.Distribution!, record.Value, mine);
                }

                break;
            case JournalOperation.SetTrialStateValues:
                if (UpdatableTrial(record.Id, mine) is { } t)
                {
                    SetStateValues(t, record.State, record.Values, record.Date, mine);
                }

                break;
            default:
                throw new InvalidOperationException($"No typed form for {record.Operation}.");
        }
    }

    private void ApplyCreateStudy(IDictionary<string, object?> log, string? mine)
    {
        string name = (string)log["study_name"]!;
        if (_studyIdByName.ContainsKey(name))
        {
            if (mine is not null)
            {
                throw new DuplicatedStudyException($"Another study with name '{name}' already exists. Please specify a different name, or reuse the existing one by setting `LoadIfExists` (for Study.Create) or using Study.Load.");
            }

            return;
        }

        var directions = new List<StudyDirection>();
        if (log.TryGetValue("directions", out object? d) && d is IEnumerable list)
        {
            foreach (object? v in list)
            {
                directions.Add((StudyDirection)(int)ToDouble(v));
            }
        }

        int id = _nextStudyId++;
        _studies[id] = new StudyState(name, [.. directions]);
        _studyIdByName[name] = id;
    }

    private void ApplyCreateTrial(IDictionary<string, object?> log, string? mine)
    {
        if (StudyOf(log, mine) is not { } s)
        {
            return;
        }

        int trialId = _trials.Count;
        var trial = new TrialRecord(trialId, s.Study.TrialIds.Count, s.Id)
        {
            State = log.TryGetValue("state", out object? st) && st is not null ? (TrialState)(int)ToDouble(st) : TrialState.Running,
            DatetimeStart = Date(log, "datetime_start"),
            DatetimeComplete = Date(log, "datetime_complete"),
        };
        if (log.TryGetValue("distributions", out object? dists) && dists is IDictionary<string, object?> dmap)
        {
            foreach (var (name, json) in dmap)
            {
                var dist = JournalStorage.ParseDistribution((string)json!);
                trial.Distributions[name] = dist;
                s.Study.ParamDistributions.TryAdd(name, dist);
            }
        }

        if (log.TryGetValue("params", out object? ps) && ps is IDictionary<string, object?> pmap)
        {
            foreach (var (name, v) in pmap)
            {
                trial.Params[name] = ToDouble(v);
            }
        }

        if (log.TryGetValue("values", out object? vs) && vs is IEnumerable vlist)
        {
            var values = new List<double>();
            foreach (object? v in vlist)
            {
                values.Add(ToDouble(v));
            }

            trial.Values = [.. values];
        }
        else if (log.TryGetValue("value", out object? v1) && v1 is not null)
        {
            trial.Values = [ToDouble(v1)];
        }

        if (log.TryGetValue("user_attrs", out object? ua) && ua is IDictionary<string, object?> umap)
        {
            trial.UserAttrs = Copy(umap);
        }

        if (log.TryGetValue("system_attrs", out object? sa) && sa is IDictionary<string, object?> smap)
        {
            trial.SystemAttrs = Copy(smap);
        }

        if (log.TryGetValue("intermediate_values", out object? iv) && iv is IDictionary<string, object?> imap)
        {
            foreach (var (step, v) in imap)
            {
                trial.Intermediate[int.Parse(step, NumberStyles.Integer, CultureInfo.InvariantCulture)] = ToDouble(v);
            }
        }

        AddTrial(s, trial, mine);
    }

    private void AddTrial((int Id, StudyState Study) s, TrialRecord trial, string? mine)
    {
        int trialId = trial.TrialId;
        _trials.Add(trial);
        s.Study.TrialIds.Add(trialId);
        if (trial.State == TrialState.Waiting)
        {
            s.Study.WaitingCount++;
        }

        if (mine is not null)
        {
            LastCreatedTrialId = trialId;
            if (trial.State == TrialState.Running)
            {
                _ownedTrialByWorker[mine] = trialId;
            }
        }
    }

    private void ApplySetParam(IDictionary<string, object?> log, string? mine)
    {
        if (UpdatableTrial(log, mine) is { } trial)
        {
            string name = (string)log["param_name"]!;
            var distribution = JournalStorage.ParseDistribution((string)log["distribution"]!);
            double value = ToDouble(log["param_value_internal"]);
            bool representable = distribution switch
            {
                CategoricalDistribution c => value >= 0 && value < c.Choices.Count && value == Math.Floor(value),
                IntDistribution => double.IsFinite(value),
                _ => true,
            };
            if (!representable)
            {
                // Optuna fails on such a parameter when the trial is read (an index out of range); here the record is refused.
                throw new FormatException($"The internal value {PyFormat.FloatRepr(value)} of parameter '{name}' is not a value of its distribution {distribution.ToJson()}.");
            }

            SetParam(trial, name, distribution, value, mine);
        }
    }

    private void SetParam(TrialRecord trial, string name, Distribution dist, double value, string? mine)
    {
        var study = _studies.TryGetValue(trial.StudyId, out var st) ? st : null;
        if (study is not null && study.ParamDistributions.TryGetValue(name, out var previous))
        {
            try
            {
                Distribution.CheckCompatibility(previous, dist);
            }
            catch (ArgumentException) when (mine is null)
            {
                return;
            }
        }

        study?.ParamDistributions.TryAdd(name, dist);
        trial.Params[name] = value;
        trial.Distributions[name] = dist;
        trial.Frozen = null;
    }

    private void ApplySetStateValues(IDictionary<string, object?> log, string? mine)
    {
        if (UpdatableTrial(log, mine) is not { } trial)
        {
            return;
        }

        var state = (TrialState)(int)Num(log, "state");
        double[]? values = null;
        if (log.TryGetValue("values", out object? vs) && vs is IEnumerable list)
        {
            var read = new List<double>();
            foreach (object? v in list)
            {
                read.Add(ToDouble(v));
            }

            values = [.. read];
        }

        var date = state == TrialState.Running ? Date(log, "datetime_start") : state.IsFinished() ? Date(log, "datetime_complete") : null;
        SetStateValues(trial, state, values, date, mine);
    }

    private void SetStateValues(TrialRecord trial, TrialState state, double[]? values, DateTime? date, string? mine)
    {
        if (state == TrialState.Running && trial.State == TrialState.Running)
        {
            return;
        }

        var study = _studies.GetValueOrDefault(trial.StudyId);
        if (trial.State == TrialState.Waiting && state != TrialState.Waiting && study is not null)
        {
            study.WaitingCount--;
        }
        else if (trial.State != TrialState.Waiting && state == TrialState.Waiting && study is not null)
        {
            study.WaitingCount++;
        }

        if (state == TrialState.Running)
        {
            trial.DatetimeStart = date;
            if (mine is not null)
            {
                _ownedTrialByWorker[mine] = trial.TrialId;
            }
        }

        if (state.IsFinished())
        {
            trial.DatetimeComplete = date;
        }

        trial.State = state;
        if (values is not null)
        {
            trial.Values = values;
        }

        trial.Frozen = null;
    }

    private (int Id, StudyState Study)? StudyOf(IDictionary<string, object?> log, string? mine) => StudyOf((int)Num(log, "study_id"), mine);

    private (int Id, StudyState Study)? StudyOf(int id, string? mine)
    {
        if (_studies.TryGetValue(id, out var s))
        {
            return (id, s);
        }

        if (mine is not null)
        {
            throw new KeyNotFoundException($"No study with study_id {id} exists.");
        }

        return null;
    }

    private TrialRecord? UpdatableTrial(IDictionary<string, object?> log, string? mine) => UpdatableTrial((int)Num(log, "trial_id"), mine);

    private TrialRecord? UpdatableTrial(int id, string? mine)
    {
        var trial = FindTrial(id);
        if (trial is null)
        {
            return mine is not null ? throw new KeyNotFoundException($"No trial with trial_id {id} exists.") : null;
        }

        if (trial.State.IsFinished())
        {
            return mine is not null ? throw new UpdateFinishedTrialException($"Trial#{trial.Number} has already finished and can not be updated.") : null;
        }

        return trial;
    }

    private static IReadOnlyDictionary<string, object?> Merge(IReadOnlyDictionary<string, object?> attrs, IDictionary<string, object?> log, string field)
    {
        var copy = new Dictionary<string, object?>(attrs.Count + 1, StringComparer.Ordinal);
        foreach (var (k, v) in attrs)
        {
            copy[k] = v;
        }

        if (log.TryGetValue(field, out object? a) && a is IDictionary<string, object?> map)
        {
            foreach (var (k, v) in map)
            {
                copy[k] = v;
            }
        }

        return new ReadOnlyDictionary<string, object?>(copy);
    }

    private static IReadOnlyDictionary<string, object?> Copy(IDictionary<string, object?> map)
    {
        if (map.Count == 0)
        {
            return FrozenTrial.EmptyAttrs;
        }

        var copy = new Dictionary<string, object?>(map.Count, StringComparer.Ordinal);
        foreach (var (k, v) in map)
        {
            copy[k] = v;
        }

        return new ReadOnlyDictionary<string, object?>(copy);
    }

    private static double Num(IDictionary<string, object?> log, string key) =>
        log.TryGetValue(key, out object? v) && v is not null ? PyJson.ToDouble(v) : throw new FormatException($"The journal record has no '{key}'.");

    private static double ToDouble(object? v) => v is null ? double.NaN : PyJson.ToDouble(v);

    private static DateTime? Date(IDictionary<string, object?> log, string key) =>
        log.TryGetValue(key, out object? v) && v is string s ? JournalStorage.ParseDate(s) : null;

    /// <summary>A study as replayed.</summary>
    internal sealed class StudyState(string name, StudyDirection[] directions)
    {
        public string Name { get; } = name;

        public StudyDirection[] Directions { get; } = directions;

        public IReadOnlyDictionary<string, object?> UserAttrs { get; set; } = FrozenTrial.EmptyAttrs;

        public IReadOnlyDictionary<string, object?> SystemAttrs { get; set; } = FrozenTrial.EmptyAttrs;

        public List<int> TrialIds { get; } = [];

        public Dictionary<string, Distribution> ParamDistributions { get; } = new(StringComparer.Ordinal);

        public int WaitingCount { get; set; }
    }

    /// <summary>A trial as replayed, with its snapshot cached until it changes.</summary>
    internal sealed class TrialRecord(int trialId, int number, int studyId)
    {
        public int TrialId { get; } = trialId;

        public int Number { get; } = number;

        public int StudyId { get; } = studyId;

        public TrialState State { get; set; }

        public double[]? Values { get; set; }

        public DateTime? DatetimeStart { get; set; }

        public DateTime? DatetimeComplete { get; set; }

        public Dictionary<string, double> Params { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Distribution> Distributions { get; } = new(StringComparer.Ordinal);

        public SortedList<int, double> Intermediate { get; } = [];

        public IReadOnlyDictionary<string, object?> UserAttrs { get; set; } = FrozenTrial.EmptyAttrs;

        public IReadOnlyDictionary<string, object?> SystemAttrs { get; set; } = FrozenTrial.EmptyAttrs;

        public FrozenTrial? Frozen { get; set; }

        public FrozenTrial Freeze()
        {
            if (Frozen is { } f)
            {
                return f;
            }

            f = new FrozenTrial(
                Number,
                TrialId,
                State,
                Values is null ? null : Array.AsReadOnly(Values),
                DatetimeStart,
                DatetimeComplete,
                Params.Count == 0 ? FrozenTrial.EmptyInternal : new ReadOnlyDictionary<string, double>(new Dictionary<string, double>(Params)),
                Distributions.Count == 0 ? FrozenTrial.EmptyDistributions : new ReadOnlyDictionary<string, Distribution>(new Dictionary<string, Distribution>(Distributions)),
                UserAttrs,
                SystemAttrs,
                Intermediate.Count == 0 ? FrozenTrial.EmptyIntermediate : new ReadOnlyDictionary<int, double>(new SortedList<int, double>(Intermediate)));
            Frozen = f;
            return f;
        }
    }
}
