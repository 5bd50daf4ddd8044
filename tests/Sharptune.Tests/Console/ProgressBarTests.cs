using System.Text.RegularExpressions;
using Sharptune.Tests.Support;
using static Sharptune.Internal.ProgressBar;

namespace Sharptune.Tests.ConsoleOutput;

[Collection(ConsoleCollection.Name)]
public sealed class ProgressBarTests
{
    private static readonly TimeSpan S5 = TimeSpan.FromSeconds(5);

    [Fact]
    public void TrialBudget_ShowsDoneOfTotal_Elapsed_Left_Rate_AndBest()
    {
        var p = new Progress(37, 100, S5, null, 12, 0.0312);
        Assert.Equal(
            " 37/100 trials  37% |██████████████▊                         | 00:05 elapsed, 00:08 left, 7.40 trials/s, best 0.0312 (trial 12)",
            Render(p, 140));
        Assert.Equal("Progress:  37/100 trials (37%), 00:05 elapsed, 00:08 left, 7.40 trials/s, best 0.0312 (trial 12)", RenderPlain(p));
    }

    [Fact]
    public void TimeoutOnly_ShowsElapsedOfTimeout_AndTheTrialCount()
    {
        var p = new Progress(1, null, TimeSpan.FromSeconds(90), TimeSpan.FromMinutes(60), null, 0);
        Assert.Equal("Progress: 01:30/1:00:00 (2%), 1 trial, 58:30 left, 90.00 s/trial", RenderPlain(p));
        string line = Render(p, 80);
        Assert.StartsWith("01:30/1:00:00   2% |", line, StringComparison.Ordinal);
        Assert.EndsWith("| 1 trial, 58:30 left, 90.00 s/trial", line, StringComparison.Ordinal);
    }

