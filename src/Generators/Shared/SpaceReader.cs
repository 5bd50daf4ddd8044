using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Sharptune.Generators;

/// <summary>
/// Reads a type declared with Sharptune's parameter attributes into a <see cref="SpaceModel"/> and the list of
/// problems in it. The generator and the analyzers share this code, so the generator skips exactly the types
/// the analyzers report errors on.
/// </summary>
internal static partial class SpaceReader
{
    public const string FixKey = "Fix";
    public const string AdjustedHighKey = "AdjustedHigh";

    private static readonly string[] ReservedMembers = { "Suggest", "FromParams", "ToParams", "Distributions" };

    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>Returns the kind of a Sharptune parameter attribute (FloatParam, IntParam, Categorical, NestedSpace), or null.</summary>
    public static string? ParamAttributeKind(AttributeData attribute)
    {
        var cls = attribute.AttributeClass;
        if (cls is null || cls.ContainingNamespace is not { Name: TypeNames.Namespace } ns || !ns.ContainingNamespace.IsGlobalNamespace)
        {
            return null;
        }

        return cls.Name switch
        {
            TypeNames.FloatParamShort or TypeNames.IntParamShort or TypeNames.CategoricalShort or TypeNames.NestedSpaceShort => cls.Name,
            _ => null,
        };
    }

    public static bool IsActiveWhen(AttributeData attribute) =>
        attribute.AttributeClass is { Name: TypeNames.ActiveWhenShort, ContainingNamespace: { Name: TypeNames.Namespace } ns } && ns.ContainingNamespace.IsGlobalNamespace;

    /// <summary>Tells whether a property carries a parameter attribute.</summary>
    public static bool IsParamProperty(IPropertySymbol property)
    {
        foreach (var a in property.GetAttributes())
        {
            if (ParamAttributeKind(a) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns the first property of <paramref name="type"/> (declaration order) that carries a parameter attribute.</summary>
    public static IPropertySymbol? FirstParamProperty(INamedTypeSymbol type)
    {
        foreach (var member in type.GetMembers())
        {
            if (member is IPropertySymbol p && IsParamProperty(p))
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>Tells whether a type has at least one parameter property of its own.</summary>
    public static bool HasParamProperties(INamedTypeSymbol type) => FirstParamProperty(type) is not null;

    /// <summary>Reads a search-space type; returns the model when no error was found.</summary>
    /// <param name="type">The type.</param>
    /// <param name="problems">Receives every problem, or null to stop at the first error.</param>
    /// <param name="ct">The cancellation token.</param>
    public static SpaceModel? Read(INamedTypeSymbol type, List<Problem>? problems, CancellationToken ct) =>
        new Reader(problems, ct, ImmutableHashSet<INamedTypeSymbol>.Empty.WithComparer(SymbolEqualityComparer.Default)).Read(type);

    public static bool IsSearchSpaceInterface(INamedTypeSymbol i) =>
        i is { Name: "ISearchSpace", Arity: 1, ContainingNamespace: { Name: TypeNames.Namespace } ns } && ns.ContainingNamespace.IsGlobalNamespace;

    private static object? NamedValue(AttributeData a, string name)
    {
        foreach (var pair in a.NamedArguments)
        {
            if (pair.Key == name)
            {
                return pair.Value.Value;
            }
        }

        return null;
    }

    private static bool NamedBool(AttributeData a, string name) => NamedValue(a, name) is true;

    private static string? NamedString(AttributeData a, string name) => NamedValue(a, name) as string;

    private static string Show(TypedConstant c)
    {
        if (c.Kind == TypedConstantKind.Error)
        {
            return "(invalid)";
        }

        return c.IsNull ? "null" : c.Value switch
        {
            string s => Literals.String(s),
            bool b => Literals.Bool(b),
            double d => Literals.Display(d),
            float f => Literals.Display(f),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => c.Value?.ToString() ?? "null",
        };
    }

    /// <summary>Converts an attribute argument to a C# literal of <paramref name="target"/>, or null when it does not fit.</summary>
    public static string? ChoiceLiteral(TypedConstant c, ITypeSymbol target)
    {
        if (c.Kind == TypedConstantKind.Error || c.Kind == TypedConstantKind.Array)
        {
            return null;
        }

        if (c.IsNull || c.Value is null)
        {
            return target.SpecialType == SpecialType.System_String && target.NullableAnnotation != NullableAnnotation.NotAnnotated ? "null" : null;
        }

        object value = c.Value;
        if (target.TypeKind == TypeKind.Enum)
        {
            if (c.Type is null || !SymbolEqualityComparer.Default.Equals(c.Type, target))
            {
                return null;
            }

            string typeName = target.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            foreach (var field in target.GetMembers().OfType<IFieldSymbol>())
            {
                if (field.HasConstantValue && Equals(field.ConstantValue, value))
                {
                    return typeName + "." + Literals.Identifier(field.Name);
                }
            }

            return "((" + typeName + ")(" + Convert.ToString(value, CultureInfo.InvariantCulture) + "))";
        }

        if (c.Type?.TypeKind == TypeKind.Enum)
        {
            return null;
        }

        switch (target.SpecialType)
        {
            case SpecialType.System_String:
                return value is string s ? Literals.String(s) : null;
            case SpecialType.System_Boolean:
                return value is bool b ? Literals.Bool(b) : null;
            case SpecialType.System_Int32:
                return TryIntegral(value, out long i) && i >= int.MinValue && i <= int.MaxValue ? Literals.Int32(i) : null;
            case SpecialType.System_Int64:
                return TryIntegral(value, out long l) ? Literals.Int64(l) : null;
            case SpecialType.System_Double:
                if (TryIntegral(value, out long li))
                {
                    return Literals.Double(li);
                }

                return value switch
                {
                    double d => Literals.Double(d),
                    float f => Literals.Double(f),
                    _ => null,
                };
            default:
                return null;
        }
    }

    private static bool TryIntegral(object value, out long result)
    {
        switch (value)
        {
            case int i: result = i; return true;
            case long l: result = l; return true;
            case short s: result = s; return true;
            case byte b: result = b; return true;
            case sbyte sb: result = sb; return true;
            case ushort us: result = us; return true;
            case uint ui: result = ui; return true;
            case ulong ul when ul <= long.MaxValue: result = (long)ul; return true;
            default: result = 0; return false;
        }
    }
}
