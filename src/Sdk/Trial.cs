using System.Collections.ObjectModel;
using Microsoft.Extensions.Logging;
using Sharptune.Internal;
using Sharptune.Storages;

namespace Sharptune;

/// <summary>
/// A live trial of a study (Optuna's <c>Trial</c>): created by <see cref="Study.Ask"/> and by the optimize loops,
/// it asks the study's sampler for each suggestion and records everything in the study's storage. A trial is
/// used by one objective at a time.
/// </summary>
public sealed class Trial : ITrial
{
    private readonly IStorage _storage;
    private readonly Dictionary<string, double> _params = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Distribution> _distributions = new(StringComparer.Ordinal);
    private readonly Dictionary<int, double> _intermediate = [];
    private readonly IReadOnlyDictionary<string, object?>? _fixedParams;
    private Dictionary<string, object?> _userAttrs;
    private Dictionary<string, object?> _systemAttrs;
    private FrozenTrial? _snapshot;
    private IReadOnlyDictionary<string, Distribution>? _relativeSearchSpace;
    private IReadOnlyDictionary<string, double>? _relativeParams;

    internal Trial(Study study, int trialId)
    {
        Study = study;
        TrialId = trialId;
        _storage = study.Storage;
        var frozen = _storage.GetTrial(trialId);
        Number = frozen.Number;
        DatetimeStart = frozen.DatetimeStart;
        foreach (var (k, v) in frozen.InternalParams)
        {
            _params[k] = v;
            _distributions[k] = frozen.Distributions[k];
        }

        foreach (var (k, v) in frozen.IntermediateValues)
        {
            _intermediate[k] = v;
        }

        _userAttrs = new Dictionary<string, object?>(frozen.UserAttrs);
        _systemAttrs = new Dictionary<string, object?>(frozen.SystemAttrs);
        if (frozen.SystemAttrs.TryGetValue("fixed_params", out object? fixedParams) && fixedParams is IReadOnlyDictionary<string, object?> fp)
        {
            _fixedParams = fp;
        }
        else if (fixedParams is IDictionary<string, object?> fp2)
        {
            _fixedParams = new ReadOnlyDictionary<string, object?>(fp2);
        }

        _snapshot = frozen;
        study.Sampler.BeforeTrial(study, frozen);
        _snapshot = null; // the sampler may have written system attributes
        _systemAttrs = new Dictionary<string, object?>(_storage.GetTrial(trialId).SystemAttrs);
    }

    /// <summary>Gets the study this trial belongs to.</summary>
    public Study Study { get; }

    /// <summary>Gets the storage id of the trial.</summary>
    public int TrialId { get; }

    /// <inheritdoc/>
    public int Number { get; }

    /// <inheritdoc/>
    public DateTime? DatetimeStart { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> Params => Snapshot().Params;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> Distributions => Snapshot().Distributions;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> UserAttrs => Snapshot().UserAttrs;

    /// <summary>Gets the system attributes.</summary>
    public IReadOnlyDictionary<string, object?> SystemAttrs => Snapshot().SystemAttrs;

    /// <summary>Gets the intermediate values reported so far.</summary>
    public IReadOnlyDictionary<int, double> IntermediateValues => Snapshot().IntermediateValues;

    /// <summary>Gets the parameters the sampler drew jointly for this trial (internal representation).</summary>
    public IReadOnlyDictionary<string, double> RelativeParams
    {
        get
        {
            EnsureRelative();
            return _relativeParams!;
        }
    }

    /// <inheritdoc/>
    public double SuggestFloat(string name, double low, double high, double? step = null, bool log = false)
    {
        var dist = new FloatDistribution(low, high, log, step);
        WarnAdjusted(dist);
        return Suggest(name, dist);
    }

    /// <inheritdoc/>
    public int SuggestInt(string name, int low, int high, int step = 1, bool log = false)
    {
        var dist = new IntDistribution(low, high, log, step);
        WarnAdjusted(dist);
        return checked((int)Suggest(name, dist));
    }

    /// <inheritdoc/>
    public long SuggestLong(string name, long low, long high, long step = 1, bool log = false)
    {
        var dist = new IntDistribution(low, high, log, step);
        WarnAdjusted(dist);
        return (long)Suggest(name, dist);
    }

    /// <inheritdoc/>
    public T SuggestCategorical<T>(string name, IReadOnlyList<T> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var dist = CreateCategorical(choices);
        return choices[(int)Suggest(name, dist)];
    }

    /// <summary>Suggests a value for an arbitrary distribution (used by generated code and dynamic spaces).</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="distribution">The distribution.</param>
    /// <returns>The value in external representation.</returns>
    public object? SuggestDistribution(string name, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        WarnAdjusted(distribution);
        return distribution.ToExternalRepr(Suggest(name, distribution));
    }

    internal static CategoricalDistribution CreateCategorical<T>(IReadOnlyList<T> choices)
    {
        var boxed = new object?[choices.Count];
        for (int i = 0; i < boxed.Length; i++)
        {
            boxed[i] = choices[i];
        }

        return new CategoricalDistribution(boxed);
    }

    /// <summary>Runs Optuna's suggestion pipeline and returns the internal representation.</summary>
    internal double Suggest(string name, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_distributions.TryGetValue(name, out var existing))
        {
            Distribution.CheckCompatibility(existing, distribution);
            if (!existing.Equals(distribution))
            {
                Study.Logger.LogWarning(
                    "Inconsistent parameter values for distribution with name \"{Name}\"! This might be a configuration mistake. Optuna allows to call the same distribution with the same name more than once in a trial. When the parameter values are inconsistent optuna only uses the values of the first call and ignores all following. Using these values: {Attributes}",
                    name, existing.ToString());
            }

            return _params[name];
        }

        double value;
        if (_fixedParams is not null && _fixedParams.TryGetValue(name, out object? fixedValue))
        {
            value = distribution.ToInternalRepr(fixedValue);
            if (!distribution.Contains(value))
            {
                Study.Logger.LogWarning(
                    "Fixed parameter {Name} with value {Value} is out of range for distribution {Distribution}.",
                    name, PyFormat.Repr(fixedValue), distribution.ToString());
            }
        }
        else if (distribution.IsSingle)
        {
            value = distribution.SingleInternalValue;
        }
        else if (IsRelativeParam(name, distribution, out double relative))
        {
            value = relative;
        }
        else
        {
            value = Study.Sampler.SampleIndependent(Study, Snapshot(), name, distribution);
        }

        if (double.IsNaN(value))
        {
            throw new ArgumentException("`nan` is invalid value.");
        }

        _storage.SetTrialParam(TrialId, name, value, distribution);
        _params[name] = value;
        _distributions[name] = distribution;
        _snapshot = null;
        return value;
    }

