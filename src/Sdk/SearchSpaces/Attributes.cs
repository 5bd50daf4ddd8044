namespace Sharptune;

/// <summary>
/// Declares a floating-point search-space parameter on a <see cref="double"/> or <see cref="float"/> property
/// (Optuna's <c>suggest_float</c>). The Sharptune source generator turns the containing partial type into an
/// <see cref="ISearchSpace{TSelf}"/>.
/// </summary>
/// <example><code>[FloatParam(1e-3, 1e3, Log = true)] public double C { get; set; }</code></example>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class FloatParamAttribute : Attribute
{
    /// <summary>Initializes a new instance of the <see cref="FloatParamAttribute"/> class.</summary>
    /// <param name="low">The lower bound, included.</param>
    /// <param name="high">The upper bound, included.</param>
    public FloatParamAttribute(double low, double high)
    {
        Low = low;
        High = high;
    }

    /// <summary>Gets the lower bound, included.</summary>
    public double Low { get; }

    /// <summary>Gets the upper bound, included.</summary>
    public double High { get; }

    /// <summary>
    /// Gets or sets the discretization step. Leave it unset for a continuous range; when set it must be positive
    /// and cannot be combined with <see cref="Log"/>.
    /// </summary>
    public double Step { get; set; }

    /// <summary>Gets or sets a value indicating whether to sample in log scale (requires <see cref="Low"/> &gt; 0).</summary>
    public bool Log { get; set; }

    /// <summary>Gets or sets the parameter name; the property name when unset.</summary>
    public string? Name { get; set; }
}

/// <summary>
/// Declares an integer search-space parameter on an <see cref="int"/> or <see cref="long"/> property (Optuna's
/// <c>suggest_int</c>).
/// </summary>
/// <example><code>[IntParam(2, 5)] public int Degree { get; set; }</code></example>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class IntParamAttribute : Attribute
{
    /// <summary>Initializes a new instance of the <see cref="IntParamAttribute"/> class.</summary>
    /// <param name="low">The lower bound, included.</param>
    /// <param name="high">The upper bound, included.</param>
    public IntParamAttribute(long low, long high)
    {
        Low = low;
        High = high;
    }

    /// <summary>Gets the lower bound, included.</summary>
    public long Low { get; }

    /// <summary>Gets the upper bound, included.</summary>
    public long High { get; }

    /// <summary>Gets or sets the step (default 1; must be 1 with <see cref="Log"/>).</summary>
    public long Step { get; set; } = 1;

    /// <summary>Gets or sets a value indicating whether to sample in log scale (requires <see cref="Low"/> ≥ 1).</summary>
    public bool Log { get; set; }

    /// <summary>Gets or sets the parameter name; the property name when unset.</summary>
    public string? Name { get; set; }
}

/// <summary>
/// Declares a categorical search-space parameter (Optuna's <c>suggest_categorical</c>) on a <see cref="string"/>,
/// <see cref="bool"/>, <see cref="int"/>, <see cref="long"/>, <see cref="double"/> or enum property. Without
/// choices, a <see cref="bool"/> property takes <see langword="true"/> and <see langword="false"/> and an enum
/// property every member of its type.
/// </summary>
/// <example><code>[Categorical("rbf", "linear", "poly")] public string Kernel { get; set; } = "rbf";</code></example>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class CategoricalAttribute : Attribute
{
    /// <summary>Initializes a new instance of the <see cref="CategoricalAttribute"/> class.</summary>
    /// <param name="choices">The choices, convertible to the property type; none for bool and enum properties.</param>
    public CategoricalAttribute(params object?[] choices)
    {
        Choices = choices ?? [null];
    }

    /// <summary>Gets the declared choices (empty when they are implied by a bool or enum property).</summary>
    public IReadOnlyList<object?> Choices { get; }

    /// <summary>Gets or sets the parameter name; the property name when unset.</summary>
    public string? Name { get; set; }
}

/// <summary>
/// Makes a parameter conditional (Optuna's conditional search spaces): it is suggested only when the controlling
/// categorical or bool parameter <see cref="Property"/> holds one of <see cref="Values"/>; otherwise the property
/// keeps its initial value and the parameter is absent from the trial.
/// </summary>
/// <example><code>[IntParam(2, 5), ActiveWhen(nameof(Kernel), "poly")] public int Degree { get; set; } = 3;</code></example>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class ActiveWhenAttribute : Attribute
{
    /// <summary>Initializes a new instance of the <see cref="ActiveWhenAttribute"/> class.</summary>
    /// <param name="property">The name of the controlling property (use <c>nameof</c>).</param>
    /// <param name="values">The values of the controlling property that activate this parameter.</param>
    public ActiveWhenAttribute(string property, params object[] values)
    {
        Property = property;
        Values = values ?? [];
    }

    /// <summary>Gets the name of the controlling property.</summary>
    public string Property { get; }

    /// <summary>Gets the activating values.</summary>
    public IReadOnlyList<object> Values { get; }
}

/// <summary>
/// Marks a property whose type is itself a search space (an <see cref="ISearchSpace{TSelf}"/>): its parameters are
/// suggested as part of the containing space, their names prefixed with <see cref="Prefix"/>.
/// </summary>
/// <example><code>[NestedSpace(Prefix = "adam.")] public AdamConfig Adam { get; set; } = new();</code></example>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class NestedSpaceAttribute : Attribute
{
    /// <summary>Gets or sets the prefix of the nested parameter names; <c>PropertyName.</c> when unset.</summary>
    public string? Prefix { get; set; }
}
