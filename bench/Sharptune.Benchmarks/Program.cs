using System.Diagnostics;
using BenchmarkDotNet.Running;
using Sharptune;
using Sharptune.Samplers;

if (args.Length > 0 && args[0] == "parallel")
{
    ParallelThroughput.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100);
    return;
}

if (args.Length > 0 && args[0] == "random-workload")
{
    // The same workload as `optuna_speed.py random`: RandomSampler(seed=0), 10000 trials of the 5-D sphere.
    for (int rep = 0; rep < 3; rep++)
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 0) });
        var sw = Stopwatch.StartNew();
        study.Optimize(t =>
        {
            double v = 0;
            for (int i = 0; i < 5; i++)
            {
                double x = t.SuggestFloat(SphereNames.Get(i), -5, 5) - 1;
                v += x * x;
            }

            return v;
        }, nTrials: 10000);
        sw.Stop();
        Console.WriteLine($"sharptune\trandom-sphere5\t10000\t{sw.Elapsed.TotalSeconds:F3}s\t{sw.Elapsed.TotalMilliseconds / 10000:F4}ms/trial");
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>
/// The issue-2 concurrency figure: a CPU-bound objective of about 10 ms, trials per second with Concurrency 1
/// and 2 (OptimizeAsync) and nJobs 1 and 2 (Optimize).
/// </summary>
internal static class ParallelThroughput
{
    public static void Run(int nTrials)
    {
        static double Objective(ITrial t)
        {
            // ~10 ms of arithmetic, independent of the other core.
            double x = t.SuggestFloat("x", -5, 5);
            var sw = Stopwatch.StartNew();
            double acc = x;
            while (sw.Elapsed.TotalMilliseconds < 10)
            {
                for (int i = 0; i < 1000; i++)
                {
                    acc = Math.Sqrt((acc * acc) + 1.0);
                }
            }

            return (x * x) + (acc * 0);
        }

        Measure("OptimizeAsync Concurrency 1", nTrials, s => s.OptimizeAsync((t, _) => ValueTask.FromResult(Objective(t)), new OptimizeOptions { NTrials = nTrials, Concurrency = 1 }).GetAwaiter().GetResult());
        Measure("OptimizeAsync Concurrency 2", nTrials, s => s.OptimizeAsync((t, _) => ValueTask.FromResult(Objective(t)), new OptimizeOptions { NTrials = nTrials, Concurrency = 2 }).GetAwaiter().GetResult());
        Measure("Optimize nJobs 1", nTrials, s => s.Optimize(Objective, new OptimizeOptions { NTrials = nTrials, Concurrency = 1 }));
        Measure("Optimize nJobs 2", nTrials, s => s.Optimize(Objective, new OptimizeOptions { NTrials = nTrials, Concurrency = 2 }));
    }

    private static void Measure(string name, int nTrials, Action<Study> run)
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 0) });
        var sw = Stopwatch.StartNew();
        run(study);
        sw.Stop();
        Console.WriteLine($"{name}: {nTrials} trials in {sw.Elapsed.TotalSeconds:F3} s = {nTrials / sw.Elapsed.TotalSeconds:F1} trials/s");
    }
}

internal static class SphereNames
{
    private static readonly string[] Names = ["x0", "x1", "x2", "x3", "x4"];

    public static string Get(int i) => Names[i];
}
