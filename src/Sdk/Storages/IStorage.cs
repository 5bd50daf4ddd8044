namespace Sharptune.Storages;

/// <summary>
/// The storage protocol (Optuna's <c>BaseStorage</c>): studies, trials and their attributes. Implementations are
/// thread-safe; persistent ones are also safe across processes. Trial ids are storage-wide; trial numbers are
/// per study and contiguous from 0.
/// </summary>
public interface IStorage
{
    /// <summary>Creates a study.</summary>
    /// <param name="directions">One direction per objective.</param>
    /// <param name="studyName">The name, or <see langword="null"/> for <c>no-name-&lt;guid&gt;</c>.</param>
    /// <returns>The study id.</returns>
    /// <exception cref="DuplicatedStudyException">A study with that name exists.</exception>
    int CreateNewStudy(IReadOnlyList<StudyDirection> directions, string? studyName = null);

    /// <summary>Deletes a study with its trials and attributes.</summary>
    /// <param name="studyId">The study id.</param>
    /// <exception cref="KeyNotFoundException">No such study.</exception>
    void DeleteStudy(int studyId);

    /// <summary>Sets a study user attribute (a JSON-compatible value).</summary>
    /// <param name="studyId">The study id.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    void SetStudyUserAttr(int studyId, string key, object? value);

    /// <summary>Sets a study system attribute (a JSON-compatible value).</summary>
    /// <param name="studyId">The study id.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    void SetStudySystemAttr(int studyId, string key, object? value);

    /// <summary>Finds a study id by name.</summary>
    /// <param name="studyName">The name.</param>
    /// <returns>The id.</returns>
    /// <exception cref="KeyNotFoundException">No such study.</exception>
    int GetStudyIdFromName(string studyName);

    /// <summary>Finds a study name by id.</summary>
    /// <param name="studyId">The id.</param>
    /// <returns>The name.</returns>
    /// <exception cref="KeyNotFoundException">No such study.</exception>
    string GetStudyNameFromId(int studyId);

    /// <summary>Gets the directions of a study.</summary>
    /// <param name="studyId">The id.</param>
    /// <returns>The directions.</returns>
    IReadOnlyList<StudyDirection> GetStudyDirections(int studyId);

    /// <summary>Gets the user attributes of a study.</summary>
    /// <param name="studyId">The id.</param>
    /// <returns>The attributes.</returns>
    IReadOnlyDictionary<string, object?> GetStudyUserAttrs(int studyId);

    /// <summary>Gets the system attributes of a study.</summary>
    /// <param name="studyId">The id.</param>
    /// <returns>The attributes.</returns>
    IReadOnlyDictionary<string, object?> GetStudySystemAttrs(int studyId);

    /// <summary>Lists every study.</summary>
    /// <returns>The studies, in creation order.</returns>
    IReadOnlyList<FrozenStudy> GetAllStudies();

    /// <summary>
    /// Creates a trial: RUNNING and empty, or a copy of <paramref name="templateTrial"/> (any state). Its number
    /// is the count of earlier trials in the study.
    /// </summary>
    /// <param name="studyId">The study id.</param>
    /// <param name="templateTrial">The trial to copy, or <see langword="null"/>.</param>
    /// <returns>The trial id.</returns>
    int CreateNewTrial(int studyId, FrozenTrial? templateTrial = null);

    /// <summary>
    /// Creates a RUNNING trial unless the study already holds <paramref name="limit"/> trials in
    /// <paramref name="countedStates"/>; the count and the creation are one atomic step with respect to every
    /// other creator of the storage (threads and, for persistent storages, processes). The optimize loops use it to
    /// make <see cref="MaxTrialsCallback"/> exact across workers. The default implementation counts and then
    /// creates, which is exact only for one creator at a time.
    /// </summary>
    /// <param name="studyId">The study id.</param>
    /// <param name="limit">The largest number of counted trials the study may hold before the new one.</param>
    /// <param name="countedStates">The states counted.</param>
    /// <returns>The new trial id, or <see langword="null"/> when the limit is reached.</returns>
    int? CreateNewTrialWithinLimit(int studyId, int limit, IReadOnlyCollection<TrialState> countedStates) =>
        GetNTrials(studyId, countedStates) < limit ? CreateNewTrial(studyId) : null;

    /// <summary>Records a parameter of a running trial.</summary>
    /// <param name="trialId">The trial id.</param>
    /// <param name="paramName">The name.</param>
    /// <param name="internalValue">The internal representation.</param>
    /// <param name="distribution">The distribution.</param>
    /// <exception cref="ArgumentException">The distribution is incompatible with an earlier one of that name.</exception>
    /// <exception cref="UpdateFinishedTrialException">The trial has finished.</exception>
    void SetTrialParam(int trialId, string paramName, double internalValue, Distribution distribution);

    /// <summary>Finds a trial id by study and number.</summary>
    /// <param name="studyId">The study id.</param>
    /// <param name="trialNumber">The number.</param>
    /// <returns>The trial id.</returns>
    /// <exception cref="KeyNotFoundException">No such trial.</exception>
    int GetTrialIdFromStudyIdTrialNumber(int studyId, int trialNumber);

