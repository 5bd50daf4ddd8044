using System;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Sharptune.Generators;

/// <summary>C# literals in the invariant culture (a fi-FI minus sign must never reach generated code).</summary>
internal static class Literals
{
    public static string Double(double d) =>
        double.IsNaN(d) ? "double.NaN"
        : double.IsPositiveInfinity(d) ? "double.PositiveInfinity"
        : double.IsNegativeInfinity(d) ? "double.NegativeInfinity"
        : d.ToString("R", CultureInfo.InvariantCulture) + "d";

    public static string Int32(long v) => v.ToString(CultureInfo.InvariantCulture);

    public static string Int64(long v) => v.ToString(CultureInfo.InvariantCulture) + "L";

    public static string String(string? s) => s is null ? "null" : SymbolDisplay.FormatLiteral(s, quote: true);

    public static string Bool(bool b) => b ? "true" : "false";

    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>
    /// Finds the first bound or step of a float range that is NaN or infinite (the runtime refuses both): the
    /// argument's name (<c>low</c>, <c>high</c>, <c>step</c>) and its value as written in C#.
    /// </summary>
    public static (string Argument, string Value)? NonFinite(double low, double high, double? step)
    {
        if (double.IsNaN(low) || double.IsInfinity(low))
        {
            return ("low", Double(low));
        }

        if (double.IsNaN(high) || double.IsInfinity(high))
        {
            return ("high", Double(high));
        }

        if (step is { } s && (double.IsNaN(s) || double.IsInfinity(s)))
        {
            return ("step", Double(s));
        }

        return null;
    }

    /// <summary>Formats a number as Python's <c>repr</c> would for messages (<c>1.0</c>, <c>0.001</c>).</summary>
    public static string Display(double d)
    {
        string r = d.ToString("R", CultureInfo.InvariantCulture);
        return r.IndexOfAny(new[] { '.', 'E', 'e', 'N', 'I' }) >= 0 ? r : r + ".0";
    }
}
