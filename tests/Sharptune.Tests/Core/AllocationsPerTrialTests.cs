using Sharptune.Samplers;

namespace Sharptune.Tests.Core;

/// <summary>
/// Pins how many bytes one in-memory trial allocates on its thread (ask, five suggestions, tell), averaged over many
/// trials after a warm-up: objects per trial are most of a fresh process's cost beyond the sampling itself (the GC
/// and first-touch memory), so a change that adds them fails here instead of creeping into the speed figures.
/// The budgets sit about a quarter above what the trial path allocates today (Random 0.60 KB through Ask and Tell, which
/// builds the told trial, and 0.30 KB through the optimize loop; TPE 3.4 KB here at 300–500 trials).
/// </summary>
public sealed class AllocationsPerTrialTests(ITestOutputHelper output)
{
    private static readonly string[] Names = ["x0", "x1", "x2", "x3", "x4"];

    [Fact]
    public void RandomSamplerAskTellTrialAllocatesUnder800Bytes()
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 1) });
        double perTrial = BytesPerTrial(study, warmUp: 200, trials: 2000);
        output.WriteLine($"random: {perTrial:F0} bytes per trial");
        Assert.InRange(perTrial, 256, 800);
    }

    [Fact]
    public void RandomSamplerOptimizeLoopAllocatesUnderFourHundredBytesPerTrial()
    {
        // The loop that the speed figures run: no Tell result is built, the live trial reads the in-memory storage's
        // parameter table, and a single value is stored as a number. What remains is the live trial object, the
        // stored trial and its parameter values, and a slot in each of the storage's two trial lists.
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 1) });
        study.Optimize(Objective, nTrials: 200);
        long before = GC.GetAllocatedBytesForCurrentThread();
        study.Optimize(Objective, nTrials: 2000);
        double perTrial = (GC.GetAllocatedBytesForCurrentThread() - before) / 2000.0;
        output.WriteLine($"random, optimize loop: {perTrial:F0} bytes per trial");
        Assert.InRange(perTrial, 200, 400);
        Assert.Equal(2200, study.Trials.Count);
        Assert.All(study.Trials, t => Assert.Equal(t.Params.Values.Sum(v => ((double)v! * (double)v!)), t.Values![0], 12));

        static double Objective(ITrial trial)
        {
            double sum = 0;
            foreach (string name in Names)
            {
                double x = trial.SuggestFloat(name, -5, 5);
                sum += x * x;
            }

            return sum;
        }
    }

    [Fact]
    public void TpeSamplerTrialAllocatesUnderFiveKilobytes()
    {
        // 300 trials: the above set holds about 275 kernels, the refinement runs (no other trial is in flight).
        var study = Study.Create(new StudyOptions { Sampler = new TpeSampler(seed: 1) });
        double perTrial = BytesPerTrial(study, warmUp: 300, trials: 200);
        output.WriteLine($"tpe: {perTrial:F0} bytes per trial");
        Assert.InRange(perTrial, 1024, 5 * 1024); // 3.4 KB: the kept above mixture, reused containers
    }

    private static double BytesPerTrial(Study study, int warmUp, int trials)
    {
        for (int i = 0; i < warmUp; i++)
        {
            RunOne(study);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < trials; i++)
        {
            RunOne(study);
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)trials;
    }

    private static void RunOne(Study study)
    {
        var trial = study.Ask();
        double sum = 0;
        foreach (string name in Names)
        {
            double x = trial.SuggestFloat(name, -5, 5);
            sum += x * x;
        }

        study.Tell(trial, sum);
    }
}