    /// <summary>
    /// Sets the state (and values) of a trial. Setting RUNNING succeeds only on a WAITING trial and returns
    /// <see langword="false"/> otherwise (another worker claimed it).
    /// </summary>
    /// <param name="trialId">The trial id.</param>
    /// <param name="state">The new state.</param>
    /// <param name="values">The values, for COMPLETE (or PRUNED with a last intermediate value).</param>
    /// <returns>Whether the state was set.</returns>
    /// <exception cref="UpdateFinishedTrialException">The trial has finished.</exception>
    bool SetTrialStateValues(int trialId, TrialState state, IReadOnlyList<double>? values = null);

    /// <summary>Records an intermediate value of a running trial (overwrites the same step).</summary>
    /// <param name="trialId">The trial id.</param>
    /// <param name="step">The step.</param>
    /// <param name="intermediateValue">The value (NaN and infinities allowed).</param>
    void SetTrialIntermediateValue(int trialId, int step, double intermediateValue);

    /// <summary>Sets a trial user attribute.</summary>
    /// <param name="trialId">The trial id.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    void SetTrialUserAttr(int trialId, string key, object? value);

    /// <summary>Sets a trial system attribute.</summary>
    /// <param name="trialId">The trial id.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    void SetTrialSystemAttr(int trialId, string key, object? value);

    /// <summary>Gets a trial.</summary>
    /// <param name="trialId">The trial id.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="KeyNotFoundException">No such trial.</exception>
    FrozenTrial GetTrial(int trialId);

    /// <summary>Gets the system attributes of a trial (Optuna's <c>get_trial_system_attrs</c>).</summary>
    /// <param name="trialId">The trial id.</param>
    /// <returns>The attributes.</returns>
    /// <exception cref="KeyNotFoundException">No such trial.</exception>
    IReadOnlyDictionary<string, object?> GetTrialSystemAttrs(int trialId) => GetTrial(trialId).SystemAttrs;

    /// <summary>Gets the trials of a study, ordered by number, optionally filtered by state.</summary>
    /// <param name="studyId">The study id.</param>
    /// <param name="states">The states to keep, or <see langword="null"/> for all.</param>
    /// <returns>The snapshots.</returns>
    IReadOnlyList<FrozenTrial> GetAllTrials(int studyId, IReadOnlyCollection<TrialState>? states = null);

    /// <summary>Counts the trials of a study, optionally by state.</summary>
    /// <param name="studyId">The study id.</param>
    /// <param name="states">The states to count, or <see langword="null"/> for all.</param>
    /// <returns>The count.</returns>
    int GetNTrials(int studyId, IReadOnlyCollection<TrialState>? states = null) => GetAllTrials(studyId, states).Count;

    /// <summary>Gets the best COMPLETE trial of a single-objective study.</summary>
    /// <param name="studyId">The study id.</param>
    /// <returns>The best trial (the first one on ties).</returns>
    /// <exception cref="InvalidOperationException">No trial is complete, or the study has several objectives.</exception>
    FrozenTrial GetBestTrial(int studyId)
    {
        var trials = GetAllTrials(studyId, [TrialState.Complete]);
        if (trials.Count == 0)
        {
            throw new InvalidOperationException("No trials are completed yet.");
        }

        var directions = GetStudyDirections(studyId);
        if (directions.Count > 1)
        {
            throw new InvalidOperationException("Best trial can be obtained only for single-objective optimization.");
        }

        return Study.FirstBest(trials, directions[0]);
    }

    /// <summary>
    /// Claims the oldest WAITING trial of a study by switching it to RUNNING; exactly one caller wins each trial.
    /// </summary>
    /// <param name="studyId">The study id.</param>
    /// <returns>The claimed trial id, or <see langword="null"/> when none is waiting.</returns>
    int? PopWaitingTrialId(int studyId)
    {
        foreach (var trial in GetAllTrials(studyId, [TrialState.Waiting]))
        {
            if (SetTrialStateValues(trial.TrialId, TrialState.Running))
            {
                return trial.TrialId;
            }
        }

        return null;
    }

    /// <summary>
    /// Claims the oldest WAITING trial of a study (as <see cref="PopWaitingTrialId"/>), or creates a new RUNNING trial
    /// when none is waiting (as <see cref="CreateNewTrial"/>): what <see cref="Study.Ask"/> does. A storage may do
    /// both in one round trip.
    /// </summary>
    /// <param name="studyId">The study id.</param>
    /// <returns>The id of the claimed or created trial.</returns>
    /// <exception cref="KeyNotFoundException">The study does not exist.</exception>
    int ClaimOrCreateTrial(int studyId) => PopWaitingTrialId(studyId) ?? CreateNewTrial(studyId);

    /// <summary>Releases per-thread resources (connections); a no-op by default.</summary>
    void RemoveSession()
    {
    }
}

/// <summary>A snapshot of a study's metadata (Optuna's <c>FrozenStudy</c>).</summary>
/// <param name="StudyName">The name.</param>
/// <param name="Directions">The directions.</param>
/// <param name="UserAttrs">The user attributes.</param>
/// <param name="SystemAttrs">The system attributes.</param>
/// <param name="StudyId">The storage id.</param>
public sealed record FrozenStudy(
    string StudyName,
    IReadOnlyList<StudyDirection> Directions,
    IReadOnlyDictionary<string, object?> UserAttrs,
    IReadOnlyDictionary<string, object?> SystemAttrs,
    int StudyId)
{
    /// <summary>Gets the single direction.</summary>
    /// <exception cref="InvalidOperationException">The study has several objectives.</exception>
    public StudyDirection Direction => Directions.Count == 1
        ? Directions[0]
        : throw new InvalidOperationException("This attribute is not available during multi-objective optimization.");
}
