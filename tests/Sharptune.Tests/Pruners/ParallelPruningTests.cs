using Sharptune.Pruners;
using Sharptune.Samplers;

namespace Sharptune.Tests.Pruners;

/// <summary>Pruners are shared by parallel trials: their lazy state (automatic resources, brackets) must hold.</summary>
public class ParallelPruningTests
{
    public static TheoryData<string> Pruners => ["median", "sha-auto", "hyperband-auto", "wilcoxon", "patient-hyperband", "objective-sha"];

    private static IPruner Create(string name) => name switch
    {
        "median" => new MedianPruner(nStartupTrials: 2),
        "sha-auto" => new SuccessiveHalvingPruner(reductionFactor: 3),
        "hyperband-auto" => new HyperbandPruner(),
        "wilcoxon" => new WilcoxonPruner(),
        "patient-hyperband" => new PatientPruner(new HyperbandPruner(), patience: 1),
        "objective-sha" => new ObjectivePruner(new SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3), 0),
        _ => throw new ArgumentException(name),
    };

    // Improves for 6 steps, then slowly worsens (so that PatientPruner hands over to the pruner it wraps).
    private static double Curve(double x, int step) => x + (1.0 / (Math.Min(step, 5) + 1)) + (0.001 * Math.Max(step - 5, 0));

    [Theory]
    [MemberData(nameof(Pruners))]
    public void ThreadsShareAPruner(string name)
    {
        var pruner = Create(name);
        bool multi = pruner is ObjectivePruner;
        var study = Study.Create(new StudyOptions
        {
            StudyName = "parallel-" + name,
            Pruner = pruner,
            Sampler = new RandomSampler(seed: 3),
            Directions = multi ? [StudyDirection.Minimize, StudyDirection.Minimize] : [StudyDirection.Minimize],
        });
        study.Optimize(
            t =>
            {
                double x = t.SuggestFloat("x", 0, 1);
                for (int step = 0; step < 27; step++)
                {
                    if (multi)
                    {
                        t.Report([Curve(x, step), 1 - x], step);
                    }
                    else
                    {
                        t.Report(Curve(x, step), step);
                    }

                    if (t.ShouldPrune())
                    {
                        throw new TrialPrunedException();
                    }
                }

                return multi ? [x, 1 - x] : [x];
            },
            new OptimizeOptions
            {
                NTrials = 80,
                Concurrency = 2,
            });

        var trials = study.Trials;
        Assert.Equal(80, trials.Count);
        Assert.All(trials, t => Assert.True(t.State is TrialState.Complete or TrialState.Pruned, $"trial {t.Number}: {t.State}"));
        Assert.Contains(trials, t => t.State == TrialState.Pruned);
        Assert.Contains(trials, t => t.State == TrialState.Complete);
    }

    [Fact]
    public async Task AsyncTrialsShareAHyperbandPrunerWithTimeouts()
    {
        var pruner = new HyperbandPruner(minResource: 1, maxResource: 9);
        var study = Study.Create(new StudyOptions { StudyName = "parallel-async", Pruner = pruner, Sampler = new RandomSampler(seed: 4) });
        await study.OptimizeAsync(async (t, ct) =>
        {
            double x = t.SuggestFloat("x", 0, 1);
            for (int step = 0; step < 9; step++)
            {
                await Task.Yield();
                t.Report(Curve(x, step), step);
                if (t.ShouldPrune())
                {
                    throw new TrialPrunedException();
                }

                if (x > 0.97)
                {
                    await Task.Delay(Timeout.Infinite, ct); // a hung trial, ended by the trial timeout
                }
            }

            return x;
        }, new OptimizeOptions { NTrials = 60, Concurrency = 4, TrialTimeout = TimeSpan.FromSeconds(0.3) }, TestContext.Current.CancellationToken);

        Assert.Equal(60, study.Trials.Count);
        Assert.All(study.Trials, t => Assert.True(t.State is TrialState.Complete or TrialState.Pruned));
        Assert.Equal(3, pruner.BracketCount);
    }
}
