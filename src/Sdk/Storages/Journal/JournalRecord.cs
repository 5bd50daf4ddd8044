namespace Sharptune.Storages.Journal;

/// <summary>
/// A record this instance appends: its JSON text and, for the records every trial writes (a plain trial creation,
/// a parameter, a state change), the same operation in typed form. When the backend hands the record back as the very
/// string it was given (it was appended right after everything this instance had read), the replay applies the typed
/// form instead of parsing the text; the text is written from these fields, dates to the microsecond as the text has
/// them, so both give the same state.
/// </summary>
internal sealed class JournalRecord
{
    private JournalRecord(string text, string worker, JournalOperation? operation)
    {
        Text = text;
        Worker = worker;
        Operation = operation;
    }

    /// <summary>Gets the JSON text, one line without its line break.</summary>
    public string Text { get; }

    /// <summary>Gets the worker id written in the record.</summary>
    public string Worker { get; }

    /// <summary>Gets the operation in typed form, or <see langword="null"/> when only the text says what the record does.</summary>
    public JournalOperation? Operation { get; }

    /// <summary>Gets the study id of a trial creation, or the trial id.</summary>
    public int Id { get; private init; }

    /// <summary>Gets the parameter name.</summary>
    public string? Name { get; private init; }

    /// <summary>Gets the parameter distribution.</summary>
    public Distribution? Distribution { get; private init; }

    /// <summary>Gets the parameter's internal value.</summary>
    public double Value { get; private init; }

    /// <summary>Gets the new state.</summary>
    public TrialState State { get; private init; }

    /// <summary>Gets the values of a state change (<see langword="null"/>: unchanged).</summary>
    public double[]? Values { get; private init; }

    /// <summary>Gets the start of a created or started trial, or the completion of a finished one.</summary>
    public DateTime? Date { get; private init; }

    /// <summary>A record applied by parsing its text.</summary>
    public static JournalRecord Untyped(string text, string worker) => new(text, worker, null);

    /// <summary>A CREATE_TRIAL record without a template: a RUNNING trial started at <paramref name="start"/>.</summary>
    public static JournalRecord CreateTrial(string text, string worker, int studyId, DateTime start) =>
        new(text, worker, JournalOperation.CreateTrial) { Id = studyId, Date = start };

    /// <summary>A SET_TRIAL_PARAM record.</summary>
    public static JournalRecord SetParam(string text, string worker, int trialId, string name, double internalValue, Distribution distribution) =>
        new(text, worker, JournalOperation.SetTrialParam) { Id = trialId, Name = name, Value = internalValue, Distribution = distribution };

    /// <summary>A SET_TRIAL_STATE_VALUES record.</summary>
    public static JournalRecord SetStateValues(string text, string worker, int trialId, TrialState state, double[]? values, DateTime? date) =>
        new(text, worker, JournalOperation.SetTrialStateValues) { Id = trialId, State = state, Values = values, Date = date };

    /// <summary>The texts of records, in order, as a backend appends them.</summary>
    public static string[] Texts(IReadOnlyList<JournalRecord> records)
    {
        var texts = new string[records.Count];
        for (int i = 0; i < texts.Length; i++)
        {
            texts[i] = records[i].Text;
        }

        return texts;
    }

    /// <summary>A time as a record's text keeps it: UTC, to the microsecond.</summary>
    public static DateTime Microseconds(DateTime utc) => new(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);
}
