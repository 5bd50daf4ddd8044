using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using MathNet.Numerics.Optimization;

namespace Sharptune.Samplers.Gp;

/// <summary>The kernel hyperparameters of a <see cref="GaussianProcess"/>.</summary>
/// <param name="InverseSquaredLengthscales">One per dimension (automatic relevance determination).</param>
/// <param name="KernelScale">The signal variance.</param>
/// <param name="NoiseVariance">The observation noise variance.</param>
internal sealed record KernelParams(double[] InverseSquaredLengthscales, double KernelScale, double NoiseVariance)
{
    public static KernelParams Default(int dimension) => new(Enumerable.Repeat(1.0, dimension).ToArray(), 1.0, 1.0);
}

/// <summary>
/// Gaussian-process regression with a Matérn-5/2 ARD kernel (Hamming distance on categorical dimensions), as
/// Optuna 5's GPSampler: hyperparameters are fitted by maximising the marginal log-likelihood plus Optuna's priors
/// (lengthscales: −0.1/λ − 0.1·λ per inverse squared lengthscale λ; kernel scale Γ(2, 1); noise Γ(1.1, 30)) with
/// L-BFGS from MathNet.Numerics, in log space, with a minimum noise variance.
/// </summary>
internal sealed class GaussianProcess
{
    public const double DefaultMinimumNoise = 1e-6;
    private const double Sqrt5 = 2.2360679774997896964;

    private readonly int _n;
    private readonly int _d;
    private readonly double[][] _x;
    private readonly bool[] _categorical;
    private double[] _chol = [];
    private double[] _alpha = [];
    private MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double>? _cholesky;

    private GaussianProcess(double[][] x, double[] y, bool[] categorical, KernelParams parameters)
    {
        _x = x;
        _n = x.Length;
        _d = categorical.Length;
        _categorical = categorical;
        Y = y;
        Params = parameters;
    }

    /// <summary>Gets the fitted hyperparameters.</summary>
    public KernelParams Params { get; }

    /// <summary>Gets the training targets (running points appended with their predicted means).</summary>
    public double[] Y { get; private set; }

    /// <summary>Gets the normalized training inputs (running points appended by <see cref="WithRunning"/>).</summary>
    public double[][] X => _x;

    /// <summary>Gets which dimensions are categorical (Hamming distance).</summary>
    public bool[] Categorical => _categorical;

    /// <summary>Gets the lengthscales 1/√λ.</summary>
    public double[] LengthScales => [.. Params.InverseSquaredLengthscales.Select(l => 1 / Math.Sqrt(l))];

    /// <summary>
    /// Fits the hyperparameters to (<paramref name="x"/>, <paramref name="y"/>), starting from
    /// <paramref name="initial"/> and then from the defaults; falls back to the defaults unfitted when both fail.
    /// </summary>
    /// <param name="x">Normalized inputs.</param>
    /// <param name="y">Standardized targets (maximised).</param>
    /// <param name="categorical">Which dimensions are categorical.</param>
    /// <param name="initial">The previous fit, or <see langword="null"/>.</param>
    /// <param name="deterministic">Fix the noise at the minimum (noise-free objective).</param>
    /// <param name="failure">Set to the last error message when every start failed and the defaults are used unfitted.</param>
    /// <returns>The fitted process, ready for predictions.</returns>
    public static GaussianProcess Fit(double[][] x, double[] y, bool[] categorical, KernelParams? initial, bool deterministic, out string? failure)
    {
        failure = null;
        string? lastError = null;
        int d = categorical.Length;
        var sqd = SquaredDifferences(x, x, categorical);
        foreach (var start in initial is null ? new[] { KernelParams.Default(d) } : [initial, KernelParams.Default(d)])
        {
            try
            {
                var fitted = Optimize(x, y, categorical, sqd, start, deterministic);
                var gp = new GaussianProcess(x, y, categorical, fitted);
                gp.Cache();
                return gp;
            }
            catch (Exception e) when (e is OptimizationException or ArgumentException or InvalidOperationException or ArithmeticException)
            {
                lastError = e.Message;
            }
        }

        // Every start failed: use the default hyperparameters unfitted, as Optuna does.
        failure = lastError;
        return Create(x, y, categorical, KernelParams.Default(d));
    }

