using MathNet.Numerics.LinearAlgebra;
using Sharptune.Samplers.Nsga;

namespace Sharptune.Samplers.Gp;

/// <summary>Draws <c>n</c> fixed standard-normal vectors of length <c>dimension</c> for a seed (quasi-random by default).</summary>
/// <param name="dimension">The length of each vector.</param>
/// <param name="n">The number of vectors.</param>
/// <param name="seed">The seed.</param>
/// <returns>The draws, [sample][dimension].</returns>
internal delegate double[][] NormalSampler(int dimension, int n, int seed);

/// <summary>
/// A Gaussian process conditioned on fantasies of the trials still running (Optuna 5's <c>ConditionalGPRegressor</c>).
/// The joint posterior of the latent function at the running points R is sampled once with fixed normal draws
/// (the fantasies F = μ_R + Z·L_Rᵀ, L_R the Cholesky factor of the posterior covariance plus a stabilizing noise);
/// a query point x then gets, per draw s, the conditional sample
/// μ_x + c·C_RR⁻¹(F_s − μ_R) + √(σ²_x + ε − c·C_RR⁻¹c)·z_s with c the posterior cross-covariance of x and R.
/// The draws are fixed, so the samples are deterministic, differentiable functions of x.
/// </summary>
internal sealed class ConditionalGp
{
    private readonly GaussianProcess _gp;
    private readonly double[][] _running;
    private readonly int _r;
    private readonly int _s;
    private readonly int _n;
    private readonly int _d;
    private readonly double _stabilizingNoise;
    private readonly double[] _zx; // [s], the draw reserved for the query point
    private readonly double[] _b; // [j * S + s] = (C_RR⁻¹ (F − μ_R)ᵀ)[j, s]
    private readonly double[] _crrInv; // [j * r + k]
    private readonly double[] _vr; // [i * r + j] = ((K(X, X) + noise·I)⁻¹ K(X, R))[i, j]

    public ConditionalGp(GaussianProcess gp, double[][] running, int nSamples, int seed, NormalSampler sampler, double stabilizingNoise)
    {
        _gp = gp;
        _running = running;
        _r = running.Length;
        _s = nSamples;
        _n = gp.X.Length;
        _d = gp.Categorical.Length;
        _stabilizingNoise = stabilizingNoise;
        var z = sampler(_r + 1, nSamples, seed);
        var (meanR, covR) = gp.JointPosterior(running);
        for (int j = 0; j < _r; j++)
        {
            covR[j, j] += stabilizingNoise;
        }

        // Throws ArgumentException when C_RR is not positive definite (coinciding running points): the caller falls back.
        var chol = covR.Cholesky();
        var lower = chol.Factor;
        Fantasies = new double[_s][];
        var delta = Matrix<double>.Build.Dense(_r, _s);
        _zx = new double[_s];
        for (int s = 0; s < _s; s++)
        {
            var f = new double[_r];
            for (int j = 0; j < _r; j++)
            {
                double v = 0;
                for (int k = 0; k <= j; k++)
                {
                    v += z[s][k] * lower[j, k];
                }

                f[j] = meanR[j] + v;
                delta[j, s] = f[j] - meanR[j];
            }

            Fantasies[s] = f;
            _zx[s] = z[s][_r];
        }

        _b = chol.Solve(delta).ToRowMajorArray();
        _crrInv = chol.Solve(Matrix<double>.Build.DenseIdentity(_r)).ToRowMajorArray();
        var kxr = Matrix<double>.Build.Dense(_n, _r);
        var column = new double[_n];
        for (int j = 0; j < _r; j++)
        {
            gp.Kernel(running[j], gp.X, column, default);
            kxr.SetColumn(j, column);
        }

        _vr = gp.SolveTraining(kxr).ToRowMajorArray();
    }

    /// <summary>Gets the fantasy values of the running trials, [sample][running trial].</summary>
    public double[][] Fantasies { get; }

    /// <summary>Gets the number of fixed draws.</summary>
    public int SampleCount => _s;

