using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using Sharptune.Samplers.Nsga;
using Sharptune.Samplers.Qmc;

namespace Sharptune.Samplers.Gp;

/// <summary>An acquisition function over the normalized space, maximised by <see cref="AcquisitionOptimizer"/>.</summary>
internal interface IAcquisition
{
    GpSearchSpace Space { get; }

    /// <summary>Gets the lengthscales used to precondition the local search.</summary>
    double[] LengthScales { get; }

    double Value(double[] x);

    /// <summary>Evaluates many points (the quasi-random preliminary batch).</summary>
    double[] Values(IReadOnlyList<double[]> xs);

    /// <summary>Returns the value and writes its gradient (categorical entries are ignored by the caller).</summary>
    double ValueAndGradient(double[] x, double[] gradient);
}

/// <summary>Numerically stable pieces of the log expected improvement (Ament et al., "Unexpected improvements…", 2023).</summary>
internal static class StableMath
{
    private const double InvSqrt2Pi = 0.39894228040143267794;
    private const double LogSqrt2Pi = 0.91893853320467274178;
    private const double SqrtHalfPi = 1.2533141373155002512;
    private const double SqrtHalf = 0.70710678118654752440;

    /// <summary>exp(t²)·erfc(t), accurate for large t.</summary>
    public static double Erfcx(double t)
    {
        if (t < 10)
        {
            return Math.Exp(t * t) * SpecialFunctions.Erfc(t);
        }

        // Continued fraction: erfcx(t) = (1/√π) / (t + (1/2)/(t + 1/(t + (3/2)/(t + …)))).
        double f = t;
        for (int k = 60; k >= 1; k--)
        {
            f = t + (k / 2.0 / f);
        }

        return 1 / (Math.Sqrt(Math.PI) * f);
    }

    /// <summary>
    /// log(φ(z) + z·Φ(z)), the log of E[max(0, z + N(0, 1))]. Below −1 it is computed as
    /// log φ(z) + log(1 + z·Φ(z)/φ(z)) with Φ/φ from erfcx, which avoids the cancellation of the direct formula.
    /// </summary>
    public static double LogH(double z)
    {
        if (z >= -1)
        {
            return Math.Log((0.5 * z * SpecialFunctions.Erfc(-SqrtHalf * z)) + (Math.Exp(-0.5 * z * z) * InvSqrt2Pi));
        }

        return (-0.5 * z * z) - LogSqrt2Pi + Math.Log(1 + (SqrtHalfPi * z * Erfcx(-SqrtHalf * z)));
    }

    /// <summary>d/dz log h(z) = Φ(z) / h(z).</summary>
    public static double DLogH(double z)
    {
        if (z >= -1)
        {
            double cdf = 0.5 * SpecialFunctions.Erfc(-SqrtHalf * z);
            double h = (z * cdf) + (Math.Exp(-0.5 * z * z) * InvSqrt2Pi);
            return cdf / h;
        }

        double r = SqrtHalfPi * Erfcx(-SqrtHalf * z); // Φ/φ
        return r / (1 + (z * r));
    }

    /// <summary>log Φ(z).</summary>
    public static double LogNdtr(double z)
    {
        if (z > -5)
        {
            return Math.Log(0.5 * SpecialFunctions.Erfc(-SqrtHalf * z));
        }

        return Math.Log(0.5 * Erfcx(-SqrtHalf * z)) - (0.5 * z * z);
    }

    /// <summary>d/dz log Φ(z) = φ(z)/Φ(z).</summary>
    public static double DLogNdtr(double z)
    {
        if (z > -5)
        {
            return Math.Exp(-0.5 * z * z) * InvSqrt2Pi / (0.5 * SpecialFunctions.Erfc(-SqrtHalf * z));
        }

        return 1 / (SqrtHalfPi * Erfcx(-SqrtHalf * z));
    }

    /// <summary>Standard normal quasi-random draws: a scrambled Sobol sequence through the inverse normal CDF.</summary>
    public static double[][] NormalSobol(int dimension, int n, int seed)
    {
        var engine = new SobolEngine(dimension, scramble: true, new MathNet.Numerics.Random.Xoshiro256StarStar(seed, threadSafe: false));
        var result = new double[n][];
        for (int i = 0; i < n; i++)
        {
            var u = new double[dimension];
            engine.Point(i, u);
            for (int j = 0; j < dimension; j++)
            {
                u[j] = Normal.InvCDF(0, 1, Math.Clamp(u[j], 1e-12, 1 - 1e-12));
            }

            result[i] = u;
        }

        return result;
    }
}

