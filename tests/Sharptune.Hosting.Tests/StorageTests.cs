using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sharptune.Storages;

namespace Sharptune.Hosting.Tests;

public sealed class StorageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StudiesSharingAUrlShareOneStorageThatTheHostDisposes()
    {
        using var files = new TempDirectory();
        string url = "sqlite:///" + Path.Combine(files.Path, "shared.db");
        var builder = TestHost.Builder(new Dictionary<string, string?>
        {
            ["Sharptune:Storage"] = url,
            ["Sharptune:Studies:b:Storage"] = url,
        });
        builder.Services.AddSharptune()
            .AddStudy("a", (t, _, _) => ValueTask.FromResult(t.SuggestFloat("x", 0, 1)), o => o.NTrials = 3)
            .AddStudy("b", (t, _, _) => ValueTask.FromResult(t.SuggestFloat("x", 0, 1)), o => o.NTrials = 2);
        IStorage shared;
        using (var host = builder.Build())
        {
            await TestHost.RunToEndAsync(host);
            var monitor = host.Services.GetRequiredService<IStudyMonitor>();
            shared = monitor.GetStudy("a")!.Storage;
            Assert.IsType<RdbStorage>(shared);
            Assert.Same(shared, monitor.GetStudy("b")!.Storage);
        }

        // Disposed with the host: the file is read back through a new storage.
        Assert.ThrowsAny<ObjectDisposedException>(() => shared.GetAllStudies());
        var reopened = Sharptune.Storages.StorageFactory.FromUrl(url);
        try
        {
            Assert.Equal(3, Study.Load("a", reopened).GetTrials(TrialState.Complete).Count);
            Assert.Equal(2, Study.Load("b", reopened).GetTrials(TrialState.Complete).Count);
        }
        finally
        {
            ((IDisposable)reopened).Dispose();
        }
    }

    /// <summary>
    /// A worker "crashed" (its storage was dropped) with trial 0 RUNNING; with a heartbeat, the next run fails it
    /// once its grace period has passed, and retries its parameters.
    /// </summary>
    [Fact]
    public async Task HeartbeatFailsAndRetriesTheTrialOfACrashedWorker()
    {
        using var files = new TempDirectory();
        string url = "sqlite:///" + Path.Combine(files.Path, "crash.db");
        double crashedX;
        var crashed = Sharptune.Storages.StorageFactory.FromUrl(url, new RdbStorageOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(100) });
        try
        {
            var study = Study.Create(new StudyOptions { StudyName = "hb", Storage = crashed });
            var trial = study.Ask();
            crashedX = trial.SuggestFloat("x", 0, 1);
            ((IHeartbeatStorage)crashed).RecordHeartbeat(trial.TrialId);
        }
        finally
        {
            ((IDisposable)crashed).Dispose();
        }

        await Task.Delay(400, Ct);
        var builder = TestHost.Builder(new Dictionary<string, string?>
        {
            ["Sharptune:Storage"] = url,
            ["Sharptune:Studies:hb:NTrials"] = "3",
            ["Sharptune:Studies:hb:Heartbeat:Interval"] = "00:00:00.1",
            ["Sharptune:Studies:hb:Heartbeat:GracePeriod"] = "00:00:00.2",
            ["Sharptune:Studies:hb:Heartbeat:MaxRetry"] = "1",
        });
        builder.Services.AddSharptune().AddStudy("hb", (t, _, _) => ValueTask.FromResult(t.SuggestFloat("x", 0, 1)));
        using (var host = builder.Build())
        {
            await TestHost.RunToEndAsync(host);
        }

        var storage = Sharptune.Storages.StorageFactory.FromUrl(url);
        try
        {
            var trials = Study.Load("hb", storage).Trials;
            Assert.Equal(4, trials.Count);
            Assert.Equal(TrialState.Fail, trials[0].State);
            Assert.DoesNotContain(trials, t => t.State == TrialState.Running);
            Assert.Equal(3, trials.Count(t => t.State == TrialState.Complete));
            var retry = Assert.Single(trials, t => RetryFailedTrialCallback.RetriedTrialNumber(t) == 0);
            Assert.Equal(TrialState.Complete, retry.State);
            Assert.Equal(crashedX, retry.Params["x"]);
        }
        finally
        {
            ((IDisposable)storage).Dispose();
        }
    }

    [Theory]
    [InlineData("Sharptune:Studies:demo:Heartbeat:Interval", "-00:00:01", "Sharptune:Studies:demo:Heartbeat:Interval: must be a positive time span such as 00:01:00; got -00:00:01.")]
    [InlineData("Sharptune:Studies:demo:Heartbeat:GracePeriod", "00:01:00", "Sharptune:Studies:demo:Heartbeat:GracePeriod: has no effect without Sharptune:Studies:demo:Heartbeat:Interval.")]
    [InlineData("Sharptune:Heartbeat:MaxRetry", "-1", "Sharptune:Heartbeat:MaxRetry: The field Sharptune:Heartbeat:MaxRetry must be between 0 and 2147483647.")]
    public async Task InvalidHeartbeatStopsTheHostAtStart(string key, string value, string expected)
    {
        var builder = TestHost.Builder(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddSharptune().AddStudy("demo", (_, _, _) => ValueTask.FromResult(0.0));
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));
        Assert.Contains(expected, error.Failures);
    }

    [Fact]
    public async Task GracePeriodShorterThanTheIntervalIsRejected()
    {
        var builder = TestHost.Builder(new Dictionary<string, string?>
        {
            ["Sharptune:Heartbeat:Interval"] = "00:01:00",
            ["Sharptune:Heartbeat:GracePeriod"] = "00:00:30",
        });
        builder.Services.AddSharptune().AddStudy("demo", (_, _, _) => ValueTask.FromResult(0.0));
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));
        Assert.StartsWith("Sharptune:Heartbeat:GracePeriod: must be at least the interval (00:01:00)", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStudyHeartbeatNeedsAStorageUrl()
    {
        var builder = TestHost.Builder(new Dictionary<string, string?> { ["Sharptune:Studies:demo:Heartbeat:Interval"] = "00:01:00" });
        builder.Services.AddSharptune().AddStudy("demo", (_, _, _) => ValueTask.FromResult(0.0));
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(Ct));
        Assert.StartsWith("Sharptune:Studies:demo:Heartbeat:Interval: a heartbeat needs a storage opened from a URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PasswordsAreRedactedFromUrls()
    {
        Assert.Equal("postgresql://tuner:***@db:5432/optuna", OptionsMessages.Redact("postgresql://tuner:s3cret@db:5432/optuna"));
        Assert.Equal("sqlite:///a.db", OptionsMessages.Redact("sqlite:///a.db"));
    }
}
