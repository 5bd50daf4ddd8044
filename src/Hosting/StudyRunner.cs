using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sharptune.Hosting;

/// <summary>
/// Runs one hosted study with <see cref="Study.OptimizeAsync(Func{ITrial, CancellationToken, ValueTask{double}}, OptimizeOptions?, CancellationToken)"/>:
/// each trial's objective is resolved from a new DI scope, traced, measured and recorded in the monitor. A trial
/// that throws is failed and the study goes on; the host's stopping token starts no new trial and reaches the
/// objectives; when the host's shutdown timeout passes, the trials still running are failed (none is left
/// RUNNING) and their objectives are abandoned.
/// </summary>
internal sealed class StudyRunner
{
    private static readonly IReadOnlyCollection<TrialState> CountedStates = [TrialState.Complete, TrialState.Pruned];

    private readonly StudyRegistration _registration;
    private readonly HostedStudyOptions _options;
    private readonly Study _study;
    private readonly StudyTracker _tracker;
    private readonly SharptuneMetrics _metrics;
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger _logger;
    private readonly int _failureThreshold;
    private readonly ConcurrentDictionary<int, (Activity? Activity, int Number)> _inFlight = new();

    public StudyRunner(
        StudyRegistration registration,
        HostedStudyOptions options,
        Study study,
        StudyTracker tracker,
        SharptuneMetrics metrics,
        IServiceScopeFactory scopes,
        ILogger logger,
        int failureThreshold)
    {
        _registration = registration;
        _options = options;
        _study = study;
        _tracker = tracker;
        _metrics = metrics;
        _scopes = scopes;
        _logger = logger;
        _failureThreshold = failureThreshold;
    }

    public string Name => _registration.Name;

