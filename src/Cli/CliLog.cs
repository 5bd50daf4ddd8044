using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Sharptune.Cli;

/// <summary>
/// Writes log lines the way Optuna's CLI does (<c>[I 2026-01-31 12:00:00,123] message</c>) to standard error, at
/// the level <c>-v</c>/<c>-q</c> choose, and to <c>--log-file</c> when given.
/// </summary>
internal sealed class CliLog : ILoggerFactory, ILogger
{
    private readonly TextWriter _error;
    private readonly LogLevel _minimum;
    private readonly TextWriter? _file;
    private readonly Lock _lock = new();

    /// <summary>Creates the log.</summary>
    /// <param name="error">Standard error.</param>
    /// <param name="minimum">The least level written to standard error.</param>
    /// <param name="file">The log file (every level), or <see langword="null"/>.</param>
    public CliLog(TextWriter error, LogLevel minimum, TextWriter? file)
    {
        _error = error;
        _minimum = minimum;
        _file = file;
    }

    /// <summary>Writes an informational line.</summary>
    public void Info(string message) => Write(LogLevel.Information, message);

    /// <summary>Writes a warning line.</summary>
    public void Warning(string message) => Write(LogLevel.Warning, message);

    /// <inheritdoc/>
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => this;

    /// <inheritdoc/>
    public void Dispose() => _file?.Dispose();

    /// <inheritdoc/>
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc/>
    public bool IsEnabled(LogLevel logLevel) => logLevel >= _minimum || (_file is not null && logLevel >= LogLevel.Debug);

    /// <inheritdoc/>
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        Write(logLevel, formatter(state, exception));
    }

    private void Write(LogLevel level, string message)
    {
        if (!IsEnabled(level))
        {
            return;
        }

        char letter = level switch
        {
            LogLevel.Trace or LogLevel.Debug => 'D',
            LogLevel.Information => 'I',
            LogLevel.Warning => 'W',
            LogLevel.Error => 'E',
            _ => 'C',
        };
        string line = $"[{letter} {DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss,fff", CultureInfo.InvariantCulture)}] {message}";
        lock (_lock)
        {
            if (level >= _minimum)
            {
                _error.WriteLine(line);
            }

            _file?.WriteLine(line);
            _file?.Flush();
        }
    }
}
