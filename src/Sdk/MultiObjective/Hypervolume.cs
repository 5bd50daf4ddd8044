namespace Sharptune;

/// <summary>
/// Hypervolume of loss vectors (every objective minimized) with respect to a reference point, and greedy
/// hypervolume subset selection. Exact: a sweep in 2-D, an O(n²) grid in 3-D, the WFG algorithm beyond
/// (Optuna's <c>compute_hypervolume</c> and <c>_solve_hssp</c>).
/// </summary>
public static class Hypervolume
{
    private const string NotDominatingMessage =
        "All points must dominate or equal the reference point. That is, for all points in the loss_vals and the coordinate `i`, `loss_vals[i] <= reference_point[i]`.";

    /// <summary>Computes the hypervolume dominated by the points and bounded by the reference point.</summary>
    /// <param name="lossValues">One row per point, one column per objective.</param>
    /// <param name="referencePoint">The reference point; every point must be ≤ it in every objective.</param>
    /// <param name="assumePareto">Skip the removal of dominated points (faster when none is dominated; the result does not change).</param>
    /// <returns>The hypervolume; +∞ when the reference point is not finite.</returns>
    /// <exception cref="ArgumentException">A point exceeds the reference point, or the column count differs from the reference point's length.</exception>
    public static double Compute(double[,] lossValues, double[] referencePoint, bool assumePareto = false)
    {
        ArgumentNullException.ThrowIfNull(lossValues);
        ArgumentNullException.ThrowIfNull(referencePoint);
        return Compute(Flatten(lossValues, referencePoint.Length), lossValues.GetLength(0), referencePoint, assumePareto);
    }

    /// <summary>
    /// Chooses <paramref name="subsetSize"/> points greedily by hypervolume contribution (a 1 − 1/e approximation of
    /// the hypervolume subset selection problem). Duplicated points are only chosen once every distinct point is.
    /// </summary>
    /// <param name="lossValues">One row per point (points of one non-domination rank in the intended use).</param>
    /// <param name="subsetSize">How many points to choose.</param>
    /// <param name="referencePoint">The reference point.</param>
    /// <returns>The chosen row indices.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The subset size is negative or larger than the row count.</exception>
    public static int[] SelectSubset(double[,] lossValues, int subsetSize, double[] referencePoint)
    {
        ArgumentNullException.ThrowIfNull(lossValues);
        ArgumentNullException.ThrowIfNull(referencePoint);
        int n = lossValues.GetLength(0);
        if (subsetSize < 0 || subsetSize > n)
        {
            throw new ArgumentOutOfRangeException(nameof(subsetSize), subsetSize, $"The subset size must be between 0 and {n}.");
        }

        var indices = new int[n];
        for (int i = 0; i < n; i++)
        {
            indices[i] = i;
        }

        return SolveHssp(Flatten(lossValues, referencePoint.Length), n, referencePoint.Length, indices, subsetSize, referencePoint);
    }

