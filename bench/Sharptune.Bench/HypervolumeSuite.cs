using System.Diagnostics;
using Sharptune.Internal;

namespace Sharptune.Bench;

/// <summary>
/// Multi-objective quality: the hypervolume of the Pareto front after N trials on ZDT1, ZDT2 and ZDT3 (10-D,
/// reference point [1.1, 11]), median over seeds. Mirrors bench/optuna_hypervolume.py line by line.
/// </summary>
internal static class HypervolumeSuite
{
    public static IReadOnlyList<(string Name, Func<ITrial, double[]> Objective)> Functions { get; } =
    [
        ("zdt1", t => Zdt(t, 1)),
        ("zdt2", t => Zdt(t, 2)),
        ("zdt3", t => Zdt(t, 3)),
    ];

    public static int Run(Options o, string version)
    {
        string sampler = o.Get("sampler", "nsga2");
        int n = o.GetInt("trials", 5000);
        int seeds = o.GetInt("seeds", 5);
        var only = o.TryGet("fn")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Registry.CreateSampler(sampler, 0);
        foreach (var (name, objective) in Functions.Where(f => only is null || only.Contains(f.Name)))
        {
            var values = new List<double>(seeds);
            var clock = Stopwatch.StartNew();
            for (int seed = 0; seed < seeds; seed++)
            {
                var study = Study.Create(new StudyOptions
                {
                    Sampler = Registry.CreateSampler(sampler, seed),
                    Directions = [StudyDirection.Minimize, StudyDirection.Minimize],
                });
                study.Optimize(objective, nTrials: n);
                values.Add(FrontHypervolume(study));
            }

            var sorted = values.Order().ToArray();
            double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
            Console.WriteLine(PyJson.Serialize(new Dictionary<string, object?>
            {
                ["sharptune"] = version,
                ["sampler"] = sampler,
                ["fn"] = name,
                ["n"] = n,
                ["median_hv"] = median,
                ["ms_per_trial"] = clock.Elapsed.TotalMilliseconds / (n * (double)seeds),
                ["values"] = values,
            }));
        }

        return 0;
    }

    /// <summary>The hypervolume of the Pareto front, points beyond the reference point [1.1, 11] left out.</summary>
    public static double FrontHypervolume(Study study)
    {
        var inside = study.BestTrials.Select(t => t.Values!).Where(v => v[0] <= 1.1 && v[1] <= 11.0).ToList();
        var loss = new double[inside.Count, 2];
        for (int i = 0; i < inside.Count; i++)
        {
            loss[i, 0] = inside[i][0];
            loss[i, 1] = inside[i][1];
        }

        return Hypervolume.Compute(loss, [1.1, 11.0]);
    }

    /// <summary>ZDT1/2/3 with 10 parameters in [0, 1] (the same formulas as bench/optuna_hypervolume.py).</summary>
    public static double[] Zdt(ITrial t, int kind)
    {
        var x = new double[10];
        for (int i = 0; i < 10; i++)
        {
            x[i] = t.SuggestFloat("x" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), 0, 1);
        }

        double f1 = x[0];
        double g = 1 + (9 * x.Skip(1).Sum() / 9);
        double h = kind switch
        {
            1 => 1 - Math.Sqrt(f1 / g),
            2 => 1 - Math.Pow(f1 / g, 2),
            _ => 1 - Math.Sqrt(f1 / g) - (f1 / g * Math.Sin(10 * Math.PI * f1)),
        };
        return [f1, g * h];
    }
}
