namespace Sharptune;

/// <summary>Pareto dominance helpers for multi-objective studies.</summary>
public static class MultiObjective
{
    /// <summary>
    /// Returns whether <paramref name="a"/> dominates <paramref name="b"/>: no worse in every objective and better
    /// in one, after flipping maximized objectives.
    /// </summary>
    /// <param name="a">The first value vector.</param>
    /// <param name="b">The second value vector.</param>
    /// <param name="directions">The directions.</param>
    /// <returns>Whether a dominates b.</returns>
    public static bool Dominates(IReadOnlyList<double> a, IReadOnlyList<double> b, IReadOnlyList<StudyDirection> directions)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(directions);
        return ParetoMath.Dominates(a, b, directions);
    }

    /// <summary>Returns the trials no other trial dominates, ordered by number (duplicates are all kept).</summary>
    /// <param name="trials">COMPLETE trials.</param>
    /// <param name="directions">The directions.</param>
    /// <returns>The Pareto front.</returns>
    public static IReadOnlyList<FrozenTrial> ParetoFront(IReadOnlyList<FrozenTrial> trials, IReadOnlyList<StudyDirection> directions)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(directions);
        var front = new List<FrozenTrial>();
        for (int i = 0; i < trials.Count; i++)
        {
            bool dominated = false;
            for (int j = 0; j < trials.Count && !dominated; j++)
            {
                dominated = i != j && Dominates(trials[j].Values!, trials[i].Values!, directions);
            }

            if (!dominated)
            {
                front.Add(trials[i]);
            }
        }

        front.Sort((x, y) => x.Number.CompareTo(y.Number));
        return front;
    }
}
