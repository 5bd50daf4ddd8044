using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Sharptune.Hosting.Tests;

/// <summary>
/// Issue #14, item 4: a storage URL's credentials appear neither in the error that stops the host nor in any log
/// line, whatever the URL's shape (the storage packages' own corpus is in Sharptune.Storage.Tests).
/// </summary>
public sealed class CredentialMaskingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("sqlite://tuner:Qxvz#Wkpl@/hosted.db", "Qxvz|Wkpl")]
    [InlineData("sqlite:///hosted.db?password=Hqle%2FBvmn", "Hqle|Bvmn")]
    [InlineData("mysql://tuner:Jwqp/Rtzk@db/optuna", "Jwqp|Rtzk")]
    [InlineData("oracle://tuner:Mzxq@Lpvw@db/optuna", "Mzxq|Lpvw")]
    [InlineData("postgresql://tuner:Nbvc?Yhgf@db/optuna", "Nbvc|Yhgf")]
    [InlineData("redis://Kjhg#Tyre@cache:6379/0", "Kjhg|Tyre")]
    [InlineData("tuner:Plmk:Okij@db/optuna", "Plmk|Okij")]
    public async Task NeitherTheErrorNorTheLogsShowTheSecret(string url, string secret)
    {
        var builder = TestHost.Builder(new Dictionary<string, string?> { ["Sharptune:Studies:demo:Storage"] = url });
        builder.Logging.AddFakeLogging();
        builder.Services.AddSharptune().AddStudy("demo", (_, _, _) => ValueTask.FromResult(0.0));
        using var host = builder.Build();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(Ct));
        Assert.Contains("Sharptune:Studies:demo:Storage: the storage '", error.Message, StringComparison.Ordinal);
        Assert.Contains("***", error.Message, StringComparison.Ordinal);

        // Every record's text and exception, and each of its structured values, then the error itself.
        var outputs = host.Services.GetFakeLogCollector().GetSnapshot()
            .SelectMany(r => new[] { r.Message + " " + r.Exception }.Concat(r.StructuredState?.Select(kv => kv.Value ?? string.Empty) ?? []))
            .Append(error.ToString())
            .ToList();
        foreach (string piece in secret.Split('|'))
        {
            Assert.All(outputs, o => Assert.DoesNotContain(piece, o, StringComparison.Ordinal));
        }
    }
}
