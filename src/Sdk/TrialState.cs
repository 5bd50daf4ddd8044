namespace Sharptune;

/// <summary>The state of a trial; the numeric values equal Optuna's <c>TrialState</c>.</summary>
public enum TrialState
{
    /// <summary>The trial is running.</summary>
    Running = 0,

    /// <summary>The trial finished with values.</summary>
    Complete = 1,

    /// <summary>The trial was pruned.</summary>
    Pruned = 2,

    /// <summary>The trial failed.</summary>
    Fail = 3,

    /// <summary>The trial is enqueued and waits for a worker.</summary>
    Waiting = 4,
}

/// <summary>Helpers for <see cref="TrialState"/>.</summary>
public static class TrialStateExtensions
{
    /// <summary>Returns whether the state is final (COMPLETE, PRUNED or FAIL).</summary>
    /// <param name="state">The state.</param>
    /// <returns><see langword="true"/> for a finished state.</returns>
    public static bool IsFinished(this TrialState state) => state is TrialState.Complete or TrialState.Pruned or TrialState.Fail;

    /// <summary>Returns Optuna's upper-case name (<c>RUNNING</c>, <c>COMPLETE</c>, …).</summary>
    /// <param name="state">The state.</param>
    /// <returns>The name.</returns>
    public static string ToOptunaName(this TrialState state) => state switch
    {
        TrialState.Running => "RUNNING",
        TrialState.Complete => "COMPLETE",
        TrialState.Pruned => "PRUNED",
        TrialState.Fail => "FAIL",
        TrialState.Waiting => "WAITING",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}

/// <summary>The direction of an objective; the numeric values equal Optuna's <c>StudyDirection</c>.</summary>
public enum StudyDirection
{
    /// <summary>Not set.</summary>
    NotSet = 0,

    /// <summary>Smaller is better.</summary>
    Minimize = 1,

    /// <summary>Larger is better.</summary>
    Maximize = 2,
}
