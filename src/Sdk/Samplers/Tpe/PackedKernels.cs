using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Sharptune.Samplers.Tpe;

/// <summary>
/// The continuous part of a mixture laid out for SIMD: kernels in blocks of <see cref="Vector{T}.Count"/>, each
/// block holding the means and scaled inverse bandwidths of every continuous dimension contiguously, so streaming
/// passes compute log Σ_k exp(start[k] − Σ_j ((x_j − mu_jk) · inv_jk)²).
/// </summary>
internal sealed class PackedKernels
{
    private static readonly int Width = Vector.IsHardwareAccelerated ? Vector<double>.Count : 1;

    /// <summary>
    /// Terms more than this below the largest are skipped: each is below e⁻⁴⁰ (4·10⁻¹⁸) of it, so the relative
    /// error of a sum over K kernels stays below K·4·10⁻¹⁸.
    /// </summary>
    private const double Band = 40.0;

    /// <summary>Above this size of packed kernels, <see cref="LogSumBatch"/> switches to cache tiling.</summary>
    private const long LargeKernelBytes = 512 * 1024;

    private readonly int _kernels;
    private readonly int _dims;
    private readonly int _blocks;
    private readonly double[] _packed;
    private readonly double[] _start;
    private readonly double[] _terms;
    private readonly int[]? _order;
    private readonly TpeWorkspace? _workspace;

    /// <summary>Initializes a new instance of the <see cref="PackedKernels"/> class.</summary>
    /// <param name="kernels">The number of kernels.</param>
    /// <param name="mus">Per continuous dimension, the kernel means.</param>
    /// <param name="invs">Per continuous dimension, √½ / sigma.</param>
    /// <param name="order">Optional packing order: position p holds kernel order[p].</param>
    /// <param name="workspace">Optional reusable arrays.</param>
    /// <param name="slot">Which of the workspace's packing arrays to use: two packings in use at once need two slots.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop of every trial: optimized at first call, never run as tier-0 or instrumented code
    public PackedKernels(int kernels, double[][] mus, double[][] invs, int[]? order, TpeWorkspace? workspace, int slot = 0)
    {
        _kernels = kernels;
        _order = order;
        _workspace = workspace;
        _dims = mus.Length;
        _blocks = (kernels + Width - 1) / Width;
        int stride = Width * 2 * _dims;
        int padded = _blocks * Width;
        _packed = TpeWorkspace.Doubles(workspace, TpeWorkspace.Packed, slot, _blocks * stride);
        _start = TpeWorkspace.Doubles(workspace, TpeWorkspace.PackedStart, slot, padded);
        // PackedTerms 1 is LogSumBatch's scratch array; each slot's own terms are index 0 or 2 + slot.
        _terms = TpeWorkspace.Doubles(workspace, TpeWorkspace.PackedTerms, slot == 0 ? 0 : 2 + slot, padded);
        _start.AsSpan(kernels, padded - kernels).Fill(double.NegativeInfinity); // padding kernels contribute exp(−∞) = 0
        for (int j = 0; j < _dims; j++)
        {
            var mu = mus[j];
            var inv = invs[j];
            int at = 2 * j * Width;
            for (int b = 0, k = 0; b < _blocks; b++, at += stride)
            {
                for (int lane = 0; lane < Width; lane++, k++)
                {
                    bool real = k < kernels;
                    int source = real && order is not null ? order[k] : k;
                    _packed[at + lane] = real ? mu[source] : 0;
                    _packed[at + Width + lane] = real ? inv[source] : 0;
                }
            }
        }
    }

    /// <summary>Sets the per-kernel constant terms.</summary>
    /// <param name="start">One value per kernel.</param>
    public void SetStart(double[] start)
    {
        if (_order is null)
        {
            Array.Copy(start, _start, _kernels);
            return;
        }

        for (int p = 0; p < _kernels; p++)
        {
            _start[p] = start[_order[p]];
        }
    }