    /// <summary>Samples at x with the fixed draws; <paramref name="state"/> keeps what <see cref="Backward"/> needs.</summary>
    /// <param name="x">The query point.</param>
    /// <param name="mean">The posterior mean at x (from <paramref name="state"/>'s gradient pass when it wants one).</param>
    /// <param name="variance">The posterior variance at x.</param>
    /// <param name="state">Receives the samples (and the pieces of their gradient when <paramref name="withGradient"/>).</param>
    /// <param name="withGradient">Whether <see cref="Backward"/> will be called.</param>
    public void Sample(ReadOnlySpan<double> x, double mean, double variance, SampleState state, bool withGradient)
    {
        int n = _n, r = _r, d = _d;
        var kx = state.Kx;
        var kr = state.Kr;
        _gp.Kernel(x, _gp.X, kx, withGradient ? state.DKx : default);
        _gp.Kernel(x, _running, kr, withGradient ? state.DKr : default);

        // c = k(x, R) − k(x, X)·V_R: the posterior cross-covariance of x and R.
        var c = state.C;
        for (int j = 0; j < r; j++)
        {
            c[j] = kr[j];
        }

        for (int i = 0; i < n; i++)
        {
            double ki = kx[i];
            int o = i * r;
            for (int j = 0; j < r; j++)
            {
                c[j] -= ki * _vr[o + j];
            }
        }

        var w = state.W;
        double quad = 0;
        for (int j = 0; j < r; j++)
        {
            double v = 0;
            for (int k = 0; k < r; k++)
            {
                v += _crrInv[(j * r) + k] * c[k];
            }

            w[j] = v;
            quad += v * c[j];
        }

        double condVar = variance + _stabilizingNoise - quad;
        state.Positive = condVar > 0;
        double sigma = Math.Sqrt(Math.Max(condVar, 0));
        state.Sigma = sigma;
        var y = state.Y;
        for (int s = 0; s < _s; s++)
        {
            double v = mean;
            for (int j = 0; j < r; j++)
            {
                v += c[j] * _b[(j * _s) + s];
            }

            y[s] = v + (sigma * _zx[s]);
        }

        if (!withGradient)
        {
            return;
        }

        // dc_j = ∂k(x, R_j)/∂x − Σ_i V_R[i, j]·∂k(x, X_i)/∂x.
        var dc = state.DC;
        Array.Copy(state.DKr, dc, r * d);
        for (int i = 0; i < n; i++)
        {
            int oi = i * d;
            for (int j = 0; j < r; j++)
            {
                double v = _vr[(i * r) + j];
                if (v == 0)
                {
                    continue;
                }

                int oj = j * d;
                for (int t = 0; t < d; t++)
                {
                    dc[oj + t] -= v * state.DKx[oi + t];
                }
            }
        }
    }

    /// <summary>Adds Σ_s g_s·∂y_s/∂x to <paramref name="gradient"/>.</summary>
    /// <param name="state">The state of the last <see cref="Sample"/> with a gradient.</param>
    /// <param name="g">∂value/∂y_s.</param>
    /// <param name="meanGrad">∂μ_x/∂x.</param>
    /// <param name="varGrad">∂σ²_x/∂x.</param>
    /// <param name="gradient">Accumulates the gradient.</param>
    public void Backward(SampleState state, ReadOnlySpan<double> g, ReadOnlySpan<double> meanGrad, ReadOnlySpan<double> varGrad, Span<double> gradient)
    {
        int r = _r, d = _d;
        double sumG = 0, sumGz = 0;
        var gb = state.W2;
        Array.Clear(gb);
        for (int s = 0; s < _s; s++)
        {
            double gs = g[s];
            if (gs == 0)
            {
                continue;
            }

            sumG += gs;
            sumGz += gs * _zx[s];
            for (int j = 0; j < r; j++)
            {
                gb[j] += gs * _b[(j * _s) + s];
            }
        }

        // ∂σ/∂x = (∂σ²_x/∂x − 2·Σ_j w_j·dc_j) / (2σ) while the conditional variance is positive.
        double sigmaFactor = state.Positive && state.Sigma > 0 ? sumGz / (2 * state.Sigma) : 0;
        for (int t = 0; t < d; t++)
        {
            gradient[t] += (sumG * meanGrad[t]) + (sigmaFactor * varGrad[t]);
        }

        for (int j = 0; j < r; j++)
        {
            double coef = gb[j] - (2 * sigmaFactor * state.W[j]);
            int oj = j * d;
            for (int t = 0; t < d; t++)
            {
                gradient[t] += coef * state.DC[oj + t];
            }
        }
    }

