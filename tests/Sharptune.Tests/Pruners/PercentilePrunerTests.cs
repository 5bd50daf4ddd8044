using Sharptune.Pruners;
using static Sharptune.Tests.Pruners.PrunerTestHelper;

namespace Sharptune.Tests.Pruners;

public class PercentilePrunerTests
{
    [Fact]
    public void MedianIsTheDefaultPrunerWithOptunasDefaults()
    {
        var pruner = Assert.IsType<MedianPruner>(Study.Create().Pruner);
        Assert.Equal(50.0, pruner.Percentile);
        Assert.Equal(5, pruner.NStartupTrials);
        Assert.Equal(0, pruner.NWarmupSteps);
        Assert.Equal(1, pruner.IntervalSteps);
        Assert.Equal(1, pruner.NMinTrials);
        Assert.IsType<MedianPruner>(Study.Load(null, Study.Create().Storage).Pruner);
    }

    [Fact]
    public void PrunesAboveTheMedianOfCompleteTrialsAtTheSameStep()
    {
        var study = NewStudy(new MedianPruner(nStartupTrials: 5));
        for (int i = 1; i <= 5; i++)
        {
            AddComplete(study, 10, i); // step 1 holds 1..5: median 3
        }

        Assert.Equal([false, true], Decisions(study, 10, 3.5));
        Assert.Equal([false, false], Decisions(study, 10, 3.0)); // equal to the median: kept
        Assert.Equal([false, false], Decisions(study, 0, 4.0)); // the best value over the steps counts, not the last
    }

    [Fact]
    public void StartupTrialsCountOnlyCompleteTrials()
    {
        var study = NewStudy(new MedianPruner(nStartupTrials: 3));
        AddComplete(study, 1.0);
        AddComplete(study, 1.0);
        study.AddTrial(Trials.Create(TrialState.Pruned, intermediateValues: new Dictionary<int, double> { [0] = 0.0 }));
        study.AddTrial(Trials.Create(TrialState.Fail, intermediateValues: new Dictionary<int, double> { [0] = 0.0 }));
        _ = study.Ask(); // a RUNNING trial
        Assert.Equal([false], Decisions(study, 100));
        AddComplete(study, 1.0);
        Assert.Equal([true], Decisions(study, 100));

        // nStartupTrials = 0 still waits for the first COMPLETE trial.
        var empty = NewStudy(new MedianPruner(nStartupTrials: 0));
        Assert.Equal([false], Decisions(empty, double.NaN));
    }

    [Fact]
    public void WarmupAndIntervalDecideWhichStepsAreJudged()
    {
        var warm = NewStudy(new MedianPruner(nStartupTrials: 1, nWarmupSteps: 3));
        AddComplete(warm, 0, 0, 0, 0, 0, 0);
        Assert.Equal([false, false, false, true], Decisions(warm, 9, 9, 9, 9));

        var interval = NewStudy(new MedianPruner(nStartupTrials: 1, intervalSteps: 3));
        AddComplete(interval, 0, 0, 0, 0, 0, 0, 0, 0);
        Assert.Equal([true, false, false, true, false, false, true], Decisions(interval, 9, 9, 9, 9, 9, 9, 9));

        // With gaps, the first report in each interval is judged, even off the interval's first step.
        Assert.Equal([true, true, false, true], Run(interval, (1, 9), (4, 9), (5, 9), (7, 9)).Decisions);

        var both = NewStudy(new MedianPruner(nStartupTrials: 1, nWarmupSteps: 2, intervalSteps: 2));
        AddComplete(both, 0, 0, 0, 0, 0, 0, 0);
        Assert.Equal([false, false, true, false, true, false, true], Decisions(both, 9, 9, 9, 9, 9, 9, 9));
    }

    [Fact]
    public void NMinTrialsNeedsThatManyReportsAtTheStep()
    {
        var study = NewStudy(new MedianPruner(nStartupTrials: 0, nMinTrials: 3));
        AddComplete(study, 0, 0, 0);
        AddComplete(study, 0, 0, 0);
        AddComplete(study, 0.0);
        AddComplete(study, (0, 0.0), (2, double.NaN)); // a NaN report counts towards n_min_trials
        Assert.Equal([true, false, true], Decisions(study, 5, 5, 5));
    }

    [Fact]
    public void NaNValues()
    {
        var study = NewStudy(new MedianPruner(nStartupTrials: 1));
        AddComplete(study, 1, double.NaN, 1);

        // Every value of the trial NaN: pruned; some NaN: the others count.
        Assert.Equal([true, true], Decisions(study, double.NaN, double.NaN));
        Assert.Equal([true, false, true], Decisions(study, 1.5, double.NaN, 2));

        // The only COMPLETE value at the step is NaN: no percentile, no pruning.
        Assert.Equal([false], Run(study, (1, 5.0)).Decisions);
    }

    [Fact]
    public void MaximizeUsesTheMirroredPercentileAndTheMaximum()
    {
        var study = NewStudy(new PercentilePruner(25.0, nStartupTrials: 1), StudyDirection.Maximize);
        for (int i = 1; i <= 5; i++)
        {
            AddComplete(study, i); // step 0 holds 1..5; the 75th percentile is 4
        }

        Assert.Equal([true], Decisions(study, 3.9));
        Assert.Equal([false], Decisions(study, 4.0));
        Assert.Equal([false, false], Decisions(study, 4.5, 0)); // the best so far, 4.5, counts
    }

    [Fact]
    public void PercentileInterpolatesLinearly()
    {
        var study = NewStudy(new PercentilePruner(25.0, nStartupTrials: 1));
        foreach (double v in new[] { 1.0, 2.0, 3.0, 10.0 })
        {
            AddComplete(study, v);
        }

        // 25th percentile of [1, 2, 3, 10]: index 0.75 → 1.75.
        Assert.Equal([true], Decisions(study, 1.76));
        Assert.Equal([false], Decisions(study, 1.75));
        Assert.Equal(double.NaN, PrunerMath.NanPercentile(new double[] { double.NaN }, 50));
        Assert.Equal(2.5, PrunerMath.NanPercentile(new double[] { 3, double.NaN, 2 }, 50));
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PercentilePruner(double.NaN));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MedianPruner(nMinTrials: 0));
        Assert.Equal("nMinTrials", e.ParamName);
        Assert.Equal(0, e.ActualValue);
        Assert.Throws<ArgumentNullException>(() => new MedianPruner().Prune(null!, Trials.Create(value: 1)));
    }
}
