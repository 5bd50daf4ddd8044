namespace Sharptune.Storages;

/// <summary>Options of <see cref="RdbStorage"/> (Optuna's <c>RDBStorage</c> arguments).</summary>
public sealed class RdbStorageOptions : StorageOptions
{
    private TimeSpan _retryTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets a value indicating whether the schema version check is skipped (Optuna's <c>skip_compatibility_check</c>).</summary>
    public bool SkipCompatibilityCheck { get; set; }

    /// <summary>Gets or sets a value indicating whether absent tables are left uncreated (Optuna's <c>skip_table_creation</c>).</summary>
    public bool SkipTableCreation { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the commits that finish trials and change studies wait until they
    /// reach stable storage (default <see langword="true"/>: every tell is durable when it returns, as in Optuna).
    /// When <see langword="false"/> no commit waits for the disk (SQLite <c>synchronous=NORMAL</c>, PostgreSQL
    /// <c>synchronous_commit=off</c>): a crash of the process still loses nothing that was committed, and the database
    /// never ends up corrupt, but a crash of the operating system or a power loss may undo the last commits.
    /// </summary>
    public bool DurableCommits { get; set; } = true;

    /// <summary>
    /// Gets or sets how long an operation that meets lock contention, a serialization failure or a deadlock is
    /// retried (with exponential backoff) before it fails (default 60 s).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan RetryTimeout
    {
        get => _retryTimeout;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _retryTimeout = value;
        }
    }
}
