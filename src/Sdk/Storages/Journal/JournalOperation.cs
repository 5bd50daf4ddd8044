namespace Sharptune.Storages.Journal;

/// <summary>The op codes of the journal records (Optuna's <c>JournalOperation</c>).</summary>
internal enum JournalOperation
{
    /// <summary>Creates a study: <c>study_name</c>, <c>directions</c>.</summary>
    CreateStudy = 0,

    /// <summary>Deletes a study: <c>study_id</c>.</summary>
    DeleteStudy = 1,

    /// <summary>Sets a study user attribute: <c>study_id</c>, <c>user_attr</c>.</summary>
    SetStudyUserAttr = 2,

    /// <summary>Sets a study system attribute: <c>study_id</c>, <c>system_attr</c>.</summary>
    SetStudySystemAttr = 3,

    /// <summary>Creates a trial: <c>study_id</c>, <c>datetime_start</c>, and for a template trial its fields.</summary>
    CreateTrial = 4,

    /// <summary>Sets a parameter: <c>trial_id</c>, <c>param_name</c>, <c>param_value_internal</c>, <c>distribution</c>.</summary>
    SetTrialParam = 5,

    /// <summary>Sets the state and values: <c>trial_id</c>, <c>state</c>, <c>values</c>, <c>datetime_start</c> or <c>datetime_complete</c>.</summary>
    SetTrialStateValues = 6,

    /// <summary>Sets an intermediate value: <c>trial_id</c>, <c>step</c>, <c>intermediate_value</c>.</summary>
    SetTrialIntermediateValue = 7,

    /// <summary>Sets a trial user attribute: <c>trial_id</c>, <c>user_attr</c>.</summary>
    SetTrialUserAttr = 8,

    /// <summary>Sets a trial system attribute: <c>trial_id</c>, <c>system_attr</c>.</summary>
    SetTrialSystemAttr = 9,

    /// <summary>Written by other implementations and ignored on replay, as Python Optuna does.</summary>
    DiscardTrials = 10,
}