    /// <summary>A process with the given hyperparameters, unfitted (fixtures and the fallback of failed fits).</summary>
    /// <param name="x">Normalized inputs.</param>
    /// <param name="y">Standardized targets.</param>
    /// <param name="categorical">Which dimensions are categorical.</param>
    /// <param name="parameters">The hyperparameters.</param>
    /// <returns>The process, ready for predictions.</returns>
    public static GaussianProcess Create(double[][] x, double[] y, bool[] categorical, KernelParams parameters)
    {
        var gp = new GaussianProcess(x, y, categorical, parameters);
        gp.Cache();
        return gp;
    }

    /// <summary>
    /// The kernel between <paramref name="x"/> and each of <paramref name="points"/>, and optionally its gradient with
    /// respect to <paramref name="x"/> (row-major, one row of length d per point; categorical entries 0).
    /// </summary>
    /// <param name="x">The point.</param>
    /// <param name="points">The other points.</param>
    /// <param name="k">Receives k(x, pᵢ).</param>
    /// <param name="dk">Receives ∂k(x, pᵢ)/∂x, or <see langword="null"/>.</param>
    public void Kernel(ReadOnlySpan<double> x, double[][] points, Span<double> k, Span<double> dk)
    {
        var lam = Params.InverseSquaredLengthscales;
        double scale = Params.KernelScale;
        bool withGradient = !dk.IsEmpty;
        for (int i = 0; i < points.Length; i++)
        {
            var xi = points[i];
            double r2 = 0;
            for (int j = 0; j < _d; j++)
            {
                double diff = x[j] - xi[j];
                r2 += lam[j] * (_categorical[j] ? (diff != 0 ? 1 : 0) : diff * diff);
            }

            k[i] = scale * Matern52(r2);
            if (withGradient)
            {
                double dm = scale * Matern52Derivative(r2);
                int o = i * _d;
                for (int j = 0; j < _d; j++)
                {
                    dk[o + j] = _categorical[j] ? 0 : dm * lam[j] * 2 * (x[j] - xi[j]);
                }
            }
        }
    }

    /// <summary>Solves (K(X, X) + noise·I)·Z = <paramref name="b"/> with the cached Cholesky factor.</summary>
    /// <param name="b">The right-hand sides, one column each.</param>
    /// <returns>Z.</returns>
    public Matrix<double> SolveTraining(Matrix<double> b) => _cholesky!.Solve(b);

    /// <summary>
    /// The joint posterior of the latent function at <paramref name="points"/>: the means and the covariance
    /// K(P, P) − K(P, X)(K(X, X) + noise·I)⁻¹K(X, P), its diagonal clamped at 0 (no noise added).
    /// </summary>
    /// <param name="points">The points.</param>
    /// <returns>The means and the covariance.</returns>
    public (double[] Mean, Matrix<double> Covariance) JointPosterior(double[][] points)
    {
        int r = points.Length;
        var kxp = Matrix<double>.Build.Dense(_n, r);
        var kpp = Matrix<double>.Build.Dense(r, r);
        var column = new double[Math.Max(_n, r)];
        var mean = new double[r];
        for (int j = 0; j < r; j++)
        {
            Kernel(points[j], _x, column.AsSpan(0, _n), default);
            for (int i = 0; i < _n; i++)
            {
                kxp[i, j] = column[i];
            }

            mean[j] = Dot(column.AsSpan(0, _n), _alpha);
            Kernel(points[j], points, column.AsSpan(0, r), default);
            for (int i = 0; i < r; i++)
            {
                kpp[i, j] = column[i];
            }
        }

        var cov = kpp - (kxp.TransposeThisAndMultiply(SolveTraining(kxp)));
        for (int j = 0; j < r; j++)
        {
            cov[j, j] = Math.Max(cov[j, j], 0);
        }

        return (mean, cov);
    }

