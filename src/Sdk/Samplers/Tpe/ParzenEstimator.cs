using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MathNet.Numerics.Distributions;
using Sharptune.Internal;

namespace Sharptune.Samplers.Tpe;

/// <summary>The estimator options TPE passes through (Optuna's <c>_ParzenEstimatorParameters</c>).</summary>
/// <param name="PriorWeight">The weight of the prior kernel.</param>
/// <param name="ConsiderMagicClip">Whether bandwidths are bounded below by range / min(100, n + 2).</param>
/// <param name="ConsiderEndpoints">Whether the outermost kernels also look at the bounds of the range.</param>
internal readonly record struct ParzenSettings(double PriorWeight, bool ConsiderMagicClip, bool ConsiderEndpoints);

/// <summary>
/// Optional help for building an estimator over many observations: an observation order sorted by value per
/// dimension (so that no sort is needed) and a cache of kernel constants that survive from one trial to the next.
/// </summary>
internal interface IKernelHints
{
    /// <summary>
    /// Computes the bandwidths of the observations of a numeric dimension without sorting them (from an order kept
    /// elsewhere), or returns false to let the estimator sort.
    /// </summary>
    /// <param name="dimension">The dimension index.</param>
    /// <param name="mu">The observations.</param>
    /// <param name="low">The transformed low bound.</param>
    /// <param name="high">The transformed high bound.</param>
    /// <param name="settings">The options.</param>
    /// <param name="sigma">Receives one bandwidth per observation.</param>
    /// <param name="order">Receives the observation indices in ascending order of value (unless empty).</param>
    /// <returns>Whether the bandwidths were computed.</returns>
    bool TryComputeSigmas(int dimension, ReadOnlySpan<double> mu, double low, double high, ParzenSettings settings, Span<double> sigma, Span<int> order);

    /// <summary>Fills the constants of the observation kernels of a numeric dimension, possibly from a cache.</summary>
    /// <param name="dimension">The dimension index.</param>
    /// <param name="mu">The kernel means (one per observation).</param>
    /// <param name="sigma">The kernel bandwidths.</param>
    /// <param name="low">The transformed low bound.</param>
    /// <param name="high">The transformed high bound.</param>
    /// <param name="target">Receives the constants.</param>
    void FillConstants(int dimension, ReadOnlySpan<double> mu, ReadOnlySpan<double> sigma, double low, double high, KernelTarget target);
}

/// <summary>Where the constants of the kernels of one numeric dimension go.</summary>
/// <param name="LogNorm">The truncation masses.</param>
/// <param name="ScaledInvSigma">√½ / sigma.</param>
/// <param name="BaseLog">The per-kernel constant term, reduced by each kernel's normalization.</param>
/// <param name="Continuous">Whether the dimension is continuous (density) rather than discrete (mass).</param>
internal readonly record struct KernelTarget(double[] LogNorm, double[] ScaledInvSigma, double[] BaseLog, bool Continuous)
{
    /// <summary>Stores the constants of kernel <paramref name="k"/>.</summary>
    /// <param name="k">The kernel index.</param>
    /// <param name="kc">The constants.</param>
    public void Set(int k, in KernelConstants kc)
    {
        LogNorm[k] = kc.LogNorm;
        ScaledInvSigma[k] = kc.ScaledInvSigma;
        BaseLog[k] -= Continuous ? TruncatedNormal.LogSqrt2Pi + kc.LogSigma + kc.LogNorm : kc.LogNorm;
    }
}

/// <summary>Per-kernel constants of a numeric dimension that only depend on the kernel and the bounds.</summary>
/// <param name="LogNorm">log(Φ(b) − Φ(a)), the truncation mass.</param>
/// <param name="LogSigma">log(sigma).</param>
/// <param name="ScaledInvSigma">√½ / sigma, so that the Gaussian exponent is −((x − mu) · ScaledInvSigma)².</param>
internal readonly record struct KernelConstants(double LogNorm, double LogSigma, double ScaledInvSigma)
{
    /// <summary>Computes the constants of a kernel.</summary>
    /// <param name="mu">The mean.</param>
    /// <param name="sigma">The bandwidth.</param>
    /// <param name="low">The transformed low bound.</param>
    /// <param name="high">The transformed high bound.</param>
    /// <returns>The constants.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)] // precompiled; inlined, it made the JIT of the first TPE trial's loops slower
    public static KernelConstants Compute(double mu, double sigma, double low, double high)
    {
        double a = (low - mu) / sigma, b = (high - mu) / sigma;
        double logSigma = Math.Log(sigma), inv = 0.70710678118654752440 / sigma;
        if (a > -30 && b < 30)
        {
            double phiA = TruncatedNormal.Ndtr(a), phiNegB = TruncatedNormal.Ndtr(-b);
            double logNorm = a <= 0 && b > 0
                ? MathNet.Numerics.SpecialFunctions.Log1p(-phiA - phiNegB) // the central case of LogGaussMass
                : TruncatedNormal.LogGaussMass(a, b);
            return new(logNorm, logSigma, inv);
        }

        return new(TruncatedNormal.LogGaussMass(a, b), logSigma, inv);
    }
}