    /// <summary>Creates the scratch space of <see cref="Sample"/>.</summary>
    /// <returns>A state sized for this process.</returns>
    public SampleState CreateState() => new(_n, _r, _s, _d);

    /// <summary>Scratch space and results of one <see cref="Sample"/> call.</summary>
    internal sealed class SampleState(int n, int r, int s, int d)
    {
        public double[] Y { get; } = new double[s];

        public double[] Kx { get; } = new double[n];

        public double[] Kr { get; } = new double[r];

        public double[] DKx { get; } = new double[n * d];

        public double[] DKr { get; } = new double[r * d];

        public double[] C { get; } = new double[r];

        public double[] W { get; } = new double[r];

        public double[] W2 { get; } = new double[r];

        public double[] DC { get; } = new double[r * d];

        public double Sigma { get; set; }

        public bool Positive { get; set; }
    }
}

/// <summary>Helpers shared by the batch acquisitions.</summary>
internal static class BatchMath
{
    /// <summary>The floor of improvements and box widths before their logarithm (Optuna's 1e-12).</summary>
    public const double Eps = 1e-12;

    /// <summary>log σ(t), stable on both sides.</summary>
    public static double LogSigmoid(double t) => t >= 0 ? -Math.Log(1 + Math.Exp(-t)) : t - Math.Log(1 + Math.Exp(t));

    /// <summary>σ(t).</summary>
    public static double Sigmoid(double t) => t >= 0 ? 1 / (1 + Math.Exp(-t)) : Math.Exp(t) / (1 + Math.Exp(t));

    /// <summary>log Σ exp(values) − log n, and the softmax weights written to <paramref name="weights"/>.</summary>
    public static double LogMeanExp(ReadOnlySpan<double> values, Span<double> weights)
    {
        double max = double.NegativeInfinity;
        foreach (double v in values)
        {
            max = Math.Max(max, v);
        }

        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double e = Math.Exp(values[i] - max);
            if (!weights.IsEmpty)
            {
                weights[i] = e;
            }

            sum += e;
        }

        if (!weights.IsEmpty)
        {
            for (int i = 0; i < values.Length; i++)
            {
                weights[i] /= sum;
            }
        }

        return max + Math.Log(sum) - Math.Log(values.Length);
    }

    /// <summary>Mean of the lengthscales of several processes (preconditions the local search).</summary>
    public static double[] MeanLengthScales(IReadOnlyList<GaussianProcess> gps)
    {
        var ls = new double[gps[0].Categorical.Length];
        foreach (var gp in gps)
        {
            var l = gp.LengthScales;
            for (int j = 0; j < ls.Length; j++)
            {
                ls[j] += l[j] / gps.Count;
            }
        }

        return ls;
    }
}

/// <summary>
/// Batch log expected improvement for a study with running trials (Optuna 5's qLogEI), optionally with constraints
/// (qLogCEI). Per fixed draw s, the utility of each of the q = running + 1 points is log max(y − threshold, ε), plus,
/// with constraints, Σ log σ((y_c − threshold_c)/τ) for the constraint processes sampled the same way (τ = 0.01;
/// constraint i uses the seed + i + 1). The value is the log of the mean over draws of the best utility in the batch,
/// so a candidate near a running trial, whose fantasy already holds that improvement, gains little.
/// </summary>
internal sealed class QLogEi : IAcquisition
{
    private const double Tau = 1e-2;
    private readonly ConditionalGp _objective;
    private readonly double _threshold;
    private readonly GaussianProcess _gp;
    private readonly (ConditionalGp Gp, GaussianProcess Base, double Threshold)[] _constraints;
    private readonly double[] _fantasyBest; // [s]: the best utility among the running trials' fantasies
    private readonly int _s;

