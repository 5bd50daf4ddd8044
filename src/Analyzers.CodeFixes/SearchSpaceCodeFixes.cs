using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Sharptune.Generators;

namespace Sharptune.Analyzers.CodeFixes;

/// <summary>Shared syntax helpers: the attribute or suggest call a diagnostic points at, and their arguments.</summary>
internal static class FixSyntax
{
    /// <summary>The parameter order of <c>SuggestFloat</c>/<c>SuggestInt</c>/<c>SuggestLong</c>.</summary>
    public static readonly string[] SuggestParameters = { "name", "low", "high", "step", "log" };

    public static async Task<SyntaxNode?> RootAsync(Document document, CancellationToken ct) =>
        await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);

    public static SyntaxNode? Target(SyntaxNode root, Diagnostic diagnostic)
    {
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        return node.AncestorsAndSelf().FirstOrDefault(n => n is AttributeSyntax or InvocationExpressionSyntax);
    }

    /// <summary>Finds the argument of a suggest call bound to <paramref name="parameter"/>, named or positional.</summary>
    public static ArgumentSyntax? CallArgument(InvocationExpressionSyntax call, string parameter)
    {
        var arguments = call.ArgumentList.Arguments;
        for (int i = 0; i < arguments.Count; i++)
        {
            var a = arguments[i];
            string name = a.NameColon?.Name.Identifier.ValueText ?? (i < SuggestParameters.Length ? SuggestParameters[i] : string.Empty);
            if (name == parameter)
            {
                return a;
            }
        }

        return null;
    }

    /// <summary>Removes one argument of a suggest call; arguments after a removed positional one become named.</summary>
    public static InvocationExpressionSyntax RemoveCallArgument(InvocationExpressionSyntax call, string parameter)
    {
        var arguments = call.ArgumentList.Arguments;
        var kept = new List<ArgumentSyntax>();
        bool positional = true;
        for (int i = 0; i < arguments.Count; i++)
        {
            var a = arguments[i];
            string name = a.NameColon?.Name.Identifier.ValueText ?? (i < SuggestParameters.Length ? SuggestParameters[i] : string.Empty);
            if (name == parameter)
            {
                positional = false;
                continue;
            }

            if (!positional && a.NameColon is null)
            {
                a = a.WithNameColon(SyntaxFactory.NameColon(name)).WithTriviaFrom(a);
            }

            kept.Add(a);
        }

        return call.WithArgumentList(call.ArgumentList.WithArguments(SyntaxFactory.SeparatedList(kept)));
    }

    public static AttributeArgumentSyntax? NamedArgument(AttributeSyntax attribute, string name) =>
        attribute.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);

    public static AttributeArgumentSyntax? PositionalArgument(AttributeSyntax attribute, int index)
    {
        var positional = attribute.ArgumentList?.Arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList();
        return positional is not null && index < positional.Count ? positional[index] : null;
    }

    public static Document Replace(Document document, SyntaxNode root, SyntaxNode oldNode, SyntaxNode newNode) =>
        document.WithSyntaxRoot(root.ReplaceNode(oldNode, newNode.WithAdditionalAnnotations(Formatter.Annotation)));

    /// <summary>
    /// The body every provider shares: reads the document's root once, asks <paramref name="fixes"/> for the node
    /// replacements of each diagnostic and registers each as a code action.
    /// </summary>
    public static async Task RegisterAsync(CodeFixContext context, Func<SyntaxNode, Diagnostic, IEnumerable<NodeFix>> fixes)
    {
        var root = await RootAsync(context.Document, context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        var document = context.Document;
        foreach (var diagnostic in context.Diagnostics)
        {
            foreach (var fix in fixes(root, diagnostic))
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        fix.Title,
                        _ => Task.FromResult(fix.Format ? Replace(document, root, fix.OldNode, fix.NewNode) : document.WithSyntaxRoot(root.ReplaceNode(fix.OldNode, fix.NewNode))),
                        equivalenceKey: fix.EquivalenceKey),
                    diagnostic);
            }
        }
    }
}

