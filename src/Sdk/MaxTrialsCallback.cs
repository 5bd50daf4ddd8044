namespace Sharptune;

/// <summary>
/// Stops the study once it holds <c>nTrials</c> trials in the given states (Optuna's <c>MaxTrialsCallback</c>); a
/// cap shared by every worker and process on the same storage. Unlike Optuna's, the cap is exact when several
/// workers share the study: the optimize loops also consult it before starting a trial, and start one only while
/// the counted trials plus the trials still running (which may end in a counted state) are fewer than
/// <c>nTrials</c>, atomically with the creation of the trial
/// (<see cref="Storages.IStorage.CreateNewTrialWithinLimit"/>). Enqueued trials always run.
/// </summary>
public sealed class MaxTrialsCallback
{
    private readonly int _nTrials;
    private readonly TrialState[]? _states;

    /// <summary>Initializes a new instance of the <see cref="MaxTrialsCallback"/> class.</summary>
    /// <param name="nTrials">The cap.</param>
    /// <param name="states">The states counted (default COMPLETE); <see langword="null"/> counts every trial.</param>
    public MaxTrialsCallback(int nTrials, IReadOnlyCollection<TrialState>? states = null)
    {
        _nTrials = nTrials;
        _states = states is null ? [TrialState.Complete] : [.. states];
    }

    /// <summary>Creates a callback that counts every trial whatever its state.</summary>
    /// <param name="nTrials">The cap.</param>
    /// <returns>The callback.</returns>
    public static MaxTrialsCallback CountingAllStates(int nTrials) => new(nTrials, null, countAll: true);

    private MaxTrialsCallback(int nTrials, TrialState[]? states, bool countAll)
    {
        _nTrials = nTrials;
        _states = countAll ? null : states;
    }

    /// <summary>Gets the largest number of counted trials.</summary>
    internal int NTrials => _nTrials;

    /// <summary>
    /// Gets the states counted before a new trial starts: the counted states plus RUNNING when the counted states
    /// include an outcome a running trial may reach (COMPLETE or PRUNED); every state when all are counted.
    /// </summary>
    internal IReadOnlyCollection<TrialState> GateStates =>
        _states is null ? [TrialState.Running, TrialState.Complete, TrialState.Pruned, TrialState.Fail, TrialState.Waiting]
        : Array.IndexOf(_states, TrialState.Complete) >= 0 || Array.IndexOf(_states, TrialState.Pruned) >= 0 ? [.. _states.Append(TrialState.Running).Distinct()]
        : _states;

    /// <summary>Finds the first <see cref="MaxTrialsCallback"/> among optimize callbacks.</summary>
    internal static MaxTrialsCallback? Find(IReadOnlyList<Action<Study, FrozenTrial>> callbacks)
    {
        foreach (var cb in callbacks)
        {
            if (cb.Target is MaxTrialsCallback m)
            {
                return m;
            }
        }

        return null;
    }

    /// <summary>Invokes the callback.</summary>
    /// <param name="study">The study.</param>
    /// <param name="trial">The finished trial.</param>
    public void Invoke(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        if (study.Storage.GetNTrials(study.StudyId, _states) >= _nTrials)
        {
            study.Stop();
        }
    }

    /// <summary>Converts the callback to the delegate the optimize methods take.</summary>
    /// <param name="callback">The callback.</param>
    public static implicit operator Action<Study, FrozenTrial>(MaxTrialsCallback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return callback.Invoke;
    }
}