    public QLogEi(
        GaussianProcess gp,
        GpSearchSpace space,
        double threshold,
        int nSamples,
        int seed,
        double[][] running,
        IReadOnlyList<(GaussianProcess Gp, double Threshold)>? constraints,
        NormalSampler sampler,
        double stabilizingNoise = 1e-12)
    {
        _gp = gp;
        _threshold = threshold;
        _s = nSamples;
        Space = space;
        LengthScales = gp.LengthScales;
        _objective = new ConditionalGp(gp, running, nSamples, seed, sampler, stabilizingNoise);
        _constraints = (constraints ?? [])
            .Select((c, i) => (new ConditionalGp(c.Gp, running, nSamples, seed + i + 1, sampler, stabilizingNoise), c.Gp, c.Threshold))
            .ToArray();
        _fantasyBest = new double[nSamples];
        for (int s = 0; s < nSamples; s++)
        {
            double best = double.NegativeInfinity;
            for (int j = 0; j < running.Length; j++)
            {
                double u = ImprovementUtility(_objective.Fantasies[s][j]);
                foreach (var (cgp, _, thr) in _constraints)
                {
                    u += BatchMath.LogSigmoid((cgp.Fantasies[s][j] - thr) / Tau);
                }

                best = Math.Max(best, u);
            }

            _fantasyBest[s] = best;
        }
    }

    public GpSearchSpace Space { get; }

    public double[] LengthScales { get; }

    public double Value(double[] x) => Evaluate(x, NewStates(), null, null, -1);

    public double ValueAndGradient(double[] x, double[] gradient) => Evaluate(x, NewStates(), gradient, null, -1);

    public double[] Values(IReadOnlyList<double[]> xs)
    {
        // The posterior means and variances of the whole batch first (the blocked triangular solve), then the draws.
        var states = NewStates();
        var posteriors = new (double[] Mean, double[] Variance)[_constraints.Length + 1];
        for (int c = 0; c <= _constraints.Length; c++)
        {
            posteriors[c] = (new double[xs.Count], new double[xs.Count]);
            (c == 0 ? _gp : _constraints[c - 1].Base).PosteriorBatch(xs, posteriors[c].Mean, posteriors[c].Variance);
        }

        var result = new double[xs.Count];
        for (int p = 0; p < xs.Count; p++)
        {
            result[p] = Evaluate(xs[p], states, null, posteriors, p);
        }

        return result;
    }

    private double ImprovementUtility(double y) =>
        double.IsNegativeInfinity(_threshold) ? 0 : Math.Log(Math.Max(y - _threshold, BatchMath.Eps));

    private ConditionalGp.SampleState[] NewStates() =>
        [_objective.CreateState(), .. _constraints.Select(c => c.Gp.CreateState())];

    private double Evaluate(double[] x, ConditionalGp.SampleState[] states, double[]? gradient, (double[] Mean, double[] Variance)[]? posteriors, int index)
    {
        int d = x.Length;
        bool withGradient = gradient is not null;
        var meanGrads = withGradient ? new double[_constraints.Length + 1][] : null;
        var varGrads = withGradient ? new double[_constraints.Length + 1][] : null;
        for (int c = 0; c <= _constraints.Length; c++)
        {
            var gp = c == 0 ? _gp : _constraints[c - 1].Base;
            var cgp = c == 0 ? _objective : _constraints[c - 1].Gp;
            double mean, variance;
            if (withGradient)
            {
                meanGrads![c] = new double[d];
                varGrads![c] = new double[d];
                (mean, variance) = gp.PosteriorWithGradient(x, meanGrads[c], varGrads[c]);
            }
            else if (posteriors is not null)
            {
                (mean, variance) = (posteriors[c].Mean[index], posteriors[c].Variance[index]);
            }
            else
            {
                (mean, variance) = gp.Posterior(x);
            }

            cgp.Sample(x, mean, variance, states[c], withGradient);
        }

        // Utility of the candidate per draw, then the best of the batch per draw.
        var best = new double[_s];
        var candidateWins = new double[_s];
        var y = states[0].Y;
        for (int s = 0; s < _s; s++)
        {
            double u = ImprovementUtility(y[s]);
            for (int c = 0; c < _constraints.Length; c++)
            {
                u += BatchMath.LogSigmoid((states[c + 1].Y[s] - _constraints[c].Threshold) / Tau);
            }

            // The maximum passes its gradient to the candidate when it is the best (half of it on an exact tie).
            best[s] = Math.Max(u, _fantasyBest[s]);
            candidateWins[s] = u > _fantasyBest[s] ? 1 : u == _fantasyBest[s] ? 0.5 : 0;
        }

        var weights = withGradient ? new double[_s] : null;
        double value = BatchMath.LogMeanExp(best, weights);
        if (!withGradient)
        {
            return value;
        }

        Array.Clear(gradient!);
        var g = new double[_s];
        for (int s = 0; s < _s; s++)
        {
            double diff = y[s] - _threshold;
            g[s] = !double.IsNegativeInfinity(_threshold) && diff > BatchMath.Eps ? weights![s] * candidateWins[s] / diff : 0;
        }

        _objective.Backward(states[0], g, meanGrads![0], varGrads![0], gradient);
        for (int c = 0; c < _constraints.Length; c++)
        {
            var yc = states[c + 1].Y;
            double thr = _constraints[c].Threshold;
            for (int s = 0; s < _s; s++)
            {
                g[s] = weights![s] * candidateWins[s] * BatchMath.Sigmoid(-(yc[s] - thr) / Tau) / Tau;
            }

            _constraints[c].Gp.Backward(states[c + 1], g, meanGrads[c + 1], varGrads![c + 1], gradient);
        }

        return value;
    }
}

