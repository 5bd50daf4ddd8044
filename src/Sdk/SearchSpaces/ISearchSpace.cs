namespace Sharptune;

/// <summary>
/// A search space declared as a type: the Sharptune source generator implements it for every partial class,
/// record or struct whose properties carry <see cref="FloatParamAttribute"/>, <see cref="IntParamAttribute"/>,
/// <see cref="CategoricalAttribute"/> or <see cref="NestedSpaceAttribute"/>. It can also be written by hand.
/// </summary>
/// <typeparam name="TSelf">The configuration type.</typeparam>
public interface ISearchSpace<TSelf>
    where TSelf : ISearchSpace<TSelf>
{
    /// <summary>
    /// Gets the whole space: the distribution of every parameter by name, conditional and nested parameters
    /// included, in suggestion order.
    /// </summary>
    static abstract IReadOnlyDictionary<string, Distribution> Distributions { get; }

    /// <summary>
    /// Suggests every active parameter from <paramref name="trial"/> in declaration order (a conditional parameter
    /// after its controlling parameter) and returns the configuration.
    /// </summary>
    /// <param name="trial">The trial.</param>
    /// <returns>A new configuration.</returns>
    static abstract TSelf Suggest(ITrial trial);

    /// <summary>Rebuilds a configuration from a trial's parameters (external representation).</summary>
    /// <param name="parameters">The parameters by name, e.g. <see cref="FrozenTrial.Params"/>.</param>
    /// <returns>A new configuration.</returns>
    /// <exception cref="ArgumentException">An active parameter is missing or has a value of the wrong type.</exception>
    static abstract TSelf FromParams(IReadOnlyDictionary<string, object?> parameters);

    /// <summary>
    /// Returns the active parameters of this configuration by name (the inverse of
    /// <see cref="FromParams"/>), for <see cref="Study.EnqueueTrial{TConfig}"/> and grid samplers.
    /// </summary>
    /// <returns>The parameters in external representation.</returns>
    IReadOnlyDictionary<string, object?> ToParams();
}
