using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Sharptune.Internal;
using Sharptune.Storages;

namespace Sharptune;

public sealed partial class Study
{
    /// <summary>
    /// Optimizes a single-objective function (Optuna's <c>optimize</c>) for <paramref name="nTrials"/> trials; the
    /// short form of <see cref="Optimize(Func{ITrial, double}, OptimizeOptions?)"/>.
    /// </summary>
    /// <param name="objective">The objective.</param>
    /// <param name="nTrials">Trials to run in this call, ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nTrials"/> is negative.</exception>
    public void Optimize(Func<ITrial, double> objective, int nTrials) =>
        Optimize(objective, new OptimizeOptions { NTrials = nTrials });

    /// <summary>
    /// Optimizes a single-objective function (Optuna's <c>optimize</c>) on <see cref="OptimizeOptions.Concurrency"/>
    /// worker threads. A NaN result fails the trial and the loop goes on; an exception fails the trial and is
    /// rethrown unless its type is in <see cref="OptimizeOptions.Catch"/>; <see cref="TrialPrunedException"/> prunes
    /// the trial.
    /// </summary>
    /// <param name="objective">The objective.</param>
    /// <param name="options">The options (<see langword="null"/>: run until <see cref="Stop"/>). <see cref="OptimizeOptions.Delay"/>
    /// and <see cref="OptimizeOptions.TrialTimeout"/> need <see cref="OptimizeAsync(Func{ITrial, CancellationToken, ValueTask{double}}, OptimizeOptions?, CancellationToken)"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException"><see cref="OptimizeOptions.Delay"/> or <see cref="OptimizeOptions.TrialTimeout"/> is set.</exception>
    public void Optimize(Func<ITrial, double> objective, OptimizeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        OptimizeCore(t => ObjectiveResult.Single(objective(t)), options);
    }

    /// <summary>
    /// Optimizes a multi-objective function (one value per direction) for <paramref name="nTrials"/> trials; the
    /// short form of <see cref="Optimize(Func{ITrial, double[]}, OptimizeOptions?)"/>.
    /// </summary>
    /// <param name="objective">The objective.</param>
    /// <param name="nTrials">Trials to run in this call, ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nTrials"/> is negative.</exception>
    public void Optimize(Func<ITrial, double[]> objective, int nTrials) =>
        Optimize(objective, new OptimizeOptions { NTrials = nTrials });

    /// <summary>Optimizes a multi-objective function: one value per direction. Otherwise the same as <see cref="Optimize(Func{ITrial, double}, OptimizeOptions?)"/>.</summary>
    /// <param name="objective">The objective.</param>
    /// <param name="options">The options (<see langword="null"/>: run until <see cref="Stop"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException"><see cref="OptimizeOptions.Delay"/> or <see cref="OptimizeOptions.TrialTimeout"/> is set.</exception>
    public void Optimize(Func<ITrial, double[]> objective, OptimizeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        OptimizeCore(t => ObjectiveResult.Many(objective(t)), options);
    }

