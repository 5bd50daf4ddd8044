using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sharptune.Internal;

namespace Sharptune;

/// <summary>
/// A trial with fixed parameter values, for running an objective outside a study, e.g. in a unit test (Optuna's
/// <c>FixedTrial</c>). Suggestions return the given values; <see cref="Report(double, int)"/> does nothing and
/// <see cref="ShouldPrune"/> returns <see langword="false"/>.
/// </summary>
public sealed class FixedTrial : ITrial
{
    private readonly IReadOnlyDictionary<string, object?> _fixedParams;
    private readonly Dictionary<string, object?> _suggested = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Distribution> _distributions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object?> _userAttrs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _constraints = new(StringComparer.Ordinal);
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="FixedTrial"/> class.</summary>
    /// <param name="params">The parameter values by name.</param>
    /// <param name="number">The trial number to report.</param>
    /// <param name="logger">A logger for out-of-range warnings.</param>
    public FixedTrial(IReadOnlyDictionary<string, object?> @params, int number = 0, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(@params);
        _fixedParams = @params;
        Number = number;
        DatetimeStart = DateTime.UtcNow;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    public int Number { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> Params => _suggested;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> Distributions => _distributions;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> UserAttrs => _userAttrs;

    /// <summary>Gets the constraints set on this trial.</summary>
    public IReadOnlyDictionary<string, double> Constraints => _constraints;

    /// <inheritdoc/>
    public DateTime? DatetimeStart { get; }

    /// <inheritdoc/>
    public double SuggestFloat(string name, double low, double high, double? step = null, bool log = false) =>
        Suggest(name, new FloatDistribution(low, high, log, step));

    /// <inheritdoc/>
    public int SuggestInt(string name, int low, int high, int step = 1, bool log = false) =>
        checked((int)Suggest(name, new IntDistribution(low, high, log, step)));

    /// <inheritdoc/>
    public long SuggestLong(string name, long low, long high, long step = 1, bool log = false) =>
        (long)Suggest(name, new IntDistribution(low, high, log, step));

    /// <inheritdoc/>
    public T SuggestCategorical<T>(string name, IReadOnlyList<T> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var dist = Trial.CreateCategorical(choices);
        int index = (int)Suggest(name, dist);
        return choices[index];
    }

    private double Suggest(string name, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_fixedParams.TryGetValue(name, out object? value))
        {
            throw new ArgumentException(
                $"The value of the parameter '{name}' is not found. Please set it at the construction of the FixedTrial object.",
                nameof(name));
        }

        double internalValue = distribution.ToInternalRepr(value);
        if (!distribution.Contains(internalValue))
        {
            Log.FixedValueOutOfRange(_logger, PyFormat.Repr(value), name, distribution);
        }

        if (_distributions.TryGetValue(name, out var previous))
        {
            Distribution.CheckCompatibility(previous, distribution);
        }

        _suggested[name] = distribution.ToExternalRepr(internalValue);
        _distributions[name] = distribution;
        return internalValue;
    }

    /// <inheritdoc/>
    public void Report(double value, int step)
    {
    }

    /// <inheritdoc/>
    public void Report(IReadOnlyList<double> values, int step) => ArgumentNullException.ThrowIfNull(values);

    /// <inheritdoc/>
    public bool ShouldPrune() => false;

    /// <inheritdoc/>
    public void SetUserAttr(string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        _userAttrs[key] = value;
    }

    /// <inheritdoc/>
    public void SetConstraint(string key, double value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (double.IsNaN(value))
        {
            throw new ArgumentException($"Attempted to set a constraint for '{key}', but NaN is not allowed.", nameof(value));
        }

        _constraints.TryAdd(key, value);
    }
}
