namespace Sharptune;

/// <summary>Domination between trials, with and without constraints (Optuna's <c>_dominates</c> and <c>_constrained_dominates</c>).</summary>
internal static class TrialDomination
{
    public static bool IsConstrained(IReadOnlyList<FrozenTrial> trials)
    {
        foreach (var t in trials)
        {
            if (t.Constraints.Count > 0)
            {
                return true;
            }
        }

        return false;
    }

    public static void Validate(IReadOnlyList<FrozenTrial> trials)
    {
        foreach (var t in trials)
        {
            foreach (double c in t.Constraints.Values)
            {
                if (double.IsNaN(c))
                {
                    throw new ArgumentException("NaN is not acceptable as constraint value.");
                }
            }
        }
    }

    /// <summary>The sum of positive constraint values: 0 when feasible (Optuna's <c>_get_infeasible_trial_score</c>).</summary>
    public static double Penalty(FrozenTrial t)
    {
        var constraints = t.Constraints;
        if (constraints.Count == 0)
        {
            return 0;
        }

        double sum = 0;
        foreach (double c in constraints.Values)
        {
            if (c > 0)
            {
                sum += c;
            }
        }

        return sum;
    }

    public static bool Dominates(FrozenTrial a, FrozenTrial b, IReadOnlyList<StudyDirection> directions)
    {
        if (a.State != TrialState.Complete)
        {
            return false;
        }

        if (b.State != TrialState.Complete)
        {
            return true;
        }

        return ParetoMath.Dominates(a.Values!, b.Values!, directions);
    }

    public static bool ConstrainedDominates(FrozenTrial a, FrozenTrial b, IReadOnlyList<StudyDirection> directions)
    {
        if (a.State != TrialState.Complete)
        {
            return false;
        }

        if (b.State != TrialState.Complete)
        {
            return true;
        }

        bool fa = a.IsFeasible, fb = b.IsFeasible;
        if (fa && fb)
        {
            return Dominates(a, b, directions);
        }

        if (fa)
        {
            return true;
        }

        if (fb)
        {
            return false;
        }

        return Penalty(a) < Penalty(b);
    }

    /// <summary>Loss vectors (maximised objectives negated) of COMPLETE trials.</summary>
    public static List<double[]> LossValues(IReadOnlyList<FrozenTrial> trials, IReadOnlyList<StudyDirection> directions)
    {
        var loss = new List<double[]>(trials.Count);
        foreach (var t in trials)
        {
            var v = new double[directions.Count];
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = ParetoMath.Loss(t.Values![i], directions[i]);
            }

            loss.Add(v);
        }

        return loss;
    }

    /// <summary>Groups trials by non-domination rank (constrained when any trial has constraints).</summary>
    public static List<List<FrozenTrial>> RankPopulation(IReadOnlyList<FrozenTrial> population, IReadOnlyList<StudyDirection> directions, bool constrained)
    {
        if (population.Count == 0)
        {
            return [];
        }

        var loss = LossValues(population, directions);
        var penalty = constrained ? population.Select(Penalty).ToArray() : null;
        var ranks = ParetoMath.NonDominationRanks(loss, penalty);
        var result = new List<List<FrozenTrial>>();
        for (int r = 0; r <= ranks.Max(); r++)
        {
            result.Add([]);
        }

        for (int i = 0; i < population.Count; i++)
        {
            result[ranks[i]].Add(population[i]);
        }

        result.RemoveAll(static l => l.Count == 0);
        return result;
    }
}
