// A typed search space tuned with the Optimizer (two trials in flight), published with Native AOT.
//   dotnet run --project samples/AttributeSearchSpace
//   dotnet publish samples/AttributeSearchSpace -c Release -r linux-x64
using Sharptune;
using Sharptune.Samplers;

// 1. A study (seeded so that the run is reproducible).
var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 42) });

// 2. Start from a known-good configuration: the first trial evaluates it.
study.EnqueueTrial(new SvmConfig { Kernel = "rbf", C = 1.0, Dropout = 0.1, Solver = Solver.Adam, Adam = new AdamConfig { Lr = 1e-3 } });

// 3. The Optimizer suggests a SvmConfig per trial and awaits the objective, at most two at a time.
var optimizer = new Optimizer<SvmConfig>(
    async (cfg, ct) =>
    {
        await Task.Delay(5, ct); // stands for training a model
        return Validation.Loss(cfg);
    },
    concurrency: 2,
    nTrials: 60,
    study: study);
await optimizer.RunAsync();

// 4. Typed results.
SvmConfig best = study.BestParamsAs<SvmConfig>();
Console.WriteLine($"Trials: {study.Trials.Count}, best loss {study.BestValue:F4} (trial {study.BestTrial.Number})");
Console.WriteLine($"Best: kernel={best.Kernel} C={best.C:G4} degree={best.Degree} dropout={best.Dropout} solver={best.Solver} shrinking={best.Shrinking} adam.lr={best.Adam.Lr:G3} adam.beta1={best.Adam.Beta1:F3}");
Console.WriteLine($"Search space: {string.Join(", ", SvmConfig.Distributions.Keys)}");
Console.WriteLine($"First trial was the enqueued one: {study.Trials[0].As<SvmConfig>().Kernel == "rbf" && study.Trials[0].As<SvmConfig>().C == 1.0}");

/// <summary>The solver of the model.</summary>
public enum Solver
{
    /// <summary>Limited-memory BFGS.</summary>
    Lbfgs,

    /// <summary>Stochastic gradient descent.</summary>
    Sgd,

    /// <summary>Adam.</summary>
    Adam,
}

/// <summary>A nested space: its parameters are named <c>adam.*</c> in the trial.</summary>
public partial class AdamConfig
{
    [FloatParam(1e-5, 1e-1, Log = true)]
    public double Lr { get; set; } = 1e-3;

    [FloatParam(0.8, 0.999)]
    public double Beta1 { get; set; } = 0.9;
}

/// <summary>The issue's example search space.</summary>
public partial class SvmConfig
{
    [Categorical("rbf", "linear", "poly")]
    public string Kernel { get; set; } = "rbf";

    [FloatParam(1e-3, 1e3, Log = true)]
    public double C { get; set; }

    // Suggested only when Kernel is "poly"; otherwise it keeps 3.
    [IntParam(2, 5), ActiveWhen(nameof(Kernel), "poly")]
    public int Degree { get; set; } = 3;

    [FloatParam(0, 0.5, Step = 0.05)]
    public double Dropout { get; set; }

    [Categorical] // every member of the enum
    public Solver Solver { get; set; }

    [Categorical] // true and false
    public bool Shrinking { get; set; }

    [NestedSpace(Prefix = "adam.")]
    public AdamConfig Adam { get; set; } = new();
}

/// <summary>A synthetic validation loss with a known optimum (poly kernel, degree 3, C near 10).</summary>
internal static class Validation
{
    public static double Loss(SvmConfig c)
    {
        double loss = Math.Pow(Math.Log10(c.C) - 1, 2) + c.Dropout;
        loss += c.Kernel switch { "poly" => Math.Abs(c.Degree - 3) * 0.2, "rbf" => 0.3, _ => 0.6 };
        loss += c.Solver == Solver.Adam ? Math.Abs(Math.Log10(c.Adam.Lr) + 3) * 0.1 : 0.2;
        return loss + (c.Shrinking ? 0 : 0.05);
    }
}
