using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Sharptune.Generators;

namespace Sharptune.Analyzers.Tests;

/// <summary>
/// One corpus through both the analyzers and the generator: every type the analyzers accept is generated into code
/// that compiles without warnings, and every type the generator skips carries an analyzer error.
/// </summary>
public partial class ConsistencyTests
{
    private static readonly MetadataReference[] References = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator)
        .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
        .Append(typeof(Study).Assembly.Location)
        .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
        .ToArray();

    private static readonly string[] Extra =
    [
        "public enum Solver { Lbfgs, Sgd } public partial class Adam { [FloatParam(1e-5, 1, Log = true)] public double Lr { get; set; } = 1e-3; } public partial class Svm { [Categorical(\"rbf\", \"poly\")] public string Kernel { get; set; } = \"rbf\"; [IntParam(2, 5), ActiveWhen(nameof(Kernel), \"poly\")] public int Degree { get; set; } = 3; [Categorical] public Solver Solver { get; set; } [Categorical] public bool Shrink { get; set; } [NestedSpace(Prefix = \"adam.\")] public Adam Adam { get; set; } = new(); }",
        "public partial record R { [IntParam(1, 32, Log = true)] public int Depth { get; init; } = 6; [Categorical(\"gini\", \"entropy\")] public string C { get; init; } = \"gini\"; [FloatParam(0.1, 1), ActiveWhen(nameof(C), \"entropy\")] public double S { get; init; } = 1; }",
        "public partial record struct RS { public RS() { } [Categorical] public bool B { get; init; } = true; [FloatParam(-1, 1), ActiveWhen(nameof(B), true)] public double X { get; init; } }",
        "public static partial class Outer { public partial struct Inner { [IntParam(0, 100, Step = 10)] public int U { get; set; } } }",
        "public partial class G<T> where T : class { public T? Tag { get; set; } [FloatParam(0, 1)] public double W { get; set; } }",
        "public partial class Req { [Categorical(\"a\", \"b\")] public required string Mode { get; init; } [IntParam(1, 3)] public required int N { get; set; } }",
        "public partial class Bad { [Categorical(\"a\")] public string K { get; set; } = \"a\"; [NestedSpace] public Broken B { get; set; } = new(); } public partial class Broken { [FloatParam(1, 0)] public double X { get; set; } }",
        "public partial class Keywords { [Categorical(\"x\", null)] public string? @class { get; set; } [FloatParam(-1e300, 1e300)] public double @double { get; set; } }",
        "public partial class Ptr { [FloatParam(0, 1)] public double X { get; set; } private Ptr(int a) { } public Ptr() { } }",
        "public partial class Iface { [FloatParam(0, 1)] public double X { get; set; } } public partial interface IBad { [FloatParam(0, 1)] double X { get; set; } }",
        "public partial class Base { [FloatParam(0, 1)] public double X { get; set; } } public partial class Derived : Base { [FloatParam(0, 1)] public double Y { get; set; } }",
        "public partial class PBase { [FloatParam(0, 1)] public double X { get; private set; } } public partial class PDerived : PBase { [FloatParam(0, 1)] public double Y { get; set; } }",
        "public partial class BadBase { [FloatParam(1, 0)] public double X { get; set; } } public partial class OnBadBase : BadBase { [FloatParam(0, 1)] public double Y { get; set; } }",
        "public partial class DupBase { [FloatParam(0, 1)] public double X { get; set; } } public partial class DupDerived : DupBase { [FloatParam(0, 1, Name = \"X\")] public double Y { get; set; } }",
        "public abstract class Plain { public int Id { get; set; } } public partial class OnPlain : Plain { [FloatParam(0, 1)] public double Y { get; set; } }",
        "public partial record Pos([property: FloatParam(0, 1)] double X) { public Pos() : this(0) { } [FloatParam(0, 1)] public double Y { get; set; } }",
        "public partial record Pos2([property: FloatParam(0, 1)] double X);",
    ];

    public static TheoryData<string> Corpus()
    {
        var data = new TheoryData<string>();
        foreach (var row in AttributeDiagnosticTests.Cases)
        {
            data.Add(Markup().Replace(row.Data.Item2, "$1"));
            data.Add(row.Data.Item3);
        }

        foreach (var source in Extra)
        {
            data.Add(source);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task AnalyzersAndGeneratorAgree(string source)
    {
        var ct = TestContext.Current.CancellationToken;
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var tree = CSharpSyntaxTree.ParseText("#nullable enable\nusing Sharptune;\n" + source, parse, "Input.cs", cancellationToken: ct);
        var compilation = CSharpCompilation.Create("Corpus", [tree], References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var inputErrors = compilation.GetDiagnostics(ct).Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToHashSet();

        var analyzerDiagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new SearchSpaceAnalyzer(), new SuggestCallAnalyzer()), options: null)
            .GetAnalyzerDiagnosticsAsync(ct);
        var errors = analyzerDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

        CSharpGeneratorDriver.Create([new SearchSpaceGenerator().AsSourceGenerator()], parseOptions: parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics, ct);
        Assert.Empty(generatorDiagnostics);

        // Generated code compiles without warnings, and adds no error anywhere.
        var outputDiagnostics = output.GetDiagnostics(ct).Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        var inGenerated = outputDiagnostics.Where(d => d.Location.SourceTree is { } t && t != tree).ToList();
        Assert.True(inGenerated.Count == 0, string.Join("\n", inGenerated));
        var newErrors = outputDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && !inputErrors.Contains(d.ToString())).ToList();
        Assert.True(newErrors.Count == 0, string.Join("\n", newErrors));

        var model = output.GetSemanticModel(output.SyntaxTrees.First(), ignoreAccessibility: false);
        foreach (var declaration in tree.GetRoot(ct).DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax>())
        {
            var type = (INamedTypeSymbol)model.GetDeclaredSymbol(declaration, ct)!;
            if (!SpaceReader.HasParamProperties(type))
            {
                continue;
            }

            bool generated = type.AllInterfaces.Any(i => i.Name == "ISearchSpace" && SymbolEqualityComparer.Default.Equals(i.TypeArguments[0], type));
            var related = RelatedSpans(type, ct);
            var relatedErrors = errors.Where(e => related.Any(s => s.Contains(e.Location.SourceSpan))).ToList();
            if (generated)
            {
                var own = errors.Where(e => declaration.Span.Contains(e.Location.SourceSpan) && !type.GetTypeMembers().Any(n => n.DeclaringSyntaxReferences.Any(r => r.Span.Contains(e.Location.SourceSpan)))).ToList();
                Assert.True(own.Count == 0, $"'{type.Name}' was generated although the analyzers report:\n{string.Join("\n", own)}");
            }
            else
            {
                Assert.True(relatedErrors.Count > 0, $"'{type.Name}' was skipped by the generator without an analyzer error. Diagnostics:\n{string.Join("\n", analyzerDiagnostics)}");
            }
        }
    }

    /// <summary>The type, its containing types, its base types, and the types of its nested spaces.</summary>
    private static List<Microsoft.CodeAnalysis.Text.TextSpan> RelatedSpans(INamedTypeSymbol type, CancellationToken ct)
    {
        var spans = new List<Microsoft.CodeAnalysis.Text.TextSpan>();
        for (var t = type; t is not null; t = t.ContainingType)
        {
            spans.AddRange(t.DeclaringSyntaxReferences.Select(r => r.Span));
        }

        for (var b = type.BaseType; b is not null; b = b.BaseType)
        {
            spans.AddRange(b.DeclaringSyntaxReferences.Select(r => r.Span));
        }

        foreach (var p in type.GetMembers().OfType<IPropertySymbol>())
        {
            if (p.GetAttributes().Any(a => a.AttributeClass?.Name == "NestedSpaceAttribute") && p.Type is INamedTypeSymbol nested)
            {
                spans.AddRange(nested.OriginalDefinition.DeclaringSyntaxReferences.Select(r => r.GetSyntax(ct).Span));
            }
        }

        return spans;
    }

    [GeneratedRegex(@"\{\|STN\d{4}:(.*?)\|\}")]
    private static partial Regex Markup();
}
