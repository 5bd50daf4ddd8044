using System.Collections.ObjectModel;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sharptune.Internal;
using Sharptune.Pruners;
using Sharptune.Samplers;
using Sharptune.Samplers.History;
using Sharptune.Storages;

namespace Sharptune;

/// <summary>
/// An optimization task: a set of trials in a storage, a sampler that proposes parameters and a pruner that stops
/// unpromising trials (Optuna's <c>Study</c>). Thread-safe: trials of one study may run on many threads and, with
/// a persistent storage, in many processes.
/// </summary>
public sealed partial class Study
{
    /// <summary>The prefix of automatically generated study names.</summary>
    public const string DefaultStudyNamePrefix = "no-name-";

    private readonly AsyncLocal<bool> _inOptimizeLoop = new();
    private volatile bool _stopFlag;
    private volatile ParamTable? _paramLayout;
    private IReadOnlyList<StudyDirection>? _directions;
    private int _objectiveCount;

    // Set on views only (see WithTrialFilter): the study the view reads from, and how it filters and maps trials.
    private readonly Study? _parent;
    private readonly Func<FrozenTrial, bool>? _trialFilter;
    private readonly Func<FrozenTrial, FrozenTrial>? _trialProjection;
    private TrialHistory? _history;

    private Study(string studyName, int studyId, IStorage storage, ISampler sampler, IPruner pruner, ILoggerFactory loggerFactory)
    {
        StudyName = studyName;
        StudyId = studyId;
        Storage = storage;
        Sampler = sampler;
        Pruner = pruner;
        LoggerFactory = loggerFactory;
        Logger = SharptuneLogging.CreateLogger(loggerFactory);
    }

    private Study(Study parent, Func<FrozenTrial, bool>? trialFilter, Func<FrozenTrial, FrozenTrial>? trialProjection, IReadOnlyList<StudyDirection>? directions)
    {
        StudyName = parent.StudyName;
        StudyId = parent.StudyId;
        Storage = parent.Storage;
        Sampler = parent.Sampler;
        Pruner = parent.Pruner;
        LoggerFactory = parent.LoggerFactory;
        Logger = parent.Logger;
        _parent = parent;
        _trialFilter = trialFilter;
        _trialProjection = trialProjection;
        _directions = directions ?? parent.Directions;
    }

    /// <summary>Gets the study name.</summary>
    public string StudyName { get; }

    /// <summary>Gets the storage id of the study.</summary>
    public int StudyId { get; }

    /// <summary>Gets the storage.</summary>
    public IStorage Storage { get; }

    /// <summary>Gets the sampler.</summary>
    public ISampler Sampler { get; }

    /// <summary>
    /// Gets the sampler when it is a <see cref="RandomSampler"/>, which reads neither the study nor the trial (no
    /// <c>BeforeTrial</c> or <c>AfterTrial</c> work, no relative search space): a trial takes no snapshot of itself
    /// for it. The one place that decides which sampler needs no snapshots.
    /// </summary>
    internal RandomSampler? SnapshotFreeSampler => Sampler as RandomSampler;

    /// <summary>Gets the pruner.</summary>
    public IPruner Pruner { get; }

    /// <summary>Gets the logger factory of the study.</summary>
    public ILoggerFactory LoggerFactory { get; }

    internal ILogger Logger { get; }

    /// <summary>
    /// Gets or sets the sealed parameter table of the last trial this process finished, the layout a new live trial
    /// starts from (see <see cref="ParamTable(ParamTable?)"/>); threads may race on it, and any sealed table will do.
    /// </summary>
    internal ParamTable? ParamLayout
    {
        get => _paramLayout;
        set => _paramLayout = value;
    }

    /// <summary>
    /// Gets the trial history samplers read (see <see cref="TrialHistory"/>): on a view, the view's trials only,
    /// read through the history of the study it was made from.
    /// </summary>
    internal TrialHistory History
    {
        get
        {
            if (_history is { } history)
            {
                return history;
            }

            history = _parent is null ? new TrialHistory(this) : new TrialHistory(this, _parent.History, MapToView);
            return Interlocked.CompareExchange(ref _history, history, null) ?? history;
        }
    }

