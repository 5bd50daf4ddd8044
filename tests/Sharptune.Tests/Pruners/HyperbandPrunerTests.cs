using Sharptune.Pruners;
using static Sharptune.Tests.Pruners.PrunerTestHelper;

namespace Sharptune.Tests.Pruners;

public class HyperbandPrunerTests
{
    [Fact]
    public void BracketsFollowOptunasFormulas()
    {
        // r = 1, R = 81, η = 3: log3(81) + 1 = 5 brackets with budgets ⌈5·3^s/(s+1)⌉ = 81, 34, 15, 8, 5.
        var pruner = new HyperbandPruner(minResource: 1, maxResource: 81, reductionFactor: 3);
        var study = NewStudy(pruner, name: "hb-formulas");
        Assert.Null(pruner.BracketCount);
        Assert.Equal(0, pruner.GetBracketId(study.StudyName, 12)); // before the brackets are built
        _ = Run(study, (0, 1.0));
        Assert.Equal(5, pruner.BracketCount);
        var counts = new int[5];
        for (int n = 0; n < 14300; n++)
        {
            counts[pruner.GetBracketId(study.StudyName, n)]++;
        }

        int[] budgets = [81, 34, 15, 8, 5];
        for (int b = 0; b < 5; b++)
        {
            Assert.InRange(counts[b] / 14300.0, (budgets[b] / 143.0) - 0.02, (budgets[b] / 143.0) + 0.02);
        }

        // The bracket depends on the study name and the trial number only.
        var again = new HyperbandPruner(minResource: 1, maxResource: 81, reductionFactor: 3);
        _ = Run(NewStudy(again, name: "hb-formulas-2"), (0, 1.0));
        Assert.All(Enumerable.Range(0, 50), n => Assert.Equal(pruner.GetBracketId("x", n), again.GetBracketId("x", n)));
    }

    [Fact]
    public void EachBracketIsASuccessiveHalvingWithItsOwnEarlyStoppingRate()
    {
        // r = 1, R = 9, η = 3: brackets 0, 1, 2 end their first rung at steps 1, 3 and 9.
        var pruner = new HyperbandPruner(minResource: 1, maxResource: 9, reductionFactor: 3);
        var study = NewStudy(pruner, name: "hb-rates");
        var firstRung = new Dictionary<int, int>();
        for (int i = 0; i < 30; i++)
        {
            var trial = study.Ask();
            int bracket = pruner.GetBracketId(study.StudyName, trial.Number);
            for (int step = 0; step <= 9; step++)
            {
                trial.Report(100 - trial.Number, step); // every trial is worse than the earlier ones
                _ = trial.ShouldPrune();
                if (study.Storage.GetTrial(trial.TrialId).SystemAttrs.ContainsKey("completed_rung_0"))
                {
                    firstRung.TryAdd(bracket, step);
                    break;
                }
            }

            study.Tell(trial, state: TrialState.Pruned);
        }

        Assert.Equal(new Dictionary<int, int> { [0] = 1, [1] = 3, [2] = 9 }, firstRung);
    }