/// <summary>
/// Batch log expected hypervolume improvement for a multi-objective study with running trials (Optuna 5's
/// qLogEHVI). Each objective's process is conditioned on the running trials' fantasies (objective i uses the
/// seed + i); per draw s, the non-dominated region of the observed values plus that draw's fantasies is split into
/// boxes, and the candidate's log hypervolume improvement is the log-sum-exp over boxes of Σ_i log of its clamped
/// extent. The value is the log of the mean over draws. The reference point comes from the observed values only.
/// </summary>
internal sealed class QLogEhvi : IAcquisition
{
    private readonly GaussianProcess[] _gps;
    private readonly ConditionalGp[] _conditional;
    private readonly double[][][] _boxLower; // [s][box][objective], maximisation space
    private readonly double[][][] _boxInterval;
    private readonly int _s;

    public QLogEhvi(
        IReadOnlyList<GaussianProcess> gps, GpSearchSpace space, IReadOnlyList<double[]> yTrain, int nSamples, int seed, double[][] running, NormalSampler sampler, double stabilizingNoise = 1e-12)
    {
        _gps = [.. gps];
        _s = nSamples;
        Space = space;
        LengthScales = BatchMath.MeanLengthScales(gps);
        int m = gps.Count;
        _conditional = gps.Select((gp, i) => new ConditionalGp(gp, running, nSamples, seed + i, sampler, stabilizingNoise)).ToArray();
        var loss = yTrain.Select(y => y.Select(v => -v).ToArray()).ToList();
        var refPoint = new double[m];
        for (int i = 0; i < m; i++)
        {
            double worst = loss.Max(l => l[i]);
            refPoint[i] = Math.BitIncrement(Math.Max(1.1 * worst, 0.9 * worst));
        }

        _boxLower = new double[nSamples][][];
        _boxInterval = new double[nSamples][][];
        for (int s = 0; s < nSamples; s++)
        {
            var points = new List<double[]>(loss);
            for (int j = 0; j < running.Length; j++)
            {
                var p = new double[m];
                for (int i = 0; i < m; i++)
                {
                    p[i] = -_conditional[i].Fantasies[s][j];
                }

                points.Add(p);
            }

            var boxes = ParetoMath.NonDominatedBoxes(points, refPoint);
            _boxLower[s] = new double[boxes.Count][];
            _boxInterval[s] = new double[boxes.Count][];
            for (int b = 0; b < boxes.Count; b++)
            {
                var (lb, ub) = boxes[b];
                _boxLower[s][b] = new double[m];
                _boxInterval[s][b] = new double[m];
                for (int i = 0; i < m; i++)
                {
                    _boxLower[s][b][i] = -ub[i];
                    _boxInterval[s][b][i] = Math.Max(ub[i] - lb[i], BatchMath.Eps);
                }
            }
        }
    }

