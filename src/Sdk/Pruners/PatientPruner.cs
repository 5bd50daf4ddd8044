using Sharptune.Internal;

namespace Sharptune.Pruners;

/// <summary>
/// Lets a trial run while it keeps improving (Optuna's <c>PatientPruner</c>). With more than
/// <c><see cref="Patience"/> + 1</c> reported steps, it compares the best value of the steps before the last
/// <c>patience + 1</c> ones with the best value within them (NaN ignored): when the latter is not better by more
/// than <see cref="MinDelta"/>, it returns the wrapped pruner's decision, or prunes when there is none. Values that
/// are all NaN on either side never prune.
/// </summary>
public sealed class PatientPruner : IPruner
{
    /// <summary>Initializes a new instance of the <see cref="PatientPruner"/> class.</summary>
    /// <param name="wrappedPruner">The pruner consulted once patience runs out; <see langword="null"/> prunes then (early stopping).</param>
    /// <param name="patience">Steps without improvement tolerated (≥ 0).</param>
    /// <param name="minDelta">The improvement that counts (≥ 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is negative (Optuna's messages).</exception>
    public PatientPruner(IPruner? wrappedPruner, int patience, double minDelta = 0.0)
    {
        PrunerMath.Check(patience >= 0, nameof(patience), patience, $"patience cannot be negative but got {patience}.");
        PrunerMath.Check(!(minDelta < 0), nameof(minDelta), minDelta, $"min_delta cannot be negative but got {PyFormat.FloatRepr(minDelta)}.");
        WrappedPruner = wrappedPruner;
        Patience = patience;
        MinDelta = minDelta;
    }

    /// <summary>Gets the wrapped pruner, if any.</summary>
    public IPruner? WrappedPruner { get; }

    /// <summary>Gets the patience in steps.</summary>
    public int Patience { get; }

    /// <summary>Gets the minimum improvement.</summary>
    public double MinDelta { get; }

    /// <inheritdoc/>
    public bool Prune(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        var values = trial.IntermediateValues;
        int count = values.Count;
        if (count == 0 || count <= Patience + 1)
        {
            return false;
        }

        bool maximize = study.Direction == StudyDirection.Maximize;
        int split = count - Patience - 1;
        double before = double.NaN, after = double.NaN;
        int i = 0;
        foreach (var (_, v) in values)
        {
            // FrozenTrial keeps the steps in ascending order.
            if (i++ < split)
            {
                before = NanBetter(before, v, maximize);
            }
            else
            {
                after = NanBetter(after, v, maximize);
            }
        }

        bool maybePrune = maximize ? before - MinDelta > after : before + MinDelta < after;
        if (!maybePrune)
        {
            return false;
        }

        return WrappedPruner?.Prune(study, trial) ?? true;
    }

    /// <summary>Forwards to the wrapped pruner, so that a wrapped <see cref="HyperbandPruner"/> keeps its brackets.</summary>
    /// <param name="study">The study.</param>
    /// <param name="trial">The trial.</param>
    /// <returns>The wrapped pruner's view, or the study.</returns>
    public Study FilterStudy(Study study, FrozenTrial trial) => WrappedPruner is { } w ? w.FilterStudy(study, trial) : study;

    private static double NanBetter(double current, double v, bool maximize) =>
        double.IsNaN(v) ? current
        : double.IsNaN(current) || (maximize ? v > current : v < current) ? v
        : current;
}
