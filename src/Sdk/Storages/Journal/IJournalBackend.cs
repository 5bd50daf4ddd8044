namespace Sharptune.Storages.Journal;

/// <summary>
/// Where a <see cref="JournalStorage"/> keeps its operation log (Optuna's <c>BaseJournalBackend</c>): an
/// append-only sequence of JSON records, shared by every process that opens the same backend. Implementations are
/// safe across processes; a <see cref="JournalStorage"/> calls them under its own lock.
/// </summary>
public interface IJournalBackend : IDisposable
{
    /// <summary>
    /// Reads the complete records that follow the first <paramref name="logNumberFrom"/> ones, in order. A record
    /// being written (or cut short by a crash) at the end is not returned.
    /// </summary>
    /// <param name="logNumberFrom">How many records the caller has already read.</param>
    /// <returns>The JSON text of each record.</returns>
    IReadOnlyList<string> ReadLogs(long logNumberFrom);

    /// <summary>Appends records atomically with respect to other writers.</summary>
    /// <param name="logs">The JSON text of each record (one line each, without a line break).</param>
    /// <param name="durable">Whether the records must reach stable storage before the call returns (a study change or a finished trial).</param>
    void AppendLogs(IReadOnlyList<string> logs, bool durable);
}

/// <summary>
/// A journal backend that can also keep trial heartbeats outside the log (Python Optuna ignores them), which lets
/// <see cref="JournalStorage"/> fail the trials of dead workers.
/// </summary>
public interface IJournalHeartbeatBackend
{
    /// <summary>Records that the process running a trial is alive.</summary>
    /// <param name="trialId">The trial id.</param>
    void RecordHeartbeat(int trialId);

    /// <summary>Returns the time elapsed since the last heartbeat of each given trial that has one.</summary>
    /// <param name="trialIds">The trials.</param>
    /// <returns>The ages, by trial id (trials without a heartbeat are absent).</returns>
    IReadOnlyDictionary<int, TimeSpan> GetHeartbeatAges(IReadOnlyCollection<int> trialIds);

    /// <summary>Forgets the heartbeat of a finished trial.</summary>
    /// <param name="trialId">The trial id.</param>
    void RemoveHeartbeat(int trialId);
}
