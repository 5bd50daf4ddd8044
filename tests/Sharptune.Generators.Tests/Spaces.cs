namespace Sharptune.Generators.Tests;

// Search spaces compiled by the generator into this test assembly (it runs as an analyzer here).
public enum Solver
{
    Lbfgs,
    Sgd,
    Adam,
}

public partial class AdamConfig
{
    [FloatParam(1e-5, 1e-1, Log = true)]
    public double Lr { get; set; } = 1e-3;

    [FloatParam(0.8, 0.999)]
    public double Beta1 { get; set; } = 0.9;
}

public partial class SvmConfig
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
    public Solver Solver { get; set; }

    [Categorical]
    public bool Shrinking { get; set; }

    [NestedSpace(Prefix = "adam.")]
    public AdamConfig Adam { get; set; } = new();
}

public partial record TreeConfig
{
    [IntParam(1, 32, Log = true)]
    public int MaxDepth { get; init; } = 6;

    [Categorical("gini", "entropy")]
    public string Criterion { get; init; } = "gini";

    [FloatParam(0.1, 1.0), ActiveWhen(nameof(Criterion), "entropy")]
    public double Subsample { get; init; } = 1.0;

    [IntParam(1, 10_000_000_000, Log = true, Name = "n")]
    public long Samples { get; init; } = 1;

    [FloatParam(0, 1, Step = 0.25)]
    public float Ratio { get; init; }

    [Categorical(1, 2, 4, 8)]
    public long Batch { get; init; } = 1;

    [Categorical(0.5, 1, 2.5)]
    public double Scale { get; init; } = 1;
}

public partial struct Point
{
    [FloatParam(-10, 10)]
    public double X { get; set; }

    [FloatParam(-10, 10)]
    public double Y { get; set; }
}

public enum Model
{
    Linear,
    Tree,
    Forest,
}

public partial class Pipeline
{
    [IntParam(1, 8), ActiveWhen(nameof(Model), Model.Tree, Model.Forest)]
    public int Depth { get; set; } = 1;

    [Categorical]
    public Model Model { get; set; }

    [Categorical(true, false), ActiveWhen(nameof(Model), Model.Forest)]
    public bool Bootstrap { get; set; }

    [FloatParam(0.1, 1), ActiveWhen(nameof(Bootstrap), true)]
    public double MaxSamples { get; set; } = 1;
}
