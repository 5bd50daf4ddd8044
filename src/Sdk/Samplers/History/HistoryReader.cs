namespace Sharptune.Samplers.History;

/// <summary>
/// A sampler's position in the <see cref="TrialHistory"/> of the study it follows: each finished trial is handed to
/// the sampler once, in the order the history learnt it. Samplers that keep one summary (CMA-ES, NSGA-II/III, QMC)
/// follow one study object at a time and start over when given another (including another view).
/// Not thread-safe: the sampler serializes access.
/// </summary>
internal sealed class HistoryReader
{
    private TrialHistory? _history;
    private int _cursor;

    /// <summary>Returns whether the reader follows <paramref name="study"/>'s history.</summary>
    /// <param name="study">The study the sampler was given.</param>
    /// <returns>Whether the reader follows it.</returns>
    public bool Follows(Study study) => ReferenceEquals(_history, study.History);

    /// <summary>Starts following a study from its first finished trial.</summary>
    /// <param name="study">The study the sampler was given.</param>
    public void Reset(Study study)
    {
        _history = study.History;
        _cursor = 0;
    }

    /// <summary>Calls <paramref name="onFinished"/> for every finished trial not handed over before.</summary>
    /// <param name="study">The study (the one passed to <see cref="Reset"/>).</param>
    /// <param name="onFinished">The callback.</param>
    /// <param name="currentNumber">The trial being sampled, or −1.</param>
    public void Refresh(Study study, Action<FrozenTrial> onFinished, int currentNumber = -1)
    {
        var history = study.History;
        history.Refresh(currentNumber);
        var fresh = history.FinishedSince(_cursor);
        _cursor += fresh.Length;
        foreach (var t in fresh)
        {
            onFinished(t);
        }
    }
}
