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
internal sealed class CmaOptimizer
{
    private const double Eps = 1e-8;
    private const double MeanMax = 1e32;
    private const double SigmaMax = 1e32;

    // Learning-rate adaptation constants (Nomura et al., GECCO 2023).
    private const double LraAlpha = 1.4;
    private const double LraBetaMean = 0.1;
    private const double LraBetaSigma = 0.03;
    private const double LraGamma = 0.1;

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

    // Learning-rate adaptation state.
    private double[]? _eMean;
    private double[]? _eSigma;
    private double _vMean;
    private double _vSigma;
    private double _etaMean = 1;
    private double _etaSigma = 1;

    // Margin state (CMA-ES with margin).
    private readonly double[]? _steps;
    private readonly int[] _discrete = [];
    private readonly int[] _continuous = [];
    private double[]? _a;
    private double _margin;


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

    private void TellFull((double[] X, double Value)[] sorted)
    {
        int n = _n, lambda = PopulationSize;
        var b = _b!;
        var d = _d!;
        double[]? oldMean = null;
        double oldSigma = _sigma;
        double[]? oldSigmaMat = null;
        double[]? oldInvSqrtC = null;

        // C^(-1/2) = B D^-1 Bᵀ
        var invSqrtC = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++)
                {
                    s += b[(i * n) + k] / d[k] * b[(j * n) + k];
                }

