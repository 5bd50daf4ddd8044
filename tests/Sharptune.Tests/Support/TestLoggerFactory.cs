using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Sharptune.Tests.Support;

/// <summary>
/// The tests' logger factory: every message, at every level, lands in a <see cref="FakeLogCollector"/>, for
/// asserting Optuna's log texts and Sharptune's event ids.
/// </summary>
public sealed class TestLoggerFactory : ILoggerFactory
{
    private readonly FakeLoggerProvider _provider = new();

    /// <summary>Gets the collector of every record logged so far.</summary>
    public FakeLogCollector Collector => _provider.Collector;

    /// <summary>Gets a snapshot of the records (level, event id, formatted message, exception).</summary>
    public IReadOnlyList<FakeLogRecord> Entries => _provider.Collector.GetSnapshot();

    /// <summary>Gets a snapshot of the formatted messages.</summary>
    public IReadOnlyList<string> Messages => [.. Entries.Select(e => e.Message)];

    /// <inheritdoc/>
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => _provider.CreateLogger(categoryName);

    /// <inheritdoc/>
    public void Dispose() => _provider.Dispose();
}
