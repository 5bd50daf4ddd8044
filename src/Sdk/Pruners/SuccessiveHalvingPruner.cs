using System.Globalization;
using Sharptune.Internal;

namespace Sharptune.Pruners;

/// <summary>
/// Asynchronous Successive Halving (ASHA; Optuna's <c>SuccessiveHalvingPruner</c>). A trial climbs rungs: rung
/// <c>k</c> ends at step <c>min_resource · η^(min_early_stopping_rate + k)</c>. When a trial's last step reaches the
/// end of its current rung, its value there is recorded in the trial system attribute <c>completed_rung_&lt;k&gt;</c>
/// and compared with the values every trial of the study recorded at that rung: the trial is promoted (and may
/// climb further at once) when it is within the best <c>max(1, ⌊count / η⌋)</c> of them, ties included, and pruned
/// otherwise. A NaN value at a rung, or no more than <see cref="BootstrapCount"/> values there, prunes.
/// </summary>
public sealed class SuccessiveHalvingPruner : IPruner
{
    private readonly bool _autoMinResource;
    private int _minResource; // 0 until estimated when automatic

    /// <summary>Initializes a new instance of the <see cref="SuccessiveHalvingPruner"/> class.</summary>
    /// <param name="minResource">
    /// The minimum resource <c>r</c> (≥ 1), or <see langword="null"/> for Optuna's <c>"auto"</c>: once a trial is
    /// COMPLETE, <c>max(1, ⌊its last step / 100⌋)</c> (the largest last step of the COMPLETE trials then); nothing
    /// is pruned before.
    /// </param>
    /// <param name="reductionFactor">The reduction factor <c>η</c> (≥ 2).</param>
    /// <param name="minEarlyStoppingRate">The minimum early-stopping rate <c>s</c> (≥ 0).</param>
    /// <param name="bootstrapCount">Trials that must complete a rung before any is promoted (≥ 0; needs an explicit <paramref name="minResource"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range (Optuna's messages).</exception>
    /// <exception cref="ArgumentException"><paramref name="bootstrapCount"/> &gt; 0 with an automatic minimum resource.</exception>
    public SuccessiveHalvingPruner(int? minResource = null, int reductionFactor = 4, int minEarlyStoppingRate = 0, int bootstrapCount = 0)
    {
        CheckArguments(minResource, reductionFactor, minEarlyStoppingRate, bootstrapCount);
        if (bootstrapCount > 0 && minResource is null)
        {
            throw new ArgumentException(
                $"bootstrap_count > 0 and min_resource == 'auto' are mutually incompatible, bootstrap_count is {bootstrapCount}",
                nameof(bootstrapCount));
        }

        _autoMinResource = minResource is null;
        _minResource = minResource ?? 0;
        ReductionFactor = reductionFactor;
        MinEarlyStoppingRate = minEarlyStoppingRate;
        BootstrapCount = bootstrapCount;
    }

    /// <summary>Gets the minimum resource, or <see langword="null"/> while an automatic one is not estimated yet.</summary>
    public int? MinResource => Volatile.Read(ref _minResource) is var r && r > 0 ? r : null;

    /// <summary>Gets the reduction factor <c>η</c>.</summary>
    public int ReductionFactor { get; }

    /// <summary>Gets the minimum early-stopping rate.</summary>
    public int MinEarlyStoppingRate { get; }

    /// <summary>Gets the number of values a rung needs before promotions start.</summary>
    public int BootstrapCount { get; }

