using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Sharptune.Hosting;

/// <summary>
/// Options shared by every hosted study, bound from the configuration section <c>Sharptune</c>. A study's own
/// settings (<see cref="HostedStudyOptions"/>) win over these.
/// </summary>
public sealed class SharptuneOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Sharptune";

    /// <summary>
    /// Gets or sets the default storage URL (for example <c>sqlite:///tuning.db</c>) of studies that name none;
    /// <see langword="null"/> keeps studies in memory.
    /// </summary>
    public string? Storage { get; set; }

    /// <summary>
    /// Gets or sets the default heartbeat of storages opened from a URL (off unless
    /// <see cref="HeartbeatOptions.Interval"/> is set); a study's own <see cref="HostedStudyOptions.Heartbeat"/> wins.
    /// </summary>
    [ValidateObjectMembers]
    public HeartbeatOptions Heartbeat { get; set; } = new();

    /// <summary>Gets or sets the default sampler of studies that name none.</summary>
    public ComponentOptions Sampler { get; set; } = new();

    /// <summary>Gets or sets the default pruner of studies that name none.</summary>
    public ComponentOptions Pruner { get; set; } = new();

    /// <summary>
    /// Gets or sets how many trials of a study must fail in a row before the health check reports it Degraded
    /// (default 5).
    /// </summary>
    [Range(1, 1_000_000)]
    public int HealthFailureThreshold { get; set; } = 5;

    /// <summary>
    /// Gets or sets a value indicating whether the application stops once every hosted study has finished its run
    /// (default <see langword="false"/>: the host keeps running, as a web application would).
    /// </summary>
    public bool StopApplicationWhenFinished { get; set; }
}

/// <summary>
/// Options of one hosted study, bound from the configuration section <c>Sharptune:Studies:{name}</c> and then
/// from the <c>configure</c> delegate given to <c>AddStudy</c> (code wins over configuration). Storage, sampler
/// and pruner left unset fall back to <see cref="SharptuneOptions"/>.
/// </summary>
public sealed class HostedStudyOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether the study runs (default <see langword="true"/>); the other options
    /// of a disabled study are not validated.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets the number of COMPLETE or PRUNED trials the study should reach. Each run starts only the
    /// missing ones, so a restarted host resumes the budget instead of starting it over (failed trials do not
    /// count and are made up on the next run). <see langword="null"/> runs until <see cref="Timeout"/> or shutdown.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int? NTrials { get; set; }

    /// <summary>
    /// Gets or sets the time after which this run starts no new trial (positive); <see langword="null"/> for none.
    /// </summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Gets or sets the maximum number of trials in flight at once (default 1).</summary>
    [Range(1, 4096)]
    public int Concurrency { get; set; } = 1;

    /// <summary>Gets or sets the minimum time between the starts of two consecutive trials (≥ 0, default zero).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Gets or sets the direction of a single-objective study (default minimize); exclusive with
    /// <see cref="Directions"/>.
    /// </summary>
    public StudyDirection? Direction { get; set; }

    /// <summary>
    /// Gets or sets the directions of a multi-objective study, one per objective value; exclusive with
    /// <see cref="Direction"/>.
    /// </summary>
    public IList<StudyDirection>? Directions { get; set; }

    /// <summary>
    /// Gets or sets the storage URL of this study (for example <c>sqlite:///tuning.db</c>); <see langword="null"/>
    /// falls back to a storage registered in DI, then to <see cref="SharptuneOptions.Storage"/>, then to memory.
    /// </summary>
    public string? Storage { get; set; }

    /// <summary>
    /// Gets or sets the heartbeat of this study's storage (only for a storage opened from a URL: the study's
    /// <see cref="Storage"/> or <see cref="SharptuneOptions.Storage"/>). When its interval is unset,
    /// <see cref="SharptuneOptions.Heartbeat"/> applies.
    /// </summary>
    [ValidateObjectMembers]
    public HeartbeatOptions Heartbeat { get; set; } = new();

    /// <summary>Gets or sets the sampler of this study (its <see cref="ComponentOptions.Type"/> and settings).</summary>
    public ComponentOptions Sampler { get; set; } = new();

    /// <summary>Gets or sets the pruner of this study (its <see cref="ComponentOptions.Type"/> and settings).</summary>
    public ComponentOptions Pruner { get; set; } = new();
}

/// <summary>
/// Names a sampler or pruner type registered with <c>AddSamplerType</c>/<c>AddPrunerType</c> (built in:
/// samplers <c>Random</c>; pruners <c>Nop</c>) and carries its settings. In configuration the settings sit
/// beside the type: <c>"Sampler": { "Type": "Random", "Seed": 42 }</c>.
/// </summary>
public sealed class ComponentOptions
{
    /// <summary>Gets or sets the registered type name (case-insensitive); <see langword="null"/> for the fallback.</summary>
    public string? Type { get; set; }

    /// <summary>
    /// Gets settings set in code, by name (they override the configuration's settings of the same name). Values
    /// are strings, parsed by the type's factory with <see cref="ComponentSettings"/>.
    /// </summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// The heartbeat of a persistent storage (Optuna's <c>heartbeat_interval</c>, <c>grace_period</c> and
/// <c>failed_trial_callback</c>): running trials record a heartbeat every <see cref="Interval"/>, and before each
/// new trial the RUNNING trials whose heartbeat is older than <see cref="GracePeriod"/> (those of a crashed or
/// killed process) are failed and, with <see cref="MaxRetry"/>, enqueued again with the same parameters.
/// </summary>
public sealed class HeartbeatOptions
{
    /// <summary>Gets or sets the heartbeat interval (positive); <see langword="null"/> turns heartbeats off.</summary>
    public TimeSpan? Interval { get; set; }

    /// <summary>
    /// Gets or sets the time without heartbeat after which a RUNNING trial is failed (positive, at least
    /// <see cref="Interval"/>); <see langword="null"/> means twice the interval.
    /// </summary>
    public TimeSpan? GracePeriod { get; set; }

    /// <summary>
    /// Gets or sets how many times a trial failed for a stale heartbeat is enqueued again (≥ 0);
    /// <see langword="null"/> does not retry.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int? MaxRetry { get; set; }

    /// <summary>Gets a value indicating whether heartbeats are on.</summary>
    internal bool IsOn => Interval is not null;

    /// <summary>Gets a key that tells heartbeat settings apart (storages are shared per URL and settings).</summary>
    internal string Key => IsOn ? $"{Interval}|{GracePeriod}|{MaxRetry}" : string.Empty;
}