    /// <summary>
    /// <see cref="LogSum"/> for many points sharing the start terms: the first pass handles four points per sweep
    /// over the kernels, so every block of means and bandwidths is loaded once for the four.
    /// </summary>
    /// <param name="xs">The points, row-major (point × continuous dimension).</param>
    /// <param name="n">The number of points.</param>
    /// <param name="result">Receives one log-sum per point.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // Vector<T> code: not precompiled (its width is the machine's), so skip tier 0
    public void LogSumBatch(double[] xs, int n, Span<double> result)
    {
        if (Width == 1)
        {
            var x = new double[_dims];
            var starts = _start.AsSpan(0, _kernels).ToArray();
            var mus = new double[_dims][];
            var invs = new double[_dims][];
            for (int j = 0; j < _dims; j++)
            {
                mus[j] = new double[_kernels];
                invs[j] = new double[_kernels];
                for (int k = 0; k < _kernels; k++)
                {
                    mus[j][k] = _packed[(k * 2 * _dims) + (2 * j)];
                    invs[j][k] = _packed[(k * 2 * _dims) + (2 * j) + 1];
                }
            }

            for (int c = 0; c < n; c++)
            {
                Array.Copy(xs, c * _dims, x, 0, _dims);
                result[c] = LogSum(x, starts, mus, invs);
            }

            return;
        }

        if ((long)_blocks * Width * _dims * 16 > LargeKernelBytes)
        {
            LogSumTiled(xs, n, result);
            return;
        }

        int padded = _blocks * Width;
        var terms = _workspace is null ? new double[4 * padded] : _workspace.Doubles(TpeWorkspace.PackedTerms, 1, 4 * padded);
        ref double packed = ref MemoryMarshal.GetArrayDataReference(_packed);
        ref double startRef = ref MemoryMarshal.GetArrayDataReference(_start);
        ref double termRef = ref MemoryMarshal.GetArrayDataReference(terms);
        nuint width = (nuint)Width;
        nuint rowStride = (nuint)padded;
        for (int c0 = 0; c0 < n; c0 += 4)
        {
            int group = Math.Min(4, n - c0);

            // Missing points of a short group repeat the first one.
            int i0 = c0 * _dims;
            int i1 = (c0 + Math.Min(1, group - 1)) * _dims;
            int i2 = (c0 + Math.Min(2, group - 1)) * _dims;
            int i3 = (c0 + Math.Min(3, group - 1)) * _dims;
            var m0 = new Vector<double>(double.NegativeInfinity);
            var m1 = m0;
            var m2 = m0;
            var m3 = m0;
            nuint offset = 0;
            for (int b = 0; b < _blocks; b++)
            {
                nuint at = (nuint)b * width;
                var start = Vector.LoadUnsafe(ref startRef, at);
                Vector<double> s0 = start, s1 = start, s2 = start, s3 = start;
                for (int j = 0; j < _dims; j++)
                {
                    var mu = Vector.LoadUnsafe(ref packed, offset);
                    var inv = Vector.LoadUnsafe(ref packed, offset + width);
                    offset += 2 * width;
                    var t0 = (new Vector<double>(xs[i0 + j]) - mu) * inv;
                    var t1 = (new Vector<double>(xs[i1 + j]) - mu) * inv;
                    var t2 = (new Vector<double>(xs[i2 + j]) - mu) * inv;
                    var t3 = (new Vector<double>(xs[i3 + j]) - mu) * inv;
                    s0 -= t0 * t0;
                    s1 -= t1 * t1;
                    s2 -= t2 * t2;
                    s3 -= t3 * t3;
                }

                s0.StoreUnsafe(ref termRef, at);
                s1.StoreUnsafe(ref termRef, rowStride + at);
                s2.StoreUnsafe(ref termRef, (2 * rowStride) + at);
                s3.StoreUnsafe(ref termRef, (3 * rowStride) + at);
                m0 = Vector.Max(m0, s0);
                m1 = Vector.Max(m1, s1);
                m2 = Vector.Max(m2, s2);
                m3 = Vector.Max(m3, s3);
            }

            for (int g = 0; g < group; g++)
            {
                var vMax = g switch { 0 => m0, 1 => m1, 2 => m2, _ => m3 };
                result[c0 + g] = SumExp(terms.AsSpan(g * padded, padded), vMax);
            }
        }
    }

