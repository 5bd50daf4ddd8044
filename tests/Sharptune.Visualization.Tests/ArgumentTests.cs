namespace Sharptune.Visualization.Tests;

/// <summary>Invalid arguments fail with Optuna's messages.</summary>
public sealed class ArgumentTests
{
    private const string MultiObjectiveMessage = "If the study is multi-objective, please specify target.";

    [Fact]
    public void MultiObjectiveWithoutTargetIsRejected()
    {
        var study = Fixtures.Study("multi2");
        foreach (var plot in new Func<Figure>[]
        {
            () => study.PlotOptimizationHistory(),
            () => study.PlotSlice(),
            () => study.PlotContour(),
            () => study.PlotRank(),
            () => study.PlotEdf(),
        })
        {
            var ex = Assert.Throws<ArgumentException>(plot);
            Assert.StartsWith(MultiObjectiveMessage, ex.Message, StringComparison.Ordinal);
            Assert.Equal("target", ex.ParamName);
        }
    }

    [Fact]
    public void MultiObjectiveWithTargetIsPlotted()
    {
        var figure = Fixtures.Study("multi2").PlotSlice(new SliceOptions { Target = t => t.Values![1], TargetName = "second" });
        Assert.Equal(3, figure.TraceCount);
        Assert.Contains("\"second\"", figure.ToPlotlyJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownParameterIsRejected()
    {
        var study = Fixtures.Study("single");
        foreach (var plot in new Func<Figure>[]
        {
            () => study.PlotSlice(new SliceOptions { Params = ["x", "nope"] }),
            () => study.PlotContour(new ContourOptions { Params = ["nope", "x"] }),
            () => study.PlotParallelCoordinate(new ParallelCoordinateOptions { Params = ["nope"] }),
            () => study.PlotRank(new RankOptions { Params = ["x", "nope"] }),
        })
        {
            var ex = Assert.Throws<ArgumentException>(plot);
            Assert.StartsWith("Parameter nope does not exist in your study.", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void HypervolumeHistoryChecksTheStudyAndTheReferencePoint()
    {
        var single = Assert.Throws<ArgumentException>(() => Fixtures.Study("single").PlotHypervolumeHistory([1.0]));
        Assert.StartsWith("Study must be multi-objective. For single-objective optimization, please use PlotOptimizationHistory instead.", single.Message, StringComparison.Ordinal);
        var length = Assert.Throws<ArgumentException>(() => Fixtures.Study("multi2").PlotHypervolumeHistory([1.0, 2.0, 3.0]));
        Assert.StartsWith("The dimension of the reference point must be the same as the number of objectives.", length.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TimelineRejectsANonPositiveTrialCount()
    {
        var ex = Assert.Throws<ArgumentException>(() => Fixtures.Study("single").PlotTimeline(new TimelineOptions { NRecentTrials = 0 }));
        Assert.StartsWith("nRecentTrials must be a positive integer or null.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParetoFrontChecksTargetsAndNames()
    {
        var study = Fixtures.Study("multi2");
        var names = Assert.Throws<ArgumentException>(() => study.PlotParetoFront(new ParetoFrontOptions { TargetNames = ["only one"] }));
        Assert.StartsWith("The length of targetNames is supposed to be 2.", names.Message, StringComparison.Ordinal);
        var four = Assert.Throws<ArgumentException>(() => study.PlotParetoFront(new ParetoFrontOptions { Targets = t => [1, 2, 3, 4] }));
        Assert.StartsWith("PlotParetoFront only supports 2 or 3 targets, but 4 targets were given.", four.Message, StringComparison.Ordinal);
        var single = Assert.Throws<ArgumentException>(() => Fixtures.Study("single").PlotParetoFront());
        Assert.StartsWith("PlotParetoFront only supports studies with 2 or 3 objectives when targets is null.", single.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<ArgumentException>(() => Study.Create(new StudyOptions { Directions = [StudyDirection.Minimize, StudyDirection.Minimize] }).PlotParetoFront(new ParetoFrontOptions { Targets = t => t.Values! }));
        Assert.StartsWith("If targets is specified for an empty study, targetNames must be specified.", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionsAndSizesAreChecked()
    {
        var study = Fixtures.Study("single");
        Assert.Throws<ArgumentOutOfRangeException>(() => study.PlotSlice(new SliceOptions { MaxPoints = 5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => study.PlotContour(new ContourOptions { MaxGridSize = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => study.PlotOptimizationHistory().ToPng(width: 0));
        Assert.Throws<ArgumentNullException>(() => ((Study)null!).PlotEdf());
    }
}
