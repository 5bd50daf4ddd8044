using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sharptune.Storages;

namespace Sharptune.Hosting.Tests;

public sealed class ConfigurationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string> InvalidStudySettings => new()
    {
        { "NTrials", "0", "Sharptune:Studies:demo:NTrials: The field Sharptune:Studies:demo:NTrials must be between 1 and 2147483647." },
        { "Concurrency", "0", "Sharptune:Studies:demo:Concurrency: The field Sharptune:Studies:demo:Concurrency must be between 1 and 4096." },
        { "Timeout", "-00:00:01", "Sharptune:Studies:demo:Timeout: must be a positive time span such as 01:00:00, or absent for none; got -00:00:01." },
        { "Timeout", "00:00:00", "Sharptune:Studies:demo:Timeout: must be a positive time span" },
        { "Delay", "-00:00:02", "Sharptune:Studies:demo:Delay: must not be negative; got -00:00:02." },
        { "Sampler:Type", "Tpee", "Sharptune:Studies:demo:Sampler:Type: 'Tpee' is not a registered sampler type (registered: BruteForce, CmaEs, Gp, NsgaII, NsgaIII, Qmc, Random, Tpe)." },
        { "Pruner:Type", "Medain", "Sharptune:Studies:demo:Pruner:Type: 'Medain' is not a registered pruner type (registered: Hyperband, Median, Nop, Percentile, SuccessiveHalving, Threshold, Wilcoxon)." },
        { "Directions:0", "Maximize", "Sharptune:Studies:demo:Direction: specify only one of Direction and Directions." },
        { "Direction", "NotSet", "Sharptune:Studies:demo:Direction: must be Minimize or Maximize; got NotSet." },
    };

    [Theory]
    [MemberData(nameof(InvalidStudySettings))]
    public async Task InvalidStudyOptionsStopTheHostAtStartNamingTheKey(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sharptune:Studies:demo:" + key] = value,
        };
        if (key.StartsWith("Directions", StringComparison.Ordinal))
        {
            settings["Sharptune:Studies:demo:Direction"] = "Minimize";
        }

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(settings));
        Assert.StartsWith(expected, Assert.Single(error.Failures), StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal("demo", error.OptionsName);
    }

    [Fact]
    public async Task EveryFailureIsReported()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new Dictionary<string, string?>
        {
            ["Sharptune:Studies:demo:NTrials"] = "-3",
            ["Sharptune:Studies:demo:Concurrency"] = "5000",
        }));
        Assert.Equal(2, error.Failures.Count());
        Assert.StartsWith("Sharptune:Studies:demo:NTrials: ", error.Failures.First(), StringComparison.Ordinal);
        Assert.StartsWith("Sharptune:Studies:demo:Concurrency: ", error.Failures.Last(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HealthFailureThreshold", "0", "Sharptune:HealthFailureThreshold: The field Sharptune:HealthFailureThreshold must be between 1 and 1000000.")]
    [InlineData("Sampler:Type", "Grid", "Sharptune:Sampler:Type: 'Grid' is not a registered sampler type (registered: BruteForce, CmaEs, Gp, NsgaII, NsgaIII, Qmc, Random, Tpe).")]
    [InlineData("Pruner:Type", "x", "Sharptune:Pruner:Type: 'x' is not a registered pruner type (registered: Hyperband, Median, Nop, Percentile, SuccessiveHalving, Threshold, Wilcoxon).")]
    public async Task InvalidSharedOptionsStopTheHostAtStart(string key, string value, string expected)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new Dictionary<string, string?> { ["Sharptune:" + key] = value }));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValuesThatDoNotParseNameTheirKey()
    {
        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => StartAsync(new Dictionary<string, string?> { ["Sharptune:Studies:demo:NTrials"] = "many" }));
        Assert.Contains("Sharptune:Studies:demo:NTrials", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Seed", "x", "Sharptune:Studies:demo:Sampler:Seed: 'x' is not an integer.")]
    [InlineData("Sed", "1", "Sharptune:Studies:demo:Sampler:Sed: unknown setting of Random (it reads Seed).")]
    public async Task InvalidSamplerSettingsStopTheHostAtStart(string setting, string value, string expected)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(new Dictionary<string, string?>
        {
            ["Sharptune:Studies:demo:Sampler:Type"] = "Random",
            ["Sharptune:Studies:demo:Sampler:" + setting] = value,
        }));
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public async Task SettingsSetInCodeReachTheFactory()
    {
        int? seen = null;
        var builder = TestHost.Builder(new Dictionary<string, string?> { ["Sharptune:Studies:demo:Sampler:Seed"] = "1" });
        builder.Services.AddSharptune()
            .AddSamplerType("Recording", (_, s) =>
            {
                seen = s.GetInt32("Seed");
                Assert.Equal("Sharptune:Studies:demo:Sampler", s.Path);
                return new Samplers.RandomSampler(seen);
            })
            .AddStudy("demo", (_, _, _) => ValueTask.FromResult(0.0), o =>
            {
                o.NTrials = 1;
                o.Sampler.Type = "recording";
                o.Sampler.Settings["Seed"] = "42";
            });
        using var host = builder.Build();
        await TestHost.RunToEndAsync(host);
        Assert.Equal(42, seen);
    }

    [Fact]
    public async Task CodeOptionsWinOverConfiguration()
    {
        var storage = new InMemoryStorage();
        var builder = TestHost.Builder(new Dictionary<string, string?>
        {
            ["Sharptune:Studies:demo:NTrials"] = "0",
            ["Sharptune:Studies:demo:Concurrency"] = "3",
        });
        builder.Services.AddSharptune().UseStorage(storage).AddStudy("demo", (t, _, _) => ValueTask.FromResult(t.SuggestFloat("x", 0, 1)), o => o.NTrials = 4);
        using var host = builder.Build();
        await TestHost.RunToEndAsync(host);
        Assert.Equal(4, Study.Load("demo", storage).Trials.Count);
        Assert.Equal(3, host.Services.GetRequiredService<IOptionsMonitor<HostedStudyOptions>>().Get("demo").Concurrency);
    }

    [Fact]
    public async Task MultiObjectiveStudyNeedsDirections()
    {
        var builder = TestHost.Builder();
        builder.Services.AddSharptune().AddMultiObjectiveStudy("mo", (_, _, _) => ValueTask.FromResult(new[] { 1.0, 2.0 }));
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));
        Assert.Contains("Sharptune:Studies:mo:Directions: a multi-objective study needs one direction per objective value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SingleObjectiveStudyTakesOneDirection()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new Dictionary<string, string?>
        {
            ["Sharptune:Studies:demo:Directions:0"] = "Minimize",
            ["Sharptune:Studies:demo:Directions:1"] = "Maximize",
        }));
        Assert.Contains("Sharptune:Studies:demo:Directions: the objective returns a single value, so the study takes exactly one direction; got 2.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoredDirectionsMustMatch()
    {
        var storage = new InMemoryStorage();
        Study.Create(new StudyOptions { StudyName = "demo", Storage = storage });
        var builder = TestHost.Builder(new Dictionary<string, string?> { ["Sharptune:Studies:demo:Direction"] = "Maximize" });
        builder.Services.AddSharptune().UseStorage(storage).AddStudy("demo", (_, _, _) => ValueTask.FromResult(0.0));
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(Ct));
        Assert.Equal(
            "Sharptune:Studies:demo:Direction: the stored study 'demo' has the directions [Minimize], not [Maximize]; use another study name or delete the stored study.",
            error.Message);
    }

    [Fact]
    public async Task AnUnknownStorageUrlStopsTheHostAtStart()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(new Dictionary<string, string?> { ["Sharptune:Studies:demo:Storage"] = "nosuch://x" }));
        Assert.StartsWith("Sharptune:Studies:demo:Storage: the storage 'nosuch://x' cannot be opened: ", error.Message, StringComparison.Ordinal);
    }

    private static async Task StartAsync(Dictionary<string, string?> settings)
    {
        var builder = TestHost.Builder(settings);
        builder.Services.AddSharptune().AddStudy("demo", (_, _, _) => ValueTask.FromResult(0.0));
        using var host = builder.Build();
        await host.StartAsync(Ct);
        await host.StopAsync(Ct);
    }
}