    /// <summary>
    /// <see cref="LogSumBatch"/> for kernel sets too large for the cache: two passes over tiles of kernels small
    /// enough to stay in the L1 cache while every point visits them — the per-point maxima first, then the sums of
    /// exp(term − max), recomputing the terms — so the kernels stream from memory twice per call instead of once
    /// per four points, and no term is stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // Vector<T> code: not precompiled (its width is the machine's), so skip tier 0
    private void LogSumTiled(double[] xs, int n, Span<double> result)
    {
        const int TileBlocks = 32;
        var maxima = new Vector<double>[n];
        var sums = new Vector<double>[n];
        Array.Fill(maxima, new Vector<double>(double.NegativeInfinity));
        Span<Vector<double>> xb = stackalloc Vector<double>[_dims];
        ref double packed = ref MemoryMarshal.GetArrayDataReference(_packed);
        ref double startRef = ref MemoryMarshal.GetArrayDataReference(_start);
        nuint width = (nuint)Width;
        nuint blockStride = 2 * (nuint)_dims * width;
        for (int pass = 0; pass < 2; pass++)
        {
            if (pass == 1)
            {
                // Broadcast each point's overall maximum to all lanes.
                for (int c = 0; c < n; c++)
                {
                    double max = double.NegativeInfinity;
                    for (int i = 0; i < Width; i++)
                    {
                        max = Math.Max(max, maxima[c][i]);
                    }

                    maxima[c] = new Vector<double>(max);
                }
            }

            var vFloor = new Vector<double>(-60.0);
            var vBand = new Vector<double>(Band);
            for (int tile = 0; tile < _blocks; tile += TileBlocks)
            {
                int tileEnd = Math.Min(tile + TileBlocks, _blocks);
                for (int c = 0; c < n; c++)
                {
                    for (int j = 0; j < _dims; j++)
                    {
                        xb[j] = new Vector<double>(xs[(c * _dims) + j]);
                    }

                    var m = maxima[c];
                    var cut = m - vBand;
                    var sum = sums[c];
                    nuint offset = (nuint)tile * blockStride;
                    for (int b = tile; b < tileEnd; b++)
                    {
                        var t = Vector.LoadUnsafe(ref startRef, (nuint)b * width);
                        for (int j = 0; j < xb.Length; j++)
                        {
                            var d = (xb[j] - Vector.LoadUnsafe(ref packed, offset)) * Vector.LoadUnsafe(ref packed, offset + width);
                            t -= d * d;
                            offset += 2 * width;
                        }

                        if (pass == 0)
                        {
                            m = Vector.Max(m, t);
                        }
                        else if (Vector.GreaterThanAny(t, cut))
                        {
                            sum += Vector.Exp(Vector.Max(t - m, vFloor));
                        }
                    }

                    maxima[c] = m;
                    sums[c] = sum;
                }
            }
        }

        for (int c = 0; c < n; c++)
        {
            double max = maxima[c][0];
            result[c] = double.IsNegativeInfinity(max) || double.IsNaN(max) || double.IsPositiveInfinity(max)
                ? max
                : max + Math.Log(Vector.Sum(sums[c]));
        }
    }

