using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Sharptune.Samplers;

namespace Sharptune.Hosting.Tests;

public sealed class TelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Trial n completes (n % 3 == 0), is pruned (1) or fails (2); values fall as n grows.</summary>
    private static ValueTask<double> Mixed(ITrial trial, IServiceProvider services, CancellationToken ct)
    {
        trial.SuggestFloat("x", 0, 1);
        return (trial.Number % 3) switch
        {
            0 => ValueTask.FromResult(100.0 - trial.Number),
            1 => throw new TrialPrunedException(),
            _ => throw new InvalidOperationException("boom"),
        };
    }

    [Fact]
    public async Task MetricsAreEmitted()
    {
        var builder = TestHost.Builder();
        builder.Services.AddSharptune().AddStudy("metrics", Mixed, o => o.NTrials = 6);
        using var host = builder.Build();
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var completed = new MetricCollector<long>(meters, "Sharptune", "sharptune.trials.completed");
        using var pruned = new MetricCollector<long>(meters, "Sharptune", "sharptune.trials.pruned");
        using var failed = new MetricCollector<long>(meters, "Sharptune", "sharptune.trials.failed");
        using var running = new MetricCollector<long>(meters, "Sharptune", "sharptune.trials.running");
        using var duration = new MetricCollector<double>(meters, "Sharptune", "sharptune.trial.duration");
        using var best = new MetricCollector<double>(meters, "Sharptune", "sharptune.study.best_value");

        await TestHost.RunToEndAsync(host);

        // Six starts: trials 0..5, i.e. C P F C P F; the run ends with 2 + 2 of the 6 counted.
        Assert.Equal(2, completed.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(2, pruned.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(2, failed.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.All(completed.GetMeasurementSnapshot(), m => Assert.Equal("metrics", m.Tags["sharptune.study.name"]));
        Assert.Equal(0, running.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(12, running.GetMeasurementSnapshot().Count);

        var durations = duration.GetMeasurementSnapshot();
        Assert.Equal(6, durations.Count);
        Assert.All(durations, m => Assert.True(m.Value >= 0));
        Assert.Equal(["complete", "fail", "pruned"], durations.Select(m => (string)m.Tags["sharptune.trial.state"]!).Distinct().Order());
        Assert.Equal("s", duration.Instrument!.Unit);

        Assert.Equal([100.0, 97.0], best.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Equal(97.0, best.LastMeasurement!.Value);
    }

    [Fact]
    public async Task ResumedStudyReportsItsStoredBestValue()
    {
        var storage = new Storages.InMemoryStorage();
        var study = Study.Create(new StudyOptions { StudyName = "r", Storage = storage });
        study.Optimize(t => t.SuggestFloat("x", 3, 4), nTrials: 1);
        var builder = TestHost.Builder();
        builder.Services.AddSharptune().UseStorage(storage).AddStudy("r", (t, _, _) => ValueTask.FromResult(t.SuggestFloat("x", 5, 6)), o => o.NTrials = 1);
        using var host = builder.Build();
        using var best = new MetricCollector<double>(host.Services.GetRequiredService<IMeterFactory>(), "Sharptune", "sharptune.study.best_value");
        await TestHost.RunToEndAsync(host);
        Assert.Equal(study.BestValue, Assert.Single(best.GetMeasurementSnapshot()).Value);
        Assert.Equal(study.BestValue, host.Services.GetRequiredService<IStudyMonitor>().GetStatus("r").BestValue);
    }

    [Fact]
    public async Task EachTrialHasASpan()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Sharptune",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (Equals(a.GetTagItem("sharptune.study.name"), "spans"))
                {
                    spans.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var builder = TestHost.Builder();
        builder.Services.AddSharptune().AddStudy("spans", Mixed, o => o.NTrials = 6);
        using var host = builder.Build();

        await TestHost.RunToEndAsync(host);

        var byNumber = spans.ToDictionary(a => (int)a.GetTagItem("sharptune.trial.number")!);
        Assert.Equal(Enumerable.Range(0, 6), byNumber.Keys.Order());
        Assert.All(byNumber.Values, a => Assert.Equal("sharptune.trial", a.OperationName));
        Assert.Equal("complete", byNumber[3].GetTagItem("sharptune.trial.state"));
        Assert.Equal(97.0, byNumber[3].GetTagItem("sharptune.trial.value"));
        Assert.Equal("pruned", byNumber[4].GetTagItem("sharptune.trial.state"));
        Assert.Equal("fail", byNumber[5].GetTagItem("sharptune.trial.state"));
        Assert.Equal(ActivityStatusCode.Error, byNumber[5].Status);
        Assert.Equal(ActivityStatusCode.Unset, byNumber[3].Status);
    }

    [Fact]
    public async Task HealthIsDegradedWhenAStudyKeepsFailing()
    {
        var builder = TestHost.Builder(new Dictionary<string, string?> { ["Sharptune:HealthFailureThreshold"] = "3" });
        builder.Services.AddHealthChecks().AddSharptune();
        builder.Services.AddSharptune()
            .AddStudy("bad", (_, _, _) => throw new InvalidOperationException("always"), o => o.NTrials = 3)
            .AddStudy("good", (t, _, _) => ValueTask.FromResult(t.SuggestFloat("x", 0, 1)), o => o.NTrials = 3);
        using var host = builder.Build();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(Ct)).Status);

        await TestHost.RunToEndAsync(host);

        var report = await health.CheckHealthAsync(Ct);
        var entry = report.Entries["sharptune"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal("the last 3 trials of study 'bad' failed", entry.Description);
        Assert.Equal("Completed: 3 complete, 0 pruned, 0 failed, 0 running this run", entry.Data["good"]);
    }

    [Fact]
    public async Task HealthIsUnhealthyWhenAStudyFaults()
    {
        var builder = TestHost.Builder();
        builder.Services.AddHealthChecks().AddSharptune();
        builder.Services.AddKeyedSingleton<ISampler>("broken", new BrokenSampler());
        builder.Services.AddSharptune().AddStudy("broken", (_, _, _) => ValueTask.FromResult(0.0), o => o.NTrials = 3);
        using var host = builder.Build();

        await TestHost.RunToEndAsync(host);

        var status = host.Services.GetRequiredService<IStudyMonitor>().GetStatus("broken");
        Assert.Equal(HostedStudyState.Faulted, status.State);
        Assert.Equal("NotSupportedException: before_trial is broken", status.LastError);
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains("study 'broken' stopped with an error", report.Entries["sharptune"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MonitorShowsRunningTrialsAndAnEstimate()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var third = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = TestHost.Builder();
        builder.Services.AddSharptune().AddStudy(
            "live",
            async (t, _, _) =>
            {
                double x = t.SuggestFloat("x", 0, 1);
                if (t.Number >= 2)
                {
                    third.TrySetResult();
                    await release.Task;
                }

                return x;
            },
            o => o.NTrials = 4);
        using var host = builder.Build();
        await host.StartAsync(Ct);
        await third.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct);

        var status = host.Services.GetRequiredService<IStudyMonitor>().GetStatus("live");
        Assert.Equal(HostedStudyState.Running, status.State);
        Assert.Equal(1, status.TrialsRunning);
        Assert.Equal(2, status.TrialsCompleted);
        Assert.NotNull(status.EstimatedTimeLeft);
        Assert.NotNull(status.StartedAt);
        Assert.NotNull(host.Services.GetRequiredService<IStudyMonitor>().GetStudy("live"));

        release.SetResult();
        await host.StopAsync(Ct);
    }

    private sealed class BrokenSampler : ISampler
    {
        public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial) => throw new NotSupportedException();

        public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace) => throw new NotSupportedException();

        public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution) => throw new NotSupportedException();

        public void BeforeTrial(Study study, FrozenTrial trial) => throw new NotSupportedException("before_trial is broken");
    }
}
