using Sharptune.Internal;

namespace Sharptune.Pruners;

/// <summary>
/// Prunes a trial that a Wilcoxon signed-rank test finds worse than the best trial (Optuna's
/// <c>WilcoxonPruner</c>). Meant for objectives that average a score over instances (folds, problems, questions):
/// report each instance's score with its instance id as the step, in any order, and the same id for the same
/// instance in every trial.
/// <list type="number">
/// <item>The best trial is <see cref="Study.BestTrial"/>; without one, or when it has no intermediate values,
/// nothing is pruned.</item>
/// <item>Non-finite values in either trial stop the pruner (with a warning).</item>
/// <item>Only steps present in both trials are paired; with fewer than <c>max(2, <see cref="NStartupSteps"/>)</c>
/// pairs nothing is pruned.</item>
/// <item>The test on current − best (alternative "greater" when minimizing, "less" when maximizing; zsplit for
/// zero differences; see <see cref="SignedRankTest"/> for the exact and approximate p-values) gives <c>p</c>.</item>
/// <item>Prune when <c>p &lt; <see cref="PThreshold"/></c>, unless the current trial's mean value is at least as
/// good as the best trial's (safety rule).</item>
/// </list>
/// </summary>
public sealed class WilcoxonPruner : IPruner
{
    /// <summary>Initializes a new instance of the <see cref="WilcoxonPruner"/> class.</summary>
    /// <param name="pThreshold">The p-value below which to prune, in [0, 1]; larger prunes more.</param>
    /// <param name="nStartupSteps">Paired steps needed before any pruning (≥ 0; at least 2 are always needed).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range (Optuna's messages).</exception>
    public WilcoxonPruner(double pThreshold = 0.1, int nStartupSteps = 2)
    {
        PrunerMath.Check(nStartupSteps >= 0, nameof(nStartupSteps), nStartupSteps,
            $"n_startup_steps must be nonnegative but got {nStartupSteps}.");
        PrunerMath.Check(pThreshold is >= 0.0 and <= 1.0, nameof(pThreshold), pThreshold,
            $"p_threshold must be between 0 and 1 but got {PyFormat.FloatRepr(pThreshold)}.");
        PThreshold = pThreshold;
        NStartupSteps = nStartupSteps;
    }

    /// <summary>Gets the p-value threshold.</summary>
    public double PThreshold { get; }

    /// <summary>Gets the number of paired steps before pruning starts.</summary>
    public int NStartupSteps { get; }

    /// <inheritdoc/>
    public bool Prune(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        var current = trial.IntermediateValues;
        if (current.Count == 0)
        {
            return false;
        }

        if (!AllFinite(current.Values))
        {
            Log.Warning(study.Logger,
                $"The intermediate values of the current trial (trial {trial.Number}) contain infinity/NaNs. WilcoxonPruner will not prune this trial.");
            return false;
        }

        FrozenTrial best;
        try
        {
            best = study.BestTrial;
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        var bestValues = best.IntermediateValues;
        if (bestValues.Count == 0)
        {
            Log.Warning(study.Logger,
                "The best trial has no intermediate values so WilcoxonPruner cannot prune trials. If you have added the best trial with Study.add_trial, please consider setting intermediate_values argument.");
            return false;
        }

        if (!AllFinite(bestValues.Values))
        {
            Log.Warning(study.Logger,
                $"The intermediate values of the best trial (trial {best.Number}) contain infinity/NaNs. WilcoxonPruner will not prune the current trial.");
            return false;
        }

        var differences = new List<double>(current.Count);
        double currentSum = 0;
        foreach (var (step, value) in current)
        {
            currentSum += value;
            if (bestValues.TryGetValue(step, out double bestValue))
            {
                differences.Add(value - bestValue);
            }
        }

        if (differences.Count < current.Count)
        {
            Log.Warning(study.Logger,
                "WilcoxonPruner finds steps existing in the current trial but does not exist in the best trial. Those values are ignored.");
        }

        if (differences.Count < Math.Max(2, NStartupSteps))
        {
            return false;
        }

        double bestSum = 0;
        foreach (double v in bestValues.Values)
        {
            bestSum += v;
        }

        double bestMean = bestSum / bestValues.Count;
        double currentMean = currentSum / current.Count;
        bool maximize = study.Direction == StudyDirection.Maximize;
        bool averageIsBest = maximize ? bestMean <= currentMean : bestMean >= currentMean;
        double p = SignedRankTest.PValue(
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(differences),
            maximize ? Alternative.Less : Alternative.Greater);

        // The test says the current trial is probably worse, but its mean is not: do not prune, for safety.
        return p < PThreshold && !averageIsBest;
    }

    private static bool AllFinite(IEnumerable<double> values)
    {
        foreach (double v in values)
        {
            if (!double.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }
}