/// <summary>One replacement a code fix offers: the action's title and key, the node and its replacement.</summary>
internal sealed class NodeFix
{
    public NodeFix(string title, string equivalenceKey, SyntaxNode oldNode, SyntaxNode newNode, bool format = true)
    {
        Title = title;
        EquivalenceKey = equivalenceKey;
        OldNode = oldNode;
        NewNode = newNode;
        Format = format;
    }

    public string Title { get; }

    public string EquivalenceKey { get; }

    public SyntaxNode OldNode { get; }

    public SyntaxNode NewNode { get; }

    /// <summary>Gets a value indicating whether the replacement is formatted (not when it carries its own trivia).</summary>
    public bool Format { get; }
}

/// <summary>Removes <c>Step</c> or <c>Log</c> (STN1001, STN1002, STN2001, STN2002).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveStepOrLogCodeFix)), Shared]
public sealed class RemoveStepOrLogCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticIds.FloatStepAndLog, DiagnosticIds.IntLogWithStep, DiagnosticIds.CallFloatStepAndLog, DiagnosticIds.CallIntLogWithStep);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override Task RegisterCodeFixesAsync(CodeFixContext context) => FixSyntax.RegisterAsync(context, Fixes);

    private static IEnumerable<NodeFix> Fixes(SyntaxNode root, Diagnostic diagnostic)
    {
        var target = FixSyntax.Target(root, diagnostic);
        foreach (var (what, attributeName, parameter) in new[] { ("Step", "Step", "step"), ("Log", "Log", "log") })
        {
            SyntaxNode? replacement = target switch
            {
                AttributeSyntax a when FixSyntax.NamedArgument(a, attributeName) is { } arg =>
                    a.WithArgumentList(a.ArgumentList!.WithArguments(a.ArgumentList.Arguments.Remove(arg))),
                InvocationExpressionSyntax call when FixSyntax.CallArgument(call, parameter) is not null =>
                    FixSyntax.RemoveCallArgument(call, parameter),
                _ => null,
            };
            if (replacement is not null)
            {
                string title = "Remove " + what;
                yield return new NodeFix(title, title, target!, replacement);
            }
        }
    }
}

/// <summary>Swaps the low and high bounds (STN1003, STN2003).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SwapLowHighCodeFix)), Shared]
public sealed class SwapLowHighCodeFix : CodeFixProvider
{
    private const string Title = "Swap low and high";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.LowGreaterThanHigh, DiagnosticIds.CallLowGreaterThanHigh);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override Task RegisterCodeFixesAsync(CodeFixContext context) => FixSyntax.RegisterAsync(context, Fixes);

    private static IEnumerable<NodeFix> Fixes(SyntaxNode root, Diagnostic diagnostic)
    {
        var target = FixSyntax.Target(root, diagnostic);
        SyntaxNode? replacement = null;
        if (target is AttributeSyntax attribute && FixSyntax.PositionalArgument(attribute, 0) is { } low && FixSyntax.PositionalArgument(attribute, 1) is { } high)
        {
            replacement = attribute.ReplaceNodes(new[] { low, high }, (original, _) => original == low
                ? low.WithExpression(high.Expression.WithTriviaFrom(low.Expression))
                : high.WithExpression(low.Expression.WithTriviaFrom(high.Expression)));
        }
        else if (target is InvocationExpressionSyntax call && FixSyntax.CallArgument(call, "low") is { } l && FixSyntax.CallArgument(call, "high") is { } h)
        {
            replacement = call.ReplaceNodes(new[] { l, h }, (original, _) => original == l
                ? l.WithExpression(h.Expression.WithTriviaFrom(l.Expression))
                : h.WithExpression(l.Expression.WithTriviaFrom(h.Expression)));
        }

        return replacement is null ? Enumerable.Empty<NodeFix>() : new[] { new NodeFix(Title, Title, target!, replacement) };
    }
}

