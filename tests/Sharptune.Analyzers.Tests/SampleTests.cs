using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Sharptune.Analyzers.Tests;

/// <summary>The AnalyzerMistake sample fails to build with exactly the errors its README shows.</summary>
public class SampleTests
{
    [Fact]
    public async Task AnalyzerMistakeSampleReportsItsTwoMistakes()
    {
        var ct = TestContext.Current.CancellationToken;
        string path = Path.Combine(SampleDir(), "Program.cs");
        var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(path), new CSharpParseOptions(LanguageVersion.Latest), path, cancellationToken: ct);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Append(typeof(Study).Assembly.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("AnalyzerMistake", [tree], references, new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        Assert.Empty(compilation.GetDiagnostics(ct).Where(d => d.Severity == DiagnosticSeverity.Error));

        var diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new SearchSpaceAnalyzer(), new SuggestCallAnalyzer()), options: null)
            .GetAnalyzerDiagnosticsAsync(ct);
        Assert.Equal(
            [
                "STN2003: The range of \"momentum\" is empty: `low <= high` must hold, but got (low=0.99, high=0.5)",
                "STN1001: [FloatParam] on 'LearningRate' sets both Step and Log; the parameter `step` is not supported when `log` is true",
            ],
            diagnostics.OrderBy(d => d.Location.SourceSpan.Start).Select(d => $"{d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}"));
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
    }

    private static string SampleDir([CallerFilePath] string self = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(self)!, "..", "..", "samples", "AnalyzerMistake"));
}
