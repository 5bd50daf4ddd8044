using System.Collections.ObjectModel;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sharptune.Internal;
using Sharptune.Pruners;
using Sharptune.Samplers;
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
    private IReadOnlyList<StudyDirection>? _directions;

    // Set on views only (see WithTrialFilter): the study the view reads from, and how it filters and maps trials.
    private readonly Study? _parent;
    private readonly Func<FrozenTrial, bool>? _trialFilter;
    private readonly Func<FrozenTrial, FrozenTrial>? _trialProjection;

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

    /// <summary>Gets the pruner.</summary>
    public IPruner Pruner { get; }

    /// <summary>Gets the logger factory of the study.</summary>
    public ILoggerFactory LoggerFactory { get; }

    internal ILogger Logger { get; }

    /// <summary>Gets the per-study cache that reuses identical distribution instances across trials.</summary>
    internal DistributionCache Distributions { get; } = new();

    /// <summary>Gets the directions, one per objective.</summary>
    public IReadOnlyList<StudyDirection> Directions => _directions ??= Storage.GetStudyDirections(StudyId);

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

    /// <summary>Gets the best COMPLETE (and feasible, with constraints) trial of a single-objective study.</summary>
    /// <exception cref="InvalidOperationException">The study is multi-objective, or no (feasible) trial is complete.</exception>
    public FrozenTrial BestTrial
    {
        get
        {
            if (IsMultiObjective)
            {
                throw new InvalidOperationException(
                    "A single best trial cannot be retrieved from a multi-objective study. Consider using Study.best_trials to retrieve a list containing the best trials.");
            }

            var best = _parent is null ? Storage.GetBestTrial(StudyId) : ViewBestTrial();
            if (best.IsFeasible)
            {
                return best;
            }

            var feasible = GetTrials(TrialState.Complete).Where(t => t.IsFeasible).ToList();
            if (feasible.Count == 0)
            {
                throw new InvalidOperationException("No feasible trials are completed yet.");
            }

            bool maximize = Direction == StudyDirection.Maximize;
            var chosen = feasible[0];
            foreach (var t in feasible)
            {
                if (maximize ? t.Values![0] > chosen.Values![0] : t.Values![0] < chosen.Values![0])
                {
                    chosen = t;
                }
            }

            return chosen;
        }
    }

    private FrozenTrial ViewBestTrial()
    {
        var complete = GetTrials(TrialState.Complete);
        if (complete.Count == 0)
        {
            throw new InvalidOperationException("No trials are completed yet.");
        }

        bool maximize = Direction == StudyDirection.Maximize;
        var best = complete[0];
        for (int i = 1; i < complete.Count; i++)
        {
            double v = complete[i].Values![0];
            double b = best.Values![0];
            if (maximize ? v > b : v < b)
            {
                best = complete[i];
            }
        }

        return best;
    }

    /// <summary>Gets the value of <see cref="BestTrial"/>.</summary>
    public double BestValue => BestTrial.Values![0];

    /// <summary>Gets the parameters of <see cref="BestTrial"/>.</summary>
    public IReadOnlyDictionary<string, object?> BestParams => BestTrial.Params;

    /// <summary>
    /// Gets the Pareto front of COMPLETE trials (feasible ones only when any trial has constraints); empty when
    /// there are none.
    /// </summary>
    public IReadOnlyList<FrozenTrial> BestTrials
    {
        get
        {
            var complete = GetTrials(TrialState.Complete);
            if (complete.Any(t => t.Constraints.Count > 0))
            {
                complete = complete.Where(t => t.IsFeasible).ToList();
            }

            return MultiObjective.ParetoFront(complete, Directions);
        }
    }

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

    // ----- creation, loading, management -----

    /// <summary>Creates a study (Optuna's <c>create_study</c>).</summary>
    /// <param name="options">The options, or <see langword="null"/> for an in-memory single-objective minimization.</param>
    /// <returns>The study.</returns>
    /// <exception cref="ArgumentException">Both Direction and Directions are set, or a direction is NotSet.</exception>
    /// <exception cref="DuplicatedStudyException">The name exists and <see cref="StudyOptions.LoadIfExists"/> is false.</exception>
    public static Study Create(StudyOptions? options = null)
    {
        options ??= new StudyOptions();
        if (options.Direction is not null && options.Directions is not null)
        {
            throw new ArgumentException("Specify only one of StudyOptions.Direction and StudyOptions.Directions.", nameof(options));
        }

        IReadOnlyList<StudyDirection> directions = options.Directions ?? [options.Direction ?? StudyDirection.Minimize];
        if (directions.Count == 0)
        {
            throw new ArgumentException("The number of objectives must be greater than 0.", nameof(options));
        }

        foreach (var d in directions)
        {
            if (d is not (StudyDirection.Minimize or StudyDirection.Maximize))
            {
                throw new ArgumentException(
                    $"Please set either 'minimize' or 'maximize' to direction. You specified {d}.", nameof(options));
            }
        }

        if (options.Storage is not null && options.StorageUrl is not null)
        {
            throw new ArgumentException("Specify only one of `Storage` and `StorageUrl`.", nameof(options));
        }

        var storage = options.Storage ?? (options.StorageUrl is { } url ? StorageFactory.FromUrl(url) : new InMemoryStorage());
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var logger = SharptuneLogging.CreateLogger(loggerFactory);
        int studyId;
        try
        {
            studyId = storage.CreateNewStudy(directions, options.StudyName);
            Log.StudyCreated(logger, StorageKind(storage), storage.GetStudyNameFromId(studyId));
        }
        catch (DuplicatedStudyException) when (options.LoadIfExists)
        {
            Log.UsingExistingStudy(logger, options.StudyName!);
            studyId = storage.GetStudyIdFromName(options.StudyName!);
        }

        string name = storage.GetStudyNameFromId(studyId);
        return new Study(
            name,
            studyId,
            storage,
            options.Sampler ?? Defaults.CreateSampler(),
            options.Pruner ?? Defaults.CreatePruner(),
            loggerFactory);
    }

    /// <summary>Loads an existing study (Optuna's <c>load_study</c>).</summary>
    /// <param name="studyName">The name; <see langword="null"/> loads the only study of the storage.</param>
    /// <param name="storage">The storage.</param>
    /// <param name="sampler">The sampler, or <see langword="null"/> for the default.</param>
    /// <param name="pruner">The pruner, or <see langword="null"/> for the default.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <returns>The study.</returns>
    /// <exception cref="KeyNotFoundException">No study has that name.</exception>
    /// <exception cref="ArgumentException">No name is given and the storage does not hold exactly one study.</exception>
    public static Study Load(string? studyName, IStorage storage, ISampler? sampler = null, IPruner? pruner = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (studyName is null)
        {
            var all = storage.GetAllStudies();
            if (all.Count != 1)
            {
                throw new ArgumentException(
                    $"Could not determine the study name since the storage {storage} does not contain exactly 1 study. Specify `study_name`.",
                    nameof(studyName));
            }

            studyName = all[0].StudyName;
        }

        int studyId = storage.GetStudyIdFromName(studyName);
        return new Study(studyName, studyId, storage, sampler ?? Defaults.CreateSampler(), pruner ?? Defaults.CreatePruner(), loggerFactory ?? NullLoggerFactory.Instance);
    }

    /// <summary>Loads an existing study from the storage a URL names (see <see cref="StorageFactory.FromUrl"/>).</summary>
    /// <param name="studyName">The name; <see langword="null"/> loads the only study of the storage.</param>
    /// <param name="storageUrl">The storage URL, e.g. <c>sqlite:///sharptune.db</c>.</param>
    /// <param name="sampler">The sampler, or <see langword="null"/> for the default.</param>
    /// <param name="pruner">The pruner, or <see langword="null"/> for the default.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <returns>The study.</returns>
    /// <exception cref="KeyNotFoundException">No study has that name.</exception>
    public static Study Load(string? studyName, string storageUrl, ISampler? sampler = null, IPruner? pruner = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(storageUrl);
        var storage = StorageFactory.FromUrl(storageUrl);
        try
        {
            return Load(studyName, storage, sampler, pruner, loggerFactory);
        }
        catch
        {
            (storage as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>Deletes a study and its trials from the storage a URL names.</summary>
    /// <param name="studyName">The name.</param>
    /// <param name="storageUrl">The storage URL.</param>
    /// <exception cref="KeyNotFoundException">No study has that name.</exception>
    public static void Delete(string studyName, string storageUrl) => WithUrl(storageUrl, s => Delete(studyName, s));

    /// <summary>Copies a study between the storages two URLs name (Optuna's <c>copy_study</c>).</summary>
    /// <param name="fromStudyName">The source study name.</param>
    /// <param name="fromStorageUrl">The source storage URL.</param>
    /// <param name="toStorageUrl">The destination storage URL.</param>
    /// <param name="toStudyName">The destination name; <see langword="null"/> keeps the source name.</param>
    public static void Copy(string fromStudyName, string fromStorageUrl, string toStorageUrl, string? toStudyName = null) =>
        WithUrl(fromStorageUrl, from => WithUrl(toStorageUrl, to => Copy(fromStudyName, from, to, toStudyName)));

    /// <summary>Summarizes every study of the storage a URL names.</summary>
    /// <param name="storageUrl">The storage URL.</param>
    /// <param name="includeBestTrial">Whether to find the best trial of single-objective studies.</param>
    /// <returns>The summaries, in creation order.</returns>
    public static IReadOnlyList<StudySummary> GetAllStudySummaries(string storageUrl, bool includeBestTrial = true)
    {
        IReadOnlyList<StudySummary> result = [];
        WithUrl(storageUrl, s => result = GetAllStudySummaries(s, includeBestTrial));
        return result;
    }

    /// <summary>Lists the names of every study of the storage a URL names.</summary>
    /// <param name="storageUrl">The storage URL.</param>
    /// <returns>The names, in creation order.</returns>
    public static IReadOnlyList<string> GetAllStudyNames(string storageUrl)
    {
        IReadOnlyList<string> result = [];
        WithUrl(storageUrl, s => result = GetAllStudyNames(s));
        return result;
    }

    private static void WithUrl(string storageUrl, Action<IStorage> action)
    {
        ArgumentNullException.ThrowIfNull(storageUrl);
        var storage = StorageFactory.FromUrl(storageUrl);
        try
        {
            action(storage);
        }
        finally
        {
            (storage as IDisposable)?.Dispose();
        }
    }

    /// <summary>Deletes a study and its trials (Optuna's <c>delete_study</c>).</summary>
    /// <param name="studyName">The name.</param>
    /// <param name="storage">The storage.</param>
    /// <exception cref="KeyNotFoundException">No study has that name.</exception>
    public static void Delete(string studyName, IStorage storage)
    {
        ArgumentNullException.ThrowIfNull(studyName);
        ArgumentNullException.ThrowIfNull(storage);
        storage.DeleteStudy(storage.GetStudyIdFromName(studyName));
    }

    /// <summary>
    /// Copies a study, its attributes and every trial to another storage (Optuna's <c>copy_study</c>); trial
    /// numbers and ids are assigned anew.
    /// </summary>
    /// <param name="fromStudyName">The source study name.</param>
    /// <param name="fromStorage">The source storage.</param>
    /// <param name="toStorage">The destination storage.</param>
    /// <param name="toStudyName">The destination name; <see langword="null"/> keeps the source name.</param>
    /// <returns>The new study.</returns>
    public static Study Copy(string fromStudyName, IStorage fromStorage, IStorage toStorage, string? toStudyName = null)
    {
        ArgumentNullException.ThrowIfNull(fromStudyName);
        ArgumentNullException.ThrowIfNull(fromStorage);
        ArgumentNullException.ThrowIfNull(toStorage);
        var from = Load(fromStudyName, fromStorage);
        var to = Create(new StudyOptions { StudyName = toStudyName ?? fromStudyName, Storage = toStorage, Directions = from.Directions });
        foreach (var (k, v) in from.SystemAttrs)
        {
            to.SetSystemAttr(k, v);
        }

        foreach (var (k, v) in from.UserAttrs)
        {
            to.SetUserAttr(k, v);
        }

        to.AddTrials(from.Trials);
        return to;
    }

    /// <summary>Summarizes every study of a storage (Optuna's <c>get_all_study_summaries</c>).</summary>
    /// <param name="storage">The storage.</param>
    /// <param name="includeBestTrial">Whether to find the best trial of single-objective studies.</param>
    /// <returns>The summaries, in creation order.</returns>
    public static IReadOnlyList<StudySummary> GetAllStudySummaries(IStorage storage, bool includeBestTrial = true)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var result = new List<StudySummary>();
        foreach (var s in storage.GetAllStudies())
        {
            var trials = storage.GetAllTrials(s.StudyId);
            FrozenTrial? best = null;
            if (includeBestTrial && s.Directions.Count == 1)
            {
                try
                {
                    best = storage.GetBestTrial(s.StudyId);
                }
                catch (InvalidOperationException)
                {
                    best = null;
                }
            }

            DateTime? start = null;
            foreach (var t in trials)
            {
                if (t.DatetimeStart is { } d && (start is null || d < start))
                {
                    start = d;
                }
            }

            result.Add(new StudySummary(s.StudyName, s.Directions, best, s.UserAttrs, s.SystemAttrs, trials.Count, start, s.StudyId));
        }

        return result;
    }

    /// <summary>Lists the names of every study of a storage (Optuna's <c>get_all_study_names</c>).</summary>
    /// <param name="storage">The storage.</param>
    /// <returns>The names, in creation order.</returns>
    public static IReadOnlyList<string> GetAllStudyNames(IStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return storage.GetAllStudies().Select(s => s.StudyName).ToList();
    }

    /// <summary>
    /// Fails the RUNNING trials of the study whose heartbeat is older than the storage's grace period, then runs
    /// the storage's <see cref="IHeartbeatStorage.StaleTrialCallback"/> for each (Optuna's <c>fail_stale_trials</c>).
    /// The optimize loops call it before each new trial when the storage has heartbeats on; a trial that another
    /// worker failed first is skipped.
    /// </summary>
    /// <returns>The trials this call failed, as they were stored.</returns>
    public IReadOnlyList<FrozenTrial> FailStaleTrials()
    {
        if (Storage is not IHeartbeatStorage { HeartbeatInterval: not null } heartbeat)
        {
            return [];
        }

        var failedIds = new List<int>();
        foreach (int trialId in heartbeat.GetStaleTrialIds(StudyId))
        {
            try
            {
                if (heartbeat.SetTrialStateValues(trialId, TrialState.Fail))
                {
                    failedIds.Add(trialId);
                }
            }
            catch (UpdateFinishedTrialException)
            {
                // Another worker failed (or finished) it first.
            }
        }

        var failed = new List<FrozenTrial>(failedIds.Count);
        foreach (int trialId in failedIds)
        {
            var trial = Storage.GetTrial(trialId);
            failed.Add(trial);
            Logger.LogWarning(
                "Trial {Number} was failed because its heartbeat stopped for more than {GracePeriod} s.",
                trial.Number,
                heartbeat.GracePeriod.TotalSeconds);
        }

        if (heartbeat.StaleTrialCallback is { } callback)
        {
            foreach (var trial in failed)
            {
                callback(this, trial);
            }
        }

        return failed;
    }

    private void FailStaleTrialsIfHeartbeat()
    {
        if (Storage is IHeartbeatStorage { HeartbeatInterval: not null })
        {
            FailStaleTrials();
        }
    }

    private static string StorageKind(IStorage storage) => storage switch
    {
        InMemoryStorage => "memory",
        JournalStorage => "Journal",
        RdbStorage => "RDB",
        _ when storage.GetType().Name.Contains("Journal", StringComparison.Ordinal) => "Journal",
        _ => "RDB",
    };

    // ----- trials: enqueue, add, ask, tell -----

    /// <summary>
    /// Enqueues a WAITING trial whose parameters are fixed (Optuna's <c>enqueue_trial</c>); the next ask claims it.
    /// Parameters not listed are sampled as usual.
    /// </summary>
    /// <param name="params">The fixed parameter values (external representation).</param>
    /// <param name="userAttrs">User attributes of the trial.</param>
    /// <param name="skipIfExists">Skip when a trial with the same parameters exists.</param>
    public void EnqueueTrial(IReadOnlyDictionary<string, object?> @params, IReadOnlyDictionary<string, object?>? userAttrs = null, bool skipIfExists = false)
    {
        if (@params is null)
        {
            throw new ArgumentNullException(nameof(@params), "params must be a dictionary.");
        }

        if (skipIfExists && ShouldSkipEnqueue(@params))
        {
            Log.EnqueueSkipped(Logger, PyFormat.Repr(@params));
            return;
        }

        var fixedParams = new Dictionary<string, object?>(@params);
        AddTrial(Sharptune.Trials.Create(
            state: TrialState.Waiting,
            systemAttrs: new Dictionary<string, object?> { ["fixed_params"] = fixedParams },
            userAttrs: userAttrs));
    }

    private bool ShouldSkipEnqueue(IReadOnlyDictionary<string, object?> @params)
    {
        foreach (var trial in Trials)
        {
            IReadOnlyDictionary<string, object?> trialParams =
                trial.SystemAttrs.TryGetValue("fixed_params", out object? fp) && fp is IReadOnlyDictionary<string, object?> d ? d
                : fp is IDictionary<string, object?> d2 ? new ReadOnlyDictionary<string, object?>(d2)
                : trial.Params;
            if (trialParams.Count != @params.Count || !@params.Keys.All(trialParams.ContainsKey))
            {
                continue;
            }

            bool allRepeated = true;
            foreach (var (name, value) in @params)
            {
                object? existing = trialParams[name];
                bool repeated;
                if (IsReal(value) && IsReal(existing))
                {
                    double a = PyJson.ToDouble(value);
                    double b = PyJson.ToDouble(existing);
                    repeated = a == b || (double.IsNaN(a) && double.IsNaN(b));
                }
                else
                {
                    repeated = CategoricalDistribution.ChoiceEquals(value, existing) && (value is null) == (existing is null) && (value?.GetType() == existing?.GetType() || (value is string && existing is Enum) || (value is Enum && existing is string));
                }

                if (!repeated)
                {
                    allRepeated = false;
                    break;
                }
            }

            if (allRepeated)
            {
                return true;
            }
        }

        return false;

        static bool IsReal(object? o) => o is double or float or decimal || (o is not null && PyFormat.IsInteger(o));
    }

    /// <summary>Adds a finished (or WAITING) trial after validating it (Optuna's <c>add_trial</c>).</summary>
    /// <param name="trial">The trial, e.g. from <see cref="Sharptune.Trials.Create"/> or another study.</param>
    /// <exception cref="ArgumentException">The trial is invalid or has the wrong number of values.</exception>
    public void AddTrial(FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        trial.Validate();
        if (trial.Values is not null && trial.Values.Count != Directions.Count)
        {
            throw new ArgumentException(
                $"The added trial has {trial.Values.Count} values, which is different from the number of objectives {Directions.Count} in the study (determined by Study.directions).",
                nameof(trial));
        }

        Storage.CreateNewTrial(StudyId, trial);
    }

    /// <summary>Adds several trials (Optuna's <c>add_trials</c>).</summary>
    /// <param name="trials">The trials.</param>
    public void AddTrials(IEnumerable<FrozenTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        foreach (var t in trials)
        {
            AddTrial(t);
        }
    }

    /// <summary>
    /// Starts a trial for the ask-and-tell interface (Optuna's <c>ask</c>): claims an enqueued trial or creates a
    /// new RUNNING one.
    /// </summary>
    /// <param name="fixedDistributions">Parameters to suggest at once, by name.</param>
    /// <returns>The trial.</returns>
    public Trial Ask(IReadOnlyDictionary<string, Distribution>? fixedDistributions = null)
    {
        ThrowIfView("Ask");
        int trialId = Storage.ClaimOrCreateTrial(StudyId);
        return StartTrial(trialId, fixedDistributions);
    }

    /// <summary>
    /// Asks for a trial in an optimize loop: an enqueued one, or a new one when the <see cref="MaxTrialsCallback"/>
    /// cap (if any) leaves room, decided atomically by the storage; <see langword="null"/> when the cap is reached.
    /// </summary>
    internal Trial? AskWithinLimit(MaxTrialsCallback? gate)
    {
        if (gate is null)
        {
            return Ask();
        }

        int? trialId = Storage.PopWaitingTrialId(StudyId) ?? Storage.CreateNewTrialWithinLimit(StudyId, gate.NTrials, gate.GateStates);
        return trialId is { } id ? StartTrial(id, null) : null;
    }

    private Trial StartTrial(int trialId, IReadOnlyDictionary<string, Distribution>? fixedDistributions)
    {
        try
        {
            var trial = new Trial(this, trialId);
            if (fixedDistributions is not null)
            {
                foreach (var (name, dist) in fixedDistributions)
                {
                    trial.Suggest(name, dist);
                }
            }

            return trial;
        }
        catch
        {
            // Unlike Optuna, a trial whose start fails (the sampler's BeforeTrial, an invalid fixed distribution) is
            // not left RUNNING: it is stored FAIL before the exception propagates.
            try
            {
                Storage.SetTrialStateValues(trialId, TrialState.Fail);
            }
            catch (Exception cleanup) when (cleanup is UpdateFinishedTrialException or StorageInternalException)
            {
                // Already finished, or the storage is gone: nothing more can be done here.
            }

            throw;
        }
    }

    /// <summary>Finishes a trial with one value (COMPLETE).</summary>
    /// <param name="trial">The trial returned by <see cref="Ask"/>.</param>
    /// <param name="value">The objective value.</param>
    /// <returns>The finished trial.</returns>
    public FrozenTrial Tell(ITrial trial, double value) => Tell(trial, [value]);

    /// <summary>
    /// Finishes a trial (Optuna's <c>tell</c>): with values and no state, COMPLETE when the values are valid and FAIL
    /// (with a warning) otherwise; with a state, exactly that state.
    /// </summary>
    /// <param name="trial">The trial returned by <see cref="Ask"/>.</param>
    /// <param name="values">The objective values, or <see langword="null"/>.</param>
    /// <param name="state">COMPLETE, PRUNED or FAIL, or <see langword="null"/> to infer it.</param>
    /// <param name="skipIfFinished">Return quietly when the trial has already finished.</param>
    /// <returns>The finished trial.</returns>
    /// <exception cref="ArgumentException">The state and values disagree, or the trial is not RUNNING.</exception>
    public FrozenTrial Tell(ITrial trial, IReadOnlyList<double>? values = null, TrialState? state = null, bool skipIfFinished = false)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (trial is not Trial live || live.Study.StudyId != StudyId || !ReferenceEquals(live.Study.Storage, Storage))
        {
            throw new ArgumentException("Trial must be a trial object or trial number.", nameof(trial));
        }

        TellCore(live.TrialId, values, state, skipIfFinished, suppressWarning: false, out _);
        return Storage.GetTrial(live.TrialId);
    }

    /// <summary>Finishes a trial given its number (Optuna's <c>tell</c> with an int).</summary>
    /// <param name="trialNumber">The trial number.</param>
    /// <param name="values">The objective values, or <see langword="null"/>.</param>
    /// <param name="state">COMPLETE, PRUNED or FAIL, or <see langword="null"/>.</param>
    /// <param name="skipIfFinished">Return quietly when the trial has already finished.</param>
    /// <returns>The finished trial.</returns>
    public FrozenTrial Tell(int trialNumber, IReadOnlyList<double>? values = null, TrialState? state = null, bool skipIfFinished = false)
    {
        int trialId;
        try
        {
            trialId = Storage.GetTrialIdFromStudyIdTrialNumber(StudyId, trialNumber);
        }
        catch (KeyNotFoundException e)
        {
            throw new ArgumentException($"Cannot tell for trial with number {trialNumber} since it has not been created.", nameof(trialNumber), e);
        }

        TellCore(trialId, values, state, skipIfFinished, suppressWarning: false, out _);
        return Storage.GetTrial(trialId);
    }

    internal (TrialState State, IReadOnlyList<double>? Values) TellCore(
        int trialId, IReadOnlyList<double>? values, TrialState? state, bool skipIfFinished, bool suppressWarning, out string? failureMessage)
    {
        failureMessage = null;
        var frozen = Storage.GetTrial(trialId);
        if (frozen.State.IsFinished() && skipIfFinished)
        {
            Log.TellSkipped(
                Logger, frozen.Number, values is null ? "null" : PyFormat.Repr(values), state is null ? "null" : "TrialState." + state.Value,
                frozen.Values is null ? "null" : PyFormat.Repr(frozen.Values), "TrialState." + frozen.State);
            return (frozen.State, frozen.Values);
        }

        if (frozen.State != TrialState.Running)
        {
            throw new ArgumentException($"Cannot tell a trial in state TrialState.{frozen.State}.");
        }

        if (state == TrialState.Complete)
        {
            if (values is null)
            {
                throw new ArgumentException("No values were told. Values are required when state is TrialState.Complete.");
            }
        }
        else if (state is TrialState.Pruned or TrialState.Fail)
        {
            if (values is not null)
            {
                throw new ArgumentException("Values were told. Values cannot be specified when state is TrialState.Pruned or TrialState.Fail.");
            }
        }
        else if (state is not null)
        {
            throw new ArgumentException($"Cannot tell with state TrialState.{state.Value}.");
        }

        if (state == TrialState.Complete)
        {
            if (CheckValues(values!) is { } error)
            {
                throw new ArgumentException(error);
            }
        }
        else if (state == TrialState.Pruned)
        {
            // A pruned trial keeps its last intermediate value (Optuna); in a multi-objective study, its last
            // intermediate vector (see Trial.Report(IReadOnlyList<double>, int)).
            if (frozen.LastStep is { } last)
            {
                double v = frozen.IntermediateValues[last];
                if (CheckValues([v]) is null)
                {
                    values = [v];
                }
            }
            else if (frozen.IntermediateVectors.Count > 0)
            {
                var vector = frozen.IntermediateVectors[frozen.IntermediateVectors.Keys.Max()];
                if (CheckValues(vector) is null)
                {
                    values = vector;
                }
            }
        }
        else if (state is null)
        {
            failureMessage = values is null ? "The value None could not be cast to float." : CheckValues(values);
            if (failureMessage is null)
            {
                state = TrialState.Complete;
            }
            else
            {
                state = TrialState.Fail;
                values = null;
                if (!suppressWarning)
                {
                    Log.Warning(Logger, failureMessage);
                    failureMessage = null;
                }
            }
        }

        IReadOnlyList<double>? finalValues = values?.ToArray();
        try
        {
            Sampler.AfterTrial(Pruner.FilterStudy(this, frozen), frozen, state!.Value, finalValues);
        }
        finally
        {
            Storage.SetTrialStateValues(trialId, state!.Value, finalValues);
        }

        return (state.Value, finalValues);
    }

    private string? CheckValues(IReadOnlyList<double> values)
    {
        List<string>? errors = null;
        foreach (double v in values)
        {
            if (double.IsNaN(v))
            {
                (errors ??= []).Add("The value nan is not acceptable");
            }
        }

        if (errors is not null)
        {
            return string.Join("; ", errors);
        }

        return values.Count != Directions.Count
            ? $"The number of the values {values.Count} did not match the number of the objectives {Directions.Count}"
            : null;
    }

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