    private void OptimizeCore(Func<ITrial, ObjectiveResult> objective, OptimizeOptions? options)
    {
        ThrowIfView("Optimize");
        options ??= new OptimizeOptions();
        var nTrials = options.NTrials;
        var timeout = options.Timeout;
        var nJobs = options.Concurrency;
        if (nTrials is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), nTrials, "OptimizeOptions.NTrials must be a non-negative integer.");
        }

        if (nJobs == -1)
        {
            nJobs = Environment.ProcessorCount;
        }

        if (nJobs <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Concurrency, "OptimizeOptions.Concurrency must be a positive integer, or -1 for one worker thread per processor.");
        }

        if (options.Delay != TimeSpan.Zero)
        {
            throw new ArgumentException("OptimizeOptions.Delay applies to OptimizeAsync only; Optimize starts trials as soon as a worker thread is free.", nameof(options));
        }

        if (options.TrialTimeout is not null)
        {
            throw new ArgumentException("OptimizeOptions.TrialTimeout applies to OptimizeAsync only, whose objectives receive a cancellation token.", nameof(options));
        }

        if (_inOptimizeLoop.Value)
        {
            throw new InvalidOperationException("Nested invocation of Study.Optimize isn't allowed.");
        }

        var catchTypes = options.Catch;
        var callbackList = options.Callbacks;
        var gcAfterTrial = options.GcAfterTrial;
        var showProgressBar = options.ShowProgressBar;
        using var progressBar = ProgressBar.Start(showProgressBar, this, nTrials, timeout);
        var gate = MaxTrialsCallback.Find(callbackList);
        _stopFlag = false;
        var clock = Stopwatch.StartNew();
        int claimed = 0;
        var claimLock = new Lock();

        bool TryClaim()
        {
            if (_stopFlag || (timeout is { } t && clock.Elapsed >= t))
            {
                return false;
            }

            if (nTrials is { } n)
            {
                if (Interlocked.Increment(ref claimed) > n)
                {
                    return false;
                }
            }

            return true;
        }

        // Claiming a trial and creating it form one step, so a component that stops the study while a trial is
        // created (GridSampler handing out its last point) is seen by the next claim of every other worker. A loop
        // of one worker has no other worker to order its claims against, and takes no lock.
        Trial? ClaimAndAsk()
        {
            if (nJobs == 1)
            {
                return ClaimAndAskAlone();
            }

            lock (claimLock)
            {
                return ClaimAndAskAlone();
            }
        }

        Trial? ClaimAndAskAlone()
        {
            if (!TryClaim())
            {
                return null;
            }

            FailStaleTrialsIfHeartbeat();
            var trial = AskWithinLimit(gate);
            if (trial is null)
            {
                // The MaxTrialsCallback cap is reached across every worker and process.
                _stopFlag = true;
            }

            return trial;
        }

        void Worker(bool reseed)
        {
            _inOptimizeLoop.Value = true;
            try
            {
                if (reseed)
                {
                    Sampler.Reseed();
                }

                while (ClaimAndAsk() is { } trial)
                {
                    int trialId;
                    try
                    {
                        trialId = RunTrial(trial, objective, catchTypes);
                    }
                    finally
                    {
                        if (gcAfterTrial)
                        {
                            GC.Collect();
                            GC.WaitForPendingFinalizers();
                        }
                    }

                    if (callbackList.Count > 0 || progressBar is not null)
                    {
                        var frozen = FinishedTrial(trial);
                        progressBar?.OnTrialFinished(frozen);
                        foreach (var cb in callbackList)
                        {
                            cb(this, frozen);
                        }
                    }
                }
            }
            finally
            {
                _inOptimizeLoop.Value = false;
                Storage.RemoveSession();
            }
        }

        if (nJobs == 1)
        {
            Worker(reseed: false);
            return;
        }

        ExceptionDispatchInfo? firstError = null;
        var threads = new Thread[nJobs];
        for (int i = 0; i < nJobs; i++)
        {
            threads[i] = new Thread(() =>
            {
                try
                {
                    Worker(reseed: true);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref firstError, ExceptionDispatchInfo.Capture(e), null);
                    _stopFlag = true;
                }
            })
            {
                IsBackground = true,
                Name = $"Sharptune worker {i}",
            };
            threads[i].Start();
        }

        foreach (var th in threads)
        {
            th.Join();
        }

        firstError?.Throw();
    }

    private int RunTrial(Trial trial, Func<ITrial, ObjectiveResult> objective, IReadOnlyList<Type> catchTypes)
    {
        ObjectiveResult result = default;
        TrialState? state = null;
        Exception? error = null;
        try
        {
            using var heartbeat = HeartbeatScope.Start(Storage, trial.TrialId, Logger);
            result = objective(trial);
        }
        catch (TrialPrunedException e)
        {
            state = TrialState.Pruned;
            error = e;
        }
        catch (Exception e)
        {
            state = TrialState.Fail;
            error = e;
        }

        var tellError = TryFinishTrial(trial, result, state, error);
        RaiseUncaught(error, tellError, catchTypes);
        return trial.TrialId;
    }

    /// <summary>
    /// Tells the outcome of an objective run; when the storage fails to store it, the trial is marked FAIL (its
    /// queued writes dropped if they are what the storage refuses), so no trial stays RUNNING while this process
    /// can still finish it, and the storage's error is returned to be handled as the trial's error.
    /// </summary>
    private Exception? TryFinishTrial(Trial trial, ObjectiveResult result, TrialState? state, Exception? error, string? failReason = null)
    {
        try
        {
            FinishTrial(trial, result, state, error, failReason);
            return null;
        }
        catch (Exception e) when (e is not (UpdateFinishedTrialException or OutOfMemoryException))
        {
            MarkFailedAfterTellError(trial, e);
            return e;
        }
    }

    /// <summary>The trial as this process finished it; read from the storage only when its tell failed.</summary>
    private FrozenTrial FinishedTrial(Trial trial) => trial.Finished ?? Storage.GetTrial(trial.TrialId);

    private void MarkFailedAfterTellError(Trial trial, Exception tellError)
    {
        trial.Finished = null;
        Log.Warning(Logger, $"Trial {trial.Number} could not be stored as finished ({tellError.GetType().Name}: {tellError.Message}); marking it TrialState.Fail.");
        for (int attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                if (attempt == 1 && Storage is IQueuedWriteStorage queued)
                {
                    // The refused value may be one of the trial's queued writes: the state goes without them.
                    queued.DiscardQueuedWrites(trial.TrialId);
                }

                Storage.SetTrialStateValues(trial.TrialId, TrialState.Fail);
                return;
            }
            catch (UpdateFinishedTrialException)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException && attempt == 1)
            {
                Log.Warning(Logger, $"Trial {trial.Number} could not be marked TrialState.Fail either ({e.GetType().Name}: {e.Message}); it stays TrialState.Running until a heartbeat check fails it.");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Retried once, without the queued writes.
            }
        }
    }

    /// <summary>Rethrows the objective's error, then the storage's error at tell, unless <paramref name="catchTypes"/> catches it.</summary>
    private static void RaiseUncaught(Exception? error, Exception? tellError, IReadOnlyList<Type> catchTypes)
    {
        if (error is not null and not TrialPrunedException && !IsCaught(error, catchTypes))
        {
            ExceptionDispatchInfo.Capture(error).Throw();
        }

        if (tellError is not null && !IsCaught(tellError, catchTypes))
        {
            ExceptionDispatchInfo.Capture(tellError).Throw();
        }
    }

    private static bool IsCaught(Exception e, IReadOnlyList<Type> catchTypes)
    {
        foreach (var t in catchTypes)
        {
            if (t.IsInstanceOfType(e))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Tells the outcome of an objective run and logs it as Optuna does.</summary>
    private TrialState FinishTrial(Trial trial, ObjectiveResult result, TrialState? state, Exception? error, string? failReason = null)
    {
        // A single value goes to the tell as a number: a plain completion then allocates no array of values.
        var finalState = TellCore(
            trial, trial.TrialId, state is null ? result.Values : null, state, skipIfFinished: false, suppressWarning: true, out string? warning,
            single: state is null && result.IsSingle ? result.Value : null);
        if (Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information) || Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Warning))
        {
            LogOutcome(trial, result, error, failReason);
        }

        return finalState;

        void LogOutcome(Trial t, ObjectiveResult r, Exception? e, string? reason)
        {
            var frozen = FinishedTrial(t);
            switch (frozen.State)
            {
                case TrialState.Complete:
                    LogCompletedTrial(frozen);
                    break;
                case TrialState.Pruned:
                    Log.TrialPruned(Logger, frozen.Number, e?.Message ?? string.Empty);
                    break;
                case TrialState.Fail:
                    string message = reason ?? (e is not null ? $"{e.GetType().Name}({PyFormat.Repr(e.Message)})" : warning ?? string.Empty);
                    Log.TrialFailed(Logger, frozen.Number, PyFormat.Repr(frozen.Params), message, e);
                    Log.TrialFailedValue(Logger, frozen.Number, r.Repr());
                    break;
            }
        }
    }

    private void LogCompletedTrial(FrozenTrial trial)
    {
        var values = trial.Values!;
        var metricNames = MetricNames;
        if (values.Count > 1)
        {
            string valuesText = metricNames is null
                ? PyFormat.Repr(values)
                : PyFormat.Repr(metricNames.Zip(values).Select(p => new KeyValuePair<string, object?>(p.First, p.Second)).ToList());
            Log.TrialFinishedMulti(Logger, trial.Number, valuesText, PyFormat.Repr(trial.Params));
            return;
        }

        string valueText = metricNames is null
            ? PyFormat.FloatRepr(values[0])
            : PyFormat.Repr(new[] { new KeyValuePair<string, object?>(metricNames[0], values[0]) });
        FrozenTrial? best;
        try
        {
            best = BestTrial;
        }
        catch (InvalidOperationException)
        {
            best = null;
        }

        if (best is null)
        {
            Log.TrialFinished(Logger, trial.Number, valueText, PyFormat.Repr(trial.Params));
        }
        else
        {
            Log.TrialFinishedWithBest(Logger, trial.Number, valueText, PyFormat.Repr(trial.Params), best.Number, PyFormat.FloatRepr(best.Values![0]));
        }
    }

    // ----- async -----

    /// <summary>
    /// Optimizes an asynchronous single-objective function with at most <see cref="OptimizeOptions.Concurrency"/>
    /// trials in flight and <see cref="OptimizeOptions.Delay"/> between trial starts. Cancellation starts no new
    /// trial, reaches running objectives through their token, fails the trials it ends (none is left RUNNING),
    /// and then throws <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <param name="objective">The objective.</param>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Cancels the optimization.</param>
    /// <returns>A task that completes when the optimization ends.</returns>
    public Task OptimizeAsync(Func<ITrial, CancellationToken, ValueTask<double>> objective, OptimizeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        return OptimizeAsyncCore(async (t, ct) => ObjectiveResult.Single(await objective(t, ct).ConfigureAwait(false)), options, cancellationToken);
    }

    /// <summary>Optimizes an asynchronous multi-objective function (one value per direction).</summary>
    /// <param name="objective">The objective.</param>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Cancels the optimization.</param>
    /// <returns>A task that completes when the optimization ends.</returns>
    public Task OptimizeAsync(Func<ITrial, CancellationToken, ValueTask<double[]>> objective, OptimizeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        return OptimizeAsyncCore(async (t, ct) => ObjectiveResult.Many(await objective(t, ct).ConfigureAwait(false)), options, cancellationToken);
    }

    private async Task OptimizeAsyncCore(Func<ITrial, CancellationToken, ValueTask<ObjectiveResult>> objective, OptimizeOptions? options, CancellationToken cancellationToken)
    {
        ThrowIfView("OptimizeAsync");
        options ??= new OptimizeOptions();
        if (options.Concurrency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Concurrency, "OptimizeOptions.Concurrency must be an integer greater than 0.");
        }

        if (options.NTrials is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.NTrials, "OptimizeOptions.NTrials must be an integer greater than or equal to 0.");
        }

        if (options.Delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Delay, "OptimizeOptions.Delay must be a time span greater than or equal to 0.");
        }

        if (options.TrialTimeout is { } trialTimeout && (trialTimeout <= TimeSpan.Zero || trialTimeout.TotalMilliseconds > MaxTrialTimeoutMilliseconds))
        {
            throw new ArgumentOutOfRangeException(nameof(options), trialTimeout, "OptimizeOptions.TrialTimeout must be a time span greater than 0 and at most 49 days.");
        }

        if (options.TrialTimeoutState is not (TrialState.Pruned or TrialState.Fail))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.TrialTimeoutState, "OptimizeOptions.TrialTimeoutState must be TrialState.Pruned or TrialState.Fail.");
        }

        if (_inOptimizeLoop.Value)
        {
            throw new InvalidOperationException("Nested invocation of Study.OptimizeAsync isn't allowed.");
        }

        using var progressBar = ProgressBar.Start(options.ShowProgressBar, this, options.NTrials, options.Timeout);

        // Trials are created in the scheduling loop below; their samplers see an optimize loop there too.
        _inOptimizeLoop.Value = true;
        _stopFlag = false;
        var catchTypes = options.Catch;
        var gate = MaxTrialsCallback.Find(options.Callbacks);
        var clock = Stopwatch.StartNew();
        using var slots = new SemaphoreSlim(options.Concurrency, options.Concurrency);
        var running = new List<Task>();
        ExceptionDispatchInfo? firstError = null;
        int started = 0;
        TimeSpan lastStart = TimeSpan.MinValue;

        // Waits until the clock reaches the time (timers may fire a little early); false when cancelled.
        async Task<bool> WaitUntilAsync(TimeSpan due)
        {
            TimeSpan wait;
            while ((wait = due - clock.Elapsed) > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
            }

            return true;
        }

        bool MayStart() =>
            !_stopFlag && firstError is null && !cancellationToken.IsCancellationRequested &&
            (options.Timeout is not { } t || clock.Elapsed < t) &&
            (options.NTrials is not { } n || started < n);

        try
        {
            while (MayStart())
            {
                try
                {
                    await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                if (options.Delay > TimeSpan.Zero && started > 0 && !await WaitUntilAsync(lastStart + options.Delay).ConfigureAwait(false))
                {
                    slots.Release();
                    break;
                }

                if (!MayStart())
                {
                    slots.Release();
                    break;
                }

                Trial? asked;
                try
                {
                    // The trial starts here, in the scheduling loop, so that Delay separates the starts exactly.
                    FailStaleTrialsIfHeartbeat();
                    asked = AskWithinLimit(gate);
                    if (asked is null)
                    {
                        // The MaxTrialsCallback cap is reached across every worker and process.
                        slots.Release();
                        _stopFlag = true;
                        break;
                    }
                }
                catch (Exception e)
                {
                    slots.Release();
                    firstError = ExceptionDispatchInfo.Capture(e);
                    break;
                }

                Trial trial = asked;
                started++;
                lastStart = clock.Elapsed;
                running.RemoveAll(t => t.IsCompleted);
                running.Add(Task.Run(async () =>
                {
                    _inOptimizeLoop.Value = true;
                    try
                    {
                        int trialId = await RunTrialAsync(trial, objective, catchTypes, options.TrialTimeout, options.TrialTimeoutState, cancellationToken).ConfigureAwait(false);
                        if (options.GcAfterTrial)
                        {
                            GC.Collect();
                            GC.WaitForPendingFinalizers();
                        }

                        if (options.Callbacks.Count > 0 || progressBar is not null)
                        {
                            var frozen = FinishedTrial(trial);
                            progressBar?.OnTrialFinished(frozen);
                            foreach (var cb in options.Callbacks)
                            {
                                cb(this, frozen);
                            }
                        }
                    }
                    catch (Exception e)
                    {
                        Interlocked.CompareExchange(ref firstError, ExceptionDispatchInfo.Capture(e), null);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, CancellationToken.None));
            }
        }
        finally
        {
            await Task.WhenAll(running).ConfigureAwait(false);
            Storage.RemoveSession();
        }

        firstError?.Throw();
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>The longest <see cref="OptimizeOptions.TrialTimeout"/> a timer accepts (about 49.7 days).</summary>
    private const double MaxTrialTimeoutMilliseconds = uint.MaxValue - 1.0;

    private async Task<int> RunTrialAsync(
        Trial trial,
        Func<ITrial, CancellationToken, ValueTask<ObjectiveResult>> objective,
        IReadOnlyList<Type> catchTypes,
        TimeSpan? trialTimeout,
        TrialState trialTimeoutState,
        CancellationToken cancellationToken)
    {
        // The per-trial timeout has its own source, so that a timeout can be told apart from the cancellation of
        // the whole optimization; the objective receives a token linked to both.
        using var timeoutSource = trialTimeout is null ? null : new CancellationTokenSource();
        using var linkedSource = timeoutSource is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        if (timeoutSource is not null)
        {
            trial.SetTimeout(timeoutSource.Token, pruneOnTimeout: trialTimeoutState == TrialState.Pruned);
            timeoutSource.CancelAfter(trialTimeout!.Value);
        }

        ObjectiveResult result = default;
        TrialState? state = null;
        Exception? error = null;
        string? reason = null;
        bool cancelled = false;
        try
        {
            using var heartbeat = HeartbeatScope.Start(Storage, trial.TrialId, Logger);
            result = await objective(trial, linkedSource?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (TrialPrunedException e)
        {
            state = TrialState.Pruned;
            error = e;
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            state = TrialState.Fail;
            error = e;
            cancelled = true;
            reason = "The optimization was cancelled";
        }
        catch (OperationCanceledException e) when (timeoutSource is { IsCancellationRequested: true })
        {
            // The trial ran longer than OptimizeOptions.TrialTimeout: it ends as configured and the loop goes on.
            string message = $"The trial exceeded its timeout of {PyFormat.FloatRepr(trialTimeout!.Value.TotalSeconds)} seconds.";
            cancelled = true;
            if (trialTimeoutState == TrialState.Pruned)
            {
                state = TrialState.Pruned;
                error = new TrialPrunedException(message, e);
            }
            else
            {
                state = TrialState.Fail;
                error = e;
                reason = message;
            }
        }
        catch (Exception e)
        {
            state = TrialState.Fail;
            error = e;
        }

        var tellError = TryFinishTrial(trial, result, state, error, reason);
        RaiseUncaught(cancelled ? null : error, tellError, catchTypes);
        return trial.TrialId;
    }

    // A single-objective result is the number itself (Value, with IsSingle); a sequence is the objective's array
    // (Values, null for None), which TellCore copies. The default result (the objective threw) is None.
    private readonly record struct ObjectiveResult(double[]? Values, double Value, bool IsSingle)
    {
        public static ObjectiveResult Single(double value) => new(null, value, true);

        public static ObjectiveResult Many(double[]? values) => new(values, 0, false);

        public string Repr() => IsSingle ? PyFormat.FloatRepr(Value) : Values is null ? "None" : PyFormat.Repr(Values);
    }
}
