using System.Collections.ObjectModel;
using System.Globalization;
using Sharptune.Internal;

namespace Sharptune;

/// <summary>
/// An immutable snapshot of a trial (Optuna's <c>FrozenTrial</c>): what storages return, what samplers, pruners
/// and callbacks receive. Parameters are kept in the internal representation (<see cref="InternalParams"/>) and
/// exposed in the external one (<see cref="Params"/>).
/// </summary>
public sealed class FrozenTrial
{
    internal static readonly IReadOnlyDictionary<string, object?> EmptyAttrs = new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?>());
    internal static readonly IReadOnlyDictionary<string, double> EmptyInternal = new ReadOnlyDictionary<string, double>(new Dictionary<string, double>());
    internal static readonly IReadOnlyDictionary<string, Distribution> EmptyDistributions = new ReadOnlyDictionary<string, Distribution>(new Dictionary<string, Distribution>());
    internal static readonly IReadOnlyDictionary<int, double> EmptyIntermediate = new ReadOnlyDictionary<int, double>(new Dictionary<int, double>());

    /// <summary>The prefix of the system attributes that hold multi-objective intermediate values, one per step.</summary>
    internal const string IntermediateVectorKeyPrefix = "intermediate_values:";

    internal static readonly IReadOnlyDictionary<int, IReadOnlyList<double>> EmptyIntermediateVectors =
        new ReadOnlyDictionary<int, IReadOnlyList<double>>(new Dictionary<int, IReadOnlyList<double>>());

    private IReadOnlyDictionary<string, object?>? _params;
    private IReadOnlyDictionary<string, double>? _constraints;
    private IReadOnlyDictionary<int, IReadOnlyList<double>>? _intermediateVectors;

    /// <summary>Initializes a new instance of the <see cref="FrozenTrial"/> class (Optuna's constructor).</summary>
    /// <param name="number">The trial number (index within the study).</param>
    /// <param name="state">The state.</param>
    /// <param name="values">The objective values, or <see langword="null"/>.</param>
    /// <param name="datetimeStart">When the trial started (UTC).</param>
    /// <param name="datetimeComplete">When the trial finished (UTC).</param>
    /// <param name="params">The parameters in external representation; every key needs a distribution.</param>
    /// <param name="distributions">The distribution of each parameter.</param>
    /// <param name="userAttrs">User attributes.</param>
    /// <param name="systemAttrs">System attributes.</param>
    /// <param name="intermediateValues">Intermediate values by step.</param>
    /// <param name="trialId">The storage id of the trial.</param>
    /// <exception cref="ArgumentException">A parameter has no distribution or is not valid for it.</exception>
    public FrozenTrial(
        int number,
        TrialState state,
        IReadOnlyList<double>? values,
        DateTime? datetimeStart,
        DateTime? datetimeComplete,
        IReadOnlyDictionary<string, object?>? @params,
        IReadOnlyDictionary<string, Distribution>? distributions,
        IReadOnlyDictionary<string, object?>? userAttrs,
        IReadOnlyDictionary<string, object?>? systemAttrs,
        IReadOnlyDictionary<int, double>? intermediateValues,
        int trialId)
    {
        var dists = distributions is null ? new Dictionary<string, Distribution>() : new Dictionary<string, Distribution>(distributions);
        var internals = new Dictionary<string, double>(dists.Count);
        var externals = new Dictionary<string, object?>(dists.Count);
        if (@params is not null)
        {
            foreach (var (name, value) in @params)
            {
                if (!dists.TryGetValue(name, out var dist))
                {
                    throw new ArgumentException(
                        $"Inconsistent parameters {PyFormat.Repr(@params.Keys.ToList())} and distributions {PyFormat.Repr(dists.Keys.ToList())}.",
                        nameof(@params));
                }

                internals[name] = dist.ToInternalRepr(value);
                externals[name] = value;
            }
        }

        Number = number;
        TrialId = trialId;
        State = state;
        Values = values is null ? null : Array.AsReadOnly(values.ToArray());
        DatetimeStart = datetimeStart;
        DatetimeComplete = datetimeComplete;
        Distributions = new ReadOnlyDictionary<string, Distribution>(dists);
        InternalParams = new ReadOnlyDictionary<string, double>(internals);
        _params = new ReadOnlyDictionary<string, object?>(externals);
        UserAttrs = userAttrs is null ? EmptyAttrs : new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?>(userAttrs));
        SystemAttrs = systemAttrs is null ? EmptyAttrs : new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?>(systemAttrs));
        IntermediateValues = intermediateValues is null ? EmptyIntermediate : new ReadOnlyDictionary<int, double>(new SortedList<int, double>(intermediateValues.ToDictionary()));
    }

    /// <summary>Creates a snapshot without copying; the caller hands over collections it never mutates again.</summary>
    internal FrozenTrial(
        int number,
        int trialId,
        TrialState state,
        IReadOnlyList<double>? values,
        DateTime? datetimeStart,
        DateTime? datetimeComplete,
        IReadOnlyDictionary<string, double> internalParams,
        IReadOnlyDictionary<string, Distribution> distributions,
        IReadOnlyDictionary<string, object?> userAttrs,
        IReadOnlyDictionary<string, object?> systemAttrs,
        IReadOnlyDictionary<int, double> intermediateValues)
    {
        Number = number;
        TrialId = trialId;
        State = state;
        Values = values;
        DatetimeStart = datetimeStart;
        DatetimeComplete = datetimeComplete;
        InternalParams = internalParams;
        Distributions = distributions;
        UserAttrs = userAttrs;
        SystemAttrs = systemAttrs;
        IntermediateValues = intermediateValues;
    }

    /// <summary>
    /// Gets the live trial this snapshot was taken from (set on the snapshots a <see cref="Trial"/> hands to its
    /// sampler and pruner), so that their writes go through the live trial instead of around it.
    /// </summary>
    internal Trial? Live { get; set; }

    /// <summary>Gets the trial number: its index within the study, from 0.</summary>
    public int Number { get; }

    /// <summary>Gets the storage id of the trial.</summary>
    public int TrialId { get; }

    /// <summary>Gets the state.</summary>
    public TrialState State { get; }

    /// <summary>Gets the objective values (one per direction), or <see langword="null"/>.</summary>
    public IReadOnlyList<double>? Values { get; }

    /// <summary>Gets the single objective value, or <see langword="null"/>.</summary>
    /// <exception cref="InvalidOperationException">The trial has several values.</exception>
    public double? Value
    {
        get
        {
            if (Values is null)
            {
                return null;
            }

            if (Values.Count > 1)
            {
                throw new InvalidOperationException("This attribute is not available during multi-objective optimization.");
            }

            return Values[0];
        }
    }

    /// <summary>Gets when the trial started (UTC), or <see langword="null"/> for a WAITING trial.</summary>
    public DateTime? DatetimeStart { get; }

    /// <summary>Gets when the trial finished (UTC), or <see langword="null"/>.</summary>
    public DateTime? DatetimeComplete { get; }

    /// <summary>Gets the run time, when both timestamps exist.</summary>
    public TimeSpan? Duration => DatetimeStart is { } s && DatetimeComplete is { } c ? c - s : null;

    /// <summary>Gets the parameters in external representation, in suggestion order.</summary>
    public IReadOnlyDictionary<string, object?> Params
    {
        get
        {
            if (_params is { } p)
            {
                return p;
            }

            var externals = new Dictionary<string, object?>(InternalParams.Count);
            foreach (var (name, value) in InternalParams)
            {
                externals[name] = Distributions[name].ToExternalRepr(value);
            }

            var result = new ReadOnlyDictionary<string, object?>(externals);
            _params = result;
            return result;
        }
    }

    /// <summary>Gets the parameters in internal representation (categorical = choice index).</summary>
    public IReadOnlyDictionary<string, double> InternalParams { get; }

    /// <summary>Gets the distribution of each parameter.</summary>
    public IReadOnlyDictionary<string, Distribution> Distributions { get; }

    /// <summary>Gets the user attributes.</summary>
    public IReadOnlyDictionary<string, object?> UserAttrs { get; }

    /// <summary>Gets the system attributes (used by samplers, pruners and storages).</summary>
    public IReadOnlyDictionary<string, object?> SystemAttrs { get; }

    /// <summary>Gets the reported intermediate values by step, in ascending step order.</summary>
    public IReadOnlyDictionary<int, double> IntermediateValues { get; }

    /// <summary>
    /// Gets the intermediate vectors of a multi-objective trial by step, in ascending step order: one value per
    /// objective, reported with <see cref="Trial.Report(IReadOnlyList{double}, int)"/> and stored as the system
    /// attributes <c>intermediate_values:&lt;step&gt;</c> (JSON lists of floats). Empty for single-objective trials,
    /// whose values are in <see cref="IntermediateValues"/>.
    /// </summary>
    public IReadOnlyDictionary<int, IReadOnlyList<double>> IntermediateVectors
    {
        get
        {
            if (_intermediateVectors is { } cached)
            {
                return cached;
            }

            SortedList<int, IReadOnlyList<double>>? result = null;
            foreach (var (key, value) in SystemAttrs)
            {
                if (!key.StartsWith(IntermediateVectorKeyPrefix, StringComparison.Ordinal)
                    || !int.TryParse(key.AsSpan(IntermediateVectorKeyPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int step)
                    || value is not System.Collections.IEnumerable items || value is string)
                {
                    continue;
                }

                var vector = new List<double>();
                foreach (object? item in items)
                {
                    vector.Add(PyJson.ToDouble(item));
                }

                (result ??= [])[step] = vector.AsReadOnly();
            }

            _intermediateVectors = result is null ? EmptyIntermediateVectors : new ReadOnlyDictionary<int, IReadOnlyList<double>>(result);
            return _intermediateVectors;
        }
    }

    /// <summary>Returns the system attribute key of the intermediate vector at <paramref name="step"/>.</summary>
    internal static string IntermediateVectorKey(int step) => IntermediateVectorKeyPrefix + step.ToString(CultureInfo.InvariantCulture);

    /// <summary>Gets the largest reported step, or <see langword="null"/>.</summary>
    public int? LastStep
    {
        get
        {
            int? last = null;
            foreach (int step in IntermediateValues.Keys)
            {
                if (last is null || step > last)
                {
                    last = step;
                }
            }

            return last;
        }
    }

    /// <summary>
    /// Gets the constraint values set with <see cref="ITrial.SetConstraint"/> (system attributes
    /// <c>constraints:&lt;key&gt;</c>) and the older list form (<c>constraints</c>, keyed "0", "1", …). The trial is
    /// feasible when all are ≤ 0.
    /// </summary>
    public IReadOnlyDictionary<string, double> Constraints
    {
        get
        {
            if (_constraints is { } c)
            {
                return c;
            }

            // Most trials have no constraint: no dictionary is made for them.
            Dictionary<string, double>? result = null;
            if (SystemAttrs.TryGetValue("constraints", out object? list) && list is System.Collections.IEnumerable seq and not string)
            {
                int i = 0;
                foreach (object? v in seq)
                {
                    (result ??= [])[(i++).ToString(CultureInfo.InvariantCulture)] = PyJson.ToDouble(v);
                }
            }

            foreach (var (key, value) in SystemAttrs)
            {
                if (key.StartsWith("constraints:", StringComparison.Ordinal))
                {
                    (result ??= [])[key["constraints:".Length..]] = PyJson.ToDouble(value);
                }
            }

            _constraints = result is null || result.Count == 0 ? EmptyInternal : new ReadOnlyDictionary<string, double>(result);
            return _constraints;
        }
    }

    /// <summary>Gets a value indicating whether every constraint is ≤ 0 (true when there is none).</summary>
    public bool IsFeasible
    {
        get
        {
            var constraints = Constraints;
            if (constraints.Count == 0)
            {
                return true;
            }

            foreach (double c in constraints.Values)
            {
                if (!(c <= 0.0))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>
    /// Checks Optuna's <c>FrozenTrial._validate</c> rules (timestamps per state, values for COMPLETE and FAIL,
    /// NaN, parameters contained in their distributions).
    /// </summary>
    /// <exception cref="ArgumentException">A rule is broken; the message is Optuna's.</exception>
    public void Validate()
    {
        if (State != TrialState.Waiting && DatetimeStart is null)
        {
            throw new ArgumentException("DatetimeStart is supposed to be set when the trial is not TrialState.Waiting.");
        }

        if (State.IsFinished())
        {
            if (DatetimeComplete is null)
            {
                throw new ArgumentException("DatetimeComplete is supposed to be set for a finished trial.");
            }
        }
        else if (DatetimeComplete is not null)
        {
            throw new ArgumentException("DatetimeComplete is supposed to be null for an unfinished trial.");
        }

        if (State == TrialState.Fail && Values is not null)
        {
            throw new ArgumentException($"Values should be null for a failed trial, but got {PyFormat.Repr(Values)}.");
        }

        if (State == TrialState.Complete)
        {
            if (Values is null)
            {
                throw new ArgumentException("values should be set for a complete trial.");
            }

            foreach (double v in Values)
            {
                if (double.IsNaN(v))
                {
                    throw new ArgumentException("values should not contain NaN.");
                }
            }
        }

        foreach (var (name, internalValue) in InternalParams)
        {
            var dist = Distributions[name];
            if (!dist.Contains(internalValue))
            {
                throw new ArgumentException(
                    $"The value {PyFormat.Repr(Params[name])} of parameter '{name}' isn't contained in the distribution {dist}.");
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"FrozenTrial(number={Number}, state={State.ToOptunaName()}, values={(Values is null ? "None" : PyFormat.Repr(Values))}, params={PyFormat.Repr(Params)})";

    internal FrozenTrial WithNumberAndId(int number, int trialId) =>
        new(number, trialId, State, Values, DatetimeStart, DatetimeComplete, InternalParams, Distributions, UserAttrs, SystemAttrs, IntermediateValues);
}
