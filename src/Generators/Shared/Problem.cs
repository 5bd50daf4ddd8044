using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

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
