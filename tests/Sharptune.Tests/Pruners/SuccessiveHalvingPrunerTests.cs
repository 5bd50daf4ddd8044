using Sharptune.Pruners;
using static Sharptune.Tests.Pruners.PrunerTestHelper;

namespace Sharptune.Tests.Pruners;

public class SuccessiveHalvingPrunerTests
{
    private static Dictionary<string, double> Rungs(Study study, Trial trial) =>
        study.Storage.GetTrial(trial.TrialId).SystemAttrs
            .Where(p => p.Key.StartsWith("completed_rung_", StringComparison.Ordinal))
            .ToDictionary(p => p.Key, p => (double)p.Value!);

    [Fact]
    public void RungsEndAtMinResourceTimesEtaToTheRateAndRecordTheValue()
    {
        // r = 1, η = 2, s = 0: rungs end at steps 1, 2, 4, 8. Alone in its rungs, a trial is always promoted.
        var study = NewStudy(new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2));
        var (trial, decisions) = Run(study, (0, 5.0), (1, 4.0), (2, 3.0), (3, 2.5), (4, 2.0));
        Assert.All(decisions, Assert.False);
        Assert.Equal(new Dictionary<string, double> { ["completed_rung_0"] = 4.0, ["completed_rung_1"] = 3.0, ["completed_rung_2"] = 2.0 }, Rungs(study, trial));

        // A report that jumps past several rung ends climbs them all in one call, with the same value.
        var (jumper, jumped) = Run(study, (0, 1.0), (9, 1.5));
        Assert.Equal([false, false], jumped);
        Assert.Equal(new Dictionary<string, double> { ["completed_rung_0"] = 1.5, ["completed_rung_1"] = 1.5, ["completed_rung_2"] = 1.5, ["completed_rung_3"] = 1.5 }, Rungs(study, jumper));
    }

    [Fact]
    public void PromotesTheTopOneOverEtaOfTheRungTiesIncluded()
    {
        // η = 2: with k values at a rung, the best max(1, k/2) are promoted.
        var study = NewStudy(new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2));
        Assert.False(Run(study, (1, 3.0)).Decisions[0]); // [3]: top 1
        Assert.True(Run(study, (1, 4.0)).Decisions[0]); // [3, 4]: top 1 is 3
        Assert.False(Run(study, (1, 3.0)).Decisions[0]); // [3, 4, 3]: top 1 is 3, a tie
        Assert.True(Run(study, (1, 3.5)).Decisions[0]); // [3, 3, 3.5, 4]: the top 2 end at 3
        Assert.False(Run(study, (1, 2.0)).Decisions[0]); // [2, 3, 3, 3.5, 4]: the top 2 end at 3
    }

    [Fact]
    public void MaximizePromotesTheLargestValues()
    {
        var study = NewStudy(new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3), StudyDirection.Maximize);
        Assert.False(Run(study, (1, 1.0)).Decisions[0]);
        Assert.False(Run(study, (1, 2.0)).Decisions[0]);
        Assert.True(Run(study, (1, 1.5)).Decisions[0]); // [1, 1.5, 2]: top 1 is 2
        Assert.False(Run(study, (1, 2.5)).Decisions[0]);
    }

    [Fact]
    public void MinEarlyStoppingRateDelaysTheFirstRung()
    {
        var study = NewStudy(new SuccessiveHalvingPruner(minResource: 2, reductionFactor: 3, minEarlyStoppingRate: 1));
        Assert.Equal([false, false], Run(study, (5, 1.0), (6, 1.0)).Decisions);
        var (trial, decisions) = Run(study, (5, 9.0), (6, 9.0));
        Assert.Equal([false, true], decisions); // the first rung ends at 2 · 3 = 6
        Assert.Equal(["completed_rung_0"], Rungs(study, trial).Keys);
    }

    [Fact]
    public void BootstrapCountPrunesUntilTheRungIsFullEnough()
    {
        var study = NewStudy(new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2, bootstrapCount: 2));
        Assert.True(Run(study, (1, 1.0)).Decisions[0]);
        Assert.True(Run(study, (1, 0.5)).Decisions[0]);
        Assert.False(Run(study, (1, 0.1)).Decisions[0]); // three values now
    }

    [Fact]
    public void NaNAtARungPrunesNaNBeforeItDoesNot()
    {
        var study = NewStudy(new SuccessiveHalvingPruner(minResource: 2, reductionFactor: 2));
        var (trial, decisions) = Run(study, (0, double.NaN), (1, double.NaN), (2, double.NaN));
        Assert.Equal([false, false, true], decisions);
        Assert.Empty(Rungs(study, trial));
    }

    [Fact]
    public void AutomaticMinResourceWaitsForACompleteTrial()
    {
        var pruner = new SuccessiveHalvingPruner();
        var study = NewStudy(pruner);
        Assert.Null(pruner.MinResource);
        Assert.Equal([false, false], Run(study, (0, 1.0), (500, 1.0)).Decisions);
        Assert.Null(pruner.MinResource);
        AddComplete(study, (0, 1.0), (250, 0.5));
        Assert.False(Run(study, (1, 9.0)).Decisions[0]);
        Assert.Equal(2, pruner.MinResource); // max(250 // 100, 1)

        var small = new SuccessiveHalvingPruner();
        var other = NewStudy(small);
        AddComplete(other, 1.0, 0.5);
        _ = Run(other, (0, 1.0));
        Assert.Equal(1, small.MinResource);
    }

    [Fact]
    public void TrialsOfEveryStateCompeteAtARung()
    {
        var study = NewStudy(new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2));
        var (a, _) = Run(study, (1, 1.0));
        study.Tell(a, state: TrialState.Pruned);
        var (b, _) = Run(study, (1, 2.0));
        study.Tell(b, state: TrialState.Fail);
        _ = Run(study, (1, 0.5)); // still RUNNING
        Assert.True(Run(study, (1, 1.5)).Decisions[0]); // [0.5, 1, 1.5, 2]: top 2 ends at 1
    }

    [Fact]
    public void HugeRungsDoNotOverflow()
    {
        var study = NewStudy(new SuccessiveHalvingPruner(minResource: int.MaxValue / 2, reductionFactor: 1000, minEarlyStoppingRate: 30));
        Assert.False(Run(study, (int.MaxValue, 1.0)).Decisions[0]);
    }
}
