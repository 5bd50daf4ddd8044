using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sharptune.Internal;

namespace Sharptune;

/// <summary>
/// Process-wide control of what studies log (Optuna's <c>optuna.logging</c>): the verbosity filters the messages of
/// every study, whatever its logger factory, and the default handler prints the messages of studies created without
/// a logger factory to the standard error stream in Optuna's format (<c>[I 2026-01-31 12:00:00,123] message</c>).
/// </summary>
/// <remarks>
/// Unlike Optuna, the default handler starts disabled: a .NET library does not write to the console unless asked,
/// so studies without a <see cref="StudyOptions.LoggerFactory"/> stay silent until
/// <see cref="EnableDefaultHandler"/> is called. Messages written while a progress bar is shown appear above it.
/// </remarks>
public static class SharptuneLogging
{
    private static volatile int _verbosity = (int)LogLevel.Information;
    private static volatile bool _defaultHandler;

    /// <summary>Gets the verbosity: the lowest level a study logs (Optuna's <c>get_verbosity</c>).</summary>
    /// <returns>The level; <see cref="LogLevel.Information"/> unless changed.</returns>
    public static LogLevel GetVerbosity() => (LogLevel)_verbosity;

    /// <summary>
    /// Sets the verbosity (Optuna's <c>set_verbosity</c>): studies drop messages below <paramref name="level"/>
    /// before they reach any logger; <see cref="LogLevel.None"/> silences them.
    /// </summary>
    /// <param name="level">The lowest level to log.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not a defined level.</exception>
    public static void SetVerbosity(LogLevel level)
    {
        if (level is < LogLevel.Trace or > LogLevel.None)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "The verbosity must be a LogLevel from Trace to None.");
        }

        _verbosity = (int)level;
    }

    /// <summary>Gets a value indicating whether the default handler prints the messages of studies created without a logger factory.</summary>
    public static bool IsDefaultHandlerEnabled => _defaultHandler;

    /// <summary>Prints the messages of studies created without a logger factory to the standard error stream (Optuna's <c>enable_default_handler</c>).</summary>
    public static void EnableDefaultHandler() => _defaultHandler = true;

    /// <summary>Stops printing the messages of studies created without a logger factory (Optuna's <c>disable_default_handler</c>).</summary>
    public static void DisableDefaultHandler() => _defaultHandler = false;

    /// <summary>Creates the logger of a study: the factory's <c>Sharptune</c> logger behind the verbosity filter, plus the default handler when no factory was given.</summary>
    /// <param name="loggerFactory">The study's logger factory; <see cref="NullLoggerFactory"/> when none was given.</param>
    /// <returns>The logger.</returns>
    internal static ILogger CreateLogger(ILoggerFactory loggerFactory) =>
        new StudyLogger(loggerFactory.CreateLogger("Sharptune"), ReferenceEquals(loggerFactory, NullLoggerFactory.Instance));

    /// <summary>Formats a line as Optuna's default handler does: level letter, local time with milliseconds, message.</summary>
    /// <param name="level">The level.</param>
    /// <param name="time">The local time.</param>
    /// <param name="message">The message.</param>
    /// <param name="color">Whether to color the prefix with ANSI escapes (as Optuna's colorlog on a terminal).</param>
    /// <returns>The line, without a line break.</returns>
    internal static string FormatLine(LogLevel level, DateTime time, string message, bool color)
    {
        string prefix = "[" + Letter(level) + " " + time.ToString("yyyy-MM-dd HH:mm:ss,fff", CultureInfo.InvariantCulture) + "]";
        if (!color)
        {
            return prefix + " " + message;
        }

        string code = level switch
        {
            LogLevel.Trace or LogLevel.Debug => "36",
            LogLevel.Information => "32",
            LogLevel.Warning => "33",
            LogLevel.Error => "31",
            _ => "31;47",
        };
        return "\u001b[" + code + "m" + prefix + "\u001b[0m " + message;
    }

    private static string Letter(LogLevel level) => level switch
    {
        LogLevel.Trace => "T",
        LogLevel.Debug => "D",
        LogLevel.Information => "I",
        LogLevel.Warning => "W",
        LogLevel.Error => "E",
        _ => "C",
    };

    private sealed class StudyLogger(ILogger inner, bool usesDefaultHandler) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) =>
            logLevel != LogLevel.None && (int)logLevel >= _verbosity &&
            ((usesDefaultHandler && _defaultHandler) || inner.IsEnabled(logLevel));

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.None || (int)logLevel < _verbosity)
            {
                return;
            }

            inner.Log(logLevel, eventId, state, exception, formatter);
            if (usesDefaultHandler && _defaultHandler)
            {
                string message = formatter(state, exception);
                bool color = ConsoleSink.IsTerminal && Environment.GetEnvironmentVariable("NO_COLOR") is null or "";
                string line = FormatLine(logLevel, DateTime.Now, message, color);
                ConsoleSink.WriteLine(exception is null ? line : line + Environment.NewLine + exception);
            }
        }
    }
}
