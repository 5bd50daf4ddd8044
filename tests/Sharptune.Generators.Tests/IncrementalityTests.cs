using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Sharptune.Generators.Tests;

/// <summary>The pipeline caches across unrelated edits and its models hold no Roslyn objects.</summary>
public class IncrementalityTests
{
    private const string Source = """
        using Sharptune;
        namespace Demo;
        public partial class Svm
        {
            [Categorical("rbf", "poly")] public string Kernel { get; set; } = "rbf";
            [FloatParam(1e-3, 1e3, Log = true)] public double C { get; set; }
            [IntParam(2, 5), ActiveWhen(nameof(Kernel), "poly")] public int Degree { get; set; } = 3;
            [NestedSpace] public Opt Opt { get; set; } = new();
        }
        public partial class Opt
        {
            [FloatParam(0, 1)] public double Momentum { get; set; }
        }
        public partial class Layers
        {
            [IntParam(1, 4)] public int Count { get; set; } = 1;
        }
        public partial class Wrapper
        {
            [NestedSpace] public Layers Layers { get; set; } = new();
        }
        """;

    private static readonly string[] TrackedSteps =
    [
        TrackingNames.FloatParamSpaces,
        TrackingNames.IntParamSpaces,
        TrackingNames.CategoricalSpaces,
        TrackingNames.NestedSpaceSpaces,
        TrackingNames.FilteredSpaces,
    ];

    private static (GeneratorDriver Driver, Compilation Compilation) FirstRun()
    {
        var compilation = TestCompiler.Compile(Source, "namespace Demo; public class Unrelated { public int A; }");
        var driver = TestCompiler.CreateDriver().RunGenerators(compilation, TestContext.Current.CancellationToken);
        Assert.Equal(4, driver.GetRunResult().GeneratedTrees.Length);
        return (driver, compilation);
    }

    private static void AssertCached(GeneratorDriverRunResult result)
    {
        var steps = result.Results[0].TrackedSteps;
        foreach (string name in TrackedSteps)
        {
            Assert.True(steps.ContainsKey(name), $"step {name} was not tracked: {string.Join(", ", steps.Keys)}");
            foreach (var step in steps[name])
            {
                foreach (var (_, reason) in step.Outputs)
                {
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {reason}");
                }
            }
        }

        foreach (var (_, reason) in result.Results[0].TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs))
        {
            Assert.Equal(IncrementalStepRunReason.Cached, reason);
        }
    }

    [Fact]
    public void RerunOnAnIdenticalCompilationIsCached()
    {
        var (driver, compilation) = FirstRun();
        driver = driver.RunGenerators(compilation.Clone(), TestContext.Current.CancellationToken);
        AssertCached(driver.GetRunResult());
    }

    [Fact]
    public void UnrelatedEditsAreCached()
    {
        var (driver, compilation) = FirstRun();
        var unrelated = compilation.SyntaxTrees.Single(t => t.FilePath == "Input1.cs");
        var edited = compilation.ReplaceSyntaxTree(unrelated, TestCompiler.Parse("namespace Demo; public class Unrelated { public int A; public string B = \"x\"; }", "Input1.cs"));
        driver = driver.RunGenerators(edited, TestContext.Current.CancellationToken);
        AssertCached(driver.GetRunResult());

        var added = edited.AddSyntaxTrees(TestCompiler.Parse("namespace Demo; public class More { }", "Input2.cs"));
        driver = driver.RunGenerators(added, TestContext.Current.CancellationToken);
        AssertCached(driver.GetRunResult());
    }

    [Fact]
    public void ATriviaEditInTheSpaceLeavesOutputsCached()
    {
        var (driver, compilation) = FirstRun();
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == "Input0.cs");
        var edited = compilation.ReplaceSyntaxTree(tree, TestCompiler.Parse(Source.Replace("namespace Demo;", "namespace Demo; // comment\n"), "Input0.cs"));
        driver = driver.RunGenerators(edited, TestContext.Current.CancellationToken);
        AssertCached(driver.GetRunResult());
    }

    [Fact]
    public void ARealEditRegeneratesTheSpace()
    {
        var (driver, compilation) = FirstRun();
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == "Input0.cs");
        var edited = compilation.ReplaceSyntaxTree(tree, TestCompiler.Parse(Source.Replace("1e3", "1e4"), "Input0.cs"));
        driver = driver.RunGenerators(edited, TestContext.Current.CancellationToken);
        var result = driver.GetRunResult();
        var reasons = result.Results[0].TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
        Assert.Contains("10000d", result.GeneratedTrees.Single(t => t.FilePath.EndsWith("Demo.Svm.g.cs", StringComparison.Ordinal)).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ModelsHoldNoSymbolCompilationOrSyntax()
    {
        var (driver, _) = FirstRun();
        var steps = driver.GetRunResult().Results[0].TrackedSteps;
        int checkedObjects = 0;
        foreach (string name in TrackedSteps)
        {
            foreach (var step in steps[name])
            {
                foreach (var (value, _) in step.Outputs)
                {
                    AssertGraph(value, [], ref checkedObjects);
                }
            }
        }

        Assert.True(checkedObjects > 10, $"only {checkedObjects} objects were walked");
    }

    private static void AssertGraph(object? node, HashSet<object> visited, ref int count)
    {
        if (node is null || node is string || node.GetType().IsPrimitive || node.GetType().IsEnum || !visited.Add(node))
        {
            return;
        }

        count++;
        Assert.False(node is Compilation or ISymbol or SyntaxNode or SemanticModel or Location or SyntaxTree, $"The pipeline holds a {node.GetType()}");
        if (node is IEnumerable sequence)
        {
            foreach (var item in sequence)
            {
                AssertGraph(item, visited, ref count);
            }
        }

        foreach (var field in node.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            AssertGraph(field.GetValue(node), visited, ref count);
        }
    }
}
