using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Sharptune.Tests.Support;

namespace Sharptune.Tests.ConsoleOutput;

[Collection(ConsoleCollection.Name)]
public sealed class LoggingTests
{
    [Fact]
    public void Defaults_AreInformation_AndNoConsoleOutput()
    {
        using var capture = new ConsoleCapture(terminal: false);
        Assert.Equal(LogLevel.Information, SharptuneLogging.GetVerbosity());
        Assert.False(SharptuneLogging.IsDefaultHandlerEnabled);

        Study.Create().Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 2);

        Assert.Equal(string.Empty, capture.Text);
    }

    [Fact]
    public void DefaultHandler_WritesOptunasFormat_ForStudiesWithoutALoggerFactory()
    {
        using var capture = new ConsoleCapture(terminal: false);
        SharptuneLogging.EnableDefaultHandler();

        var study = Study.Create(new StudyOptions { StudyName = "logged" });
        study.Optimize(t => t.SuggestFloat("x", 0, 1) > 2 ? 0 : throw new InvalidOperationException("boom"), new OptimizeOptions { NTrials = 1, Catch = [typeof(InvalidOperationException)] });

        string[] lines = capture.Text.Split(Environment.NewLine);
        Assert.Matches(new Regex(@"^\[I \d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] A new study created in memory with name: logged$"), lines[0]);
        Assert.Matches(new Regex(@"^\[W [-0-9 :,]+\] Trial 0 failed with parameters: \{'x': [0-9.e-]+\} because of the following error: InvalidOperationException\('boom'\)\.$"), lines[1]);
        Assert.Equal("System.InvalidOperationException: boom", lines[2]);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^\[W [-0-9 :,]+\] Trial 0 failed with value None\.$"));
    }

    [Fact]
    public void Verbosity_FiltersTheDefaultHandler_AndAnyLoggerFactory()
    {
        using var capture = new ConsoleCapture(terminal: false);
        SharptuneLogging.EnableDefaultHandler();
        SharptuneLogging.SetVerbosity(LogLevel.Warning);
        using var factory = new TestLoggerFactory();

        Study.Create().Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 2);
        var study = Study.Create(new StudyOptions { LoggerFactory = factory });
        study.Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 2);
        study.Optimize(_ => double.NaN, nTrials: 1);

        Assert.Equal(string.Empty, capture.Text);
        Assert.All(factory.Entries, e => Assert.Equal(LogLevel.Warning, e.Level));
        Assert.Contains(factory.Messages, m => m.StartsWith("Trial 2 failed with parameters: {}", StringComparison.Ordinal));

        SharptuneLogging.SetVerbosity(LogLevel.Information);
        Study.Create().Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 1);
        Assert.Contains("Trial 0 finished with value:", capture.Text, StringComparison.Ordinal);

        SharptuneLogging.SetVerbosity(LogLevel.None);
        int before = factory.Entries.Count;
        study.Optimize(_ => double.NaN, nTrials: 1);
        Assert.Equal(before, factory.Entries.Count);
    }

    [Fact]
    public void DefaultHandler_DoesNotWriteForStudiesWithTheirOwnFactory_AndCanBeDisabled()
    {
        using var capture = new ConsoleCapture(terminal: false);
        SharptuneLogging.EnableDefaultHandler();
        using var factory = new TestLoggerFactory();
        Study.Create(new StudyOptions { LoggerFactory = factory }).Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 1);
        Assert.Equal(string.Empty, capture.Text);
        Assert.Equal(2, factory.Entries.Count);

        SharptuneLogging.DisableDefaultHandler();
        Study.Create().Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 1);
        Assert.Equal(string.Empty, capture.Text);
    }

    [Fact]
    public void OnATerminal_ThePrefixIsColored()
    {
        var time = new DateTime(2026, 1, 31, 12, 0, 5, 42);
        Assert.Equal("[I 2026-01-31 12:00:05,042] hello", SharptuneLogging.FormatLine(LogLevel.Information, time, "hello", color: false));
        Assert.Equal("\u001b[33m[W 2026-01-31 12:00:05,042]\u001b[0m careful", SharptuneLogging.FormatLine(LogLevel.Warning, time, "careful", color: true));
        Assert.Equal("[E 2026-01-31 12:00:05,042] x", SharptuneLogging.FormatLine(LogLevel.Error, time, "x", color: false));
    }

    [Fact]
    public void SetVerbosity_RejectsUndefinedLevels()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SharptuneLogging.SetVerbosity((LogLevel)42));
        Assert.StartsWith("The verbosity must be a LogLevel from Trace to None.", e.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Information, SharptuneLogging.GetVerbosity());
    }
}