    /// <summary>
    /// The argmax over points of <c>logL[c] − log Σ_k exp(term_ck)</c>, first on ties. The first pass gives each
    /// point's largest term M_c, and log Σ ≥ M_c, so <c>logL[c] − M_c</c> bounds the point's score from above: points
    /// are summed in decreasing order of that bound, and the rest are skipped once their bound falls below the best
    /// exact score (they can neither win nor tie). Points outside the space score +∞ against −∞ densities as
    /// <see cref="ParzenEstimator.LogPdf"/> would give.
    /// </summary>
    /// <param name="xs">The points, row-major (point × dimension).</param>
    /// <param name="n">The number of points.</param>
    /// <param name="logL">The other density's log at each point.</param>
    /// <param name="inside">Whether each point is inside the space.</param>
    /// <returns>The index of the best point (0 when no score is a number).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // Vector<T> code: not precompiled (its width is the machine's), so skip tier 0
    public int ArgMaxRatio(double[] xs, int n, ReadOnlySpan<double> logL, ReadOnlySpan<bool> inside)
    {
        // Only the maxima are kept: a few points are summed (their terms recomputed), the rest are skipped by the bound.
        var maxima = TpeWorkspace.Doubles(_workspace, TpeWorkspace.Argmax, 0, n);
        TiledMaxima(xs, n, maxima);

        // Upper bounds of the scores, visited in decreasing order (stable by index).
        var bounds = TpeWorkspace.Doubles(_workspace, TpeWorkspace.Argmax, 1, n);
        var order = TpeWorkspace.Ints(_workspace, TpeWorkspace.Argmax, 0, n);
        int count = 0;
        for (int c = 0; c < n; c++)
        {
            double logG = inside[c] ? maxima[c] : double.NegativeInfinity;
            double bound = logL[c] - logG;
            if (double.IsNaN(bound))
            {
                continue;
            }

            bounds[count] = -bound;
            order[count] = c;
            count++;
        }

        Internal.StableSort.Sort(bounds.AsSpan(0, count), order.AsSpan(0, count));
        int best = 0;
        double bestScore = double.NegativeInfinity;
        bool found = false;
        for (int i = 0; i < count; i++)
        {
            int c = order[i];
            double bound = -bounds[i];
            if (found && bound < bestScore)
            {
                break;
            }

            double logG;
            if (!inside[c] || double.IsInfinity(maxima[c]))
            {
                logG = inside[c] ? maxima[c] : double.NegativeInfinity;
            }
            else
            {
                logG = SumTiledOne(xs, c, maxima[c]);
            }

            double score = logL[c] - logG;
            if (double.IsNaN(score))
            {
                continue;
            }

            if (!found || score > bestScore || (score == bestScore && c < best))
            {
                found = true;
                bestScore = score;
                best = c;
            }
        }

        return best;
    }

