namespace Sharptune.Pruners;

/// <summary>
/// Multi-objective pruning by Pareto dominance (beyond Optuna, whose pruners are single-objective: issue #3450).
/// Trials report one value per objective with <see cref="ITrial.Report(IReadOnlyList{double}, int)"/>. At each
/// <see cref="ITrial.ShouldPrune"/>, with <c>s</c> the trial's last reported step and <c>v</c> its vector there:
/// <list type="number">
/// <item>No pruning before <see cref="NStartupTrials"/> trials are COMPLETE (and never before the first), without a
/// report, or while <c>s</c> is below <see cref="NWarmupSteps"/>; only the first report in each interval of
/// <see cref="IntervalSteps"/> is judged (the same rules as <see cref="PercentilePruner"/>).</item>
/// <item>A vector with a NaN component is pruned (it cannot be compared; Optuna's pruners prune NaN as well).</item>
/// <item>The reference set <c>R</c> is the COMPLETE trials that reported a vector without NaN at step <c>s</c>
/// exactly; with fewer than <see cref="NMinTrials"/> of them, nothing is pruned.</item>
/// <item>Let <c>d</c> be the number of trials of <c>R</c> whose vector at <c>s</c> Pareto-dominates <c>v</c> (no worse
/// in every objective and better in one, after the study's directions). The trial is pruned when <c>d ≥ 1</c> and
/// <c>d ≥ <see cref="DominatedFraction"/> · |R|</c>.</item>
/// </list>
/// With the default fraction 0.5 this is the median rule lifted to Pareto dominance: a trial is stopped when at
/// least half of the finished trials were strictly better than it at the same point of their training. It works in
/// single-objective studies too (on <see cref="FrozenTrial.IntermediateValues"/>), where it is a median-like rule
/// on the value at the step.
/// </summary>
public sealed class DominancePruner : IPruner
{
    /// <summary>Initializes a new instance of the <see cref="DominancePruner"/> class.</summary>
    /// <param name="dominatedFraction">The share of the reference trials that must dominate the trial, in [0, 1].</param>
    /// <param name="nStartupTrials">Pruning is disabled until this many trials are COMPLETE (≥ 0).</param>
    /// <param name="nWarmupSteps">Pruning is disabled while the step is below this (≥ 0).</param>
    /// <param name="intervalSteps">Steps between pruning checks, offset by the warm-up (≥ 1).</param>
    /// <param name="nMinTrials">COMPLETE trials that must have reported the step (≥ 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public DominancePruner(double dominatedFraction = 0.5, int nStartupTrials = 5, int nWarmupSteps = 0, int intervalSteps = 1, int nMinTrials = 1)
    {
        PrunerMath.Check(dominatedFraction is >= 0.0 and <= 1.0, nameof(dominatedFraction), dominatedFraction,
            $"The dominated fraction must be between 0 and 1 inclusive, but got dominated_fraction={Internal.PyFormat.FloatRepr(dominatedFraction)}.");
        PrunerMath.CheckSchedule(nStartupTrials, nWarmupSteps, intervalSteps, nMinTrials);
        DominatedFraction = dominatedFraction;
        NStartupTrials = nStartupTrials;
        NWarmupSteps = nWarmupSteps;
        IntervalSteps = intervalSteps;
        NMinTrials = nMinTrials;
    }

    /// <summary>Gets the share of the reference trials that must dominate a trial to prune it.</summary>
    public double DominatedFraction { get; }

    /// <summary>Gets the number of COMPLETE trials before pruning starts.</summary>
    public int NStartupTrials { get; }

    /// <summary>Gets the number of warm-up steps.</summary>
    public int NWarmupSteps { get; }

    /// <summary>Gets the interval between pruning checks.</summary>
    public int IntervalSteps { get; }

    /// <summary>Gets the number of COMPLETE trials that must have reported the step.</summary>
    public int NMinTrials { get; }

    /// <inheritdoc/>
    public bool SupportsMultiObjective => true;

    /// <inheritdoc/>
    public bool Prune(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        var completed = study.GetTrials(PrunerMath.CompleteOnly);
        if (completed.Count == 0 || completed.Count < NStartupTrials)
        {
            return false;
        }

        var directions = study.Directions;
        if (LastVector(trial, directions.Count) is not var (step, steps, vector))
        {
            return false;
        }

        if (step < NWarmupSteps || !PrunerMath.IsFirstInIntervalStep(step, steps, NWarmupSteps, IntervalSteps))
        {
            return false;
        }

        if (HasNaN(vector))
        {
            return true;
        }

        int reference = 0, dominating = 0;
        foreach (var t in completed)
        {
            if (VectorAt(t, step, directions.Count) is not { } other || HasNaN(other))
            {
                continue;
            }

            reference++;
            if (MultiObjective.Dominates(other, vector, directions))
            {
                dominating++;
            }
        }

        return reference >= NMinTrials && dominating >= 1 && dominating >= DominatedFraction * reference;
    }

    private static (int Step, IEnumerable<int> Steps, IReadOnlyList<double> Vector)? LastVector(FrozenTrial trial, int objectives)
    {
        if (objectives == 1)
        {
            return trial.LastStep is { } last ? (last, trial.IntermediateValues.Keys, [trial.IntermediateValues[last]]) : null;
        }

        var vectors = trial.IntermediateVectors;
        if (vectors.Count == 0)
        {
            return null;
        }

        int step = vectors.Keys.Max();
        return (step, vectors.Keys, vectors[step]);
    }

    private static IReadOnlyList<double>? VectorAt(FrozenTrial trial, int step, int objectives)
    {
        if (objectives == 1)
        {
            return trial.IntermediateValues.TryGetValue(step, out double v) ? [v] : null;
        }

        return trial.IntermediateVectors.TryGetValue(step, out var vector) && vector.Count == objectives ? vector : null;
    }

    private static bool HasNaN(IReadOnlyList<double> vector)
    {
        foreach (double v in vector)
        {
            if (double.IsNaN(v))
            {
                return true;
            }
        }

        return false;
    }
}
