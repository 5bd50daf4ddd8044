namespace Sharptune.Importance;

/// <summary>
/// A random forest of exact CART regression trees, built the way scikit-learn's <c>RandomForestRegressor</c> builds
/// them with Optuna's settings: every tree is grown on a bootstrap sample (the duplicates become sample weights), each
/// node tries every feature in a random order and takes the best split over the midpoints between consecutive distinct
/// values (the mean squared error criterion; the first of equally good splits wins), and a node stops splitting at the
/// depth limit, when it holds one distinct sample, when its targets are constant, or when no feature varies.
/// Features are rounded to single precision first, as scikit-learn does; values closer than 1e-7 count as equal.
/// </summary>
/// <remarks>
/// Random streams differ from NumPy's, so a forest with the same seed is not the same forest as scikit-learn's; the
/// splitting rules and thus the distribution of forests are the same.
/// </remarks>
internal sealed class RegressionForest
{
    private const double FeatureThreshold = 1e-7;

    /// <summary>The impurity below which a node counts as pure (the machine epsilon of doubles).</summary>
    private const double PureImpurity = 2.220446049250313e-16;

    private RegressionForest(RegressionTree[] trees, int featureCount)
    {
        Trees = trees;
        FeatureCount = featureCount;
    }

    /// <summary>Gets the trees.</summary>
    public RegressionTree[] Trees { get; }

    /// <summary>Gets the number of features.</summary>
    public int FeatureCount { get; }

    /// <summary>Grows a forest.</summary>
    /// <param name="x">The features, row-major (<paramref name="rows"/> × <paramref name="features"/>).</param>
    /// <param name="y">The targets.</param>
    /// <param name="rows">The number of samples.</param>
    /// <param name="features">The number of features.</param>
    /// <param name="treeCount">The number of trees.</param>
    /// <param name="maxDepth">The depth limit (the root has depth 0).</param>
    /// <param name="seed">The seed, or <see langword="null"/> for a random one.</param>
    /// <returns>The forest.</returns>
    public static RegressionForest Fit(double[] x, double[] y, int rows, int features, int treeCount, int maxDepth, int? seed)
    {
        var (columns, sorted) = Presort(x, rows, features);
        var master = seed is { } s ? new Random(s) : new Random();
        var treeSeeds = new int[treeCount];
        for (int t = 0; t < treeCount; t++)
        {
            treeSeeds[t] = master.Next();
        }

        var trees = new RegressionTree[treeCount];
        var builder = new TreeBuilder(columns, sorted, y, rows, features, maxDepth);
        var weights = new int[rows];
        for (int t = 0; t < treeCount; t++)
        {
            // Bootstrap: n draws with replacement; a sample drawn k times has weight k, undrawn samples are left out.
            var random = new Random(treeSeeds[t]);
            Array.Clear(weights);
            for (int i = 0; i < rows; i++)
            {
                weights[random.Next(rows)]++;
            }

            trees[t] = builder.Build(weights, random);
        }

        return new RegressionForest(trees, features);
    }

    /// <summary>Grows one tree on weighted samples (the forest's step after its bootstrap draw).</summary>
    /// <param name="x">The features, row-major.</param>
    /// <param name="y">The targets.</param>
    /// <param name="rows">The number of samples.</param>
    /// <param name="features">The number of features.</param>
    /// <param name="weights">The weight of each sample (0 leaves it out).</param>
    /// <param name="maxDepth">The depth limit.</param>
    /// <param name="random">The stream that orders the features tried at each node.</param>
    /// <returns>The tree.</returns>
    internal static RegressionTree FitTree(double[] x, double[] y, int rows, int features, int[] weights, int maxDepth, Random random)
    {
        var (columns, sorted) = Presort(x, rows, features);
        return new TreeBuilder(columns, sorted, y, rows, features, maxDepth).Build(weights, random);
    }

    /// <summary>
    /// The mean decrease impurity of each feature (scikit-learn's <c>feature_importances_</c>): per tree, the weighted
    /// impurity decrease of its splits on the feature, normalized to sum 1; averaged over the trees that split at all
    /// and normalized again. All zeros when no tree splits.
    /// </summary>
    public double[] FeatureImportances()
    {
        var mean = new double[FeatureCount];
        int used = 0;
        foreach (var tree in Trees)
        {
            if (tree.NodeCount <= 1)
            {
                continue;
            }

            used++;
            var own = tree.FeatureImportances(FeatureCount);
            for (int f = 0; f < FeatureCount; f++)
            {
                mean[f] += own[f];
            }
        }

        if (used == 0)
        {
            return mean;
        }

        double sum = 0;
        for (int f = 0; f < FeatureCount; f++)
        {
            mean[f] /= used;
            sum += mean[f];
        }

        for (int f = 0; f < FeatureCount; f++)
        {
            mean[f] /= sum;
        }

        return mean;
    }

