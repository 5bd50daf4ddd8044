using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Sharptune.Generators;

internal static partial class SpaceReader
{
    private sealed partial class Reader
    {
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
    }
}
