using System.Buffers;
using Sharptune.Internal;

namespace Sharptune.Pruners;

/// <summary>
/// Prunes a trial whose best intermediate value is worse than a percentile of the values COMPLETE trials reported
/// at the same step (Optuna's <c>PercentilePruner</c>). The rule, checked at each <see cref="ITrial.ShouldPrune"/>:
/// <list type="number">
/// <item>No pruning before <see cref="NStartupTrials"/> trials are COMPLETE (and never before the first), without a
/// report, or while the last step is below <see cref="NWarmupSteps"/>.</item>
/// <item>Only the first report in each interval is judged: the trial must have no other report at or after
/// <c>⌊(step − warmup) / interval⌋ · interval + warmup</c>.</item>
/// <item>The trial's best value over all its steps (NaN ignored) is compared with the
/// <see cref="Percentile"/>-th percentile (100 − percentile when maximizing; NumPy's linear <c>nanpercentile</c>)
/// of the values reported at this exact step by COMPLETE trials. A trial whose values are all NaN is pruned; with
/// fewer than <see cref="NMinTrials"/> such trials it is not.</item>
/// <item>Prune when the best value is above the percentile (minimizing) or below it (maximizing).</item>
/// </list>
/// </summary>
public class PercentilePruner : IPruner
{
    /// <summary>Initializes a new instance of the <see cref="PercentilePruner"/> class.</summary>
    /// <param name="percentile">The percentile in [0, 100]; 25 keeps the best quarter of the trials.</param>
    /// <param name="nStartupTrials">Pruning is disabled until this many trials are COMPLETE (≥ 0).</param>
    /// <param name="nWarmupSteps">Pruning is disabled while the step is below this (≥ 0).</param>
    /// <param name="intervalSteps">Steps between pruning checks, offset by the warm-up (≥ 1).</param>
    /// <param name="nMinTrials">Reports at the step needed, from COMPLETE trials, to judge (≥ 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range (Optuna's messages).</exception>
    public PercentilePruner(double percentile, int nStartupTrials = 5, int nWarmupSteps = 0, int intervalSteps = 1, int nMinTrials = 1)
    {
        PrunerMath.Check(percentile is >= 0.0 and <= 100.0, nameof(percentile), percentile,
            $"Percentile must be between 0 and 100 inclusive, but got percentile={PyFormat.FloatRepr(percentile)}.");
        PrunerMath.CheckSchedule(nStartupTrials, nWarmupSteps, intervalSteps, nMinTrials);
        Percentile = percentile;
        NStartupTrials = nStartupTrials;
        NWarmupSteps = nWarmupSteps;
        IntervalSteps = intervalSteps;
        NMinTrials = nMinTrials;
    }

    /// <summary>Gets the percentile in [0, 100].</summary>
    public double Percentile { get; }

    /// <summary>Gets the number of COMPLETE trials before pruning starts.</summary>
    public int NStartupTrials { get; }

    /// <summary>Gets the number of warm-up steps.</summary>
    public int NWarmupSteps { get; }

    /// <summary>Gets the interval between pruning checks.</summary>
    public int IntervalSteps { get; }

    /// <summary>Gets the number of COMPLETE trials that must have reported the step.</summary>
    public int NMinTrials { get; }

    /// <inheritdoc/>
    public bool Prune(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        var completed = study.GetTrials(PrunerMath.CompleteOnly);
        int nTrials = completed.Count;
        if (nTrials == 0 || nTrials < NStartupTrials)
        {
            return false;
        }

        if (trial.LastStep is not { } step || step < NWarmupSteps)
        {
            return false;
        }

        if (!PrunerMath.IsFirstInIntervalStep(step, trial.IntermediateValues.Keys, NWarmupSteps, IntervalSteps))
        {
            return false;
        }

        bool maximize = study.Direction == StudyDirection.Maximize;
        double best = PrunerMath.NanBest(trial.IntermediateValues.Values, maximize);
        if (double.IsNaN(best))
        {
            return true;
        }

        double p = PercentileAtStep(completed, step, maximize ? 100 - Percentile : Percentile);
        if (double.IsNaN(p))
        {
            return false;
        }

        return maximize ? best < p : best > p;
    }

    private double PercentileAtStep(IReadOnlyList<FrozenTrial> completed, int step, double percentile)
    {
        double[] buffer = ArrayPool<double>.Shared.Rent(completed.Count);
        try
        {
            int count = 0;
            foreach (var t in completed)
            {
                if (t.IntermediateValues.TryGetValue(step, out double v))
                {
                    buffer[count++] = v;
                }
            }

            // Optuna counts the reports at the step, NaN included, against n_min_trials.
            return count < NMinTrials ? double.NaN : PrunerMath.NanPercentile(buffer.AsSpan(0, count), percentile);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }
}

/// <summary>
/// Prunes a trial whose best intermediate value is worse than the median of the values COMPLETE trials reported at
/// the same step (Optuna's <c>MedianPruner</c>, the default pruner): a <see cref="PercentilePruner"/> at 50.
/// </summary>
public sealed class MedianPruner : PercentilePruner
{
    /// <summary>Initializes a new instance of the <see cref="MedianPruner"/> class.</summary>
    /// <param name="nStartupTrials">Pruning is disabled until this many trials are COMPLETE (≥ 0).</param>
    /// <param name="nWarmupSteps">Pruning is disabled while the step is below this (≥ 0).</param>
    /// <param name="intervalSteps">Steps between pruning checks, offset by the warm-up (≥ 1).</param>
    /// <param name="nMinTrials">Reports at the step needed, from COMPLETE trials, to judge (≥ 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range (Optuna's messages).</exception>
    public MedianPruner(int nStartupTrials = 5, int nWarmupSteps = 0, int intervalSteps = 1, int nMinTrials = 1)
        : base(50.0, nStartupTrials, nWarmupSteps, intervalSteps, nMinTrials)
    {
    }
}
