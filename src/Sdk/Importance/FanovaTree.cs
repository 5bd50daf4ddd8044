namespace Sharptune.Importance;

/// <summary>
/// The functional ANOVA decomposition of one regression tree over a box-shaped search space (Hutter et al., 2014):
/// the tree's total variance over the uniform distribution on the space, and the variance of its marginal prediction
/// along a group of features (the prediction averaged over all other features).
/// </summary>
/// <remarks>
/// Each leaf is a box. The marginal prediction along a group of features is piecewise constant on the grid cut by the
/// tree's thresholds on those features: in each grid cell it is the average of the values of the leaves whose boxes
/// contain the cell, weighted by their volume along the other features. The variance is taken over the cells weighted
/// by their volume. This computes, leaf by leaf, the same sums as walking the tree once per grid cell.
/// </remarks>
internal sealed class FanovaTree
{
    private readonly int _features;
    private readonly int _leafCount;
    private readonly double[] _leafValue;
    private readonly double[] _leafLow;
    private readonly double[] _leafHigh;
    private readonly double[][] _boundaries;
    private readonly double[] _otherVolume;

    /// <summary>Initializes a new instance of the <see cref="FanovaTree"/> class.</summary>
    /// <param name="tree">The fitted tree.</param>
    /// <param name="bounds">The search space: the low and high of each feature.</param>
    public FanovaTree(RegressionTree tree, (double Low, double High)[] bounds)
    {
        _features = bounds.Length;
        int leaves = 0;
        var thresholds = new SortedSet<double>[_features];
        for (int f = 0; f < _features; f++)
        {
            thresholds[f] = [];
        }

        for (int node = 0; node < tree.NodeCount; node++)
        {
            if (tree.Left[node] < 0)
            {
                leaves++;
            }
            else
            {
                thresholds[tree.Feature[node]].Add(tree.Threshold[node]);
            }
        }

        _boundaries = new double[_features][];
        for (int f = 0; f < _features; f++)
        {
            _boundaries[f] = [bounds[f].Low, .. thresholds[f], bounds[f].High];
        }

        _leafCount = leaves;
        _leafValue = new double[leaves];
        _leafLow = new double[leaves * _features];
        _leafHigh = new double[leaves * _features];
        _otherVolume = new double[leaves];

        // Depth-first walk narrowing the box: left children keep values ≤ the threshold, right ones values above it.
        var low = new double[_features];
        var high = new double[_features];
        for (int f = 0; f < _features; f++)
        {
            (low[f], high[f]) = bounds[f];
        }

        int leaf = 0;
        Walk(tree, 0, low, high, ref leaf);

        // Total variance over the space: leaves weighted by their volume.
        double volumeSum = 0, weighted = 0;
        var volume = new double[leaves];
        for (int l = 0; l < leaves; l++)
        {
            volume[l] = 1;
            for (int f = 0; f < _features; f++)
            {
                volume[l] *= _leafHigh[(l * _features) + f] - _leafLow[(l * _features) + f];
            }

            volumeSum += volume[l];
            weighted += volume[l] * _leafValue[l];
        }

        double mean = weighted / volumeSum;
        double variance = 0;
        for (int l = 0; l < leaves; l++)
        {
            double d = _leafValue[l] - mean;
            variance += volume[l] * d * d;
        }

        Variance = variance / volumeSum;
    }

    /// <summary>Gets the variance of the tree's prediction over the search space.</summary>
    public double Variance { get; }

    /// <summary>The variance of the marginal prediction along the given features (clipped at 0).</summary>
    /// <param name="group">The features (e.g. the one-hot columns of a categorical parameter).</param>
    /// <returns>The marginal variance.</returns>
    public double MarginalVariance(int[] group)
    {
        // Leaf volumes along the features outside the group.
        var inGroup = new bool[_features];
        foreach (int f in group)
        {
            inGroup[f] = true;
        }

        for (int l = 0; l < _leafCount; l++)
        {
            double v = 1;
            for (int f = 0; f < _features; f++)
            {
                if (!inGroup[f])
                {
                    v *= _leafHigh[(l * _features) + f] - _leafLow[(l * _features) + f];
                }
            }

            _otherVolume[l] = v;
        }

        return group.Length == 1 ? MarginalVariance1D(group[0]) : MarginalVarianceND(group);
    }

    private void Walk(RegressionTree tree, int node, double[] low, double[] high, ref int leaf)
    {
        int left = tree.Left[node];
        if (left < 0)
        {
            _leafValue[leaf] = tree.Value[node];
            Array.Copy(low, 0, _leafLow, leaf * _features, _features);
            Array.Copy(high, 0, _leafHigh, leaf * _features, _features);
            leaf++;
            return;
        }

        int f = tree.Feature[node];
        double t = tree.Threshold[node];
        double saved = high[f];
        high[f] = t;
        Walk(tree, left, low, high, ref leaf);
        high[f] = saved;
        saved = low[f];
        low[f] = t;
        Walk(tree, tree.Right[node], low, high, ref leaf);
        low[f] = saved;
    }