    /// <summary>Column-major single-precision features and, per feature, the samples sorted by value (ties by index).</summary>
    private static (float[] Columns, int[] Sorted) Presort(double[] x, int rows, int features)
    {
        var columns = new float[features * rows];
        for (int i = 0; i < rows; i++)
        {
            for (int f = 0; f < features; f++)
            {
                columns[(f * rows) + i] = (float)x[(i * features) + f];
            }
        }

        var sorted = new int[features * rows];
        var keys = new float[rows];
        for (int f = 0; f < features; f++)
        {
            var order = sorted.AsSpan(f * rows, rows);
            for (int i = 0; i < rows; i++)
            {
                order[i] = i;
            }

            columns.AsSpan(f * rows, rows).CopyTo(keys);
            keys.AsSpan().Sort(order);
            StabilizeTies(columns.AsSpan(f * rows, rows), order);
        }

        return (columns, sorted);
    }

    /// <summary>Orders equal values by sample index (the span sort is not stable), so trees do not depend on it.</summary>
    private static void StabilizeTies(ReadOnlySpan<float> column, Span<int> order)
    {
        int start = 0;
        while (start < order.Length)
        {
            int end = start + 1;
            while (end < order.Length && column[order[end]] == column[order[start]])
            {
                end++;
            }

            if (end - start > 1)
            {
                order[start..end].Sort();
            }

            start = end;
        }
    }

    /// <summary>Grows trees over shared presorted columns; one instance per thread.</summary>
    private sealed class TreeBuilder(float[] columns, int[] sorted, double[] y, int rows, int features, int maxDepth)
    {
        private readonly int[] _weights = new int[rows];
        private readonly int[] _order = new int[features * rows];
        private readonly bool[] _goesLeft = new bool[rows];
        private readonly int[] _buffer = new int[rows];
        private readonly int[] _featureOrder = new int[features];

        public RegressionTree Build(int[] weights, Random random)
        {
            weights.CopyTo(_weights, 0);
            int distinct = 0;
            for (int f = 0; f < features; f++)
            {
                int k = 0;
                var all = sorted.AsSpan(f * rows, rows);
                var mine = _order.AsSpan(f * rows, rows);
                foreach (int i in all)
                {
                    if (_weights[i] > 0)
                    {
                        mine[k++] = i;
                    }
                }

                distinct = k;
            }

            var tree = new RegressionTree(Math.Max(1, (2 * distinct) - 1));
            double w = 0, s = 0, sq = 0;
            for (int k = 0; k < distinct; k++)
            {
                int i = _order[k];
                double wi = _weights[i];
                w += wi;
                s += wi * y[i];
                sq += wi * y[i] * y[i];
            }

            var stack = new Stack<Pending>();
            stack.Push(new Pending(0, distinct, 0, -1, false, (sq / w) - ((s / w) * (s / w)), w, s, sq));
            while (stack.Count > 0)
            {
                var node = stack.Pop();
                int id = tree.AddNode(node.Weight, node.Impurity, node.Sum / node.Weight);
                if (node.Parent >= 0)
                {
                    if (node.IsLeft)
                    {
                        tree.Left[node.Parent] = id;
                    }
                    else
                    {
                        tree.Right[node.Parent] = id;
                    }
                }

                int count = node.End - node.Start;
                if (node.Depth >= maxDepth || count < 2 || node.Impurity <= PureImpurity)
                {
                    continue;
                }

                if (!FindSplit(random, node, out int feature, out int position, out double threshold))
                {
                    continue;
                }

                tree.Feature[id] = feature;
                tree.Threshold[id] = threshold;
                Partition(feature, node.Start, position, node.End);
                var (lw, ls, lsq) = Sums(node.Start, position);
                double rw = node.Weight - lw, rs = node.Sum - ls, rsq = node.SquareSum - lsq;
                double leftImpurity = (lsq / lw) - ((ls / lw) * (ls / lw));
                double rightImpurity = (rsq / rw) - ((rs / rw) * (rs / rw));

                // The right child is pushed first so that the left one is numbered next (depth-first, pre-order).
                stack.Push(new Pending(position, node.End, node.Depth + 1, id, false, rightImpurity, rw, rs, rsq));
                stack.Push(new Pending(node.Start, position, node.Depth + 1, id, true, leftImpurity, lw, ls, lsq));
            }

            return tree;
        }

