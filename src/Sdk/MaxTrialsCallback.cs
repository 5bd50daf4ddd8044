namespace Sharptune;

/// <summary>
/// Stops the study once it holds <c>nTrials</c> trials in the given states (Optuna's <c>MaxTrialsCallback</c>); a
/// cap shared by every worker and process on the same storage.
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
