using Sharptune.Pruners;
using static Sharptune.Tests.Pruners.PrunerTestHelper;

namespace Sharptune.Tests.Pruners;

public class ThresholdPrunerTests
{
    [Fact]
    public void PrunesTheLatestValueOutsideTheBoundsOrNaNWhateverTheDirection()
    {
        foreach (var direction in new[] { StudyDirection.Minimize, StudyDirection.Maximize })
        {
            var study = NewStudy(new ThresholdPruner(lower: 0.0, upper: 1.0), direction);
            Assert.Equal([false, true, false, true, false, true, true], Decisions(study, 0.5, 1.5, 1.0, -0.1, 0.0, double.NaN, double.PositiveInfinity));
        }

        var upperOnly = new ThresholdPruner(upper: 2.0);
        Assert.Equal(double.NegativeInfinity, upperOnly.Lower);
        Assert.Equal([false, false], Decisions(NewStudy(upperOnly), double.NegativeInfinity, 2.0));
        var lowerOnly = new ThresholdPruner(lower: -2.0);
        Assert.Equal(double.PositiveInfinity, lowerOnly.Upper);
        Assert.Equal([true], Decisions(NewStudy(lowerOnly), double.NegativeInfinity));
    }

    [Fact]
    public void WarmupAndInterval()
    {
        var study = NewStudy(new ThresholdPruner(upper: 0.0, nWarmupSteps: 2, intervalSteps: 2));
        Assert.Equal([false, false, true, false, true, false], Decisions(study, 1, 1, 1, 1, 1, 1));
        Assert.Equal([false, true, false], Run(study, (1, 9.0), (3, 9.0), (4, 0.0)).Decisions);
        Assert.Equal([false], Run(study).Decisions.Append(study.Ask().ShouldPrune()).ToArray());
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        Assert.IsType<ArgumentException>(Assert.ThrowsAny<ArgumentException>(() => new ThresholdPruner()));
        Assert.StartsWith("lower should be smaller than upper.", Assert.ThrowsAny<ArgumentException>(() => new ThresholdPruner(1, 0)).Message, StringComparison.Ordinal);
        Assert.Equal(1.0, new ThresholdPruner(1, 1).Upper);
    }
}

public class PatientPrunerTests
{
    [Fact]
    public void AloneItStopsATrialThatStoppedImproving()
    {
        // patience 2: with 6 values, the best of the first 3 is compared with the best of the last 3.
        var study = NewStudy(new PatientPruner(null, patience: 2));
        Assert.Equal([false, false, false, false, false, true], Decisions(study, 5, 4, 3, 3.5, 3.2, 3.1));
        Assert.Equal([false, false, false, false, false, false], Decisions(study, 5, 4, 3, 3.5, 3.2, 2.9));

        var delta = NewStudy(new PatientPruner(null, patience: 2, minDelta: 0.2));
        Assert.Equal([false, false, false, false, false, false], Decisions(delta, 5, 4, 3, 3.5, 3.2, 3.1));
        Assert.Equal([false, false, false, false, false, true], Decisions(delta, 5, 4, 3, 3.5, 3.4, 3.3));
    }

    [Fact]
    public void MaximizeAndNaN()
    {
        var study = NewStudy(new PatientPruner(null, patience: 1), StudyDirection.Maximize);
        Assert.Equal([false, false, true], Decisions(study, 1, 2, 0.5).Take(2).Concat(Decisions(study, 2, 1, 1.5).Skip(2)).ToArray());
        Assert.Equal([false, false, false], Decisions(study, double.NaN, 1, 0.5)); // all NaN before the window
        Assert.Equal([false, false, false, false], Decisions(study, 1, 2, double.NaN, double.NaN)); // all NaN within
        Assert.Equal([false, false, false, true], Decisions(study, 1, 2, double.NaN, 1.5));
    }

    [Fact]
    public void TheWrappedPrunerDecidesOncePatienceRunsOut()
    {
        var withNop = NewStudy(new PatientPruner(new NopPruner(), patience: 0));
        Assert.Equal([false, false], Decisions(withNop, 1, 2));
        var withThreshold = NewStudy(new PatientPruner(new ThresholdPruner(upper: 10), patience: 0));
        Assert.Equal([false, false, false], Decisions(withThreshold, 20, 19, 18)); // improving: the threshold is not asked
        Assert.Equal([false, false, true, true], Decisions(withThreshold, 20, 11, 12, 13));
        Assert.Equal([false, false, false], Decisions(withThreshold, 20, 11, 9)); // no improvement, but under the threshold
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        Assert.StartsWith("patience cannot be negative but got -1.", Assert.Throws<ArgumentOutOfRangeException>(() => new PatientPruner(null, -1)).Message, StringComparison.Ordinal);
        Assert.StartsWith("min_delta cannot be negative but got -0.5.", Assert.Throws<ArgumentOutOfRangeException>(() => new PatientPruner(null, 1, -0.5)).Message, StringComparison.Ordinal);
        var p = new PatientPruner(new NopPruner(), 3, 0.25);
        Assert.IsType<NopPruner>(p.WrappedPruner);
        Assert.Equal(3, p.Patience);
        Assert.Equal(0.25, p.MinDelta);
    }
}
