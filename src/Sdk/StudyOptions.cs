using Microsoft.Extensions.Logging;
using Sharptune.Pruners;
using Sharptune.Samplers;
using Sharptune.Storages;

namespace Sharptune;

/// <summary>Options of <see cref="Study.Create"/> (Optuna's <c>create_study</c> arguments).</summary>
public sealed class StudyOptions
{
    /// <summary>Gets or sets the study name; <see langword="null"/> gives <c>no-name-&lt;guid&gt;</c>.</summary>
    public string? StudyName { get; set; }

    /// <summary>Gets or sets the storage; <see langword="null"/> gives a new <see cref="InMemoryStorage"/> (or the storage of <see cref="StorageUrl"/>).</summary>
    public IStorage? Storage { get; set; }

    /// <summary>
    /// Gets or sets the URL of the storage, opened with <see cref="StorageFactory.FromUrl"/> (e.g.
    /// <c>sqlite:///sharptune.db</c>, <c>postgresql://user:pass@host/db</c>); exclusive with <see cref="Storage"/>.
    /// </summary>
    public string? StorageUrl { get; set; }

    /// <summary>Gets or sets the sampler; <see langword="null"/> gives the default sampler.</summary>
    public ISampler? Sampler { get; set; }

    /// <summary>Gets or sets the pruner; <see langword="null"/> gives the default pruner.</summary>
    public IPruner? Pruner { get; set; }

    /// <summary>Gets or sets the direction of a single-objective study (default minimize).</summary>
    public StudyDirection? Direction { get; set; }

    /// <summary>Gets or sets the directions of a multi-objective study; exclusive with <see cref="Direction"/>.</summary>
    public IReadOnlyList<StudyDirection>? Directions { get; set; }

    /// <summary>Gets or sets a value indicating whether an existing study of the same name is loaded instead of failing.</summary>
    public bool LoadIfExists { get; set; }

    /// <summary>Gets or sets the logger factory; <see langword="null"/> disables logging.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}

/// <summary>
/// Options of the optimize loops: <c>Study.Optimize</c> (worker threads) and <c>Study.OptimizeAsync</c> (trials in
/// flight). <see cref="Delay"/>, <see cref="TrialTimeout"/> and <see cref="TrialTimeoutState"/> apply to
/// <c>OptimizeAsync</c> only.
/// </summary>
public sealed class OptimizeOptions
{
    /// <summary>Gets or sets the number of trials to run in this call; <see langword="null"/> runs until timeout, stop or cancellation.</summary>
    public int? NTrials { get; set; }

    /// <summary>Gets or sets the time after which no new trial starts.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// Gets or sets the maximum number of trials in flight at once (default 1): the number of worker threads of
    /// <c>Optimize</c>, where -1 starts one per processor (Optuna's <c>n_jobs=-1</c>), or the number of objectives
    /// awaited at once by <c>OptimizeAsync</c>, which needs at least 1.
    /// </summary>
    public int Concurrency { get; set; } = 1;

    /// <summary>Gets or sets the minimum time between the starts of two consecutive trials (default zero).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    /// <summary>Gets or sets the exception types that fail a trial without ending the optimization.</summary>
    public IReadOnlyList<Type> Catch { get; set; } = [];

    /// <summary>Gets or sets callbacks run after each trial: <c>(study, frozenTrial)</c>.</summary>
    public IReadOnlyList<Action<Study, FrozenTrial>> Callbacks { get; set; } = [];

    /// <summary>Gets or sets a value indicating whether to run a full garbage collection after each trial.</summary>
    public bool GcAfterTrial { get; set; }

    /// <summary>
    /// Gets or sets the longest time one trial may run (default <see langword="null"/>: no limit). When it elapses,
    /// the cancellation token the objective received is cancelled and, with <see cref="TrialTimeoutState"/>
    /// <see cref="TrialState.Pruned"/>, <see cref="ITrial.ShouldPrune"/> returns <see langword="true"/>. When the objective then ends with an
    /// <see cref="OperationCanceledException"/> (or <see cref="TrialPrunedException"/>), the trial ends in
    /// <see cref="TrialTimeoutState"/> and the optimization goes on. An objective that returns a value despite the
    /// timeout completes normally. Must be positive (and at most 49 days).
    /// </summary>
    public TimeSpan? TrialTimeout { get; set; }

    /// <summary>
    /// Gets or sets the state of a trial ended by <see cref="TrialTimeout"/>: <see cref="TrialState.Pruned"/> (the
    /// default; the trial keeps its last intermediate value, as a pruned trial does) or <see cref="TrialState.Fail"/>.
    /// </summary>
    public TrialState TrialTimeoutState { get; set; } = TrialState.Pruned;

    /// <summary>
    /// Gets or sets a value indicating whether to show the progress on the standard error stream (Optuna's
    /// <c>show_progress_bar</c>): trials done of <see cref="NTrials"/> (or time used of <see cref="Timeout"/>),
    /// elapsed time, estimated time left, trials per second and the best value so far. On a terminal one line is
    /// redrawn in place (log lines of the default handler go above it); when the stream is redirected, a plain line
    /// is written every 10 seconds and at the end. Needs <see cref="NTrials"/> or <see cref="Timeout"/>: without
    /// either the study logs a warning and shows nothing.
    /// </summary>
    public bool ShowProgressBar { get; set; }
}

/// <summary>
/// A summary of a study (Optuna's <c>StudySummary</c>). As in Optuna 5 it carries no system attributes (Optuna
/// removed the deprecated <c>system_attrs</c>); read them from the storage when needed.
/// </summary>
/// <param name="StudyName">The name.</param>
/// <param name="Directions">The directions.</param>
/// <param name="BestTrial">The best trial of a single-objective study, if any (and requested).</param>
/// <param name="UserAttrs">The user attributes.</param>
/// <param name="NTrials">The number of trials.</param>
/// <param name="DatetimeStart">When the first trial started, if any.</param>
/// <param name="StudyId">The storage id.</param>
public sealed record StudySummary(
    string StudyName,
    IReadOnlyList<StudyDirection> Directions,
    FrozenTrial? BestTrial,
    IReadOnlyDictionary<string, object?> UserAttrs,
    int NTrials,
    DateTime? DatetimeStart,
    int StudyId)
{
    /// <summary>Gets the single direction.</summary>
    /// <exception cref="InvalidOperationException">The study has several objectives.</exception>
    public StudyDirection Direction => Directions.Count == 1
        ? Directions[0]
        : throw new InvalidOperationException("This attribute is not available during multi-objective optimization.");
}
