namespace Sharptune.Importance;

/// <summary>
/// The best trials of a multi-objective study the way multi-objective TPE splits them: whole non-domination ranks
/// first, then the next rank cut by greedy hypervolume subset selection (Optuna's
/// <c>_split_complete_trials_multi_objective</c>), through <see cref="ParetoSelection"/>.
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
                loss[(i * m) + j] = ParetoMath.Loss(values[j], directions[j]);
            }
        }

        var selected = new bool[n];
        foreach (int i in ParetoSelection.SelectBest(loss, n, m, count))
        {
            selected[i] = true;
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