    private static double[] Flatten(double[,] values, int m)
    {
        int n = values.GetLength(0);
        if (values.GetLength(1) != m)
        {
            throw new ArgumentException($"The points have {values.GetLength(1)} objectives but the reference point has {m}.", nameof(values));
        }

        var flat = new double[n * m];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                flat[(i * m) + j] = values[i, j];
            }
        }

        return flat;
    }

    /// <summary>Computes the hypervolume of n row-major points.</summary>
    internal static double Compute(ReadOnlySpan<double> loss, int n, ReadOnlySpan<double> reference, bool assumePareto)
    {
        int m = reference.Length;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                if (!(loss[(i * m) + j] <= reference[j]))
                {
                    throw new ArgumentException(NotDominatingMessage);
                }
            }
        }

        foreach (double r in reference)
        {
            if (!double.IsFinite(r))
            {
                return double.PositiveInfinity;
            }
        }

        if (n == 0)
        {
            return 0.0;
        }

        double[] sorted;
        int count;
        if (!assumePareto)
        {
            var (unique, nUnique, _) = NonDominatedSorting.UniqueRows(loss.ToArray(), n, m, out _);
            var onFront = NonDominatedSorting.ParetoFrontOfSorted(unique, nUnique, m);
            count = 0;
            foreach (bool b in onFront)
            {
                count += b ? 1 : 0;
            }

            sorted = new double[count * m];
            int r = 0;
            for (int i = 0; i < nUnique; i++)
            {
                if (onFront[i])
                {
                    Array.Copy(unique, i * m, sorted, (r++) * m, m);
                }
            }
        }
        else
        {
            sorted = SortByFirst(loss, n, m);
            count = n;
        }

        double hv = m switch
        {
            2 => Compute2D(sorted, count, reference),
            3 => Compute3D(sorted, count, reference),
            _ => ComputeWfg(sorted, count, m, reference),
        };

        return double.IsFinite(hv) ? hv : double.PositiveInfinity;
    }

    private static double[] SortByFirst(ReadOnlySpan<double> loss, int n, int m)
    {
        var keys = new double[n];
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            keys[i] = loss[i * m];
            order[i] = i;
        }

        Array.Sort(keys, order);
        var sorted = new double[n * m];
        for (int r = 0; r < n; r++)
        {
            loss.Slice(order[r] * m, m).CopyTo(sorted.AsSpan(r * m, m));
        }

        return sorted;
    }

    /// <summary>2-D sweep over points sorted by the first objective (non-dominated, so the second decreases).</summary>
    private static double Compute2D(double[] sorted, int n, ReadOnlySpan<double> reference)
    {
        double hv = 0;
        double diagY = reference[1];
        for (int i = 0; i < n; i++)
        {
            double x = sorted[i * 2], y = sorted[(i * 2) + 1];
            hv += (reference[0] - x) * (diagY - y);
            diagY = y;
        }

        return hv;
    }

    /// <summary>
    /// 3-D in O(n²): on the grid of sorted x and y coordinates, the dominated height of each cell is the largest
    /// (ref_z − z) over points no larger in x and y (a 2-D running maximum).
    /// </summary>
    private static double Compute3D(double[] sorted, int n, ReadOnlySpan<double> reference)
    {
        var yKeys = new double[n];
        var yOrder = new int[n];
        for (int i = 0; i < n; i++)
        {
            yKeys[i] = sorted[(i * 3) + 1];
            yOrder[i] = i;
        }

        Array.Sort(yKeys, yOrder);
        var yRank = new int[n];
        for (int j = 0; j < n; j++)
        {
            yRank[yOrder[j]] = j;
        }

        var yDelta = new double[n];
        for (int j = 0; j < n; j++)
        {
            yDelta[j] = (j + 1 < n ? yKeys[j + 1] : reference[1]) - yKeys[j];
        }

        // Row i of the running maximum covers points 0..i (sorted by x).
        var colMax = new double[n];
        double hv = 0;
        for (int i = 0; i < n; i++)
        {
            int j0 = yRank[i];
            double height = reference[2] - sorted[(i * 3) + 2];
            if (height > colMax[j0])
            {
                colMax[j0] = height;
            }

            double xDelta = (i + 1 < n ? sorted[(i + 1) * 3] : reference[0]) - sorted[i * 3];
            double running = 0, area = 0;
            for (int j = 0; j < n; j++)
            {
                if (colMax[j] > running)
                {
                    running = colMax[j];
                }

                area += running * yDelta[j];
            }

            hv += area * xDelta;
        }

        return hv;
    }

    /// <summary>WFG: the hypervolume is the sum of exclusive contributions of points sorted by the first objective.</summary>
    private static double ComputeWfg(double[] sorted, int n, int m, ReadOnlySpan<double> reference)
    {
        if (n == 1)
        {
            double v = 1;
            for (int j = 0; j < m; j++)
            {
                v *= reference[j] - sorted[j];
            }

            return v;
        }

        if (n == 2)
        {
            double hv1 = 1, hv2 = 1, inter = 1;
            for (int j = 0; j < m; j++)
            {
                hv1 *= reference[j] - sorted[j];
                hv2 *= reference[j] - sorted[m + j];
                inter *= reference[j] - Math.Max(sorted[j], sorted[m + j]);
            }

            return hv1 + hv2 - inter;
        }

        var inclusive = new double[n];
        for (int i = 0; i < n; i++)
        {
            double v = 1;
            for (int j = 0; j < m; j++)
            {
                v *= reference[j] - sorted[(i * m) + j];
            }

            inclusive[i] = v;
        }

        double total = inclusive[n - 1];
        var limited = new double[n * m];
        for (int i = 0; i < n - 1; i++)
        {
            int count = n - i - 1;
            for (int r = 0; r < count; r++)
            {
                int other = i + 1 + r;
                for (int j = 0; j < m; j++)
                {
                    limited[(r * m) + j] = Math.Max(sorted[(i * m) + j], sorted[(other * m) + j]);
                }
            }

            total += ExclusiveHv(limited, count, m, inclusive[i], reference);
        }

        return total;
    }

    private static double ExclusiveHv(double[] limited, int count, int m, double inclusive, ReadOnlySpan<double> reference)
    {
        if (count <= 3)
        {
            return inclusive - ComputeWfg(limited.AsSpan(0, count * m).ToArray(), count, m, reference);
        }

        // The limited points stay sorted by the first objective; dropping the dominated ones (and repeats) only
        // speeds up the recursion.
        var onFront = NonDominatedSorting.ParetoFrontOfSorted(limited.AsSpan(0, count * m), count, m);
        int kept = 0;
        foreach (bool b in onFront)
        {
            kept += b ? 1 : 0;
        }

        var front = new double[kept * m];
        int r = 0;
        for (int i = 0; i < count; i++)
        {
            if (onFront[i])
            {
                Array.Copy(limited, i * m, front, (r++) * m, m);
            }
        }

        return inclusive - ComputeWfg(front, kept, m, reference);
    }

    /// <summary>
    /// Greedy hypervolume subset selection of row-major points (Optuna's <c>_solve_hssp</c>); returns entries of
    /// <paramref name="indices"/>.
    /// </summary>
    internal static int[] SolveHssp(double[] loss, int n, int m, int[] indices, int subsetSize, ReadOnlySpan<double> reference)
    {
        if (subsetSize == n)
        {
            return (int[])indices.Clone();
        }

        var (unique, nUnique, _) = NonDominatedSorting.UniqueRows(loss, n, m, out int[] firstIndex);
        if (nUnique < subsetSize)
        {
            var chosen = new bool[n];
            foreach (int f in firstIndex)
            {
                chosen[f] = true;
            }

            int extra = subsetSize - nUnique;
            for (int i = 0; i < n && extra > 0; i++)
            {
                if (!chosen[i])
                {
                    chosen[i] = true;
                    extra--;
                }
            }

            var result = new List<int>(subsetSize);
            for (int i = 0; i < n; i++)
            {
                if (chosen[i])
                {
                    result.Add(indices[i]);
                }
            }

            return [.. result];
        }

        var selected = SolveOnUnique(unique, nUnique, m, firstIndex, subsetSize, reference);
        var mapped = new int[selected.Length];
        for (int i = 0; i < selected.Length; i++)
        {
            mapped[i] = indices[selected[i]];
        }

        return mapped;
    }

    private static int[] SolveOnUnique(double[] loss, int n, int m, int[] indices, int subsetSize, ReadOnlySpan<double> reference)
    {
        foreach (double r in reference)
        {
            if (!double.IsFinite(r))
            {
                return indices[..subsetSize];
            }
        }

        if (n == subsetSize)
        {
            return indices;
        }

        return m == 2 ? SolveHssp2D(loss, n, indices, subsetSize, reference) : SolveHsspLazy(loss, n, m, indices, subsetSize, reference);
    }

    /// <summary>Exact greedy contributions in 2-D for lexicographically sorted, mutually non-dominated points.</summary>
    private static int[] SolveHssp2D(double[] loss, int n, int[] indices, int subsetSize, ReadOnlySpan<double> reference)
    {
        var alive = new List<int>(n);
        var diagX = new List<double>(n);
        var diagY = new List<double>(n);
        for (int i = 0; i < n; i++)
        {
            alive.Add(i);
            diagX.Add(reference[0]);
            diagY.Add(reference[1]);
        }

        var selected = new int[subsetSize];
        for (int s = 0; s < subsetSize; s++)
        {
            int best = 0;
            double bestContrib = double.NegativeInfinity;
            for (int p = 0; p < alive.Count; p++)
            {
                int i = alive[p];
                double c = (diagX[p] - loss[i * 2]) * (diagY[p] - loss[(i * 2) + 1]);
                if (double.IsNaN(c))
                {
                    // numpy's argmax: the first NaN wins.
                    best = p;
                    break;
                }

                if (c > bestContrib)
                {
                    bestContrib = c;
                    best = p;
                }
            }

            int chosen = alive[best];
            selected[s] = indices[chosen];
            double lx = loss[chosen * 2], ly = loss[(chosen * 2) + 1];
            alive.RemoveAt(best);
            diagX.RemoveAt(best);
            diagY.RemoveAt(best);
            for (int p = 0; p < best; p++)
            {
                diagX[p] = Math.Min(lx, diagX[p]);
            }

            for (int p = best; p < alive.Count; p++)
            {
                diagY[p] = Math.Min(ly, diagY[p]);
            }
        }

        return selected;
    }

    /// <summary>Greedy selection with lazy contribution updates (submodularity bounds) for 3 or more objectives.</summary>
    private static int[] SolveHsspLazy(double[] loss, int n, int m, int[] indices, int subsetSize, ReadOnlySpan<double> reference)
    {
        var contribs = new List<double>(n);
        var alive = new List<int>(n);
        for (int i = 0; i < n; i++)
        {
            double v = 1;
            for (int j = 0; j < m; j++)
            {
                v *= reference[j] - loss[(i * m) + j];
            }

            contribs.Add(v);
            alive.Add(i);
        }

        var selected = new int[subsetSize];
        var selectedVecs = new double[(subsetSize + 1) * m];
        double hv = 0;
        for (int k = 0; k < subsetSize; k++)
        {
            int best = ArgMax(contribs);
            hv += contribs[best];
            int chosen = alive[best];
            selected[k] = indices[chosen];
            Array.Copy(loss, chosen * m, selectedVecs, k * m, m);
            contribs.RemoveAt(best);
            alive.RemoveAt(best);
            if (k == subsetSize - 1)
            {
                break;
            }

            LazyUpdate(contribs, alive, loss, m, selectedVecs, k + 1, reference, hv);
        }

        return selected;
    }

    private static int ArgMax(List<double> values)
    {
        int best = 0;
        for (int i = 0; i < values.Count; i++)
        {
            if (double.IsNaN(values[i]))
            {
                return i;
            }

            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static void LazyUpdate(List<double> contribs, List<int> alive, double[] loss, int m, double[] selectedVecs, int nSelected, ReadOnlySpan<double> reference, double hvSelected)
    {
        int count = alive.Count;
        if (double.IsInfinity(hvSelected))
        {
            for (int i = 0; i < count; i++)
            {
                contribs[i] = double.PositiveInfinity;
            }

            return;
        }

        var inclusive = new double[count];
        int lastSelected = (nSelected - 1) * m;
        for (int i = 0; i < count; i++)
        {
            int p = alive[i] * m;
            double incl = 1, inter = 1;
            for (int j = 0; j < m; j++)
            {
                incl *= reference[j] - loss[p + j];
                inter *= reference[j] - Math.Max(loss[p + j], selectedVecs[lastSelected + j]);
            }

            inclusive[i] = incl;

            // Upper bound from submodularity: the contribution against the latest selected point alone.
            contribs[i] = Math.Min(contribs[i], incl - inter);
        }

        var order = new int[count];
        var keys = new double[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
            keys[i] = -contribs[i];
        }

        Internal.StableSort.Sort(keys, order);
        double maxContrib = 0;
        bool fast = m <= 3;
        var intersec = fast ? null : new double[nSelected * m];
        foreach (int i in order)
        {
            if (double.IsInfinity(inclusive[i]))
            {
                contribs[i] = double.PositiveInfinity;
                maxContrib = double.PositiveInfinity;
                continue;
            }

            if (contribs[i] < maxContrib)
            {
                continue;
            }

            int p = alive[i] * m;
            if (fast)
            {
                Array.Copy(loss, p, selectedVecs, nSelected * m, m);
                double hvPlus = Compute(selectedVecs.AsSpan(0, (nSelected + 1) * m), nSelected + 1, reference, assumePareto: true);
                contribs[i] = hvPlus - hvSelected;
            }
            else
            {
                for (int s = 0; s < nSelected; s++)
                {
                    for (int j = 0; j < m; j++)
                    {
                        intersec![(s * m) + j] = Math.Max(loss[p + j], selectedVecs[(s * m) + j]);
                    }
                }

                contribs[i] = inclusive[i] - Compute(intersec, nSelected, reference, assumePareto: false);
            }

            maxContrib = Math.Max(contribs[i], maxContrib);
        }
    }

}
