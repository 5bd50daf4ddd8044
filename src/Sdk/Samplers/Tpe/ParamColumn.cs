using System.Runtime.CompilerServices;
using Sharptune.Internal;
namespace Sharptune.Samplers.Tpe;

/// <summary>
/// The observations of one parameter across the finished (COMPLETE or PRUNED) trials of a study: the value of each
/// trial by number in the space the kernels live in (log for log parameters, the index for categoricals; NaN when
/// the trial lacks the parameter), the values sorted for the bandwidth rule, and a cache of kernel normalizers.
/// </summary>
internal sealed class ParamColumn
{
    private double[] _values = [];
    private readonly SortedEntryList _sorted = new();
    private double[] _cacheSigma = [];
    private CacheEntry[] _cache = [];
    private double _cacheLow = double.NaN;
    private double _cacheHigh = double.NaN;

    /// <summary>Initializes a new instance of the <see cref="ParamColumn"/> class.</summary>
    /// <param name="distribution">The distribution the parameter was first seen with (kind and log flag are fixed per name).</param>
    public ParamColumn(Distribution distribution)
    {
        IsCategorical = distribution is CategoricalDistribution;
        IsLog = distribution is FloatDistribution { Log: true } or IntDistribution { Log: true };
    }

    /// <summary>Gets a value indicating whether the parameter is categorical.</summary>
    public bool IsCategorical { get; }

    /// <summary>Gets a value indicating whether values are stored as logarithms.</summary>
    public bool IsLog { get; }

    /// <summary>Gets the number of trials holding the parameter.</summary>
    public int Count { get; private set; }

    /// <summary>Gets the (value, trial number) pairs sorted by value then number (numeric parameters only).</summary>
    public ReadOnlySpan<SortedEntry> Sorted => _sorted.Entries;

    /// <summary>Finds the position of a trial's entry in <see cref="Sorted"/>.</summary>
    /// <param name="value">The trial's stored value.</param>
    /// <param name="number">The trial number.</param>
    /// <returns>The position, or −1 when absent.</returns>
    public int IndexOfSorted(double value, int number) => _sorted.IndexOf(value, number);

    /// <summary>Gets the values by trial number (NaN when absent); numbers past the end are absent too.</summary>
    public double[] Values => _values;

    /// <summary>Gets the stored value of a trial, NaN when absent.</summary>
    /// <param name="number">The trial number.</param>
    /// <returns>The transformed value or NaN.</returns>
    public double this[int number] => number < _values.Length ? _values[number] : double.NaN;

    /// <summary>Records the internal value of a finished trial.</summary>
    /// <param name="number">The trial number.</param>
    /// <param name="internalValue">The internal representation.</param>
    public void Add(int number, double internalValue)
    {
        EnsureCapacity(number + 1);
        double v = IsLog ? Math.Log(internalValue) : internalValue;
        _values[number] = v;
        Count++;
        if (!IsCategorical)
        {
            _sorted.Insert(v, number);
        }
    }

    /// <summary>Maps an internal value into the column's space.</summary>
    /// <param name="internalValue">The internal representation.</param>
    /// <returns>The transformed value.</returns>
    public double Transform(double internalValue) => IsLog ? Math.Log(internalValue) : internalValue;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // see ParzenEstimator.UpperBound: its only caller is not precompiled
    private void CheckBounds(double low, double high)
    {
        if (low != _cacheLow || high != _cacheHigh)
        {
            Spans.Fill(_cacheSigma, double.NaN);
            _cacheLow = low;
            _cacheHigh = high;
        }
    }

    private void Store(int number, double sigma, in KernelConstants kc)
    {
        _cacheSigma[number] = sigma;
        _cache[number] = new CacheEntry(TruncatedNormal.LogSqrt2Pi + kc.LogSigma + kc.LogNorm, kc.LogNorm, kc.ScaledInvSigma);
    }

    /// <summary>
    /// Fills the constants of many kernels of this column (trial numbers, or −1 for a kernel without cache entry),
    /// reusing cached ones whose bandwidth is unchanged.
    /// </summary>
    /// <param name="numbers">The trial number of each kernel, −1 when not cached.</param>
    /// <param name="mu">The kernel means.</param>
    /// <param name="sigma">The kernel bandwidths.</param>
    /// <param name="low">The transformed low bound.</param>
    /// <param name="high">The transformed high bound.</param>
    /// <param name="target">Receives the constants.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop of every trial: optimized at first call, never run as tier-0 or instrumented code
    public void FillConstants(ReadOnlySpan<int> numbers, ReadOnlySpan<double> mu, ReadOnlySpan<double> sigma, double low, double high, KernelTarget target)
    {
        CheckBounds(low, high);
        var cacheSigma = _cacheSigma;
        var cache = _cache;
        var logNorm = target.LogNorm;
        var inv = target.ScaledInvSigma;
        var baseLog = target.BaseLog;
        bool continuous = target.Continuous;
        for (int k = 0; k < numbers.Length; k++)
        {
            int number = numbers[k];
            if ((uint)number >= (uint)cacheSigma.Length)
            {
                target.Set(k, KernelConstants.Compute(mu[k], sigma[k], low, high));
                continue;
            }

            if (cacheSigma[number] != sigma[k])
            {
                Store(number, sigma[k], KernelConstants.Compute(mu[k], sigma[k], low, high));
            }

            ref var e = ref cache[number];
            logNorm[k] = e.LogNorm;
            inv[k] = e.Inv;
            baseLog[k] -= continuous ? e.LogConst : e.LogNorm;
        }
    }

    private void EnsureCapacity(int size)
    {
        if (size <= _values.Length)
        {
            return;
        }

        int capacity = Math.Max(size, Math.Max(16, _values.Length * 2));
        int old = _values.Length;
        Array.Resize(ref _values, capacity);
        Array.Resize(ref _cacheSigma, capacity);
        Array.Resize(ref _cache, capacity);
        Spans.Fill(_values.AsSpan(old), double.NaN);
        Spans.Fill(_cacheSigma.AsSpan(old), double.NaN);
    }

    /// <summary>The cached constants of one trial's kernel, read together.</summary>
    /// <param name="LogConst">log √(2π) + log sigma + log mass: the continuous kernel's normalization.</param>
    /// <param name="LogNorm">log mass (the discrete kernel's normalization).</param>
    /// <param name="Inv">√½ / sigma.</param>
    private readonly record struct CacheEntry(double LogConst, double LogNorm, double Inv);
}
