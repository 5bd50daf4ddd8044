using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
/// <param name="Sampling">When the estimator draws points: Φ(a), Φ(−b) and the mass of each kernel, three per kernel.</param>
internal readonly record struct KernelTarget(double[] LogNorm, double[] ScaledInvSigma, double[] BaseLog, bool Continuous, double[]? Sampling)
{
    /// <summary>Stores the constants of kernel <paramref name="k"/>.</summary>
    /// <param name="k">The kernel index.</param>
    /// <param name="kc">The constants.</param>
    public void Set(int k, in KernelConstants kc)
    {
        LogNorm[k] = kc.LogNorm;
        ScaledInvSigma[k] = kc.ScaledInvSigma;
        BaseLog[k] -= Continuous ? TruncatedNormal.LogSqrt2Pi + kc.LogSigma + kc.LogNorm : kc.LogNorm;
        if (Sampling is { } sampling)
        {
            sampling[3 * k] = kc.PhiA;
            sampling[(3 * k) + 1] = kc.PhiNegB;
            sampling[(3 * k) + 2] = kc.Mass;
        }
    }
}

/// <summary>Per-kernel constants of a numeric dimension that only depend on the kernel and the bounds.</summary>
/// <param name="LogNorm">log(Φ(b) − Φ(a)), the truncation mass.</param>
/// <param name="LogSigma">log(sigma).</param>
/// <param name="ScaledInvSigma">√½ / sigma, so that the Gaussian exponent is −((x − mu) · ScaledInvSigma)².</param>
/// <param name="PhiA">Φ(a), or NaN when a ≤ −30 or b ≥ 30 (draws then use the log-space inverse).</param>
/// <param name="PhiNegB">Φ(−b), or NaN likewise.</param>
/// <param name="Mass">Φ(b) − Φ(a), or NaN likewise.</param>
internal readonly record struct KernelConstants(double LogNorm, double LogSigma, double ScaledInvSigma, double PhiA, double PhiNegB, double Mass)
{
    /// <summary>Computes the constants of a kernel.</summary>
    /// <param name="mu">The mean.</param>
    /// <param name="sigma">The bandwidth.</param>
    /// <param name="low">The transformed low bound.</param>
    /// <param name="high">The transformed high bound.</param>
    /// <returns>The constants.</returns>
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
            return new(logNorm, logSigma, inv, phiA, phiNegB, Math.Exp(logNorm));
        }

        return new(TruncatedNormal.LogGaussMass(a, b), logSigma, inv, double.NaN, double.NaN, double.NaN);
    }
}

/// <summary>Points in a search space, one array of internal values per dimension.</summary>
internal sealed class CandidateSet
{
    /// <summary>Initializes a new instance of the <see cref="CandidateSet"/> class.</summary>
    /// <param name="dimensions">The number of dimensions.</param>
    /// <param name="count">The number of points.</param>
    public CandidateSet(int dimensions, int count)
    {
        Count = count;
        Values = new double[dimensions][];
        for (int d = 0; d < dimensions; d++)
        {
            Values[d] = new double[count];
        }
    }

    /// <summary>Gets the number of points.</summary>
    public int Count { get; }

    /// <summary>Gets the internal values, indexed [dimension][point].</summary>
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
    private readonly double[]?[] _sampling;
    private readonly bool _forSampling;
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
    /// <param name="forSampling">Whether points will be drawn (keeps what the inverse CDF needs per kernel).</param>
    public ParzenEstimator(TpeDimension[] dims, int observationCount, double[][] observations, ReadOnlySpan<double> weights, ParzenSettings settings, IKernelHints? hints = null, TpeWorkspace? workspace = null, bool forSampling = true)
    {
        _dims = dims;
        _forSampling = forSampling;
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
        _mu = new double[nd][];
        _sigma = new double[nd][];
        _scaledInvSigma = new double[nd][];
        _logNorm = new double[nd][];
        _probs = new double[nd][];
        _logProbs = new double[nd][];
        _order = new int[nd][];
        _sampling = new double[nd][];
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
            probs.AsSpan(0, size).Fill(1.0 / choices);
        }
        else
        {
            probs.AsSpan(0, size).Fill(priorWeight / kernels);
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
            var keys = TpeWorkspace.Doubles(_workspace, TpeWorkspace.Keys, 0, m);
            for (int i = 0; i < m; i++)
            {
                order[i] = i;
                keys[i] = mu[i];
            }

            SortStable(keys.AsSpan(0, m), order.AsSpan(0, m));
            ComputeSigmas(mu.AsSpan(0, m), order.AsSpan(0, m), low, high, settings, sigma.AsSpan(0, m));
        }