    /// <summary>Gets the per-study cache that reuses identical distribution instances across trials.</summary>
    internal DistributionCache Distributions { get; } = new();

    /// <summary>Gets the directions, one per objective.</summary>
    public IReadOnlyList<StudyDirection> Directions => _directions ??= Storage.GetStudyDirections(StudyId);

    /// <summary>
    /// Gets the number of objectives, read once: every tell checks it, and <c>Directions.Count</c> is a call through
    /// the list interface of an array of this assembly's enum, which no precompiled image holds (a fresh process runs
    /// it as tier-0 code).
    /// </summary>
    internal int ObjectiveCount => _objectiveCount > 0 ? _objectiveCount : _objectiveCount = Directions.Count;

    /// <summary>Gets the direction of a single-objective study.</summary>
    /// <exception cref="InvalidOperationException">The study has several objectives.</exception>
    public StudyDirection Direction => IsMultiObjective
        ? throw new InvalidOperationException("A single direction cannot be retrieved from a multi-objective study. Consider using Study.directions to retrieve a list containing all directions.")
        : Directions[0];

    /// <summary>Gets a value indicating whether the study has several objectives.</summary>
    public bool IsMultiObjective => Directions.Count > 1;

    /// <summary>Gets all trials, ordered by number (on a view, only the trials the view keeps).</summary>
    public IReadOnlyList<FrozenTrial> Trials => _parent is null ? Storage.GetAllTrials(StudyId) : GetViewTrials(null);

    /// <summary>Gets the trials in the given states, ordered by number (on a view, only the trials the view keeps).</summary>
    /// <param name="states">The states to keep, or <see langword="null"/> for all.</param>
    /// <returns>The trials.</returns>
    public IReadOnlyList<FrozenTrial> GetTrials(params IReadOnlyCollection<TrialState>? states)
    {
        states = states is { Count: > 0 } ? states : null;
        return _parent is null ? Storage.GetAllTrials(StudyId, states) : GetViewTrials(states);
    }

    /// <summary>
    /// Gets a value indicating whether this object is a read-only view of a study made by
    /// <see cref="WithTrialFilter"/> (or by a pruner); views cannot ask for or run trials.
    /// </summary>
    public bool IsView => _parent is not null;

    /// <summary>
    /// Creates a view of this study that keeps only the trials matching <paramref name="predicate"/>: on the view,
    /// <see cref="Trials"/>, <see cref="GetTrials"/>, <see cref="BestTrial"/> and <see cref="BestTrials"/> see those
    /// trials only, while everything else (name, storage, sampler, pruner, attributes, <see cref="Stop"/>) is the
    /// study's. The predicate runs at every read, so the view follows the study as it grows. This is how a pruner
    /// gives samplers a part of the study (<see cref="IPruner.FilterStudy"/>; Optuna's <c>_BracketStudy</c>):
    /// samplers that read trials through <see cref="GetTrials"/> honour it. <see cref="Ask"/> and the optimize
    /// methods throw on a view.
    /// </summary>
    /// <param name="predicate">Keeps a trial when it returns <see langword="true"/>; must be thread-safe.</param>
    /// <returns>The view.</returns>
    public Study WithTrialFilter(Func<FrozenTrial, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new Study(this, predicate, null, null);
    }

    /// <summary>
    /// Creates a view whose trials are mapped by <paramref name="projection"/> and whose directions are
    /// <paramref name="directions"/> (used to show one objective of a multi-objective study to a single-objective
    /// pruner).
    /// </summary>
    internal Study WithProjection(Func<FrozenTrial, FrozenTrial> projection, IReadOnlyList<StudyDirection> directions) =>
        new(this, null, projection, directions);

