namespace Sharptune;

/// <summary>
/// Multi-objective arithmetic shared by the genetic and Gaussian-process samplers: Pareto domination on loss
/// vectors (every objective minimised), non-domination ranks with an optional constraint penalty, crowding
/// distance, exact hypervolume and the decomposition of the non-dominated region into disjoint boxes.
/// </summary>
internal static class ParetoMath
{
    /// <summary>
    /// Returns whether value vector <paramref name="a"/> dominates <paramref name="b"/> under
    /// <paramref name="directions"/>: the vectors as losses (maximised objectives negated), then
    /// <see cref="Dominates(ReadOnlySpan{double}, ReadOnlySpan{double})"/>.
    /// </summary>
    public static bool Dominates(IReadOnlyList<double> a, IReadOnlyList<double> b, IReadOnlyList<StudyDirection> directions)
    {
        int m = directions.Count;
        Span<double> loss = m <= 32 ? stackalloc double[2 * m] : new double[2 * m];
        for (int i = 0; i < m; i++)
        {
            loss[i] = Loss(a[i], directions[i]);
            loss[m + i] = Loss(b[i], directions[i]);
        }

        return Dominates(loss[..m], loss[m..]);
    }

    /// <summary>Returns a value as a loss: negated for a maximised objective.</summary>
    public static double Loss(double value, StudyDirection direction) => direction == StudyDirection.Maximize ? -value : value;