/// <summary>
/// Log expected improvement over <c>threshold</c> (standardized, maximised), optionally times the probability that
/// each constraint is satisfied (log-PI terms), Optuna's LogEI and LogCEI. With no feasible observation the
/// threshold is −∞ and only the constraint terms remain.
/// </summary>
internal sealed class LogEi : IAcquisition
{
    private const double StabilizingNoise = 1e-12;
    private readonly GaussianProcess _gp;
    private readonly double _threshold;
    private readonly (GaussianProcess Gp, double Threshold)[] _constraints;

    public LogEi(GaussianProcess gp, GpSearchSpace space, double threshold, IReadOnlyList<(GaussianProcess Gp, double Threshold)>? constraints = null)
    {
        _gp = gp;
        _threshold = threshold;
        _constraints = constraints?.ToArray() ?? [];
        Space = space;
        LengthScales = gp.LengthScales;
    }

    public GpSearchSpace Space { get; }

    public double[] LengthScales { get; }

    public double Value(double[] x)
    {
        double v = 0;
        if (!double.IsNegativeInfinity(_threshold))
        {
            var (mean, variance) = _gp.Posterior(x);
            double sigma = Math.Sqrt(variance + StabilizingNoise);
            v = StableMath.LogH((mean - _threshold) / sigma) + Math.Log(sigma);
        }

        foreach (var (gp, thr) in _constraints)
        {
            var (mean, variance) = gp.Posterior(x);
            v += StableMath.LogNdtr((mean - thr) / Math.Sqrt(variance + StabilizingNoise));
        }

        return v;
    }

    public double[] Values(IReadOnlyList<double[]> xs)
    {
        int m = xs.Count;
        var result = new double[m];
        var mean = new double[m];
        var variance = new double[m];
        if (!double.IsNegativeInfinity(_threshold))
        {
            _gp.PosteriorBatch(xs, mean, variance);
            for (int p = 0; p < m; p++)
            {
                double sigma = Math.Sqrt(variance[p] + StabilizingNoise);
                result[p] = StableMath.LogH((mean[p] - _threshold) / sigma) + Math.Log(sigma);
            }
        }

        foreach (var (gp, thr) in _constraints)
        {
            gp.PosteriorBatch(xs, mean, variance);
            for (int p = 0; p < m; p++)
            {
                result[p] += StableMath.LogNdtr((mean[p] - thr) / Math.Sqrt(variance[p] + StabilizingNoise));
            }
        }

        return result;
    }

    public double ValueAndGradient(double[] x, double[] gradient)
    {
        int d = x.Length;
        Array.Clear(gradient);
        var gm = new double[d];
        var gv = new double[d];
        double v = 0;
        if (!double.IsNegativeInfinity(_threshold))
        {
            var (mean, variance) = _gp.PosteriorWithGradient(x, gm, gv);
            double sigma = Math.Sqrt(variance + StabilizingNoise);
            double z = (mean - _threshold) / sigma;
            v = StableMath.LogH(z) + Math.Log(sigma);
            double dz = StableMath.DLogH(z);
            double dMean = dz / sigma;
            double dSigma = (-dz * z / sigma) + (1 / sigma);
            double dVar = dSigma / (2 * sigma);
            for (int j = 0; j < d; j++)
            {
                gradient[j] += (dMean * gm[j]) + (dVar * gv[j]);
            }
        }

        foreach (var (gp, thr) in _constraints)
        {
            var (mean, variance) = gp.PosteriorWithGradient(x, gm, gv);
            double sigma = Math.Sqrt(variance + StabilizingNoise);
            double z = (mean - thr) / sigma;
            v += StableMath.LogNdtr(z);
            double dz = StableMath.DLogNdtr(z);
            double dMean = dz / sigma;
            double dVar = -dz * z / sigma / (2 * sigma);
            for (int j = 0; j < d; j++)
            {
                gradient[j] += (dMean * gm[j]) + (dVar * gv[j]);
            }
        }

        return v;
    }
}

