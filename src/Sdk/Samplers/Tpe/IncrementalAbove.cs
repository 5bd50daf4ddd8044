using System.Numerics;
using System.Runtime.CompilerServices;
using Sharptune.Internal;

namespace Sharptune.Samplers.Tpe;

/// <summary>
/// The above ("bad") mixture of a single-objective study over one all-continuous space, kept from one trial to the
/// next instead of rebuilt. Between two samplings the above set changes by a trial or two (the new trial, or the one
/// it pushed out of the below set), and a kernel's bandwidth depends only on its neighbours in each dimension, so only
/// the bandwidths and truncation constants around the changed trials are recomputed. The kernels live at their trial
/// numbers (the prior at the last index), so nothing is copied into kernel order. From
/// <see cref="PackedKernels.MinCellKernels"/> kernels on, the packing by cells for the acquisition stays in place too:
/// a new kernel goes into the room left in its cell, a leaving one is taken out; below that, the kernels are packed
/// anew in one run, as the estimator packs them. What is still done for every sampling is what changes with the number
/// of kernels: the mixture weights (Optuna's ramp gives every kernel a new weight) and so every kernel's start term.
/// Bandwidths, constants and start terms are the ones <see cref="ParzenEstimator"/> computes, bit for bit, and so is
/// the one-run packing; the cells add the same terms in another order (so their sums may differ in the last bits).
/// Where that estimator would order equal means by NumPy's argsort, this one gives up (the caller builds the
/// estimator) and stays off for the study. Not thread-safe: the sampler serializes access.
/// </summary>
internal sealed class IncrementalAbove
{
    /// <summary>More membership changes than this (a new split after many trials at once): one full pass instead.</summary>
    private const int MaxIncrementalChanges = 256;

    /// <summary>The free room of each cell of the kept packing, as a share of the kernels it was laid out with.</summary>
    private const double CellRoom = 0.25;

    private readonly string[] _names;
    private readonly double[] _low;
    private readonly double[] _high;
    private readonly ParzenSettings _settings;
    private readonly double[] _priorMu;
    private readonly double[] _priorInv;
    private readonly double[] _priorConst;
    private readonly List<int> _changed = [];
    private readonly List<int> _touched = [];
    private readonly List<int> _dirty = [];
    private readonly TpeWorkspace _workspace = new();
    private PackedKernels? _cells;
    private int _cellsBuiltAt;
    private int _cellsCapacity;
    private bool _valid;
    private bool _disabled;
    private double _clipDivisor = double.NaN;
    private int _capacity;

    // By trial number (the prior at _capacity − 1): membership at the last build, whether the trial has every
    // parameter of the space (0 unknown, 1 yes, 2 no), per dimension the mean, bandwidth, √½ / bandwidth and the
    // continuous normalization log √(2π) + log sigma + log mass, then the start term of the last packing, minus the
    // sum of the normalizations, and a full pass's new bandwidths before they are compared with the kept ones.
    private bool[] _member = [];
    private byte[] _rowState = [];
    private double[][] _mu;
    private double[][] _sigma;
    private double[][] _inv;
    private double[][] _logConst;
    private double[] _start = [];
    private double[] _negConst = [];
    private double[] _scratch = [];

    // The members in ascending number (the first _memberCount), the position read in the state's list of changes,
    // and the packing order and weights of the last build.
    private int[] _members = [];
    private int _memberCount;
    private int _cursor;
    private int[] _order = [];
    private double[] _weights = [];

    /// <summary>Initializes a new instance of the <see cref="IncrementalAbove"/> class for a space.</summary>
    /// <param name="dims">The dimensions (all continuous).</param>
    /// <param name="settings">The estimator options.</param>
    public IncrementalAbove(TpeDimension[] dims, ParzenSettings settings)
    {
        int nd = dims.Length;
        _names = new string[nd];
        _low = new double[nd];
        _high = new double[nd];
        for (int d = 0; d < nd; d++)
        {
            _names[d] = dims[d].Name;
            _low[d] = dims[d].AdaptedLow;
            _high[d] = dims[d].AdaptedHigh;
        }

        _settings = settings;

        // The prior kernel: the middle of the range, the range as bandwidth.
        _priorMu = new double[nd];
        _priorInv = new double[nd];
        _priorConst = new double[nd];
        for (int d = 0; d < nd; d++)
        {
            double low = _low[d], high = _high[d];
            _priorMu[d] = 0.5 * (low + high);
            var kc = KernelConstants.Compute(_priorMu[d], high - low, low, high);
            _priorInv[d] = kc.ScaledInvSigma;
            _priorConst[d] = TruncatedNormal.LogSqrt2Pi + kc.LogSigma + kc.LogNorm;
        }

        _mu = new double[nd][];
        _sigma = new double[nd][];
        _inv = new double[nd][];
        _logConst = new double[nd][];
        for (int d = 0; d < nd; d++)
        {
            _mu[d] = [];
            _sigma[d] = [];
            _inv[d] = [];
            _logConst[d] = [];
        }
    }

