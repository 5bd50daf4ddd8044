using System.Globalization;
using System.Text;
using MathNet.Numerics.Random;
using Sharptune.Internal;
using Sharptune.Samplers.Gp;
using Sharptune.Samplers.Nsga;

namespace Sharptune.Samplers;

/// <summary>
/// Bayesian optimization with Gaussian processes (Optuna 5's <c>GPSampler</c>). After
/// <c>nStartupTrials</c> independent trials, each trial fits a Matérn-5/2 ARD Gaussian process (Hamming distance on
/// categorical parameters; Optuna's priors; marginal likelihood maximised with L-BFGS from MathNet.Numerics) to the
/// standardized objective of the COMPLETE trials, and proposes the maximiser of the log expected improvement — the
/// log expected hypervolume improvement for multi-objective studies — found from 2048 quasi-random preliminary
/// points plus local searches. Constraints (<see cref="ITrial.SetConstraint"/>) get their own processes, and the
/// acquisition is multiplied by the probability of feasibility. Trials still running (parallel workers) are
/// accounted for as Optuna 5 does: the process is conditioned on fantasies of their values, drawn from the joint
/// posterior with fixed quasi-random normal draws, and the batch acquisition — qLogEI, qLogCEI with constraints,
/// qLogEHVI for several objectives — rates a candidate by what it adds to the running batch. Constrained
/// multi-objective studies treat running trials as observed at their predicted means (the kriging believer).
/// </summary>
public sealed class GpSampler : ISampler
{
    private const int AttrMaxLength = 2045;
    private const string RelativeParamsKey = "gp:relative_params";
    private const double Eps = 1e-10;
    private const int PreliminarySamples = 2048;
    private const int LocalSearches = 10;
    private const double Tolerance = 1e-4;
    private const int EhviSamples = 128;
    private const int QeiSamples = 128;
    private const int MaxQmcSeed = 1 << 30;

    private readonly ISampler _independentSampler;
    private readonly int _nStartupTrials;
    private readonly bool _deterministic;
    private readonly bool _warnIndependentSampling;
    private readonly Lock _lock = new();
    private Xoshiro256StarStar _rng;
    private KernelParams[]? _cache;
    private KernelParams[]? _constraintsCache;

    /// <summary>Initializes a new instance of the <see cref="GpSampler"/> class.</summary>
    /// <param name="seed">The seed; <see langword="null"/> for a random one.</param>
    /// <param name="independentSampler">Samples the startup trials and parameters outside the space; <see langword="null"/> for a <see cref="RandomSampler"/>.</param>
    /// <param name="nStartupTrials">COMPLETE trials needed before the Gaussian process is used.</param>
    /// <param name="deterministicObjective">The objective has no noise (the noise variance is fixed at its minimum).</param>
    /// <param name="warnIndependentSampling">Log a warning when a parameter is sampled independently.</param>
    public GpSampler(int? seed = null, ISampler? independentSampler = null, int nStartupTrials = 10, bool deterministicObjective = false, bool warnIndependentSampling = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nStartupTrials);
        _rng = seed is { } s ? new Xoshiro256StarStar(s, threadSafe: false) : new Xoshiro256StarStar(threadSafe: false);
        _independentSampler = independentSampler ?? new RandomSampler(seed);
        _nStartupTrials = nStartupTrials;
        _deterministic = deterministicObjective;
        _warnIndependentSampling = warnIndependentSampling;
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        var history = study.History;
        history.Refresh(trial.Number);
        return SortedSpace.From(history.Spaces.Intersection(includePruned: false), static d => !d.IsSingle);
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(searchSpace);
        if (searchSpace.Count == 0)
        {
            return FrozenTrial.EmptyInternal;
        }

        var history = study.History;
        history.Refresh(trial.Number);
        var completed = history.FinishedInNumberOrder(TrialState.Complete);
        if (completed.Count < _nStartupTrials)
        {
            return FrozenTrial.EmptyInternal;
        }

