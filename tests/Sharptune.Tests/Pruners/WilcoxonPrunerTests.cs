using Microsoft.Extensions.Logging;
using Sharptune.Pruners;
using Sharptune.Tests.Support;

namespace Sharptune.Tests.Pruners;

public class WilcoxonPrunerTests
{
    private static (Study Study, TestLoggerFactory Logs) NewStudy(WilcoxonPruner pruner, StudyDirection direction = StudyDirection.Minimize)
    {
        var logs = new TestLoggerFactory();
        return (Study.Create(new StudyOptions { Pruner = pruner, Direction = direction, LoggerFactory = logs }), logs);
    }

    private static void AddBest(Study study, double value, params double[] instances) =>
        study.AddTrial(Trials.Create(TrialState.Complete, value: value, intermediateValues: instances.Select((v, i) => (i, v)).ToDictionary()));

    private static bool[] Decisions(Study study, params double[] instances)
    {
        var trial = study.Ask();
        var decisions = new bool[instances.Length];
        for (int i = 0; i < instances.Length; i++)
        {
            trial.Report(instances[i], i);
            decisions[i] = trial.ShouldPrune();
        }

        study.Tell(trial, state: TrialState.Pruned);
        return decisions;
    }

    [Fact]
    public void PrunesATrialTheTestFindsWorseThanTheBest()
    {
        var (study, _) = NewStudy(new WilcoxonPruner());
        AddBest(study, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        // Every difference is +1: tied ranks, so SciPy's exact permutation test over the 2^n sign flips gives
        // p = 2^-n; p < 0.1 from n = 4 on. Two pairs are always needed.
        Assert.Equal([false, false, false, true, true], Decisions(study, 1, 1, 1, 1, 1));
        Assert.Equal([false, false, false, false, false], Decisions(study, 0, 0, 0, 0, 0)); // zero differences: p = 1
    }

    [Fact]
    public void TheSafetyRuleKeepsATrialWhoseMeanIsBetter()
    {
        var (study, _) = NewStudy(new WilcoxonPruner(pThreshold: 0.1));
        AddBest(study, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100);

        // Nine differences of +1 (tied rank 5) and one of −99 (rank 10): r_plus = 45, reached by 47 of the 1024 sign
        // flips (9, 9 + the 10, 8 + the 10, 7 + the 10 fives): p = 47 / 1024 < 0.1, but the trial's mean (1) beats
        // the best's (10).
        double[] d = [1, 1, 1, 1, 1, 1, 1, 1, 1, -99];
        Assert.Equal(47.0 / 1024, SignedRankTest.PValue(d, Alternative.Greater), 15);
        Assert.False(Decisions(study, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)[^1]);
    }

    [Fact]
    public void MaximizeUsesTheOtherTail()
    {
        var (study, _) = NewStudy(new WilcoxonPruner(), StudyDirection.Maximize);
        AddBest(study, 5, 5, 5, 5, 5, 5);
        Assert.Equal([false, false, false, true, true], Decisions(study, 4, 4.5, 3, 4.9, 4.2));
        Assert.Equal([false, false, false, false, false], Decisions(study, 6, 5.5, 7, 5.1, 5.8));
    }

    [Fact]
    public void StartupStepsCountPairedSteps()
    {
        var (study, logs) = NewStudy(new WilcoxonPruner(nStartupSteps: 6));
        AddBest(study, 0, 0, 0, 0, 0, 0, 0);
        Assert.Equal([false, false, false, false, false, true], Decisions(study, 1, 1, 1, 1, 1, 1));

        // Steps the best trial lacks are not paired (with a warning).
        var trial = study.Ask();
        for (int i = 0; i < 6; i++)
        {
            trial.Report(1, i + 3);
        }

        Assert.False(trial.ShouldPrune());
        Assert.Contains("WilcoxonPruner finds steps existing in the current trial but does not exist in the best trial. Those values are ignored.", logs.Messages);
    }

    [Fact]
    public void NothingIsPrunedWithoutAUsableBestTrialOrWithNonFiniteValues()
    {
        var (study, logs) = NewStudy(new WilcoxonPruner());
        Assert.Equal([false, false, false, false], Decisions(study, 1, 1, 1, 1)); // no COMPLETE trial
        study.AddTrial(Trials.Create(TrialState.Complete, value: -1));
        Assert.Equal([false, false, false, false], Decisions(study, 1, 1, 1, 1));
        Assert.Contains(logs.Messages, m => m.StartsWith("The best trial has no intermediate values so WilcoxonPruner cannot prune trials.", StringComparison.Ordinal));

        AddBest(study, -2, 0, 0, 0, 0, 0);
        Assert.Equal([false, false, false, false, false], Decisions(study, 1, 1, 1, double.NaN, 1));
        Assert.Contains(logs.Messages, m => m.Contains("contain infinity/NaNs. WilcoxonPruner will not prune this trial.", StringComparison.Ordinal));

        AddBest(study, -3, 0, 0, 0, double.PositiveInfinity, 0);
        Assert.Equal([false, false, false, false, false], Decisions(study, 1, 1, 1, 1, 1));
        Assert.Contains(logs.Messages, m => m.Contains("contain infinity/NaNs. WilcoxonPruner will not prune the current trial.", StringComparison.Ordinal));
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WilcoxonPruner(pThreshold: double.NaN));
        Assert.Equal(0.0, new WilcoxonPruner(pThreshold: 0).PThreshold);
        Assert.Equal(0, new WilcoxonPruner(nStartupSteps: 0).NStartupSteps);
    }
}

