using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Sharptune.Generators;

internal static partial class SpaceReader
{
    private sealed partial class Reader
    {
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
}
