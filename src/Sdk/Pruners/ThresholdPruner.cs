namespace Sharptune.Pruners;

/// <summary>
/// Prunes a trial whose latest intermediate value is NaN, below <see cref="Lower"/> or above <see cref="Upper"/>
/// (Optuna's <c>ThresholdPruner</c>), subject to the same warm-up and interval rules as
/// <see cref="PercentilePruner"/>. It ignores the other trials and the study's direction.
/// </summary>
public sealed class ThresholdPruner : IPruner
{
    /// <summary>Initializes a new instance of the <see cref="ThresholdPruner"/> class.</summary>
    /// <param name="lower">Prune below this value; <see langword="null"/> for no lower bound.</param>
    /// <param name="upper">Prune above this value; <see langword="null"/> for no upper bound.</param>
    /// <param name="nWarmupSteps">Pruning is disabled while the step is below this (≥ 0).</param>
    /// <param name="intervalSteps">Steps between pruning checks, offset by the warm-up (≥ 1).</param>
    /// <exception cref="ArgumentException">
    /// Neither bound is given, or <paramref name="lower"/> &gt; <paramref name="upper"/> (Optuna's messages).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A step argument is out of range.</exception>
    public ThresholdPruner(double? lower = null, double? upper = null, int nWarmupSteps = 0, int intervalSteps = 1)
    {
        if (lower is null && upper is null)
        {
            throw new ArgumentException("Either lower or upper must be specified.", nameof(lower));
        }

        double lo = lower ?? double.NegativeInfinity;
        double hi = upper ?? double.PositiveInfinity;
        if (lo > hi)
        {
            throw new ArgumentException("lower should be smaller than upper.", nameof(lower));
        }

        PrunerMath.Check(nWarmupSteps >= 0, nameof(nWarmupSteps), nWarmupSteps,
            $"Number of warmup steps cannot be negative but got {nWarmupSteps}.");
        PrunerMath.Check(intervalSteps >= 1, nameof(intervalSteps), intervalSteps,
            $"Pruning interval steps must be at least 1 but got {intervalSteps}.");
        Lower = lo;
        Upper = hi;
        NWarmupSteps = nWarmupSteps;
        IntervalSteps = intervalSteps;
    }

    /// <summary>Gets the lower bound (negative infinity when none was given).</summary>
    public double Lower { get; }

    /// <summary>Gets the upper bound (positive infinity when none was given).</summary>
    public double Upper { get; }

    /// <summary>Gets the number of warm-up steps.</summary>
    public int NWarmupSteps { get; }

    /// <summary>Gets the interval between pruning checks.</summary>
    public int IntervalSteps { get; }

    /// <inheritdoc/>
    public bool Prune(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (trial.LastStep is not { } step || step < NWarmupSteps)
        {
            return false;
        }

        if (!PrunerMath.IsFirstInIntervalStep(step, trial.IntermediateValues.Keys, NWarmupSteps, IntervalSteps))
        {
            return false;
        }

        double latest = trial.IntermediateValues[step];
        return double.IsNaN(latest) || latest < Lower || latest > Upper;
    }
}