        private bool FindSplit(Random random, Pending node, out int bestFeature, out int bestPosition, out double bestThreshold)
        {
            for (int f = 0; f < features; f++)
            {
                _featureOrder[f] = f;
            }

            random.Shuffle(_featureOrder);
            bestFeature = -1;
            bestPosition = -1;
            bestThreshold = 0;
            double best = double.NegativeInfinity;
            foreach (int f in _featureOrder)
            {
                var column = columns.AsSpan(f * rows, rows);
                var order = _order.AsSpan((f * rows) + node.Start, node.End - node.Start);
                if (column[order[^1]] <= column[order[0]] + FeatureThreshold)
                {
                    continue;
                }

                double lw = 0, ls = 0;
                for (int p = 0; p < order.Length - 1; p++)
                {
                    int i = order[p];
                    double wi = _weights[i];
                    lw += wi;
                    ls += wi * y[i];
                    float here = column[i], next = column[order[p + 1]];
                    if (next <= here + FeatureThreshold)
                    {
                        continue;
                    }

                    double rw = node.Weight - lw, rs = node.Sum - ls;
                    double proxy = (ls * ls / lw) + (rs * rs / rw);
                    if (proxy > best)
                    {
                        best = proxy;
                        bestFeature = f;
                        bestPosition = node.Start + p + 1;
                        double threshold = (here / 2.0) + (next / 2.0);
                        bestThreshold = threshold == next || double.IsInfinity(threshold) ? here : threshold;
                    }
                }
            }

            return bestFeature >= 0;
        }

        /// <summary>Moves the samples left of the split to the front of the node's range in every feature's order.</summary>
        private void Partition(int feature, int start, int position, int end)
        {
            var chosen = _order.AsSpan((feature * rows) + start, end - start);
            for (int p = 0; p < chosen.Length; p++)
            {
                _goesLeft[chosen[p]] = p < position - start;
            }

            for (int f = 0; f < features; f++)
            {
                if (f == feature)
                {
                    continue;
                }

                var order = _order.AsSpan((f * rows) + start, end - start);
                int left = 0, right = 0;
                foreach (int i in order)
                {
                    if (_goesLeft[i])
                    {
                        order[left++] = i;
                    }
                    else
                    {
                        _buffer[right++] = i;
                    }
                }

                _buffer.AsSpan(0, right).CopyTo(order[left..]);
            }
        }

        private (double Weight, double Sum, double SquareSum) Sums(int start, int end)
        {
            double w = 0, s = 0, sq = 0;
            foreach (int i in _order.AsSpan(start, end - start))
            {
                double wi = _weights[i];
                w += wi;
                s += wi * y[i];
                sq += wi * y[i] * y[i];
            }

            return (w, s, sq);
        }

        private readonly record struct Pending(int Start, int End, int Depth, int Parent, bool IsLeft, double Impurity, double Weight, double Sum, double SquareSum);
    }
}

/// <summary>One regression tree as parallel node arrays (children −1 at leaves).</summary>
internal sealed class RegressionTree
{
    public RegressionTree(int capacity)
    {
        Feature = new int[capacity];
        Threshold = new double[capacity];
        Left = new int[capacity];
        Right = new int[capacity];
        Value = new double[capacity];
        Impurity = new double[capacity];
        Weight = new double[capacity];
    }

    /// <summary>Gets the number of nodes.</summary>
    public int NodeCount { get; private set; }

    /// <summary>Gets the split feature of each node (−1 at leaves).</summary>
    public int[] Feature { get; }

    /// <summary>Gets the split threshold of each node: samples with a value ≤ it go left.</summary>
    public double[] Threshold { get; }

    /// <summary>Gets the left child of each node (−1 at leaves).</summary>
    public int[] Left { get; }

    /// <summary>Gets the right child of each node (−1 at leaves).</summary>
    public int[] Right { get; }

    /// <summary>Gets the weighted mean target of each node.</summary>
    public double[] Value { get; }

    /// <summary>Gets the weighted target variance (MSE impurity) of each node.</summary>
    public double[] Impurity { get; }

    /// <summary>Gets the total sample weight of each node.</summary>
    public double[] Weight { get; }

    /// <summary>
    /// The weighted impurity decrease of the splits on each feature, relative to the root's weight and normalized to
    /// sum 1 (all zeros when the tree does not split).
    /// </summary>
    public double[] FeatureImportances(int featureCount)
    {
        var importances = new double[featureCount];
        for (int node = 0; node < NodeCount; node++)
        {
            int left = Left[node];
            if (left >= 0)
            {
                int right = Right[node];
                importances[Feature[node]] += (Weight[node] * Impurity[node]) - (Weight[left] * Impurity[left]) - (Weight[right] * Impurity[right]);
            }
        }

        double total = 0;
        for (int f = 0; f < featureCount; f++)
        {
            importances[f] /= Weight[0];
            total += importances[f];
        }

        if (total > 0)
        {
            for (int f = 0; f < featureCount; f++)
            {
                importances[f] /= total;
            }
        }

        return importances;
    }

    /// <summary>Predicts a target (features row as doubles, compared in single precision as they were fitted).</summary>
    public double Predict(ReadOnlySpan<double> row)
    {
        int node = 0;
        while (Left[node] >= 0)
        {
            node = (float)row[Feature[node]] <= Threshold[node] ? Left[node] : Right[node];
        }

        return Value[node];
    }

    internal int AddNode(double weight, double impurity, double value)
    {
        int id = NodeCount++;
        Feature[id] = -1;
        Left[id] = -1;
        Right[id] = -1;
        Weight[id] = weight;
        Impurity[id] = impurity;
        Value[id] = value;
        return id;
    }
}
