namespace Sharptune;

/// <summary>Typed objectives: search spaces declared as <see cref="ISearchSpace{TSelf}"/> types.</summary>
public sealed partial class Study
{
    /// <summary>
    /// Optimizes a single-objective function of a typed configuration: each trial suggests a
    /// <typeparamref name="TConfig"/> (<see cref="ISearchSpace{TSelf}.Suggest"/>) and passes it to the objective.
    /// Otherwise the same as <see cref="Optimize(Func{ITrial, double}, OptimizeOptions?)"/>.
    /// </summary>
    /// <typeparam name="TConfig">The search-space type.</typeparam>
    /// <param name="objective">The objective.</param>
    /// <param name="options">The options (<see langword="null"/>: run until <see cref="Stop"/>).</param>
    public void Optimize<TConfig>(Func<TConfig, double> objective, OptimizeOptions? options = null)
        where TConfig : ISearchSpace<TConfig>
    {
        ArgumentNullException.ThrowIfNull(objective);
        Optimize(t => objective(TConfig.Suggest(t)), options);
    }

    /// <summary>The short form of the overload with <see cref="OptimizeOptions"/>: runs <paramref name="nTrials"/> trials.</summary>
    /// <typeparam name="TConfig">The search-space type.</typeparam>
    /// <param name="objective">The objective.</param>
    /// <param name="nTrials">Trials to run in this call, ≥ 0.</param>
    public void Optimize<TConfig>(Func<TConfig, double> objective, int nTrials)
        where TConfig : ISearchSpace<TConfig> =>
        Optimize(objective, new OptimizeOptions { NTrials = nTrials });

    /// <summary>
    /// Optimizes a single-objective function that receives the typed configuration and the trial (for
    /// <see cref="ITrial.Report(double, int)"/>, <see cref="ITrial.ShouldPrune"/> and attributes).
    /// </summary>
    /// <typeparam name="TConfig">The search-space type.</typeparam>
    /// <param name="objective">The objective.</param>
    /// <param name="options">The options (<see langword="null"/>: run until <see cref="Stop"/>).</param>
    public void Optimize<TConfig>(Func<TConfig, ITrial, double> objective, OptimizeOptions? options = null)
        where TConfig : ISearchSpace<TConfig>
    {
        ArgumentNullException.ThrowIfNull(objective);
        Optimize(t => objective(TConfig.Suggest(t), t), options);
    }

    /// <summary>The short form of the overload with <see cref="OptimizeOptions"/>: runs <paramref name="nTrials"/> trials.</summary>
    /// <typeparam name="TConfig">The search-space type.</typeparam>
    /// <param name="objective">The objective.</param>
    /// <param name="nTrials">Trials to run in this call, ≥ 0.</param>
    public void Optimize<TConfig>(Func<TConfig, ITrial, double> objective, int nTrials)
        where TConfig : ISearchSpace<TConfig> =>
        Optimize(objective, new OptimizeOptions { NTrials = nTrials });

    /// <summary>Optimizes a multi-objective function of a typed configuration (one value per direction).</summary>
    /// <typeparam name="TConfig">The search-space type.</typeparam>
    /// <param name="objective">The objective.</param>
    /// <param name="options">The options (<see langword="null"/>: run until <see cref="Stop"/>).</param>
    public void Optimize<TConfig>(Func<TConfig, double[]> objective, OptimizeOptions? options = null)
        where TConfig : ISearchSpace<TConfig>
    {
        ArgumentNullException.ThrowIfNull(objective);
        Optimize(t => objective(TConfig.Suggest(t)), options);
    }

    /// <summary>The short form of the overload with <see cref="OptimizeOptions"/>: runs <paramref name="nTrials"/> trials.</summary>
    /// <typeparam name="TConfig">The search-space type.</typeparam>
    /// <param name="objective">The objective.</param>
    /// <param name="nTrials">Trials to run in this call, ≥ 0.</param>
    public void Optimize<TConfig>(Func<TConfig, double[]> objective, int nTrials)
        where TConfig : ISearchSpace<TConfig> =>
        Optimize(objective, new OptimizeOptions { NTrials = nTrials });

    /// <summary>Optimizes a multi-objective function that receives the typed configuration and the trial.</summary>
    /// <typeparam name="TConfig">The search-space type.</typeparam>
    /// <param name="objective">The objective.</param>
    /// <param name="options">The options (<see langword="null"/>: run until <see cref="Stop"/>).</param>
    public void Optimize<TConfig>(Func<TConfig, ITrial, double[]> objective, OptimizeOptions? options = null)
        where TConfig : ISearchSpace<TConfig>
    {
        ArgumentNullException.ThrowIfNull(objective);
        Optimize(t => objective(TConfig.Suggest(t), t), options);
    }

    /// <summary>The short form of the overload with <see cref="OptimizeOptions"/>: runs <paramref name="nTrials"/> trials.</summary>
    /// <typeparam name="TConfig">The search-space type.</typeparam>
    /// <param name="objective">The objective.</param>
    /// <param name="nTrials">Trials to run in this call, ≥ 0.</param>
    public void Optimize<TConfig>(Func<TConfig, ITrial, double[]> objective, int nTrials)
        where TConfig : ISearchSpace<TConfig> =>
        Optimize(objective, new OptimizeOptions { NTrials = nTrials });

