using System.Globalization;
using System.Text;
using MathNet.Numerics.Random;
using Sharptune.Internal;
using Sharptune.Storages;

namespace Sharptune.Samplers;

/// <summary>
/// Enumerates every combination of a define-by-run search space, conditional parameters included (Optuna's
/// <c>BruteForceSampler</c>). The trials seen so far form a tree: each level is a parameter, each branch one of its
/// candidate values, and a finished trial marks the end of its path as visited. A new value is drawn among the
/// branches that still hold unvisited combinations, and the study stops once none is left. Integer and
/// categorical parameters enumerate every value; floating-point parameters need a step and enumerate
/// <c>low + k·step</c> in decimal arithmetic. FAIL and PRUNED trials count as visited, as in Optuna.
/// </summary>
/// <remarks>
/// The tree is kept between trials and extended with the trials that finished since, so a trial costs time in
/// proportion to the new trials rather than to the whole study. When a trial that ended early (failed or pruned
/// before its last suggestion) is later continued deeper by another trial, its path is treated as unfinished rather
/// than as an error. Parameters must be suggested in an order that depends only on the values suggested before
/// them; otherwise the sampler reports the mismatch as Optuna does.
/// </remarks>
public sealed class BruteForceSampler : ISampler
{
    private readonly bool _avoidPrematureStop;
    private readonly Lock _lock = new();
    private readonly Dictionary<Distribution, Candidates> _candidates = [];
    private Xoshiro256StarStar _rng;

