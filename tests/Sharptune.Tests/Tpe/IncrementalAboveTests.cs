using Sharptune.Samplers;

namespace Sharptune.Tests.Tpe;

/// <summary>
/// The above mixture that large studies keep from one trial to the next must give exactly the trials of the one
/// rebuilt for every trial: the same bandwidths, constants, start terms and packing, so the same acquisition argmax.
/// </summary>
public sealed class IncrementalAboveTests
{
    private static readonly FloatDistribution Unit = new(0, 1);
    private static readonly FloatDistribution LogRange = new(1e-3, 10, log: true);

    /// <summary>A study with <paramref name="preload"/> finished random trials, then TPE trials asked and told.</summary>
    private static (List<double[]> Params, TpeSampler Sampler, Study Study) Run(bool incremental, int preload, int asked, Func<int, int>? gamma = null, Func<Random, double>? x0 = null, int batch = 1, Func<TpeSampler>? create = null, int changeLimit = 0)
    {
        var sampler = create?.Invoke() ?? new TpeSampler(seed: 11, gamma: gamma);
        sampler.IncrementalAboveEnabled = incremental;
        var study = Study.Create(new StudyOptions { Sampler = sampler });
        if (changeLimit > 0)
        {
            sampler.SetMembershipChangeLimit(study, changeLimit);
        }

        var rng = new Random(5);
        for (int i = 0; i < preload; i++)
        {
            var p = new Dictionary<string, object?>
            {
                ["x0"] = x0 is null ? rng.NextDouble() : x0(rng),
                ["x1"] = rng.NextDouble(),
                ["lr"] = Math.Exp(Math.Log(1e-3) + (rng.NextDouble() * Math.Log(1e4))),
            };
            study.AddTrial(Trials.Create(
                value: Objective((double)p["x0"]!, (double)p["x1"]!, (double)p["lr"]!),
                @params: p,
                distributions: new Dictionary<string, Distribution> { ["x0"] = Unit, ["x1"] = Unit, ["lr"] = LogRange }));
        }

        var drawn = new List<double[]>();
        var open = new Queue<(ITrial Trial, double Value)>();
        for (int i = 0; i < asked; i++)
        {
            var trial = study.Ask();
            double a = trial.SuggestFloat("x0", 0, 1), b = trial.SuggestFloat("x1", 0, 1), lr = trial.SuggestFloat("lr", 1e-3, 10, log: true);
            drawn.Add([a, b, lr]);
            open.Enqueue((trial, Objective(a, b, lr)));
            if (open.Count < batch)
            {
                continue;
            }

            while (open.Count > 0)
            {
                var (t, v) = open.Dequeue();
                study.Tell(t, v);
            }
        }

        while (open.Count > 0)
        {
            var (t, v) = open.Dequeue();
            study.Tell(t, v);
        }

        return (drawn, sampler, study);
    }

    private static double Objective(double x0, double x1, double lr) =>
        ((x0 - 0.3) * (x0 - 0.3)) + ((x1 - 0.6) * (x1 - 0.6)) + (0.1 * Math.Abs(Math.Log10(lr) + 1));