    /// <inheritdoc/>
    public bool Prune(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        if (trial.LastStep is not { } step)
        {
            return false;
        }

        int rung = CurrentRung(trial);
        double value = trial.IntermediateValues[step];
        IReadOnlyList<FrozenTrial>? trials = null;
        while (true)
        {
            int minResource = Volatile.Read(ref _minResource);
            if (minResource == 0)
            {
                trials ??= study.GetTrials();
                int? estimated = EstimateMinResource(trials);
                if (estimated is null)
                {
                    return false;
                }

                Interlocked.CompareExchange(ref _minResource, estimated.Value, 0);
                minResource = Volatile.Read(ref _minResource);
            }

            if (step < PromotionStep(minResource, ReductionFactor, MinEarlyStoppingRate + rung))
            {
                return false;
            }

            if (double.IsNaN(value))
            {
                return true;
            }

            trials ??= study.GetTrials();
            string rungKey = RungKey(rung);
            study.SetTrialSystemAttr(trial, rungKey, value);
            var (count, better) = CompetingValues(trials, value, rungKey, study.Direction == StudyDirection.Maximize);
            if (count <= BootstrapCount)
            {
                return true;
            }

            // Optuna sorts the values and promotes when the value is at least as good as the one at index
            // max(count / η − 1, 0) from the best end; equivalently, when no more values than that index are
            // strictly better. Counting avoids the sort.
            int promotableIndex = Math.Max((count / ReductionFactor) - 1, 0);
            if (better > promotableIndex)
            {
                return true;
            }

            rung++;
        }
    }

    /// <summary>Checks the arguments shared with <see cref="HyperbandPruner"/>, with Optuna's messages.</summary>
    internal static void CheckArguments(int? minResource, int reductionFactor, int minEarlyStoppingRate, int bootstrapCount)
    {
        PrunerMath.Check(minResource is null or >= 1, "minResource", minResource,
            $"The value of `min_resource` is {minResource}, but must be either `min_resource >= 1` or 'auto'");
        PrunerMath.Check(reductionFactor >= 2, nameof(reductionFactor), reductionFactor,
            $"The value of `reduction_factor` is {reductionFactor}, but must be `reduction_factor >= 2`");
        PrunerMath.Check(minEarlyStoppingRate >= 0, nameof(minEarlyStoppingRate), minEarlyStoppingRate,
            $"The value of `min_early_stopping_rate` is {minEarlyStoppingRate}, but must be `min_early_stopping_rate >= 0`");
        PrunerMath.Check(bootstrapCount >= 0, nameof(bootstrapCount), bootstrapCount,
            $"The value of `bootstrap_count` is {bootstrapCount}, but must be `bootstrap_count >= 0`");
    }

    /// <summary>The system attribute key of a completed rung (Optuna's <c>completed_rung_&lt;k&gt;</c>).</summary>
    internal static string RungKey(int rung) => "completed_rung_" + rung.ToString(CultureInfo.InvariantCulture);

    private static int CurrentRung(FrozenTrial trial)
    {
        int rung = 0;
        while (trial.SystemAttrs.ContainsKey(RungKey(rung)))
        {
            rung++;
        }

        return rung;
    }

    /// <summary><c>minResource · η^exponent</c>, saturated above <see cref="int.MaxValue"/> (no step reaches it).</summary>
    private static long PromotionStep(int minResource, int reductionFactor, int exponent)
    {
        long result = minResource;
        for (int i = 0; i < exponent; i++)
        {
            result *= reductionFactor;
            if (result > int.MaxValue)
            {
                return long.MaxValue;
            }
        }

        return result;
    }

    private static int? EstimateMinResource(IReadOnlyList<FrozenTrial> trials)
    {
        int? lastStep = null;
        foreach (var t in trials)
        {
            if (t.State == TrialState.Complete && t.LastStep is { } s && (lastStep is null || s > lastStep))
            {
                lastStep = s;
            }
        }

        return lastStep is { } last ? Math.Max(last / 100, 1) : null;
    }

    /// <summary>
    /// Counts the values recorded at a rung by the trials (with <paramref name="value"/> itself) and those strictly
    /// better than <paramref name="value"/>.
    /// </summary>
    private static (int Count, int Better) CompetingValues(IReadOnlyList<FrozenTrial> trials, double value, string rungKey, bool maximize)
    {
        int count = 1, better = 0;
        foreach (var t in trials)
        {
            if (t.SystemAttrs.TryGetValue(rungKey, out object? v))
            {
                double competing = PyJson.ToDouble(v);
                count++;
                if (maximize ? competing > value : competing < value)
                {
                    better++;
                }
            }
        }

        return (count, better);
    }
}
