using System.Diagnostics;
using Sharptune;
using Sharptune.Visualization;

/// <summary>
/// Times every plot of a large study (<c>--large [trials]</c>, default 100,000 trials of 10 parameters): making the
/// figure from the study, figure plus HTML file, and figure plus PNG file (made again), with the file sizes.
/// </summary>
internal static class LargeStudy
{
    public static void Run(string folder, int nTrials)
    {
        var clock = Stopwatch.StartNew();
        var study = Build(nTrials, multi: false);
        var multi = Build(nTrials, multi: true);
        Console.WriteLine($"built two studies of {nTrials:N0} trials x 10 parameters in {clock.Elapsed.TotalSeconds:F1} s");
        var plots = new (string Name, Func<Figure> Make)[]
        {
            ("optimization_history", () => study.PlotOptimizationHistory()),
            ("intermediate_values", () => study.PlotIntermediateValues()),
            ("parallel_coordinate", () => study.PlotParallelCoordinate()),
            ("contour", () => study.PlotContour(new ContourOptions { Params = ["p0", "p1"] })),
            ("contour_matrix_4", () => study.PlotContour(new ContourOptions { Params = ["p0", "p1", "p2", "p3"] })),
            ("slice", () => study.PlotSlice()),
            ("edf", () => study.PlotEdf()),
            ("rank", () => study.PlotRank(new RankOptions { Params = ["p0", "p1", "p2"] })),
            ("timeline", () => study.PlotTimeline()),
            ("param_importances", () => study.PlotParamImportances()),
            ("pareto_front", () => multi.PlotParetoFront()),
            ("hypervolume_history", () => multi.PlotHypervolumeHistory([12.0, 12.0])),
        };

        // Warm-up (JIT, plotly.js resource, fonts) on a small study, so the timings below are steady-state.
        var small = Build(200, multi: false);
        small.PlotSlice().ToPng();
        small.PlotSlice().ToHtml();
        Console.WriteLine("Seconds of wall-clock time, and of CPU time in parentheses (the machine is shared: the CPU time is the steadier figure).");
        Console.WriteLine($"{"plot",-22} {"figure s",14} {"html s",14} {"html MB",8} {"png s",14} {"png KB",7}  note");
        var process = Process.GetCurrentProcess();
        foreach (var (name, make) in plots)
        {
            string html = Path.Combine(folder, $"large_{name}.html");
            string png = Path.Combine(folder, $"large_{name}.png");
            clock.Restart();
            var cpu = Cpu(process);
            var figure = make();
            string figureTime = Time(clock, process, cpu);
            figure.SaveHtml(html);
            string htmlTime = Time(clock, process, cpu);
            clock.Restart();
            cpu = Cpu(process);
            var again = make();
            again.SavePng(png);
            string pngTime = Time(clock, process, cpu);
            Console.WriteLine($"{name,-22} {figureTime,14} {htmlTime,14} {new FileInfo(html).Length / 1e6,8:F2} {pngTime,14} {new FileInfo(png).Length / 1e3,7:F0}  {figure.Note}");
        }
    }

    private static TimeSpan Cpu(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    private static string Time(Stopwatch clock, Process process, TimeSpan cpuStart) =>
        $"{clock.Elapsed.TotalSeconds:F2} ({(Cpu(process) - cpuStart).TotalSeconds:F2})";

    /// <summary>A study of finished trials added directly (10 float parameters, one log-scaled; a few pruned and failed).</summary>
    private static Study Build(int nTrials, bool multi)
    {
        var study = Study.Create(new StudyOptions
        {
            StudyName = multi ? "large-multi" : "large",
            Directions = multi ? [StudyDirection.Minimize, StudyDirection.Minimize] : [StudyDirection.Minimize],
        });
        var rng = new Random(42);
        var dists = new Dictionary<string, Distribution>();
        for (int p = 0; p < 10; p++)
        {
            dists[$"p{p}"] = p == 9 ? new FloatDistribution(1e-5, 1, log: true) : new FloatDistribution(-5, 5);
        }

        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (int i = 0; i < nTrials; i++)
        {
            var values = new Dictionary<string, object?>();
            double sum = 0;
            for (int p = 0; p < 10; p++)
            {
                double v = p == 9 ? Math.Pow(10, -5 + (5 * rng.NextDouble())) : -5 + (10 * rng.NextDouble());
                values[$"p{p}"] = v;
                sum += p == 9 ? Math.Log10(v) * Math.Log10(v) : v * v;
            }

            var state = i % 50 == 7 ? TrialState.Pruned : i % 97 == 3 ? TrialState.Fail : TrialState.Complete;
            double[]? objective = state != TrialState.Complete ? null : multi ? [sum, 100 / (1 + sum) + rng.NextDouble()] : [sum];
            var steps = i % 10 == 0 ? Enumerable.Range(0, 5).ToDictionary(s => s, s => sum * (1 + (1.0 / (s + 1)))) : null;
            study.AddTrial(new FrozenTrial(i, state, objective, start.AddSeconds(i), start.AddSeconds(i + 0.8), values, dists, null, null, steps, 0));
        }

        return study;
    }
}