    private FrozenTrial? MapToView(FrozenTrial trial)
    {
        var t = _trialProjection is null ? trial : _trialProjection(trial);
        return _trialFilter is null || _trialFilter(t) ? t : null;
    }

    private IReadOnlyList<FrozenTrial> GetViewTrials(IReadOnlyCollection<TrialState>? states)
    {
        var source = _parent!.GetTrials(states);
        var result = new List<FrozenTrial>(source.Count);
        foreach (var trial in source)
        {
            var t = _trialProjection is null ? trial : _trialProjection(trial);
            if (_trialFilter is null || _trialFilter(t))
            {
                result.Add(t);
            }
        }

        return result;
    }

    private void ThrowIfView(string operation)
    {
        if (_parent is not null)
        {
            throw new InvalidOperationException(
                $"{operation} cannot be called on a view of a study; call it on the study the view was made from.");
        }
    }

    private Study Root => _parent is null ? this : _parent.Root;

    /// <summary>Gets the study user attributes.</summary>
    public IReadOnlyDictionary<string, object?> UserAttrs => Storage.GetStudyUserAttrs(StudyId);

    /// <summary>Gets the study system attributes.</summary>
    public IReadOnlyDictionary<string, object?> SystemAttrs => Storage.GetStudySystemAttrs(StudyId);

    /// <summary>Sets a study user attribute (a JSON-compatible value).</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    public void SetUserAttr(string key, object? value) => Storage.SetStudyUserAttr(StudyId, key, value);

    /// <summary>Sets a study system attribute (a JSON-compatible value).</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    public void SetSystemAttr(string key, object? value) => Storage.SetStudySystemAttr(StudyId, key, value);

    /// <summary>Gets the metric names set with <see cref="SetMetricNames"/>, or <see langword="null"/>.</summary>
    public IReadOnlyList<string>? MetricNames =>
        SystemAttrs.TryGetValue("study:metric_names", out object? v) && v is System.Collections.IEnumerable list
            ? list.Cast<object?>().Select(o => o?.ToString() ?? string.Empty).ToList()
            : null;

    /// <summary>Names the objectives (stored as the study system attribute <c>study:metric_names</c>).</summary>
    /// <param name="metricNames">One name per direction.</param>
    /// <exception cref="ArgumentException">The count differs from the number of directions.</exception>
    public void SetMetricNames(IReadOnlyList<string> metricNames)
    {
        ArgumentNullException.ThrowIfNull(metricNames);
        if (metricNames.Count != Directions.Count)
        {
            throw new ArgumentException("The number of objectives must match the length of the metric names.", nameof(metricNames));
        }

        SetSystemAttr("study:metric_names", metricNames.ToList());
    }

    /// <summary>
    /// Stops the optimization after the running trials finish. Call it from an objective or a callback.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called outside an objective or callback.</exception>
    public void Stop()
    {
        if (_parent is not null)
        {
            Root.Stop();
            return;
        }

        if (!_inOptimizeLoop.Value)
        {
            throw new InvalidOperationException("`Study.stop` is supposed to be invoked inside an objective function or a callback.");
        }

        _stopFlag = true;
    }

    /// <summary>Stops the optimization from a sampler or another component, wherever it runs.</summary>
    internal void StopFromComponent() => Root._stopFlag = true;

    /// <summary>Gets a value indicating whether the caller runs inside an optimize loop of this study (whose trials always get told).</summary>
    internal bool InOptimizeLoop => Root._inOptimizeLoop.Value;

    internal bool StopRequested => Root._stopFlag;

    // ----- export -----

    /// <summary>
    /// Writes the trials as CSV with the columns of Optuna's <c>trials_dataframe</c>: number, value (or
    /// values_&lt;i&gt;), datetime_start, datetime_complete, duration, params_*, user_attrs_*, system_attrs_*, state.
    /// </summary>
    /// <param name="writer">The destination.</param>
    public void ExportCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        TrialsCsv.Write(this, writer);
    }
}