    /// <summary>The first tiled pass for all points: each point's largest term (nothing stored).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // Vector<T> code: not precompiled (its width is the machine's), so skip tier 0
    private void TiledMaxima(double[] xs, int n, double[] maxima)
    {
        const int TileBlocks = 32;

        // Each point's running maxima, one vector per point.
        var vmax = TpeWorkspace.Doubles(_workspace, TpeWorkspace.Argmax, 2, n * Width);
        vmax.AsSpan(0, n * Width).Fill(double.NegativeInfinity);
        ref double vmaxRef = ref MemoryMarshal.GetArrayDataReference(vmax);
        int dims = _dims;
        Span<Vector<double>> xb = stackalloc Vector<double>[4 * dims];
        ref double packed = ref MemoryMarshal.GetArrayDataReference(_packed);
        ref double startRef = ref MemoryMarshal.GetArrayDataReference(_start);
        nuint width = (nuint)Width;
        nuint blockStride = 2 * (nuint)dims * width;
        for (int tile = 0; tile < _blocks; tile += TileBlocks)
        {
            int tileEnd = Math.Min(tile + TileBlocks, _blocks);

            // Four points per sweep over the tile, so every block of means and bandwidths is loaded once for the four
            // (as in LogSumBatch); a short last group repeats its first point, whose duplicates give the same maxima.
            for (int c0 = 0; c0 < n; c0 += 4)
            {
                int group = Math.Min(4, n - c0);
                for (int g = 0; g < 4; g++)
                {
                    int c = c0 + Math.Min(g, group - 1);
                    for (int j = 0; j < dims; j++)
                    {
                        xb[(g * dims) + j] = new Vector<double>(xs[(c * dims) + j]);
                    }
                }

                nuint at0 = (nuint)c0 * width;
                nuint at1 = (nuint)(c0 + Math.Min(1, group - 1)) * width;
                nuint at2 = (nuint)(c0 + Math.Min(2, group - 1)) * width;
                nuint at3 = (nuint)(c0 + Math.Min(3, group - 1)) * width;
                var m0 = Vector.LoadUnsafe(ref vmaxRef, at0);
                var m1 = Vector.LoadUnsafe(ref vmaxRef, at1);
                var m2 = Vector.LoadUnsafe(ref vmaxRef, at2);
                var m3 = Vector.LoadUnsafe(ref vmaxRef, at3);
                nuint offset = (nuint)tile * blockStride;
                for (int b = tile; b < tileEnd; b++)
                {
                    var start = Vector.LoadUnsafe(ref startRef, (nuint)b * width);
                    Vector<double> t0 = start, t1 = start, t2 = start, t3 = start;
                    for (int j = 0; j < dims; j++)
                    {
                        var mu = Vector.LoadUnsafe(ref packed, offset);
                        var inv = Vector.LoadUnsafe(ref packed, offset + width);
                        offset += 2 * width;
                        var d0 = (xb[j] - mu) * inv;
                        var d1 = (xb[dims + j] - mu) * inv;
                        var d2 = (xb[(2 * dims) + j] - mu) * inv;
                        var d3 = (xb[(3 * dims) + j] - mu) * inv;
                        t0 -= d0 * d0;
                        t1 -= d1 * d1;
                        t2 -= d2 * d2;
                        t3 -= d3 * d3;
                    }

                    m0 = Vector.Max(m0, t0);
                    m1 = Vector.Max(m1, t1);
                    m2 = Vector.Max(m2, t2);
                    m3 = Vector.Max(m3, t3);
                }

                // A short group's duplicates hold the same values as the point they repeat.
                m3.StoreUnsafe(ref vmaxRef, at3);
                m2.StoreUnsafe(ref vmaxRef, at2);
                m1.StoreUnsafe(ref vmaxRef, at1);
                m0.StoreUnsafe(ref vmaxRef, at0);
            }
        }

        for (int c = 0; c < n; c++)
        {
            double max = double.NegativeInfinity;
            for (int i = 0; i < Width; i++)
            {
                max = Math.Max(max, vmax[(c * Width) + i]);
            }

            maxima[c] = max;
        }
    }

    /// <summary>The second pass for one point: max + log Σ exp(term − max), terms recomputed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // Vector<T> code: not precompiled (its width is the machine's), so skip tier 0
    private double SumTiledOne(double[] xs, int c, double max)
    {
        Span<Vector<double>> xb = stackalloc Vector<double>[_dims];
        for (int j = 0; j < _dims; j++)
        {
            xb[j] = new Vector<double>(xs[(c * _dims) + j]);
        }

        ref double packed = ref MemoryMarshal.GetArrayDataReference(_packed);
        ref double startRef = ref MemoryMarshal.GetArrayDataReference(_start);
        nuint width = (nuint)Width;
        var vShift = new Vector<double>(max);
        var cut = new Vector<double>(max - Band);
        var vFloor = new Vector<double>(-60.0);
        var acc = Vector<double>.Zero;
        nuint offset = 0;
        for (int b = 0; b < _blocks; b++)
        {
            var t = Vector.LoadUnsafe(ref startRef, (nuint)b * width);
            for (int j = 0; j < xb.Length; j++)
            {
                var d = (xb[j] - Vector.LoadUnsafe(ref packed, offset)) * Vector.LoadUnsafe(ref packed, offset + width);
                t -= d * d;
                offset += 2 * width;
            }

            if (Vector.GreaterThanAny(t, cut))
            {
                acc += Vector.Exp(Vector.Max(t - vShift, vFloor));
            }
        }

        return max + Math.Log(Vector.Sum(acc));
    }