    private bool IsRelativeParam(string name, Distribution distribution, out double value)
    {
        EnsureRelative();
        if (!_relativeParams!.TryGetValue(name, out value))
        {
            return false;
        }

        if (!_relativeSearchSpace!.TryGetValue(name, out var relativeDistribution))
        {
            throw new InvalidOperationException(
                $"The parameter {name} was sampled by `sample_relative` method but it is not contained in the relative search space.");
        }

        Distribution.CheckCompatibility(relativeDistribution, distribution);
        return distribution.Contains(value);
    }

    private void EnsureRelative()
    {
        if (_relativeParams is not null)
        {
            return;
        }

        var snapshot = Snapshot();
        _relativeSearchSpace = Study.Sampler.InferRelativeSearchSpace(Study, snapshot);
        _relativeParams = _relativeSearchSpace.Count == 0
            ? FrozenTrial.EmptyInternal
            : Study.Sampler.SampleRelative(Study, snapshot, _relativeSearchSpace);
        if (_relativeParams.Count > 0)
        {
            Invalidate(); // the sampler may have written system attributes (TPE's constant liar publishes its point)
        }
    }

    /// <inheritdoc/>
    public void Report(double value, int step)
    {
        if (Study.Directions.Count > 1)
        {
            throw new NotSupportedException("Trial.report is not supported for multi-objective optimization.");
        }

        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"`step={step}` must be non-negative.");
        }

        if (_intermediate.ContainsKey(step))
        {
            Study.Logger.LogWarning("The reported value is ignored because this `step` {Step} is already reported.", step);
            return;
        }

        _storage.SetTrialIntermediateValue(TrialId, step, value);
        _intermediate[step] = value;
        _snapshot = null;
    }

    /// <inheritdoc/>
    public bool ShouldPrune()
    {
        if (Study.Directions.Count > 1)
        {
            throw new NotSupportedException("Trial.should_prune is not supported for multi-objective optimization.");
        }

        return Study.Pruner.Prune(Study, Snapshot());
    }

    /// <inheritdoc/>
    public void SetUserAttr(string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        _storage.SetTrialUserAttr(TrialId, key, value);
        _userAttrs[key] = value;
        _snapshot = null;
    }

    /// <summary>Sets a system attribute (used by samplers and pruners).</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    public void SetSystemAttr(string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        _storage.SetTrialSystemAttr(TrialId, key, value);
        _systemAttrs[key] = value;
        _snapshot = null;
    }

    /// <inheritdoc/>
    public void SetConstraint(string key, double value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (double.IsNaN(value))
        {
            throw new ArgumentException($"Attempted to set a constraint for {PyFormat.Repr(key)}, but NaN is not allowed.", nameof(value));
        }

        string attrKey = "constraints:" + key;
        if (_storage.GetTrial(TrialId).SystemAttrs.ContainsKey(attrKey))
        {
            Study.Logger.LogWarning("The constraint value is ignored because this constraint `key={Key}` is already set.", PyFormat.Repr(key));
            return;
        }

        SetSystemAttr(attrKey, value);
    }

    /// <summary>Returns a snapshot of the trial as it is now.</summary>
    /// <returns>The snapshot.</returns>
    public FrozenTrial ToFrozen() => Snapshot();

    internal void Invalidate()
    {
        _snapshot = null;
        _systemAttrs = new Dictionary<string, object?>(_storage.GetTrial(TrialId).SystemAttrs);
    }

    private FrozenTrial Snapshot()
    {
        if (_snapshot is { } s)
        {
            return s;
        }

        s = new FrozenTrial(
            Number,
            TrialId,
            TrialState.Running,
            null,
            DatetimeStart,
            null,
            _params.Count == 0 ? FrozenTrial.EmptyInternal : new ReadOnlyDictionary<string, double>(new Dictionary<string, double>(_params)),
            _distributions.Count == 0 ? FrozenTrial.EmptyDistributions : new ReadOnlyDictionary<string, Distribution>(new Dictionary<string, Distribution>(_distributions)),
            _userAttrs.Count == 0 ? FrozenTrial.EmptyAttrs : new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?>(_userAttrs)),
            _systemAttrs.Count == 0 ? FrozenTrial.EmptyAttrs : new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?>(_systemAttrs)),
            _intermediate.Count == 0 ? FrozenTrial.EmptyIntermediate : new ReadOnlyDictionary<int, double>(new SortedList<int, double>(_intermediate)));
        _snapshot = s;
        return s;
    }

    private void WarnAdjusted(Distribution dist)
    {
        if (dist.AdjustmentWarning is { } w)
        {
            Study.Logger.LogWarning("{Message}", w);
        }
    }
}
