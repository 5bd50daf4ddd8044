using System.Globalization;
using System.Text;
using Sharptune.Internal;

namespace Sharptune;

/// <summary>
/// An integer range <c>[Low, High]</c> with a step, optionally log-scaled (Optuna's <c>IntDistribution</c>).
/// When the range is not divisible by the step, <see cref="High"/> is lowered to the last grid point.
/// </summary>
public sealed class IntDistribution : Distribution
{
    /// <summary>Initializes a new instance of the <see cref="IntDistribution"/> class.</summary>
    /// <param name="low">The lower bound, included.</param>
    /// <param name="high">The upper bound, included.</param>
    /// <param name="log">Whether the range is log-scaled (requires <paramref name="low"/> ≥ 1 and step 1).</param>
    /// <param name="step">The step (positive).</param>
    /// <exception cref="ArgumentException">The arguments break Optuna's rules; the message is Optuna's.</exception>
    public IntDistribution(long low, long high, bool log = false, long step = 1)
    {
        if (RangeRules.IntStepWithLog(log, step))
        {
            throw new ArgumentException(
                "Samplers and other components in Optuna only accept step is 1 when `log` argument is True.", nameof(step));
        }

        if (RangeRules.LowAboveHigh(low, high))
        {
            throw new ArgumentException($"`low <= high` must hold, but got (low={low}, high={high}).", nameof(low));
        }

        if (RangeRules.IntLogLowTooSmall(log, low))
        {
            throw new ArgumentException($"`{RangeRules.IntLogLowCondition}` must hold for `log=True`, but got (low={low}, high={high}).", nameof(low));
        }

        if (RangeRules.StepNotPositive(step))
        {
            throw new ArgumentException($"`step > 0` must hold, but got step={step}.", nameof(step));
        }

        RequestedHigh = high;
        long adjusted = RangeRules.AdjustedHigh(low, high, step);
        if (adjusted != high)
        {
            AdjustmentWarning =
                $"The distribution is specified by [{low}, {high}] and step={step}, but the range is not divisible by `step`. " +
                $"It will be replaced with [{low}, {adjusted}].";
            high = adjusted;
        }

        Low = low;
        High = high;
        Log = log;
        Step = step;
    }

    /// <summary>Gets the high bound as given to the constructor, before adjustment to the step grid.</summary>
    internal long RequestedHigh { get; }

    /// <summary>Returns whether this distribution is what the constructor makes of these arguments.</summary>
    internal bool IsMadeOf(long low, long high, bool log, long step) =>
        Low == low && RequestedHigh == high && Log == log && Step == step;

    /// <summary>Gets the lower bound.</summary>
    public long Low { get; }

    /// <summary>Gets the upper bound (after adjustment to the step grid).</summary>
    public long High { get; }

    /// <summary>Gets a value indicating whether the range is log-scaled.</summary>
    public bool Log { get; }

    /// <summary>Gets the step.</summary>
    public long Step { get; }

    /// <inheritdoc/>
    public override string ClassName => "IntDistribution";

    /// <inheritdoc/>
    public override bool IsSingle => Log ? Low == High : Low == High || High - Low < Step;

    internal override double SingleInternalValue => Low;

    /// <inheritdoc/>
    public override bool Contains(double internalValue) =>
        Low <= internalValue && internalValue <= High && (internalValue - Low) % Step == 0;

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
    public override object? ToExternalRepr(double internalValue) => (long)internalValue;

    private protected override void WriteAttributes(StringBuilder sb)
    {
        sb.Append("\"log\": ").Append(Log ? "true" : "false")
          .Append(", \"step\": ").Append(Step.ToString(CultureInfo.InvariantCulture))
          .Append(", \"low\": ").Append(Low.ToString(CultureInfo.InvariantCulture))
          .Append(", \"high\": ").Append(High.ToString(CultureInfo.InvariantCulture));
    }

    /// <inheritdoc/>
    public override bool Equals(Distribution? other) =>
        other is IntDistribution i && i.Low == Low && i.High == High && i.Log == Log && i.Step == Step;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(2, Low, High, Log, Step);

    /// <summary>Returns Optuna's repr, e.g. <c>IntDistribution(high=10, log=False, low=1, step=1)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        $"IntDistribution(high={High}, log={(Log ? "True" : "False")}, low={Low}, step={Step})";
}