    /// <summary>Conditions on extra points whose targets are the current posterior means (the "kriging believer").</summary>
    /// <param name="running">Normalized inputs of trials still running.</param>
    /// <returns>A process with the same hyperparameters and the extra observations.</returns>
    public GaussianProcess WithRunning(double[][] running)
    {
        if (running.Length == 0)
        {
            return this;
        }

        var x = _x.Concat(running).ToArray();
        var y = Y.Concat(running.Select(r => Posterior(r).Mean)).ToArray();
        var gp = new GaussianProcess(x, y, _categorical, Params);
        gp.Cache();
        return gp;
    }

    /// <summary>The Matérn-5/2 correlation of a squared scaled distance r²: (1 + √5 r + 5/3 r²) e^(−√5 r).</summary>
    public static double Matern52(double r2)
    {
        double s = Math.Sqrt(5 * r2);
        return Math.Exp(-s) * ((5.0 / 3.0 * r2) + s + 1);
    }

    /// <summary>The derivative of <see cref="Matern52"/> with respect to r²: −5/6 (1 + √5 r) e^(−√5 r).</summary>
    public static double Matern52Derivative(double r2)
    {
        double s = Math.Sqrt(5 * r2);
        return -5.0 / 6.0 * (s + 1) * Math.Exp(-s);
    }

    /// <summary>The posterior mean and variance (clamped at 0) at <paramref name="x"/>.</summary>
    public (double Mean, double Variance) Posterior(ReadOnlySpan<double> x)
    {
        var k = new double[_n];
        KernelVector(x, k, null, null);
        return MeanVariance(k, null);
    }