/// <summary>
/// Log expected hypervolume improvement (Optuna's LogEHVI), estimated with quasi-random normal draws of the
/// independent per-objective posteriors over a decomposition of the non-dominated region into boxes; optionally
/// plus constraint log-PI terms (LogCEHVI). Objectives are standardized and maximised.
/// </summary>
internal sealed class LogEhvi : IAcquisition
{
    private const double Eps = 1e-12;
    private const double StabilizingNoise = 1e-12;
    private readonly GaussianProcess[] _gps;
    private readonly double[][] _samples; // [sample][objective]
    private readonly double[][] _boxLower; // max-space lower bounds
    private readonly double[][] _boxInterval;
    private readonly (GaussianProcess Gp, double Threshold)[] _constraints;
    private readonly bool _hasFront;

    public LogEhvi(IReadOnlyList<GaussianProcess> gps, GpSearchSpace space, IReadOnlyList<double[]>? yTrain, int nSamples, int seed, IReadOnlyList<(GaussianProcess Gp, double Threshold)>? constraints = null)
    {
        _gps = [.. gps];
        _constraints = constraints?.ToArray() ?? [];
        Space = space;
        int m = gps.Count;
        var ls = new double[space.Dimension];
        foreach (var gp in gps)
        {
            var l = gp.LengthScales;
            for (int j = 0; j < ls.Length; j++)
            {
                ls[j] += l[j] / gps.Count;
            }
        }

        LengthScales = ls;
        _samples = StableMath.NormalSobol(m, nSamples, seed);
        _hasFront = yTrain is { Count: > 0 };
        if (!_hasFront)
        {
            _boxLower = [];
            _boxInterval = [];
            return;
        }

        // Reference point in loss space: max(1.1·worst, 0.9·worst), nudged up.
        var loss = yTrain!.Select(y => y.Select(v => -v).ToArray()).ToList();
        var refPoint = new double[m];
        for (int i = 0; i < m; i++)
        {
            double worst = loss.Max(l => l[i]);
            refPoint[i] = Math.BitIncrement(Math.Max(1.1 * worst, 0.9 * worst));
        }

        var boxes = ParetoMath.NonDominatedBoxes(loss, refPoint);
        _boxLower = new double[boxes.Count][];
        _boxInterval = new double[boxes.Count][];
        for (int b = 0; b < boxes.Count; b++)
        {
            var (lb, ub) = boxes[b];
            _boxLower[b] = new double[m];
            _boxInterval[b] = new double[m];
            for (int i = 0; i < m; i++)
            {
                // Box [lb, ub] in loss space is [−ub, −lb] when maximising.
                _boxLower[b][i] = -ub[i];
                _boxInterval[b][i] = Math.Max(ub[i] - lb[i], Eps);
            }
        }
    }

    public GpSearchSpace Space { get; }

    public double[] LengthScales { get; }

    public double Value(double[] x) => Evaluate(x, null);

    public double ValueAndGradient(double[] x, double[] gradient) => Evaluate(x, gradient);

    public double[] Values(IReadOnlyList<double[]> xs)
    {
        int count = xs.Count, m = _gps.Length;
        var result = new double[count];
        var means = new double[m][];
        var sigmas = new double[m][];
        for (int i = 0; i < m; i++)
        {
            means[i] = new double[count];
            sigmas[i] = new double[count];
            _gps[i].PosteriorBatch(xs, means[i], sigmas[i]);
            for (int p = 0; p < count; p++)
            {
                sigmas[i][p] = Math.Sqrt(sigmas[i][p] + StabilizingNoise);
            }
        }

        var mean = new double[m];
        var sigma = new double[m];
        var terms = new double[_samples.Length * _boxLower.Length];
        for (int p = 0; p < count; p++)
        {
            for (int i = 0; i < m; i++)
            {
                mean[i] = means[i][p];
                sigma[i] = sigmas[i][p];
            }

            result[p] = _hasFront && _boxLower.Length > 0 ? LogHvi(mean, sigma, terms, out _, out _) : 0;
        }

        var cm = new double[count];
        var cv = new double[count];
        foreach (var (gp, thr) in _constraints)
        {
            gp.PosteriorBatch(xs, cm, cv);
            for (int p = 0; p < count; p++)
            {
                result[p] += StableMath.LogNdtr((cm[p] - thr) / Math.Sqrt(cv[p] + StabilizingNoise));
            }
        }

        return result;
    }

