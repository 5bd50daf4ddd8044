using Sharptune.Pruners;

namespace Sharptune.Tests.Pruners;

/// <summary>DominancePruner and ObjectivePruner: pruning that Optuna cannot do.</summary>
public class MultiObjectivePruningTests
{
    private static readonly StudyDirection[] MinMax = [StudyDirection.Minimize, StudyDirection.Maximize];

    private static Study NewStudy(IPruner pruner, IReadOnlyList<StudyDirection>? directions = null) =>
        Study.Create(new StudyOptions { Pruner = pruner, Directions = directions ?? MinMax });

    /// <summary>Runs a trial to completion with one vector per step; its values are the last vector.</summary>
    private static void Complete(Study study, params double[][] vectors)
    {
        var trial = study.Ask();
        for (int step = 0; step < vectors.Length; step++)
        {
            trial.Report(vectors[step], step);
        }

        study.Tell(trial, vectors[^1]);
    }

    private static bool[] Decisions(Study study, params double[][] vectors)
    {
        var trial = study.Ask();
        var decisions = new bool[vectors.Length];
        for (int step = 0; step < vectors.Length; step++)
        {
            trial.Report(vectors[step], step);
            decisions[step] = trial.ShouldPrune();
        }

        return decisions;
    }

    [Fact]
    public void DominancePrunesATrialDominatedByEnoughCompleteTrialsAtTheStep()
    {
        // Minimize the first objective, maximize the second. Four COMPLETE trials at step 0.
        var study = NewStudy(new DominancePruner(dominatedFraction: 0.5, nStartupTrials: 4));
        Complete(study, [1.0, 4.0]);
        Complete(study, [2.0, 3.0]);
        Complete(study, [3.0, 2.0]);
        Complete(study, [4.0, 1.0]);

        Assert.Equal([true], Decisions(study, [3.5, 1.5])); // dominated by [1,4], [2,3], [3,2]: 3 ≥ 0.5 · 4
        Assert.Equal([true], Decisions(study, [2.5, 2.5])); // dominated by [1,4], [2,3]: 2 ≥ 2
        Assert.Equal([false], Decisions(study, [1.5, 3.5])); // dominated by [1,4] only: 1 < 2
        Assert.Equal([false], Decisions(study, [0.5, 0.5])); // on the front
        Assert.Equal([false], Decisions(study, [1.0, 4.0])); // equal to a trial: not dominated
    }

    [Fact]
    public void DominanceFractionZeroPrunesAnyDominatedTrialAndOneNeedsAll()
    {
        var any = NewStudy(new DominancePruner(dominatedFraction: 0.0, nStartupTrials: 1));
        Complete(any, [1.0, 4.0]);
        Complete(any, [5.0, 0.0]);
        Assert.Equal([true], Decisions(any, [1.5, 3.5]));
        Assert.Equal([false], Decisions(any, [0.5, 3.5]));

        var all = NewStudy(new DominancePruner(dominatedFraction: 1.0, nStartupTrials: 1));
        Complete(all, [1.0, 4.0]);
        Complete(all, [2.0, 3.0]);
        Assert.Equal([false], Decisions(all, [1.5, 3.5]));
        Assert.Equal([true], Decisions(all, [2.5, 2.5]));
    }

    [Fact]
    public void DominanceComparesAtTheSameStepWithStartupWarmupIntervalAndNMinTrials()
    {
        var study = NewStudy(new DominancePruner(nStartupTrials: 2, nWarmupSteps: 1, intervalSteps: 2, nMinTrials: 2));
        Complete(study, [9.0, 0.0], [1.0, 9.0], [1.0, 9.0], [1.0, 9.0]);
        Assert.Equal([false, false, false, false], Decisions(study, [5.0, 5.0], [5.0, 5.0], [5.0, 5.0], [5.0, 5.0])); // one COMPLETE trial
        Complete(study, [9.0, 0.0], [1.0, 9.0], [1.0, 9.0]);

        // Step 0: warm-up. Step 1: dominated by both. Step 2: not a pruning step. Step 3: only one trial reached it.
        Assert.Equal([false, true, false, false], Decisions(study, [5.0, 5.0], [5.0, 5.0], [5.0, 5.0], [5.0, 5.0]));

        // FAIL, PRUNED and RUNNING trials are not in the reference set.
        var pruned = study.Ask();
        pruned.Report([0.0, 99.0], 1);
        study.Tell(pruned, state: TrialState.Pruned);
        Assert.Equal([false, true], Decisions(study, [5.0, 5.0], [5.0, 5.0]));
    }

    [Fact]
    public void DominanceHandlesNaN()
    {
        var study = NewStudy(new DominancePruner(nStartupTrials: 1));
        Complete(study, [double.NaN, 1.0], [2.0, 2.0]);
        Assert.Equal([true], Decisions(study, [1.0, double.NaN])); // a NaN component prunes
        Assert.Equal([false], Decisions(study, [5.0, 0.0])); // the only reference vector has NaN: none to compare
        var trial = Decisions(study, [0.0, 9.0], [3.0, 1.0]);
        Assert.Equal([false, true], trial);
    }

