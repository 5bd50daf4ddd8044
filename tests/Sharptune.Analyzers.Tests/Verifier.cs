using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Sharptune.Analyzers.Tests;

/// <summary>Runs both Sharptune analyzers (and a code fix) over sources that reference Sharptune, on .NET 10.</summary>
internal sealed class Test<TFix> : CSharpCodeFixTest<SearchSpaceAnalyzer, TFix, DefaultVerifier>
    where TFix : CodeFixProvider, new()
{
    // The running .NET 10 and Sharptune, so no reference pack has to be downloaded.
    private static readonly MetadataReference[] References = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator)
        .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
        .Append(typeof(Study).Assembly.Location)
        .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
        .ToArray();

    public Test()
    {
        ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        TestState.AdditionalReferences.AddRange(References);
        FixedState.AdditionalReferences.AddRange(References);
    }

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => [new SearchSpaceAnalyzer(), new SuggestCallAnalyzer()];
}

internal static class Verify
{
    public const string Usings = "#nullable enable\nusing Sharptune;\n";

    public static Task Analyzer(string source, params DiagnosticResult[] expected)
    {
        var test = new Test<EmptyCodeFixProvider> { TestCode = Usings + source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(TestContext.Current.CancellationToken);
    }

    public static Task Fix<TFix>(string source, string fixedSource, int? codeActionIndex = null, string? equivalenceKey = null)
        where TFix : CodeFixProvider, new()
    {
        var test = new Test<TFix>
        {
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
            CodeActionIndex = codeActionIndex,
            CodeActionEquivalenceKey = equivalenceKey,
        };
        return test.RunAsync(TestContext.Current.CancellationToken);
    }
}