                invSqrtC[(i * n) + j] = s;
            }
        }

        if (AdaptsLearningRate)
        {
            oldMean = (double[])_mean.Clone();
            oldSigmaMat = new double[n * n];
            for (int k = 0; k < n * n; k++)
            {
                oldSigmaMat[k] = _sigma * _sigma * _c[k];
            }

            oldInvSqrtC = (double[])invSqrtC.Clone();
        }

        var (y, yw) = MoveMean(sorted);

        var cyw = MatVec(invSqrtC, yw, n);
        double ps = Math.Sqrt(_cSigma * (2 - _cSigma) * _muEff);
        double normPs = 0;
        for (int i = 0; i < n; i++)
        {
            _pSigma[i] = ((1 - _cSigma) * _pSigma[i]) + (ps * cyw[i]);
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

        var wio = new double[lambda];
        for (int k = 0; k < lambda; k++)
        {
            if (_weights[k] >= 0)
            {
                wio[k] = _weights[k];
            }
            else
            {
                var cy = MatVec(invSqrtC, y[k], n);
                double nrm = 0;
                foreach (double v in cy)
                {
                    nrm += v * v;
                }

                wio[k] = _weights[k] * n / (nrm + Eps);
            }
        }

        double deltaH = (1 - hSigma) * _cc * (2 - _cc);
        double sumW = _weights.Sum();
        double decay = 1 + (_c1 * deltaH) - _c1 - (_cmu * sumW);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double rankMu = 0;
                for (int k = 0; k < lambda; k++)
                {
                    rankMu += wio[k] * y[k][i] * y[k][j];
                }

                _c[(i * n) + j] = (decay * _c[(i * n) + j]) + (_c1 * _pc[i] * _pc[j]) + (_cmu * rankMu);
            }
        }

        if (AdaptsLearningRate)
        {
            AdaptLearningRate(oldMean!, oldSigma, oldSigmaMat!, oldInvSqrtC!);
        }
    }

    private void AdaptLearningRate(double[] oldMean, double oldSigma, double[] oldSigmaMat, double[] oldInvSqrtC)
    {
        int n = _n;
        var deltaMean = new double[n];
        for (int i = 0; i < n; i++)
        {
            deltaMean[i] = _mean[i] - oldMean[i];
        }

        var deltaSigma = new double[n * n];
        for (int k = 0; k < n * n; k++)
        {
            deltaSigma[k] = (_sigma * _sigma * _c[k]) - oldSigmaMat[k];
        }

        // Local coordinates: Σ_old^(-1/2) = C_old^(-1/2) / σ_old.
        var inv = new double[n * n];
        for (int k = 0; k < n * n; k++)
        {
            inv[k] = oldInvSqrtC[k] / oldSigma;
        }

        var locMean = MatVec(inv, deltaMean, n);
        var locSigma = MatMul(MatMul(inv, deltaSigma, n), inv, n);
        double sqrt2 = Math.Sqrt(2);
        for (int k = 0; k < n * n; k++)
        {
            locSigma[k] /= sqrt2;
        }

        double normLocMean2 = 0, normLocSigma2 = 0;
        for (int i = 0; i < n; i++)
        {
            _eMean![i] = ((1 - LraBetaMean) * _eMean[i]) + (LraBetaMean * locMean[i]);
            normLocMean2 += locMean[i] * locMean[i];
        }

        for (int k = 0; k < n * n; k++)
        {
            _eSigma![k] = ((1 - LraBetaSigma) * _eSigma[k]) + (LraBetaSigma * locSigma[k]);
            normLocSigma2 += locSigma[k] * locSigma[k];
        }

        _vMean = ((1 - LraBetaMean) * _vMean) + (LraBetaMean * normLocMean2);
        _vSigma = ((1 - LraBetaSigma) * _vSigma) + (LraBetaSigma * normLocSigma2);

        double sqE = _eMean!.Sum(v => v * v);
        double snrMean = (sqE - (LraBetaMean / (2 - LraBetaMean) * _vMean)) / (_vMean - sqE);
        double sqES = _eSigma!.Sum(v => v * v);
        double snrSigma = (sqES - (LraBetaSigma / (2 - LraBetaSigma) * _vSigma)) / (_vSigma - sqES);

        double beforeEtaMean = _etaMean;
        double relMean = Math.Clamp((snrMean / LraAlpha / _etaMean) - 1, -1, 1);
        _etaMean *= Math.Exp(Math.Min(LraGamma * _etaMean, LraBetaMean) * relMean);
        double relSigma = Math.Clamp((snrSigma / LraAlpha / _etaSigma) - 1, -1, 1);
        _etaSigma *= Math.Exp(Math.Min(LraGamma * _etaSigma, LraBetaSigma) * relSigma);
        _etaMean = Math.Min(_etaMean, 1.0);
        _etaSigma = Math.Min(_etaSigma, 1.0);

        for (int i = 0; i < n; i++)
        {
            _mean[i] = oldMean[i] + (_etaMean * deltaMean[i]);
        }

        var sigmaMat = Matrix<double>.Build.Dense(n, n);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                sigmaMat[i, j] = oldSigmaMat[(i * n) + j] + (_etaSigma * deltaSigma[(i * n) + j]);
            }
        }

        // σ = det(Σ)^(1/2n), C = Σ / σ².
        var eig = sigmaMat.Evd(Symmetricity.Symmetric).EigenValues;
        double logSum = 0;
        for (int k = 0; k < n; k++)
        {
            logSum += Math.Log(eig[k].Real);
        }

        _sigma = Math.Min(Math.Exp(logSum / 2.0 / n), SigmaMax);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                _c[(i * n) + j] = sigmaMat[i, j] / (_sigma * _sigma);
            }
        }

        _sigma *= beforeEtaMean / _etaMean;
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

    private void TellSeparable((double[] X, double Value)[] sorted)
    {
        int n = _n;
        var d = _d!;
        var (y, yw) = MoveMean(sorted);

        double ps = Math.Sqrt(_cSigma * (2 - _cSigma) * _muEff);
        double normPs = 0;
        for (int i = 0; i < n; i++)
        {
            _pSigma[i] = ((1 - _cSigma) * _pSigma[i]) + (ps * yw[i] / d[i]);
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

        double deltaH = (1 - hSigma) * _cc * (2 - _cc);
        double decay = 1 + (_c1 * deltaH) - _c1 - (_cmu * _weights.Sum());
        for (int i = 0; i < n; i++)
        {
            double rankMu = 0;
            for (int k = 0; k < _mu; k++)
            {
                rankMu += _weights[k] * y[k][i] * y[k][i];
            }

            _c[i] = (decay * _c[i]) + (_c1 * _pc[i] * _pc[i]) + (_cmu * rankMu);
        }
    }

    // ----- margin (CMA-ES with margin, Hamano et al. 2022) -----

    private double DiscreteStep(int i) => _steps![i];

    private int DiscreteSize(int i) => (int)Math.Ceiling((_upper[i] + (_steps![i] / 2) - _lower[i]) / _steps[i]);

    private double DiscreteValue(int i, int index) => _lower[i] + (index * DiscreteStep(i));

    private double LimitValue(int i, int index) => (DiscreteValue(i, index) + DiscreteValue(i, index + 1)) / 2;

    private int DiscreteIndex(int i, double value)
    {
        int size = DiscreteSize(i);
        int idx = (int)Math.Clamp(Math.Floor(((value - _lower[i]) / DiscreteStep(i)) + 0.5), 0, size - 1);
        if (idx > 0 && value <= LimitValue(i, Math.Max(idx - 1, 0)))
        {
            idx--;
        }

        if (idx < size - 1 && value > LimitValue(i, Math.Min(idx, size - 2)))
        {
            idx++;
        }

        return idx;
    }

    private (double Low, double Up) DiscreteLimits(int i, double value)
    {
        int size = DiscreteSize(i);
        int pos = DiscreteIndex(i, value);
        int lo = Math.Clamp(pos - 1, 0, size - 2);
        int up = Math.Clamp(pos, 0, size - 2);
        return (LimitValue(i, lo), LimitValue(i, up));
    }

    private void ApplyMargin()
    {
        double sigma = _sigma;
        foreach (int i in _discrete)
        {
            double cii = _separable ? _c[i] : _c[(i * _n) + i];
            double m = _mean[i];
            var (zLow, zUp) = DiscreteLimits(i, m);
            double scale = sigma * _a![i] * Math.Sqrt(cii);
            double lowCdf = Normal.CDF(m, scale, zLow);
            double upCdf = 1.0 - Normal.CDF(m, scale, zUp);
            double midCdf = 1.0 - (lowCdf + upCdf);
            bool edge = Math.Max(lowCdf, upCdf) > 0.5;
            bool side = !edge;
            if (edge && Math.Min(lowCdf, upCdf) < _margin)
            {
                // chi2 quantile (1 dof) at 1 − 2·margin is the squared normal quantile at 1 − margin.
                double chi = -Normal.InvCDF(0, 1, _margin);
                double dist = sigma * _a[i] * chi * Math.Sqrt(cii);
                _mean[i] = zUp + (Math.Sign(m - zUp) * dist);
            }

            lowCdf = Math.Max(lowCdf, _margin / 2.0);
            upCdf = Math.Max(upCdf, _margin / 2.0);
            double denom = lowCdf + midCdf + upCdf - (3.0 * _margin / 2);
            double rest = 1.0 - lowCdf - upCdf - midCdf;
            double modLow = Math.Clamp(lowCdf + (rest * (lowCdf - (_margin / 2)) / denom), 1e-10, 0.5 - 1e-10);
            double modUp = Math.Clamp(upCdf + (rest * (upCdf - (_margin / 2)) / denom), 1e-10, 0.5 - 1e-10);
            double chiLow = -Normal.InvCDF(0, 1, modLow);
            double chiUp = -Normal.InvCDF(0, 1, modUp);
            if (side)
            {
                _a[i] = (zUp - zLow) / ((chiLow + chiUp) * sigma * Math.Sqrt(cii));
                _mean[i] = ((zLow * chiUp) + (zUp * chiLow)) / (chiLow + chiUp);
            }
        }
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

    private static (double[] W, int Mu, double MuEff, double Cc, double C1, double Cmu, double CSigma, double DSigma) FullConstants(int n, int lambda)
    {
        int mu = lambda / 2;
        var wp = new double[lambda];
        for (int i = 0; i < lambda; i++)
        {
            wp[i] = Math.Log((lambda + 1) / 2.0) - Math.Log(i + 1);
        }

        double sumPos = 0, sumPos2 = 0, sumNeg = 0, sumNeg2 = 0;
        for (int i = 0; i < mu; i++)
        {
            sumPos += wp[i];
            sumPos2 += wp[i] * wp[i];
        }

        for (int i = mu; i < lambda; i++)
        {
            sumNeg += wp[i];
            sumNeg2 += wp[i] * wp[i];
        }

        double muEff = sumPos * sumPos / sumPos2;
        double muEffMinus = sumNeg2 > 0 ? sumNeg * sumNeg / sumNeg2 : 0;
        const double AlphaCov = 2;
        double c1 = AlphaCov / (Math.Pow(n + 1.3, 2) + muEff);
        double cmu = Math.Min(1 - c1 - 1e-8, AlphaCov * (muEff - 2 + (1 / muEff)) / (Math.Pow(n + 2, 2) + (AlphaCov * muEff / 2)));
        double minAlpha = Math.Min(1 + (c1 / cmu), Math.Min(1 + (2 * muEffMinus / (muEff + 2)), (1 - c1 - cmu) / (n * cmu)));
        double positive = wp.Where(w => w > 0).Sum();
        double negative = wp.Where(w => w < 0).Sum(w => -w);
        var weights = new double[lambda];
        for (int i = 0; i < lambda; i++)
        {
            weights[i] = wp[i] >= 0 ? wp[i] / positive : minAlpha / negative * wp[i];
        }

        double cSigma = (muEff + 2) / (n + muEff + 5);
        double dSigma = 1 + (2 * Math.Max(0, Math.Sqrt((muEff - 1) / (n + 1)) - 1)) + cSigma;
        double cc = (4 + (muEff / n)) / (n + 4 + (2 * muEff / n));
        return (weights, mu, muEff, cc, c1, cmu, cSigma, dSigma);
    }

    private static (double[] W, int Mu, double MuEff, double Cc, double C1, double Cmu, double CSigma, double DSigma) SeparableConstants(int n, int lambda)
    {
        int mu = lambda / 2;
        var wp = new double[mu];
        for (int i = 0; i < mu; i++)
        {
            wp[i] = Math.Log(mu + 1) - Math.Log(i + 1);
        }

        double s = wp.Sum();
        var weights = wp.Select(w => w / s).ToArray();
        double muEff = 1 / weights.Sum(w => w * w);
        const double AlphaCov = 2;
        double c1 = AlphaCov / (Math.Pow(n + 1.3, 2) + muEff);
        double cmuFull = (2 / muEff / Math.Pow(n + Math.Sqrt(2), 2)) + ((1 - (1 / muEff)) * Math.Min(1, ((2 * muEff) - 1) / (Math.Pow(n + 2, 2) + muEff)));
        double cmu = (n + 2) / 3.0 * cmuFull;
        double cSigma = (muEff + 2) / (n + muEff + 3);
        double dSigma = 1 + (2 * Math.Max(0, Math.Sqrt((muEff - 1) / (n + 1)) - 1)) + cSigma;
        double cc = 4.0 / (n + 4);
        return (weights, mu, muEff, cc, c1, cmu, cSigma, dSigma);
    }

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

    /// <summary>Serializes the whole state (constants are derived again from the dimension and population size).</summary>
    public Dictionary<string, object?> ToJsonObject()
    {
        var o = new Dictionary<string, object?>
        {
            ["format"] = "sharptune-cma-1",
            ["separable"] = _separable,
            ["dim"] = (long)_n,
            ["popsize"] = (long)PopulationSize,
            ["generation"] = (long)Generation,
            ["n_max_resampling"] = (long)MaxResampling,
            ["lower"] = _lower,
            ["upper"] = _upper,
            ["mean"] = _mean,
            ["sigma"] = _sigma,
            ["C"] = _separable ? _c : CompressSymmetric(_c, _n),
            ["p_sigma"] = _pSigma,
            ["pc"] = _pc,
            ["tolx"] = _tolx,
            ["funhist"] = _funhist,
        };
        if (_eMean is not null)
        {
            o["lr_adapt"] = new Dictionary<string, object?>
            {
                ["E_mean"] = _eMean,
                ["E_Sigma"] = _eSigma,
                ["V_mean"] = _vMean,
                ["V_Sigma"] = _vSigma,
                ["eta_mean"] = _etaMean,
                ["eta_Sigma"] = _etaSigma,
            };
        }

        if (_steps is not null)
        {
            o["margin"] = new Dictionary<string, object?>
            {
                ["steps"] = _steps,
                ["A"] = _a,
                ["margin"] = _margin,
            };
        }

        return o;
    }

    /// <summary>Restores a state written by <see cref="ToJsonObject"/> (parsed JSON: lists, longs, doubles).</summary>
    public static CmaOptimizer FromJsonObject(IDictionary<string, object?> o)
    {
        if (!o.TryGetValue("format", out object? f) || f as string != "sharptune-cma-1")
        {
            throw new FormatException("Not a Sharptune CMA-ES state.");
        }

        bool separable = o["separable"] is true;
        int n = (int)PyJson.ToDouble(o["dim"]);
        var steps = o.TryGetValue("margin", out object? mObj) && mObj is IDictionary<string, object?> margin ? Doubles(margin["steps"]) : null;
        var opt = new CmaOptimizer(
            Doubles(o["mean"]),
            PyJson.ToDouble(o["sigma"]),
            Doubles(o["lower"]),
            Doubles(o["upper"]),
            (int)PyJson.ToDouble(o["popsize"]),
            separable,
            null,
            o.ContainsKey("lr_adapt"),
            steps,
            (int)PyJson.ToDouble(o["n_max_resampling"]));
        opt.Generation = (int)PyJson.ToDouble(o["generation"]);
        var c = Doubles(o["C"]);
        opt._c = separable ? c : DecompressSymmetric(c, n);
        opt._pSigma = Doubles(o["p_sigma"]);
        opt._pc = Doubles(o["pc"]);
        opt._tolx = PyJson.ToDouble(o["tolx"]);
        opt._funhist = Doubles(o["funhist"]);
        if (o.TryGetValue("lr_adapt", out object? lrObj) && lrObj is IDictionary<string, object?> lr)
        {
            opt._eMean = Doubles(lr["E_mean"]);
            opt._eSigma = Doubles(lr["E_Sigma"]);
            opt._vMean = PyJson.ToDouble(lr["V_mean"]);
            opt._vSigma = PyJson.ToDouble(lr["V_Sigma"]);
            opt._etaMean = PyJson.ToDouble(lr["eta_mean"]);
            opt._etaSigma = PyJson.ToDouble(lr["eta_Sigma"]);
        }

        if (mObj is IDictionary<string, object?> mg && mg["A"] is { } a)
        {
            opt._a = Doubles(a);
            opt._margin = PyJson.ToDouble(mg["margin"]);
        }

        return opt;
    }

    /// <summary>Reads a JSON array (or CLR sequence) of numbers.</summary>
    public static double[] Doubles(object? value)
    {
        if (value is double[] d)
        {
            return (double[])d.Clone();
        }

        if (value is not System.Collections.IEnumerable seq || value is string)
        {
            throw new FormatException("Expected a list of numbers.");
        }

        var list = new List<double>();
        foreach (object? item in seq)
        {
            list.Add(PyJson.ToDouble(item));
        }

        return [.. list];
    }

    private static double[] CompressSymmetric(double[] c, int n)
    {
        var r = new double[n * (n + 1) / 2];
        int k = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                r[k++] = c[(i * n) + j];
            }
        }

        return r;
    }

    private static double[] DecompressSymmetric(double[] packed, int n)
    {
        var c = new double[n * n];
        int k = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                c[(i * n) + j] = packed[k];
                c[(j * n) + i] = packed[k];
                k++;
            }
        }

        return c;
    }
}