/// <summary>The signed-rank p-values where SciPy's data cannot check them (ties or zeros with n ≤ 50).</summary>
public class SignedRankTestTests
{
    /// <summary>Brute force: average ranks of |d| and r_plus (zsplit) for every one of the 2^n sign flips.</summary>
    private static double BruteForce(double[] d, Alternative alternative)
    {
        int n = d.Length;
        double[] ranks = new double[n];
        for (int i = 0; i < n; i++)
        {
            int less = d.Count(x => Math.Abs(x) < Math.Abs(d[i]));
            int equal = d.Count(x => Math.Abs(x) == Math.Abs(d[i]));
            ranks[i] = less + ((equal + 1) / 2.0);
        }

        double Statistic(Func<int, double> value) =>
            Enumerable.Range(0, n).Sum(i => value(i) > 0 ? ranks[i] : value(i) == 0 ? ranks[i] / 2 : 0);

        double observed = Statistic(i => d[i]);
        int hits = 0;
        for (int mask = 0; mask < 1 << n; mask++)
        {
            double s = Statistic(i => (mask & (1 << i)) != 0 ? -d[i] : d[i]);
            if (alternative == Alternative.Greater ? s >= observed : s <= observed)
            {
                hits++;
            }
        }

        return hits / (double)(1 << n);
    }

    [Fact]
    public void SmallSamplesWithTiesOrZerosUseTheExactPermutationDistribution()
    {
        var rng = new Random(5);
        for (int trial = 0; trial < 200; trial++)
        {
            int n = rng.Next(1, 14);
            double[] d = Enumerable.Range(0, n).Select(_ => (double)rng.Next(-3, 4)).ToArray(); // many ties and zeros
            foreach (var alternative in new[] { Alternative.Greater, Alternative.Less })
            {
                Assert.Equal(BruteForce(d, alternative), SignedRankTest.PValue(d, alternative), 14);
            }
        }
    }

    [Fact]
    public void SmallSamplesWithoutTiesUseTheExactDistribution()
    {
        var rng = new Random(6);
        for (int trial = 0; trial < 100; trial++)
        {
            int n = rng.Next(1, 15);
            double[] d = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.4).ToArray();
            Assert.Equal(BruteForce(d, Alternative.Greater), SignedRankTest.PValue(d, Alternative.Greater), 14);
        }
    }

    [Fact]
    public void MediumSamplesWithTiesOrZerosUseTheTieCorrectedNormalApproximation()
    {
        // n = 20: ten +1, five −2, five zeros. |d| ranks: zeros 1–5 (3), ones 6–15 (10.5), twos 16–20 (18).
        double[] d = [.. Enumerable.Repeat(1.0, 10), .. Enumerable.Repeat(-2.0, 5), .. Enumerable.Repeat(0.0, 5)];
        double rPlus = (10 * 10.5) + (5 * 3 / 2.0);
        double mean = 20 * 21 / 4.0;
        double tie = (5 * 5 * 5) - 5 + (10 * 10 * 10) - 10 + (5 * 5 * 5) - 5;
        double se = Math.Sqrt(((20 * 21 * 41) - (tie / 2)) / 24);
        double z = (rPlus - mean) / se;
        Assert.Equal(MathNet.Numerics.Distributions.Normal.CDF(0, 1, -z), SignedRankTest.PValue(d, Alternative.Greater), 15);
        Assert.Equal(MathNet.Numerics.Distributions.Normal.CDF(0, 1, z), SignedRankTest.PValue(d, Alternative.Less), 15);
        Assert.True(double.IsNaN(SignedRankTest.PValue([], Alternative.Less)));
    }
}
