using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

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
        var lines = new ConcurrentQueue<string>();
        var builder = TestHost.Builder(new Dictionary<string, string?> { ["Sharptune:Studies:demo:Storage"] = url });
        builder.Logging.AddProvider(new CollectingProvider(lines));
        builder.Services.AddSharptune().AddStudy("demo", (_, _, _) => ValueTask.FromResult(0.0));
        using var host = builder.Build();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(Ct));
        Assert.Contains("Sharptune:Studies:demo:Storage: the storage '", error.Message, StringComparison.Ordinal);
        Assert.Contains("***", error.Message, StringComparison.Ordinal);

        var outputs = lines.Append(error.ToString()).ToList();
        foreach (string piece in secret.Split('|'))
        {
            Assert.All(outputs, o => Assert.DoesNotContain(piece, o, StringComparison.Ordinal));
        }
    }

    private sealed class CollectingProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Collector(lines);

        public void Dispose()
        {
        }

        private sealed class Collector(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lines.Enqueue(formatter(state, exception) + " " + exception);
                if (state is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    foreach (var (_, value) in values)
                    {
                        lines.Enqueue(value?.ToString() ?? string.Empty);
                    }
                }
            }
        }
    }
}
