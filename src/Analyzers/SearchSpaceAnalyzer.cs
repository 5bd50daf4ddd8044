using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Sharptune.Generators;

namespace Sharptune.Analyzers;

/// <summary>
/// Reports invalid attribute search spaces (STN1xxx). It reads each type with the same code the generator uses,
/// so every type the generator skips carries an error here.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SearchSpaceAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.FloatStepAndLog, DiagnosticDescriptors.IntLogWithStep, DiagnosticDescriptors.LowGreaterThanHigh,
        DiagnosticDescriptors.LogLowBound, DiagnosticDescriptors.NonPositiveStep, DiagnosticDescriptors.RangeNotDivisible,
        DiagnosticDescriptors.FloatParamType, DiagnosticDescriptors.IntParamType, DiagnosticDescriptors.CategoricalType,
        DiagnosticDescriptors.EmptyChoices, DiagnosticDescriptors.DuplicateChoices, DiagnosticDescriptors.DuplicateParameterName,
        DiagnosticDescriptors.NotPartial, DiagnosticDescriptors.NoSetter, DiagnosticDescriptors.NotInstanceProperty,
        DiagnosticDescriptors.ConditionMissingProperty, DiagnosticDescriptors.ConditionNotCategorical,
        DiagnosticDescriptors.ConditionValueNotChoice, DiagnosticDescriptors.CircularCondition, DiagnosticDescriptors.NestedNotSearchSpace,
        DiagnosticDescriptors.MultipleParamAttributes, DiagnosticDescriptors.NotConstructible, DiagnosticDescriptors.ConditionWithoutParameter,
        DiagnosticDescriptors.NaNBound, DiagnosticDescriptors.MemberNameConflict);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            // Nothing to do unless the compilation references Sharptune.
            if (start.Compilation.GetTypeByMetadataName(TypeNames.FloatParam) is null)
            {
                return;
            }

            start.RegisterSymbolAction(AnalyzeType, SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!SpaceReader.HasParamProperties(type))
        {
            // Only stray [ActiveWhen] attributes can be wrong here.
            foreach (var member in type.GetMembers())
            {
                if (member is not IPropertySymbol property)
                {
                    continue;
                }

                foreach (var attribute in property.GetAttributes())
                {
                    if (SpaceReader.IsActiveWhen(attribute))
                    {
                        context.ReportDiagnostic(Diagnostic.Create(
                            DiagnosticDescriptors.ConditionWithoutParameter,
                            attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken).GetLocation(),
                            property.Name));
                    }
                }
            }

            return;
        }

        var problems = new List<Problem>();
        SpaceReader.Read(type, problems, context.CancellationToken);
        foreach (var problem in problems)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ById(problem.Id), problem.Location, problem.Properties, problem.Args));
        }
    }
}