    /// <summary>log E[HVI] for the given per-objective posteriors; also returns the log-sum-exp pieces for gradients.</summary>
    private double LogHvi(double[] mean, double[] sigma, double[] terms, out double max, out double sum)
    {
        int m = mean.Length, s = _samples.Length, nb = _boxLower.Length;
        max = double.NegativeInfinity;
        for (int k = 0; k < s; k++)
        {
            var sample = _samples[k];
            for (int b = 0; b < nb; b++)
            {
                var lower = _boxLower[b];
                var interval = _boxInterval[b];
                double t = 0;
                for (int i = 0; i < m; i++)
                {
                    t += Math.Log(Math.Clamp(mean[i] + (sigma[i] * sample[i]) - lower[i], Eps, interval[i]));
                }

                terms[(k * nb) + b] = t;
                max = Math.Max(max, t);
            }
        }

        sum = 0;
        foreach (double t in terms)
        {
            sum += Math.Exp(t - max);
        }

        return max + Math.Log(sum) - Math.Log(s);
    }

    private double Evaluate(double[] x, double[]? gradient)
    {
        int m = _gps.Length, d = x.Length, s = _samples.Length, nb = _boxLower.Length;
        if (gradient is not null)
        {
            Array.Clear(gradient);
        }

        double value = 0;
        var gm = new double[d];
        var gv = new double[d];
        if (_hasFront && nb > 0)
        {
            var mean = new double[m];
            var sigma = new double[m];
            var meanGrad = gradient is null ? null : new double[m][];
            var sigmaGrad = gradient is null ? null : new double[m][];
            for (int i = 0; i < m; i++)
            {
                double variance;
                if (gradient is null)
                {
                    (mean[i], variance) = _gps[i].Posterior(x);
                }
                else
                {
                    (mean[i], variance) = _gps[i].PosteriorWithGradient(x, gm, gv);
                    meanGrad![i] = (double[])gm.Clone();
                    sigmaGrad![i] = new double[d];
                }

                sigma[i] = Math.Sqrt(variance + StabilizingNoise);
                if (gradient is not null)
                {
                    for (int j = 0; j < d; j++)
                    {
                        sigmaGrad![i][j] = gv[j] / (2 * sigma[i]);
                    }
                }
            }

            var terms = new double[s * nb];
            var y = new double[m];
            value = LogHvi(mean, sigma, terms, out double max, out double sum);

            if (gradient is not null)
            {
                // dValue/dy_ki = Σ_b softmax_kb / diff_kbi where the clamp is inactive.
                var dMean = new double[m];
                var dSigma = new double[m];
                for (int k = 0; k < s; k++)
                {
                    for (int i = 0; i < m; i++)
                    {
                        y[i] = mean[i] + (sigma[i] * _samples[k][i]);
                    }

                    for (int b = 0; b < nb; b++)
                    {
                        double w = Math.Exp(terms[(k * nb) + b] - max) / sum;
                        if (w == 0)
                        {
                            continue;
                        }

                        for (int i = 0; i < m; i++)
                        {
                            double diff = y[i] - _boxLower[b][i];
                            if (diff > Eps && diff < _boxInterval[b][i])
                            {
                                dMean[i] += w / diff;
                                dSigma[i] += w / diff * _samples[k][i];
                            }
                        }
                    }
                }

                for (int i = 0; i < m; i++)
                {
                    for (int j = 0; j < d; j++)
                    {
                        gradient[j] += (dMean[i] * meanGrad![i][j]) + (dSigma[i] * sigmaGrad![i][j]);
                    }
                }
            }
        }

        foreach (var (gp, thr) in _constraints)
        {
            if (gradient is null)
            {
                var (mean, variance) = gp.Posterior(x);
                value += StableMath.LogNdtr((mean - thr) / Math.Sqrt(variance + StabilizingNoise));
                continue;
            }

            var (mu, var) = gp.PosteriorWithGradient(x, gm, gv);
            double sd = Math.Sqrt(var + StabilizingNoise);
            double z = (mu - thr) / sd;
            value += StableMath.LogNdtr(z);
            double dz = StableMath.DLogNdtr(z);
            for (int j = 0; j < d; j++)
            {
                gradient[j] += (dz / sd * gm[j]) - (dz * z / sd / (2 * sd) * gv[j]);
            }
        }

        return value;
    }
}
