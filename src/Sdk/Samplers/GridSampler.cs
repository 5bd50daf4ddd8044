using System.Collections;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;
using Sharptune.Internal;
using Sharptune.Storages;

namespace Sharptune.Samplers;

/// <summary>
/// Evaluates every combination of a user-given grid once (Optuna's <c>GridSampler</c>). The grid is the
/// Cartesian product of the candidate lists, parameters sorted by name, shuffled with numpy's MT19937 seeded with
/// <c>seed</c> (0 when absent), so the order is Optuna's. Trial <c>n</c> takes grid point <c>n</c> while
/// <c>n</c> is below <see cref="GridCount"/>; later trials take a random point that is neither finished nor
/// running, or else an unfinished one. The study stops once every point is finished (a FAIL or PRUNED trial counts
/// as finished) and, inside <see cref="Study.Optimize(Func{ITrial, double}, OptimizeOptions?)"/>,
/// as soon as the last point is handed to a trial of this process, so parallel workers do not start duplicates.
/// Each trial records its point in the system attributes <c>grid_id</c> and <c>search_space</c>.
/// </summary>
/// <remarks>
/// The sampler returns the grid value even when it lies outside the suggested range (with a warning), and it does not
/// round it to the step of a discrete suggestion. Enqueued trials must fix every parameter. Candidate values must be
/// JSON-compatible — <see langword="null"/>, <see cref="bool"/>, integers, floating-point numbers, strings — or enums,
/// which are stored by name.
/// </remarks>
public sealed class GridSampler : ISampler
{
    private const string GridIdKey = "grid_id";
    private const string SearchSpaceKey = "search_space";

    private static readonly Comparison<string> NameOrder = CompareCodePoints;

    private readonly string[] _names;
    private readonly Dictionary<string, int> _nameIndex;
    private readonly object?[][] _values;
    private readonly long[] _strides;
    private readonly int[] _order;
    private readonly ReadOnlyDictionary<string, object?> _searchSpaceAttr;
    private readonly Lock _lock = new();
    private readonly NumpyRandomState _rng;

    /// <summary>Initializes a new instance of the <see cref="GridSampler"/> class.</summary>
    /// <param name="searchSpace">The candidate values of each parameter.</param>
    /// <param name="seed">
    /// The seed of the shuffle (its 32 bits seed numpy's MT19937, as Optuna does); <see langword="null"/> means 0. Give
    /// every process of a distributed study the same seed so that they agree on the order.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="searchSpace"/> or one of its lists is null.</exception>
    /// <exception cref="ArgumentException">A list is empty, a value has an unsupported type, or the grid is too large.</exception>
    public GridSampler(IReadOnlyDictionary<string, IReadOnlyList<object?>> searchSpace, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        _names = [.. searchSpace.Keys];
        Array.Sort(_names, NameOrder);
        _nameIndex = new Dictionary<string, int>(_names.Length, StringComparer.Ordinal);
        for (int i = 0; i < _names.Length; i++)
        {
            _nameIndex[_names[i]] = i;
        }

        _values = new object?[_names.Length][];
        var attr = new Dictionary<string, object?>(_names.Length, StringComparer.Ordinal);
        long count = 1;
        for (int i = 0; i < _names.Length; i++)
        {
            string name = _names[i];
            var candidates = searchSpace[name] ?? throw new ArgumentNullException(nameof(searchSpace), $"The candidates of {name} are null.");
            if (candidates.Count == 0)
            {
                throw new ArgumentException($"The candidates of {name} are empty; every parameter of the grid needs at least one value.", nameof(searchSpace));
            }

            var normalized = new object?[candidates.Count];
            for (int j = 0; j < normalized.Length; j++)
            {
                normalized[j] = Normalize(name, candidates[j]);
            }

            _values[i] = normalized;
            attr[name] = new ReadOnlyCollection<object?>(normalized);
            count *= normalized.Length;
            if (count > Array.MaxLength)
            {
                throw new ArgumentException($"The grid has more than {Array.MaxLength} points, which GridSampler cannot enumerate.", nameof(searchSpace));
            }
        }

        _strides = new long[_names.Length];
        long stride = 1;
        for (int i = _names.Length - 1; i >= 0; i--)
        {
            _strides[i] = stride;
            stride *= _values[i].Length;
        }

        GridCount = (int)count;
        _searchSpaceAttr = new ReadOnlyDictionary<string, object?>(attr);
        SearchSpace = new ReadOnlyDictionary<string, IReadOnlyList<object?>>(
            _names.ToDictionary(n => n, n => (IReadOnlyList<object?>)attr[n]!, StringComparer.Ordinal));
        _order = new int[GridCount];
        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }

