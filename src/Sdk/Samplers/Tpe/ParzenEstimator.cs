using System.Numerics;
using System.Runtime.InteropServices;

namespace Sharptune.Samplers.Tpe;

/// <summary>The estimator options TPE passes through (Optuna's <c>_ParzenEstimatorParameters</c>).</summary>
/// <param name="PriorWeight">The weight of the prior kernel.</param>
/// <param name="ConsiderMagicClip">Whether bandwidths are bounded below by range / min(100, n + 2).</param>
/// <param name="ConsiderEndpoints">Whether the outermost kernels also look at the bounds of the range.</param>
internal readonly record struct ParzenSettings(double PriorWeight, bool ConsiderMagicClip, bool ConsiderEndpoints);

/// <summary>
/// Optional help for building an estimator over many observations: an observation order sorted by value per
/// dimension (so that no sort is needed) and a cache of kernel normalizers that survive from one trial to the next.
/// </summary>
internal interface IKernelHints
{
    /// <summary>Returns the observation indices sorted by value (stable) for a numeric dimension, or null.</summary>
    /// <param name="dimension">The dimension index.</param>
    /// <returns>The order, or <see langword="null"/> to let the estimator sort.</returns>
    int[]? SortedOrder(int dimension);

    /// <summary>Returns log(Φ(b) − Φ(a)) for an observation kernel, possibly from a cache.</summary>
    /// <param name="dimension">The dimension index.</param>
    /// <param name="observation">The observation index.</param>
    /// <param name="sigma">The kernel bandwidth.</param>
    /// <param name="a">The standardized lower bound.</param>
    /// <param name="b">The standardized upper bound.</param>
    /// <returns>The log mass.</returns>
    double LogNormalizer(int dimension, int observation, double sigma, double a, double b);
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
/// </summary>
internal sealed class ParzenEstimator
{
    /// <summary>The smallest bandwidth without the magic clip.</summary>
    public const double Eps = 1e-12;

    private readonly TpeDimension[] _dims;
    private readonly double[] _cumulativeWeights;
    private readonly double[] _baseLog;
    private readonly double[]?[] _mu;
    private readonly double[]?[] _sigma;
    private readonly double[]?[] _scaledInvSigma;
    private readonly double[]?[] _logNorm;
    private readonly double[]?[] _probs;
    private readonly double[]?[] _logProbs;

