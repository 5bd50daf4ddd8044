namespace Sharptune;

/// <summary>
/// Runs a fixed number of trials of a typed objective with bounded concurrency (the flytekit Optuna plugin's
/// <c>Optimizer</c>, done for .NET): each trial suggests a <typeparamref name="TConfig"/>, awaits the objective,
/// and tells the study the result. A trial whose objective throws is marked FAIL (never left RUNNING) and the
/// exception ends the run unless its type is in <c>catch</c>; <see cref="TrialPrunedException"/> prunes the trial;
/// a result that does not match the study's directions fails the trial with Optuna's message.
/// </summary>
/// <typeparam name="TConfig">The search-space type.</typeparam>
public sealed class Optimizer<TConfig>
    where TConfig : ISearchSpace<TConfig>
{
    private readonly OptimizerCore _core;
    private readonly Func<ITrial, CancellationToken, ValueTask<double>>? _single;
    private readonly Func<ITrial, CancellationToken, ValueTask<double[]>>? _many;

    /// <summary>Initializes a new instance of the <see cref="Optimizer{TConfig}"/> class for a single-objective function.</summary>
    /// <param name="objective">The objective.</param>
    /// <param name="concurrency">The maximum number of trials in flight, greater than 0.</param>
    /// <param name="nTrials">The number of trials per <see cref="RunAsync"/>, greater than 0.</param>
    /// <param name="study">The study; <see langword="null"/> creates an in-memory minimization study.</param>
    /// <param name="delay">The minimum time between the starts of two consecutive trials, ≥ 0.</param>
    /// <param name="catch">Exception types that fail a trial without ending the run.</param>
    /// <exception cref="ArgumentOutOfRangeException">concurrency, nTrials or delay is out of range.</exception>
    /// <exception cref="ArgumentException">The study has several objectives.</exception>
    public Optimizer(Func<TConfig, CancellationToken, ValueTask<double>> objective, int concurrency, int nTrials, Study? study = null, TimeSpan delay = default, IReadOnlyList<Type>? @catch = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        _core = new OptimizerCore(concurrency, nTrials, study, delay, @catch, singleValue: true);
        _single = (t, ct) => objective(TConfig.Suggest(t), ct);
    }

    /// <summary>Initializes a new instance of the <see cref="Optimizer{TConfig}"/> class for a single-objective function that also receives the trial.</summary>
    /// <param name="objective">The objective.</param>
    /// <param name="concurrency">The maximum number of trials in flight, greater than 0.</param>
    /// <param name="nTrials">The number of trials per <see cref="RunAsync"/>, greater than 0.</param>
    /// <param name="study">The study; <see langword="null"/> creates an in-memory minimization study.</param>
    /// <param name="delay">The minimum time between the starts of two consecutive trials, ≥ 0.</param>
    /// <param name="catch">Exception types that fail a trial without ending the run.</param>
    /// <exception cref="ArgumentOutOfRangeException">concurrency, nTrials or delay is out of range.</exception>
    /// <exception cref="ArgumentException">The study has several objectives.</exception>
    public Optimizer(Func<TConfig, ITrial, CancellationToken, ValueTask<double>> objective, int concurrency, int nTrials, Study? study = null, TimeSpan delay = default, IReadOnlyList<Type>? @catch = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        _core = new OptimizerCore(concurrency, nTrials, study, delay, @catch, singleValue: true);
        _single = (t, ct) => objective(TConfig.Suggest(t), t, ct);
    }

    /// <summary>Initializes a new instance of the <see cref="Optimizer{TConfig}"/> class for a multi-objective function (one value per direction).</summary>
    /// <param name="objective">The objective.</param>
    /// <param name="concurrency">The maximum number of trials in flight, greater than 0.</param>
    /// <param name="nTrials">The number of trials per <see cref="RunAsync"/>, greater than 0.</param>
    /// <param name="study">The study; <see langword="null"/> creates an in-memory minimization study.</param>
    /// <param name="delay">The minimum time between the starts of two consecutive trials, ≥ 0.</param>
    /// <param name="catch">Exception types that fail a trial without ending the run.</param>
    /// <exception cref="ArgumentOutOfRangeException">concurrency, nTrials or delay is out of range.</exception>
    public Optimizer(Func<TConfig, CancellationToken, ValueTask<double[]>> objective, int concurrency, int nTrials, Study? study = null, TimeSpan delay = default, IReadOnlyList<Type>? @catch = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        _core = new OptimizerCore(concurrency, nTrials, study, delay, @catch, singleValue: false);
        _many = (t, ct) => objective(TConfig.Suggest(t), ct);
    }

    /// <summary>Initializes a new instance of the <see cref="Optimizer{TConfig}"/> class for a multi-objective function that also receives the trial.</summary>
    /// <param name="objective">The objective.</param>
    /// <param name="concurrency">The maximum number of trials in flight, greater than 0.</param>
    /// <param name="nTrials">The number of trials per <see cref="RunAsync"/>, greater than 0.</param>
    /// <param name="study">The study; <see langword="null"/> creates an in-memory minimization study.</param>
    /// <param name="delay">The minimum time between the starts of two consecutive trials, ≥ 0.</param>
    /// <param name="catch">Exception types that fail a trial without ending the run.</param>
    /// <exception cref="ArgumentOutOfRangeException">concurrency, nTrials or delay is out of range.</exception>
    public Optimizer(Func<TConfig, ITrial, CancellationToken, ValueTask<double[]>> objective, int concurrency, int nTrials, Study? study = null, TimeSpan delay = default, IReadOnlyList<Type>? @catch = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        _core = new OptimizerCore(concurrency, nTrials, study, delay, @catch, singleValue: false);
        _many = (t, ct) => objective(TConfig.Suggest(t), t, ct);
    }

    /// <summary>Gets the study the trials are told to.</summary>
    public Study Study => _core.Study;

    /// <summary>Gets the maximum number of trials in flight.</summary>
    public int Concurrency => _core.Concurrency;

    /// <summary>Gets the number of trials each <see cref="RunAsync"/> runs.</summary>
    public int NTrials => _core.NTrials;

    /// <summary>Gets the minimum time between the starts of two consecutive trials.</summary>
    public TimeSpan Delay => _core.Delay;

    /// <summary>Runs <see cref="NTrials"/> trials.</summary>
    /// <param name="cancellationToken">Cancels the run: no new trial starts, running ones see the token and end FAIL.</param>
    /// <returns>A task that completes when every trial has finished.</returns>
    public Task RunAsync(CancellationToken cancellationToken = default) => _core.RunAsync(_single, _many, cancellationToken);
}

