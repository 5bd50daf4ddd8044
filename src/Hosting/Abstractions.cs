using Microsoft.Extensions.DependencyInjection;

namespace Sharptune.Hosting;

/// <summary>
/// Configures Sharptune in a service collection: returned by <c>services.AddSharptune()</c>, extended by
/// <c>UseStorage</c>, <c>UseSampler</c>, <c>UsePruner</c>, <c>AddSamplerType</c>, <c>AddPrunerType</c> and
/// <c>AddStudy</c>.
/// </summary>
public interface ISharptuneBuilder
{
    /// <summary>Gets the service collection.</summary>
    IServiceCollection Services { get; }
}

/// <summary>
/// A single-objective function of a typed configuration, run by a hosted study. One instance is resolved from a
/// new DI scope for every trial, so it may inject scoped services (a DbContext, an HttpClient, a logger).
/// </summary>
/// <typeparam name="TConfig">The search-space type (an <see cref="ISearchSpace{TSelf}"/>).</typeparam>
public interface IObjective<in TConfig>
{
    /// <summary>Evaluates one configuration.</summary>
    /// <param name="config">The configuration suggested for this trial.</param>
    /// <param name="trial">The trial, for <see cref="ITrial.Report(double, int)"/>, <see cref="ITrial.ShouldPrune"/> and attributes.</param>
    /// <param name="cancellationToken">Cancelled when the host stops: finish or throw promptly, or the trial is failed.</param>
    /// <returns>The objective value.</returns>
    ValueTask<double> EvaluateAsync(TConfig config, ITrial trial, CancellationToken cancellationToken);
}

/// <summary>
/// A multi-objective function of a typed configuration, run by a hosted study (one value per direction). One
/// instance is resolved from a new DI scope for every trial.
/// </summary>
/// <typeparam name="TConfig">The search-space type (an <see cref="ISearchSpace{TSelf}"/>).</typeparam>
public interface IMultiObjective<in TConfig>
{
    /// <summary>Evaluates one configuration.</summary>
    /// <param name="config">The configuration suggested for this trial.</param>
    /// <param name="trial">The trial.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    /// <returns>The objective values, one per direction of the study.</returns>
    ValueTask<double[]> EvaluateAsync(TConfig config, ITrial trial, CancellationToken cancellationToken);
}

/// <summary>The state of a hosted study.</summary>
public enum HostedStudyState
{
    /// <summary>Registered; the host has not started running it yet.</summary>
    Pending = 0,

    /// <summary>Trials are being run.</summary>
    Running = 1,

    /// <summary>The run ended: its trial budget or timeout was reached, or the study was stopped from a callback.</summary>
    Completed = 2,

    /// <summary>The host stopped the study before its budget was reached; a restart resumes it.</summary>
    Stopped = 3,

    /// <summary>The study ended with an error outside any trial (for example its storage became unavailable).</summary>
    Faulted = 4,

    /// <summary>The study is disabled in its options.</summary>
    Disabled = 5,
}

/// <summary>
/// A snapshot of a hosted study. Counts marked "this run" restart from zero when the host restarts;
/// <see cref="TrialsFinished"/> includes the trials stored by earlier runs.
/// </summary>
/// <param name="Name">The study name.</param>
/// <param name="State">The state.</param>
/// <param name="Directions">The directions (one per objective); empty before the study is opened.</param>
/// <param name="TrialsFinished">Finished trials in the storage (COMPLETE, PRUNED or FAIL), earlier runs included.</param>
/// <param name="TrialsCompleted">COMPLETE trials this run.</param>
/// <param name="TrialsPruned">PRUNED trials this run.</param>
/// <param name="TrialsFailed">FAIL trials this run.</param>
/// <param name="TrialsRunning">Trials in flight in this process.</param>
/// <param name="ConsecutiveFailures">Trials that failed in a row, up to the last finished one.</param>
/// <param name="BestTrialNumber">The number of the best trial of a single-objective study, if any.</param>
/// <param name="BestValue">The best value of a single-objective study, if any.</param>
/// <param name="BestParams">The parameters of the best trial, if any.</param>
/// <param name="TargetTrials">The COMPLETE-or-PRUNED budget (<see cref="HostedStudyOptions.NTrials"/>), if any.</param>
/// <param name="StartedAt">When this run started, if it has.</param>
/// <param name="EstimatedTimeLeft">
/// The estimated time until the run ends (from the mean trial duration of this run, the concurrency, the trials
/// left and the timeout); <see langword="null"/> when unknown or unbounded, zero once the run has ended.
/// </param>
/// <param name="LastError">The error that faulted the study, if any.</param>
public sealed record StudyStatus(
    string Name,
    HostedStudyState State,
    IReadOnlyList<StudyDirection> Directions,
    int TrialsFinished,
    int TrialsCompleted,
    int TrialsPruned,
    int TrialsFailed,
    int TrialsRunning,
    int ConsecutiveFailures,
    int? BestTrialNumber,
    double? BestValue,
    IReadOnlyDictionary<string, object?>? BestParams,
    int? TargetTrials,
    DateTimeOffset? StartedAt,
    TimeSpan? EstimatedTimeLeft,
    string? LastError);

/// <summary>The live state of the hosted studies, for other services (dashboards, endpoints, health checks).</summary>
public interface IStudyMonitor
{
    /// <summary>Gets the names of the registered studies, in registration order.</summary>
    IReadOnlyList<string> StudyNames { get; }

    /// <summary>Gets a snapshot of every registered study, in registration order.</summary>
    /// <returns>The snapshots.</returns>
    IReadOnlyList<StudyStatus> GetStatuses();

    /// <summary>Gets a snapshot of one study.</summary>
    /// <param name="studyName">The study name.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="KeyNotFoundException">No hosted study has that name.</exception>
    StudyStatus GetStatus(string studyName);

    /// <summary>
    /// Gets the live <see cref="Sharptune.Study"/> of a hosted study once the host has opened it (for the Pareto
    /// front, trials, attributes or an export), or <see langword="null"/> before.
    /// </summary>
    /// <param name="studyName">The study name.</param>
    /// <returns>The study, or <see langword="null"/>.</returns>
    /// <exception cref="KeyNotFoundException">No hosted study has that name.</exception>
    Study? GetStudy(string studyName);
}
