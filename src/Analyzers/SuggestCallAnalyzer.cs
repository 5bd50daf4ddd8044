using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Sharptune.Generators;

namespace Sharptune.Analyzers;

/// <summary>
/// Reports define-by-run suggest calls (<c>ITrial.SuggestFloat/SuggestInt/SuggestLong/SuggestCategorical</c>) whose
/// constant arguments break Optuna's rules (STN2xxx), and one parameter name suggested with incompatible
/// distributions in one method.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SuggestCallAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.CallFloatStepAndLog, DiagnosticDescriptors.CallIntLogWithStep, DiagnosticDescriptors.CallLowGreaterThanHigh,
        DiagnosticDescriptors.CallLogLowBound, DiagnosticDescriptors.CallNonPositiveStep, DiagnosticDescriptors.CallRangeNotDivisible,
        DiagnosticDescriptors.CallIncompatibleDistributions, DiagnosticDescriptors.CallEmptyChoices, DiagnosticDescriptors.CallNonFiniteBound);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (start.Compilation.GetTypeByMetadataName(TypeNames.Trial) is not { } trialType)
            {
                return;
            }

            start.RegisterOperationBlockStartAction(block =>
            {
                var calls = new List<Call>();
                block.RegisterOperationAction(op => AnalyzeInvocation(op, trialType, calls), OperationKind.Invocation);
                block.RegisterOperationBlockEndAction(end => CheckConsistency(end, calls));
            });
        });
    }

    private enum Kind
    {
        Float,
        Int,
        Categorical,
    }

    private sealed class Call
    {
        public Call(string name, Kind kind, bool? log, string? choices, Location location)
        {
            Name = name;
            Kind = kind;
            Log = log;
            Choices = choices;
            Location = location;
        }

        public string Name { get; }

        public Kind Kind { get; }

        public bool? Log { get; }

        public string? Choices { get; }

        public Location Location { get; }
    }

    private static bool IsSuggestMethod(IMethodSymbol method, INamedTypeSymbol trialType) =>
        method.Name is "SuggestFloat" or "SuggestInt" or "SuggestLong" or "SuggestCategorical" &&
        (SymbolEqualityComparer.Default.Equals(method.ContainingType, trialType) || method.ContainingType.AllInterfaces.Contains(trialType, SymbolEqualityComparer.Default));

    private static void AnalyzeInvocation(OperationAnalysisContext context, INamedTypeSymbol trialType, List<Call> calls)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (!IsSuggestMethod(method, trialType))
        {
            return;
        }

        var location = invocation.Syntax.GetLocation();
        object? nameValue = Constant(Argument(invocation, "name"));
        string? name = nameValue as string;
        string shown = name ?? Argument(invocation, "name")?.Syntax.ToString() ?? "?";

        if (method.Name == "SuggestCategorical")
        {
            var choices = Argument(invocation, "choices");
            if (IsEmpty(choices))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CallEmptyChoices, location, shown));
            }

            if (name is not null)
            {
                lock (calls)
                {
                    calls.Add(new Call(name, Kind.Categorical, null, ChoicesKey(choices), location));
                }
            }

            return;
        }

        bool? log = Constant(Argument(invocation, "log")) as bool?;
        if (method.Name == "SuggestFloat")
        {
            AnalyzeFloat(context, invocation, location, shown, log);
        }
        else
        {
            AnalyzeInt(context, invocation, location, shown, log);
        }

        if (name is not null)
        {
            lock (calls)
            {
                calls.Add(new Call(name, method.Name == "SuggestFloat" ? Kind.Float : Kind.Int, log, null, location));
            }
        }
    }

    private static void AnalyzeFloat(OperationAnalysisContext context, IInvocationOperation invocation, Location location, string name, bool? log)
    {
        double? low = AsDouble(Constant(Argument(invocation, "low")));
        double? high = AsDouble(Constant(Argument(invocation, "high")));
        var stepArgument = Argument(invocation, "step");
        bool stepKnown = IsConstant(stepArgument, out object? stepValue);
        double? step = AsDouble(stepValue);
        if (Literals.NonFinite(low ?? 0, high ?? 0, step) is { } nonFinite)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CallNonFiniteBound, location, name, nonFinite.Argument, nonFinite.Value));
            return;
        }

        bool ok = true;
        if (stepKnown && RangeRules.FloatStepWithLog(log == true, step is not null))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CallFloatStepAndLog, location, Properties("RemoveStepOrLog"), name));
            ok = false;
        }

        if (low is { } l && high is { } h)
        {
            if (RangeRules.LowAboveHigh(l, h))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CallLowGreaterThanHigh, location, Properties("Swap"), name, Literals.Display(l), Literals.Display(h)));
                ok = false;
            }
            else if (RangeRules.FloatLogLowTooSmall(log == true, l))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CallLogLowBound, location, name, RangeRules.FloatLogLowCondition, Literals.Display(l)));
                ok = false;
            }
        }

        if (step is { } s && RangeRules.StepNotPositive(s))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CallNonPositiveStep, location, name, Literals.Display(s)));
            ok = false;
        }

        if (ok && low is { } lo && high is { } hi && step is { } st && !double.IsNaN(lo) && !double.IsNaN(hi))
        {
            double adjusted = RangeRules.AdjustedHigh(lo, hi, st);
            if (adjusted != hi)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.CallRangeNotDivisible, location, Properties("SetHigh", adjusted.ToString("R", CultureInfo.InvariantCulture)),
                    name, Literals.Display(lo), Literals.Display(hi), Literals.Display(st), Literals.Display(adjusted)));
            }
        }
    }

    private static void AnalyzeInt(OperationAnalysisContext context, IInvocationOperation invocation, Location location, string name, bool? log)
    {
        long? low = AsLong(Constant(Argument(invocation, "low")));
        long? high = AsLong(Constant(Argument(invocation, "high")));
        long? step = AsLong(Constant(Argument(invocation, "step")));
        bool ok = true;
        if (step is { } s1 && RangeRules.IntStepWithLog(log == true, s1))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CallIntLogWithStep, location, Properties("RemoveStepOrLog"), name, s1.ToString(CultureInfo.InvariantCulture)));
            ok = false;
        }

        if (low is { } l && high is { } h)
        {
            if (RangeRules.LowAboveHigh(l, h))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CallLowGreaterThanHigh, location, Properties("Swap"), name, l.ToString(CultureInfo.InvariantCulture), h.ToString(CultureInfo.InvariantCulture)));
                ok = false;
            }
            else if (RangeRules.IntLogLowTooSmall(log == true, l))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CallLogLowBound, location, name, RangeRules.IntLogLowCondition, l.ToString(CultureInfo.InvariantCulture)));
                ok = false;
            }
        }

        if (step is { } s && RangeRules.StepNotPositive(s))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CallNonPositiveStep, location, name, s.ToString(CultureInfo.InvariantCulture)));
            ok = false;
        }

        if (ok && low is { } lo && high is { } hi && step is { } st)
        {
            long adjusted = RangeRules.AdjustedHigh(lo, hi, st);
            if (adjusted != hi)
            {
                string text = adjusted.ToString(CultureInfo.InvariantCulture);
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.CallRangeNotDivisible, location, Properties("SetHigh", text),
                    name, lo.ToString(CultureInfo.InvariantCulture), hi.ToString(CultureInfo.InvariantCulture), st.ToString(CultureInfo.InvariantCulture), text));
            }
        }
    }

    private static void CheckConsistency(OperationBlockAnalysisContext context, List<Call> calls)
    {
        var first = new Dictionary<string, Call>(StringComparer.Ordinal);
        foreach (var call in calls.OrderBy(c => c.Location.SourceSpan.Start))
        {
            if (!first.TryGetValue(call.Name, out var earlier))
            {
                first[call.Name] = call;
                continue;
            }

            if (Exclusive(earlier.Location.SourceTree?.GetRoot(context.CancellationToken).FindNode(earlier.Location.SourceSpan), call.Location.SourceTree?.GetRoot(context.CancellationToken).FindNode(call.Location.SourceSpan)))
            {
                // Different branches of one if/switch/conditional never run in the same trial.
                continue;
            }

            string? reason = null;
            if (earlier.Kind != call.Kind)
            {
                reason = "Cannot set different distribution kind to the same parameter name.";
            }
            else if (earlier.Log is { } a && call.Log is { } b && a != b)
            {
                reason = "Cannot set different log configuration to the same parameter name.";
            }
            else if (call.Kind == Kind.Categorical && earlier.Choices is not null && call.Choices is not null && earlier.Choices != call.Choices)
            {
                reason = "CategoricalDistribution does not support dynamic value space.";
            }

            if (reason is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CallIncompatibleDistributions, call.Location, call.Name, reason));
            }
        }
    }

    /// <summary>Tells whether two calls sit in different branches of the same if, switch or conditional.</summary>
    private static bool Exclusive(SyntaxNode? a, SyntaxNode? b)
    {
        if (a is null || b is null)
        {
            return false;
        }

        SyntaxNode? common = null;
        foreach (var ancestor in b.Ancestors())
        {
            if (ancestor.Span.Contains(a.Span))
            {
                common = ancestor;
                break;
            }
        }

        static bool Split(SyntaxNode? x, SyntaxNode? y, SyntaxNode a, SyntaxNode b) =>
            x is not null && y is not null &&
            ((x.Span.Contains(a.Span) && y.Span.Contains(b.Span)) || (x.Span.Contains(b.Span) && y.Span.Contains(a.Span)));

        switch (common)
        {
            case IfStatementSyntax ifStatement:
                return Split(ifStatement.Statement, ifStatement.Else, a, b);
            case ConditionalExpressionSyntax conditional:
                return Split(conditional.WhenTrue, conditional.WhenFalse, a, b);
            case SwitchStatementSyntax switchStatement:
                return switchStatement.Sections.FirstOrDefault(s => s.Span.Contains(a.Span)) is { } sa &&
                       switchStatement.Sections.FirstOrDefault(s => s.Span.Contains(b.Span)) is { } sb && sa != sb;
            case SwitchExpressionSyntax switchExpression:
                return switchExpression.Arms.FirstOrDefault(s => s.Span.Contains(a.Span)) is { } ea &&
                       switchExpression.Arms.FirstOrDefault(s => s.Span.Contains(b.Span)) is { } eb && ea != eb;
            default:
                return false;
        }
    }

    private static ImmutableDictionary<string, string?> Properties(string fix, string? adjustedHigh = null)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, string?>();
        builder[SpaceReader.FixKey] = fix;
        if (adjustedHigh is not null)
        {
            builder[SpaceReader.AdjustedHighKey] = adjustedHigh;
        }

        return builder.ToImmutable();
    }

    private static IOperation? Argument(IInvocationOperation invocation, string parameter)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name == parameter)
            {
                return argument.Value;
            }
        }

        return null;
    }

    private static IOperation? Unwrap(IOperation? operation)
    {
        while (operation is IConversionOperation conversion && !operation.ConstantValue.HasValue)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    private static bool IsConstant(IOperation? operation, out object? value)
    {
        operation = Unwrap(operation);
        if (operation is { ConstantValue.HasValue: true })
        {
            value = operation.ConstantValue.Value;
            return true;
        }

        if (operation is IDefaultValueOperation)
        {
            value = null;
            return true;
        }

        value = null;
        return false;
    }

    private static object? Constant(IOperation? operation) => IsConstant(operation, out var value) ? value : null;

    private static double? AsDouble(object? value) => value switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        _ => null,
    };

    private static long? AsLong(object? value) => value switch
    {
        int i => i,
        long l => l,
        short s => s,
        byte b => b,
        _ => null,
    };

    private static bool IsEmpty(IOperation? choices)
    {
        var operation = Unwrap(choices);
        switch (operation)
        {
            case IArrayCreationOperation array:
                if (array.Initializer is { } init)
                {
                    return init.ElementValues.Length == 0;
                }

                return array.DimensionSizes.Length == 1 && Constant(array.DimensionSizes[0]) is 0;
            case IInvocationOperation { TargetMethod: { Name: "Empty", ContainingType: { Name: "Array", ContainingNamespace.Name: "System" } } }:
                return true;
        }

        return (operation?.Syntax ?? choices?.Syntax) is CollectionExpressionSyntax { Elements.Count: 0 };
    }

    private static string? ChoicesKey(IOperation? choices)
    {
        var operation = Unwrap(choices);
        IEnumerable<IOperation>? elements = operation switch
        {
            IArrayCreationOperation { Initializer: { } init } => init.ElementValues,
            _ => null,
        };
        if (elements is null)
        {
            return null;
        }

        var parts = new List<string>();
        foreach (var element in elements)
        {
            if (!IsConstant(element, out object? value))
            {
                return null;
            }

            parts.Add(value switch
            {
                null => "null",
                string s => Literals.String(s),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? string.Empty,
            });
        }

        return string.Join(",", parts);
    }
}