    /// <summary>
    /// The posterior means and variances of many points at once: the triangular solve L·V = K(X, x) runs row by row
    /// over blocks of points, so the inner loop is a long contiguous vector update instead of one short dot product
    /// per point.
    /// </summary>
    /// <param name="xs">The points.</param>
    /// <param name="means">Receives the means.</param>
    /// <param name="variances">Receives the variances (clamped at 0).</param>
    public void PosteriorBatch(IReadOnlyList<double[]> xs, double[] means, double[] variances)
    {
        const int Block = 256;
        int n = _n;
        var v = new double[n * Block];
        var k = new double[n];
        for (int start = 0; start < xs.Count; start += Block)
        {
            int count = Math.Min(Block, xs.Count - start);
            for (int p = 0; p < count; p++)
            {
                KernelVector(xs[start + p], k, null, null);
                means[start + p] = Dot(k, _alpha);
                for (int i = 0; i < n; i++)
                {
                    v[(i * Block) + p] = k[i];
                }
            }

            var quad = new double[count];
            for (int i = 0; i < n; i++)
            {
                var row = v.AsSpan(i * Block, count);
                for (int j = 0; j < i; j++)
                {
                    double lij = _chol[(i * n) + j];
                    if (lij != 0)
                    {
                        Axpy(-lij, v.AsSpan(j * Block, count), row);
                    }
                }

                double inv = 1 / _chol[(i * n) + i];
                for (int p = 0; p < count; p++)
                {
                    row[p] *= inv;
                    quad[p] += row[p] * row[p];
                }
            }

            for (int p = 0; p < count; p++)
            {
                variances[start + p] = Math.Max(Params.KernelScale - quad[p], 0);
            }
        }
    }

    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated && x.Length >= System.Numerics.Vector<double>.Count)
        {
            int w = System.Numerics.Vector<double>.Count;
            var va = new System.Numerics.Vector<double>(a);
            for (; i <= x.Length - w; i += w)
            {
                (new System.Numerics.Vector<double>(y.Slice(i, w)) + (va * new System.Numerics.Vector<double>(x.Slice(i, w)))).CopyTo(y.Slice(i, w));
            }
        }

        for (; i < x.Length; i++)
        {
            y[i] += a * x[i];
        }
    }

    /// <summary>The posterior mean and variance and their gradients with respect to <paramref name="x"/> (categorical entries left 0).</summary>
    public (double Mean, double Variance) PosteriorWithGradient(ReadOnlySpan<double> x, Span<double> meanGrad, Span<double> varGrad)
    {
        var k = new double[_n];
        var dk = new double[_n * _d];
        KernelVector(x, k, dk, null);
        var kinvK = new double[_n];
        var (mean, variance) = MeanVariance(k, kinvK);
        meanGrad.Clear();
        varGrad.Clear();
        for (int i = 0; i < _n; i++)
        {
            double a = _alpha[i], b = -2 * kinvK[i];
            int o = i * _d;
            for (int j = 0; j < _d; j++)
            {
                meanGrad[j] += a * dk[o + j];
                varGrad[j] += b * dk[o + j];
            }
        }

        if (variance <= 0)
        {
            varGrad.Clear();
        }

        return (mean, variance);
    }

    private (double Mean, double Variance) MeanVariance(double[] k, double[]? kinvKOut)
    {
        double mean = Dot(k, _alpha);

        // v = L⁻¹k by forward substitution, so kᵀK⁻¹k = vᵀv; K⁻¹k = L⁻ᵀv when the gradient needs it.
        int n = _n;
        var v = new double[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = (k[i] - Dot(_chol.AsSpan(i * n, i), v.AsSpan(0, i))) / _chol[(i * n) + i];
        }

        double quad = Dot(v, v);
        if (kinvKOut is not null)
        {
            for (int i = n - 1; i >= 0; i--)
            {
                double s = v[i];
                for (int j = i + 1; j < n; j++)
                {
                    s -= _chol[(j * n) + i] * kinvKOut[j];
                }

                kinvKOut[i] = s / _chol[(i * n) + i];
            }
        }

        return (mean, Math.Max(Params.KernelScale - quad, 0));
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated && a.Length >= System.Numerics.Vector<double>.Count)
        {
            var acc = System.Numerics.Vector<double>.Zero;
            int w = System.Numerics.Vector<double>.Count;
            for (; i <= a.Length - w; i += w)
            {
                acc += new System.Numerics.Vector<double>(a.Slice(i, w)) * new System.Numerics.Vector<double>(b.Slice(i, w));
            }

            sum = System.Numerics.Vector.Sum(acc);
        }

        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private void KernelVector(ReadOnlySpan<double> x, double[] k, double[]? dk, double[]? unused)
    {
        var lam = Params.InverseSquaredLengthscales;
        double scale = Params.KernelScale;
        for (int i = 0; i < _n; i++)
        {
            var xi = _x[i];
            double r2 = 0;
            for (int j = 0; j < _d; j++)
            {
                double diff = x[j] - xi[j];
                r2 += lam[j] * (_categorical[j] ? (diff != 0 ? 1 : 0) : diff * diff);
            }

            k[i] = scale * Matern52(r2);
            if (dk is not null)
            {
                double dm = scale * Matern52Derivative(r2);
                int o = i * _d;
                for (int j = 0; j < _d; j++)
                {
                    dk[o + j] = _categorical[j] ? 0 : dm * lam[j] * 2 * (x[j] - xi[j]);
                }
            }
        }
    }

    private void Cache()
    {
        var k = KernelMatrix(SquaredDifferences(_x, _x, _categorical), _n, _d, Params.InverseSquaredLengthscales, Params.KernelScale, Params.NoiseVariance, null);
        var chol = k.Cholesky();
        _cholesky = chol;
        _chol = LowerRowMajor(chol.Factor, _n);
        _alpha = chol.Solve(Vector<double>.Build.Dense(Y)).ToArray();
    }

    /// <summary>Per pair (i, j) and dimension: the squared difference, or 0/1 for categorical dimensions.</summary>
    private static double[] SquaredDifferences(double[][] a, double[][] b, bool[] categorical)
    {
        int n = a.Length, m = b.Length, d = categorical.Length;
        var sqd = new double[n * m * d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                int o = ((i * m) + j) * d;
                for (int k = 0; k < d; k++)
                {
                    double diff = a[i][k] - b[j][k];
                    sqd[o + k] = categorical[k] ? (diff != 0 ? 1 : 0) : diff * diff;
                }
            }
        }

        return sqd;
    }

    private static DenseMatrix KernelMatrix(double[] sqd, int n, int d, double[] lam, double scale, double noise, double[]? r2Out, double[]? derivativeOut = null)
    {
        var data = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                int o = ((i * n) + j) * d;
                double r2 = 0;
                for (int k = 0; k < d; k++)
                {
                    r2 += lam[k] * sqd[o + k];
                }

                double sq = Math.Sqrt(5 * r2);
                double e = Math.Exp(-sq);
                double v = scale * e * ((5.0 / 3.0 * r2) + sq + 1);
                data[(i * n) + j] = v;
                data[(j * n) + i] = v;
                if (r2Out is not null)
                {
                    r2Out[(i * n) + j] = r2;
                    r2Out[(j * n) + i] = r2;
                }

                if (derivativeOut is not null)
                {
                    double dv = -5.0 / 6.0 * (sq + 1) * e;
                    derivativeOut[(i * n) + j] = dv;
                    derivativeOut[(j * n) + i] = dv;
                }
            }

            data[(i * n) + i] += noise;
        }

        return new DenseMatrix(n, n, data);
    }

    /// <summary>
    /// The loss the fit minimises, −(log marginal likelihood + log prior), and its gradient with respect to the raw
    /// parameters (log λ₁…λ_d, log scale, log(noise − minimum noise)).
    /// </summary>
    internal static double NegativeLogPosterior(double[][] x, double[] y, bool[] categorical, double[] raw, bool deterministic, double[] gradient) =>
        NegativeLogPosterior(SquaredDifferences(x, x, categorical), x.Length, categorical.Length, y, raw, deterministic, gradient, new double[x.Length * x.Length]);

    private static double NegativeLogPosterior(double[] sqd, int n, int d, double[] y, double[] raw, bool deterministic, double[] grad, double[] r2)
    {
        double minNoise = DefaultMinimumNoise;
        var lam = new double[d];
        for (int k = 0; k < d; k++)
        {
            lam[k] = Math.Exp(raw[k]);
        }

        double scale = Math.Exp(raw[d]);
        double noiseRaw = Math.Exp(raw[d + 1]);
        double noise = deterministic ? minNoise : noiseRaw + minNoise;
        var derivative = new double[n * n];
        var kmat = KernelMatrix(sqd, n, d, lam, scale, noise, r2, derivative);
        var kf = kmat.Values; // K with noise on the diagonal; Kf = K − noise·I
        var chol = kmat.Cholesky();
        var lower = LowerRowMajor(chol.Factor, n);
        var yv = Vector<double>.Build.Dense(y);
        var alpha = chol.Solve(yv).ToArray();
        double logDet = 0;
        for (int i = 0; i < n; i++)
        {
            logDet += Math.Log(lower[(i * n) + i]);
        }

        double quad = 0;
        for (int i = 0; i < n; i++)
        {
            quad += y[i] * alpha[i];
        }

        double mll = -logDet - (0.5 * quad);
        double prior = Math.Log(scale) - scale + (0.1 * Math.Log(noise)) - (30 * noise);
        for (int k = 0; k < d; k++)
        {
            prior -= (0.1 / lam[k]) + (0.1 * lam[k]);
        }

        double loss = -mll - prior;
        if (!double.IsFinite(loss))
        {
            throw new ArithmeticException("The marginal likelihood is not finite.");
        }

        // d(mll)/dθ = ½ tr(W ∂K/∂θ) with W = ααᵀ − K⁻¹, summed over the lower triangle (off-diagonal terms twice).
        var kinv = InverseFromCholesky(lower, n);
        Array.Clear(grad);
        double traceW = 0;
        double wScale = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double factor = i == j ? 1 : 2;
                int ij = (i * n) + j;
                double w = factor * ((alpha[i] * alpha[j]) - kinv[ij]);
                double kfij = i == j ? kf[ij] - noise : kf[ij];
                wScale += w * kfij;
                double g = w * scale * derivative[ij];
                int o = ij * d;
                for (int k = 0; k < d; k++)
                {
                    grad[k] += g * sqd[o + k];
                }

                if (i == j)
                {
                    traceW += w;
                }
            }
        }

        for (int k = 0; k < d; k++)
        {
            grad[k] = -(0.5 * grad[k] * lam[k]) - ((0.1 / lam[k]) - (0.1 * lam[k]));
        }

        grad[d] = -(0.5 * wScale) - (1 - scale);
        grad[d + 1] = deterministic ? 0 : -(0.5 * traceW * noiseRaw) - (((0.1 / noise) - 30) * noiseRaw);
        return loss;
    }

    /// <summary>Copies the Cholesky factor into a row-major array (zeros above the diagonal).</summary>
    private static double[] LowerRowMajor(Matrix<double> factor, int n)
    {
        var values = factor is DenseMatrix dense ? dense.Values : factor.ToColumnMajorArray();
        var lower = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            for (int i = j; i < n; i++)
            {
                lower[(i * n) + j] = values[(j * n) + i];
            }
        }

        return lower;
    }

    /// <summary>
    /// K⁻¹ = L⁻ᵀL⁻¹ from the row-major Cholesky factor L, in about n³/3 operations (MathNet only offers a solve
    /// against the identity, three times the work). Returns a full symmetric row-major matrix.
    /// </summary>
    private static double[] InverseFromCholesky(double[] lower, int n)
    {
        // Columns of M = L⁻¹ (lower triangular), each stored contiguously: mcol[j][k] = M[k, j] for k ≥ j.
        var mcol = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            int cj = j * n;
            mcol[cj + j] = 1 / lower[(j * n) + j];
            for (int i = j + 1; i < n; i++)
            {
                double s = Dot(lower.AsSpan((i * n) + j, i - j), mcol.AsSpan(cj + j, i - j));
                mcol[cj + i] = -s / lower[(i * n) + i];
            }
        }

        var inv = new double[n * n];
        for (int a = 0; a < n; a++)
        {
            for (int b = 0; b <= a; b++)
            {
                double v = Dot(mcol.AsSpan((a * n) + a, n - a), mcol.AsSpan((b * n) + a, n - a));
                inv[(a * n) + b] = v;
                inv[(b * n) + a] = v;
            }
        }

        return inv;
    }

    private static KernelParams Optimize(double[][] x, double[] y, bool[] categorical, double[] sqd, KernelParams start, bool deterministic)
    {
        int n = x.Length, d = categorical.Length;
        double minNoise = DefaultMinimumNoise;
        var raw0 = new double[d + 2];
        for (int k = 0; k < d; k++)
        {
            raw0[k] = Math.Log(start.InverseSquaredLengthscales[k]);
        }

        raw0[d] = Math.Log(start.KernelScale);
        raw0[d + 1] = Math.Log(Math.Max(start.NoiseVariance - (0.99 * minNoise), 1e-300));
        var r2 = new double[n * n];
        double bestLoss = double.PositiveInfinity;
        double[] bestRaw = raw0;

        (double, Vector<double>) LossAndGradient(Vector<double> raw)
        {
            var rawArr = raw.ToArray();
            var grad = new double[d + 2];
            double loss = NegativeLogPosterior(sqd, n, d, y, rawArr, deterministic, grad, r2);
            if (loss < bestLoss)
            {
                bestLoss = loss;
                bestRaw = rawArr;
            }

            return (loss, Vector<double>.Build.Dense(grad));
        }

        var objective = ObjectiveFunction.Gradient(LossAndGradient);
        var minimizer = new LimitedMemoryBfgsMinimizer(1e-3, 1e-6, 1e-9, 10, 200);
        double[] result;
        try
        {
            result = minimizer.FindMinimum(objective, Vector<double>.Build.Dense(raw0)).MinimizingPoint.ToArray();
        }
        catch (OptimizationException) when (double.IsFinite(bestLoss))
        {
            // Line-search failures and the iteration cap still leave a usable point: keep the best one evaluated.
            result = bestRaw;
        }

        var lamOut = new double[d];
        for (int k = 0; k < d; k++)
        {
            lamOut[k] = Math.Exp(result[k]);
        }

        double noiseOut = deterministic ? minNoise : Math.Exp(result[d + 1]) + minNoise;
        return new KernelParams(lamOut, Math.Exp(result[d]), noiseOut);
    }
}