    public GpSearchSpace Space { get; }

    public double[] LengthScales { get; }

    public double Value(double[] x) => Evaluate(x, NewStates(), null, null, -1);

    public double ValueAndGradient(double[] x, double[] gradient) => Evaluate(x, NewStates(), gradient, null, -1);

    public double[] Values(IReadOnlyList<double[]> xs)
    {
        var states = NewStates();
        var posteriors = new (double[] Mean, double[] Variance)[_gps.Length];
        for (int i = 0; i < _gps.Length; i++)
        {
            posteriors[i] = (new double[xs.Count], new double[xs.Count]);
            _gps[i].PosteriorBatch(xs, posteriors[i].Mean, posteriors[i].Variance);
        }

        var result = new double[xs.Count];
        for (int p = 0; p < xs.Count; p++)
        {
            result[p] = Evaluate(xs[p], states, null, posteriors, p);
        }

        return result;
    }

    private ConditionalGp.SampleState[] NewStates() => [.. _conditional.Select(c => c.CreateState())];

    private double Evaluate(double[] x, ConditionalGp.SampleState[] states, double[]? gradient, (double[] Mean, double[] Variance)[]? posteriors, int index)
    {
        int m = _gps.Length, d = x.Length;
        bool withGradient = gradient is not null;
        var meanGrads = new double[m][];
        var varGrads = new double[m][];
        for (int i = 0; i < m; i++)
        {
            double mean, variance;
            if (withGradient)
            {
                meanGrads[i] = new double[d];
                varGrads[i] = new double[d];
                (mean, variance) = _gps[i].PosteriorWithGradient(x, meanGrads[i], varGrads[i]);
            }
            else if (posteriors is not null)
            {
                (mean, variance) = (posteriors[i].Mean[index], posteriors[i].Variance[index]);
            }
            else
            {
                (mean, variance) = _gps[i].Posterior(x);
            }

            _conditional[i].Sample(x, mean, variance, states[i], withGradient);
        }

        var perSample = new double[_s];
        var y = new double[m];
        double[][]? boxWeights = withGradient ? new double[_s][] : null;
        for (int s = 0; s < _s; s++)
        {
            for (int i = 0; i < m; i++)
            {
                y[i] = states[i].Y[s];
            }

            var lower = _boxLower[s];
            var interval = _boxInterval[s];
            var terms = new double[lower.Length];
            for (int b = 0; b < lower.Length; b++)
            {
                double t = 0;
                for (int i = 0; i < m; i++)
                {
                    t += Math.Log(Math.Clamp(y[i] - lower[b][i], BatchMath.Eps, interval[b][i]));
                }

                terms[b] = t;
            }

            if (withGradient)
            {
                boxWeights![s] = new double[lower.Length];
            }

            // log Σ_b exp(t_b): LogMeanExp subtracts log(count), so add it back.
            perSample[s] = BatchMath.LogMeanExp(terms, withGradient ? boxWeights![s] : default) + Math.Log(lower.Length);
        }

        var weights = withGradient ? new double[_s] : null;
        double value = BatchMath.LogMeanExp(perSample, weights);
        if (!withGradient)
        {
            return value;
        }

        Array.Clear(gradient!);
        var g = new double[m][];
        for (int i = 0; i < m; i++)
        {
            g[i] = new double[_s];
        }

        for (int s = 0; s < _s; s++)
        {
            var lower = _boxLower[s];
            var interval = _boxInterval[s];
            for (int b = 0; b < lower.Length; b++)
            {
                double w = weights![s] * boxWeights![s][b];
                if (w == 0)
                {
                    continue;
                }

                for (int i = 0; i < m; i++)
                {
                    double diff = states[i].Y[s] - lower[b][i];
                    if (diff > BatchMath.Eps && diff < interval[b][i])
                    {
                        g[i][s] += w / diff;
                    }
                }
            }
        }

        for (int i = 0; i < m; i++)
        {
            _conditional[i].Backward(states[i], g[i], meanGrads[i], varGrads[i], gradient);
        }

        return value;
    }
}