/// <summary>Points in a search space, one array of internal values per dimension.</summary>
internal sealed class CandidateSet
{
    /// <summary>Initializes a new instance of the <see cref="CandidateSet"/> class.</summary>
    /// <param name="dimensions">The number of dimensions.</param>
    /// <param name="count">The number of points.</param>
    public CandidateSet(int dimensions, int count)
        : this(dimensions, count, null, 0)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CandidateSet"/> class over a workspace's arrays.</summary>
    /// <param name="dimensions">The number of dimensions.</param>
    /// <param name="count">The number of points.</param>
    /// <param name="workspace">The workspace whose <see cref="TpeWorkspace.Candidates"/> arrays hold the values (their
    /// length may exceed <paramref name="count"/>), or <see langword="null"/> for new arrays.</param>
    /// <param name="slot">Which candidate slot of the workspace.</param>
    public CandidateSet(int dimensions, int count, TpeWorkspace? workspace, int slot)
    {
        Count = count;
        Values = TpeWorkspace.Jagged(workspace, TpeWorkspace.JaggedCandidates + slot, dimensions);
        for (int d = 0; d < dimensions; d++)
        {
            Values[d] = TpeWorkspace.Doubles(workspace, TpeWorkspace.Candidates, (slot * dimensions) + d, count);
        }
    }

    /// <summary>Gets the number of points.</summary>
    public int Count { get; }

    /// <summary>Gets the internal values, indexed [dimension][point] (points from <see cref="Count"/> on are not part of the set).</summary>
    public double[][] Values { get; }
}

/// <summary>
/// A mixture of product kernels over a search space (Optuna v5's <c>_ParzenEstimator</c>): one kernel per
/// observation plus a prior kernel, weighted by the TPE weights. Numeric dimensions use truncated normals (in log
/// space for log parameters; interval masses for discrete ones), categorical dimensions use smoothed indicator rows.
/// With a <see cref="TpeWorkspace"/>, the estimator borrows its arrays and is only valid until the workspace is
/// used again.
/// </summary>
internal sealed class ParzenEstimator
{
    /// <summary>The smallest bandwidth without the magic clip.</summary>
    public const double Eps = 1e-12;

    /// <summary>log 0.25: kernels with at least this share of their mass inside the bounds are sampled by rejection.</summary>
    private const double LogRejectionMass = -1.3862943611198906;

    /// <summary>Draws a rejection-sampled kernel makes before it inverts the truncated CDF instead.</summary>
    private const int MaxRejections = 64;

    private readonly TpeDimension[] _dims;
    private readonly TpeWorkspace? _workspace;
    private readonly double[] _weights;
    private readonly double[] _cumulativeWeights;
    private readonly double[] _baseLog;
    private readonly double[]?[] _mu;
    private readonly double[]?[] _sigma;
    private readonly double[]?[] _scaledInvSigma;
    private readonly double[]?[] _logNorm;
    private readonly double[]?[] _probs;
    private readonly double[]?[] _logProbs;
    private readonly int[]?[] _order;
    private PackedKernels? _argMaxKernels;
    private PackedKernels? _logPdfKernels;
    private readonly int _firstContinuous = -1;

