namespace Sharptune.Storages;

/// <summary>
/// A storage that records a heartbeat for each running trial, so that trials of a crashed or killed worker are
/// detected and failed (Optuna's <c>BaseHeartbeat</c>, available here for every persistent storage). The optimize
/// loops record a heartbeat every <see cref="HeartbeatInterval"/> while the objective runs and, before each new
/// trial, fail the RUNNING trials whose last heartbeat is older than <see cref="GracePeriod"/>
/// (<see cref="Study.FailStaleTrials"/>). A RUNNING trial that never recorded a heartbeat is never failed.
/// </summary>
public interface IHeartbeatStorage : IStorage
{
    /// <summary>Gets the heartbeat interval, or <see langword="null"/> when heartbeats are off.</summary>
    TimeSpan? HeartbeatInterval { get; }

    /// <summary>Gets the time after the last heartbeat at which a RUNNING trial is considered stale.</summary>
    TimeSpan GracePeriod { get; }

    /// <summary>Gets the callback run for each trial failed because it was stale, or <see langword="null"/>.</summary>
    Action<Study, FrozenTrial>? StaleTrialCallback { get; }

    /// <summary>Records that the process running a trial is alive.</summary>
    /// <param name="trialId">The trial id.</param>
    void RecordHeartbeat(int trialId);

    /// <summary>Lists the RUNNING trials of a study whose last heartbeat is older than <see cref="GracePeriod"/>.</summary>
    /// <param name="studyId">The study id.</param>
    /// <returns>The stale trial ids.</returns>
    IReadOnlyList<int> GetStaleTrialIds(int studyId);
}

/// <summary>Options shared by the persistent storages: the heartbeat settings (Optuna's <c>RDBStorage</c> arguments).</summary>
public abstract class StorageOptions
{
    private TimeSpan? _heartbeatInterval;
    private TimeSpan? _gracePeriod;

    /// <summary>
    /// Gets or sets the interval at which running trials record a heartbeat; <see langword="null"/> (the default)
    /// turns heartbeats off.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan? HeartbeatInterval
    {
        get => _heartbeatInterval;
        set
        {
            if (value is { } v && v <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(value), v, "HeartbeatInterval must be a positive time span.");
            }

            _heartbeatInterval = value;
        }
    }

    /// <summary>
    /// Gets or sets the time after the last heartbeat at which a RUNNING trial is failed; <see langword="null"/>
    /// (the default) means twice <see cref="HeartbeatInterval"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan? GracePeriod
    {
        get => _gracePeriod;
        set
        {
            if (value is { } v && v <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(value), v, "GracePeriod must be a positive time span.");
            }

            _gracePeriod = value;
        }
    }

    /// <summary>
    /// Gets or sets the callback run for each trial failed because its heartbeat went stale (Optuna's
    /// <c>heartbeat_stale_trial_callback</c>), for example a <see cref="RetryFailedTrialCallback"/>.
    /// </summary>
    public Action<Study, FrozenTrial>? StaleTrialCallback { get; set; }

    internal TimeSpan EffectiveGracePeriod => _gracePeriod ?? (_heartbeatInterval is { } i ? 2 * i : TimeSpan.FromMinutes(2));
}
