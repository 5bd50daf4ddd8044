using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sharptune.Internal;
using Sharptune.Pruners;
using Sharptune.Samplers;
using Sharptune.Storages;

namespace Sharptune;

/// <content>Creating, loading, copying, deleting and listing studies, and failing stale trials.</content>
public sealed partial class Study
{
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
        catch (DuplicatedStudyException e)
        {
            // Optuna 5's wording (#6750): what to do instead, and how to list the names in use.
            throw new DuplicatedStudyException(
                $"Another study with name '{options.StudyName}' already exists. Please specify a name not in the storage, or reuse the existing one by setting `LoadIfExists` (for Study.Create) or the `--skip-if-exists` flag (for the command line).\nUse `Study.GetAllStudyNames(storage)` to list all the used names.",
                e);
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
                    $"Could not determine the study name since the storage {storage} does not contain exactly 1 study. Specify `studyName` from {PyFormat.Repr(all.Select(s => s.StudyName).ToList())}.",
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

            result.Add(new StudySummary(s.StudyName, s.Directions, best, s.UserAttrs, trials.Count, start, s.StudyId));
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
            Log.StaleTrialFailed(Logger, trial.Number, heartbeat.GracePeriod.TotalSeconds);
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
}
