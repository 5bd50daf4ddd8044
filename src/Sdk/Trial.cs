using System.Collections.ObjectModel;
using Microsoft.Extensions.Logging;
using Sharptune.Internal;
using Sharptune.Samplers;
using Sharptune.Storages;

namespace Sharptune;

/// <summary>
/// A live trial of a study (Optuna's <c>Trial</c>): created by <see cref="Study.Ask"/> and by the optimize loops,
/// it asks the study's sampler for each suggestion and records everything in the study's storage. A trial is
/// used by one objective at a time.
/// </summary>
public sealed class Trial : ITrial
{
    // A trial object per trial is the optimize loop's main allocation: the fields most trials leave empty (attributes,
    // reports, fixed parameters, the per-trial timeout) live in a side object created at first use, and no field is a
    // nullable struct.
    private readonly ParamTable _table;
    // The in-memory storage's own table of this trial (see InMemoryStorage.TryGetNewTrial): the storage appends to it
    // as it records each suggestion, and this object reads it; otherwise the trial keeps a table of its own.
    private readonly bool _sharesStorageTable;
    private readonly DateTime _datetimeStart;
    // What a sampler that reads the trial keeps here (the snapshot, the joint draw); RandomSampler reads neither.
    private SamplerView? _view;
    private Rare? _rare;

    // The final state the storage accepted (set by SetFinished; _finishedCompleted is default until then), from which
    // Finished is built at its first read.
    private FrozenTrial? _finished;
    private IReadOnlyList<double>? _finishedValues;
    private DateTime _finishedCompleted;
    private double _finishedValue;
    private TrialState _finishedState;
    private bool _finishedWithValue; // the only value is _finishedValue (_finishedValues is null)

    /// <summary>
    /// Starts the live trial of a trial this process has just created or claimed: <paramref name="frozen"/> is the
    /// stored trial as read once after the claim. From here on the trial is never read back from the storage:
    /// every write (its own, the sampler's and the pruner's, see <see cref="Study.SetTrialSystemAttr"/>) goes
    /// through this object, which keeps its state in memory.
    /// </summary>
    internal Trial(Study study, FrozenTrial frozen)
        : this(study, frozen.TrialId, frozen.Number, frozen.DatetimeStart, frozen, null)
    {
    }

    /// <summary>
    /// Starts the live trial of a trial this process has just created, known to hold nothing yet (no parameters,
    /// attributes or reports), without a snapshot of it. <paramref name="storageTable"/> is the in-memory storage's
    /// parameter table of the trial, shared rather than copied, or <see langword="null"/> for a table of its own.
    /// </summary>
    internal Trial(Study study, int trialId, int number, DateTime? datetimeStart, ParamTable? storageTable)
        : this(study, trialId, number, datetimeStart, null, storageTable)
    {
    }

    private Trial(Study study, int trialId, int number, DateTime? datetimeStart, FrozenTrial? frozen, ParamTable? storageTable)
    {
        Study = study;
        TrialId = trialId;
        Number = number;
        _datetimeStart = datetimeStart ?? default;

        // Laid out as the last trial this process finished: the same suggestions allocate only their values.
        _sharesStorageTable = storageTable is not null;
        _table = storageTable ?? new ParamTable(study.ParamLayout);
        if (frozen is not null)
        {
            foreach (var (k, v) in frozen.InternalParams)
            {
                _table.Set(k, v, frozen.Distributions[k]);
            }

            foreach (var (k, v) in frozen.IntermediateValues)
            {
                (RareFields.Intermediate ??= [])[k] = v;
            }

            foreach (var (k, v) in frozen.IntermediateVectors)
            {
                (RareFields.IntermediateVectors ??= [])[k] = [.. v];
            }

            if (frozen.UserAttrs.Count > 0)
            {
                RareFields.UserAttrs = frozen.UserAttrs;
            }

            if (frozen.SystemAttrs.Count > 0)
            {
                RareFields.SystemAttrs = frozen.SystemAttrs;
            }

            if (frozen.SystemAttrs.TryGetValue("fixed_params", out object? fixedParams) && fixedParams is IReadOnlyDictionary<string, object?> fp)
            {
                RareFields.FixedParams = fp;
            }
            else if (fixedParams is IDictionary<string, object?> fp2)
            {
                RareFields.FixedParams = new ReadOnlyDictionary<string, object?>(fp2);
            }
        }

        study.History.OnStarted(Number, TrialId);
        if (study.SnapshotFreeSampler is null)
        {
            // RandomSampler's BeforeTrial does nothing: no snapshot (an object per trial) is taken for it.
            var snapshot = Snapshot();
            study.Sampler.BeforeTrial(SamplerStudy(snapshot), snapshot);
        }
    }