/// <summary>
/// The dynamic form of <see cref="Optimizer{TConfig}"/> for spaces known only at run time: the inputs are a (nested)
/// dictionary of constants and <see cref="Suggestion"/>s (<see cref="Suggest.Float"/>, <see cref="Suggest.Int(int, int, int, bool)"/>,
/// <see cref="Suggest.Category(object?[])"/>); each trial's objective receives its own copy with every suggestion
/// replaced by the trial's value, named by its dotted path (<c>params.alpha</c>).
/// </summary>
public sealed class Optimizer
{
    private readonly OptimizerCore _core;
    private readonly Func<IReadOnlyDictionary<string, object?>, ITrial, CancellationToken, ValueTask<double>>? _single;
    private readonly Func<IReadOnlyDictionary<string, object?>, ITrial, CancellationToken, ValueTask<double[]>>? _many;

    /// <summary>Initializes a new instance of the <see cref="Optimizer"/> class for a single-objective function.</summary>
    /// <param name="objective">The objective; it receives the resolved inputs.</param>
    /// <param name="concurrency">The maximum number of trials in flight, greater than 0.</param>
    /// <param name="nTrials">The number of trials per <see cref="RunAsync"/>, greater than 0.</param>
    /// <param name="study">The study; <see langword="null"/> creates an in-memory minimization study.</param>
    /// <param name="delay">The minimum time between the starts of two consecutive trials, ≥ 0.</param>
    /// <param name="catch">Exception types that fail a trial without ending the run.</param>
    /// <exception cref="ArgumentOutOfRangeException">concurrency, nTrials or delay is out of range.</exception>
    /// <exception cref="ArgumentException">The study has several objectives.</exception>
    public Optimizer(Func<IReadOnlyDictionary<string, object?>, CancellationToken, ValueTask<double>> objective, int concurrency, int nTrials, Study? study = null, TimeSpan delay = default, IReadOnlyList<Type>? @catch = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        _core = new OptimizerCore(concurrency, nTrials, study, delay, @catch, singleValue: true);
        _single = (inputs, _, ct) => objective(inputs, ct);
    }

    /// <summary>Initializes a new instance of the <see cref="Optimizer"/> class for a single-objective function that also receives the trial.</summary>
    /// <param name="objective">The objective; it receives the resolved inputs and the trial.</param>
    /// <param name="concurrency">The maximum number of trials in flight, greater than 0.</param>
    /// <param name="nTrials">The number of trials per <see cref="RunAsync"/>, greater than 0.</param>
    /// <param name="study">The study; <see langword="null"/> creates an in-memory minimization study.</param>
    /// <param name="delay">The minimum time between the starts of two consecutive trials, ≥ 0.</param>
    /// <param name="catch">Exception types that fail a trial without ending the run.</param>
    /// <exception cref="ArgumentOutOfRangeException">concurrency, nTrials or delay is out of range.</exception>
    /// <exception cref="ArgumentException">The study has several objectives.</exception>
    public Optimizer(Func<IReadOnlyDictionary<string, object?>, ITrial, CancellationToken, ValueTask<double>> objective, int concurrency, int nTrials, Study? study = null, TimeSpan delay = default, IReadOnlyList<Type>? @catch = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        _core = new OptimizerCore(concurrency, nTrials, study, delay, @catch, singleValue: true);
        _single = objective;
    }

