using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Sharptune.Generators;

internal static partial class SpaceReader
{
    private sealed partial class Reader
    {
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
    }
}