    /// <summary>Runs the study until its budget, its timeout, a stop from a callback or the stopping token.</summary>
    /// <param name="stoppingToken">The host's stopping token.</param>
    /// <param name="abandonToken">Cancelled when the host's shutdown timeout has passed.</param>
    /// <returns>A task that completes when no trial of the study is running.</returns>
    public async Task RunAsync(CancellationToken stoppingToken, CancellationToken abandonToken)
    {
        int? runBudget = null;
        try
        {
            if (_options.NTrials is { } target)
            {
                int done = _study.Storage.GetNTrials(_study.StudyId, CountedStates);
                if (done >= target)
                {
                    Log.StudyBudgetReached(_logger, Name, done, target);
                    _tracker.Begin(target, 0, _options.Timeout, _options.Concurrency);
                    _tracker.End(HostedStudyState.Completed);
                    return;
                }

                runBudget = target - done;
            }

            _tracker.Begin(_options.NTrials, runBudget, _options.Timeout, _options.Concurrency);
            Log.StudyStarting(_logger, Name, _study.Storage.GetNTrials(_study.StudyId, CountedStates), runBudget?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unbounded", _registration.ObjectiveName, _options.Concurrency);

            var callbacks = new List<Action<Study, FrozenTrial>> { OnTrialFinished };
            if (_options.NTrials is { } n)
            {
                // Other processes may work on the same study: stop once the stored count reaches the budget.
                callbacks.Add(new MaxTrialsCallback(n, CountedStates));
            }

            var optimizeOptions = new OptimizeOptions
            {
                NTrials = runBudget,
                Timeout = _options.Timeout,
                Concurrency = _options.Concurrency,
                Delay = _options.Delay,
                Catch = [typeof(Exception)],
                Callbacks = callbacks,
            };

            if (_registration.Single is { } single)
            {
                await _study.OptimizeAsync((trial, ct) => RunTrialAsync(trial, single, ct, abandonToken), optimizeOptions, stoppingToken).ConfigureAwait(false);
            }
            else
            {
                var many = _registration.Many!;
                await _study.OptimizeAsync((trial, ct) => RunTrialAsync(trial, many, ct, abandonToken), optimizeOptions, stoppingToken).ConfigureAwait(false);
            }

            var (c, p, f) = _tracker.Counts();
            _tracker.End(HostedStudyState.Completed);
            Log.StudyCompleted(_logger, Name, c, p, f);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            var (c, p, f) = _tracker.Counts();
            _tracker.End(HostedStudyState.Stopped);
            Log.StudyStopped(_logger, Name, c, p, f);
        }
        catch (Exception e)
        {
            _tracker.End(HostedStudyState.Faulted, e);
            Log.StudyFaulted(_logger, Name, e);
        }
        finally
        {
            // Trials whose outcome never reached the callback (their storage write failed).
            foreach (var (id, (activity, number)) in _inFlight)
            {
                if (_inFlight.TryRemove(id, out _))
                {
                    _tracker.TrialLost(number);
                    activity?.SetStatus(ActivityStatusCode.Error, "The trial's outcome was not recorded.");
                    activity?.Dispose();
                    _metrics.TrialEnded(Name);
                }
            }
        }
    }

    private async ValueTask<T> RunTrialAsync<T>(
        ITrial trial,
        Func<IServiceProvider, ITrial, CancellationToken, ValueTask<T>> objective,
        CancellationToken cancellationToken,
        CancellationToken abandonToken)
    {
        int trialId = trial is Trial live ? live.TrialId : -1 - trial.Number;
        var activity = SharptuneMetrics.ActivitySource.StartActivity("sharptune.trial", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(SharptuneMetrics.StudyTag, Name);
            activity.SetTag("sharptune.trial.number", trial.Number);
        }

        _inFlight[trialId] = (activity, trial.Number);
        _tracker.TrialStarted(trial.Number);
        _metrics.TrialStarted(Name);

        // The objective runs on the thread pool, so that even a synchronous objective can be abandoned at the
        // shutdown timeout; its scope lives exactly as long as the objective.
        var work = Task.Run(
            async () =>
            {
                var scope = _scopes.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    return await objective(scope.ServiceProvider, trial, cancellationToken).ConfigureAwait(false);
                }
            },
            CancellationToken.None);

        try
        {
            return await work.WaitAsync(abandonToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (abandonToken.IsCancellationRequested && !work.IsCompleted)
        {
            Log.TrialAbandoned(_logger, trial.Number, Name);
            _ = work.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

            // The stopping token is cancelled by now, so the study records the trial as FAIL (cancelled).
            throw new OperationCanceledException("The trial did not finish within the host's shutdown timeout.", cancellationToken);
        }
    }

    private void OnTrialFinished(Study study, FrozenTrial trial)
    {
        try
        {
            Activity? activity = null;
            if (_inFlight.TryRemove(trial.TrialId, out var entry))
            {
                activity = entry.Activity;
                _metrics.TrialEnded(Name);
            }

            var (newBest, failures) = _tracker.TrialFinished(trial);
            _metrics.TrialFinished(Name, trial.State, trial.Duration);
            if (newBest)
            {
                _metrics.BestValue(Name, trial.Values![0]);
            }

            if (trial.State == TrialState.Fail && failures == _failureThreshold)
            {
                Log.StudyKeepsFailing(_logger, Name, failures);
            }

            if (activity is not null)
            {
                if (activity.IsAllDataRequested)
                {
                    activity.SetTag(SharptuneMetrics.StateTag, SharptuneMetrics.StateName(trial.State));
                    if (trial.Values is [double v])
                    {
                        activity.SetTag("sharptune.trial.value", v);
                    }
                }

                if (trial.State == TrialState.Fail)
                {
                    activity.SetStatus(ActivityStatusCode.Error);
                }

                activity.Dispose();
            }
        }
        catch (Exception e)
        {
            // A monitoring failure must not end the study.
            Log.MonitorUpdateFailed(_logger, trial.Number, Name, e);
        }
    }
}
