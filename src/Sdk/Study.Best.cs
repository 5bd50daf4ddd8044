namespace Sharptune;

/// <content>The best trial, its value and parameters, and the Pareto front.</content>
public sealed partial class Study
{
    /// <summary>Gets the best COMPLETE (and feasible, with constraints) trial of a single-objective study.</summary>
    /// <exception cref="InvalidOperationException">The study is multi-objective, or no (feasible) trial is complete.</exception>
    public FrozenTrial BestTrial
    {
        get
        {
            if (IsMultiObjective)
            {
                throw new InvalidOperationException(
                    "A single best trial cannot be retrieved from a multi-objective study. Consider using Study.BestTrials to retrieve a list containing the best trials.");
            }

            var best = _parent is null ? Storage.GetBestTrial(StudyId) : ViewBestTrial();
            if (best.IsFeasible)
            {
                return best;
            }

            var feasible = GetTrials(TrialState.Complete).Where(t => t.IsFeasible).ToList();
            if (feasible.Count == 0)
            {
                throw new InvalidOperationException("No feasible trials are completed yet.");
            }

            return FirstBest(feasible, Direction);
        }
    }

    private FrozenTrial ViewBestTrial()
    {
        var complete = GetTrials(TrialState.Complete);
        if (complete.Count == 0)
        {
            throw new InvalidOperationException("No trials are completed yet.");
        }

        return FirstBest(complete, Direction);
    }

    /// <summary>The trial with the best first value in <paramref name="direction"/>, the first one on ties.</summary>
    /// <param name="complete">COMPLETE trials, at least one.</param>
    /// <param name="direction">The study's direction.</param>
    /// <returns>The best trial.</returns>
    internal static FrozenTrial FirstBest(IReadOnlyList<FrozenTrial> complete, StudyDirection direction)
    {
        bool maximize = direction == StudyDirection.Maximize;
        var best = complete[0];
        for (int i = 1; i < complete.Count; i++)
        {
            double v = complete[i].Values![0];
            double b = best.Values![0];
            if (maximize ? v > b : v < b)
            {
                best = complete[i];
            }
        }

        return best;
    }

    /// <summary>Gets the value of <see cref="BestTrial"/>.</summary>
    public double BestValue => BestTrial.Values![0];

    /// <summary>Gets the parameters of <see cref="BestTrial"/>.</summary>
    public IReadOnlyDictionary<string, object?> BestParams => BestTrial.Params;

    /// <summary>
    /// Gets the Pareto front of COMPLETE trials (feasible ones only when any trial has constraints); empty when
    /// there are none.
    /// </summary>
    public IReadOnlyList<FrozenTrial> BestTrials
    {
        get
        {
            var complete = GetTrials(TrialState.Complete);
            if (complete.Any(t => t.Constraints.Count > 0))
            {
                complete = complete.Where(t => t.IsFeasible).ToList();
            }

            return MultiObjective.ParetoFront(complete, Directions);
        }
    }
}