    /// <summary>The second pass: max + log Σ exp(term − max) over blocks within <see cref="Band"/> of the maximum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // Vector<T> code: not precompiled (its width is the machine's), so skip tier 0
    private double SumExp(Span<double> terms, Vector<double> vMax)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < Width; i++)
        {
            max = Math.Max(max, vMax[i]);
        }

        if (double.IsNegativeInfinity(max) || double.IsNaN(max) || double.IsPositiveInfinity(max))
        {
            return max;
        }

        ref double termRef = ref MemoryMarshal.GetReference(terms);
        nuint width = (nuint)Width;
        var vShift = new Vector<double>(max);
        var vCut = new Vector<double>(max - Band);
        var vFloor = new Vector<double>(-60.0);
        var acc = Vector<double>.Zero;
        for (int b = 0; b < _blocks; b++)
        {
            var s = Vector.LoadUnsafe(ref termRef, (nuint)b * width);
            if (Vector.GreaterThanAny(s, vCut))
            {
                acc += Vector.Exp(Vector.Max(s - vShift, vFloor));
            }
        }

        return max + Math.Log(Vector.Sum(acc));
    }

    /// <summary>
    /// Computes log Σ_k exp(start[k] − Σ_j ((x_j − mu_jk) · inv_jk)²) in two streaming passes: the terms and their
    /// maximum, then the sum of exp(term − max) over blocks holding a term within <see cref="Band"/> of the maximum. Skipped
    /// terms are each below e⁻⁴⁰ times the largest, so the relative error stays under K·e⁻⁴⁰ (4·10⁻¹⁴ for 10,000 kernels);
    /// exponents are clamped at −60 so that no lane reaches the slow subnormal range of the vector exponential.
    /// </summary>
    /// <param name="x">The point, one value per continuous dimension.</param>
    /// <param name="start">The start terms (used when vectors are not accelerated).</param>
    /// <param name="mus">The means (used when vectors are not accelerated).</param>
    /// <param name="invs">The scaled inverse bandwidths (used when vectors are not accelerated).</param>
    /// <returns>The log of the sum; −∞ when every start term is −∞.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // Vector<T> code: not precompiled (its width is the machine's), so skip tier 0
    public double LogSum(double[] x, double[] start, double[][] mus, double[][] invs)
    {
        if (Width == 1)
        {
            var terms = new double[_kernels];
            for (int k = 0; k < _kernels; k++)
            {
                double s = start[k];
                for (int j = 0; j < x.Length; j++)
                {
                    double t = (x[j] - mus[j][k]) * invs[j][k];
                    s -= t * t;
                }

                terms[k] = s;
            }

            return ParzenEstimator.LogSumExp(terms);
        }

        Span<Vector<double>> xv = stackalloc Vector<double>[_dims];
        for (int j = 0; j < _dims; j++)
        {
            xv[j] = new Vector<double>(x[j]);
        }

        ref double packed = ref MemoryMarshal.GetArrayDataReference(_packed);
        ref double startRef = ref MemoryMarshal.GetArrayDataReference(_start);
        ref double termRef = ref MemoryMarshal.GetArrayDataReference(_terms);
        nuint width = (nuint)Width;
        nuint offset = 0;
        var vMax = new Vector<double>(double.NegativeInfinity);
        for (int b = 0; b < _blocks; b++)
        {
            nuint at = (nuint)b * width;
            var s = Vector.LoadUnsafe(ref startRef, at);
            for (int j = 0; j < xv.Length; j++)
            {
                var t = (xv[j] - Vector.LoadUnsafe(ref packed, offset)) * Vector.LoadUnsafe(ref packed, offset + width);
                s -= t * t;
                offset += 2 * width;
            }

            s.StoreUnsafe(ref termRef, at);
            vMax = Vector.Max(vMax, s);
        }

        return SumExp(_terms.AsSpan(0, _blocks * Width), vMax);
    }
}