    /// <summary>Initializes a new instance of the <see cref="ParzenEstimator"/> class.</summary>
    /// <param name="dims">The dimensions of the space.</param>
    /// <param name="observationCount">The number of observations m.</param>
    /// <param name="observations">
    /// Per dimension, at least m values: transformed (log) for numeric, the index for categorical. A numeric array with
    /// room for m + 1 values becomes the estimator's means (the prior mean is written at index m).
    /// </param>
    /// <param name="weights">m non-negative observation weights (before the prior is appended and all are normalized).</param>
    /// <param name="settings">The estimator options.</param>
    /// <param name="hints">Optional sort orders and constant cache.</param>
    /// <param name="workspace">Optional reusable arrays.</param>
    public ParzenEstimator(TpeDimension[] dims, int observationCount, double[][] observations, ReadOnlySpan<double> weights, ParzenSettings settings, IKernelHints? hints = null, TpeWorkspace? workspace = null)
    {
        _dims = dims;
        _workspace = workspace;
        int m = observationCount;
        int kernels = m == 0 ? 1 : m + 1;
        KernelCount = kernels;

        var w = TpeWorkspace.Doubles(workspace, TpeWorkspace.Weights, 0, kernels);
        if (m == 0)
        {
            w[0] = 1.0;
        }
        else
        {
            double sum = settings.PriorWeight;
            for (int i = 0; i < m; i++)
            {
                w[i] = weights[i];
                sum += weights[i];
            }

            w[m] = settings.PriorWeight;
            for (int k = 0; k < kernels; k++)
            {
                w[k] /= sum;
            }
        }

        _weights = w;
        _cumulativeWeights = TpeWorkspace.Doubles(workspace, TpeWorkspace.Cumulative, 0, kernels);
        _baseLog = TpeWorkspace.Doubles(workspace, TpeWorkspace.BaseLog, 0, kernels);
        double acc = 0;
        double lastWeight = double.NaN, lastLog = 0;
        for (int k = 0; k < kernels; k++)
        {
            acc += w[k];
            _cumulativeWeights[k] = acc;
            if (w[k] != lastWeight)
            {
                lastWeight = w[k];
                lastLog = Math.Log(w[k]);
            }

            _baseLog[k] = lastLog;
        }

        int nd = dims.Length;
        _mu = TpeWorkspace.Jagged(workspace, TpeWorkspace.JaggedMu, nd);
        _sigma = TpeWorkspace.Jagged(workspace, TpeWorkspace.JaggedSigma, nd);
        _scaledInvSigma = TpeWorkspace.Jagged(workspace, TpeWorkspace.JaggedInv, nd);
        _logNorm = TpeWorkspace.Jagged(workspace, TpeWorkspace.JaggedLogNorm, nd);
        _probs = TpeWorkspace.Jagged(workspace, TpeWorkspace.JaggedProbs, nd);
        _logProbs = TpeWorkspace.Jagged(workspace, TpeWorkspace.JaggedLogProbs, nd);
        _order = TpeWorkspace.JaggedOrders(workspace, nd);
        for (int d = 0; d < nd; d++)
        {
            if (dims[d].Kind == KernelKind.Continuous)
            {
                _firstContinuous = d;
                break;
            }
        }

        for (int d = 0; d < nd; d++)
        {
            var dim = dims[d];
            if (dim.Kind == KernelKind.Categorical)
            {
                BuildCategorical(d, dim.ChoiceCount, m, observations[d], settings.PriorWeight);
            }
            else
            {
                BuildNumeric(d, dim, m, observations[d], settings, hints);
            }
        }
    }

    /// <summary>Gets the dimensions of the space.</summary>
    public IReadOnlyList<TpeDimension> Dimensions => _dims;

    /// <summary>Gets the number of kernels (observations plus the prior).</summary>
    public int KernelCount { get; }

    /// <summary>Gets the normalized mixture weights, the prior last.</summary>
    public IReadOnlyList<double> Weights => new ArraySegment<double>(_weights, 0, KernelCount);

    /// <summary>Gets the kernel means of a numeric dimension (transformed space), the prior last.</summary>
    /// <param name="dimension">The dimension index.</param>
    /// <returns>The means.</returns>
    public IReadOnlyList<double> Mus(int dimension) =>
        new ArraySegment<double>(_mu[dimension] ?? throw new InvalidOperationException("The dimension is categorical."), 0, KernelCount);

    /// <summary>Gets the kernel bandwidths of a numeric dimension, the prior last.</summary>
    /// <param name="dimension">The dimension index.</param>
    /// <returns>The bandwidths.</returns>
    public IReadOnlyList<double> Sigmas(int dimension) =>
        new ArraySegment<double>(_sigma[dimension] ?? throw new InvalidOperationException("The dimension is categorical."), 0, KernelCount);

    /// <summary>Gets the kernel rows of a categorical dimension, [kernel × choice], the prior row last.</summary>
    /// <param name="dimension">The dimension index.</param>
    /// <returns>The probabilities.</returns>
    public IReadOnlyList<double> CategoricalRows(int dimension) =>
        new ArraySegment<double>(_probs[dimension] ?? throw new InvalidOperationException("The dimension is numeric."), 0, KernelCount * _dims[dimension].ChoiceCount);

    /// <summary>Computes the TPE bandwidths of observations on [low, high] (Optuna v5's rule).</summary>
    /// <param name="mus">The observations (transformed space).</param>
    /// <param name="order">Their indices sorted by value.</param>
    /// <param name="low">The low bound (transformed).</param>
    /// <param name="high">The high bound (transformed).</param>
    /// <param name="settings">The options.</param>
    /// <param name="sigmas">Receives one bandwidth per observation.</param>
    public static void ComputeSigmas(ReadOnlySpan<double> mus, ReadOnlySpan<int> order, double low, double high, ParzenSettings settings, Span<double> sigmas)
    {
        var writer = new SigmaWriter(sigmas, order.Length, low, high, settings);
        foreach (int i in order)
        {
            writer.Push(i, mus[i]);
        }

        writer.Finish();
    }

