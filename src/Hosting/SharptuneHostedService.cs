using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Sharptune.Hosting;

/// <summary>
/// Runs the hosted studies. <see cref="StartAsync"/> opens every study (so a missing storage or an invalid sampler
/// setting stops the host at start); <see cref="ExecuteAsync"/> runs them side by side; <see cref="StopAsync"/>
/// cancels the stopping token (no new trial, running objectives see it) and, once the host's shutdown timeout has
/// passed, fails the trials still running so that none is left RUNNING.
/// </summary>
internal sealed class SharptuneHostedService : BackgroundService
{
    /// <summary>How long shutdown waits, after the host's timeout, for abandoned trials to be written as FAIL.</summary>
    internal static readonly TimeSpan AbandonWait = TimeSpan.FromSeconds(10);

    private readonly IReadOnlyList<StudyRegistration> _registrations;
    private readonly StudyOpener _opener;
    private readonly StudyMonitor _monitor;
    private readonly SharptuneMetrics _metrics;
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptions<SharptuneOptions> _options;
    private readonly ILogger _logger;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly CancellationTokenSource _abandon = new();
    private List<StudyRunner> _runners = [];

    public SharptuneHostedService(
        IEnumerable<StudyRegistration> registrations,
        StudyOpener opener,
        StudyMonitor monitor,
        SharptuneMetrics metrics,
        IServiceScopeFactory scopes,
        IOptions<SharptuneOptions> options,
        ILogger<SharptuneHostedService> logger,
        IHostApplicationLifetime? lifetime = null)
    {
        _lifetime = lifetime;
        _registrations = registrations.ToList();
        _opener = opener;
        _monitor = monitor;
        _metrics = metrics;
        _scopes = scopes;
        _options = options;
        _logger = logger;
    }

    /// <inheritdoc/>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var runners = new List<StudyRunner>();
        foreach (var registration in _registrations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var tracker = _monitor.Tracker(registration.Name);
            var options = _opener.GetOptions(registration);
            if (!options.Enabled)
            {
                tracker.Disabled();
                Log.StudyDisabled(_logger, registration.Name, registration.ConfigurationPath);
                continue;
            }

            var (study, storage, sampler, pruner) = _opener.Open(registration, options);
            Log.StudyOpened(_logger, registration.Name, storage, sampler, pruner);
            tracker.Opened(study, study.Storage.GetNTrials(study.StudyId, [TrialState.Complete, TrialState.Pruned, TrialState.Fail]), Best(study));
            if (!study.IsMultiObjective && Best(study) is { } best)
            {
                _metrics.BestValue(registration.Name, best.Values![0]);
            }

            runners.Add(new StudyRunner(registration, options, study, tracker, _metrics, _scopes, _logger, _options.Value.HealthFailureThreshold));
        }

        _runners = runners;
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // When the host's shutdown timeout passes, abandon the objectives still running: their trials are failed.
        using (cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _abandon))
        {
            try
            {
                await base.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (cancellationToken.IsCancellationRequested)
        {
            _abandon.Cancel();
        }

        if (ExecuteTask is { IsCompleted: false } running)
        {
            await Task.WhenAny(running, Task.Delay(AbandonWait, CancellationToken.None)).ConfigureAwait(false);
            if (!running.IsCompleted)
            {
                Log.ShutdownIncomplete(_logger, AbandonWait);
            }
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _abandon.Dispose();
        base.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting before the first trial.
        await Task.Yield();
        var abandonToken = _abandon.Token;
        await Task.WhenAll(_runners.Select(r => r.RunAsync(stoppingToken, abandonToken))).ConfigureAwait(false);
        if (_options.Value.StopApplicationWhenFinished && !stoppingToken.IsCancellationRequested)
        {
            Log.AllStudiesFinished(_logger);
            _lifetime?.StopApplication();
        }
    }

    private static FrozenTrial? Best(Study study)
    {
        if (study.IsMultiObjective)
        {
            return null;
        }

        try
        {
            return study.BestTrial;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
