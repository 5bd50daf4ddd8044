using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Sharptune.Generators;

internal static partial class SpaceReader
{
    private sealed partial class Reader
    {
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
    }
}
