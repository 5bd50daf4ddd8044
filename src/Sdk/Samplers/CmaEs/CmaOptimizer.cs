using System.Globalization;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;
using Sharptune.Internal;

namespace Sharptune.Samplers.CmaEs;

/// <summary>
/// The covariance matrix adaptation evolution strategy with an ask-and-tell interface, after Hansen's tutorial
/// (arXiv:1604.00772) as the <c>cmaes</c> package implements it: full covariance with negative weights, or the
/// separable (diagonal) variant of Ros and Hansen; the margin of Hamano et al. for discrete coordinates; and the
/// learning-rate adaptation of Nomura et al. (LRA-CMA-ES). The state serializes to portable JSON.
/// </summary>
internal sealed partial class CmaOptimizer
{
    private const double Eps = 1e-8;
    private const double MeanMax = 1e32;
    private const double SigmaMax = 1e32;

    private readonly int _n;
    private readonly bool _separable;
    private readonly double[] _weights;
    private readonly int _mu;
    private readonly double _muEff;
    private readonly double _cc;
    private readonly double _c1;
    private readonly double _cmu;
    private readonly double _cSigma;
    private readonly double _dSigma;
    private readonly double _chiN;
    private readonly double[] _lower;
    private readonly double[] _upper;
    private readonly int _funhistTerm;

    private double[] _mean;
    private double _sigma;
    private double[] _c; // n*n row-major, or n for the separable variant
    private double[] _pSigma;
    private double[] _pc;
    private double[] _funhist;
    private double _tolx;

    // Eigendecomposition cache: C = B diag(D²) Bᵀ.
    private double[]? _b;
    private double[]? _d;

    public CmaOptimizer(
        double[] mean,
        double sigma,
        double[] lower,
        double[] upper,
        int? populationSize,
        bool separable = false,
        double[,]? cov = null,
        bool lrAdapt = false,
        double[]? steps = null,
        int? maxResampling = null)
    {
        _n = mean.Length;
        if (_n < 1)
        {
            throw new ArgumentException("The dimension of mean must be positive.", nameof(mean));
        }

        if (!(sigma > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "sigma must be non-zero positive value");
        }

        _separable = separable;
        PopulationSize = populationSize ?? DefaultPopulationSize(_n);
        if (PopulationSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(populationSize), populationSize, "popsize must be non-zero positive value.");
        }

        (_weights, _mu, _muEff, _cc, _c1, _cmu, _cSigma, _dSigma) = separable ? SeparableConstants(_n, PopulationSize) : FullConstants(_n, PopulationSize);
        _chiN = Math.Sqrt(_n) * (1.0 - (1.0 / (4.0 * _n)) + (1.0 / (21.0 * _n * _n)));
        _lower = (double[])lower.Clone();
        _upper = (double[])upper.Clone();
        MaxResampling = maxResampling ?? 10 * _n;
        _mean = (double[])mean.Clone();
        _sigma = sigma;
        _pSigma = new double[_n];
        _pc = new double[_n];
        if (separable)
        {
            _c = Enumerable.Repeat(1.0, _n).ToArray();
        }
        else
        {
            _c = new double[_n * _n];
            for (int i = 0; i < _n; i++)
            {
                for (int j = 0; j < _n; j++)
                {
                    _c[(i * _n) + j] = cov is null ? (i == j ? 1 : 0) : cov[i, j];
                }
            }
        }

        _tolx = 1e-12 * sigma;
        _funhistTerm = 10 + (int)Math.Ceiling(30.0 * _n / PopulationSize);
        _funhist = new double[_funhistTerm * 2];
        if (lrAdapt)
        {
            _eMean = new double[_n];
            _eSigma = new double[_n * _n];
        }