    /// <summary>Gets the study this trial belongs to.</summary>
    public Study Study { get; }

    /// <summary>Gets the storage id of the trial.</summary>
    public int TrialId { get; }

    /// <inheritdoc/>
    public int Number { get; }

    /// <inheritdoc/>
    public DateTime? DatetimeStart => _datetimeStart == default ? null : _datetimeStart;

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
            return _view!.RelativeParams!;
        }
    }

    /// <inheritdoc/>
    public double SuggestFloat(string name, double low, double high, double? step = null, bool log = false)
    {
        var dist = Study.Distributions.Float(name, low, high, log, step);
        WarnAdjusted(dist);
        return Suggest(name, dist);
    }

    /// <inheritdoc/>
    public int SuggestInt(string name, int low, int high, int step = 1, bool log = false)
    {
        var dist = Study.Distributions.Int(name, low, high, log, step);
        WarnAdjusted(dist);
        return checked((int)Suggest(name, dist));
    }

    /// <inheritdoc/>
    public long SuggestLong(string name, long low, long high, long step = 1, bool log = false)
    {
        var dist = Study.Distributions.Int(name, low, high, log, step);
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
        if (_table.TryGet(name, out double existingValue, out var existing))
        {
            Distribution.CheckCompatibility(existing, distribution);
            if (!existing.Equals(distribution))
            {
                Log.InconsistentDistribution(Study.Logger, name, existing);
            }

            return existingValue;
        }

        double value;
        if (_rare?.FixedParams is { } fixedParams && fixedParams.TryGetValue(name, out object? fixedValue))
        {
            value = distribution.ToInternalRepr(fixedValue);
            if (!distribution.Contains(value))
            {
                Log.FixedParamOutOfRange(Study.Logger, name, PyFormat.Repr(fixedValue), distribution);
            }
        }
        else if (distribution.IsSingle)
        {
            value = distribution.SingleInternalValue;
        }
        else if (Study.SnapshotFreeSampler is { } random)
        {
            // RandomSampler reads neither the study nor the trial, and samples nothing jointly: no snapshot (an object
            // per suggestion) is taken, and no relative parameter is looked up.
            value = random.SampleIndependent(distribution);
        }
        else if (IsRelativeParam(name, distribution, out double relative))
        {
            value = relative;
        }
        else
        {
            var snapshot = Snapshot();
            value = Study.Sampler.SampleIndependent(SamplerStudy(snapshot), snapshot, name, distribution);
        }

        if (double.IsNaN(value))
        {
            throw new ArgumentException("`nan` is invalid value.");
        }

        Study.Storage.SetTrialParam(TrialId, name, value, distribution);
        if (!_sharesStorageTable)
        {
            _table.Set(name, value, distribution);
        }

        InvalidateSnapshot();
        return value;
    }

    private bool IsRelativeParam(string name, Distribution distribution, out double value)
    {
        EnsureRelative();
        if (!_view!.RelativeParams!.TryGetValue(name, out value))
        {
            return false;
        }

        if (!_view.RelativeSearchSpace!.TryGetValue(name, out var relativeDistribution))
        {
            throw new InvalidOperationException(
                $"The parameter {name} was sampled by `sample_relative` method but it is not contained in the relative search space.");
        }

        Distribution.CheckCompatibility(relativeDistribution, distribution);
        return distribution.Contains(value);
    }

    private void EnsureRelative()
    {
        if (_view?.RelativeParams is not null)
        {
            return;
        }

        if (Study.SnapshotFreeSampler is not null)
        {
            // RandomSampler has no relative search space: no snapshot is taken to ask it.
            View.RelativeSearchSpace = FrozenTrial.EmptyDistributions;
            View.RelativeParams = FrozenTrial.EmptyInternal;
            return;
        }

        var snapshot = Snapshot();
        var samplerStudy = SamplerStudy(snapshot);
        var view = View;
        view.RelativeSearchSpace = Study.Sampler.InferRelativeSearchSpace(samplerStudy, snapshot);
        view.RelativeParams = view.RelativeSearchSpace.Count == 0
            ? FrozenTrial.EmptyInternal
            : Study.Sampler.SampleRelative(samplerStudy, snapshot, view.RelativeSearchSpace);
    }

    /// <summary>The study the sampler sees for this trial: the pruner may narrow it (HyperbandPruner's brackets).</summary>
    private Study SamplerStudy(FrozenTrial snapshot) => Study.Pruner.FilterStudy(Study, snapshot);

    /// <inheritdoc/>
    public void Report(double value, int step)
    {
        if (Study.Directions.Count > 1)
        {
            throw new NotSupportedException(
                "Trial.report is not supported for multi-objective optimization. Report one value per objective with Report(IReadOnlyList<double> values, int step).");
        }

        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"`step={step}` must be non-negative.");
        }

        if (_rare?.Intermediate?.ContainsKey(step) == true)
        {
            Log.StepAlreadyReported(Study.Logger, step);
            return;
        }

        Study.Storage.SetTrialIntermediateValue(TrialId, step, value);
        (RareFields.Intermediate ??= [])[step] = value;
        InvalidateSnapshot();
    }

    /// <summary>
    /// Reports one intermediate value per objective at a step (beyond Optuna, whose <c>report</c> is
    /// single-objective). In a single-objective study this is <see cref="Report(double, int)"/> with the only value.
    /// In a multi-objective study the vector is stored as the trial system attribute
    /// <c>intermediate_values:&lt;step&gt;</c> (a JSON list of floats, so Optuna and its dashboard can open the study)
    /// and read back through <see cref="FrozenTrial.IntermediateVectors"/>; pruners that support several objectives
    /// (<see cref="Pruners.DominancePruner"/>, <see cref="Pruners.ObjectivePruner"/>) use it, and a pruned trial keeps
    /// its last vector as its values. A step already reported is ignored with a warning, as Optuna does.
    /// </summary>
    /// <param name="values">One value per objective (NaN and infinities allowed).</param>
    /// <param name="step">The step, ≥ 0.</param>
    /// <exception cref="ArgumentException">The number of values differs from the number of objectives.</exception>
    public void Report(IReadOnlyList<double> values, int step)
    {
        ArgumentNullException.ThrowIfNull(values);
        int objectives = Study.Directions.Count;
        if (values.Count != objectives)
        {
            throw new ArgumentException(
                $"The number of the reported values {values.Count} did not match the number of the objectives {objectives}.", nameof(values));
        }

        if (objectives == 1)
        {
            Report(values[0], step);
            return;
        }

        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"`step={step}` must be non-negative.");
        }

        if (_rare?.IntermediateVectors?.ContainsKey(step) == true)
        {
            Log.StepAlreadyReported(Study.Logger, step);
            return;
        }

        double[] copy = [.. values];
        SetSystemAttr(FrozenTrial.IntermediateVectorKey(step), Array.AsReadOnly(copy));
        (RareFields.IntermediateVectors ??= [])[step] = copy;
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">
    /// The study has several objectives and its pruner does not support them (<see cref="Pruners.IPruner.SupportsMultiObjective"/>).
    /// </exception>
    public bool ShouldPrune()
    {
        if (_rare is { PruneOnTimeout: true } rare && rare.TimeoutToken.IsCancellationRequested)
        {
            return true;
        }

        if (Study.Directions.Count > 1 && !Study.Pruner.SupportsMultiObjective)
        {
            throw new NotSupportedException(
                "Trial.should_prune is not supported for multi-objective optimization. Use a pruner that supports several objectives, such as DominancePruner or ObjectivePruner.");
        }

        // Pruners record state in the trial's system attributes through Study.SetTrialSystemAttr (SuccessiveHalving's
        // rungs), which writes through this object: the snapshot is current without reading the storage.
        return Study.Pruner.Prune(Study, Snapshot());
    }

    /// <summary>Arms the per-trial timeout of the asynchronous optimize loop (<see cref="OptimizeOptions.TrialTimeout"/>).</summary>
    internal void SetTimeout(CancellationToken timeoutToken, bool pruneOnTimeout)
    {
        RareFields.TimeoutToken = timeoutToken;
        RareFields.PruneOnTimeout = pruneOnTimeout;
    }

    /// <inheritdoc/>
    public void SetUserAttr(string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        Study.Storage.SetTrialUserAttr(TrialId, key, value);
        RareFields.UserAttrs = Attrs.With(UserAttrsHeld, key, value);
        InvalidateSnapshot();
    }

    /// <summary>Sets a system attribute (used by samplers and pruners).</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    public void SetSystemAttr(string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        Study.Storage.SetTrialSystemAttr(TrialId, key, value);
        RareFields.SystemAttrs = Attrs.With(SystemAttrsHeld, key, value);
        InvalidateSnapshot();
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
        if (SystemAttrsHeld.ContainsKey(attrKey))
        {
            Log.ConstraintAlreadySet(Study.Logger, PyFormat.Repr(key));
            return;
        }

        SetSystemAttr(attrKey, value);
    }

    /// <summary>Seals the finished trial's parameter table and returns it, as the layout of the next trials.</summary>
    internal ParamTable SealParams()
    {
        _table.Seal();
        return _table;
    }

    /// <summary>Returns a snapshot of the trial as it is now.</summary>
    /// <returns>The snapshot.</returns>
    public FrozenTrial ToFrozen() => Snapshot();

    /// <summary>
    /// Gets the trial as this process stored it finished (set by <see cref="Study.TellCore"/> once the storage
    /// accepted the final state), or <see langword="null"/> while it runs. Built at the first read: an optimize loop
    /// without callbacks or logging never reads it.
    /// </summary>
    internal FrozenTrial? Finished
    {
        get
        {
            if (_finished is null && _finishedCompleted != default)
            {
                _finished = ToFinished(_finishedState, _finishedValues ?? (_finishedWithValue ? [_finishedValue] : null), _finishedCompleted);
            }

            return _finished;
        }

        set
        {
            _finished = value;
            _finishedValues = null;
            _finishedWithValue = false;
            _finishedCompleted = default;
        }
    }

    /// <summary>Gets a value indicating whether the trial has been told (see <see cref="Finished"/>).</summary>
    internal bool HasFinished => _finished is not null || _finishedCompleted != default;

    /// <summary>
    /// Records that the storage accepted the trial's final state; <see cref="Finished"/> is built from it when read.
    /// The values are <paramref name="values"/>, or the one value <paramref name="single"/> when that is given.
    /// </summary>
    internal void SetFinished(TrialState state, IReadOnlyList<double>? values, DateTime datetimeComplete, double? single = null)
    {
        _finished = null;
        _finishedState = state;
        _finishedValues = values;
        _finishedWithValue = single.HasValue;
        _finishedValue = single.GetValueOrDefault();
        _finishedCompleted = datetimeComplete;
    }

    /// <summary>
    /// Builds the finished trial from the live state, so that telling, logging and callbacks need not read it
    /// back; <paramref name="datetimeComplete"/> is taken just before the storage stamps its own.
    /// </summary>
    internal FrozenTrial ToFinished(TrialState state, IReadOnlyList<double>? values, DateTime datetimeComplete)
    {
        // From the running snapshot when one is current, else straight from the live state (no snapshot first).
        var s = _view?.Snapshot;
        return new FrozenTrial(
            Number,
            TrialId,
            state,
            values,
            DatetimeStart,
            datetimeComplete,
            s?.InternalParams ?? _table.Values,
            s?.Distributions ?? _table.Distributions,
            UserAttrsHeld,
            SystemAttrsHeld,
            s?.IntermediateValues ?? IntermediateSnapshot());
    }

    private FrozenTrial Snapshot()
    {
        if (_view?.Snapshot is { } s)
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
            _table.Values,
            _table.Distributions,
            UserAttrsHeld,
            SystemAttrsHeld,
            IntermediateSnapshot())
        {
            Live = this,
        };
        View.Snapshot = s;
        return s;
    }


    private IReadOnlyDictionary<int, double> IntermediateSnapshot() =>
        _rare?.Intermediate is not { Count: > 0 } intermediate ? FrozenTrial.EmptyIntermediate : new ReadOnlyDictionary<int, double>(new SortedList<int, double>(intermediate));

    private Rare RareFields => _rare ??= new Rare();

    private IReadOnlyDictionary<string, object?> UserAttrsHeld => _rare?.UserAttrs ?? FrozenTrial.EmptyAttrs;

    private IReadOnlyDictionary<string, object?> SystemAttrsHeld => _rare?.SystemAttrs ?? FrozenTrial.EmptyAttrs;

    private SamplerView View => _view ??= new SamplerView();

    private void InvalidateSnapshot()
    {
        if (_view is not null)
        {
            _view.Snapshot = null;
        }
    }

    /// <summary>The snapshot of the running trial and the parameters drawn jointly, kept for the samplers that read them.</summary>
    private sealed class SamplerView
    {
        public FrozenTrial? Snapshot { get; set; }

        public IReadOnlyDictionary<string, Distribution>? RelativeSearchSpace { get; set; }

        public IReadOnlyDictionary<string, double>? RelativeParams { get; set; }
    }

    /// <summary>The fields most trials never set: attributes, reports, fixed parameters, the per-trial timeout.</summary>
    private sealed class Rare
    {
        public IReadOnlyDictionary<string, object?>? UserAttrs { get; set; }

        public IReadOnlyDictionary<string, object?>? SystemAttrs { get; set; }

        public SortedList<int, double>? Intermediate { get; set; }

        public Dictionary<int, double[]>? IntermediateVectors { get; set; }

        public IReadOnlyDictionary<string, object?>? FixedParams { get; set; }

        public CancellationToken TimeoutToken { get; set; }

        public bool PruneOnTimeout { get; set; }
    }

    private void WarnAdjusted(Distribution dist)
    {
        if (dist.AdjustmentWarning is { } w)
        {
            Log.Warning(Study.Logger, w);
        }
    }
}
