using BenchmarkDotNet.Attributes;
using Sharptune;
using Sharptune.Samplers;

namespace Sharptune.Benchmarks;

/// <summary>
/// The issue-2 micro figure: one trial of the random sampler in memory = ask + 5 suggestions + tell. Each
/// invocation runs a fresh study of <see cref="Trials"/> trials, so the figure includes the growth of the study.
/// </summary>
[MemoryDiagnoser]
public class RandomTrialBenchmarks
{
    [Params(1000, 10000)]
    public int Trials { get; set; }

    [Benchmark(Description = "random ask + 5 suggests + tell (per trial)", OperationsPerInvoke = 10000)]
    public double AskSuggestTell()
    {
        // OperationsPerInvoke must be constant: run 10000 trials as 10000/Trials studies of Trials trials.
        double sum = 0;
        for (int s = 0; s < 10000 / Trials; s++)
        {
            var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 0) });
            for (int i = 0; i < Trials; i++)
            {
                var trial = study.Ask();
                double v = 0;
                for (int d = 0; d < 5; d++)
                {
                    double x = trial.SuggestFloat(Names[d], -5, 5) - 1;
                    v += x * x;
                }

                study.Tell(trial, v);
                sum += v;
            }
        }

        return sum;
    }

    private static readonly string[] Names = ["x0", "x1", "x2", "x3", "x4"];
}
