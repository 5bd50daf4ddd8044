namespace Sharptune.Generators.Tests;

/// <summary>Baseline snapshots of the generated source; every output must also compile without warnings.</summary>
public class SnapshotTests
{
    private static void Check(string test, params string[] sources)
    {
        var (result, _, diagnostics) = TestCompiler.Run(sources);
        Assert.True(diagnostics.IsEmpty, TestCompiler.Format(diagnostics));
        Baseline.Verify(result, test);
    }

    [Fact]
    public void SingleFloat() => Check(nameof(SingleFloat), """
        using Sharptune;
        namespace Demo
        {
            public partial class Quadratic
            {
                [FloatParam(-10, 10)] public double X { get; set; }
            }
        }
        """);

    [Fact]
    public void IssueExample() => Check(nameof(IssueExample), """
        using Sharptune;
        namespace Demo;
        public enum Solver { Lbfgs, Sgd, Adam }
        public partial class AdamConfig
        {
            [FloatParam(1e-5, 1e-1, Log = true)] public double Lr { get; set; } = 1e-3;
            [FloatParam(0.8, 0.999)] public double Beta1 { get; set; } = 0.9;
        }
        public partial class SvmConfig
        {
            [Categorical("rbf", "linear", "poly")] public string Kernel { get; set; } = "rbf";
            [FloatParam(1e-3, 1e3, Log = true)]    public double C { get; set; }
            [IntParam(2, 5), ActiveWhen(nameof(Kernel), "poly")] public int Degree { get; set; } = 3;
            [FloatParam(0, 0.5, Step = 0.05)]      public double Dropout { get; set; }
            [Categorical]                           public Solver Solver { get; set; }
            [Categorical]                           public bool Shrinking { get; set; }
            [NestedSpace(Prefix = "adam.")]         public AdamConfig Adam { get; set; } = new();
        }
        """);

    [Fact]
    public void RecordWithInitOnly() => Check(nameof(RecordWithInitOnly), """
        using Sharptune;
        namespace Demo.Records;
        public partial record TreeConfig
        {
            [IntParam(1, 32, Log = true)] public int MaxDepth { get; init; } = 6;
            [Categorical("gini", "entropy")] public string Criterion { get; init; } = "gini";
            [FloatParam(0.1, 1.0), ActiveWhen(nameof(Criterion), "entropy")] public double Subsample { get; init; } = 1.0;
        }
        """);

    [Fact]
    public void GlobalNamespaceStruct() => Check(nameof(GlobalNamespaceStruct), """
        using Sharptune;
        public partial struct Point
        {
            [FloatParam(-1, 1)] public double X { get; set; }
            [FloatParam(-1, 1)] public double Y { get; set; }
        }
        """);

    [Fact]
    public void NestedTypes() => Check(nameof(NestedTypes), """
        using Sharptune;
        namespace Demo;
        public static partial class Experiments
        {
            public partial record Outer
            {
                internal partial struct Inner
                {
                    [IntParam(0, 100, Step = 10)] public int Units { get; set; }
                }
            }
        }
        """);

    [Fact]
    public void GenericType() => Check(nameof(GenericType), """
        using Sharptune;
        namespace Demo;
        public partial class Tagged<TTag> where TTag : class
        {
            public TTag? Tag { get; set; }
            [FloatParam(0, 1)] public double Weight { get; set; }
        }
        """);

    [Fact]
    public void RecordStructConditionalInit() => Check(nameof(RecordStructConditionalInit), """
        using Sharptune;
        namespace Demo;
        public partial record struct Layer
        {
            public Layer() { }
            [Categorical] public bool UseBias { get; init; } = true;
            [FloatParam(-0.5, 0.5), ActiveWhen(nameof(UseBias), true)] public double BiasInit { get; init; }
        }
        """);

    [Fact]
    public void RequiredProperties() => Check(nameof(RequiredProperties), """
        using Sharptune;
        namespace Demo;
        public partial class Required
        {
            [Categorical("a", "b")] public required string Mode { get; init; }
            [IntParam(1, 3)] public required int Count { get; set; }
        }
        """);

    [Fact]
    public void NamesAndNumericTypes() => Check(nameof(NamesAndNumericTypes), """
        using Sharptune;
        namespace Demo;
        public partial class Numbers
        {
            [FloatParam(1e-4, 1, Log = true, Name = "learning_rate")] public double LearningRate { get; set; }
            [FloatParam(0, 1, Step = 0.25)] public float Ratio { get; set; }
            [IntParam(1, 10_000_000_000, Log = true, Name = "n")] public long Samples { get; set; }
            [IntParam(-4, 4, Step = 2)] public int Offset { get; set; }
            [Categorical(1, 2, 4, 8)] public long Batch { get; set; } = 1;
            [Categorical(0.5, 1, 2.5)] public double Scale { get; set; } = 1;
        }
        """);