/// <summary>Sets the high bound to the last point of the step grid (STN1006, STN2006).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SetHighCodeFix)), Shared]
public sealed class SetHighCodeFix : CodeFixProvider
{
    private const string Title = "Set high to the last value on the step grid";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.RangeNotDivisible, DiagnosticIds.CallRangeNotDivisible);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override Task RegisterCodeFixesAsync(CodeFixContext context) => FixSyntax.RegisterAsync(context, Fixes);

    private static IEnumerable<NodeFix> Fixes(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue("AdjustedHigh", out string? text) || text is null)
        {
            return Enumerable.Empty<NodeFix>();
        }

        var literal = SyntaxFactory.ParseExpression(text);
        var target = FixSyntax.Target(root, diagnostic);
        SyntaxNode? replacement = target switch
        {
            AttributeSyntax a when FixSyntax.PositionalArgument(a, 1) is { } high =>
                a.ReplaceNode(high, high.WithExpression(literal.WithTriviaFrom(high.Expression))),
            InvocationExpressionSyntax call when FixSyntax.CallArgument(call, "high") is { } h =>
                call.ReplaceNode(h, h.WithExpression(literal.WithTriviaFrom(h.Expression))),
            _ => null,
        };
        return replacement is null ? Enumerable.Empty<NodeFix>() : new[] { new NodeFix($"Set high to {text}", Title, target!, replacement) };
    }
}

/// <summary>Makes a type partial (STN1013).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFix)), Shared]
public sealed class MakePartialCodeFix : CodeFixProvider
{
    private const string Title = "Make the type partial";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NotPartial);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override Task RegisterCodeFixesAsync(CodeFixContext context) => FixSyntax.RegisterAsync(context, Fixes);

    private static IEnumerable<NodeFix> Fixes(SyntaxNode root, Diagnostic diagnostic)
    {
        var token = root.FindToken(diagnostic.Location.SourceSpan.Start);
        if (token.Parent is not TypeDeclarationSyntax declaration || declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return Enumerable.Empty<NodeFix>();
        }

        var updated = declaration.AddModifiers(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space));
        if (declaration.Modifiers.Count == 0)
        {
            // "class X" -> "partial class X": move the leading trivia to the new first token.
            updated = declaration
                .WithoutLeadingTrivia()
                .WithModifiers(SyntaxFactory.TokenList(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithLeadingTrivia(declaration.GetLeadingTrivia()).WithTrailingTrivia(SyntaxFactory.Space)));
        }

        return new[] { new NodeFix(Title, Title, declaration, updated, format: false) };
    }
}

/// <summary>Adds a <c>set</c> accessor to a parameter property, or turns its <c>init</c> into <c>set</c> (STN1014).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddSetterCodeFix)), Shared]
public sealed class AddSetterCodeFix : CodeFixProvider
{
    private const string Title = "Add a setter";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NoSetter);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override Task RegisterCodeFixesAsync(CodeFixContext context) => FixSyntax.RegisterAsync(context, Fixes);

    private static IEnumerable<NodeFix> Fixes(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue("Fix", out string? fix) || fix != "AddSetter")
        {
            return Enumerable.Empty<NodeFix>();
        }

        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (node.AncestorsAndSelf().OfType<PropertyDeclarationSyntax>().FirstOrDefault() is not { AccessorList: { } accessors } property
            || accessors.Accessors.Any(a => a.Body is not null || a.ExpressionBody is not null))
        {
            return Enumerable.Empty<NodeFix>();
        }

        var setter = SyntaxFactory.AccessorDeclaration(SyntaxKind.SetAccessorDeclaration).WithSemicolonToken(SyntaxFactory.Token(SyntaxKind.SemicolonToken));
        var init = accessors.Accessors.FirstOrDefault(a => a.IsKind(SyntaxKind.InitAccessorDeclaration));
        var updatedAccessors = init is not null
            ? accessors.ReplaceNode(init, setter.WithModifiers(init.Modifiers).WithTriviaFrom(init))
            : accessors.AddAccessors(setter);
        return new[] { new NodeFix(Title, Title, property, property.WithAccessorList(updatedAccessors)) };
    }
}
