using System;

namespace Sharptune.Generators;

/// <summary>What a parameter property is.</summary>
internal enum ParamKind
{
    Float,
    Single,
    Int32,
    Int64,
    Categorical,
    Nested,
}

/// <summary>How the generated code assigns a property.</summary>
internal enum AssignKind
{
    /// <summary>A <c>set</c> accessor: assigned after construction when conditional.</summary>
    Set,

    /// <summary>An <c>init</c> accessor: assigned in the object initializer, or with <c>with</c> (records) when conditional.</summary>
    Init,
}

/// <summary>An enclosing type declaration (for nested search-space types).</summary>
/// <param name="Keyword">The declaration keyword: <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c>, <c>interface</c>.</param>
/// <param name="Name">The name with type parameters.</param>
internal sealed record ContainerModel(string Keyword, string Name);

/// <summary>One parameter of a search space.</summary>
internal sealed record ParamModel(
    string Property,
    string Name,
    ParamKind Kind,
    string Type,
    AssignKind Assign,
    double FloatLow,
    double FloatHigh,
    double FloatStep,
    bool HasStep,
    bool Log,
    long IntLow,
    long IntHigh,
    long IntStep,
    string ElementType,
    EquatableArray<string> Choices,
    string Prefix,
    int Controller,
    EquatableArray<string> ConditionValues);

/// <summary>A search-space type to generate; holds no Roslyn object.</summary>
internal sealed record SpaceModel(
    string HintName,
    string? Namespace,
    EquatableArray<ContainerModel> Containers,
    string Keyword,
    string Name,
    string FullName,
    string DisplayName,
    bool IsRecord,
    bool NeedsNew,
    EquatableArray<ParamModel> Params);