    [Fact]
    public void ChainedConditions() => Check(nameof(ChainedConditions), """
        using Sharptune;
        namespace Demo;
        public enum Model { Linear, Tree, Forest }
        public partial class Pipeline
        {
            [IntParam(1, 8), ActiveWhen(nameof(Model), Model.Tree, Model.Forest)] public int Depth { get; set; } = 1;
            [Categorical] public Model Model { get; set; }
            [Categorical(true, false), ActiveWhen(nameof(Model), Model.Forest)] public bool Bootstrap { get; set; }
            [FloatParam(0.1, 1), ActiveWhen(nameof(Bootstrap), true)] public double MaxSamples { get; set; } = 1;
        }
        """);

    [Fact]
    public void NestedSpaces() => Check(nameof(NestedSpaces), """
        using Sharptune;
        namespace Demo;
        public partial class Optim
        {
            [FloatParam(1e-5, 1, Log = true)] public double Lr { get; set; } = 0.01;
        }
        public partial class Head
        {
            [IntParam(16, 256, Log = true)] public int Hidden { get; set; } = 64;
            [NestedSpace] public Optim Optim { get; set; } = new();
        }
        public partial class Net
        {
            [NestedSpace] public Head Head { get; set; } = new();
            [NestedSpace(Prefix = "")] public Optim Optimizer { get; set; } = new();
            [Categorical("relu", "tanh")] public string Activation { get; set; } = "relu";
        }
        """);

    [Fact]
    public void ChoicesAndKeywords() => Check(nameof(ChoicesAndKeywords), """
        using Sharptune;
        namespace Demo;
        public enum Color { Red = 1, Green = 2, Crimson = 1, Blue = 4 }
        public partial class Odd
        {
            [Categorical] public Color Color { get; set; }
            [Categorical(Color.Blue, Color.Green)] public Color Accent { get; set; } = Color.Blue;
            [Categorical("a\"b", "tab\t", null)] public string? Text { get; set; }
            [Categorical("x", "y", Name = "class")] public string @class { get; set; } = "x";
            [FloatParam(-1e300, 1e300)] public double @double { get; set; }
        }
        """);

    [Fact]
    public void PartialAcrossFiles() => Check(nameof(PartialAcrossFiles), """
        using Sharptune;
        namespace Demo;
        public partial class Split
        {
            [FloatParam(0, 1)] public double A { get; set; }
        }
        public partial class Other
        {
            [IntParam(0, 3)] public int K { get; set; }
        }
        """, """
        using Sharptune;
        namespace Demo;
        public partial class Split
        {
            [IntParam(0, 3)] public int B { get; set; }
            [Categorical("u", "v")] public string C { get; set; } = "u";
            [FloatParam(0, 1), ActiveWhen("C", "v")] public double D { get; set; }
        }
        """);

    [Fact]
    public void Inheritance() => Check(nameof(Inheritance), """
        using Sharptune;
        namespace Demo;
        public partial class BaseSpace
        {
            [Categorical("sgd", "adam")] public string Optimizer { get; set; } = "sgd";
            [FloatParam(1e-4, 1, Log = true)] public double Lr { get; protected set; } = 0.01;
        }
        public partial class DerivedSpace : BaseSpace
        {
            [FloatParam(0.5, 0.99), ActiveWhen(nameof(Optimizer), "sgd")] public double Momentum { get; set; } = 0.9;
        }
        """);

    [Fact]
    public void InvalidInputIsSkipped() => Check(nameof(InvalidInputIsSkipped), """
        using Sharptune;
        namespace Demo;
        public class NotPartial
        {
            [FloatParam(0, 1)] public double X { get; set; }
        }
        public partial class Reversed
        {
            [FloatParam(1, 0)] public double X { get; set; }
        }
        public partial class Valid
        {
            [FloatParam(0, 1)] public double X { get; set; }
        }
        """);

    [Fact]
    public void NonFiniteBoundsAreSkipped()
    {
        // Issue #14, item 6: an infinite bound or step never reaches generated code (STN1024 reports it).
        var (result, _, diagnostics) = TestCompiler.Run("""
            using Sharptune;
            namespace Demo;
            public partial class Unbounded { [FloatParam(0, double.PositiveInfinity)] public double X { get; set; } }
            public partial class Whole { [FloatParam(double.NegativeInfinity, double.PositiveInfinity)] public double X { get; set; } }
            public partial class InfiniteStep { [FloatParam(0, 1, Step = double.PositiveInfinity)] public double X { get; set; } }
            public partial class Valid { [FloatParam(0, 1)] public double X { get; set; } }
            """);
        Assert.True(diagnostics.IsEmpty, TestCompiler.Format(diagnostics));
        var files = result.GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)).ToList();
        Assert.Contains("Demo.Valid.g.cs", files);
        Assert.DoesNotContain(files, f => f.Contains("Unbounded", StringComparison.Ordinal) || f.Contains("Whole", StringComparison.Ordinal) || f.Contains("InfiniteStep", StringComparison.Ordinal));
    }
}
