using System.Text;
using Sharptune.Internal;

namespace Sharptune;

/// <summary>
/// A floating-point range <c>[Low, High]</c>, optionally log-scaled or on a step grid (Optuna's
/// <c>FloatDistribution</c>). When the range is not divisible by the step, <see cref="High"/> is lowered to the
/// last grid point, as Optuna does.
/// </summary>
public sealed class FloatDistribution : Distribution
{
    /// <summary>Initializes a new instance of the <see cref="FloatDistribution"/> class.</summary>
    /// <param name="low">The lower bound, included.</param>
    /// <param name="high">The upper bound, included.</param>
    /// <param name="log">Whether the range is log-scaled (requires <paramref name="low"/> &gt; 0 and no step).</param>
    /// <param name="step">The discretization step, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The arguments break Optuna's rules (the message is Optuna's), or a bound or
    /// the step is NaN or infinite (the message names it).</exception>
    public FloatDistribution(double low, double high, bool log = false, double? step = null)
    {
        if (RangeRules.FloatStepWithLog(log, step is not null))
        {
            throw new ArgumentException("The parameter `step` is not supported when `log` is true.", nameof(step));
        }

        ThrowIfInfinite(low, nameof(low));
        ThrowIfInfinite(high, nameof(high));
        if (step is { } infiniteStep)
        {
            ThrowIfInfinite(infiniteStep, nameof(step));
        }

        if (RangeRules.LowAboveHigh(low, high))
        {
            throw new ArgumentException(
                $"`low <= high` must hold, but got (low={PyFormat.FloatRepr(low)}, high={PyFormat.FloatRepr(high)}).", nameof(low));
        }

        if (RangeRules.FloatLogLowTooSmall(log, low))
        {
            throw new ArgumentException(
                $"`{RangeRules.FloatLogLowCondition}` must hold for `log=True`, but got (low={PyFormat.FloatRepr(low)}, high={PyFormat.FloatRepr(high)}).", nameof(low));
        }

        if (step is { } s && RangeRules.StepNotPositive(s))
        {
            throw new ArgumentException($"`step > 0` must hold, but got step={PyFormat.FloatRepr(s)}.", nameof(step));
        }

        if (double.IsNaN(low) || double.IsNaN(high))
        {
            throw new ArgumentException("`low` and `high` must not be NaN.", double.IsNaN(low) ? nameof(low) : nameof(high));
        }

        double requestedHigh = high;
        if (step is { } st)
        {
            double adjusted = RangeRules.AdjustedHigh(low, high, st);
            if (adjusted != high)
            {
                AdjustmentWarning =
                    $"The distribution is specified by [{PyFormat.FloatRepr(low)}, {PyFormat.FloatRepr(high)}] and step={PyFormat.FloatRepr(st)}, " +
                    $"but the range is not divisible by `step`. It will be replaced with [{PyFormat.FloatRepr(low)}, {PyFormat.FloatRepr(adjusted)}].";
                high = adjusted;
            }
        }

        RequestedHigh = requestedHigh;
        Low = low;
        High = high;
        Log = log;
        Step = step;
    }

    /// <summary>
    /// Rejects an infinite bound or step: there is no uniform distribution on an infinite range (Optuna fails on it
    /// when sampling, with an overflow), and a step grid with an infinite end or step has no points to store.
    /// </summary>
    private static void ThrowIfInfinite(double value, string name)
    {
        if (double.IsInfinity(value))
        {
            throw new ArgumentException(
                $"`{name}` must be finite, but got {name}={PyFormat.FloatRepr(value)}: a FloatDistribution needs finite bounds and a finite step.", name);
        }
    }

    /// <summary>Gets the high bound as given to the constructor, before adjustment to the step grid.</summary>
    internal double RequestedHigh { get; }

    /// <summary>Returns whether this distribution is what the constructor makes of these arguments.</summary>
    internal bool IsMadeOf(double low, double high, bool log, double? step) =>
        Low.Equals(low) && RequestedHigh.Equals(high) && Log == log && SameStep(Step, step);

    // Nullable.Equals without its generic comparer (whose code a fresh process compiles at the first suggestion).
    private static bool SameStep(double? a, double? b) =>
        a.HasValue ? b.HasValue && a.GetValueOrDefault().Equals(b.GetValueOrDefault()) : !b.HasValue;

    /// <summary>Gets the lower bound.</summary>
    public double Low { get; }

    /// <summary>Gets the upper bound (after adjustment to the step grid).</summary>
    public double High { get; }

    /// <summary>Gets a value indicating whether the range is log-scaled.</summary>
    public bool Log { get; }

    /// <summary>Gets the step, or <see langword="null"/> for a continuous range.</summary>
    public double? Step { get; }

    /// <inheritdoc/>
    public override string ClassName => "FloatDistribution";

    /// <inheritdoc/>
    public override bool IsSingle
    {
        get
        {
            if (Low == High)
            {
                return true;
            }

            if (Step is not { } step)
            {
                return false;
            }

            if (TryToDecimal(Low, out decimal l) && TryToDecimal(High, out decimal h) && TryToDecimal(step, out decimal s))
            {
                return h - l < s;
            }

            return High - Low < step;
        }
    }

    internal override double SingleInternalValue => Low;

    /// <inheritdoc/>
    public override bool Contains(double internalValue)
    {
        if (Step is not { } step)
        {
            return Low <= internalValue && internalValue <= High;
        }

        double k = (internalValue - Low) / step;
        return Low <= internalValue && internalValue <= High && Math.Abs(k - Math.Round(k, MidpointRounding.ToEven)) < 1.0e-8;
    }

    /// <inheritdoc/>
    public override double ToInternalRepr(object? externalValue)
    {
        double value = ToDoubleExternal(externalValue);
        if (Log && value <= 0.0)
        {
            throw new ArgumentException($"`{FormatExternal(externalValue)}` is invalid value for the case log=True.");
        }

        return value;
    }

    /// <inheritdoc/>
    public override object? ToExternalRepr(double internalValue) => internalValue;

    private protected override void WriteAttributes(StringBuilder sb)
    {
        sb.Append("\"step\": ");
        if (Step is { } s)
        {
            PyJson.WriteFloat(sb, s);
        }
        else
        {
            sb.Append("null");
        }

        sb.Append(", \"low\": ");
        PyJson.WriteFloat(sb, Low);
        sb.Append(", \"high\": ");
        PyJson.WriteFloat(sb, High);
        sb.Append(", \"log\": ").Append(Log ? "true" : "false");
    }

    /// <inheritdoc/>
    public override bool Equals(Distribution? other) =>
        other is FloatDistribution f && f.Low.Equals(Low) && f.High.Equals(High) && f.Log == Log && SameStep(f.Step, Step);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(1, Low, High, Log, Step);

    /// <summary>Returns Optuna's repr, e.g. <c>FloatDistribution(high=1.0, log=False, low=0.0, step=None)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        $"FloatDistribution(high={PyFormat.FloatRepr(High)}, log={(Log ? "True" : "False")}, low={PyFormat.FloatRepr(Low)}, step={(Step is { } s ? PyFormat.FloatRepr(s) : "None")})";
}