    /// <summary>
    /// Returns whether loss vector <paramref name="a"/> dominates <paramref name="b"/>: no larger in every objective
    /// and smaller in one. Every domination test of the library ends here.
    /// </summary>
    public static bool Dominates(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        bool strictly = false;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] > b[i])
            {
                return false;
            }

            if (a[i] < b[i])
            {
                strictly = true;
            }
        }

        return strictly;
    }

    /// <summary>
    /// Computes non-domination ranks (0 = Pareto front). With a penalty, feasible points (penalty ≤ 0) are
    /// ranked first by Pareto domination and infeasible ones afterwards by ascending penalty, as constrained
    /// NSGA-II does. Equal vectors share a rank.
    /// </summary>
    /// <param name="loss">One loss vector per point.</param>
    /// <param name="penalty">The summed constraint violation per point, or <see langword="null"/>.</param>
    /// <returns>The rank of each point.</returns>
    public static int[] NonDominationRanks(IReadOnlyList<double[]> loss, IReadOnlyList<double>? penalty = null)
    {
        int n = loss.Count;
        if (n == 0)
        {
            return [];
        }

        // The ranking Optuna's NSGA-II and MOTPE share (Sharptune.NonDominatedSorting), on row-major values.
        int m = loss[0].Length;
        var rows = new double[n * m];
        for (int i = 0; i < n; i++)
        {
            loss[i].AsSpan(0, m).CopyTo(rows.AsSpan(i * m, m));
        }

        return NonDominatedSorting.Ranks(rows, n, m, penalty?.ToArray(), nBelow: null);
    }

    /// <summary>Returns which points are not dominated by any other point (duplicates all stay on the front).</summary>
    /// <param name="loss">The loss vectors.</param>
    /// <returns>A flag per point.</returns>
    public static bool[] IsParetoFront(IReadOnlyList<double[]> loss)
    {
        var onFront = new bool[loss.Count];
        for (int i = 0; i < loss.Count; i++)
        {
            bool dominated = false;
            for (int j = 0; j < loss.Count && !dominated; j++)
            {
                dominated = i != j && Dominates(loss[j], loss[i]);
            }

            onFront[i] = !dominated;
        }

        return onFront;
    }

    /// <summary>
    /// Orders a front by descending crowding distance, the NSGA-II tie-break (Optuna's
    /// <c>_crowding_distance_sort</c>): each objective is sorted in turn, interior points add the normalised
    /// gap between their neighbours, extreme points get infinity, and an objective with a single value adds
    /// nothing.
    /// </summary>
    /// <param name="values">The loss vectors of the front.</param>
    /// <returns>The indices of the front, most isolated first.</returns>
    public static int[] CrowdingDistanceOrder(IReadOnlyList<double[]> values)
    {
        int n = values.Count;
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        if (n == 0)
        {
            return order;
        }

        var distance = new double[n];
        int m = values[0].Length;
        var vs = new double[n + 2];
        for (int obj = 0; obj < m; obj++)
        {
            int o = obj;
            order = [.. order.OrderBy(i => values[i][o])];
            if (values[order[0]][obj] == values[order[^1]][obj])
            {
                continue;
            }

            vs[0] = double.NegativeInfinity;
            vs[n + 1] = double.PositiveInfinity;
            for (int j = 0; j < n; j++)
            {
                vs[j + 1] = values[order[j]][obj];
            }

            double vMin = double.NaN, vMax = double.NaN;
            for (int j = 0; j < n + 2; j++)
            {
                if (vs[j] != double.NegativeInfinity)
                {
                    vMin = vs[j];
                    break;
                }
            }

            for (int j = n + 1; j >= 0; j--)
            {
                if (vs[j] != double.PositiveInfinity)
                {
                    vMax = vs[j];
                    break;
                }
            }

            double width = vMax - vMin;
            if (!(width > 0))
            {
                width = 1.0;
            }

            for (int j = 0; j < n; j++)
            {
                double gap = vs[j] == vs[j + 2] ? 0.0 : vs[j + 2] - vs[j];
                distance[order[j]] += gap / width;
            }
        }

        // A stable ascending sort followed by a reversal, so ties keep Optuna's order.
        order = [.. order.OrderBy(i => distance[i])];
        Array.Reverse(order);
        return order;
    }

    /// <summary>
    /// Computes the hypervolume dominated by <paramref name="points"/> and bounded by
    /// <paramref name="referencePoint"/> (minimisation): an exact sweep in two dimensions, exact slicing in more.
    /// Points not strictly better than the reference point in every objective contribute nothing.
    /// </summary>
    /// <param name="points">The loss vectors.</param>
    /// <param name="referencePoint">The reference point.</param>
    /// <returns>The hypervolume.</returns>
    public static double Hypervolume(IReadOnlyList<double[]> points, ReadOnlySpan<double> referencePoint)
    {
        int m = referencePoint.Length;
        var inside = new List<double[]>(points.Count);
        foreach (var p in points)
        {
            bool ok = true;
            for (int j = 0; j < m && ok; j++)
            {
                ok = p[j] < referencePoint[j];
            }

            if (ok)
            {
                inside.Add(p);
            }
        }

        var rows = new double[inside.Count * m];
        for (int i = 0; i < inside.Count; i++)
        {
            inside[i].AsSpan(0, m).CopyTo(rows.AsSpan(i * m, m));
        }

        // The exact algorithms of Sharptune.Hypervolume (sweep, 3-D grid, WFG), on the points inside the reference.
        return Sharptune.Hypervolume.Compute(rows, inside.Count, referencePoint, assumePareto: false);
    }

    /// <summary>
    /// Splits the region of loss space that no point of <paramref name="front"/> dominates and that lies below
    /// <paramref name="referencePoint"/> into disjoint axis-aligned boxes (lower bounds may be −∞). The hypervolume
    /// improvement of a new point y is then Σ over boxes of Π_j max(0, min(ub_j − y_j, ub_j − lb_j)).
    /// </summary>
    /// <param name="front">Loss vectors (dominated ones are harmless).</param>
    /// <param name="referencePoint">The reference point.</param>
    /// <returns>The lower and upper bounds of each box.</returns>
    public static List<(double[] Lower, double[] Upper)> NonDominatedBoxes(IReadOnlyList<double[]> front, double[] referencePoint)
    {
        var boxes = new List<(double[] Lower, double[] Upper)>();
        var pts = front.Where(p => p.Zip(referencePoint).All(t => t.First < t.Second)).ToList();
        int m = referencePoint.Length;
        var lower = new double[m];
        var upper = new double[m];
        DecomposeBoxes(pts, referencePoint, m, lower, upper, boxes);
        return boxes;
    }

    private static void DecomposeBoxes(List<double[]> pts, double[] r, int m, double[] lower, double[] upper, List<(double[] Lower, double[] Upper)> boxes)
    {
        int d = m - 1; // the coordinate sliced at this level
        if (d == 0)
        {
            double min = r[0];
            foreach (var p in pts)
            {
                min = Math.Min(min, p[0]);
            }

            if (min > double.NegativeInfinity)
            {
                lower[0] = double.NegativeInfinity;
                upper[0] = min;
                boxes.Add(((double[])lower.Clone(), (double[])upper.Clone()));
            }

            return;
        }

        var cuts = pts.Select(p => p[d]).Where(v => v < r[d]).Distinct().Order().ToList();
        double lo = double.NegativeInfinity;
        var active = new List<double[]>();
        int next = 0;
        var sorted = pts.OrderBy(p => p[d]).ToList();
        for (int c = 0; c <= cuts.Count; c++)
        {
            double hi = c < cuts.Count ? cuts[c] : r[d];
            if (hi > lo)
            {
                lower[d] = lo;
                upper[d] = hi;
                DecomposeBoxes(active, r, m - 1, lower, upper, boxes);
            }

            if (c < cuts.Count)
            {
                while (next < sorted.Count && sorted[next][d] <= cuts[c])
                {
                    active.Add(sorted[next]);
                    next++;
                }

                lo = hi;
            }
        }
    }
}