    /// <summary>Initializes a new instance of the <see cref="ParzenEstimator"/> class.</summary>
    /// <param name="dims">The dimensions of the space.</param>
    /// <param name="observationCount">The number of observations m.</param>
    /// <param name="observations">Per dimension, at least m values: transformed (log) for numeric, the index for categorical.</param>
    /// <param name="weights">m non-negative observation weights (before the prior is appended and all are normalized).</param>
    /// <param name="settings">The estimator options.</param>
    /// <param name="hints">Optional sort orders and normalizer cache.</param>
    public ParzenEstimator(TpeDimension[] dims, int observationCount, double[][] observations, ReadOnlySpan<double> weights, ParzenSettings settings, IKernelHints? hints = null)
    {
        _dims = dims;
        int m = observationCount;
        int kernels = m == 0 ? 1 : m + 1;
        KernelCount = kernels;

        var w = new double[kernels];
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

        Weights = w;
        _cumulativeWeights = new double[kernels];
        double acc = 0;
        for (int k = 0; k < kernels; k++)
        {
            acc += w[k];
            _cumulativeWeights[k] = acc;
        }

        _baseLog = new double[kernels];
        for (int k = 0; k < kernels; k++)
        {
            _baseLog[k] = Math.Log(w[k]);
        }

        int nd = dims.Length;
        _mu = new double[nd][];
        _sigma = new double[nd][];
        _scaledInvSigma = new double[nd][];
        _logNorm = new double[nd][];
        _probs = new double[nd][];
        _logProbs = new double[nd][];
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
    public IReadOnlyList<double> Weights { get; }

    /// <summary>Gets the kernel means of a numeric dimension (transformed space), the prior last.</summary>
    /// <param name="dimension">The dimension index.</param>
    /// <returns>The means.</returns>
    public IReadOnlyList<double> Mus(int dimension) => _mu[dimension] ?? throw new InvalidOperationException("The dimension is categorical.");

    /// <summary>Gets the kernel bandwidths of a numeric dimension, the prior last.</summary>
    /// <param name="dimension">The dimension index.</param>
    /// <returns>The bandwidths.</returns>
    public IReadOnlyList<double> Sigmas(int dimension) => _sigma[dimension] ?? throw new InvalidOperationException("The dimension is categorical.");

    /// <summary>Gets the kernel rows of a categorical dimension, [kernel × choice], the prior row last.</summary>
    /// <param name="dimension">The dimension index.</param>
    /// <returns>The probabilities.</returns>
    public IReadOnlyList<double> CategoricalRows(int dimension) => _probs[dimension] ?? throw new InvalidOperationException("The dimension is numeric.");

    /// <summary>Computes the TPE bandwidths of observations on [low, high] (Optuna v5's rule).</summary>
    /// <param name="mus">The observations (transformed space).</param>
    /// <param name="order">Their indices sorted by value.</param>
    /// <param name="low">The low bound (transformed).</param>
    /// <param name="high">The high bound (transformed).</param>
    /// <param name="settings">The options.</param>
    /// <param name="sigmas">Receives one bandwidth per observation.</param>
    public static void ComputeSigmas(ReadOnlySpan<double> mus, ReadOnlySpan<int> order, double low, double high, ParzenSettings settings, Span<double> sigmas)
    {
        int m = order.Length;
        if (m == 0)
        {
            return;
        }

        for (int j = 0; j < m; j++)
        {
            int i = order[j];
            double left = j == 0 ? low : mus[order[j - 1]];
            double right = j == m - 1 ? high : mus[order[j + 1]];
            sigmas[i] = Math.Max(mus[i] - left, right - mus[i]);
        }

        if (!settings.ConsiderEndpoints && m >= 2)
        {
            sigmas[order[0]] = mus[order[1]] - mus[order[0]];
            sigmas[order[m - 1]] = mus[order[m - 1]] - mus[order[m - 2]];
        }

        double maxSigma = high - low;
        double minSigma = settings.ConsiderMagicClip ? (high - low) / Math.Min(100.0, m + 2.0) : Eps;
        for (int i = 0; i < m; i++)
        {
            // np.clip semantics: the upper bound wins when the bounds cross.
            sigmas[i] = Math.Min(Math.Max(sigmas[i], minSigma), maxSigma);
        }
    }

    private void BuildCategorical(int d, int choices, int m, double[] obs, double priorWeight)
    {
        int kernels = KernelCount;
        var probs = new double[kernels * choices];
        if (m == 0)
        {
            Array.Fill(probs, 1.0 / choices);
        }
        else
        {
            double fill = priorWeight / kernels;
            Array.Fill(probs, fill);
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

        var logProbs = new double[probs.Length];
        for (int j = 0; j < probs.Length; j++)
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
        var mu = new double[kernels];
        var sigma = new double[kernels];
        Array.Copy(obs, mu, m);
        if (m > 0)
        {
            int[]? order = hints?.SortedOrder(d);
            if (order is null)
            {
                order = new int[m];
                for (int i = 0; i < m; i++)
                {
                    order[i] = i;
                }

                var keys = new double[m];
                Array.Copy(obs, keys, m);
                SortStable(keys, order);
            }

            ComputeSigmas(mu.AsSpan(0, m), order, low, high, settings, sigma.AsSpan(0, m));
        }

        mu[kernels - 1] = 0.5 * (low + high);
        sigma[kernels - 1] = high - low;

        var logNorm = new double[kernels];
        var inv = new double[kernels];
        bool continuous = dim.Kind == KernelKind.Continuous;
        const double sqrtHalf = 0.70710678118654752440;
        for (int k = 0; k < kernels; k++)
        {
            double s = sigma[k];
            double a = (low - mu[k]) / s, b = (high - mu[k]) / s;
            double ln = hints is not null && k < m ? hints.LogNormalizer(d, k, s, a, b) : TruncatedNormal.LogGaussMass(a, b);
            logNorm[k] = ln;
            inv[k] = sqrtHalf / s;
            _baseLog[k] -= continuous ? TruncatedNormal.LogSqrt2Pi + Math.Log(s) + ln : ln;
        }

        _mu[d] = mu;
        _sigma[d] = sigma;
        _logNorm[d] = logNorm;
        _scaledInvSigma[d] = inv;
    }

    /// <summary>Sorts keys ascending, carrying the items, stable for equal keys (items are distinct indices).</summary>
    internal static void SortStable(double[] keys, int[] items)
    {
        Array.Sort(keys, items);
        int n = keys.Length;
        int start = 0;
        for (int i = 1; i <= n; i++)
        {
            if (i == n || keys[i] != keys[start])
            {
                if (i - start > 1)
                {
                    Array.Sort(items, start, i - start);
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
        for (int c = 0; c < count; c++)
        {
            double u = rng.NextDouble();
            int idx = UpperBound(_cumulativeWeights, u);
            active[c] = Math.Min(idx, last);
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
                for (int c = 0; c < count; c++)
                {
                    int k = active[c];
                    double u = rng.NextDouble();
                    double a = (dim.AdaptedLow - mu[k]) / sigma[k];
                    double b = (dim.AdaptedHigh - mu[k]) / sigma[k];
                    double z = TruncatedNormal.Ppf(u, a, b, logNorm[k]);
                    double t = Math.Clamp((z * sigma[k]) + mu[k], dim.AdaptedLow, dim.AdaptedHigh);
                    values[c] = dim.Untransform(t);
                }
            }
        }

        return result;
    }

    private static int UpperBound(double[] cumulative, double u)
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

    /// <summary>Computes the log-density of the mixture at each point.</summary>
    /// <param name="points">The points (internal representation, inside the space).</param>
    /// <param name="result">Receives one log-density per point.</param>
    public void LogPdf(CandidateSet points, Span<double> result)
    {
        int n = points.Count;
        int kernels = KernelCount;
        int nd = _dims.Length;

        // Discrete dimensions: interval masses for each (distinct point value, distinct kernel) pair.
        var discreteRowOf = new int[nd][];
        var discreteKernelOf = new int[nd][];
        var discreteMass = new double[nd][];
        var discreteStride = new int[nd];
        for (int d = 0; d < nd; d++)
        {
            if (_dims[d].Kind == KernelKind.Discrete)
            {
                PrepareDiscrete(d, points.Values[d], n, out discreteRowOf[d], out discreteKernelOf[d], out discreteMass[d], out discreteStride[d]);
            }
        }

        var transformed = new double[nd][];
        for (int d = 0; d < nd; d++)
        {
            if (_dims[d].Kind == KernelKind.Continuous)
            {
                var t = new double[n];
                var src = points.Values[d];
                for (int c = 0; c < n; c++)
                {
                    t[c] = _dims[d].Transform(src[c]);
                }

                transformed[d] = t;
            }
        }

        var s = new double[kernels];
        for (int c = 0; c < n; c++)
        {
            _baseLog.CopyTo(s, 0);
            bool outside = false;
            for (int d = 0; d < nd; d++)
            {
                var dim = _dims[d];
                switch (dim.Kind)
                {
                    case KernelKind.Continuous:
                    {
                        double x = transformed[d][c];
                        if (x < dim.AdaptedLow || x > dim.AdaptedHigh)
                        {
                            outside = true;
                        }

                        SubtractScaledSquares(s, x, _mu[d]!, _scaledInvSigma[d]!);
                        break;
                    }

                    case KernelKind.Discrete:
                    {
                        var kernelOf = discreteKernelOf[d];
                        var mass = discreteMass[d];
                        int row = discreteRowOf[d][c] * discreteStride[d];
                        for (int k = 0; k < kernels; k++)
                        {
                            s[k] += mass[row + kernelOf[k]];
                        }

                        break;
                    }

                    default:
                    {
                        int choices = dim.ChoiceCount;
                        int choice = (int)points.Values[d][c];
                        var lp = _logProbs[d]!;
                        for (int k = 0; k < kernels; k++)
                        {
                            s[k] += lp[(k * choices) + choice];
                        }

                        break;
                    }
                }
            }

            result[c] = outside ? double.NegativeInfinity : LogSumExp(s);
        }
    }

    private void PrepareDiscrete(int d, double[] values, int n, out int[] rowOf, out int[] kernelOf, out double[] mass, out int stride)
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
        kernelOf = new int[kernels];
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

    /// <summary>s[k] −= ((x − mu[k]) · inv[k])², vectorized.</summary>
    private static void SubtractScaledSquares(Span<double> s, double x, ReadOnlySpan<double> mu, ReadOnlySpan<double> inv)
    {
        int k = 0;
        if (Vector.IsHardwareAccelerated && s.Length >= Vector<double>.Count)
        {
            var vs = MemoryMarshal.Cast<double, Vector<double>>(s);
            var vm = MemoryMarshal.Cast<double, Vector<double>>(mu);
            var vi = MemoryMarshal.Cast<double, Vector<double>>(inv);
            var vx = new Vector<double>(x);
            for (int j = 0; j < vs.Length; j++)
            {
                var t = (vx - vm[j]) * vi[j];
                vs[j] -= t * t;
            }

            k = vs.Length * Vector<double>.Count;
        }

        for (; k < s.Length; k++)
        {
            double t = (x - mu[k]) * inv[k];
            s[k] -= t * t;
        }
    }

    /// <summary>log Σ exp(s[k]), vectorized; −∞ when every term is −∞.</summary>
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
        int k = 0;
        if (Vector.IsHardwareAccelerated && s.Length >= Vector<double>.Count)
        {
            var vs = MemoryMarshal.Cast<double, Vector<double>>(s);
            var vmax = new Vector<double>(max);
            var acc = Vector<double>.Zero;
            for (int j = 0; j < vs.Length; j++)
            {
                acc += Vector.Exp(vs[j] - vmax);
            }

            sum = Vector.Sum(acc);
            k = vs.Length * Vector<double>.Count;
        }

        for (; k < s.Length; k++)
        {
            sum += Math.Exp(s[k] - max);
        }

        return max + Math.Log(sum);
    }
}
