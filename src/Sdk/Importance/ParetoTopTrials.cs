namespace Sharptune.Importance;

/// <summary>
/// The best trials of a multi-objective study the way multi-objective TPE splits them: whole non-domination ranks
/// first, then the next rank cut by greedy hypervolume subset selection (Optuna's
/// <c>_split_complete_trials_multi_objective</c>).
/// </summary>
internal static class ParetoTopTrials
{
    /// <summary>Selects <paramref name="count"/> trials, kept in their original order.</summary>
    public static List<FrozenTrial> Select(List<FrozenTrial> trials, IReadOnlyList<StudyDirection> directions, int count)
    {
        int n = trials.Count;
        if (count <= 0)
        {
            return [];
        }

        if (count >= n)
        {
            return [.. trials];
        }

        int m = directions.Count;
        var loss = new double[n * m];
        for (int i = 0; i < n; i++)
        {
            var values = trials[i].Values!;
            for (int j = 0; j < m; j++)
            {
                loss[(i * m) + j] = directions[j] == StudyDirection.Maximize ? -values[j] : values[j];
            }
        }

        var ranks = NonDominatedSorting.Ranks(loss, n, m, null, count);
        int maxRank = ranks.Max();
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

        var selected = new bool[n];
        var tie = new List<int>();
        for (int i = 0; i < n; i++)
        {
            if (ranks[i] <= lastWholeRank)
            {
                selected[i] = true;
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

            foreach (int i in Hypervolume.SolveHssp(tieLoss, tie.Count, m, [.. tie], count - taken, reference))
            {
                selected[i] = true;
            }
        }

        var result = new List<FrozenTrial>(count);
        for (int i = 0; i < n; i++)
        {
            if (selected[i])
            {
                result.Add(trials[i]);
            }
        }

        return result;
    }
}