    [Fact]
    public void DominanceWorksInSingleObjectiveStudiesToo()
    {
        var study = NewStudy(new DominancePruner(nStartupTrials: 2), [StudyDirection.Minimize]);
        study.AddTrial(Trials.Create(value: 1, intermediateValues: new Dictionary<int, double> { [0] = 1 }));
        study.AddTrial(Trials.Create(value: 3, intermediateValues: new Dictionary<int, double> { [0] = 3 }));
        Assert.Equal([true], Decisions(study, [4.0]));
        Assert.Equal([true], Decisions(study, [2.0])); // beaten by one of two: 1 ≥ 0.5 · 2
        Assert.Equal([false], Decisions(study, [1.0])); // a tie does not dominate
    }

    [Fact]
    public void DominanceArguments()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DominancePruner(dominatedFraction: 1.5));
        Assert.StartsWith("The dominated fraction must be between 0 and 1 inclusive, but got dominated_fraction=1.5.", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DominancePruner(dominatedFraction: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DominancePruner(nStartupTrials: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DominancePruner(nWarmupSteps: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DominancePruner(intervalSteps: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DominancePruner(nMinTrials: 0));
        Assert.True(((IPruner)new DominancePruner()).SupportsMultiObjective);
    }

    [Fact]
    public void ObjectivePrunerAppliesAMedianPrunerToTheChosenObjective()
    {
        // Objective 1 is maximized: the wrapped median pruner sees a maximize study of its values.
        var study = NewStudy(new ObjectivePruner(new MedianPruner(nStartupTrials: 3), objectiveIndex: 1));
        Complete(study, [9.0, 1.0]);
        Complete(study, [9.0, 2.0]);
        Complete(study, [9.0, 3.0]);
        Assert.Equal([true], Decisions(study, [0.0, 1.5])); // below the median 2 of objective 1; objective 0 ignored
        Assert.Equal([false], Decisions(study, [99.0, 2.5]));

        var first = NewStudy(new ObjectivePruner(new MedianPruner(nStartupTrials: 3), objectiveIndex: 0));
        Complete(first, [1.0, 9.0]);
        Complete(first, [2.0, 9.0]);
        Complete(first, [3.0, 9.0]);
        Assert.Equal([true], Decisions(first, [2.5, 99.0]));
        Assert.Equal([false], Decisions(first, [1.5, -99.0]));
    }

    [Fact]
    public void ObjectivePrunerRunsSuccessiveHalvingAndWilcoxonOnOneObjective()
    {
        var sha = NewStudy(new ObjectivePruner(new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2), 0));
        Assert.Equal([false, false], Decisions(sha, [5.0, 0.0], [1.0, 0.0]));
        Assert.Equal([false, true], Decisions(sha, [5.0, 0.0], [2.0, 0.0])); // rung 0: [1, 2], top 1 is 1
        var rungTrial = sha.Trials[0];
        Assert.Equal(1.0, rungTrial.SystemAttrs["completed_rung_0"]); // recorded on the real trial

        var wilcoxon = NewStudy(new ObjectivePruner(new WilcoxonPruner(), 1));
        Complete(wilcoxon, [0.0, 5.0], [0.0, 5.0], [0.0, 5.0], [0.0, 5.0], [0.0, 5.0]); // best of objective 1 (maximized)
        Assert.Equal([false, false, false, true, true], Decisions(wilcoxon, [0.0, 4.0], [0.0, 4.0], [0.0, 4.0], [0.0, 4.0], [0.0, 4.0]));
    }

    [Fact]
    public void ObjectivePrunerChecksTheIndexAndPassesSingleObjectiveStudiesThrough()
    {
        Assert.StartsWith("The objective index cannot be negative", Assert.Throws<ArgumentOutOfRangeException>(() => new ObjectivePruner(new NopPruner(), -1)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => new ObjectivePruner(null!, 0));
        var tooFar = NewStudy(new ObjectivePruner(new NopPruner(), 2)).Ask();
        tooFar.Report([1.0, 2.0], 0);
        Assert.Contains("out of range for a study with 2 objectives", Assert.Throws<ArgumentOutOfRangeException>(() => tooFar.ShouldPrune()).Message, StringComparison.Ordinal);

        var single = Study.Create(new StudyOptions { Pruner = new ObjectivePruner(new ThresholdPruner(upper: 1), 0) });
        var trial = single.Ask();
        trial.Report(2.0, 0);
        Assert.True(trial.ShouldPrune());
    }

    [Fact]
    public void ObjectivePrunerKeepsHyperbandBrackets()
    {
        var hyperband = new HyperbandPruner(minResource: 1, maxResource: 27, reductionFactor: 3);
        var sampler = new RecordingSampler();
        var study = Study.Create(new StudyOptions { StudyName = "mo-hb", Directions = MinMax, Pruner = new ObjectivePruner(hyperband, 0), Sampler = sampler });
        study.Optimize(t =>
        {
            double x = t.SuggestFloat("x", 0, 1) + (t.Number * 7919 % 31 / 31.0);
            for (int step = 0; step < 27; step++)
            {
                t.Report([x + (1.0 / (step + 1)), -x], step);
                if (t.ShouldPrune())
                {
                    throw new TrialPrunedException();
                }
            }

            return [x, -x];
        }, nTrials: 30);

        Assert.Equal(4, hyperband.BracketCount);
        Assert.Contains(study.Trials, t => t.State == TrialState.Pruned && t.Values is { Count: 2 });
        foreach (var (hook, trial, seen) in sampler.Calls.Where(c => c.Trial > 0))
        {
            Assert.All(seen, n => Assert.True(hyperband.GetBracketId("mo-hb", n) == hyperband.GetBracketId("mo-hb", trial), $"{hook} of {trial} saw {n}"));
        }
    }
}