    private static void AssertSameTrials(List<double[]> expected, List<double[]> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].SequenceEqual(actual[i]), $"trial {i}: [{string.Join(", ", actual[i])}] against [{string.Join(", ", expected[i])}] rebuilt");
        }
    }

    [Fact]
    public void AKeptMixtureDrawsTheTrialsOfTheRebuiltOne()
    {
        var (rebuilt, _, _) = Run(incremental: false, preload: 3100, asked: 120);
        var (kept, sampler, study) = Run(incremental: true, preload: 3100, asked: 120);
        AssertSameTrials(rebuilt, kept);

        // One full pass for the first TPE trial, then every trial updated the kept mixture in place; the new trials
        // crowd a few cells of the packing, which is laid out anew when one of them is full.
        var (full, updates, layouts, disabled) = sampler.IncrementalAboveStats(study);
        Assert.Equal(1, full);
        Assert.Equal(119, updates);
        Assert.InRange(layouts, 2, 60);
        Assert.False(disabled);
    }

    [Fact]
    public void TrialsLeavingTheAboveSetAreRemovedFromTheKeptMixture()
    {
        // A growing gamma moves a trial from above to below every tenth trial.
        static int Gamma(int n) => (int)Math.Ceiling(0.1 * n);
        var (rebuilt, _, _) = Run(incremental: false, preload: 3400, asked: 80, gamma: Gamma);
        var (kept, sampler, study) = Run(incremental: true, preload: 3400, asked: 80, gamma: Gamma);
        AssertSameTrials(rebuilt, kept);
        var (full, updates, _, _) = sampler.IncrementalAboveStats(study);
        Assert.Equal(1, full);
        Assert.Equal(79, updates);
    }

    [Fact]
    public void RunningTrialsFallBackToTheRebuiltMixtureAndTheKeptOneCatchesUp()
    {
        // Trials asked three at a time, then told: the second and third of each batch see running trials, which the
        // constant liar puts among the observations and only the rebuilt estimator holds; the first of the next batch
        // finds the kept mixture three trials behind and catches up.
        var (rebuilt, _, _) = Run(incremental: false, preload: 3100, asked: 60, batch: 3);
        var (kept, sampler, study) = Run(incremental: true, preload: 3100, asked: 60, batch: 3);
        AssertSameTrials(rebuilt, kept);
        var (full, updates, _, disabled) = sampler.IncrementalAboveStats(study);
        Assert.Equal((1, 19, false), (full, updates, disabled));
    }

    [Fact]
    public void EqualMeansTurnTheKeptMixtureOffAndTheTrialsStayTheSame()
    {
        // x0 takes one of 50 values: the rebuilt estimator orders equal means as NumPy's argsort does, which the kept
        // one does not reproduce, so it steps aside for the study.
        static double Coarse(Random rng) => rng.Next(50) / 49.0;
        var (rebuilt, _, _) = Run(incremental: false, preload: 3100, asked: 20, x0: Coarse);
        var (kept, sampler, study) = Run(incremental: true, preload: 3100, asked: 20, x0: Coarse);
        AssertSameTrials(rebuilt, kept);
        var (_, updates, _, disabled) = sampler.IncrementalAboveStats(study);
        Assert.True(disabled);
        Assert.Equal(0, updates);
    }

    [Theory]
    [InlineData(3100, true, true, 1.0)]
    [InlineData(3100, false, false, 2.5)]
    [InlineData(500, true, false, 0.5)]
    [InlineData(500, false, true, 1.0)]
    public void EveryBandwidthSettingDrawsTheSameTrials(int preload, bool considerEndpoints, bool considerMagicClip, double priorWeight)
    {
        TpeSampler Create() => new(seed: 21, considerEndpoints: considerEndpoints, considerMagicClip: considerMagicClip, priorWeight: priorWeight);
        var (rebuilt, _, _) = Run(incremental: false, preload: preload, asked: 30, create: Create);
        var (kept, sampler, study) = Run(incremental: true, preload: preload, asked: 30, create: Create);
        AssertSameTrials(rebuilt, kept);
        var (full, updates, _, disabled) = sampler.IncrementalAboveStats(study);
        Assert.Equal((1, 29, false), (full, updates, disabled));
    }

    [Fact]
    public void GroupedConditionalSpacesKeepOneMixturePerGroup()
    {
        static List<double[]> Trials(bool incremental, out int mixtures)
        {
            var sampler = new TpeSampler(seed: 8, multivariate: true, group: true) { IncrementalAboveEnabled = incremental };
            var study = Study.Create(new StudyOptions { Sampler = sampler });
            var drawn = new List<double[]>();
            study.Optimize(
                t =>
                {
                    double x = t.SuggestFloat("x", -2, 2), w = t.SuggestFloat("w", -2, 2);
                    double y = x > 0 ? t.SuggestFloat("y", 0, 3) : t.SuggestFloat("z", 0.1, 3, log: true);
                    double v = x > 0 ? t.SuggestFloat("v", -1, 1) : 0;
                    drawn.Add([x, w, y, v]);
                    return ((x - 0.5) * (x - 0.5)) + (w * w) + Math.Abs(y - 1) + (v * v);
                },
                nTrials: 250);
            mixtures = incremental ? sampler.IncrementalAboveStats(study).Updates : 0;
            return drawn;
        }

        var rebuilt = Trials(incremental: false, out _);
        var kept = Trials(incremental: true, out int updates);
        AssertSameTrials(rebuilt, kept);
        Assert.True(updates > 100, $"{updates} updates");
    }

    [Fact]
    public void AStudyKeepsAtMostEightMixturesTheLeastRecentlyUsedGoingFirst()
    {
        var study = Study.Create();
        var state = new Sharptune.Samplers.Tpe.TpeStudyState(study, study.History);
        var settings = new Sharptune.Samplers.Tpe.ParzenSettings(1.0, true, false);
        Sharptune.Samplers.Tpe.TpeDimension[] Space(double high) =>
            [Sharptune.Samplers.Tpe.TpeDimension.Create("a", new FloatDistribution(0, high)), Sharptune.Samplers.Tpe.TpeDimension.Create("b", new FloatDistribution(0, 1))];

        var first = state.AboveFor(Space(1), settings);
        var second = state.AboveFor(Space(2), settings);
        Assert.Same(first, state.AboveFor(Space(1), settings)); // the same space: the same mixture, now the most recent
        for (int i = 3; i <= 9; i++)
        {
            state.AboveFor(Space(i), settings);
        }

        Assert.Equal(Sharptune.Samplers.Tpe.TpeStudyState.MaxKeptMixtures, state.Aboves.Count);
        Assert.Same(first, state.AboveFor(Space(1), settings));
        Assert.DoesNotContain(second, state.Aboves); // the least recently used went first
    }

    [Fact]
    public void TrimmingTheListOfChangesKeepsTheTrials()
    {
        // The list of membership changes trimmed every few trials (its usual limit is 65,536 entries): a mixture that
        // read the list keeps its place, and the trials stay those of the rebuilt estimator.
        var (rebuilt, _, _) = Run(incremental: false, preload: 600, asked: 60);
        var (kept, sampler, study) = Run(incremental: true, preload: 600, asked: 60, changeLimit: 8);
        AssertSameTrials(rebuilt, kept);
        var (full, updates, _, _) = sampler.IncrementalAboveStats(study);
        Assert.Equal((1, 59), (full, updates));
    }

    [Fact]
    public void SmallStudiesKeepTheirMixtureToo()
    {
        // Below the cell packing the kept kernels are packed anew in one run, exactly as the estimator packs them.
        var (rebuilt, _, _) = Run(incremental: false, preload: 500, asked: 40);
        var (kept, sampler, study) = Run(incremental: true, preload: 500, asked: 40);
        AssertSameTrials(rebuilt, kept);
        Assert.Equal((1, 39, 0, false), sampler.IncrementalAboveStats(study));
    }

    [Fact]
    public void AStudyFromItsFirstTrialDrawsTheSameTrialsEitherWay()
    {
        // From the first TPE trial on: the clip of the bandwidths changes with every trial below 98 observations
        // (a full pass each time), then the kept mixture is updated in place.
        static List<double[]> Trials(bool incremental, out (int, int, int, bool) stats)
        {
            var sampler = new TpeSampler(seed: 3) { IncrementalAboveEnabled = incremental };
            var study = Study.Create(new StudyOptions { Sampler = sampler });
            var drawn = new List<double[]>();
            study.Optimize(
                t =>
                {
                    double a = t.SuggestFloat("x0", -5, 5), b = t.SuggestFloat("x1", -5, 5), lr = t.SuggestFloat("lr", 1e-3, 10, log: true);
                    drawn.Add([a, b, lr]);
                    return Objective(a, b, lr);
                },
                nTrials: 300);
            stats = sampler.IncrementalAboveStats(study);
            return drawn;
        }

        var rebuilt = Trials(incremental: false, out _);
        var kept = Trials(incremental: true, out var stats);
        AssertSameTrials(rebuilt, kept);
        var (full, updates, layouts, disabled) = stats;
        Assert.InRange(full, 80, 110);
        Assert.Equal(290 - full, updates);
        Assert.Equal(0, layouts);
        Assert.False(disabled);
    }
}