    [Fact]
    public void BudgetAndTimeout_TheNearerEndDrivesPercentAndLeft()
    {
        var byTime = new Progress(10, 1000, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40), 3, -2.5e-7);
        Assert.Equal("Progress:   10/1000 trials (75%), 00:30/00:40 elapsed, 00:10 left, 3.00 s/trial, best -2.5e-07 (trial 3)", RenderPlain(byTime));
        var byTrials = new Progress(900, 1000, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(40), null, 0);
        Assert.Equal("Progress:  900/1000 trials (90%), 00:09/00:40 elapsed, 00:01 left, 100 trials/s", RenderPlain(byTrials));
    }

    [Fact]
    public void BeforeTheFirstTrial_RateAndLeftAreUnknown()
    {
        Assert.Equal("Progress: 0/5 trials (0%), 00:00 elapsed, ? left, ? trials/s", RenderPlain(new Progress(0, 5, TimeSpan.Zero, null, null, 0)));
        Assert.Equal("Progress: 0/0 trials (100%), 00:00 elapsed, 00:00 left, ? trials/s", RenderPlain(new Progress(0, 0, TimeSpan.Zero, null, null, 0)));
    }

    [Theory]
    [InlineData(200)]
    [InlineData(100)]
    [InlineData(60)]
    [InlineData(30)]
    public void TheLine_NeverWrapsTheTerminal(int width)
    {
        string line = Render(new Progress(5, 10, S5, TimeSpan.FromSeconds(100), 4, 1.23456789), width);
        Assert.True(line.Length < width, $"{line.Length} columns: {line}");
        Assert.StartsWith(" 5/10 trials  50%", line, StringComparison.Ordinal);
        Assert.Equal(width >= 100, line.Contains('|', StringComparison.Ordinal));
    }

    [Fact]
    public void ANarrowTerminal_GetsTheShortForm_AndKeepsTheBar()
    {
        var p = new Progress(40, 60, TimeSpan.FromSeconds(2.8), null, 35, 0.00206046);
        string line = Render(p, 80);
        Assert.Equal("40/60 trials  66% |█████████▎    | 00:02<00:01, 14.29/s, best 0.00206046 (#35)", line);
        Assert.True(line.Length < 80);
        Assert.Equal("00:01/01:00   1% |▎              | 1 trial, <00:59, 1.00/s", Render(new Progress(1, null, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), null, 0), 60));
    }

    [Fact]
    public void Intervals_AreMinutesSeconds_ThenHours()
    {
        Assert.Equal("00:00", Interval(TimeSpan.FromMilliseconds(999)));
        Assert.Equal("59:59", Interval(TimeSpan.FromSeconds(3599)));
        Assert.Equal("1:00:00", Interval(TimeSpan.FromHours(1)));
        Assert.Equal("27:46:40", Interval(TimeSpan.FromSeconds(100_000)));
    }

    [Fact]
    public void Optimize_Redirected_WritesAFinalPlainLine()
    {
        using var capture = new ConsoleCapture(terminal: false);
        var study = Study.Create(new StudyOptions { Sampler = new Samplers.RandomSampler(seed: 1) });
        study.Optimize(t => t.SuggestFloat("x", 0, 1), new OptimizeOptions { NTrials = 20, ShowProgressBar = true });

        string text = capture.Text;
        Assert.Matches($@"^Progress: 20/20 trials \(100%\), 00:00 elapsed, 00:00 left, \d+ trials/s, best {study.BestValue.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)} \(trial {study.BestTrial.Number}\){Environment.NewLine}$", text);
    }

    [Fact]
    public void Optimize_OnATerminal_RedrawsInPlace_AndLogLinesGoAboveTheBar()
    {
        using var capture = new ConsoleCapture(terminal: true);
        SharptuneLogging.EnableDefaultHandler();
        var study = Study.Create(new StudyOptions { Directions = [StudyDirection.Minimize, StudyDirection.Maximize] });
        study.Optimize(t =>
        {
            Thread.Sleep(150);
            return [t.SuggestFloat("x", 0, 1), 1];
        }, new OptimizeOptions { NTrials = 3, Concurrency = 2, ShowProgressBar = true });

        string text = capture.Text;
        const string Clear = "\r\u001b[2K";
        Assert.Contains(Clear + "0/3 trials   0% |", text, StringComparison.Ordinal);
        string last = text[(text.LastIndexOf(Clear, StringComparison.Ordinal) + Clear.Length)..];
        Assert.StartsWith("3/3 trials 100% |████", last, StringComparison.Ordinal);
        Assert.EndsWith(Environment.NewLine, last, StringComparison.Ordinal);
        Assert.DoesNotContain("best", text, StringComparison.Ordinal); // several objectives: no best value

        // Each log line clears the bar and ends its own line; the bar is drawn again below it.
        Assert.Equal(3, Regex.Matches(text, @"\r\u001b\[2K\u001b\[32m\[I [^\]]+\]\u001b\[0m Trial \d finished with values: [^\r\n]+\r?\n\d/3 trials").Count);
    }

    [Fact]
    public async Task OptimizeAsync_WithShowProgressBar_CountsEveryTrial()
    {
        using var capture = new ConsoleCapture(terminal: false);
        var study = Study.Create(new StudyOptions { Direction = StudyDirection.Maximize, Sampler = new Samplers.RandomSampler(seed: 2) });
        await study.OptimizeAsync(
            (t, _) => t.Number == 2 ? throw new TrialPrunedException() : ValueTask.FromResult(t.SuggestFloat("x", 0, 1)),
            new OptimizeOptions { NTrials = 6, Concurrency = 3, ShowProgressBar = true },
            TestContext.Current.CancellationToken);

        Assert.StartsWith("Progress: 6/6 trials (100%)", capture.Text, StringComparison.Ordinal);
        Assert.EndsWith($"best {study.BestValue.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)} (trial {study.BestTrial.Number}){Environment.NewLine}", capture.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutBudgetOrTimeout_ABarIsNotShown_AndAWarningIsLogged()
    {
        using var capture = new ConsoleCapture(terminal: false);
        using var factory = new TestLoggerFactory();
        var study = Study.Create(new StudyOptions { LoggerFactory = factory });
        study.Optimize(t =>
        {
            if (t.Number == 2)
            {
                study.Stop();
            }

            return 0;
        }, new OptimizeOptions { ShowProgressBar = true });

        Assert.Equal(string.Empty, capture.Text);
        Assert.Contains("Progress bar won't be displayed because OptimizeOptions.NTrials and OptimizeOptions.Timeout are null.", factory.Messages);
    }

    [Fact]
    public void Off_WritesNothing()
    {
        using var capture = new ConsoleCapture(terminal: true);
        Study.Create().Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 5);
        Assert.Equal(string.Empty, capture.Text);
    }
}
