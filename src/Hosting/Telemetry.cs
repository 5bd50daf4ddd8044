using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Sharptune.Hosting;

/// <summary>
/// The metrics of hosted studies: a Meter named <c>Sharptune</c> created through <see cref="IMeterFactory"/> (so the
/// host owns its lifetime and tests can collect it), with instruments created once. Every measurement carries the
/// tag <c>sharptune.study.name</c>.
/// </summary>
internal sealed class SharptuneMetrics
{
    /// <summary>The meter and activity-source name.</summary>
    public const string MeterName = "Sharptune";

    /// <summary>The tag that names the study.</summary>
    public const string StudyTag = "sharptune.study.name";

    /// <summary>The tag that names a trial's final state (<c>complete</c>, <c>pruned</c>, <c>fail</c>).</summary>
    public const string StateTag = "sharptune.trial.state";

    private readonly Counter<long> _completed;
    private readonly Counter<long> _pruned;
    private readonly Counter<long> _failed;
    private readonly UpDownCounter<long> _running;
    private readonly Histogram<double> _duration;
    private readonly Gauge<double> _bestValue;

    public SharptuneMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(new MeterOptions(MeterName) { Version = Version });
        _completed = meter.CreateCounter<long>("sharptune.trials.completed", "{trial}", "Trials that finished Complete.");
        _pruned = meter.CreateCounter<long>("sharptune.trials.pruned", "{trial}", "Trials that finished Pruned.");
        _failed = meter.CreateCounter<long>("sharptune.trials.failed", "{trial}", "Trials that finished Fail.");
        _running = meter.CreateUpDownCounter<long>("sharptune.trials.running", "{trial}", "Trials in flight in this process.");
        _duration = meter.CreateHistogram<double>("sharptune.trial.duration", "s", "Duration of finished trials, from start to finish.");
        _bestValue = meter.CreateGauge<double>("sharptune.study.best_value", null, "Best objective value of a single-objective study.");
    }

    /// <summary>Gets the version of this package, reported by the meter and the activity source.</summary>
    public static string Version { get; } = typeof(SharptuneMetrics).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    /// <summary>Gets the source of the per-trial spans (<c>sharptune.trial</c>).</summary>
    public static ActivitySource ActivitySource { get; } = new(MeterName, Version);

    public void TrialStarted(string study) => _running.Add(1, new KeyValuePair<string, object?>(StudyTag, study));

    public void TrialEnded(string study) => _running.Add(-1, new KeyValuePair<string, object?>(StudyTag, study));

    public void TrialFinished(string study, TrialState state, TimeSpan? duration)
    {
        var studyTag = new KeyValuePair<string, object?>(StudyTag, study);
        switch (state)
        {
            case TrialState.Complete:
                _completed.Add(1, studyTag);
                break;
            case TrialState.Pruned:
                _pruned.Add(1, studyTag);
                break;
            case TrialState.Fail:
                _failed.Add(1, studyTag);
                break;
        }

        if (duration is { } d && _duration.Enabled)
        {
            _duration.Record(d.TotalSeconds, studyTag, new KeyValuePair<string, object?>(StateTag, StateName(state)));
        }
    }

    public void BestValue(string study, double value) => _bestValue.Record(value, new KeyValuePair<string, object?>(StudyTag, study));

    /// <summary>Returns the lower-case state name used in tags.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The name.</returns>
    public static string StateName(TrialState state) => state switch
    {
        TrialState.Complete => "complete",
        TrialState.Pruned => "pruned",
        TrialState.Fail => "fail",
        TrialState.Running => "running",
        _ => "waiting",
    };
}
