using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Sharptune.Generators;

/// <summary>
/// Implements <c>Sharptune.ISearchSpace&lt;TSelf&gt;</c> for every partial type whose properties carry Sharptune
/// parameter attributes. Each type is produced once, from its first parameter property; types with errors are
/// skipped (the analyzers report them).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SearchSpaceGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        Register(context, TypeNames.FloatParam, TrackingNames.FloatParamSpaces);
        Register(context, TypeNames.IntParam, TrackingNames.IntParamSpaces);
        Register(context, TypeNames.Categorical, TrackingNames.CategoricalSpaces);
        Register(context, TypeNames.NestedSpace, TrackingNames.NestedSpaceSpaces);
    }

    private static void Register(IncrementalGeneratorInitializationContext context, string attribute, string trackingName)
    {
        var spaces = context.SyntaxProvider
            .ForAttributeWithMetadataName(attribute, static (node, _) => node is PropertyDeclarationSyntax, static (ctx, ct) => Transform(ctx, ct))
            .WithTrackingName(trackingName)
            .Where(static m => m is not null)
            .Select(static (m, _) => m!)
            .WithTrackingName(TrackingNames.FilteredSpaces);

        context.RegisterSourceOutput(spaces, static (spc, model) =>
            spc.AddSource(model.HintName, SourceText.From(Emitter.Emit(model), Encoding.UTF8)));
    }

    private static SpaceModel? Transform(GeneratorAttributeSyntaxContext context, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (context.TargetSymbol is not IPropertySymbol property || property.ContainingType is not { } type)
        {
            return null;
        }

        // One model per type: only its first parameter property produces it.
        if (!SymbolEqualityComparer.Default.Equals(SpaceReader.FirstParamProperty(type), property))
        {
            return null;
        }

        return SpaceReader.Read(type, problems: null, ct);
    }
}