    /// <summary>
    /// Optimizes an asynchronous single-objective function of a typed configuration, with the concurrency, delay
    /// and cancellation rules of <see cref="OptimizeAsync(Func{ITrial, CancellationToken, ValueTask{double}}, OptimizeOptions?, CancellationToken)"/>.
    /// </summary>
    /// <typeparam name="TConfig">The search-space type.</typeparam>
    /// <param name="objective">The objective.</param>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Cancels the optimization.</param>
    /// <returns>A task that completes when the optimization ends.</returns>
    public Task OptimizeAsync<TConfig>(Func<TConfig, CancellationToken, ValueTask<double>> objective, OptimizeOptions? options = null, CancellationToken cancellationToken = default)
        where TConfig : ISearchSpace<TConfig>
    {
        ArgumentNullException.ThrowIfNull(objective);
        return OptimizeAsync((t, ct) => objective(TConfig.Suggest(t), ct), options, cancellationToken);
    }

    /// <summary>Optimizes an asynchronous single-objective function that receives the typed configuration and the trial.</summary>
    /// <typeparam name="TConfig">The search-space type.</typeparam>
    /// <param name="objective">The objective.</param>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Cancels the optimization.</param>
    /// <returns>A task that completes when the optimization ends.</returns>
    public Task OptimizeAsync<TConfig>(Func<TConfig, ITrial, CancellationToken, ValueTask<double>> objective, OptimizeOptions? options = null, CancellationToken cancellationToken = default)
        where TConfig : ISearchSpace<TConfig>
    {
        ArgumentNullException.ThrowIfNull(objective);
        return OptimizeAsync((t, ct) => objective(TConfig.Suggest(t), t, ct), options, cancellationToken);
    }

    /// <summary>Optimizes an asynchronous multi-objective function of a typed configuration.</summary>
    /// <typeparam name="TConfig">The search-space type.</typeparam>
    /// <param name="objective">The objective.</param>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Cancels the optimization.</param>
    /// <returns>A task that completes when the optimization ends.</returns>
    public Task OptimizeAsync<TConfig>(Func<TConfig, CancellationToken, ValueTask<double[]>> objective, OptimizeOptions? options = null, CancellationToken cancellationToken = default)
        where TConfig : ISearchSpace<TConfig>
    {
        ArgumentNullException.ThrowIfNull(objective);
        return OptimizeAsync((t, ct) => objective(TConfig.Suggest(t), ct), options, cancellationToken);
    }

    /// <summary>Optimizes an asynchronous multi-objective function that receives the typed configuration and the trial.</summary>
    /// <typeparam name="TConfig">The search-space type.</typeparam>
    /// <param name="objective">The objective.</param>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Cancels the optimization.</param>
    /// <returns>A task that completes when the optimization ends.</returns>
    public Task OptimizeAsync<TConfig>(Func<TConfig, ITrial, CancellationToken, ValueTask<double[]>> objective, OptimizeOptions? options = null, CancellationToken cancellationToken = default)
        where TConfig : ISearchSpace<TConfig>
    {
        ArgumentNullException.ThrowIfNull(objective);
        return OptimizeAsync((t, ct) => objective(TConfig.Suggest(t), t, ct), options, cancellationToken);
    }

    /// <summary>
    /// Starts a trial for the ask-and-tell interface and suggests a <typeparamref name="TConfig"/> from it (conditional
    /// parameters only when active). Finish it with <see cref="Tell(ITrial, double)"/>.
    /// </summary>
    /// <typeparam name="TConfig">The search-space type.</typeparam>
    /// <returns>The trial and its configuration.</returns>
    public (Trial Trial, TConfig Config) Ask<TConfig>()
        where TConfig : ISearchSpace<TConfig>
    {
        var trial = Ask();
        try
        {
            return (trial, TConfig.Suggest(trial));
        }
        catch
        {
            // Leave nothing RUNNING: a suggestion that throws (e.g. an enqueued value outside the space) fails the trial.
            TellCore(trial, trial.TrialId, null, TrialState.Fail, skipIfFinished: true, suppressWarning: true, out _);
            throw;
        }
    }

    /// <summary>Rebuilds the configuration of <see cref="BestTrial"/>.</summary>
    /// <typeparam name="TConfig">The search-space type.</typeparam>
    /// <returns>The best configuration.</returns>
    /// <exception cref="InvalidOperationException">The study is multi-objective or no trial is complete.</exception>
    /// <exception cref="ArgumentException">The best trial's parameters do not fit <typeparamref name="TConfig"/>.</exception>
    public TConfig BestParamsAs<TConfig>()
        where TConfig : ISearchSpace<TConfig> => TConfig.FromParams(BestParams);

    /// <summary>
    /// Enqueues a trial whose parameters are those of <paramref name="config"/> (its active parameters, see
    /// <see cref="ISearchSpace{TSelf}.ToParams"/>).
    /// </summary>
    /// <typeparam name="TConfig">The search-space type.</typeparam>
    /// <param name="config">The configuration to evaluate.</param>
    /// <param name="userAttrs">User attributes of the trial.</param>
    /// <param name="skipIfExists">Skip when a trial with the same parameters exists.</param>
    public void EnqueueTrial<TConfig>(TConfig config, IReadOnlyDictionary<string, object?>? userAttrs = null, bool skipIfExists = false)
        where TConfig : ISearchSpace<TConfig>
    {
        if (config is null)
        {
            throw new ArgumentNullException(nameof(config));
        }

        EnqueueTrial(config.ToParams(), userAttrs, skipIfExists);
    }
}

/// <summary>Typed access to trials of a search space declared as an <see cref="ISearchSpace{TSelf}"/> type.</summary>
public static class SearchSpaceExtensions
{
    /// <summary>Rebuilds the configuration a trial evaluated.</summary>
    /// <typeparam name="TConfig">The search-space type.</typeparam>
    /// <param name="trial">The trial.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="ArgumentException">An active parameter is missing or ill-typed.</exception>
    public static TConfig As<TConfig>(this FrozenTrial trial)
        where TConfig : ISearchSpace<TConfig>
    {
        ArgumentNullException.ThrowIfNull(trial);
        return TConfig.FromParams(trial.Params);
    }
}