    private static double Mid(double[] b, int cell) => 0.5 * (b[cell + 1] + b[cell]);

    private double MarginalVariance1D(int feature)
    {
        var b = _boundaries[feature];
        int cells = b.Length - 1;
        if (cells == 1)
        {
            return 0;
        }

        // Difference arrays of the weighted value sum and the weight over the cells.
        var valueDelta = new double[cells + 1];
        var weightDelta = new double[cells + 1];
        for (int l = 0; l < _leafCount; l++)
        {
            var (first, last) = CellRangeFast(b, _leafLow[(l * _features) + feature], _leafHigh[(l * _features) + feature]);
            if (first > last)
            {
                continue;
            }

            double w = _otherVolume[l];
            valueDelta[first] += w * _leafValue[l];
            valueDelta[last + 1] -= w * _leafValue[l];
            weightDelta[first] += w;
            weightDelta[last + 1] -= w;
        }

        var values = new double[cells];
        var weights = new double[cells];
        double runningValue = 0, runningWeight = 0;
        for (int c = 0; c < cells; c++)
        {
            runningValue += valueDelta[c];
            runningWeight += weightDelta[c];
            values[c] = runningValue / runningWeight;
            weights[c] = runningWeight * (b[c + 1] - b[c]);
        }

        return WeightedVariance(values, weights);
    }

    /// <summary>
    /// The cells [first, last] of a feature's grid whose midpoints lie in a leaf's range (low, high] (or [low, high]
    /// when low is the bound of the space), the way a walk down the tree would route the midpoints.
    /// </summary>
    private static (int First, int Last) CellRangeFast(double[] b, double low, double high)
    {
        int cells = b.Length - 1;
        int first;
        if (low == b[0])
        {
            first = 0;
        }
        else
        {
            // The first cell whose midpoint exceeds low.
            int lo = 0, hi = cells;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (Mid(b, mid) > low)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            first = lo;
        }

        // The last cell whose midpoint is at most high.
        int a = 0, z = cells;
        while (a < z)
        {
            int mid = (a + z) >>> 1;
            if (Mid(b, mid) <= high)
            {
                a = mid + 1;
            }
            else
            {
                z = mid;
            }
        }

        return (first, a - 1);
    }

    private double MarginalVarianceND(int[] group)
    {
        int k = group.Length;
        var sizes = new int[k];
        long total = 1;
        for (int j = 0; j < k; j++)
        {
            sizes[j] = _boundaries[group[j]].Length - 1;
            total *= sizes[j];
        }

        if (total == 1)
        {
            return 0;
        }

        if (total > Array.MaxLength)
        {
            throw new InvalidOperationException($"The marginal grid of {k} features has {total} cells, too many to evaluate.");
        }

        var valueSum = new double[total];
        var weightSum = new double[total];
        var first = new int[k];
        var last = new int[k];
        var index = new int[k];
        for (int l = 0; l < _leafCount; l++)
        {
            bool empty = false;
            for (int j = 0; j < k; j++)
            {
                int f = group[j];
                (first[j], last[j]) = CellRangeFast(_boundaries[f], _leafLow[(l * _features) + f], _leafHigh[(l * _features) + f]);
                empty |= first[j] > last[j];
            }

            if (empty)
            {
                continue;
            }

            double w = _otherVolume[l], wv = w * _leafValue[l];
            Array.Copy(first, index, k);
            while (true)
            {
                long cell = 0;
                for (int j = 0; j < k; j++)
                {
                    cell = (cell * sizes[j]) + index[j];
                }

                valueSum[cell] += wv;
                weightSum[cell] += w;
                int d = k - 1;
                while (d >= 0 && index[d] == last[d])
                {
                    index[d] = first[d];
                    d--;
                }

                if (d < 0)
                {
                    break;
                }

                index[d]++;
            }
        }

        var values = new double[total];
        var weights = new double[total];
        var position = new int[k];
        for (long cell = 0; cell < total; cell++)
        {
            double volume = 1;
            for (int j = 0; j < k; j++)
            {
                var b = _boundaries[group[j]];
                volume *= b[position[j] + 1] - b[position[j]];
            }

            values[cell] = valueSum[cell] / weightSum[cell];
            weights[cell] = weightSum[cell] * volume;
            for (int d = k - 1; d >= 0; d--)
            {
                if (++position[d] < sizes[d])
                {
                    break;
                }

                position[d] = 0;
            }
        }

        return WeightedVariance(values, weights);
    }

    private static double WeightedVariance(double[] values, double[] weights)
    {
        double weightSum = 0, weighted = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (weights[i] != 0)
            {
                weightSum += weights[i];
                weighted += weights[i] * values[i];
            }
        }

        double mean = weighted / weightSum;
        double variance = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (weights[i] != 0)
            {
                double d = values[i] - mean;
                variance += weights[i] * d * d;
            }
        }

        return Math.Max(0, variance / weightSum);
    }
}