    [Fact]
    public void SamplersAndRungsSeeOnlyTheTrialsOfTheBracket()
    {
        var pruner = new HyperbandPruner(minResource: 1, maxResource: 27, reductionFactor: 3);
        var sampler = new RecordingSampler();
        var study = Study.Create(new StudyOptions { StudyName = "hb-views", Pruner = pruner, Sampler = sampler });
        study.Optimize(t =>
        {
            double x = t.SuggestFloat("x", 0, 1) + (t.Number * 7919 % 31 / 31.0); // the recording sampler returns 0
            for (int step = 0; step < 27; step++)
            {
                t.Report(x + (1.0 / (step + 1)), step);
                if (t.ShouldPrune())
                {
                    throw new TrialPrunedException();
                }
            }

            return x;
        }, nTrials: 40);

        Assert.Equal(4, pruner.BracketCount);
        Assert.Contains(study.Trials, t => t.State == TrialState.Pruned);
        int BracketOf(int number) => pruner.GetBracketId(study.StudyName, number);
        foreach (var (hook, trial, seen) in sampler.Calls.Where(c => c.Trial > 0))
        {
            Assert.All(seen, n => Assert.True(BracketOf(n) == BracketOf(trial), $"{hook} of trial {trial} saw trial {n}"));
        }

        // Every bracket was used, and each rung competition stayed inside its bracket: a trial promoted past rung 0
        // was within the best third of the rung-0 values its own bracket had recorded before it (trials end in
        // number order here).
        Assert.Equal(4, study.Trials.Select(t => BracketOf(t.Number)).Distinct().Count());
        var trials = study.Trials;
        foreach (var t in trials.Where(t => t.SystemAttrs.ContainsKey("completed_rung_1")))
        {
            var earlier = trials.Where(o => o.Number <= t.Number && BracketOf(o.Number) == BracketOf(t.Number) && o.SystemAttrs.ContainsKey("completed_rung_0"))
                .Select(o => (double)o.SystemAttrs["completed_rung_0"]!).Order().ToList();
            double value = (double)t.SystemAttrs["completed_rung_0"]!;
            Assert.True(value <= earlier[Math.Max((earlier.Count / 3) - 1, 0)], $"trial {t.Number}");
        }
    }

    [Fact]
    public void AutomaticMaxResourceWaitsForACompleteTrial()
    {
        var pruner = new HyperbandPruner();
        var study = NewStudy(pruner);
        Assert.Equal([false, false, false], Decisions(study, 9, 9, 9));
        Assert.Null(pruner.MaxResource);
        AddComplete(study, Enumerable.Repeat(0.0, 9).ToArray()); // last step 8: R = 9, two brackets
        _ = Decisions(study, 0);
        Assert.Equal(9, pruner.MaxResource);
        Assert.Equal(3, pruner.BracketCount);

        // A minimum above the automatic maximum leaves no bracket: Optuna's behaviour, nothing is pruned.
        var none = new HyperbandPruner(minResource: 50);
        var s2 = NewStudy(none);
        AddComplete(s2, 0, 0, 0);
        Assert.All(Decisions(s2, Enumerable.Repeat(9.0, 60).ToArray()), Assert.False);
        Assert.Equal(0, none.BracketCount);
    }

    [Fact]
    public void WrappersKeepTheBrackets()
    {
        var hyperband = new HyperbandPruner(minResource: 1, maxResource: 27, reductionFactor: 3);
        var study = NewStudy(hyperband, name: "hb-wrapped");
        _ = Run(study, (0, 1.0));
        var frozen = study.Ask().ToFrozen();
        var patient = new PatientPruner(hyperband, patience: 1);
        var viaPatient = ((IPruner)patient).FilterStudy(study, frozen);
        Assert.True(viaPatient.IsView);
        Assert.Same(study, ((IPruner)new PatientPruner(null, 1)).FilterStudy(study, frozen));
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        Assert.StartsWith("The value of `min_resource` is 0", Assert.Throws<ArgumentOutOfRangeException>(() => new HyperbandPruner(minResource: 0)).Message, StringComparison.Ordinal);
        Assert.StartsWith("The value of `reduction_factor` is 1", Assert.Throws<ArgumentOutOfRangeException>(() => new HyperbandPruner(reductionFactor: 1)).Message, StringComparison.Ordinal);
        Assert.StartsWith("The value of `bootstrap_count` is -1", Assert.Throws<ArgumentOutOfRangeException>(() => new HyperbandPruner(maxResource: 9, bootstrapCount: -1)).Message, StringComparison.Ordinal);
        Assert.StartsWith("The value of `max_resource` is 3, but must be `max_resource >= min_resource` (4)", Assert.Throws<ArgumentOutOfRangeException>(() => new HyperbandPruner(minResource: 4, maxResource: 3)).Message, StringComparison.Ordinal);
        Assert.Equal(4, new HyperbandPruner(minResource: 4, maxResource: 4).MinResource);
    }
}
