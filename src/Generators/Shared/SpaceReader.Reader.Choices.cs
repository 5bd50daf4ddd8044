using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Sharptune.Generators;

internal static partial class SpaceReader
{
    private sealed partial class Reader
    {
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
    }
}