        _rng = new NumpyRandomState(unchecked((uint)(seed ?? 0)));
        _rng.Shuffle(_order);
    }

    /// <summary>Gets the number of grid points (the product of the candidate counts).</summary>
    public int GridCount { get; }

    /// <summary>Gets the search space: parameter names in sorted order, values normalized to JSON-compatible types.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<object?>> SearchSpace { get; }

    /// <summary>Returns the values of one grid point, by parameter name (<c>grid_id</c> order, as Optuna's).</summary>
    /// <param name="gridId">The grid id, from 0 to <see cref="GridCount"/> − 1.</param>
    /// <returns>The values of the point.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gridId"/> is not a grid id.</exception>
    public IReadOnlyDictionary<string, object?> GetGridPoint(int gridId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(gridId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(gridId, GridCount);
        var point = new Dictionary<string, object?>(_names.Length, StringComparer.Ordinal);
        for (int i = 0; i < _names.Length; i++)
        {
            point[_names[i]] = ValueAt(gridId, i);
        }

        return point;
    }

    /// <summary>Returns whether every grid point has a finished trial in the study (Optuna's <c>is_exhausted</c>).</summary>
    /// <param name="study">The study.</param>
    /// <returns><see langword="true"/> when nothing is left to evaluate.</returns>
    public bool IsExhausted(Study study)
    {
        ArgumentNullException.ThrowIfNull(study);
        lock (_lock)
        {
            var progress = GetProgress(study);
            Scan(progress, study, runningGrids: null);
            return progress.VisitedCount == GridCount;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial) => FrozenTrial.EmptyDistributions;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace) => FrozenTrial.EmptyInternal;

    /// <summary>Assigns a grid point to the trial (unless it is enqueued or already has one).</summary>
    /// <param name="study">The study.</param>
    /// <param name="trial">The trial.</param>
    public void BeforeTrial(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);

        // A retried trial keeps its point; an enqueued trial carries its own values.
        if (trial.SystemAttrs.ContainsKey(GridIdKey) || trial.SystemAttrs.ContainsKey("fixed_params"))
        {
            return;
        }

        lock (_lock)
        {
            var progress = GetProgress(study);
            var running = new HashSet<int>();
            Scan(progress, study, running, trial.Number);
            int gridId = trial.Number >= 0 && trial.Number < GridCount ? trial.Number : PickGrid(study, progress, running);
            study.SetTrialSystemAttr(trial, SearchSpaceKey, _searchSpaceAttr);
            study.SetTrialSystemAttr(trial, GridIdKey, (long)gridId);

            // Trials started by an optimize loop of this process always get told, so once every point is finished or
            // held by one of them, starting another trial could only duplicate a point.
            if (study.InOptimizeLoop)
            {
                progress.InFlight[trial.TrialId] = gridId;
                if (AllPointsFinishedOrInFlight(progress))
                {
                    study.StopFromComponent();
                }
            }
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">
    /// The trial has no grid point (an enqueued trial that does not fix every parameter), the parameter is not in the
    /// grid, or the grid value is not valid for the distribution.
    /// </exception>
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(paramName);
        ArgumentNullException.ThrowIfNull(distribution);
        if (!trial.SystemAttrs.TryGetValue(GridIdKey, out object? gridIdValue))
        {
            throw new ArgumentException("All parameters must be specified when using GridSampler with EnqueueTrial.");
        }

        if (!_nameIndex.TryGetValue(paramName, out int index))
        {
            throw new ArgumentException($"The parameter name, {paramName}, is not found in the given grid.");
        }

        if (!TryGetInt(gridIdValue, out int gridId) || gridId < 0 || gridId >= GridCount)
        {
            throw new ArgumentException(
                $"The grid_id {PyFormat.Repr(gridIdValue)} of trial {trial.Number} is not a point of this grid of {GridCount} points.");
        }

        object? value = ValueAt(gridId, index);
        double internalValue = distribution.ToInternalRepr(value);
        if (!distribution.Contains(internalValue))
        {
            Log.Warning(
                study.Logger,
                $"The value `{PyStr(value)}` is out of range of the parameter `{paramName}`. The value will be used but the actual distribution is: `{distribution}`.");
        }

        return internalValue;
    }

    /// <summary>Stops the study when every grid point is finished once this trial is.</summary>
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
            // The trial stays in flight until the storage shows it finished (its state is stored after this call):
            // dropping it here would leave its point neither in flight nor finished for another worker's check.
            var progress = GetProgress(study);
            Scan(progress, study, runningGrids: null);
            bool stop = progress.VisitedCount == GridCount;
            if (!stop && progress.VisitedCount == GridCount - 1)
            {
                var current = trial.SystemAttrs.ContainsKey(GridIdKey) ? trial : study.Storage.GetTrial(trial.TrialId);
                stop = TryGetOwnGridId(current, out int gridId) && !progress.Visited[gridId];
            }

            if (stop)
            {
                study.StopFromComponent();
            }
        }
    }

    /// <summary>Reseeds the generator that picks points for trials numbered past the grid (the order stays fixed).</summary>
    public void Reseed()
    {
        lock (_lock)
        {
            _rng.Seed((uint)Random.Shared.NextInt64(0, 1L << 32));
        }
    }

    private object? ValueAt(int gridId, int paramIndex)
    {
        long productIndex = _order[gridId];
        var values = _values[paramIndex];
        return values[(int)(productIndex / _strides[paramIndex] % values.Length)];
    }

    private int PickGrid(Study study, Progress progress, HashSet<int> running)
    {
        var targets = new List<int>();
        for (int g = 0; g < GridCount; g++)
        {
            if (!progress.Visited[g] && !running.Contains(g))
            {
                targets.Add(g);
            }
        }

        if (targets.Count == 0)
        {
            // Every point has started: finish the ones still running rather than stop early.
            for (int g = 0; g < GridCount; g++)
            {
                if (!progress.Visited[g])
                {
                    targets.Add(g);
                }
            }
        }

        if (targets.Count == 0)
        {
            Log.Warning(
                study.Logger,
                "`GridSampler` is re-evaluating a configuration because the grid has been exhausted. This may happen due to a timing issue during distributed optimization or when re-running optimizations on already finished studies.");
            return (int)_rng.Interval((uint)(GridCount - 1));
        }

        return targets[(int)_rng.Interval((uint)(targets.Count - 1))];
    }

    private bool AllPointsFinishedOrInFlight(Progress progress)
    {
        int covered = progress.VisitedCount;
        if (covered == GridCount)
        {
            return true;
        }

        HashSet<int>? counted = null;
        foreach (int g in progress.InFlight.Values)
        {
            if (!progress.Visited[g] && (counted ??= []).Add(g))
            {
                covered++;
            }
        }

        return covered == GridCount;
    }

    private Progress GetProgress(Study study) => study.History.StateFor(this, _ => new Progress(GridCount));

    /// <summary>
    /// Folds the trials finished since the last call (from the study's history) into <paramref name="progress"/>,
    /// and collects the grid points of the running trials other than <paramref name="currentNumber"/>.
    /// </summary>
    private void Scan(Progress progress, Study study, HashSet<int>? runningGrids, int currentNumber = -1)
    {
        var history = study.History;
        history.Refresh(currentNumber);
        var fresh = history.FinishedSince(progress.Cursor);
        progress.Cursor += fresh.Length;
        foreach (var t in fresh)
        {
            progress.InFlight.Remove(t.TrialId);
            if (TryGetOwnGridId(t, out int gridId) && !progress.Visited[gridId])
            {
                progress.Visited[gridId] = true;
                progress.VisitedCount++;
            }
        }

        if (runningGrids is not null)
        {
            foreach (var t in history.Running)
            {
                if (t.State == TrialState.Running && TryGetOwnGridId(t, out int gridId))
                {
                    runningGrids.Add(gridId);
                }
            }
        }
    }

    private bool TryGetOwnGridId(FrozenTrial trial, out int gridId)
    {
        gridId = -1;
        return trial.SystemAttrs.TryGetValue(GridIdKey, out object? id)
            && trial.SystemAttrs.TryGetValue(SearchSpaceKey, out object? space)
            && TryGetInt(id, out gridId)
            && gridId >= 0 && gridId < GridCount
            && IsSameSearchSpace(space);
    }

    private bool IsSameSearchSpace(object? space)
    {
        if (ReferenceEquals(space, _searchSpaceAttr))
        {
            return true;
        }

        if (space is not IEnumerable entries || space is string)
        {
            return false;
        }

        int seen = 0;
        foreach (object? entry in entries)
        {
            string? key;
            object? list;
            switch (entry)
            {
                case KeyValuePair<string, object?> kv:
                    (key, list) = (kv.Key, kv.Value);
                    break;
                case DictionaryEntry de:
                    (key, list) = (de.Key as string, de.Value);
                    break;
                default:
                    return false;
            }

            if (key is null || !_nameIndex.TryGetValue(key, out int index) || list is not IEnumerable items || list is string)
            {
                return false;
            }

            var expected = _values[index];
            int j = 0;
            foreach (object? item in items)
            {
                if (j >= expected.Length || !GridValueEquals(item, expected[j]))
                {
                    return false;
                }

                j++;
            }

            if (j != expected.Length)
            {
                return false;
            }

            seen++;
        }

        return seen == _names.Length;
    }

    private static bool GridValueEquals(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (a is bool || b is bool)
        {
            return a is bool x && b is bool y && x == y;
        }

        if (a is string || b is string)
        {
            return a is string x && b is string y && string.Equals(x, y, StringComparison.Ordinal);
        }

        if (IsNumber(a) && IsNumber(b))
        {
            double x = PyJson.ToDouble(a);
            double y = PyJson.ToDouble(b);
            return x == y || (double.IsNaN(x) && double.IsNaN(y));
        }

        return a.Equals(b);
    }

    private static bool IsNumber(object value) => value is double or float or decimal || PyFormat.IsInteger(value);

    private static bool TryGetInt(object? value, out int result)
    {
        switch (value)
        {
            case int i:
                result = i;
                return true;
            case long l when l is >= int.MinValue and <= int.MaxValue:
                result = (int)l;
                return true;
            case double d when d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue:
                result = (int)d;
                return true;
            case IConvertible c when value is short or sbyte or byte or ushort or uint or ulong:
                long v = c.ToInt64(CultureInfo.InvariantCulture);
                result = (int)v;
                return v is >= int.MinValue and <= int.MaxValue;
            default:
                result = 0;
                return false;
        }
    }

    private static object? Normalize(string name, object? value) => value switch
    {
        null => null,
        bool b => b,
        string s => s,
        double d => d,
        float f => (double)f,
        decimal m => (double)m,
        Enum e => e.ToString(),
        sbyte or byte or short or ushort or int or uint or long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ulong u => u <= long.MaxValue ? (long)u : u,
        _ => throw new ArgumentException(
            $"{name} contains a value with the type of {value.GetType()}, which is not supported by `GridSampler`. Please make sure a value is `str`, `int`, `float`, `bool` or `None` for persistent storage.",
            "searchSpace"),
    };

    /// <summary>Python's <c>str</c> of a grid value: strings bare, everything else as its repr.</summary>
    private static string PyStr(object? value) => value as string ?? PyFormat.Repr(value);

    /// <summary>Orders names by Unicode code point, as Python's <c>sorted</c> does.</summary>
    private static int CompareCodePoints(string a, string b)
    {
        int i = 0;
        int j = 0;
        while (i < a.Length && j < b.Length)
        {
            Rune.DecodeFromUtf16(a.AsSpan(i), out var ra, out int na);
            Rune.DecodeFromUtf16(b.AsSpan(j), out var rb, out int nb);
            if (ra.Value != rb.Value)
            {
                return ra.Value.CompareTo(rb.Value);
            }

            i += na;
            j += nb;
        }

        int byLength = (a.Length - i).CompareTo(b.Length - j);
        return byLength != 0 ? byLength : string.CompareOrdinal(a, b);
    }

    /// <summary>What the sampler knows about one study: the finished points, and the trials it hands points to.</summary>
    private sealed class Progress(int gridCount)
    {
        public bool[] Visited { get; } = new bool[gridCount];

        public int VisitedCount { get; set; }

        /// <summary>Gets or sets how many of the history's finished trials are folded in.</summary>
        public int Cursor { get; set; }

        /// <summary>Gets the grid point of each trial of this process's optimize loops still running, by trial id.</summary>
        public Dictionary<int, int> InFlight { get; } = [];
    }
}
