using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace Sharptune.Analyzers.Tests;

/// <summary>Every descriptor has a help page, a release entry and an analyzer; every ID has a descriptor.</summary>
public partial class MetaTests
{
    private static string RepoRoot([CallerFilePath] string path = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));

    public static TheoryData<string> Ids => new(DiagnosticDescriptors.All.Select(d => d.Id));

    [Theory]
    [MemberData(nameof(Ids))]
    public void DescriptorHasAHelpPageAndAReleaseEntry(string id)
    {
        var d = DiagnosticDescriptors.ById(id);
        Assert.Matches("^STN[12][0-9]{3}$", id);
        Assert.Equal($"{DiagnosticDescriptors.HelpBase}{id}.md", d.HelpLinkUri);
        Assert.True(d.IsEnabledByDefault);

        string page = Path.Combine(RepoRoot(), "docs", "diagnostics", id + ".md");
        Assert.True(File.Exists(page), $"missing {page}");
        string text = File.ReadAllText(page);
        Assert.StartsWith($"# {id}: {d.Title}", text, StringComparison.Ordinal);
        Assert.Contains($"| Severity | {d.DefaultSeverity} |", text, StringComparison.Ordinal);
        foreach (var section in new[] { "## What", "## Why", "## How to fix", "## Example" })
        {
            Assert.Contains(section, text, StringComparison.Ordinal);
        }

        string releases = File.ReadAllText(Path.Combine(RepoRoot(), "src", "Analyzers", "AnalyzerReleases.Shipped.md")) +
                          File.ReadAllText(Path.Combine(RepoRoot(), "src", "Analyzers", "AnalyzerReleases.Unshipped.md"));
        Assert.Contains($"{id} | {d.Category} | {d.DefaultSeverity} | {d.Title}", releases, StringComparison.Ordinal);
        Assert.Contains($"[{id}]({id}.md)", File.ReadAllText(Path.Combine(RepoRoot(), "docs", "diagnostics", "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryIdHasOneDescriptorAndOneAnalyzer()
    {
        var idsType = typeof(SearchSpaceAnalyzer).Assembly.GetType("Sharptune.Generators.DiagnosticIds", throwOnError: true)!;
        var ids = idsType.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!).OrderBy(i => i).ToList();
        Assert.Equal(ids, DiagnosticDescriptors.All.Select(d => d.Id).OrderBy(i => i));
        Assert.Equal(ids.Count, ids.Distinct().Count());

        var supported = new SearchSpaceAnalyzer().SupportedDiagnostics.Concat(new SuggestCallAnalyzer().SupportedDiagnostics).Select(d => d.Id).ToList();
        Assert.Equal(ids, supported.OrderBy(i => i));
        Assert.All(DiagnosticDescriptors.All, d => Assert.Equal(d.Id.StartsWith("STN1", StringComparison.Ordinal) ? "Sharptune.SearchSpace" : "Sharptune.Suggest", d.Category));
    }

    [Fact]
    public void NoPageWithoutADescriptor()
    {
        var pages = Directory.GetFiles(Path.Combine(RepoRoot(), "docs", "diagnostics"), "STN*.md").Select(Path.GetFileNameWithoutExtension).OrderBy(p => p);
        Assert.Equal(DiagnosticDescriptors.All.Select(d => d.Id).OrderBy(i => i), pages);
    }

    [Fact]
    public void CodeFixesCoverTheirDiagnostics()
    {
        var fixers = typeof(Sharptune.Analyzers.CodeFixes.SwapLowHighCodeFix).Assembly.GetTypes()
            .Where(t => typeof(Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => (Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider)Activator.CreateInstance(t)!)
            .ToList();
        var fixable = fixers.SelectMany(f => f.FixableDiagnosticIds).OrderBy(i => i).ToList();
        Assert.Equal(
            ["STN1001", "STN1002", "STN1003", "STN1006", "STN1013", "STN1014", "STN2001", "STN2002", "STN2003", "STN2006"],
            fixable);
        Assert.All(fixers, f => Assert.Same(Microsoft.CodeAnalysis.CodeFixes.WellKnownFixAllProviders.BatchFixer, f.GetFixAllProvider()));

        // Every fixable diagnostic has a fix test, and its page names the fix.
        string fixTests = File.ReadAllText(Path.Combine(RepoRoot(), "tests", "Sharptune.Analyzers.Tests", "CodeFixTests.cs"));
        foreach (string id in fixable)
        {
            Assert.Contains("{|" + id + ":", fixTests, StringComparison.Ordinal);
            string text = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "diagnostics", id + ".md"));
            Assert.DoesNotMatch(CodeFixNone(), text);
        }
    }

    [GeneratedRegex(@"\| Code fix \| none \|")]
    private static partial Regex CodeFixNone();
}
