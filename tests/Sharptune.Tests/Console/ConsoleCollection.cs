namespace Sharptune.Tests.ConsoleOutput;

/// <summary>
/// Tests that change process-wide console state (the verbosity, the default handler, the console sink) run alone:
/// another test's study would otherwise see their settings.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}

/// <summary>Redirects the console sink to a writer and restores the process-wide settings afterwards.</summary>
internal sealed class ConsoleCapture : IDisposable
{
    private readonly TextWriter _output = Sharptune.Internal.ConsoleSink.Output;
    private readonly bool _terminal = Sharptune.Internal.ConsoleSink.IsTerminal;

    public ConsoleCapture(bool terminal)
    {
        Sharptune.Internal.ConsoleSink.Output = Writer;
        Sharptune.Internal.ConsoleSink.IsTerminal = terminal;
    }

    public StringWriter Writer { get; } = new();

    public string Text => Writer.ToString();

    public void Dispose()
    {
        Sharptune.Internal.ConsoleSink.Output = _output;
        Sharptune.Internal.ConsoleSink.IsTerminal = _terminal;
        SharptuneLogging.DisableDefaultHandler();
        SharptuneLogging.SetVerbosity(Microsoft.Extensions.Logging.LogLevel.Information);
    }
}
