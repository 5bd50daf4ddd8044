namespace Sharptune;

/// <summary>
/// Non-domination ranks of loss vectors (every objective minimized), as Optuna's
/// <c>_fast_non_domination_rank</c>: rank 0 is the Pareto front, rank 1 the front of the rest, and so on;
/// with penalties (constraint violations), feasible vectors come first and infeasible ones are ranked by penalty.
/// </summary>
public static class NonDominatedSorting
{
    /// <summary>Computes the non-domination rank of each row.</summary>
    /// <param name="lossValues">One row per solution, one column per objective (smaller is better).</param>
    /// <param name="penalty">Optional violation per row: ≤ 0 is feasible; feasible rows rank before infeasible ones.</param>
    /// <param name="nBelow">
    /// Stop once the ranks cover this many rows; rows beyond get a rank larger than every exact one.
    /// <see langword="null"/> or 0 ranks every row.
    /// </param>
    /// <returns>The 0-based ranks.</returns>
    /// <exception cref="ArgumentException">The penalty length differs from the row count, a penalty is NaN, or nBelow is negative.</exception>
    public static int[] Ranks(double[,] lossValues, double[]? penalty = null, int? nBelow = null)
    {
        ArgumentNullException.ThrowIfNull(lossValues);
        int n = lossValues.GetLength(0), m = lossValues.GetLength(1);
        var flat = new double[n * m];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                flat[(i * m) + j] = lossValues[i, j];
            }
        }

        return Ranks(flat, n, m, penalty, nBelow);
    }

    /// <summary>Computes non-domination ranks of row-major loss values.</summary>
    /// <param name="loss">n × m values, row-major.</param>
    /// <param name="n">The number of rows.</param>
    /// <param name="m">The number of objectives.</param>
    /// <param name="penalty">Optional violations.</param>
    /// <param name="nBelow">Stop once this many rows are ranked.</param>
    /// <returns>The ranks.</returns>
    internal static int[] Ranks(double[] loss, int n, int m, double[]? penalty, int? nBelow)
    {
        if (n == 0)
        {
            return [];
        }

        if (nBelow is < 0)
        {
            throw new ArgumentException("nBelow must be a positive integer.", nameof(nBelow));
        }

        int below = nBelow is null or 0 ? n : nBelow.Value;
        if (penalty is null)
        {
            return CalculateRanks(loss, n, m, below);
        }

        if (penalty.Length != n)
        {
            throw new ArgumentException(
                $"The length of penalty and loss_values must be same, but got len(penalty)={penalty.Length} and len(loss_values)={n}.",
                nameof(penalty));
        }

        var ranks = new int[n];
        var feasible = new List<int>();
        var infeasible = new List<int>();
        for (int i = 0; i < n; i++)
        {
            if (double.IsNaN(penalty[i]))
            {
                throw new ArgumentException("Penalty values cannot be NaN.", nameof(penalty));
            }

            (penalty[i] <= 0 ? feasible : infeasible).Add(i);
        }

        var feasibleLoss = new double[feasible.Count * m];
        for (int r = 0; r < feasible.Count; r++)
        {
            Array.Copy(loss, feasible[r] * m, feasibleLoss, r * m, m);
        }

        var feasibleRanks = CalculateRanks(feasibleLoss, feasible.Count, m, below);
        int top = -1;
        for (int r = 0; r < feasible.Count; r++)
        {
            ranks[feasible[r]] = feasibleRanks[r];
            top = Math.Max(top, feasibleRanks[r]);
        }

        below -= feasible.Count;
        var infeasiblePenalty = new double[infeasible.Count];
        for (int r = 0; r < infeasible.Count; r++)
        {
            infeasiblePenalty[r] = penalty[infeasible[r]];
        }

        var infeasibleRanks = CalculateRanks(infeasiblePenalty, infeasible.Count, 1, below);
        for (int r = 0; r < infeasible.Count; r++)
        {
            ranks[infeasible[r]] = top + 1 + infeasibleRanks[r];
        }

        return ranks;
    }

    /// <summary>Optuna's <c>_calculate_nondomination_rank</c>.</summary>
    private static int[] CalculateRanks(double[] loss, int n, int m, int nBelow)
    {
        var ranks = new int[n];
        if (n == 0 || nBelow <= 0)
        {
            return ranks;
        }

        var (unique, nUnique, inverse) = UniqueRows(loss, n, m, out _);
        if (m == 1)
        {
            // Dense rank of the distinct values.
            for (int i = 0; i < n; i++)
            {
                ranks[i] = inverse[i];
            }

            return ranks;
        }

        nBelow = Math.Min(nBelow, nUnique);
        var uniqueRanks = new int[nUnique];
        var remaining = new List<int>(nUnique);
        for (int i = 0; i < nUnique; i++)
        {
            remaining.Add(i);
        }

        int rank = 0;
        var rows = new double[nUnique * m];
        while (nUnique - remaining.Count < nBelow)
        {
            for (int r = 0; r < remaining.Count; r++)
            {
                Array.Copy(unique, remaining[r] * m, rows, r * m, m);
            }

            var onFront = ParetoFrontOfSorted(rows, remaining.Count, m);
            var next = new List<int>(remaining.Count);
            for (int r = 0; r < remaining.Count; r++)
            {
                if (onFront[r])
                {
                    uniqueRanks[remaining[r]] = rank;
                }
                else
                {
                    next.Add(remaining[r]);
                }
            }

            remaining = next;
            rank++;
        }

        foreach (int r in remaining)
        {
            uniqueRanks[r] = rank;
        }

        for (int i = 0; i < n; i++)
        {
            ranks[i] = uniqueRanks[inverse[i]];
        }

        return ranks;
    }

    /// <summary>
    /// Marks the non-dominated rows of rows sorted lexicographically (Optuna's
    /// <c>_is_pareto_front(..., assume_unique_lexsorted=True)</c>): a duplicate of an earlier row counts as dominated.
    /// </summary>
    /// <param name="rows">n × m values, row-major, sorted by the first column (lexicographically for exact results).</param>
    /// <param name="n">The number of rows.</param>
    /// <param name="m">The number of objectives.</param>
    /// <returns>Whether each row is on the front.</returns>
    internal static bool[] ParetoFrontOfSorted(ReadOnlySpan<double> rows, int n, int m)
    {
        var onFront = new bool[n];
        if (n == 0)
        {
            return onFront;
        }

        if (m == 1)
        {
            onFront[0] = true;
            return onFront;
        }

        if (m == 2)
        {
            double cummin = rows[1];
            onFront[0] = true;
            for (int i = 1; i < n; i++)
            {
                double v = rows[(i * 2) + 1];
                if (v < cummin)
                {
                    onFront[i] = true;
                    cummin = v;
                }
            }

            return onFront;
        }

        // Rows are sorted by the first objective, so the first remaining row is never dominated by a later one.
        var remaining = new List<int>(n);
        for (int i = 0; i < n; i++)
        {
            remaining.Add(i);
        }

        var next = new List<int>(n);
        while (remaining.Count > 0)
        {
            int top = remaining[0];
            onFront[top] = true;
            next.Clear();
            for (int r = 1; r < remaining.Count; r++)
            {
                int i = remaining[r];
                for (int j = 1; j < m; j++)
                {
                    if (rows[(i * m) + j] < rows[(top * m) + j])
                    {
                        next.Add(i);
                        break;
                    }
                }
            }

            (remaining, next) = (next, remaining);
        }

        return onFront;
    }

    /// <summary>
    /// The distinct rows in lexicographic order (numpy's <c>unique(axis=0)</c>), the inverse map, and the index of
    /// each distinct row's first occurrence.
    /// </summary>
    internal static (double[] Unique, int Count, int[] Inverse) UniqueRows(double[] rows, int n, int m, out int[] firstIndex)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        order.AsSpan().Sort(new RowOrder(rows, m));

        var inverse = new int[n];
        var unique = new List<int>(n);
        for (int r = 0; r < n; r++)
        {
            int i = order[r];
            if (unique.Count == 0 || CompareRows(rows, unique[^1], i, m) != 0)
            {
                unique.Add(i);
            }

            inverse[i] = unique.Count - 1;
        }

        var result = new double[unique.Count * m];
        firstIndex = new int[unique.Count];
        for (int u = 0; u < unique.Count; u++)
        {
            Array.Copy(rows, unique[u] * m, result, u * m, m);
            firstIndex[u] = unique[u];
        }

        return (result, unique.Count, inverse);
    }

    private static int CompareRows(double[] rows, int x, int y, int m)
    {
        for (int j = 0; j < m; j++)
        {
            int c = rows[(x * m) + j].CompareTo(rows[(y * m) + j]);
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }

    /// <summary>Lexicographic order of row indices (ties by index), as a struct so that the sort is specialized.</summary>
    private readonly struct RowOrder(double[] rows, int m) : IComparer<int>
    {
        public int Compare(int x, int y)
        {
            int c = CompareRows(rows, x, y, m);
            return c != 0 ? c : x.CompareTo(y);
        }
    }
}