        if (steps is not null)
        {
            _steps = (double[])steps.Clone();
            _discrete = [.. Enumerable.Range(0, _n).Where(i => steps[i] > 0)];
            _continuous = [.. Enumerable.Range(0, _n).Where(i => !(steps[i] > 0))];
            if (_discrete.Length > 0)
            {
                _margin = 1.0 / (_n * PopulationSize);
                _a = Enumerable.Repeat(1.0, _n).ToArray();
            }
        }
    }

    /// <summary>Gets the number of coordinates.</summary>
    public int Dimension => _n;

    /// <summary>Gets the population size λ.</summary>
    public int PopulationSize { get; }

    /// <summary>Gets the number of updates so far.</summary>
    public int Generation { get; private set; }

    /// <summary>Gets the maximum number of redraws of an out-of-bounds sample before it is clipped.</summary>
    public int MaxResampling { get; }

    /// <summary>Gets a value indicating whether this is the separable variant.</summary>
    public bool IsSeparable => _separable;

    /// <summary>Gets a value indicating whether discrete coordinates use the margin.</summary>
    public bool HasMargin => _steps is not null;

    /// <summary>Gets a value indicating whether learning rates adapt.</summary>
    public bool AdaptsLearningRate => _eMean is not null;

    /// <summary>Gets the mean.</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>Gets the step size σ.</summary>
    public double Sigma => _sigma;

    /// <summary>Returns a deep copy (the eigendecomposition cache included, so copies skip it).</summary>
    public CmaOptimizer Clone()
    {
        var c = (CmaOptimizer)MemberwiseClone();
        c._mean = (double[])_mean.Clone();
        c._c = (double[])_c.Clone();
        c._pSigma = (double[])_pSigma.Clone();
        c._pc = (double[])_pc.Clone();
        c._funhist = (double[])_funhist.Clone();
        c._eMean = (double[]?)_eMean?.Clone();
        c._eSigma = (double[]?)_eSigma?.Clone();
        c._a = (double[]?)_a?.Clone();
        c._b = (double[]?)_b?.Clone();
        c._d = (double[]?)_d?.Clone();
        return c;
    }

    /// <summary>Computes the eigendecomposition now, so that clones share it.</summary>
    public void Prepare() => EnsureEigen();

    /// <summary>The default population size, 4 + ⌊3 ln n⌋.</summary>
    public static int DefaultPopulationSize(int n) => 4 + (int)Math.Floor(3 * Math.Log(n));

    /// <summary>
    /// Draws a candidate: redrawn while out of bounds, then clipped. With the margin, discrete coordinates are
    /// snapped to their grid in <paramref name="encoded"/> while the raw draw, needed by <see cref="Tell"/>, is returned.
    /// </summary>
    /// <param name="rng">The generator.</param>
    /// <param name="encoded">The point to evaluate.</param>
    /// <returns>The raw point to tell.</returns>
    public double[] Ask(Random rng, out double[] encoded)
    {
        EnsureEigen();
        double[] x = SampleSolution(rng);
        for (int i = 0; i < MaxResampling && !IsFeasible(x); i++)
        {
            x = SampleSolution(rng);
        }

        if (!IsFeasible(x))
        {
            x = SampleSolution(rng);
            Repair(x);
        }

        encoded = (double[])x.Clone();
        if (_a is not null)
        {
            foreach (int i in _discrete)
            {
                double v = ((x[i] - _mean[i]) * _a[i]) + _mean[i];
                encoded[i] = DiscreteValue(i, DiscreteIndex(i, v));
            }
        }

        return x;
    }

    private bool IsFeasible(double[] x)
    {
        if (_steps is null)
        {
            for (int i = 0; i < _n; i++)
            {
                if (x[i] < _lower[i] || x[i] > _upper[i])
                {
                    return false;
                }
            }

            return true;
        }

        foreach (int i in _continuous)
        {
            if (x[i] < _lower[i] || x[i] > _upper[i])
            {
                return false;
            }
        }

        return true;
    }

    private void Repair(double[] x)
    {
        if (_steps is null)
        {
            for (int i = 0; i < _n; i++)
            {
                x[i] = Math.Clamp(x[i], _lower[i], _upper[i]);
            }
        }
        else
        {
            foreach (int i in _continuous)
            {
                x[i] = Math.Clamp(x[i], _lower[i], _upper[i]);
            }
        }
    }

    private double[] SampleSolution(Random rng)
    {
        var z = new double[_n];
        for (int i = 0; i < _n; i++)
        {
            z[i] = Normal.Sample(rng, 0, 1);
        }

        var x = new double[_n];
        if (_separable)
        {
            for (int i = 0; i < _n; i++)
            {
                x[i] = _mean[i] + (_sigma * _d![i] * z[i]);
            }

            return x;
        }

        for (int i = 0; i < _n; i++)
        {
            double y = 0;
            for (int k = 0; k < _n; k++)
            {
                y += _b![(i * _n) + k] * _d![k] * z[k];
            }

            x[i] = _mean[i] + (_sigma * y);
        }

        return x;
    }

    private void EnsureEigen()
    {
        if (_d is not null)
        {
            return;
        }

        if (_separable)
        {
            _d = new double[_n];
            for (int i = 0; i < _n; i++)
            {
                _d[i] = Math.Sqrt(_c[i] < 0 ? Eps : _c[i]);
            }

            return;
        }

        // Symmetrize, decompose with MathNet, clamp negative eigenvalues and rebuild C from the factors.
        var m = Matrix<double>.Build.Dense(_n, _n);
        for (int i = 0; i < _n; i++)
        {
            for (int j = 0; j < _n; j++)
            {
                m[i, j] = (_c[(i * _n) + j] + _c[(j * _n) + i]) / 2;
            }
        }

        var evd = m.Evd(Symmetricity.Symmetric);
        var b = evd.EigenVectors;
        _b = new double[_n * _n];
        _d = new double[_n];
        for (int k = 0; k < _n; k++)
        {
            double d2 = evd.EigenValues[k].Real;
            _d[k] = Math.Sqrt(d2 < 0 ? Eps : d2);
        }

        for (int i = 0; i < _n; i++)
        {
            for (int k = 0; k < _n; k++)
            {
                _b[(i * _n) + k] = b[i, k];
            }
        }

        for (int i = 0; i < _n; i++)
        {
            for (int j = 0; j < _n; j++)
            {
                double s = 0;
                for (int k = 0; k < _n; k++)
                {
                    s += _b[(i * _n) + k] * _d[k] * _d[k] * _b[(j * _n) + k];
                }

                _c[(i * _n) + j] = s;
            }
        }
    }

    /// <summary>Updates the distribution from exactly <see cref="PopulationSize"/> evaluated raw points (smaller is better).</summary>
    /// <param name="solutions">The raw points and their values.</param>
    public void Tell(IReadOnlyList<(double[] X, double Value)> solutions)
    {
        if (solutions.Count != PopulationSize)
        {
            throw new ArgumentException("Must tell popsize-length solutions.", nameof(solutions));
        }

        foreach (var (x, _) in solutions)
        {
            foreach (double v in x)
            {
                if (!(Math.Abs(v) < MeanMax))
                {
                    throw new ArgumentException($"Abs of all param values must be less than {MeanMax.ToString(CultureInfo.InvariantCulture)} to avoid overflow errors", nameof(solutions));
                }
            }
        }

        Generation++;
        var sorted = solutions.OrderBy(s => s.Value).ToArray();
        int fi = 2 * (Generation % _funhistTerm);
        _funhist[fi] = sorted[0].Value;
        _funhist[fi + 1] = sorted[^1].Value;

        EnsureEigen();
        if (_separable)
        {
            TellSeparable(sorted);
        }
        else
        {
            TellFull(sorted);
        }

        _b = null;
        _d = null;
        if (_a is not null)
        {
            ApplyMargin();
        }
    }

    /// <summary>
    /// The steps of the ranked candidates from the mean in units of σ (y) and the weighted step of the μ best (yw);
    /// moves the mean by σ·yw. Shared by both covariance models.
    /// </summary>
    private (double[][] Y, double[] Yw) MoveMean((double[] X, double Value)[] sorted)
    {
        int n = _n;
        var y = new double[sorted.Length][];
        for (int k = 0; k < sorted.Length; k++)
        {
            y[k] = new double[n];
            for (int i = 0; i < n; i++)
            {
                y[k][i] = (sorted[k].X[i] - _mean[i]) / _sigma;
            }
        }

        var yw = new double[n];
        for (int k = 0; k < _mu; k++)
        {
            for (int i = 0; i < n; i++)
            {
                yw[i] += _weights[k] * y[k][i];
            }
        }

        for (int i = 0; i < n; i++)
        {
            _mean[i] += _sigma * yw[i];
        }

        return (y, yw);
    }

    /// <summary>
    /// The evolution paths and σ after the mean moved (shared by the full and separable updates): p_σ from the
    /// whitened step (<paramref name="step"/>, divided element-wise by <paramref name="divisor"/> when given), σ by
    /// cumulative step-size adaptation, and p_c from the weighted step <paramref name="yw"/>.
    /// </summary>
    /// <returns>h_σ: 1, or 0 when p_σ is too long for p_c to take the step.</returns>
    private double UpdatePaths(double[] step, double[]? divisor, double[] yw)
    {
        int n = _n;
        double ps = Math.Sqrt(_cSigma * (2 - _cSigma) * _muEff);
        double normPs = 0;
        for (int i = 0; i < n; i++)
        {
            double t = ps * step[i];
            if (divisor is not null)
            {
                t /= divisor[i];
            }

            _pSigma[i] = ((1 - _cSigma) * _pSigma[i]) + t;
            normPs += _pSigma[i] * _pSigma[i];
        }

        normPs = Math.Sqrt(normPs);
        _sigma *= Math.Exp(_cSigma / _dSigma * ((normPs / _chiN) - 1));
        _sigma = Math.Min(_sigma, SigmaMax);

        double hLeft = normPs / Math.Sqrt(1 - Math.Pow(1 - _cSigma, 2 * (Generation + 1)));
        double hRight = (1.4 + (2.0 / (n + 1))) * _chiN;
        double hSigma = hLeft < hRight ? 1.0 : 0.0;
        double pcc = hSigma * Math.Sqrt(_cc * (2 - _cc) * _muEff);
        for (int i = 0; i < n; i++)
        {
            _pc[i] = ((1 - _cc) * _pc[i]) + (pcc * yw[i]);
        }

        return hSigma;
    }

    /// <summary>Returns whether the run has converged or diverged (the <c>cmaes</c> stopping rules).</summary>
    public bool ShouldStop()
    {
        EnsureEigen();
        var d = _d!;
        var diagC = new double[_n];
        for (int i = 0; i < _n; i++)
        {
            diagC[i] = _separable ? _c[i] : _c[(i * _n) + i];
        }

        if (Generation > _funhistTerm && _funhist.Max() - _funhist.Min() < 1e-12)
        {
            return true;
        }

        bool allSmall = true;
        for (int i = 0; i < _n && allSmall; i++)
        {
            allSmall = _sigma * diagC[i] < _tolx && _sigma * _pc[i] < _tolx;
        }

        if (allSmall)
        {
            return true;
        }

        if (_sigma * d.Max() > 1e4)
        {
            return true;
        }

        for (int i = 0; i < _n; i++)
        {
            if (_mean[i] == _mean[i] + (0.2 * _sigma * Math.Sqrt(diagC[i])))
            {
                return true;
            }
        }

        int axis = Generation % _n;
        bool noEffect = true;
        for (int i = 0; i < _n && noEffect; i++)
        {
            double bi = _separable ? 1.0 : _b![(i * _n) + axis];
            noEffect = _mean[i] == _mean[i] + (0.1 * _sigma * d[axis] * bi);
        }

        if (noEffect)
        {
            return true;
        }

        return d.Max() / d.Min() > 1e14;
    }

    // ----- constants -----

    private static double[] MatVec(double[] m, double[] v, int n)
    {
        var r = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int k = 0; k < n; k++)
            {
                s += m[(i * n) + k] * v[k];
            }

            r[i] = s;
        }

        return r;
    }

    private static double[] MatMul(double[] a, double[] b, int n)
    {
        var r = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < n; k++)
            {
                double aik = a[(i * n) + k];
                for (int j = 0; j < n; j++)
                {
                    r[(i * n) + j] += aik * b[(k * n) + j];
                }
            }
        }

        return r;
    }

    // ----- portable JSON state -----
}
