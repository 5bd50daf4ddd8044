using System.Diagnostics;

namespace Sharptune.Bench;

/// <summary>
/// GP speed: 100 trials of the 5-D sphere with the default GpSampler (10 random startup trials); prints the mean wall
/// and CPU time per trial over all trials and over the last ten (the cost at 100 trials). Then the same study again
/// with trials 91–100 each asked while three others are still running (the batch acquisition, qLogEI).
/// </summary>
internal static class GpSpeed
{
    public static void Run(string version)
    {
        var study = Study.Create(new StudyOptions { Sampler = Registry.CreateSampler("gp", 0) });
        var process = Process.GetCurrentProcess();
        var clock = Stopwatch.StartNew();
        var cpu0 = process.TotalProcessorTime;
        study.Optimize(t => BenchFunctions.Sphere(t, 5), nTrials: 90);
        double first = clock.Elapsed.TotalSeconds;
        var cpu90 = Process.GetCurrentProcess().TotalProcessorTime;
        study.Optimize(t => BenchFunctions.Sphere(t, 5), nTrials: 10);
        double total = clock.Elapsed.TotalSeconds;
        var cpu100 = Process.GetCurrentProcess().TotalProcessorTime;
        Console.WriteLine($"{version}\tgp-sphere5\t100\t{total:F3}s\t{total / 100 * 1000:F3}ms/trial\tlast10 {(total - first) / 10 * 1000:F3}ms/trial");
        Console.Error.WriteLine($"  cpu {(cpu100 - cpu0).TotalSeconds:F3}s, last10 cpu {(cpu100 - cpu90).TotalMilliseconds / 10:F3}ms/trial");

        var parallel = Study.Create(new StudyOptions { Sampler = Registry.CreateSampler("gp", 0) });
        parallel.Optimize(t => BenchFunctions.Sphere(t, 5), nTrials: 87);
        var pending = new Queue<Trial>();
        for (int i = 0; i < 3; i++)
        {
            var t = parallel.Ask();
            BenchFunctions.Sphere(t, 5);
            pending.Enqueue(t);
        }

        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (int i = 0; i < 10; i++)
        {
            var t = parallel.Ask();
            double v = BenchFunctions.Sphere(t, 5);
            pending.Enqueue(t);
            var done = pending.Dequeue();
            parallel.Tell(done, BenchFunctions.Sphere(done, 5));
            _ = v;
        }

        var cpuEnd = Process.GetCurrentProcess().TotalProcessorTime;
        Console.WriteLine($"{version}	gp-sphere5-3-running	10	{wall.Elapsed.TotalMilliseconds / 10:F3}ms/trial	cpu {(cpuEnd - cpuStart).TotalMilliseconds / 10:F3}ms/trial");
    }
}