        order[kernels - 1] = kernels - 1; // the prior last
        _order[d] = order;

        mu[kernels - 1] = 0.5 * (low + high);
        sigma[kernels - 1] = high - low;

        var logNorm = TpeWorkspace.Doubles(_workspace, TpeWorkspace.LogNorm, d, kernels);
        var inv = TpeWorkspace.Doubles(_workspace, TpeWorkspace.ScaledInv, d, kernels);
        var sampling = _forSampling ? TpeWorkspace.Doubles(_workspace, TpeWorkspace.Sampling, d, 3 * kernels) : null;
        _sampling[d] = sampling;
        var target = new KernelTarget(logNorm, inv, _baseLog, dim.Kind == KernelKind.Continuous, sampling);
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

    /// <summary>Sorts keys ascending, carrying the items, stable for equal keys (items are distinct indices).</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="items">The items (distinct).</param>
    internal static void SortStable(Span<double> keys, Span<int> items)
    {
        keys.Sort(items);
        int n = keys.Length;
        int start = 0;
        for (int i = 1; i <= n; i++)
        {
            if (i == n || keys[i] != keys[start])
            {
                if (i - start > 1)
                {
                    items[start..i].Sort();
                }

                start = i;
            }
        }
    }

    /// <summary>Draws points from the mixture: a kernel by weight, then each dimension from that kernel.</summary>
    /// <param name="rng">The generator.</param>
    /// <param name="count">The number of points.</param>
    /// <returns>The points, in internal representation.</returns>
    public CandidateSet Sample(Random rng, int count)
    {
        var result = new CandidateSet(_dims.Length, count);
        var active = new int[count];
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
                var sampling = _sampling[d];
                for (int c = 0; c < count; c++)
                {
                    int k = active[c];
                    double u = rng.NextDouble();
                    double a = (dim.AdaptedLow - mu[k]) / sigma[k];
                    double b = (dim.AdaptedHigh - mu[k]) / sigma[k];
                    double z = sampling is not null && !double.IsNaN(sampling[3 * k])
                        ? TruncatedNormal.PpfLinear(u, a, b, sampling[3 * k], sampling[(3 * k) + 1], sampling[(3 * k) + 2])
                        : TruncatedNormal.Ppf(u, a, b, logNorm[k]);
                    double t = Math.Clamp((z * sigma[k]) + mu[k], dim.AdaptedLow, dim.AdaptedHigh);
                    values[c] = dim.Untransform(t);
                }
            }
        }

        return result;
    }

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
    /// <see cref="LogPdf"/> followed by an argmax; when every dimension is continuous, points that cannot win are
    /// not summed (see <see cref="PackedKernels.ArgMaxRatio"/>).
    /// </summary>
    /// <param name="points">The points (inside the space).</param>
    /// <param name="logL">The other density's log at each point.</param>
    /// <returns>The index.</returns>
    public int ArgMaxRatio(CandidateSet points, ReadOnlySpan<double> logL)
    {
        int n = points.Count;
        bool allContinuous = n > 0;
        foreach (var dim in _dims)
        {
            allContinuous &= dim.Kind == KernelKind.Continuous;
        }

        if (!allContinuous || !Vector.IsHardwareAccelerated)
        {
            var logG = new double[n];
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

        int nd = _dims.Length;
        var mus = new double[nd][];
        var invs = new double[nd][];
        for (int d = 0; d < nd; d++)
        {
            mus[d] = _mu[d]!;
            invs[d] = _scaledInvSigma[d]!;
        }

        var packed = new PackedKernels(KernelCount, mus, invs, _order[0], _workspace);
        packed.SetStart(_baseLog);
        var xs = new double[n * nd];
        var inside = new bool[n];
        for (int c = 0; c < n; c++)
        {
            bool ok = true;
            for (int d = 0; d < nd; d++)
            {
                var dim = _dims[d];
                double t = dim.Transform(points.Values[d][c]);
                ok &= t >= dim.AdaptedLow && t <= dim.AdaptedHigh;
                xs[(c * nd) + d] = t;
            }

            inside[c] = ok;
        }

        return packed.ArgMaxRatio(xs, n, logL, inside);
    }

    /// <summary>Computes the log-density of the mixture at each point.</summary>
    /// <param name="points">The points (internal representation, inside the space).</param>
    /// <param name="result">Receives one log-density per point.</param>
    public void LogPdf(CandidateSet points, Span<double> result)
    {
        int n = points.Count;
        int kernels = KernelCount;
        int nd = _dims.Length;

        // Discrete dimensions: interval masses for each (distinct point value, distinct kernel) pair.
        int[]?[] discreteRowOf = new int[nd][];
        int[]?[] discreteKernelOf = new int[nd][];
        double[]?[] discreteMass = new double[nd][];
        var discreteStride = new int[nd];
        int continuousCount = 0;
        bool anyTable = false;
        for (int d = 0; d < nd; d++)
        {
            switch (_dims[d].Kind)
            {
                case KernelKind.Discrete:
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

        var continuousDims = new int[continuousCount];
        var mus = new double[continuousCount][];
        var invs = new double[continuousCount][];
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
        var packed = new PackedKernels(kernels, mus, invs, continuousCount > 0 ? _order[continuousDims[0]] : null, _workspace);
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
            var xs = new double[n * continuousCount];
            var inside = new bool[n];
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
    public PackedKernels(int kernels, double[][] mus, double[][] invs, int[]? order, TpeWorkspace? workspace)
    {
        _kernels = kernels;
        _order = order;
        _workspace = workspace;
        _dims = mus.Length;
        _blocks = (kernels + Width - 1) / Width;
        int stride = Width * 2 * _dims;
        int padded = _blocks * Width;
        _packed = TpeWorkspace.Doubles(workspace, TpeWorkspace.Packed, 0, _blocks * stride);
        _start = TpeWorkspace.Doubles(workspace, TpeWorkspace.PackedStart, 0, padded);
        _terms = TpeWorkspace.Doubles(workspace, TpeWorkspace.PackedTerms, 0, padded);
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
    public int ArgMaxRatio(double[] xs, int n, ReadOnlySpan<double> logL, ReadOnlySpan<bool> inside)
    {
        bool large = (long)_blocks * Width * _dims * 16 > LargeKernelBytes;
        int padded = _blocks * Width;
        var maxima = new double[n];
        double[]? terms = null;
        if (large)
        {
            TiledMaxima(xs, n, maxima);
        }
        else
        {
            terms = _workspace is null ? new double[n * padded] : _workspace.Doubles(TpeWorkspace.PackedTerms, 2, n * padded);
            TermsAndMaxima(xs, n, terms, padded, maxima);
        }

        // Upper bounds of the scores, visited in decreasing order (stable by index).
        var bounds = new double[n];
        var order = new int[n];
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

        ParzenEstimator.SortStable(bounds.AsSpan(0, count), order.AsSpan(0, count));
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
                logG = large ? SumTiledOne(xs, c, maxima[c]) : SumExp(terms.AsSpan(c * padded, padded), maxima[c]);
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

    /// <summary>The first pass for all points: every term, and each point's largest.</summary>
    private void TermsAndMaxima(double[] xs, int n, double[] terms, int padded, double[] maxima)
    {
        ref double packed = ref MemoryMarshal.GetArrayDataReference(_packed);
        ref double startRef = ref MemoryMarshal.GetArrayDataReference(_start);
        ref double termRef = ref MemoryMarshal.GetArrayDataReference(terms);
        nuint width = (nuint)Width;
        for (int c0 = 0; c0 < n; c0 += 4)
        {
            int group = Math.Min(4, n - c0);
            int i0 = c0 * _dims;
            int i1 = (c0 + Math.Min(1, group - 1)) * _dims;
            int i2 = (c0 + Math.Min(2, group - 1)) * _dims;
            int i3 = (c0 + Math.Min(3, group - 1)) * _dims;
            nuint r0 = (nuint)(c0 * padded);
            nuint r1 = (nuint)((c0 + Math.Min(1, group - 1)) * padded);
            nuint r2 = (nuint)((c0 + Math.Min(2, group - 1)) * padded);
            nuint r3 = (nuint)((c0 + Math.Min(3, group - 1)) * padded);
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

                // Short groups repeat their first rows; the duplicates write the same values.
                s3.StoreUnsafe(ref termRef, r3 + at);
                s2.StoreUnsafe(ref termRef, r2 + at);
                s1.StoreUnsafe(ref termRef, r1 + at);
                s0.StoreUnsafe(ref termRef, r0 + at);
                m0 = Vector.Max(m0, s0);
                m1 = Vector.Max(m1, s1);
                m2 = Vector.Max(m2, s2);
                m3 = Vector.Max(m3, s3);
            }

            for (int g = 0; g < group; g++)
            {
                var vMax = g switch { 0 => m0, 1 => m1, 2 => m2, _ => m3 };
                double max = double.NegativeInfinity;
                for (int i = 0; i < Width; i++)
                {
                    max = Math.Max(max, vMax[i]);
                }

                maxima[c0 + g] = max;
            }
        }
    }

    /// <summary>The first tiled pass for all points: each point's largest term (nothing stored).</summary>
    private void TiledMaxima(double[] xs, int n, double[] maxima)
    {
        const int TileBlocks = 32;
        var vmax = new Vector<double>[n];
        Array.Fill(vmax, new Vector<double>(double.NegativeInfinity));
        Span<Vector<double>> xb = stackalloc Vector<double>[_dims];
        ref double packed = ref MemoryMarshal.GetArrayDataReference(_packed);
        ref double startRef = ref MemoryMarshal.GetArrayDataReference(_start);
        nuint width = (nuint)Width;
        nuint blockStride = 2 * (nuint)_dims * width;
        for (int tile = 0; tile < _blocks; tile += TileBlocks)
        {
            int tileEnd = Math.Min(tile + TileBlocks, _blocks);
            for (int c = 0; c < n; c++)
            {
                for (int j = 0; j < _dims; j++)
                {
                    xb[j] = new Vector<double>(xs[(c * _dims) + j]);
                }

                var m = vmax[c];
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

                    m = Vector.Max(m, t);
                }

                vmax[c] = m;
            }
        }

        for (int c = 0; c < n; c++)
        {
            double max = double.NegativeInfinity;
            for (int i = 0; i < Width; i++)
            {
                max = Math.Max(max, vmax[c][i]);
            }

            maxima[c] = max;
        }
    }

    /// <summary>The second pass for one point of a large set: max + log Σ exp(term − max), terms recomputed.</summary>
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

    /// <summary>The second pass with a known maximum: max + log Σ exp(term − max) over blocks within the band.</summary>
    private double SumExp(Span<double> terms, double max)
    {
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

    /// <summary>The second pass: max + log Σ exp(term − max) over blocks within <see cref="Band"/> of the maximum.</summary>
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