    /// <summary>Initializes a new instance of the <see cref="BruteForceSampler"/> class.</summary>
    /// <param name="seed">The seed of the order in which branches are visited; <see langword="null"/> for a random one.</param>
    /// <param name="avoidPrematureStop">
    /// When <see langword="true"/>, branches that running trials are exploring still count as unvisited, so the study
    /// stops only after they finish and reveal their whole subtree (a strictly exhaustive search, with more duplicates
    /// in parallel runs). When <see langword="false"/> (the default), they count as visited.
    /// </param>
    public BruteForceSampler(int? seed = null, bool avoidPrematureStop = false)
    {
        _avoidPrematureStop = avoidPrematureStop;
        _rng = seed is { } s ? new Xoshiro256StarStar(s, threadSafe: false) : new Xoshiro256StarStar(threadSafe: false);
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial) => FrozenTrial.EmptyDistributions;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace) => FrozenTrial.EmptyInternal;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">
    /// A floating-point distribution has no step, or the trials disagree on which parameter or which range comes at
    /// the same place of the tree.
    /// </exception>
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(paramName);
        ArgumentNullException.ThrowIfNull(distribution);
        lock (_lock)
        {
            var candidates = GetCandidates(distribution);
            var tree = GetTree(study);
            var running = Update(study, tree, trial.Number);

            // Walk the values this trial already has; leaving the grid (an enqueued off-grid value) leaves the tree.
            Node? node = tree.Root;
            foreach (var (name, dist) in trial.Distributions)
            {
                node = Step(node, name, GetCandidates(dist), trial.InternalParams[name]);
                if (node is null)
                {
                    break;
                }
            }

            node ??= new Node(null, 0);
            Expand(node, paramName, candidates);
            long index = PickChild(node, running, tree.Epoch);
            return candidates.ValueAt(index);
        }
    }

    /// <summary>Records the trial as visited and stops the study when no combination is left.</summary>
    /// <param name="study">The study.</param>
    /// <param name="trial">The trial.</param>
    /// <param name="state">The final state.</param>
    /// <param name="values">The final values.</param>
    public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        lock (_lock)
        {
            var tree = GetTree(study);
            var running = Update(study, tree, trial.Number);
            if (AddPath(tree.Root, trial) is { } end)
            {
                SetLeaf(end);
            }

            tree.Recorded.Add(trial.Number);
            long left = tree.Root.Unexpanded;
            if (!_avoidPrematureStop)
            {
                var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
                foreach (var r in running)
                {
                    if (r.IsUnexpanded && seen.Add(r))
                    {
                        left--;
                    }
                }
            }

            if (left <= 0)
            {
                study.StopFromComponent();
            }
        }
    }

    /// <inheritdoc/>
    public void Reseed()
    {
        lock (_lock)
        {
            _rng = new Xoshiro256StarStar(threadSafe: false);
        }
    }

    private SearchTree GetTree(Study study) => study.History.StateFor(this, static _ => new SearchTree());

    /// <summary>
    /// Adds the trials finished since the last call (from the study's history) to the tree and marks where the
    /// running ones (other than the current trial) stand; returns those marks.
    /// </summary>
    private List<Node> Update(Study study, SearchTree tree, int currentNumber)
    {
        var history = study.History;
        history.Refresh(currentNumber);
        var fresh = history.FinishedSince(tree.Cursor);
        tree.Cursor += fresh.Length;
        var running = new List<Node>();
        tree.Epoch++;
        foreach (var t in fresh)
        {
            // AfterTrial records the trial it is told about before the history learns it.
            if (!tree.Recorded.Remove(t.Number) && AddPath(tree.Root, t) is { } end)
            {
                SetLeaf(end);
            }
        }

        foreach (var t in history.Running)
        {
            if (t.State == TrialState.Running && t.Number != currentNumber && AddPath(tree.Root, t) is { } end)
            {
                end.RunningMark = tree.Epoch;
                running.Add(end);
            }
        }

        return running;
    }

    /// <summary>Adds a trial's path to the tree; returns the node where it ends, or null when it leaves the grid.</summary>
    private Node? AddPath(Node root, FrozenTrial trial)
    {
        Node? node = root;
        foreach (var (name, dist) in trial.Distributions)
        {
            node = Step(node, name, GetCandidates(dist), trial.InternalParams[name]);
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    private static Node? Step(Node node, string name, Candidates candidates, double value)
    {
        Expand(node, name, candidates);
        long index = candidates.IndexOf(value);
        if (index < 0)
        {
            return null;
        }

        if (!node.Children!.TryGetValue(index, out var child))
        {
            child = new Node(node, index);
            node.Children[index] = child;
        }

        return child;
    }

    /// <summary>Makes <paramref name="node"/> the place of <paramref name="name"/>, or checks that it already is.</summary>
    private static void Expand(Node node, string name, Candidates candidates)
    {
        if (node.Candidates is { } existing)
        {
            if (!string.Equals(node.ParamName, name, StringComparison.Ordinal))
            {
                throw new ArgumentException($"param_name mismatch: {node.ParamName} != {name}");
            }

            if (!existing.Equals(candidates))
            {
                throw new ArgumentException($"search_space mismatch in {name}: {existing.Repr()} != {candidates.Repr()}");
            }

            return;
        }

        // An unexpanded node held one unvisited combination; a leaf held none (a trial that ended early here).
        long before = node.Unexpanded;
        node.ParamName = name;
        node.Candidates = candidates;
        node.Children = [];
        node.IsLeaf = false;
        node.Unexpanded = candidates.Count;
        Propagate(node.Parent, candidates.Count - before);
    }

    private static void SetLeaf(Node node)
    {
        // A path that stops at an internal node belongs to a trial that ended before its last suggestion: other
        // trials went deeper, so it does not close the subtree.
        if (node.Candidates is not null || node.IsLeaf)
        {
            return;
        }

        node.IsLeaf = true;
        node.Unexpanded = 0;
        Propagate(node.Parent, -1);
    }

    private static void Propagate(Node? node, long delta)
    {
        for (; node is not null; node = node.Parent)
        {
            node.Unexpanded += delta;
        }
    }

    /// <summary>
    /// Draws a child of <paramref name="node"/>: half by the number of unvisited combinations below each child, half
    /// uniformly over the children with any, avoiding branches that running trials are on while others remain
    /// (Optuna's weighting). With nothing left, any candidate.
    /// </summary>
    private long PickChild(Node node, List<Node> running, int epoch)
    {
        var candidates = node.Candidates!;
        var children = node.Children!;
        var keys = new long[children.Count];
        children.Keys.CopyTo(keys, 0);
        Array.Sort(keys);
        var counts = new long[keys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            counts[i] = children[keys[i]].Unexpanded;
        }

        if (!_avoidPrematureStop)
        {
            var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
            foreach (var r in running)
            {
                if (!r.IsUnexpanded || !seen.Add(r))
                {
                    continue;
                }

                var x = r;
                while (x.Parent is not null && !ReferenceEquals(x.Parent, node))
                {
                    x = x.Parent;
                }

                if (ReferenceEquals(x.Parent, node))
                {
                    counts[Array.BinarySearch(keys, x.IndexInParent)]--;
                }
            }
        }

        long unmaterialized = candidates.Count - keys.Length;
        long total = unmaterialized;
        long positive = unmaterialized;
        foreach (long c in counts)
        {
            total += c;
            positive += c > 0 ? 1 : 0;
        }

        if (total <= 0)
        {
            return _rng.NextInt64(candidates.Count);
        }

        var weights = new double[keys.Length];
        bool anyIdleBranch = unmaterialized > 0;
        for (int i = 0; i < keys.Length; i++)
        {
            weights[i] = counts[i] > 0 ? (0.5 * counts[i] / total) + (0.5 / positive) : 0.0;
            anyIdleBranch |= weights[i] > 0 && children[keys[i]].RunningMark != epoch;
        }

        double weightUnmaterialized = (0.5 / total) + (0.5 / positive);
        double sum = unmaterialized * weightUnmaterialized;
        for (int i = 0; i < keys.Length; i++)
        {
            if (anyIdleBranch && children[keys[i]].RunningMark == epoch)
            {
                weights[i] = 0.0;
            }

            sum += weights[i];
        }

        double r0 = _rng.NextDouble() * sum;
        double acc = 0.0;
        int lastPositive = -1;
        for (int i = 0; i < keys.Length; i++)
        {
            if (weights[i] <= 0)
            {
                continue;
            }

            lastPositive = i;
            acc += weights[i];
            if (r0 < acc)
            {
                return keys[i];
            }
        }

        if (unmaterialized == 0)
        {
            return keys[lastPositive];
        }

        // The j-th candidate index that no trial has reached yet.
        long j = Math.Clamp((long)((r0 - acc) / weightUnmaterialized), 0, unmaterialized - 1);
        long index = j;
        foreach (long key in keys)
        {
            if (key <= index)
            {
                index++;
            }
            else
            {
                break;
            }
        }

        return index;
    }

    private Candidates GetCandidates(Distribution distribution)
    {
        if (!_candidates.TryGetValue(distribution, out var candidates))
        {
            if (_candidates.Count >= 4096)
            {
                _candidates.Clear();
            }

            candidates = Candidates.Of(distribution);
            _candidates[distribution] = candidates;
        }

        return candidates;
    }

    /// <summary>The tree of one study and how far its trials have been read.</summary>
    private sealed class SearchTree
    {
        public Node Root { get; } = new(null, 0);

        /// <summary>Gets or sets how many of the history's finished trials the tree holds.</summary>
        public int Cursor { get; set; }

        /// <summary>Gets the numbers of trials recorded by AfterTrial that the history has not handed over yet.</summary>
        public HashSet<int> Recorded { get; } = [];

        /// <summary>Gets or sets the stamp of the latest <see cref="Update"/>, which marks the running trials' nodes.</summary>
        public int Epoch { get; set; }
    }

    /// <summary>
    /// A node of the tree: unexpanded (nothing known below it), a leaf (a finished trial ended here) or internal (a
    /// parameter with one branch per candidate; branches nobody reached are not materialized).
    /// </summary>
    private sealed class Node(Node? parent, long indexInParent)
    {
        public Node? Parent { get; } = parent;

        public long IndexInParent { get; } = indexInParent;

        public string? ParamName { get; set; }

        public Candidates? Candidates { get; set; }

        public Dictionary<long, Node>? Children { get; set; }

        public bool IsLeaf { get; set; }

        /// <summary>Gets or sets the number of unexpanded nodes in the subtree, missing branches included.</summary>
        public long Unexpanded { get; set; } = 1;

        public int RunningMark { get; set; }

        public bool IsUnexpanded => Candidates is null && !IsLeaf;
    }

    /// <summary>The candidate values of a distribution, indexed from 0 (Optuna's <c>(low, high, step)</c> key).</summary>
    private sealed class Candidates : IEquatable<Candidates>
    {
        private readonly double _low;
        private readonly double _high;
        private readonly double _step;
        private readonly bool _integral;
        private readonly decimal? _decimalLow;
        private readonly decimal _decimalStep;

        private Candidates(double low, double high, double step, bool integral)
        {
            _low = low;
            _high = high;
            _step = step;
            _integral = integral;
            if (integral)
            {
                try
                {
                    Count = checked((((long)high - (long)low) / (long)step) + 1);
                }
                catch (OverflowException)
                {
                    throw TooMany();
                }

                return;
            }

            if (Distribution.TryToDecimal(low, out decimal l) && Distribution.TryToDecimal(high, out decimal h) && Distribution.TryToDecimal(step, out decimal s))
            {
                _decimalLow = l;
                _decimalStep = s;
                decimal n = decimal.Floor((h - l) / s);
                Count = n >= long.MaxValue ? throw TooMany() : (long)n + 1;
            }
            else
            {
                double n = Math.Floor(((high - low) / step) + 1e-9);
                Count = n >= long.MaxValue ? throw TooMany() : (long)n + 1;
            }
        }

        public long Count { get; }

        public static Candidates Of(Distribution distribution) => distribution switch
        {
            IntDistribution i => new Candidates(i.Low, i.High, i.Step, integral: true),
            CategoricalDistribution c => new Candidates(0, c.Choices.Count - 1, 1, integral: true),
            FloatDistribution { Step: { } step } f => new Candidates(f.Low, f.High, step, integral: false),
            FloatDistribution => throw new ArgumentException(
                "FloatDistribution.step must be given for BruteForceSampler (otherwise, the search space will be infinite)."),
            _ => throw new ArgumentException($"BruteForceSampler does not support {distribution.GetType().Name}."),
        };

        public double ValueAt(long index)
        {
            if (_integral)
            {
                return _low + (index * _step);
            }

            return _decimalLow is { } l ? (double)(l + (index * _decimalStep)) : _low + (index * _step);
        }

        /// <summary>Returns the index of a value on the grid (within 1e-8 step for floats), or -1.</summary>
        public long IndexOf(double value)
        {
            double k = (value - _low) / _step;
            double rounded = Math.Round(k);
            bool onGrid = _integral ? k == rounded : Math.Abs(k - rounded) < 1e-8;
            return onGrid && rounded >= 0 && rounded < Count ? (long)rounded : -1;
        }

        public string Repr()
        {
            var sb = new StringBuilder("[");
            for (long i = 0; i < Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(", ");
                }

                double v = ValueAt(i);
                if (_integral)
                {
                    sb.Append(((long)v).ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    PyFormat.AppendFloatRepr(sb, v);
                }
            }

            return sb.Append(']').ToString();
        }

        public bool Equals(Candidates? other) =>
            other is not null && other._low.Equals(_low) && other._high.Equals(_high) && other._step.Equals(_step);

        public override bool Equals(object? obj) => Equals(obj as Candidates);

        public override int GetHashCode() => HashCode.Combine(_low, _high, _step);

        private static ArgumentException TooMany() =>
            new("The distribution has too many candidate values for BruteForceSampler.");
    }
}
