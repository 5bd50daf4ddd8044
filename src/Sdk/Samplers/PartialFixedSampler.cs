using Sharptune.Internal;

namespace Sharptune.Samplers;

/// <summary>
/// Fixes some parameters to given values and lets another sampler choose the rest (Optuna's
/// <c>PartialFixedSampler</c>). The fixed names are removed from the base sampler's relative search space, so a
/// joint sampler models only the free parameters. A fixed value outside the suggested range is still used, with a
/// warning in the study's log.
/// </summary>
/// <example>
/// Re-optimize with <c>y</c> held at its best value:
/// <code>
/// var sampler = new PartialFixedSampler(new Dictionary&lt;string, object?&gt; { ["y"] = study.BestParams["y"] }, study.Sampler);
/// var next = Study.Load(study.StudyName, study.Storage, sampler);
/// next.Optimize(Objective, nTrials: 10);
/// </code>
/// </example>
public sealed class PartialFixedSampler : ISampler
{
    private readonly Dictionary<string, object?> _fixedParams;

    /// <summary>Initializes a new instance of the <see cref="PartialFixedSampler"/> class.</summary>
    /// <param name="fixedParams">The fixed values (external representation) by parameter name; copied.</param>
    /// <param name="baseSampler">The sampler of the other parameters.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public PartialFixedSampler(IReadOnlyDictionary<string, object?> fixedParams, ISampler baseSampler)
    {
        ArgumentNullException.ThrowIfNull(fixedParams);
        ArgumentNullException.ThrowIfNull(baseSampler);
        _fixedParams = new Dictionary<string, object?>(fixedParams, StringComparer.Ordinal);
        FixedParams = _fixedParams.AsReadOnly();
        BaseSampler = baseSampler;
    }

    /// <summary>Gets the fixed values by parameter name.</summary>
    public IReadOnlyDictionary<string, object?> FixedParams { get; }

    /// <summary>Gets the sampler of the parameters that are not fixed.</summary>
    public ISampler BaseSampler { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial)
    {
        var space = BaseSampler.InferRelativeSearchSpace(study, trial);
        bool overlaps = false;
        foreach (string name in space.Keys)
        {
            if (_fixedParams.ContainsKey(name))
            {
                overlaps = true;
                break;
            }
        }

        if (!overlaps)
        {
            return space;
        }

        var free = new Dictionary<string, Distribution>(space.Count, StringComparer.Ordinal);
        foreach (var (name, distribution) in space)
        {
            if (!_fixedParams.ContainsKey(name))
            {
                free[name] = distribution;
            }
        }

        return free;
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace) =>
        BaseSampler.SampleRelative(study, trial, searchSpace);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A fixed value cannot be represented in the distribution (for example, not one of the choices).</exception>
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(paramName);
        ArgumentNullException.ThrowIfNull(distribution);
        if (!_fixedParams.TryGetValue(paramName, out object? value))
        {
            return BaseSampler.SampleIndependent(study, trial, paramName, distribution);
        }

        double internalValue = distribution.ToInternalRepr(value);
        if (!distribution.Contains(internalValue))
        {
            Log.Warning(
                study.Logger,
                $"Fixed parameter '{paramName}' with value {(value as string ?? PyFormat.Repr(value))} is out of range for distribution {distribution}.");
        }

        return internalValue;
    }

    /// <inheritdoc/>
    public void BeforeTrial(Study study, FrozenTrial trial) => BaseSampler.BeforeTrial(study, trial);

    /// <inheritdoc/>
    public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values) =>
        BaseSampler.AfterTrial(study, trial, state, values);

    /// <inheritdoc/>
    public void Reseed() => BaseSampler.Reseed();
}
