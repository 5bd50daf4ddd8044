using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Sharptune.Generators;

internal static partial class SpaceReader
{
    private sealed partial class Reader
    {
        private readonly List<Problem>? _problems;
        private readonly CancellationToken _ct;
        private readonly ImmutableHashSet<INamedTypeSymbol> _visiting;
        private bool _failed;

        private INamedTypeSymbol? _type;
        private int _inheritedCount;

        /// <summary>Gets a value indicating whether a base type is itself a search space (generated members hide its members).</summary>
        public bool NeedsNew { get; private set; }

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
    }
}
