namespace Sharptune;

/// <summary>
/// The best points of a set of loss vectors the way multi-objective TPE splits its trials (Optuna's
/// <c>_split_complete_trials_multi_objective</c>): whole non-domination ranks first, then the next rank cut by greedy
/// hypervolume subset selection, against that rank's worst point pushed out by 10%.
/// </summary>
internal static class ParetoSelection
{
    /// <summary>Selects <paramref name="count"/> of the <paramref name="n"/> loss vectors.</summary>
    /// <param name="loss">The loss vectors, row-major (<paramref name="n"/> rows of <paramref name="m"/> objectives, every objective minimised).</param>
    /// <param name="n">The number of vectors.</param>
    /// <param name="m">The number of objectives.</param>
    /// <param name="count">How many to select (clamped to 0..<paramref name="n"/>).</param>
    /// <returns>
    /// The selected row indices: the rows of the whole ranks in row order, then the rows chosen from the cut rank in
    /// the order the subset selection picked them.
    /// </returns>
    public static List<int> SelectBest(double[] loss, int n, int m, int count)
    {
        count = Math.Min(count, n);
        var selected = new List<int>(Math.Max(count, 0));
        if (count <= 0)
        {
            return selected;
        }

        if (count == n)
        {
            for (int i = 0; i < n; i++)
            {
                selected.Add(i);
            }

            return selected;
        }

        var ranks = NonDominatedSorting.Ranks(loss, n, m, null, count);
        int maxRank = 0;
        foreach (int r in ranks)
        {
            maxRank = Math.Max(maxRank, r);
        }

        var perRank = new int[maxRank + 1];
        foreach (int r in ranks)
        {
            perRank[r]++;
        }

        int lastWholeRank = -1, taken = 0;
        while (lastWholeRank < maxRank && taken + perRank[lastWholeRank + 1] <= count)
        {
            lastWholeRank++;
            taken += perRank[lastWholeRank];
        }

        var tie = new List<int>();
        for (int i = 0; i < n; i++)
        {
            if (ranks[i] <= lastWholeRank)
            {
                selected.Add(i);
            }
            else if (ranks[i] == lastWholeRank + 1)
            {
                tie.Add(i);
            }
        }

        if (taken < count)
        {
            // The reference point of the tied rank: its worst point pushed out by 10% (0 becomes a tiny positive value).
            var tieLoss = new double[tie.Count * m];
            var reference = new double[m];
            Array.Fill(reference, double.NegativeInfinity);
            for (int t = 0; t < tie.Count; t++)
            {
                Array.Copy(loss, tie[t] * m, tieLoss, t * m, m);
                for (int j = 0; j < m; j++)
                {
                    reference[j] = Math.Max(reference[j], loss[(tie[t] * m) + j]);
                }
            }

            for (int j = 0; j < m; j++)
            {
                double r = Math.Max(1.1 * reference[j], 0.9 * reference[j]);
                reference[j] = r == 0 ? 1e-12 : r;
            }

            selected.AddRange(Hypervolume.SolveHssp(tieLoss, tie.Count, m, [.. tie], count - taken, reference));
        }

        return selected;
    }
}
