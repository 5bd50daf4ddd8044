namespace Sharptune.Samplers;

/// <summary>
/// The sampler protocol (Optuna's <c>BaseSampler</c>). For each trial, the first suggestion asks
/// <see cref="InferRelativeSearchSpace"/> and then <see cref="SampleRelative"/> once for the whole relative space;
/// parameters outside it go to <see cref="SampleIndependent"/>. Unlike Optuna, values cross this interface in the
/// internal representation (a <see cref="double"/>; the choice index for categoricals), so no boxing happens.
/// Implementations must be thread-safe: trials run in parallel.
/// </summary>
public interface ISampler
{
    /// <summary>Returns the search space to sample jointly for <paramref name="trial"/>.</summary>
    /// <param name="study">The study.</param>
    /// <param name="trial">The current trial.</param>
    /// <returns>The relative search space (empty for independent samplers).</returns>
    IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial);

    /// <summary>Samples the relative search space jointly.</summary>
    /// <param name="study">The study.</param>
    /// <param name="trial">The current trial.</param>
    /// <param name="searchSpace">The space returned by <see cref="InferRelativeSearchSpace"/>.</param>
    /// <returns>Internal representations by parameter name (a subset of the space).</returns>
    IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace);

    /// <summary>Samples one parameter on its own.</summary>
    /// <param name="study">The study.</param>
    /// <param name="trial">The current trial.</param>
    /// <param name="paramName">The parameter name.</param>
    /// <param name="distribution">Its distribution.</param>
    /// <returns>The internal representation of the value.</returns>
    double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution);

    /// <summary>Called when a trial starts, before any suggestion.</summary>
    /// <param name="study">The study.</param>
    /// <param name="trial">The trial.</param>
    void BeforeTrial(Study study, FrozenTrial trial)
    {
    }

    /// <summary>Called when a trial ends, before its state is stored.</summary>
    /// <param name="study">The study.</param>
    /// <param name="trial">The trial.</param>
    /// <param name="state">The final state.</param>
    /// <param name="values">The final values, or <see langword="null"/>.</param>
    void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values)
    {
    }

    /// <summary>Reseeds the random number generator (called per worker when trials run in parallel threads).</summary>
    void Reseed()
    {
    }
}
