using BenchmarkDotNet.Attributes;
using Sharptune;
using Sharptune.Samplers;

namespace Sharptune.Benchmarks;

/// <summary>
/// The cost of a typed objective (<c>study.Optimize&lt;TConfig&gt;</c>, generated <c>Suggest</c>) against the same
/// space written as define-by-run calls. Target: at most 5 % overhead.
/// <c>dotnet run -c Release --project bench/Sharptune.Benchmarks -- --filter *TypedSpace*</c>
/// </summary>
[MemoryDiagnoser]
public class TypedSpaceBenchmarks
{
    private const int Trials = 200;
    private static readonly string[] Kernels = ["rbf", "linear", "poly"];
    private static readonly BenchSolver[] Solvers = [BenchSolver.Lbfgs, BenchSolver.Sgd, BenchSolver.Adam];
    private static readonly bool[] Bools = [true, false];

    [Benchmark(Baseline = true)]
    public double DefineByRun()
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 1) });
        study.Optimize(
            trial =>
            {
                string kernel = trial.SuggestCategorical("Kernel", Kernels);
                double c = trial.SuggestFloat("C", 1e-3, 1e3, log: true);
                int degree = 3;
                if (kernel == "poly")
                {
                    degree = trial.SuggestInt("Degree", 2, 5);
                }

                double dropout = trial.SuggestFloat("Dropout", 0, 0.5, step: 0.05);
                var solver = trial.SuggestCategorical("Solver", Solvers);
                bool shrinking = trial.SuggestCategorical("Shrinking", Bools);
                double lr = trial.SuggestFloat("adam.Lr", 1e-5, 1e-1, log: true);
                double beta1 = trial.SuggestFloat("adam.Beta1", 0.8, 0.999);
                return Loss(kernel, c, degree, dropout, solver, shrinking, lr, beta1);
            },
            nTrials: Trials);
        return study.BestValue;
    }

    [Benchmark]
    public double Typed()
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 1) });
        study.Optimize<BenchSvmConfig>(
            cfg => Loss(cfg.Kernel, cfg.C, cfg.Degree, cfg.Dropout, cfg.Solver, cfg.Shrinking, cfg.Adam.Lr, cfg.Adam.Beta1),
            nTrials: Trials);
        return study.BestValue;
    }

    internal static double Loss(string kernel, double c, int degree, double dropout, BenchSolver solver, bool shrinking, double lr, double beta1) =>
        Math.Pow(Math.Log10(c) - 1, 2) + dropout + (kernel == "poly" ? Math.Abs(degree - 3) * 0.2 : 0.3)
        + (solver == BenchSolver.Adam ? Math.Abs(Math.Log10(lr) + 3) * 0.1 + Math.Abs(beta1 - 0.9) : 0.2) + (shrinking ? 0 : 0.05);
}

public enum BenchSolver
{
    Lbfgs,
    Sgd,
    Adam,
}

public partial class BenchAdamConfig
{
    [FloatParam(1e-5, 1e-1, Log = true)]
    public double Lr { get; set; } = 1e-3;

    [FloatParam(0.8, 0.999)]
    public double Beta1 { get; set; } = 0.9;
}

public partial class BenchSvmConfig
{
    [Categorical("rbf", "linear", "poly")]
    public string Kernel { get; set; } = "rbf";

    [FloatParam(1e-3, 1e3, Log = true)]
    public double C { get; set; }

    [IntParam(2, 5), ActiveWhen(nameof(Kernel), "poly")]
    public int Degree { get; set; } = 3;

    [FloatParam(0, 0.5, Step = 0.05)]
    public double Dropout { get; set; }

    [Categorical]
    public BenchSolver Solver { get; set; }

    [Categorical]
    public bool Shrinking { get; set; }

    [NestedSpace(Prefix = "adam.")]
    public BenchAdamConfig Adam { get; set; } = new();
}
