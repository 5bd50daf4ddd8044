using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Sharptune.Generators;

/// <summary>A problem found in a search-space declaration: a diagnostic ID, where, its message arguments and fix data.</summary>
internal sealed class Problem
{
    public Problem(string id, Location? location, object?[] args, ImmutableDictionary<string, string?>? properties = null)
    {
        Id = id;
        Location = location;
        Args = args;
        Properties = properties ?? ImmutableDictionary<string, string?>.Empty;
    }

    public string Id { get; }

    public Location? Location { get; }

    public object?[] Args { get; }

    public ImmutableDictionary<string, string?> Properties { get; }

    /// <summary>Gets a value indicating whether the problem stops generation (errors do, warnings do not).</summary>
    public bool IsError => Id is not (DiagnosticIds.RangeNotDivisible or DiagnosticIds.DuplicateChoices or DiagnosticIds.ConditionWithoutParameter);
}

/// <summary>
/// Reads a type declared with Sharptune's parameter attributes into a <see cref="SpaceModel"/> and the list of
/// problems in it. The generator and the analyzers share this code, so the generator skips exactly the types
/// the analyzers report errors on.
/// </summary>
internal static class SpaceReader
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

    private sealed class Param
    {
        public Param(IPropertySymbol property, AttributeData attribute, string kindAttribute)
        {
            Property = property;
            Attribute = attribute;
            KindAttribute = kindAttribute;
        }

        public IPropertySymbol Property { get; }

        public AttributeData Attribute { get; }

        public string KindAttribute { get; }

        public AttributeData? ActiveWhen { get; set; }

        public ParamKind Kind { get; set; }

        public string Name { get; set; } = string.Empty;

        public bool Valid { get; set; } = true;

        public double FLow { get; set; }

        public double FHigh { get; set; }

        public double FStep { get; set; }

        public bool HasStep { get; set; }

        public bool Log { get; set; }

        public long ILow { get; set; }

        public long IHigh { get; set; }

        public long IStep { get; set; } = 1;

        public ITypeSymbol? ElementType { get; set; }

        public List<string> Choices { get; } = new();

        public string Prefix { get; set; } = string.Empty;

        public List<string> NestedNames { get; } = new();

        public int Controller { get; set; } = -1;

        public List<string> ConditionValues { get; } = new();

        public bool IsConditional => ActiveWhen is not null;
    }

    private sealed class Reader
    {
        private readonly List<Problem>? _problems;
        private readonly CancellationToken _ct;
        private readonly ImmutableHashSet<INamedTypeSymbol> _visiting;
        private bool _failed;

        private INamedTypeSymbol? _type;
        private int _inheritedCount;

        /// <summary>Gets a value indicating whether a base type is itself a search space (generated members hide its members).</summary>
        public bool NeedsNew { get; private set; }

        /// <summary>
        /// Reads the parameters a type inherits, base-most first. Each base space is validated on its own (and reports
        /// its own diagnostics); an invalid base makes this space fail silently.
        /// </summary>
        private List<Param>? ReadInherited(INamedTypeSymbol type, Location? location)
        {
            var result = new List<Param>();
            var bases = new List<INamedTypeSymbol>();
            for (var b = type.BaseType; b is not null; b = b.BaseType)
            {
                if (b.AllInterfaces.Any(IsSearchSpaceInterface))
                {
                    NeedsNew = true;
                }

                if (HasParamProperties(b))
                {
                    NeedsNew = true;
                    bases.Insert(0, b);
                }
            }

            foreach (var b in bases)
            {
                var sub = new Reader(null, _ct, _visiting);
                sub._type = b;
                foreach (var member in b.GetMembers())
                {
                    if (member is IPropertySymbol property && sub.ReadProperty(b, property) is { } p)
                    {
                        result.Add(p);
                    }
                }

                if (sub._failed || result.Any(p => !p.Valid))
                {
                    _failed = true;
                    return null;
                }

                foreach (var p in result.Where(p => SymbolEqualityComparer.Default.Equals(p.Property.ContainingType, b)))
                {
                    if (!Accessible(p.Property.SetMethod, type) || !Accessible(p.Property.GetMethod, type))
                    {
                        Report(DiagnosticIds.NoSetter, location, p.Property.Name, $"it is inherited from '{b.Name}' and its accessors are not accessible from '{type.Name}'");
                        p.Valid = false;
                    }
                }
            }

            _inheritedCount = result.Count;
            return result;
        }

        private static bool Accessible(IMethodSymbol? accessor, INamedTypeSymbol from) => accessor is not null && accessor.DeclaredAccessibility switch
        {
            Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal => true,
            Accessibility.Internal or Accessibility.ProtectedAndInternal => SymbolEqualityComparer.Default.Equals(accessor.ContainingAssembly, from.ContainingAssembly),
            _ => false,
        };

        /// <summary>Gets every parameter name of the space read, nested ones included with their prefixes.</summary>
        public List<string> AllNames { get; } = new();

        public Reader(List<Problem>? problems, CancellationToken ct, ImmutableHashSet<INamedTypeSymbol> visiting)
        {
            _problems = problems;
            _ct = ct;
            _visiting = visiting;
        }

        public SpaceModel? Read(INamedTypeSymbol type)
        {
            _ct.ThrowIfCancellationRequested();
            var typeLocation = type.Locations.FirstOrDefault();

            CheckPartial(type);
            CheckConstructible(type, typeLocation);
            CheckMemberConflicts(type);
            if (_failed && _problems is null)
            {
                return null;
            }

            _type = type;
            var parameters = ReadInherited(type, typeLocation);
            if (parameters is null)
            {
                return null;
            }

            foreach (var member in type.GetMembers())
            {
                _ct.ThrowIfCancellationRequested();
                if (member is not IPropertySymbol property)
                {
                    continue;
                }

                var p = ReadProperty(type, property);
                if (p is not null)
                {
                    parameters.Add(p);
                }

                if (_failed && _problems is null)
                {
                    return null;
                }
            }

            if (parameters.Count == _inheritedCount)
            {
                return null;
            }

            CheckRequiredMembers(type, parameters, typeLocation);
            ResolveConditions(type, parameters);
            _ct.ThrowIfCancellationRequested();
            CheckDuplicateNames(parameters);

            if (_failed)
            {
                return null;
            }

            return Build(type, parameters);
        }

        private void Report(string id, Location? location, params object?[] args) => ReportWith(id, location, null, args);

        private void ReportWith(string id, Location? location, ImmutableDictionary<string, string?>? properties, params object?[] args)
        {
            var problem = new Problem(id, location, args, properties);
            if (problem.IsError)
            {
                _failed = true;
            }

            _problems?.Add(problem);
        }

        private Location? Where(AttributeData attribute) =>
            attribute.ApplicationSyntaxReference?.GetSyntax(_ct).GetLocation();

        private void CheckPartial(INamedTypeSymbol type)
        {
            for (var t = type; t is not null; t = t.ContainingType)
            {
                foreach (var reference in t.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(_ct) is TypeDeclarationSyntax decl && !decl.Modifiers.Any(SyntaxKind.PartialKeyword))
                    {
                        Report(DiagnosticIds.NotPartial, decl.Identifier.GetLocation(), t.Name, ReferenceEquals(t, type) ? string.Empty : $" (it contains the search space '{type.Name}')");
                        return;
                    }
                }
            }
        }

        private void CheckConstructible(INamedTypeSymbol type, Location? location)
        {
            string? reason = null;
            if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
            {
                reason = "it is not a class, record or struct";
            }
            else if (type.IsStatic)
            {
                reason = "it is static";
            }
            else if (type.IsAbstract)
            {
                reason = "it is abstract";
            }
            else if (type.IsRefLikeType)
            {
                reason = "it is a ref struct";
            }
            else if (type.TypeKind == TypeKind.Class && !type.InstanceConstructors.Any(c => c.Parameters.Length == 0))
            {
                reason = "it has no parameterless constructor";
            }

            if (reason is not null)
            {
                Report(DiagnosticIds.NotConstructible, location, type.Name, reason);
            }
        }

        private void CheckMemberConflicts(INamedTypeSymbol type)
        {
            foreach (string name in ReservedMembers)
            {
                foreach (var member in type.GetMembers(name))
                {
                    if (member.IsImplicitlyDeclared || IsGenerated(member))
                    {
                        continue;
                    }

                    Report(DiagnosticIds.MemberNameConflict, member.Locations.FirstOrDefault(), type.Name, name);
                }
            }
        }

        private static bool IsGenerated(ISymbol member) =>
            member.GetAttributes().Any(a => a.AttributeClass?.Name == "GeneratedCodeAttribute" && a.ConstructorArguments.Length > 0 && a.ConstructorArguments[0].Value is "Sharptune.Generators");

        private void CheckRequiredMembers(INamedTypeSymbol type, List<Param> parameters, Location? location)
        {
            var names = new HashSet<string>(parameters.Select(p => p.Property.Name));
            for (var t = type; t is not null; t = t.BaseType)
            {
                foreach (var member in t.GetMembers())
                {
                    bool required = member switch
                    {
                        IPropertySymbol p => p.IsRequired,
                        IFieldSymbol f => f.IsRequired,
                        _ => false,
                    };
                    if (required && !(member is IPropertySymbol && parameters.Any(p => SymbolEqualityComparer.Default.Equals(p.Property, member))))
                    {
                        Report(DiagnosticIds.NotConstructible, location, type.Name, $"its required member '{member.Name}' is not a search-space parameter");
                    }
                }
            }

            foreach (var p in parameters)
            {
                if (p.IsConditional && p.Property.IsRequired)
                {
                    ReportWith(DiagnosticIds.NoSetter, Where(p.Attribute), null, p.Property.Name, "a conditional parameter cannot be required (it keeps its initial value when inactive)");
                    p.Valid = false;
                }
            }
        }

        private Param? ReadProperty(INamedTypeSymbol type, IPropertySymbol property)
        {
            AttributeData? paramAttribute = null;
            string? kind = null;
            AttributeData? activeWhen = null;
            foreach (var a in property.GetAttributes())
            {
                if (ParamAttributeKind(a) is { } k)
                {
                    if (paramAttribute is not null)
                    {
                        Report(DiagnosticIds.MultipleParamAttributes, Where(a), property.Name);
                        continue;
                    }

                    paramAttribute = a;
                    kind = k;
                }
                else if (IsActiveWhen(a))
                {
                    activeWhen = a;
                }
            }

            if (paramAttribute is null)
            {
                if (activeWhen is not null)
                {
                    Report(DiagnosticIds.ConditionWithoutParameter, Where(activeWhen), property.Name);
                }

                return null;
            }

            var p = new Param(property, paramAttribute, kind!) { ActiveWhen = activeWhen };
            var location = Where(paramAttribute);
            if (property.IsStatic || property.IsIndexer)
            {
                Report(DiagnosticIds.NotInstanceProperty, location, property.Name, property.IsStatic ? "static" : "an indexer");
                p.Valid = false;
                return p;
            }

            foreach (var reference in property.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(_ct) is ParameterSyntax)
                {
                    Report(DiagnosticIds.NotConstructible, location, type.Name, $"'{property.Name}' is a positional record parameter; declare parameters as properties in the body");
                    p.Valid = false;
                    return p;
                }
            }

            if (property.SetMethod is null)
            {
                ReportWith(DiagnosticIds.NoSetter, location, Fix("AddSetter"), property.Name, "it has no set or init accessor");
                p.Valid = false;
            }
            else if (activeWhen is not null && property.SetMethod.IsInitOnly && !type.IsRecord)
            {
                ReportWith(DiagnosticIds.NoSetter, location, Fix("AddSetter"), property.Name, "a conditional parameter needs a set accessor when the type is not a record");
                p.Valid = false;
            }

            p.Name = NamedString(paramAttribute, "Name") ?? property.Name;
            switch (kind)
            {
                case TypeNames.FloatParamShort:
                    ReadFloat(p, location);
                    break;
                case TypeNames.IntParamShort:
                    ReadInt(p, location);
                    break;
                case TypeNames.CategoricalShort:
                    ReadCategorical(p, location);
                    break;
                default:
                    ReadNested(p, location);
                    break;
            }

            return p;
        }

        private static ImmutableDictionary<string, string?> Fix(string fix, string? adjustedHigh = null)
        {
            var builder = ImmutableDictionary.CreateBuilder<string, string?>();
            builder[FixKey] = fix;
            if (adjustedHigh is not null)
            {
                builder[AdjustedHighKey] = adjustedHigh;
            }

            return builder.ToImmutable();
        }

        private void ReadFloat(Param p, Location? location)
        {
            var type = p.Property.Type;
            if (type.SpecialType == SpecialType.System_Double)
            {
                p.Kind = ParamKind.Float;
            }
            else if (type.SpecialType == SpecialType.System_Single)
            {
                p.Kind = ParamKind.Single;
            }
            else
            {
                Report(DiagnosticIds.FloatParamType, location, p.Property.Name, type.ToDisplayString());
                p.Valid = false;
            }

            var args = p.Attribute.ConstructorArguments;
            if (args.Length != 2 || args[0].Value is not double low || args[1].Value is not double high)
            {
                p.Valid = false;
                _failed = true;
                return;
            }

            p.FLow = low;
            p.FHigh = high;
            p.Log = NamedBool(p.Attribute, "Log");
            if (NamedValue(p.Attribute, "Step") is double step)
            {
                p.HasStep = true;
                p.FStep = step;
            }

            if (Literals.NonFinite(low, high, p.HasStep ? p.FStep : null) is { } nonFinite)
            {
                Report(DiagnosticIds.NaNBound, location, p.Property.Name, nonFinite.Argument, nonFinite.Value);
                p.Valid = false;
                return;
            }

            bool ok = true;
            if (p.HasStep && p.Log)
            {
                Report(DiagnosticIds.FloatStepAndLog, location, p.Property.Name);
                ok = false;
            }

            if (low > high)
            {
                ReportWith(DiagnosticIds.LowGreaterThanHigh, location, Fix("Swap"), p.Property.Name, Literals.Display(low), Literals.Display(high));
                ok = false;
            }
            else if (p.Log && low <= 0)
            {
                Report(DiagnosticIds.LogLowBound, location, p.Property.Name, "low > 0", Literals.Display(low));
                ok = false;
            }

            if (p.HasStep && !(p.FStep > 0))
            {
                Report(DiagnosticIds.NonPositiveStep, location, p.Property.Name, Literals.Display(p.FStep));
                ok = false;
            }

            if (ok && p.HasStep)
            {
                double adjusted = Literals.AdjustedHigh(low, high, p.FStep);
                if (adjusted != high)
                {
                    string text = Literals.Display(adjusted);
                    ReportWith(DiagnosticIds.RangeNotDivisible, location, Fix("SetHigh", adjusted.ToString("R", CultureInfo.InvariantCulture)), p.Property.Name, Literals.Display(low), Literals.Display(high), Literals.Display(p.FStep), text);
                }
            }

            p.Valid &= ok;
        }

        private void ReadInt(Param p, Location? location)
        {
            var type = p.Property.Type;
            var args = p.Attribute.ConstructorArguments;
            if (args.Length != 2 || args[0].Value is not long low || args[1].Value is not long high)
            {
                p.Valid = false;
                _failed = true;
                return;
            }

            p.ILow = low;
            p.IHigh = high;
            p.Log = NamedBool(p.Attribute, "Log");
            p.IStep = NamedValue(p.Attribute, "Step") is long step ? step : 1;
            if (type.SpecialType == SpecialType.System_Int32)
            {
                p.Kind = ParamKind.Int32;
                if (low < int.MinValue || low > int.MaxValue || high < int.MinValue || high > int.MaxValue || p.IStep > int.MaxValue || p.IStep < int.MinValue)
                {
                    Report(DiagnosticIds.IntParamType, location, p.Property.Name, "int (the bounds and step must fit in an int; use a long property)");
                    p.Valid = false;
                }
            }
            else if (type.SpecialType == SpecialType.System_Int64)
            {
                p.Kind = ParamKind.Int64;
            }
            else
            {
                Report(DiagnosticIds.IntParamType, location, p.Property.Name, type.ToDisplayString());
                p.Valid = false;
            }

            bool ok = true;
            if (p.Log && p.IStep != 1)
            {
                Report(DiagnosticIds.IntLogWithStep, location, p.Property.Name, p.IStep.ToString(CultureInfo.InvariantCulture));
                ok = false;
            }

            if (low > high)
            {
                ReportWith(DiagnosticIds.LowGreaterThanHigh, location, Fix("Swap"), p.Property.Name, low.ToString(CultureInfo.InvariantCulture), high.ToString(CultureInfo.InvariantCulture));
                ok = false;
            }
            else if (p.Log && low < 1)
            {
                Report(DiagnosticIds.LogLowBound, location, p.Property.Name, "low >= 1", low.ToString(CultureInfo.InvariantCulture));
                ok = false;
            }

            if (p.IStep <= 0)
            {
                Report(DiagnosticIds.NonPositiveStep, location, p.Property.Name, p.IStep.ToString(CultureInfo.InvariantCulture));
                ok = false;
            }

            if (ok)
            {
                long adjusted = Literals.AdjustedHigh(low, high, p.IStep);
                if (adjusted != high)
                {
                    string text = adjusted.ToString(CultureInfo.InvariantCulture);
                    ReportWith(DiagnosticIds.RangeNotDivisible, location, Fix("SetHigh", text), p.Property.Name, low.ToString(CultureInfo.InvariantCulture), high.ToString(CultureInfo.InvariantCulture), p.IStep.ToString(CultureInfo.InvariantCulture), text);
                }
            }

            p.Valid &= ok;
        }

        private void ReadCategorical(Param p, Location? location)
        {
            p.Kind = ParamKind.Categorical;
            var type = p.Property.Type;
            p.ElementType = type;
            bool isEnum = type.TypeKind == TypeKind.Enum;
            bool supported = isEnum || type.SpecialType is SpecialType.System_String or SpecialType.System_Boolean or SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Double;
            if (!supported)
            {
                Report(DiagnosticIds.CategoricalType, location, p.Property.Name, $"its type {type.ToDisplayString()} is not string, bool, int, long, double or an enum");
                p.Valid = false;
                return;
            }

            var declared = new List<TypedConstant>();
            var args = p.Attribute.ConstructorArguments;
            if (args.Length == 1)
            {
                if (args[0].Kind == TypedConstantKind.Array)
                {
                    if (args[0].IsNull)
                    {
                        declared.Add(default);
                    }
                    else
                    {
                        declared.AddRange(args[0].Values);
                    }
                }
                else
                {
                    declared.Add(args[0]);
                }
            }

            if (declared.Count == 0)
            {
                if (type.SpecialType == SpecialType.System_Boolean)
                {
                    p.Choices.Add("true");
                    p.Choices.Add("false");
                }
                else if (isEnum)
                {
                    var seen = new HashSet<object?>();
                    foreach (var field in type.GetMembers().OfType<IFieldSymbol>())
                    {
                        if (field.HasConstantValue && seen.Add(field.ConstantValue))
                        {
                            p.Choices.Add(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + Literals.Identifier(field.Name));
                        }
                    }
                }

                if (p.Choices.Count == 0)
                {
                    Report(DiagnosticIds.EmptyChoices, location, p.Property.Name);
                    p.Valid = false;
                }

                return;
            }

            var unique = new HashSet<string>();
            var bad = new List<string>();
            foreach (var choice in declared)
            {
                string? literal = ChoiceLiteral(choice, type);
                if (literal is null)
                {
                    bad.Add(Show(choice));
                    p.Valid = false;
                    continue;
                }

                if (!unique.Add(literal))
                {
                    Report(DiagnosticIds.DuplicateChoices, location, p.Property.Name, Show(choice));
                }

                p.Choices.Add(literal);
            }

            if (bad.Count > 0)
            {
                Report(DiagnosticIds.CategoricalType, location, p.Property.Name, $"the choice{(bad.Count > 1 ? "s" : string.Empty)} {string.Join(", ", bad)} cannot be converted to {type.ToDisplayString()}");
            }
        }

        private void ReadNested(Param p, Location? location)
        {
            p.Kind = ParamKind.Nested;
            p.Prefix = NamedString(p.Attribute, "Prefix") ?? p.Property.Name + ".";
            p.Name = p.Prefix;
            if (p.Property.Type is not INamedTypeSymbol nested || p.Property.Type.TypeKind is not (TypeKind.Class or TypeKind.Struct))
            {
                Report(DiagnosticIds.NestedNotSearchSpace, location, p.Property.Name, p.Property.Type.ToDisplayString(), "it is not a class, record or struct");
                p.Valid = false;
                return;
            }

            var plain = (INamedTypeSymbol)nested.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
            if (_visiting.Contains(plain.OriginalDefinition) || SymbolEqualityComparer.Default.Equals(plain.OriginalDefinition, (_type ?? p.Property.ContainingType).OriginalDefinition))
            {
                Report(DiagnosticIds.NestedNotSearchSpace, location, p.Property.Name, plain.ToDisplayString(), "it contains itself (recursive nesting)");
                p.Valid = false;
                return;
            }

            if (HasParamProperties(plain))
            {
                var innerReader = new Reader(null, _ct, _visiting.Add((_type ?? p.Property.ContainingType).OriginalDefinition));
                var inner = innerReader.Read(plain);
                if (inner is null)
                {
                    // The nested type reports its own diagnostics; this space cannot be generated until they are fixed.
                    p.Valid = false;
                    _failed = true;
                    return;
                }

                p.NestedNames.AddRange(innerReader.AllNames);
                return;
            }

            if (!plain.AllInterfaces.Any(i => IsSearchSpaceInterface(i) && SymbolEqualityComparer.Default.Equals(i.TypeArguments[0], plain)))
            {
                Report(DiagnosticIds.NestedNotSearchSpace, location, p.Property.Name, plain.ToDisplayString(), "it has no parameter attributes and does not implement ISearchSpace<" + plain.Name + ">");
                p.Valid = false;
            }
        }

        private void ResolveConditions(INamedTypeSymbol type, List<Param> parameters)
        {
            for (int i = 0; i < parameters.Count; i++)
            {
                var p = parameters[i];
                if (p.ActiveWhen is not { } aw)
                {
                    continue;
                }

                var location = Where(aw);
                var args = aw.ConstructorArguments;
                string? target = args.Length > 0 ? args[0].Value as string : null;
                int index = parameters.FindIndex(x => x.Property.Name == target);
                if (index < 0)
                {
                    if (type.GetMembers(target ?? string.Empty).Any(m => m is IPropertySymbol))
                    {
                        Report(DiagnosticIds.ConditionNotCategorical, location, p.Property.Name, target);
                    }
                    else
                    {
                        Report(DiagnosticIds.ConditionMissingProperty, location, p.Property.Name, target ?? "null");
                    }

                    p.Valid = false;
                    continue;
                }

                var controller = parameters[index];
                if (controller.Kind != ParamKind.Categorical || controller.KindAttribute != TypeNames.CategoricalShort)
                {
                    Report(DiagnosticIds.ConditionNotCategorical, location, p.Property.Name, target);
                    p.Valid = false;
                    continue;
                }

                if (index == i)
                {
                    Report(DiagnosticIds.CircularCondition, location, p.Property.Name, p.Property.Name);
                    p.Valid = false;
                    continue;
                }

                p.Controller = index;
                var values = new List<TypedConstant>();
                if (args.Length > 1)
                {
                    if (args[1].Kind == TypedConstantKind.Array)
                    {
                        if (!args[1].IsNull)
                        {
                            values.AddRange(args[1].Values);
                        }
                    }
                    else
                    {
                        values.Add(args[1]);
                    }
                }

                if (values.Count == 0)
                {
                    Report(DiagnosticIds.ConditionValueNotChoice, location, p.Property.Name, "(no value)", target);
                    p.Valid = false;
                    continue;
                }

                foreach (var value in values)
                {
                    string? literal = controller.ElementType is null ? null : ChoiceLiteral(value, controller.ElementType);
                    if (literal is null || !controller.Choices.Contains(literal))
                    {
                        Report(DiagnosticIds.ConditionValueNotChoice, location, p.Property.Name, Show(value), target);
                        p.Valid = false;
                        continue;
                    }

                    p.ConditionValues.Add(literal);
                }
            }

            // Cycles: follow each controller chain.
            for (int i = 0; i < parameters.Count; i++)
            {
                var chain = new List<string> { parameters[i].Property.Name };
                int c = parameters[i].Controller;
                for (int steps = 0; c >= 0 && steps <= parameters.Count; steps++)
                {
                    chain.Add(parameters[c].Property.Name);
                    if (c == i)
                    {
                        Report(DiagnosticIds.CircularCondition, parameters[i].ActiveWhen is { } a ? Where(a) : null, parameters[i].Property.Name, string.Join(" -> ", chain));
                        parameters[i].Valid = false;
                        break;
                    }

                    c = parameters[c].Controller;
                }
            }
        }

        private void CheckDuplicateNames(List<Param> parameters)
        {
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in parameters)
            {
                IEnumerable<string> own = p.Kind == ParamKind.Nested ? p.NestedNames.Select(n => p.Prefix + n) : new[] { p.Name };
                foreach (var name in own)
                {
                    if (names.TryGetValue(name, out var other))
                    {
                        Report(DiagnosticIds.DuplicateParameterName, Where(p.Attribute), p.Property.Name, name, other);
                    }
                    else
                    {
                        names[name] = p.Property.Name;
                        AllNames.Add(name);
                    }
                }
            }
        }

        private SpaceModel? Build(INamedTypeSymbol type, List<Param> parameters)
        {
            if (parameters.Any(p => !p.Valid))
            {
                return null;
            }

            // Declaration order, with every conditional parameter after its controller.
            var order = new List<int>();
            var placed = new bool[parameters.Count];
            void Place(int i)
            {
                if (placed[i])
                {
                    return;
                }

                placed[i] = true;
                if (parameters[i].Controller >= 0)
                {
                    Place(parameters[i].Controller);
                }

                order.Add(i);
            }

            for (int i = 0; i < parameters.Count; i++)
            {
                Place(i);
            }

            var position = new int[parameters.Count];
            for (int k = 0; k < order.Count; k++)
            {
                position[order[k]] = k;
            }

            var models = new List<ParamModel>();
            foreach (int i in order)
            {
                var p = parameters[i];
                var element = p.ElementType is null ? string.Empty : p.ElementType.ToDisplayString(TypeFormat);
                models.Add(new ParamModel(
                    Literals.Identifier(p.Property.Name),
                    p.Name,
                    p.Kind,
                    p.Property.Type.ToDisplayString(TypeFormat),
                    p.Property.SetMethod!.IsInitOnly ? AssignKind.Init : AssignKind.Set,
                    p.FLow,
                    p.FHigh,
                    p.FStep,
                    p.HasStep,
                    p.Log,
                    p.ILow,
                    p.IHigh,
                    p.IStep,
                    element,
                    p.Choices.ToEquatableArray(),
                    p.Prefix,
                    p.Controller >= 0 ? position[p.Controller] : -1,
                    p.ConditionValues.ToEquatableArray()));
            }

            var containers = new List<ContainerModel>();
            for (var t = type.ContainingType; t is not null; t = t.ContainingType)
            {
                containers.Insert(0, new ContainerModel(Keyword(t), NameWithTypeParameters(t)));
            }

            string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
            var hint = new List<string>();
            if (ns is not null)
            {
                hint.Add(ns);
            }

            for (var t = type; t is not null; t = t.ContainingType)
            {
                hint.Insert(ns is null ? 0 : 1, t.MetadataName);
            }

            return new SpaceModel(
                string.Join(".", hint) + ".g.cs",
                ns,
                containers.ToEquatableArray(),
                Keyword(type),
                NameWithTypeParameters(type),
                type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                type.Name,
                type.IsRecord,
                NeedsNew,
                models.ToEquatableArray());
        }

        private static string Keyword(INamedTypeSymbol t) => t.TypeKind switch
        {
            TypeKind.Struct => t.IsRecord ? "record struct" : "struct",
            TypeKind.Interface => "interface",
            _ => t.IsRecord ? "record" : "class",
        };

        private static string NameWithTypeParameters(INamedTypeSymbol t) =>
            t.TypeParameters.Length == 0 ? Literals.Identifier(t.Name) : Literals.Identifier(t.Name) + "<" + string.Join(", ", t.TypeParameters.Select(tp => Literals.Identifier(tp.Name))) + ">";
    }

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