        var running = new List<IReadOnlyDictionary<string, double>>();
        foreach (var t in history.Running)
        {
            if (t.State == TrialState.Running && t.TrialId != trial.TrialId)
            {
                var p = PendingParams(t, searchSpace);
                if (searchSpace.Keys.All(p.ContainsKey))
                {
                    running.Add(p);
                }
            }
        }

        Dictionary<string, double> result;
        lock (_lock)
        {
            result = SampleCore(study, completed, running, searchSpace);
        }

        SharePending(study, trial, searchSpace, result);
        return result;
    }

    /// <inheritdoc/>
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(paramName);
        if (_warnIndependentSampling && study.Storage.GetNTrials(study.StudyId, [TrialState.Complete]) >= _nStartupTrials)
        {
            SamplerLog.IndependentSampling(
                study.Logger, paramName, trial.Number, _independentSampler.GetType().Name, "GPSampler", "dynamic search space is not supported by GPSampler");
        }

        return _independentSampler.SampleIndependent(study, trial, paramName, distribution);
    }

    /// <inheritdoc/>
    public void BeforeTrial(Study study, FrozenTrial trial) => _independentSampler.BeforeTrial(study, trial);

    /// <inheritdoc/>
    public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values) =>
        _independentSampler.AfterTrial(study, trial, state, values);

    /// <inheritdoc/>
    public void Reseed()
    {
        lock (_lock)
        {
            _rng = new Xoshiro256StarStar(threadSafe: false);
        }

        _independentSampler.Reseed();
    }

    private Dictionary<string, double> SampleCore(
        Study study, List<FrozenTrial> completed, List<IReadOnlyDictionary<string, double>> running, IReadOnlyDictionary<string, Distribution> searchSpace)
    {
        var space = new GpSearchSpace(searchSpace);
        var x = completed.Select(t => space.Normalize(t.InternalParams)).ToArray();
        var xRunning = running.Select(space.Normalize).ToArray();
        var directions = study.Directions;
        int m = directions.Count;
        var raw = new double[completed.Count][];
        for (int i = 0; i < completed.Count; i++)
        {
            raw[i] = new double[m];
            for (int j = 0; j < m; j++)
            {
                double v = completed[i].Values![j];
                raw[i][j] = directions[j] == StudyDirection.Minimize ? -v : v;
            }
        }

        var (scores, _, _) = Standardize(raw, study);
        if (_cache is not null && _cache[0].InverseSquaredLengthscales.Length != space.Dimension)
        {
            _cache = null;
        }

        var gps = new GaussianProcess[m];
        for (int j = 0; j < m; j++)
        {
            var y = scores.Select(r => r[j]).ToArray();
            gps[j] = Fit(study, x, y, space, _cache?[j]);
        }

        _cache = [.. gps.Select(g => g.Params)];
        bool constrained = completed.Any(t => t.Constraints.Count > 0);
        var warm = new List<double[]>();
        double threshold;
        (GaussianProcess Gp, double Threshold)[] constraints = [];
        bool[]? feasible = null;
        if (constrained)
        {
            var (constraintGps, thresholds, isFeasible) = FitConstraints(study, completed, x, space);
            constraints = [.. constraintGps.Zip(thresholds)];
            feasible = isFeasible;
        }

        // As Optuna: the acquisition's quasi-random seed is drawn before the Pareto starts are picked.
        int qmcSeed = m > 1 || xRunning.Length > 0 ? _rng.Next(MaxQmcSeed) : 0;

        // Warm starts: the best (feasible) point, or a few points of the (feasible) Pareto front.
        List<double[]>? feasibleScores = null;
        if (m == 1)
        {
            int best = -1;
            for (int i = 0; i < scores.Length; i++)
            {
                if ((feasible is null || feasible[i]) && (best < 0 || scores[i][0] > scores[best][0]))
                {
                    best = i;
                }
            }

            threshold = best < 0 ? double.NegativeInfinity : scores[best][0];
            if (best >= 0)
            {
                warm.Add(x[best]);
            }
        }
        else
        {
            threshold = double.NaN;
            feasibleScores = [.. scores.Where((_, i) => feasible is null || feasible[i])];
            if (feasibleScores.Count > 0)
            {
                warm.AddRange(ParetoStarts(x.Where((_, i) => feasible is null || feasible[i]).ToArray(), feasibleScores));
            }
        }

        IAcquisition? acq = null;
        if (xRunning.Length > 0 && (m == 1 || !constrained))
        {
            // Optuna 5: qLogEI / qLogCEI / qLogEHVI over fantasies of the running trials.
            try
            {
                acq = m == 1
                    ? new QLogEi(gps[0], space, threshold, QeiSamples, qmcSeed, xRunning, constraints, StableMath.NormalSobol)
                    : new QLogEhvi(gps, space, scores, EhviSamples, qmcSeed, xRunning, StableMath.NormalSobol);
            }
            catch (ArgumentException)
            {
                // The running points' joint posterior is singular (e.g. two trials at one point): believe the predicted
                // means instead, as Optuna does for constrained multi-objective studies.
                acq = null;
            }
        }

        if (acq is null)
        {
            // No running trial, or constrained multi-objective (Optuna's LogCEHVI): the "kriging believer" — running
            // points are observations at their predicted means.
            var gpsWithRunning = gps.Select(g => g.WithRunning(xRunning)).ToArray();
            var believed = constraints.Select(c => (c.Gp.WithRunning(xRunning), c.Threshold)).ToList();
            acq = m == 1
                ? new LogEi(gpsWithRunning[0], space, threshold, believed)
                : new LogEhvi(gpsWithRunning, space, feasibleScores!.Count > 0 ? feasibleScores : null, EhviSamples, qmcSeed, believed);
        }

        var (xBest, _) = AcquisitionOptimizer.Maximize(acq, warm, PreliminarySamples, LocalSearches, Tolerance, _rng);
        return space.Unnormalize(xBest);
    }

    private GaussianProcess Fit(Study study, double[][] x, double[] y, GpSearchSpace space, KernelParams? initial)
    {
        var gp = GaussianProcess.Fit(x, y, space.IsCategorical, initial, _deterministic, out string? failure);
        if (failure is not null)
        {
            SamplerLog.GpKernelFitFailed(study.Logger, failure);
        }

        return gp;
    }

    private (GaussianProcess[] Gps, double[] Thresholds, bool[] Feasible) FitConstraints(
        Study study, List<FrozenTrial> completed, double[][] x, GpSearchSpace space)
    {
        var keys = completed[0].Constraints.Keys.ToArray();
        foreach (var t in completed)
        {
            if (t.Constraints.Count != keys.Length || !keys.All(t.Constraints.ContainsKey))
            {
                throw new ArgumentException("The number of constraints must be the same for all trials.");
            }
        }

        var values = completed.Select(t => keys.Select(k => -t.Constraints[k]).ToArray()).ToArray();
        var feasible = completed.Select(t => t.IsFeasible).ToArray();
        var (standardized, means, stds) = Standardize(values, study);
        if (_constraintsCache is not null && (_constraintsCache.Length != keys.Length || _constraintsCache[0].InverseSquaredLengthscales.Length != space.Dimension))
        {
            _constraintsCache = null;
        }

        var gps = new GaussianProcess[keys.Length];
        var thresholds = new double[keys.Length];
        for (int c = 0; c < keys.Length; c++)
        {
            gps[c] = Fit(study, x, standardized.Select(r => r[c]).ToArray(), space, _constraintsCache?[c]);
            thresholds[c] = -means[c] / Math.Max(Eps, stds[c]);
        }

        _constraintsCache = [.. gps.Select(g => g.Params)];
        return (gps, thresholds, feasible);
    }

    private List<double[]> ParetoStarts(double[][] x, IReadOnlyList<double[]> scores)
    {
        var loss = scores.Select(s => s.Select(v => -v).ToArray()).ToList();
        var onFront = ParetoMath.IsParetoFront(loss);
        var front = x.Where((_, i) => onFront[i]).ToList();
        int size = Math.Min(LocalSearches / 2, front.Count);
        var chosen = new List<double[]>(size);
        for (int k = 0; k < size; k++)
        {
            int pick = _rng.Next(front.Count);
            chosen.Add(front[pick]);
            front.RemoveAt(pick);
        }

        return chosen;
    }

    /// <summary>Clips infinities to the finite range of each column, then standardizes it (population standard deviation).</summary>
    private static (double[][] Values, double[] Means, double[] Stds) Standardize(double[][] values, Study study)
    {
        int n = values.Length, m = values[0].Length;
        var result = values.Select(r => (double[])r.Clone()).ToArray();
        var means = new double[m];
        var stds = new double[m];
        bool warned = false;
        for (int j = 0; j < m; j++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            foreach (var r in result)
            {
                if (double.IsFinite(r[j]))
                {
                    lo = Math.Min(lo, r[j]);
                    hi = Math.Max(hi, r[j]);
                }
            }

            if (double.IsInfinity(lo))
            {
                lo = hi = 0;
            }

            foreach (var r in result)
            {
                if (!double.IsFinite(r[j]))
                {
                    if (!warned)
                    {
                        SamplerLog.GpNonFiniteClipped(study.Logger);
                        warned = true;
                    }

                    r[j] = Math.Clamp(r[j], lo, hi);
                }
            }

            means[j] = result.Average(r => r[j]);
            stds[j] = Math.Sqrt(result.Sum(r => (r[j] - means[j]) * (r[j] - means[j])) / n);
            foreach (var r in result)
            {
                r[j] = (r[j] - means[j]) / Math.Max(Eps, stds[j]);
            }
        }

        return (result, means, stds);
    }

    /// <summary>The parameters of a running trial: those it already has, plus the ones another worker proposed for it.</summary>
    private static Dictionary<string, double> PendingParams(FrozenTrial t, IReadOnlyDictionary<string, Distribution> space)
    {
        var result = new Dictionary<string, double>(t.InternalParams, StringComparer.Ordinal);
        var text = new StringBuilder();
        for (int i = 0; t.SystemAttrs.TryGetValue(RelativeParamsKey + ":" + i.ToString(CultureInfo.InvariantCulture), out object? chunk); i++)
        {
            text.Append(chunk as string);
        }

        if (text.Length == 0)
        {
            return result;
        }

        try
        {
            if (PyJson.Parse(text.ToString()) is IDictionary<string, object?> shared)
            {
                foreach (var (name, external) in shared)
                {
                    if (!result.ContainsKey(name) && space.TryGetValue(name, out var dist))
                    {
                        result[name] = dist.ToInternalRepr(external);
                    }
                }
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            // A foreign or damaged entry only costs the parallel hint.
        }

        return result;
    }

    /// <summary>Shares the proposal (external values, as Optuna) so other workers see where this trial is going.</summary>
    private static void SharePending(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> space, Dictionary<string, double> proposal)
    {
        var external = new Dictionary<string, object?>(proposal.Count, StringComparer.Ordinal);
        foreach (var (name, v) in proposal)
        {
            external[name] = space[name].ToExternalRepr(v);
        }

        string text;
        try
        {
            text = PyJson.Serialize(external);
        }
        catch (ArgumentException)
        {
            return; // a categorical choice that JSON cannot carry
        }

        for (int i = 0, start = 0; start < text.Length; i++, start += AttrMaxLength)
        {
            study.SetTrialSystemAttr(
                trial, RelativeParamsKey + ":" + i.ToString(CultureInfo.InvariantCulture), text.Substring(start, Math.Min(AttrMaxLength, text.Length - start)));
        }
    }
}