    /// <summary>
    /// Computes bandwidths from observations pushed in ascending order: each one is the larger gap to its
    /// neighbours (the range bounds at the ends), the outermost ones use their inner gap only unless endpoints are
    /// considered, and all are clipped to [range / min(100, m + 2), range] (the "magic clip").
    /// </summary>
    internal ref struct SigmaWriter
    {
        private readonly Span<double> _sigmas;
        private readonly int _count;
        private readonly double _high;
        private readonly double _minSigma;
        private readonly double _maxSigma;
        private readonly bool _innerOnly;
        private double _previous;
        private double _current;
        private int _currentIndex;
        private int _emitted;

        /// <summary>Initializes a new instance of the <see cref="SigmaWriter"/> struct.</summary>
        /// <param name="sigmas">Receives the bandwidths by observation index.</param>
        /// <param name="count">The number of observations that will be pushed.</param>
        /// <param name="low">The low bound.</param>
        /// <param name="high">The high bound.</param>
        /// <param name="settings">The options.</param>
        public SigmaWriter(Span<double> sigmas, int count, double low, double high, ParzenSettings settings)
        {
            _sigmas = sigmas;
            _count = count;
            _high = high;
            _maxSigma = high - low;
            _minSigma = settings.ConsiderMagicClip ? (high - low) / Math.Min(100.0, count + 2.0) : Eps;
            _innerOnly = !settings.ConsiderEndpoints && count >= 2;
            _previous = low;
            _current = 0;
            _currentIndex = -1;
            _emitted = 0;
        }

        /// <summary>Adds the next observation in ascending order.</summary>
        /// <param name="index">Its index.</param>
        /// <param name="value">Its value.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Push(int index, double value)
        {
            if (_currentIndex >= 0)
            {
                Emit(value);
                _previous = _current;
            }

            _currentIndex = index;
            _current = value;
        }

        /// <summary>Emits the last observation.</summary>
        public void Finish()
        {
            if (_currentIndex >= 0)
            {
                Emit(_high);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Emit(double next)
        {
            double sigma = Math.Max(_current - _previous, next - _current);
            if (_innerOnly)
            {
                if (_emitted == 0)
                {
                    sigma = next - _current;
                }
                else if (_emitted == _count - 1)
                {
                    sigma = _current - _previous;
                }
            }

            // np.clip semantics: the upper bound wins when the bounds cross.
            _sigmas[_currentIndex] = Math.Min(Math.Max(sigma, _minSigma), _maxSigma);
            _emitted++;
        }
    }

    private void BuildCategorical(int d, int choices, int m, double[] obs, double priorWeight)
    {
        int kernels = KernelCount;
        int size = kernels * choices;
        var probs = TpeWorkspace.Doubles(_workspace, TpeWorkspace.Sigma, d, size);
        if (m == 0)
        {
            Spans.Fill(probs.AsSpan(0, size), 1.0 / choices);
        }
        else
        {
            Spans.Fill(probs.AsSpan(0, size), priorWeight / kernels);
            for (int i = 0; i < m; i++)
            {
                probs[(i * choices) + (int)obs[i]] += 1.0;
            }

            for (int k = 0; k < kernels; k++)
            {
                var row = probs.AsSpan(k * choices, choices);
                double sum = 0;
                foreach (double p in row)
                {
                    sum += p;
                }

                double div = sum == 0 ? 1.0 : sum;
                for (int c = 0; c < choices; c++)
                {
                    row[c] /= div;
                }
            }
        }

        var logProbs = TpeWorkspace.Doubles(_workspace, TpeWorkspace.LogNorm, d, size);
        for (int j = 0; j < size; j++)
        {
            logProbs[j] = Math.Log(probs[j]);
        }

        _probs[d] = probs;
        _logProbs[d] = logProbs;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop of every trial: optimized at first call, never run as tier-0 or instrumented code
    private void BuildNumeric(int d, TpeDimension dim, int m, double[] obs, ParzenSettings settings, IKernelHints? hints)
    {
        int kernels = KernelCount;
        double low = dim.AdaptedLow, high = dim.AdaptedHigh;

        // The observation array becomes the means when it has room for the prior kernel.
        double[] mu;
        if (obs.Length >= kernels)
        {
            mu = obs;
        }
        else
        {
            mu = new double[kernels];
            Array.Copy(obs, mu, m);
        }

        var sigma = TpeWorkspace.Doubles(_workspace, TpeWorkspace.Sigma, d, kernels);
        var order = TpeWorkspace.Ints(_workspace, TpeWorkspace.Order, d, kernels);
        bool packingOrder = d == _firstContinuous; // only the first continuous dimension orders the packed kernels
        if (m > 0 && (hints is null || !hints.TryComputeSigmas(d, mu.AsSpan(0, m), low, high, settings, sigma.AsSpan(0, m), packingOrder ? order.AsSpan(0, m) : [])))
        {
            // Optuna's order of equal observations is that of NumPy's (unstable) argsort.
            NumpyArgSort.ArgSort(mu.AsSpan(0, m), order.AsSpan(0, m));
            ComputeSigmas(mu.AsSpan(0, m), order.AsSpan(0, m), low, high, settings, sigma.AsSpan(0, m));
        }

        order[kernels - 1] = kernels - 1; // the prior last
        _order[d] = order;

        mu[kernels - 1] = 0.5 * (low + high);
        sigma[kernels - 1] = high - low;

        var logNorm = TpeWorkspace.Doubles(_workspace, TpeWorkspace.LogNorm, d, kernels);
        var inv = TpeWorkspace.Doubles(_workspace, TpeWorkspace.ScaledInv, d, kernels);
        var target = new KernelTarget(logNorm, inv, _baseLog, dim.Kind == KernelKind.Continuous);
        if (hints is not null && m > 0)
        {
            hints.FillConstants(d, mu.AsSpan(0, m), sigma.AsSpan(0, m), low, high, target);
        }
        else
        {
            for (int k = 0; k < m; k++)
            {
                target.Set(k, KernelConstants.Compute(mu[k], sigma[k], low, high));
            }
        }

        target.Set(kernels - 1, KernelConstants.Compute(mu[kernels - 1], sigma[kernels - 1], low, high));
        _mu[d] = mu;
        _sigma[d] = sigma;
        _logNorm[d] = logNorm;
        _scaledInvSigma[d] = inv;
    }

    /// <summary>Draws points from the mixture: a kernel by weight, then each dimension from that kernel.</summary>
    /// <param name="rng">The generator.</param>
    /// <param name="count">The number of points.</param>
    /// <returns>The points, in internal representation.</returns>
    public CandidateSet Sample(Random rng, int count) => Sample(rng, count, -1);

    /// <summary>Draws points from the mixture into one of the workspace's candidate slots.</summary>
    /// <param name="rng">The generator.</param>
    /// <param name="count">The number of points.</param>
    /// <param name="slot">The workspace slot (<see cref="TpeWorkspace.Candidates"/>) that holds the points until the
    /// next draw into it; −1 for new arrays.</param>
    /// <returns>The points, in internal representation.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop of every trial: optimized at first call, never run as tier-0 or instrumented code
    public CandidateSet Sample(Random rng, int count, int slot)
    {
        var workspace = slot >= 0 ? _workspace : null;
        var result = new CandidateSet(_dims.Length, count, workspace, Math.Max(slot, 0));
        var active = TpeWorkspace.Ints(workspace, TpeWorkspace.Candidates, Math.Max(slot, 0), count);
        int last = KernelCount - 1;
        var cumulative = _cumulativeWeights.AsSpan(0, KernelCount);
        for (int c = 0; c < count; c++)
        {
            double u = rng.NextDouble();
            active[c] = Math.Min(UpperBound(cumulative, u), last);
        }

        for (int d = 0; d < _dims.Length; d++)
        {
            var dim = _dims[d];
            var values = result.Values[d];
            if (dim.Kind == KernelKind.Categorical)
            {
                int choices = dim.ChoiceCount;
                var probs = _probs[d]!;
                for (int c = 0; c < count; c++)
                {
                    // Inverse CDF of the kernel's row: the number of cumulative probabilities below u.
                    double u = rng.NextDouble();
                    int row = active[c] * choices;
                    double cum = 0;
                    int index = 0;
                    for (int j = 0; j < choices - 1; j++)
                    {
                        cum += probs[row + j];
                        if (cum < u)
                        {
                            index = j + 1;
                        }
                        else
                        {
                            break;
                        }
                    }

                    values[c] = index;
                }
            }
            else
            {
                var mu = _mu[d]!;
                var sigma = _sigma[d]!;
                var logNorm = _logNorm[d]!;

                // A kernel holding most of its mass inside the bounds draws from the untruncated normal (MathNet's
                // sampler) and rejects draws outside: the same distribution as Optuna's inverse CDF, at a fraction of
                // its cost in a fresh process, where MathNet's ErfcInv runs as tier-0 code for the first thousand
                // trials. A bandwidth never exceeds the range, so at least 34 % of a kernel's mass is inside and a
                // draw takes under three tries on average; any other kernel inverts the truncated CDF.
                for (int c = 0; c < count; c++)
                {
                    int k = active[c];
                    double a = (dim.AdaptedLow - mu[k]) / sigma[k];
                    double b = (dim.AdaptedHigh - mu[k]) / sigma[k];
                    bool drawn = logNorm[k] >= LogRejectionMass && a < b;
                    double z = drawn ? Normal.Sample(rng, 0.0, 1.0) : 0.0;
                    for (int tries = 1; drawn && (z < a || z > b); tries++)
                    {
                        drawn = tries < MaxRejections;
                        z = Normal.Sample(rng, 0.0, 1.0);
                    }

                    if (!drawn)
                    {
                        z = TruncatedNormal.Ppf(rng.NextDouble(), a, b, logNorm[k]);
                    }

                    double t = Math.Clamp((z * sigma[k]) + mu[k], dim.AdaptedLow, dim.AdaptedHigh);
                    values[c] = dim.Untransform(t);
                }
            }
        }

        return result;
    }

    // Inlined into Sample: crossgen2 precompiles a private method only for precompiled callers, and a method with
    // AggressiveOptimization is not one, so a call would run tier-0 code for the whole of a short study.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int UpperBound(ReadOnlySpan<double> cumulative, double u)
    {
        int lo = 0, hi = cumulative.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] <= u)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>
    /// Returns the index of the point maximizing <c>logL[c] − log p(point c)</c> under this mixture (the TPE
    /// acquisition log l − log g): the first on ties, NaN scores ignored, 0 when no score is a number. Equivalent to
    /// <see cref="LogPdf"/> followed by an argmax, which it is for one dimension; when two or more dimensions are all
    /// continuous, points that cannot win are not summed (see <see cref="PackedKernels.ArgMaxRatio"/>).
    /// </summary>
    /// <param name="points">The points (inside the space).</param>
    /// <param name="logL">The other density's log at each point.</param>
    /// <returns>The index.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop of every trial: optimized at first call, never run as tier-0 or instrumented code
    public int ArgMaxRatio(CandidateSet points, ReadOnlySpan<double> logL)
    {
        int n = points.Count;
        bool allContinuous = n > 0;
        foreach (var dim in _dims)
        {
            allContinuous &= dim.Kind == KernelKind.Continuous;
        }

        // In one dimension tens of kernels overlap at any point, so a point's largest term bounds its score too
        // loosely to skip it (82-93 % of the points were summed): the batched evaluation of every point is faster.
        if (!allContinuous || !Vector.IsHardwareAccelerated || _dims.Length == 1)
        {
            var logG = TpeWorkspace.Doubles(_workspace, TpeWorkspace.Scores, 3, n).AsSpan(0, n);
            LogPdf(points, logG);
            int best = 0;
            double bestScore = double.NegativeInfinity;
            for (int c = 0; c < n; c++)
            {
                double score = logL[c] - logG[c];
                if (score > bestScore)
                {
                    bestScore = score;
                    best = c;
                }
            }

            return best;
        }

        return ArgMaxRatio(_dims, _argMaxKernels ??= PackForArgMax(), points, logL, _workspace);
    }

    /// <summary>
    /// <see cref="ArgMaxRatio(CandidateSet, ReadOnlySpan{double})"/> over kernels already packed by cells, for a mixture
    /// whose dimensions are all continuous (two or more): the points are transformed and handed to
    /// <see cref="PackedKernels.ArgMaxRatio"/>.
    /// </summary>
    /// <param name="dims">The dimensions of the space.</param>
    /// <param name="packed">The mixture's kernels with their start terms.</param>
    /// <param name="points">The points (inside the space).</param>
    /// <param name="logL">The other density's log at each point.</param>
    /// <param name="workspace">Optional reusable arrays.</param>
    /// <returns>The index.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop of every trial: optimized at first call, never run as tier-0 or instrumented code
    internal static int ArgMaxRatio(TpeDimension[] dims, PackedKernels packed, CandidateSet points, ReadOnlySpan<double> logL, TpeWorkspace? workspace)
    {
        int n = points.Count;
        int nd = dims.Length;
        var xs = TpeWorkspace.Doubles(workspace, TpeWorkspace.Argmax, 3, n * nd);
        Span<bool> inside = n <= 1024 ? stackalloc bool[n] : new bool[n];
        for (int c = 0; c < n; c++)
        {
            bool ok = true;
            for (int d = 0; d < nd; d++)
            {
                var dim = dims[d];
                double t = dim.Transform(points.Values[d][c]);
                ok &= t >= dim.AdaptedLow && t <= dim.AdaptedHigh;
                xs[(c * nd) + d] = t;
            }

            inside[c] = ok;
        }

        return packed.ArgMaxRatio(xs, n, logL, inside);
    }

    /// <summary>
    /// Packs the kernels once for every <see cref="ArgMaxRatio(CandidateSet, ReadOnlySpan{double})"/> call on this mixture (TPE's refinement makes a
    /// second one), in workspace slot 1 so that <see cref="LogPdf"/>'s packing (slot 0) never overwrites them.
    /// </summary>
    private PackedKernels PackForArgMax()
    {
        int nd = _dims.Length;
        var mus = new double[nd][];
        var invs = new double[nd][];
        for (int d = 0; d < nd; d++)
        {
            mus[d] = _mu[d]!;
            invs[d] = _scaledInvSigma[d]!;
        }

        var packed = KernelCount >= PackedKernels.MinCellKernels
            ? PackedKernels.ByCells(KernelCount, mus, invs, _order[0]!, _workspace, slot: 1)
            : new PackedKernels(KernelCount, mus, invs, _order[0], _workspace, slot: 1, wide: PackedKernels.CanUseWide);
        packed.SetStart(_baseLog);
        return packed;
    }

    /// <summary>Computes the log-density of the mixture at each point.</summary>
    /// <param name="points">The points (internal representation, inside the space).</param>
    /// <param name="result">Receives one log-density per point.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop of every trial: optimized at first call, never run as tier-0 or instrumented code
    public void LogPdf(CandidateSet points, Span<double> result)
    {
        int n = points.Count;
        int kernels = KernelCount;
        int nd = _dims.Length;

        // Discrete dimensions: interval masses for each (distinct point value, distinct kernel) pair (the tables are
        // made only when there is a discrete dimension).
        int[]?[] discreteRowOf = [];
        int[]?[] discreteKernelOf = [];
        double[]?[] discreteMass = [];
        var discreteStride = TpeWorkspace.Ints(_workspace, TpeWorkspace.Dimensions, 1, nd);
        int continuousCount = 0;
        bool anyTable = false;
        for (int d = 0; d < nd; d++)
        {
            switch (_dims[d].Kind)
            {
                case KernelKind.Discrete:
                    if (discreteRowOf.Length == 0)
                    {
                        discreteRowOf = new int[nd][];
                        discreteKernelOf = new int[nd][];
                        discreteMass = new double[nd][];
                    }

                    PrepareDiscrete(d, points.Values[d], n, out discreteRowOf[d], out discreteKernelOf[d], out discreteMass[d], out discreteStride[d]);
                    anyTable = true;
                    break;
                case KernelKind.Categorical:
                    anyTable = true;
                    break;
                default:
                    continuousCount++;
                    break;
            }
        }

        var continuousDims = TpeWorkspace.Ints(_workspace, TpeWorkspace.Dimensions, 0, continuousCount);
        var mus = TpeWorkspace.Jagged(_workspace, TpeWorkspace.JaggedPackMu, continuousCount);
        var invs = TpeWorkspace.Jagged(_workspace, TpeWorkspace.JaggedPackInv, continuousCount);
        for (int d = 0, j = 0; d < nd; d++)
        {
            if (_dims[d].Kind == KernelKind.Continuous)
            {
                continuousDims[j] = d;
                mus[j] = _mu[d]!;
                invs[j] = _scaledInvSigma[d]!;
                j++;
            }
        }

        // Kernels packed in ascending order of the first continuous dimension: kernels far from a point then share
        // blocks, and blocks whose terms are all negligible skip the exponential.
        // Packed once per estimator: TPE evaluates the candidates and then the refinement's points.
        var packed = _logPdfKernels ??= new PackedKernels(kernels, mus, invs, continuousCount > 0 ? _order[continuousDims[0]] : null, _workspace);
        double[] start = _baseLog;
        if (anyTable)
        {
            start = TpeWorkspace.Doubles(_workspace, TpeWorkspace.Start, 0, kernels);
        }
        else
        {
            packed.SetStart(_baseLog);
        }

        if (!anyTable && continuousCount > 0)
        {
            // Every dimension is continuous: all points share the kernel constants, so evaluate them in batches.
            var xs = TpeWorkspace.Doubles(_workspace, TpeWorkspace.Scores, 2, n * continuousCount);
            Span<bool> inside = n <= 1024 ? stackalloc bool[n] : new bool[n];
            for (int c = 0; c < n; c++)
            {
                bool ok = true;
                for (int j = 0; j < continuousCount; j++)
                {
                    var dim = _dims[continuousDims[j]];
                    double t = dim.Transform(points.Values[continuousDims[j]][c]);
                    ok &= t >= dim.AdaptedLow && t <= dim.AdaptedHigh;
                    xs[(c * continuousCount) + j] = t;
                }

                inside[c] = ok;
            }

            packed.LogSumBatch(xs, n, result);
            for (int c = 0; c < n; c++)
            {
                if (!inside[c])
                {
                    result[c] = double.NegativeInfinity;
                }
            }

            return;
        }

        var x = new double[continuousCount];
        for (int c = 0; c < n; c++)
        {
            bool outside = false;
            for (int j = 0; j < continuousCount; j++)
            {
                var dim = _dims[continuousDims[j]];
                double t = dim.Transform(points.Values[continuousDims[j]][c]);
                outside |= t < dim.AdaptedLow || t > dim.AdaptedHigh;
                x[j] = t;
            }

            if (outside)
            {
                result[c] = double.NegativeInfinity;
                continue;
            }

            if (anyTable)
            {
                // Discrete and categorical terms per kernel (table lookups), added to the kernel constants.
                Array.Copy(_baseLog, start, kernels);
                for (int d = 0; d < nd; d++)
                {
                    var dim = _dims[d];
                    if (dim.Kind == KernelKind.Discrete)
                    {
                        var kernelOf = discreteKernelOf[d]!;
                        var mass = discreteMass[d]!;
                        int row = discreteRowOf[d]![c] * discreteStride[d];
                        for (int k = 0; k < kernels; k++)
                        {
                            start[k] += mass[row + kernelOf[k]];
                        }
                    }
                    else if (dim.Kind == KernelKind.Categorical)
                    {
                        int choices = dim.ChoiceCount;
                        int choice = (int)points.Values[d][c];
                        var lp = _logProbs[d]!;
                        for (int k = 0, at = choice; k < kernels; k++, at += choices)
                        {
                            start[k] += lp[at];
                        }
                    }
                }

                packed.SetStart(start);
            }

            result[c] = packed.LogSum(x, start, mus, invs);
        }
    }

    private void PrepareDiscrete(int d, double[] values, int n, out int[]? rowOf, out int[]? kernelOf, out double[]? mass, out int stride)
    {
        var dim = _dims[d];
        var mu = _mu[d]!;
        var sigma = _sigma[d]!;
        int kernels = KernelCount;

        // Distinct point values (the normalizers are already part of each kernel's base term).
        rowOf = new int[n];
        var distinct = new List<double>(Math.Min(n, 32));
        for (int c = 0; c < n; c++)
        {
            int found = distinct.IndexOf(values[c]);
            if (found < 0)
            {
                found = distinct.Count;
                distinct.Add(values[c]);
            }

            rowOf[c] = found;
        }

        // Distinct kernels: equal (mu, sigma) give equal masses.
        kernelOf = TpeWorkspace.Ints(_workspace, TpeWorkspace.Order, d, kernels);
        var kernelIndex = new Dictionary<(double, double), int>();
        var uniqueMu = new List<double>();
        var uniqueSigma = new List<double>();
        for (int k = 0; k < kernels; k++)
        {
            var key = (mu[k], sigma[k]);
            if (!kernelIndex.TryGetValue(key, out int u))
            {
                u = uniqueMu.Count;
                kernelIndex[key] = u;
                uniqueMu.Add(mu[k]);
                uniqueSigma.Add(sigma[k]);
            }

            kernelOf[k] = u;
        }

        stride = uniqueMu.Count;
        mass = new double[distinct.Count * stride];
        double half = dim.Step / 2;
        for (int r = 0; r < distinct.Count; r++)
        {
            double x = distinct[r];
            double left = dim.IsLog ? Math.Log(x - half) : x - half;
            double right = dim.IsLog ? Math.Log(x + half) : x + half;
            for (int j = 0; j < stride; j++)
            {
                double sg = uniqueSigma[j], m = uniqueMu[j];
                mass[(r * stride) + j] = TruncatedNormal.LogGaussMass((left - m) / sg, (right - m) / sg);
            }
        }
    }

    /// <summary>log Σ exp(s[k]); −∞ when every term is −∞.</summary>
    /// <param name="s">The terms.</param>
    /// <returns>The log of the sum of exponentials.</returns>
    internal static double LogSumExp(ReadOnlySpan<double> s)
    {
        double max = double.NegativeInfinity;
        foreach (double v in s)
        {
            if (v > max)
            {
                max = v;
            }
        }

        if (double.IsNegativeInfinity(max))
        {
            return double.NegativeInfinity;
        }

        if (double.IsPositiveInfinity(max) || double.IsNaN(max))
        {
            return max;
        }

        double sum = 0;
        foreach (double v in s)
        {
            sum += Math.Exp(v - max);
        }

        return max + Math.Log(sum);
    }
}