    /// <summary>Initializes a new instance of the <see cref="Optimizer"/> class for a multi-objective function (one value per direction).</summary>
    /// <param name="objective">The objective; it receives the resolved inputs.</param>
    /// <param name="concurrency">The maximum number of trials in flight, greater than 0.</param>
    /// <param name="nTrials">The number of trials per <see cref="RunAsync"/>, greater than 0.</param>
    /// <param name="study">The study; <see langword="null"/> creates an in-memory minimization study.</param>
    /// <param name="delay">The minimum time between the starts of two consecutive trials, ≥ 0.</param>
    /// <param name="catch">Exception types that fail a trial without ending the run.</param>
    /// <exception cref="ArgumentOutOfRangeException">concurrency, nTrials or delay is out of range.</exception>
    public Optimizer(Func<IReadOnlyDictionary<string, object?>, CancellationToken, ValueTask<double[]>> objective, int concurrency, int nTrials, Study? study = null, TimeSpan delay = default, IReadOnlyList<Type>? @catch = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        _core = new OptimizerCore(concurrency, nTrials, study, delay, @catch, singleValue: false);
        _many = (inputs, _, ct) => objective(inputs, ct);
    }

    /// <summary>Initializes a new instance of the <see cref="Optimizer"/> class for a multi-objective function that also receives the trial.</summary>
    /// <param name="objective">The objective; it receives the resolved inputs and the trial.</param>
    /// <param name="concurrency">The maximum number of trials in flight, greater than 0.</param>
    /// <param name="nTrials">The number of trials per <see cref="RunAsync"/>, greater than 0.</param>
    /// <param name="study">The study; <see langword="null"/> creates an in-memory minimization study.</param>
    /// <param name="delay">The minimum time between the starts of two consecutive trials, ≥ 0.</param>
    /// <param name="catch">Exception types that fail a trial without ending the run.</param>
    /// <exception cref="ArgumentOutOfRangeException">concurrency, nTrials or delay is out of range.</exception>
    public Optimizer(Func<IReadOnlyDictionary<string, object?>, ITrial, CancellationToken, ValueTask<double[]>> objective, int concurrency, int nTrials, Study? study = null, TimeSpan delay = default, IReadOnlyList<Type>? @catch = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        _core = new OptimizerCore(concurrency, nTrials, study, delay, @catch, singleValue: false);
        _many = objective;
    }

    /// <summary>Gets the study the trials are told to.</summary>
    public Study Study => _core.Study;

    /// <summary>Gets the maximum number of trials in flight.</summary>
    public int Concurrency => _core.Concurrency;

    /// <summary>Gets the number of trials each <see cref="RunAsync"/> runs.</summary>
    public int NTrials => _core.NTrials;

    /// <summary>Gets the minimum time between the starts of two consecutive trials.</summary>
    public TimeSpan Delay => _core.Delay;

    /// <summary>Runs <see cref="NTrials"/> trials over <paramref name="inputs"/>.</summary>
    /// <param name="inputs">Constants, <see cref="Suggestion"/>s and nested dictionaries of both; never modified.</param>
    /// <param name="cancellationToken">Cancels the run: no new trial starts, running ones see the token and end FAIL.</param>
    /// <returns>A task that completes when every trial has finished.</returns>
    /// <exception cref="ArgumentException">A nested dictionary has a key that is not a string.</exception>
    public Task RunAsync(IReadOnlyDictionary<string, object?> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Suggest.Validate(inputs);
        if (_single is { } single)
        {
            return _core.RunAsync((t, ct) => single(Suggest.Resolve(t, inputs), t, ct), null, cancellationToken);
        }

        var many = _many!;
        return _core.RunAsync(null, (t, ct) => many(Suggest.Resolve(t, inputs), t, ct), cancellationToken);
    }
}

/// <summary>The argument checks and run loop shared by both optimizers.</summary>
internal sealed class OptimizerCore
{
    private readonly IReadOnlyList<Type> _catch;

    public OptimizerCore(int concurrency, int nTrials, Study? study, TimeSpan delay, IReadOnlyList<Type>? @catch, bool singleValue)
    {
        if (concurrency <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(concurrency), concurrency, "concurrency must be an integer greater than 0.");
        }

        if (nTrials <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(nTrials), nTrials, "nTrials must be an integer greater than 0.");
        }

        if (delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "delay must be a time span greater than or equal to 0.");
        }

        study ??= Study.Create();
        if (singleValue && study.Directions.Count != 1)
        {
            throw new ArgumentException("the study must have a single objective if objective returns a single float", "objective");
        }

        Concurrency = concurrency;
        NTrials = nTrials;
        Study = study;
        Delay = delay;
        _catch = @catch ?? [];
    }

    public int Concurrency { get; }

    public int NTrials { get; }

    public Study Study { get; }

    public TimeSpan Delay { get; }

    public Task RunAsync(
        Func<ITrial, CancellationToken, ValueTask<double>>? single,
        Func<ITrial, CancellationToken, ValueTask<double[]>>? many,
        CancellationToken cancellationToken)
    {
        var options = new OptimizeOptions { NTrials = NTrials, Concurrency = Concurrency, Delay = Delay, Catch = _catch };
        return single is not null
            ? Study.OptimizeAsync(single, options, cancellationToken)
            : Study.OptimizeAsync(many!, options, cancellationToken);
    }
}
