using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Sharptune.Samplers;
using Sharptune.Storages;

namespace Sharptune.Hosting.Tests;

public sealed class HostedStudyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Tpe", "Median", typeof(TpeSampler), typeof(Pruners.MedianPruner))]
    [InlineData("CmaEs", "Hyperband", typeof(CmaEsSampler), typeof(Pruners.HyperbandPruner))]
    [InlineData("Qmc", "SuccessiveHalving", typeof(QmcSampler), typeof(Pruners.SuccessiveHalvingPruner))]
    [InlineData("Gp", "Threshold", typeof(GpSampler), typeof(Pruners.ThresholdPruner))]
    public async Task ConfigurationNamesEveryBuiltInSamplerAndPruner(string sampler, string pruner, Type samplerType, Type prunerType)
    {
        var storage = new InMemoryStorage();
        var settings = new Dictionary<string, string?>
        {
            ["Sharptune:Studies:cfg:NTrials"] = "3",
            ["Sharptune:Studies:cfg:Sampler:Type"] = sampler,
            ["Sharptune:Studies:cfg:Sampler:Seed"] = "3",
            ["Sharptune:Studies:cfg:Pruner:Type"] = pruner,
        };
        if (pruner == "Threshold")
        {
            settings["Sharptune:Studies:cfg:Pruner:Upper"] = "10";
        }

        var builder = TestHost.Builder(settings);
        builder.Services.AddSharptune().UseStorage(storage).AddStudy("cfg", (t, _, _) => ValueTask.FromResult(t.SuggestFloat("x", 0, 1)));
        using var host = builder.Build();
        await TestHost.RunToEndAsync(host);
        var study = host.Services.GetRequiredService<IStudyMonitor>().GetStudy("cfg")!;
        Assert.IsType(samplerType, study.Sampler);
        Assert.IsType(prunerType, study.Pruner);
        Assert.Equal(3, Study.Load("cfg", storage).GetTrials(TrialState.Complete).Count);
    }

    [Fact]
    public async Task TypedStudyRunsToCompletion()
    {
        var storage = new InMemoryStorage();
        var builder = TestHost.Builder(new Dictionary<string, string?>
        {
            ["Sharptune:Studies:quad:NTrials"] = "25",
            ["Sharptune:Studies:quad:Concurrency"] = "3",
            ["Sharptune:Studies:quad:Sampler:Type"] = "Random",
            ["Sharptune:Studies:quad:Sampler:Seed"] = "7",
        });
        builder.Services.AddSingleton<Recorder>();
        builder.Services.AddScoped<ScopeProbe>();
        builder.Services.AddSharptune().UseStorage(storage).AddStudy<Quadratic, QuadraticObjective>("quad");
        using var host = builder.Build();

        await TestHost.RunToEndAsync(host);

        var study = Study.Load("quad", storage);
        Assert.Equal(25, study.Trials.Count);
        Assert.All(study.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.IsType<RandomSampler>(host.Services.GetRequiredService<IStudyMonitor>().GetStudy("quad")!.Sampler);

        var status = host.Services.GetRequiredService<IStudyMonitor>().GetStatus("quad");
        Assert.Equal(HostedStudyState.Completed, status.State);
        Assert.Equal(25, status.TrialsCompleted);
        Assert.Equal(25, status.TrialsFinished);
        Assert.Equal(0, status.TrialsRunning);
        Assert.Equal(25, status.TargetTrials);
        Assert.Equal(study.BestValue, status.BestValue);
        Assert.Equal(study.BestTrial.Number, status.BestTrialNumber);
        Assert.Equal(study.BestParams["X"], status.BestParams!["X"]);
        Assert.Equal(TimeSpan.Zero, status.EstimatedTimeLeft);
        Assert.Null(status.LastError);
    }

    [Fact]
    public async Task DefineByRunStudyGetsScopedServicesAndCanStopTheApplication()
    {
        var storage = new InMemoryStorage();
        var builder = TestHost.Builder();
        builder.Services.AddScoped<ScopeProbe>();
        var seen = new System.Collections.Concurrent.ConcurrentBag<int>();
        builder.Services.AddSharptune(o => o.StopApplicationWhenFinished = true)
            .UseStorage(storage)
            .AddStudy(
                "dbr",
                (trial, services, ct) =>
                {
                    seen.Add(services.GetRequiredService<ScopeProbe>().Id);
                    double x = trial.SuggestFloat("x", -5, 5);
                    return ValueTask.FromResult(x * x);
                },
                o =>
                {
                    o.NTrials = 12;
                    o.Direction = StudyDirection.Maximize;
                });
        using var host = builder.Build();

        // RunAsync returns only because the application stops itself once the study has finished.
        await host.RunAsync(Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var study = Study.Load("dbr", storage);
        Assert.Equal(StudyDirection.Maximize, study.Direction);
        Assert.Equal(12, study.GetTrials(TrialState.Complete).Count);
        Assert.Equal(12, seen.Distinct().Count());
    }

    [Fact]
    public async Task ScopedObjectiveIsCreatedPerTrialAndItsScopeDisposed()
    {
        var builder = TestHost.Builder();
        builder.Services.AddSingleton<Recorder>();
        builder.Services.AddScoped<ScopeProbe>();
        builder.Services.AddSharptune().AddStudy<Quadratic, QuadraticObjective>("quad", o =>
        {
            o.NTrials = 10;
            o.Concurrency = 2;
        });
        using var host = builder.Build();

        await TestHost.RunToEndAsync(host);

        var recorder = host.Services.GetRequiredService<Recorder>();
        Assert.Equal(10, recorder.Objectives.Distinct().Count());
        Assert.Equal(10, recorder.Probes.Select(p => p.Id).Distinct().Count());
        Assert.All(recorder.Probes, p => Assert.True(p.Disposed));
        Assert.All(recorder.Objectives, o => Assert.Contains(o.Probe, recorder.Probes));
    }

    [Fact]
    public async Task KeyedSamplerIsUsedForItsStudyAndTheUnkeyedOneForTheOthers()
    {
        var keyed = new CountingSampler(1);
        var unkeyed = new CountingSampler(2);
        var builder = TestHost.Builder();
        builder.Services.AddKeyedSingleton<ISampler>("a", keyed);
        builder.Services.AddSingleton<Recorder>();
        builder.Services.AddScoped<ScopeProbe>();
        builder.Services.AddSharptune()
            .UseSampler(_ => unkeyed)
            .AddStudy<Quadratic, QuadraticObjective>("a", o => o.NTrials = 6)
            .AddStudy<Quadratic, QuadraticObjective>("b", o => o.NTrials = 4);
        using var host = builder.Build();

        await TestHost.RunToEndAsync(host);

        var monitor = host.Services.GetRequiredService<IStudyMonitor>();
        Assert.Same(keyed, monitor.GetStudy("a")!.Sampler);
        Assert.Same(unkeyed, monitor.GetStudy("b")!.Sampler);

        // Two parameters per trial, each drawn by the sampler.
        Assert.Equal(12, keyed.Calls);
        Assert.Equal(8, unkeyed.Calls);
    }

    [Fact]
    public async Task StudyConfigurationWinsOverTheUnkeyedSamplerAndKeyedStorageOverTheShared()
    {
        var shared = new InMemoryStorage();
        var own = new InMemoryStorage();
        var builder = TestHost.Builder(new Dictionary<string, string?>
        {
            ["Sharptune:Studies:b:Sampler:Type"] = "random",
        });
        builder.Services.AddKeyedSingleton<IStorage>("a", own);
        builder.Services.AddSingleton<Recorder>();
        builder.Services.AddScoped<ScopeProbe>();
        builder.Services.AddSharptune()
            .UseStorage(shared)
            .UseSampler(_ => new CountingSampler(3))
            .AddStudy<Quadratic, QuadraticObjective>("a", o => o.NTrials = 2)
            .AddStudy<Quadratic, QuadraticObjective>("b", o => o.NTrials = 2);
        using var host = builder.Build();

        await TestHost.RunToEndAsync(host);

        var monitor = host.Services.GetRequiredService<IStudyMonitor>();
        Assert.IsType<CountingSampler>(monitor.GetStudy("a")!.Sampler);
        Assert.IsType<RandomSampler>(monitor.GetStudy("b")!.Sampler);
        Assert.Same(own, monitor.GetStudy("a")!.Storage);
        Assert.Same(shared, monitor.GetStudy("b")!.Storage);
        Assert.Equal(["b"], Study.GetAllStudyNames(shared));
    }

    [Fact]
    public async Task MultiObjectiveStudyRuns()
    {
        var storage = new InMemoryStorage();
        var builder = TestHost.Builder(new Dictionary<string, string?>
        {
            ["Sharptune:Studies:mo:Directions:0"] = "Minimize",
            ["Sharptune:Studies:mo:Directions:1"] = "minimize",
            ["Sharptune:Studies:mo:NTrials"] = "8",
        });
        builder.Services.AddSharptune().UseStorage(storage).AddMultiObjectiveStudy<Quadratic, TwoObjectives>("mo");
        using var host = builder.Build();

        await TestHost.RunToEndAsync(host);

        var study = Study.Load("mo", storage);
        Assert.Equal([StudyDirection.Minimize, StudyDirection.Minimize], study.Directions);
        Assert.Equal(8, study.GetTrials(TrialState.Complete).Count);
        Assert.NotEmpty(study.BestTrials);
        var status = host.Services.GetRequiredService<IStudyMonitor>().GetStatus("mo");
        Assert.Null(status.BestValue);
        Assert.Equal(8, status.TrialsCompleted);
    }

    [Fact]
    public async Task FailingTrialsDoNotStopTheStudyAndDisabledStudiesDoNotRun()
    {
        var storage = new InMemoryStorage();
        var builder = TestHost.Builder(new Dictionary<string, string?>
        {
            ["Sharptune:Studies:off:Enabled"] = "false",

            // Not validated: the study is disabled.
            ["Sharptune:Studies:off:Concurrency"] = "0",
        });
        builder.Services.AddSharptune()
            .UseStorage(storage)
            .AddStudy("flaky", (trial, _, _) =>
            {
                double x = trial.SuggestFloat("x", 0, 1);
                return trial.Number % 2 == 0 ? throw new InvalidOperationException("boom") : ValueTask.FromResult(x);
            }, o => o.NTrials = 3)
            .AddStudy("off", (_, _, _) => ValueTask.FromResult(0.0), o => o.NTrials = 3);
        using var host = builder.Build();

        await TestHost.RunToEndAsync(host);

        // Failures do not count towards NTrials: the run starts 3 trials, of which 1 completes.
        var study = Study.Load("flaky", storage);
        Assert.Equal(3, study.Trials.Count);
        Assert.Equal([TrialState.Fail, TrialState.Complete, TrialState.Fail], study.Trials.Select(t => t.State));
        var monitor = host.Services.GetRequiredService<IStudyMonitor>();
        Assert.Equal(HostedStudyState.Completed, monitor.GetStatus("flaky").State);
        Assert.Equal(2, monitor.GetStatus("flaky").TrialsFailed);
        Assert.Equal(HostedStudyState.Disabled, monitor.GetStatus("off").State);
        Assert.DoesNotContain("off", Study.GetAllStudyNames(storage));
        Assert.Equal(["flaky", "off"], monitor.StudyNames);
        Assert.Throws<KeyNotFoundException>(() => monitor.GetStatus("nope"));
    }

    [Fact]
    public async Task LogsUseStableEventIds()
    {
        var builder = TestHost.Builder();
        builder.Logging.AddFakeLogging();
        builder.Services.AddSharptune().AddStudy("s", (t, _, _) => ValueTask.FromResult(t.SuggestFloat("x", 0, 1)), o => o.NTrials = 2);
        using var host = builder.Build();

        await TestHost.RunToEndAsync(host);

        var logs = host.Services.GetFakeLogCollector().GetSnapshot();
        Assert.Contains(logs, r => r.Id.Id == 1011 && r.Id.Name == "StudyOpened" && r.Message.Contains("'s' opened in memory", StringComparison.Ordinal));
        Assert.Contains(logs, r => r.Id.Id == 1001 && r.Level == LogLevel.Information && r.Message.Contains("0 Complete or Pruned trials stored, 2 to run", StringComparison.Ordinal));
        Assert.Contains(logs, r => r.Id.Id == 1003 && r.Message == "Study 's' finished its run: 2 complete, 0 pruned, 0 failed.");

        // The core's Optuna-style trial messages go through the host's logging too.
        Assert.Contains(logs, r => r.Message.StartsWith("Trial 1 finished with value:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DiRegisteredPrunersAreUsedKeyedFirst()
    {
        var keyed = new RecordingPruner();
        var unkeyed = new RecordingPruner();
        var builder = TestHost.Builder();
        builder.Services.AddKeyedSingleton<Pruners.IPruner>("a", keyed);
        builder.Services.AddSharptune()
            .UsePruner(_ => unkeyed)
            .AddStudy("a", Reporting, o => o.NTrials = 2)
            .AddStudy("b", Reporting, o => o.NTrials = 3);
        using var host = builder.Build();

        await TestHost.RunToEndAsync(host);

        Assert.Equal(2, keyed.Calls);
        Assert.Equal(3, unkeyed.Calls);
        Assert.Same(unkeyed, host.Services.GetRequiredService<IStudyMonitor>().GetStudy("b")!.Pruner);

        static ValueTask<double> Reporting(ITrial trial, IServiceProvider services, CancellationToken ct)
        {
            trial.Report(1.0, 0);
            return ValueTask.FromResult(trial.ShouldPrune() ? 1.0 : 0.0);
        }
    }

    [Fact]
    public void AddSharptuneTwiceRegistersOneBackgroundService()
    {
        var services = new ServiceCollection();
        services.AddSharptune();
        services.AddSharptune(o => o.HealthFailureThreshold = 2);
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Single(services, d => d.ServiceType == typeof(IStudyMonitor));
    }

    [Fact]
    public void AddStudyRejectsBadNames()
    {
        var builder = new ServiceCollection().AddSharptune().AddStudy("a", (_, _, _) => ValueTask.FromResult(0.0));
        var duplicate = Assert.Throws<ArgumentException>(() => builder.AddStudy("a", (_, _, _) => ValueTask.FromResult(0.0)));
        Assert.Contains("A hosted study named 'a' is already added.", duplicate.Message, StringComparison.Ordinal);
        var colon = Assert.Throws<ArgumentException>(() => builder.AddStudy("x:y", (_, _, _) => ValueTask.FromResult(0.0)));
        Assert.Contains("cannot contain ':'", colon.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => builder.AddStudy(" ", (_, _, _) => ValueTask.FromResult(0.0)));
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddSharptune());
    }

    private sealed class RecordingPruner : Pruners.IPruner
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public bool Prune(Study study, FrozenTrial trial)
        {
            Interlocked.Increment(ref _calls);
            return false;
        }
    }
}