    /// <summary>Gets a value indicating whether equal means turned this mixture off for good (for tests).</summary>
    internal bool Disabled => _disabled;

    /// <summary>Gets the number of times the packing by cells was laid out anew (for tests).</summary>
    internal int Layouts { get; private set; }

    /// <summary>Gets the number of full passes made (for tests).</summary>
    internal int FullPasses { get; private set; }

    /// <summary>Gets the number of incremental updates made (for tests).</summary>
    internal int IncrementalUpdates { get; private set; }

    /// <summary>Follows the state's list of membership changes losing its first <paramref name="dropped"/> entries.</summary>
    /// <param name="dropped">The number of entries dropped.</param>
    public void MembershipChangesDropped(int dropped)
    {
        if (_cursor >= dropped)
        {
            _cursor -= dropped;
        }
        else
        {
            _valid = false; // changes it has not read are gone: a full pass next time
            _cursor = 0;
        }
    }

    /// <summary>Returns whether this mixture is kept for a space (same names and bounds, in order) and options.</summary>
    /// <param name="dims">The dimensions.</param>
    /// <param name="settings">The estimator options.</param>
    /// <returns>Whether it matches.</returns>
    public bool Matches(TpeDimension[] dims, ParzenSettings settings)
    {
        // Field by field: the record's equality goes through EqualityComparer<double>, compiled at first use.
        if (dims.Length != _names.Length || settings.PriorWeight != _settings.PriorWeight
            || settings.ConsiderMagicClip != _settings.ConsiderMagicClip || settings.ConsiderEndpoints != _settings.ConsiderEndpoints)
        {
            return false;
        }

        for (int d = 0; d < dims.Length; d++)
        {
            if (!ReferenceEquals(dims[d].Name, _names[d]) && dims[d].Name != _names[d])
            {
                return false;
            }

            if (dims[d].AdaptedLow != _low[d] || dims[d].AdaptedHigh != _high[d])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Brings the mixture up to date with the study's current split and packs it for the acquisition, or returns
    /// null when the estimator must be built instead (fewer than two observations, or equal means in some dimension).
    /// </summary>
    /// <param name="state">The study's TPE state, split for this sampling.</param>
    /// <param name="columns">The observed column of each dimension (none missing).</param>
    /// <param name="count">Receives the number of observations (kernels without the prior).</param>
    /// <returns>The packed kernels with their start terms, or null.</returns>
    // Not AggressiveOptimization: ReadyToRun code from the first TPE trial on, for this method and the private ones it
    // calls (crossgen2 precompiles a private method only for a precompiled caller), instead of about 12 ms of JIT in
    // the first TPE trials of a fresh process.
    public PackedKernels? TryPack(TpeStudyState state, ParamColumn[] columns, out int count)
    {
        count = 0;
        if (_disabled)
        {
            return null;
        }

        int nd = _names.Length;
        var eligible = state.Eligible;
        var isBelow = state.IsBelow;
        EnsureCapacity(state.KnownTrials + 1);
        if (_members.Length < eligible.Count)
        {
            Array.Resize(ref _members, Math.Max(eligible.Count, 2 * _members.Length));
        }

        // Membership: not below, with every parameter of the space; the changes since the last build are listed.
        // While valid, only the trials the state lists as possibly changed are rechecked (the members stay sorted).
        _changed.Clear();
        var member = _member;
        var rowState = _rowState;
        int m;
        if (_valid && _cursor <= state.MembershipChangeCount)
        {
            m = _memberCount;
            foreach (int number in state.MembershipChangesSince(_cursor))
            {
                bool now = !(number < isBelow.Length && isBelow[number]) && HasRow(columns, number, rowState);
                if (now == member[number])
                {
                    continue;
                }

                member[number] = now;
                _changed.Add(number);
                int at = Find(_members, m, number);
                if (now)
                {
                    at = ~at;
                    Array.Copy(_members, at, _members, at + 1, m - at);
                    _members[at] = number;
                    m++;
                }
                else
                {
                    Array.Copy(_members, at + 1, _members, at, m - at - 1);
                    m--;
                }
            }
        }
        else
        {
            var members = _members;
            m = 0;
            for (int i = 0; i < eligible.Count; i++)
            {
                int number = eligible[i];
                bool now = !(number < isBelow.Length && isBelow[number]) && HasRow(columns, number, rowState);
                if (now)
                {
                    members[m++] = number;
                }

                if (now != member[number])
                {
                    member[number] = now;
                    _changed.Add(number);
                }
            }
        }

        _memberCount = m;
        _cursor = state.MembershipChangeCount;
        count = m;
        double clipDivisor = Math.Min(100.0, m + 2.0);
        if (m < 2)
        {
            _valid = false; // the memberships moved on without the bandwidths
            return null;
        }

        bool full = !_valid || clipDivisor != _clipDivisor || _changed.Count > MaxIncrementalChanges;
        _clipDivisor = clipDivisor;
        _valid = false;
        _dirty.Clear();
        for (int d = 0; d < nd; d++)
        {
            var column = columns[d];
            bool ok = full ? Full(d, column, m) : Update(d, column, _settings.ConsiderMagicClip ? (_high[d] - _low[d]) / clipDivisor : ParzenEstimator.Eps);
            if (!ok)
            {
                _disabled = true; // equal means: NumPy's argsort order decides, which only the estimator follows
                return null;
            }
        }

        if (full)
        {
            FullPasses++;
        }
        else
        {
            IncrementalUpdates++;
        }

        _valid = true;
        SumConstants();
        return Pack(columns[0], m, full);
    }

    // Array.BinarySearch's result (the index, or the complement of the insertion point) without its generic code.
    private static int Find(int[] sorted, int count, int value) => BinarySearch.Find(count, new IntKey(sorted, value));

    private readonly struct IntKey(int[] sorted, int value) : IIndexComparer
    {
        public int CompareAt(int index) => sorted[index].CompareTo(value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool HasRow(ParamColumn[] columns, int number, byte[] rowState)
    {
        byte known = rowState[number];
        if (known != 0)
        {
            return known == 1;
        }

        bool ok = true;
        foreach (var column in columns)
        {
            ok &= !double.IsNaN(column[number]);
        }

        rowState[number] = ok ? (byte)1 : (byte)2;
        return ok;
    }

    /// <summary>Recomputes every bandwidth of a dimension (constants only where the bandwidth changed).</summary>
    private bool Full(int d, ParamColumn column, int m)
    {
        var member = _member;
        var mu = _mu[d];
        var values = column.Values;
        var scratch = _scratch;
        var writer = new ParzenEstimator.SigmaWriter(scratch, m, _low[d], _high[d], _settings);
        var sorted = column.Sorted;
        int pushed = 0;
        double last = double.NaN;
        for (int i = 0; i < sorted.Length; i++)
        {
            int number = sorted[i].Number;
            if (!member[number])
            {
                continue;
            }

            double value = sorted[i].Value;
            if (pushed > 0 && value == last)
            {
                return false;
            }

            writer.Push(number, value);
            last = value;
            pushed++;
        }

        if (pushed != m)
        {
            return false;
        }

        writer.Finish();
        var members = _members;
        var sigma = _sigma[d];
        for (int i = 0; i < m; i++)
        {
            int number = members[i];
            mu[number] = values[number];
            if (scratch[number] != sigma[number])
            {
                SetSigma(d, number, scratch[number]);
            }
        }

        return true;
    }

    /// <summary>Recomputes the bandwidths of a dimension around the trials whose membership changed.</summary>
    private bool Update(int d, ParamColumn column, double minSigma)
    {
        var member = _member;
        var mu = _mu[d];
        var sorted = column.Sorted;
        _touched.Clear();
        foreach (int x in _changed)
        {
            double v = column[x];
            int p = column.IndexOfSorted(v, x);
            if (p < 0)
            {
                return false;
            }

            if (member[x])
            {
                mu[x] = v;
                _touched.Add(p);
            }

            int left = NextMember(sorted, member, p, -1);
            if (left >= 0)
            {
                _touched.Add(left);
            }

            int right = NextMember(sorted, member, p, +1);
            if (right < sorted.Length)
            {
                _touched.Add(right);
            }
        }

        double low = _low[d], high = _high[d];
        double maxSigma = high - low;
        bool innerOnly = !_settings.ConsiderEndpoints; // two or more kernels here
        foreach (int p in _touched)
        {
            // SigmaWriter's rule for one kernel: the larger gap to its neighbours in the set (the bounds at the ends;
            // the inner gap only at the ends unless endpoints are considered), clipped.
            double v = sorted[p].Value;
            int left = NextMember(sorted, member, p, -1), right = NextMember(sorted, member, p, +1);
            bool first = left < 0, last = right >= sorted.Length;
            double previous = first ? low : sorted[left].Value;
            double next = last ? high : sorted[right].Value;
            if ((!first && previous == v) || (!last && next == v))
            {
                return false;
            }

            double s = Math.Max(v - previous, next - v);
            if (innerOnly)
            {
                if (first)
                {
                    s = next - v;
                }
                else if (last)
                {
                    s = v - previous;
                }
            }

            s = Math.Min(Math.Max(s, minSigma), maxSigma);
            int number = sorted[p].Number;
            if (s != _sigma[d][number])
            {
                SetSigma(d, number, s);
            }
        }

        return true;
    }

    // The position of the nearest member before (step −1) or after (+1) position p: −1 or the length when none.
    private static int NextMember(ReadOnlySpan<SortedEntry> sorted, bool[] member, int p, int step)
    {
        int i = p + step;
        while (i >= 0 && i < sorted.Length && !member[sorted[i].Number])
        {
            i += step;
        }

        return i;
    }

    private void SetSigma(int d, int number, double sigma)
    {
        _dirty.Add(number);
        _sigma[d][number] = sigma;
        var kc = KernelConstants.Compute(_mu[d][number], sigma, _low[d], _high[d]);
        _inv[d][number] = kc.ScaledInvSigma;
        _logConst[d][number] = TruncatedNormal.LogSqrt2Pi + kc.LogSigma + kc.LogNorm;
    }

    /// <summary>
    /// The weights and start terms of the current set, and its kernels packed by cells: the packing is kept too, with
    /// room in every cell; kernels that joined are placed, those that left taken out and changed bandwidths written in
    /// place. It is laid out anew after a full pass, when a cell is full, or when the set has grown by a quarter.
    /// </summary>
    private PackedKernels Pack(ParamColumn first, int m, bool full)
    {
        int nd = _names.Length;
        int prior = _capacity - 1;
        var members = _members;
        var member = _member;

        // The prior kernel (its constants depend on the bounds only), at the prior's index of the current capacity.
        for (int d = 0; d < nd; d++)
        {
            _mu[d][prior] = _priorMu[d];
            _inv[d][prior] = _priorInv[d];
        }

        // Weights as ParzenEstimator normalizes them (the sum in observation order, the prior's weight first), then
        // start = log w − Σ_d normalization, subtracted dimension by dimension as the estimator does.
        if (_weights.Length < m)
        {
            _weights = new double[Math.Max(m, 2 * _weights.Length)];
        }

        var w = _weights.AsSpan(0, m);
        TpeSampler.FillDefaultWeights(w);
        double sum = _settings.PriorWeight;
        for (int i = 0; i < m; i++)
        {
            sum += w[i];
        }

        var start = _start;
        if (m + 1 < PackedKernels.MinCellKernels)
        {
            double lastWeight = double.NaN, lastLog = 0;
            for (int i = 0; i < m; i++)
            {
                int number = members[i];
                double wi = w[i] / sum;
                if (wi != lastWeight)
                {
                    lastWeight = wi;
                    lastLog = Math.Log(wi);
                }

                double s = lastLog;
                for (int d = 0; d < nd; d++)
                {
                    s -= _logConst[d][number];
                }

                start[number] = s;
            }
        }
        else
        {
            // The cells add the terms in an order of their own, so the start terms need not be the estimator's to the
            // last bit either: the weights' logarithms are taken by vectors, and each kernel's normalizations come
            // summed (kept per kernel, changed with its bandwidths). The same values up to rounding.
            CellStarts(w, sum, m);
        }

        double priorStart = Math.Log(_settings.PriorWeight / sum);
        for (int d = 0; d < nd; d++)
        {
            priorStart -= _priorConst[d];
        }

        start[prior] = priorStart;
        if (m + 1 < PackedKernels.MinCellKernels)
        {
            // Too few kernels for cells: one run of blocks in first-dimension order, packed anew (as the estimator's).
            _cells = null;
            var run = new PackedKernels(m + 1, _mu, _inv, FirstDimensionOrder(first, m), _workspace, slot: 1, wide: PackedKernels.CanUseWide);
            run.SetStart(start);
            return run;
        }

        var cells = full || _cellsCapacity != _capacity || m > _cellsBuiltAt + (_cellsBuiltAt / 4) ? null : _cells;
        if (cells is not null && !Patch(cells))
        {
            cells = null;
        }

        if (cells is null)
        {
            cells = Layout(first, m);
        }

        cells.SetStart(start);
        return cells;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // Vector<T> code: not precompiled (its width is the machine's), so skip tier 0
    private void CellStarts(Span<double> w, double sum, int m)
    {
        var members = _members;
        var start = _start;
        var negConst = _negConst;
        int i = 0;
        if (PackedKernels.Accelerated)
        {
            var vSum = new Vector<double>(sum);
            for (; i <= m - Vector<double>.Count; i += Vector<double>.Count)
            {
                var slice = w.Slice(i, Vector<double>.Count);
                Vector.Log(new Vector<double>(slice) / vSum).CopyTo(slice);
            }
        }

        for (; i < m; i++)
        {
            w[i] = Math.Log(w[i] / sum);
        }

        for (i = 0; i < m; i++)
        {
            int number = members[i];
            start[number] = w[i] + negConst[number];
        }
    }

    /// <summary>Recomputes the summed normalizations of the kernels whose bandwidths changed in this sampling.</summary>
    private void SumConstants()
    {
        int nd = _names.Length;
        foreach (int number in _dirty)
        {
            double s = 0;
            for (int d = 0; d < nd; d++)
            {
                s -= _logConst[d][number];
            }

            _negConst[number] = s;
        }
    }

    /// <summary>Brings the kept packing up to date with the changes of this sampling; false when a cell is full.</summary>
    private bool Patch(PackedKernels cells)
    {
        int nd = _names.Length;
        foreach (int x in _changed)
        {
            if (!_member[x])
            {
                cells.Remove(x);
            }
        }

        Span<double> mus = stackalloc double[nd];
        Span<double> invs = stackalloc double[nd];
        foreach (int x in _changed)
        {
            if (_member[x])
            {
                for (int d = 0; d < nd; d++)
                {
                    mus[d] = _mu[d][x];
                    invs[d] = _inv[d][x];
                }

                if (!cells.TryAdd(x, mus, invs))
                {
                    return false;
                }
            }
        }

        foreach (int y in _dirty)
        {
            if (_member[y])
            {
                for (int d = 0; d < nd; d++)
                {
                    cells.SetInv(y, d, _inv[d][y]);
                }
            }
        }

        return true;
    }

    /// <summary>Lays the current set out by cells anew (ascending means of the first dimension, the prior last).</summary>
    private PackedKernels Layout(ParamColumn first, int m)
    {
        _cells = PackedKernels.ByCells(m + 1, _mu, _inv, FirstDimensionOrder(first, m), _workspace, slot: 0, room: CellRoom, indexCapacity: _capacity);
        _cellsBuiltAt = m;
        _cellsCapacity = _capacity;
        Layouts++;
        return _cells;
    }

    /// <summary>The members by ascending mean of the first dimension (no equal ones: checked before), the prior last.</summary>
    private int[] FirstDimensionOrder(ParamColumn first, int m)
    {
        if (_order.Length < m + 1)
        {
            _order = new int[Math.Max(m + 1, 2 * _order.Length)];
        }

        var order = _order;
        var member = _member;
        var sorted = first.Sorted;
        int r = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            int number = sorted[i].Number;
            if (member[number])
            {
                order[r++] = number;
            }
        }

        order[m] = _capacity - 1;
        return order;
    }

    /// <summary>Grows the per-number arrays so that every trial number below <paramref name="size"/> − 1 fits before the prior.</summary>
    private void EnsureCapacity(int size)
    {
        if (size <= _capacity)
        {
            return;
        }

        int oldPrior = _capacity - 1;
        int capacity = Math.Max(size, Math.Max(1024, 2 * _capacity));
        Array.Resize(ref _member, capacity);
        Array.Resize(ref _rowState, capacity);
        Array.Resize(ref _start, capacity);
        Array.Resize(ref _negConst, capacity);
        _scratch = new double[capacity];
        for (int d = 0; d < _names.Length; d++)
        {
            Array.Resize(ref _mu[d], capacity);
            Array.Resize(ref _inv[d], capacity);
            Array.Resize(ref _logConst[d], capacity);
            int old = _sigma[d].Length;
            Array.Resize(ref _sigma[d], capacity);
            Spans.Fill(_sigma[d].AsSpan(old), double.NaN); // no constants computed yet
            if (oldPrior >= 0)
            {
                _sigma[d][oldPrior] = double.NaN; // the old prior's slot becomes a trial's
            }
        }

        _capacity = capacity;
    }
}
