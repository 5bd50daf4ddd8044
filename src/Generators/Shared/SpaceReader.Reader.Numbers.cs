using System;
using System.Globalization;
using Microsoft.CodeAnalysis;

namespace Sharptune.Generators;

internal static partial class SpaceReader
{
    private sealed partial class Reader
    {
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
            if (RangeRules.FloatStepWithLog(p.Log, p.HasStep))
            {
                Report(DiagnosticIds.FloatStepAndLog, location, p.Property.Name);
                ok = false;
            }

            if (RangeRules.LowAboveHigh(low, high))
            {
                ReportWith(DiagnosticIds.LowGreaterThanHigh, location, Fix("Swap"), p.Property.Name, Literals.Display(low), Literals.Display(high));
                ok = false;
            }
            else if (RangeRules.FloatLogLowTooSmall(p.Log, low))
            {
                Report(DiagnosticIds.LogLowBound, location, p.Property.Name, RangeRules.FloatLogLowCondition, Literals.Display(low));
                ok = false;
            }

            if (p.HasStep && RangeRules.StepNotPositive(p.FStep))
            {
                Report(DiagnosticIds.NonPositiveStep, location, p.Property.Name, Literals.Display(p.FStep));
                ok = false;
            }

            if (ok && p.HasStep)
            {
                double adjusted = RangeRules.AdjustedHigh(low, high, p.FStep);
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
            if (RangeRules.IntStepWithLog(p.Log, p.IStep))
            {
                Report(DiagnosticIds.IntLogWithStep, location, p.Property.Name, p.IStep.ToString(CultureInfo.InvariantCulture));
                ok = false;
            }

            if (RangeRules.LowAboveHigh(low, high))
            {
                ReportWith(DiagnosticIds.LowGreaterThanHigh, location, Fix("Swap"), p.Property.Name, low.ToString(CultureInfo.InvariantCulture), high.ToString(CultureInfo.InvariantCulture));
                ok = false;
            }
            else if (RangeRules.IntLogLowTooSmall(p.Log, low))
            {
                Report(DiagnosticIds.LogLowBound, location, p.Property.Name, RangeRules.IntLogLowCondition, low.ToString(CultureInfo.InvariantCulture));
                ok = false;
            }

            if (RangeRules.StepNotPositive(p.IStep))
            {
                Report(DiagnosticIds.NonPositiveStep, location, p.Property.Name, p.IStep.ToString(CultureInfo.InvariantCulture));
                ok = false;
            }

            if (ok)
            {
                long adjusted = RangeRules.AdjustedHigh(low, high, p.IStep);
                if (adjusted != high)
                {
                    string text = adjusted.ToString(CultureInfo.InvariantCulture);
                    ReportWith(DiagnosticIds.RangeNotDivisible, location, Fix("SetHigh", text), p.Property.Name, low.ToString(CultureInfo.InvariantCulture), high.ToString(CultureInfo.InvariantCulture), p.IStep.ToString(CultureInfo.InvariantCulture), text);
                }
            }

            p.Valid &= ok;
        }
    }
}
