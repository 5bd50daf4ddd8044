using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;
using Sharptune.Internal;
using Sharptune.Samplers.CmaEs;
using Sharptune.Samplers.History;
using Sharptune.Samplers.Nsga;

namespace Sharptune.Samplers;

/// <summary>
/// CMA-ES (Optuna's <c>CmaEsSampler</c>) for single-objective studies over float and int parameters. The search
/// space is the intersection of the COMPLETE trials' spaces; each dimension is normalised to [0, 1] (log scale for
/// log distributions, discrete ranges widened by half a step), the run starts at the centre with σ₀ = 1/6 and a
/// population of 4 + ⌊3 ln n⌋. Each trial records its generation (<c>cma:generation</c>), and whenever a
/// generation is complete the updated optimizer is stored in the current trial's system attributes as JSON
/// (<c>cma:state:&lt;i&gt;</c>), so any process can resume it. Categorical parameters, and everything while the
/// space changes, go to the independent sampler with a logged reason.
/// </summary>
/// <remarks>
/// Variants: separable CMA (diagonal covariance), CMA-ES with margin for discrete parameters, learning-rate
/// adaptation, warm start from the trials of a similar task, and the IPOP/BIPOP restart strategies that Optuna
/// dropped in v4.4.
/// </remarks>
public sealed class CmaEsSampler : ISampler
{
    private const int AttrMaxLength = 2045;
    private const double SigmaFloor = 1e-10;

    private readonly ISampler _independentSampler;
    private readonly IReadOnlyDictionary<string, object?>? _x0;
    private readonly double? _sigma0;
    private readonly int _nStartupTrials;
    private readonly bool _considerPrunedTrials;
    private readonly CmaRestartStrategy _restartStrategy;
    private readonly int? _popsize;
    private readonly int _incPopsize;
    private readonly bool _useSeparableCma;
    private readonly bool _withMargin;
    private readonly bool _lrAdapt;
    private readonly IReadOnlyList<FrozenTrial>? _sourceTrials;
    private readonly string _prefix;
    private readonly Lock _lock = new();
    private readonly HistoryReader _tracker = new();
    private readonly Dictionary<(int Restart, int Generation), List<FrozenTrial>> _solutions = [];
    private readonly Dictionary<int, Run> _runCache = [];
    private readonly Xoshiro256StarStar _cmaRng;
    private Dictionary<string, Distribution>? _space;
    private IReadOnlyDictionary<string, Distribution>? _relativeSpace;
    private SearchSpaceTransform? _transform;
    private IReadOnlyDictionary<string, Distribution>? _transformSpace;
    private int _consideredCount;
    private int _holderNumber = -1;
    private FrozenTrial? _holder;
    private volatile bool _warnIndependentSampling;
    private bool _warnedConstraints;

    /// <summary>Initializes a new instance of the <see cref="CmaEsSampler"/> class.</summary>
    /// <param name="x0">The initial mean in external representation; <see langword="null"/> for the centre of the space.</param>
    /// <param name="sigma0">The initial step size in the normalised space; <see langword="null"/> for 1/6.</param>
    /// <param name="nStartupTrials">Trials sampled independently before CMA-ES starts.</param>
    /// <param name="independentSampler">Samples what CMA-ES does not; <see langword="null"/> for a <see cref="RandomSampler"/>.</param>
    /// <param name="warnIndependentSampling">Log a warning when a parameter is sampled independently.</param>
    /// <param name="seed">The seed; <see langword="null"/> for a random one.</param>
    /// <param name="considerPrunedTrials">Use PRUNED trials (with their last intermediate value) as solutions.</param>
    /// <param name="restartStrategy">Restart when a run converges: IPOP or BIPOP.</param>
    /// <param name="popsize">The (initial) population size; <see langword="null"/> for 4 + ⌊3 ln n⌋.</param>
    /// <param name="incPopsize">The population multiplier of the restart strategies.</param>
    /// <param name="useSeparableCma">Use a diagonal covariance matrix (faster learning on separable functions).</param>
    /// <param name="withMargin">Use CMA-ES with margin, which keeps discrete parameters from freezing on one value.</param>
    /// <param name="lrAdapt">Adapt the learning rates (LRA-CMA-ES), for multimodal and noisy objectives.</param>
    /// <param name="sourceTrials">Trials of a similar task to warm-start the distribution from.</param>
    /// <exception cref="ArgumentException">Incompatible options, with Optuna's messages.</exception>
    public CmaEsSampler(
        IReadOnlyDictionary<string, object?>? x0 = null,
        double? sigma0 = null,
        int nStartupTrials = 1,
        ISampler? independentSampler = null,
        bool warnIndependentSampling = true,
        int? seed = null,
        bool considerPrunedTrials = false,
        CmaRestartStrategy restartStrategy = CmaRestartStrategy.None,
        int? popsize = null,
        int incPopsize = 2,
        bool useSeparableCma = false,
        bool withMargin = false,
        bool lrAdapt = false,
        IReadOnlyList<FrozenTrial>? sourceTrials = null)
    {
        if (sourceTrials is not null && (x0 is not null || sigma0 is not null))
        {
            throw new ArgumentException("sourceTrials cannot be passed when x0 or sigma0 is specified.", nameof(sourceTrials));
        }

        if (sourceTrials is not null && useSeparableCma)
        {
            throw new ArgumentException("sourceTrials cannot be passed when using separable CMA-ES (useSeparableCma).", nameof(sourceTrials));
        }

        if (lrAdapt && (useSeparableCma || withMargin))
        {
            throw new ArgumentException("useSeparableCma and withMargin cannot be passed when using lrAdapt.", nameof(lrAdapt));
        }

        if (useSeparableCma && withMargin)
        {
            throw new ArgumentException("useSeparableCma and withMargin cannot both be true.", nameof(withMargin));
        }

        if (popsize is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(popsize), popsize, "popsize must be non-zero positive value.");
        }

        if (incPopsize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(incPopsize), incPopsize, "incPopsize must be a positive integer.");
        }

        if (sigma0 is { } s0 && !(s0 > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma0), sigma0, "sigma must be non-zero positive value");
        }

        _x0 = x0;
        _sigma0 = sigma0;
        _nStartupTrials = nStartupTrials;
        _independentSampler = independentSampler ?? new RandomSampler(seed);
        _warnIndependentSampling = warnIndependentSampling;
        _considerPrunedTrials = considerPrunedTrials;
        _restartStrategy = restartStrategy;
        _popsize = popsize;
        _incPopsize = incPopsize;
        _useSeparableCma = useSeparableCma;
        _withMargin = withMargin;
        _lrAdapt = lrAdapt;
        _sourceTrials = sourceTrials?.ToArray();
        _prefix = useSeparableCma ? "sepcma:" : withMargin ? "cmawm:" : "cma:";
        _cmaRng = seed is { } s ? new Xoshiro256StarStar(s, threadSafe: false) : new Xoshiro256StarStar(threadSafe: false);
    }

    private string StateKeyPrefix => _prefix + "state:";

    private string StrategyName => _restartStrategy switch
    {
        CmaRestartStrategy.Ipop => "ipop",
        CmaRestartStrategy.Bipop => "bipop",
        _ => string.Empty,
    };

    private string GenerationKey(int restart) => _restartStrategy == CmaRestartStrategy.None
        ? _prefix + "generation"
        : string.Create(CultureInfo.InvariantCulture, $"{_prefix}{StrategyName}:restart_{restart}:generation");

    private string RestartsKey => _prefix + StrategyName + ":n_restarts";

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        lock (_lock)
        {
            Refresh(study);
            if (_relativeSpace is null)
            {
                _relativeSpace = _space is null ? SortedSpace.Empty : SortedSpace.From(_space, static d => !d.IsSingle && d is FloatDistribution or IntDistribution);
            }

            return _relativeSpace;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(searchSpace);
        ThrowIfMultiObjective(study);
        if (searchSpace.Count == 0)
        {
            return FrozenTrial.EmptyInternal;
        }

        lock (_lock)
        {
            Refresh(study);
            if (_consideredCount < _nStartupTrials)
            {
                return FrozenTrial.EmptyInternal;
            }

            if (_transform is null || !ReferenceEquals(_transformSpace, searchSpace))
            {
                _transform = new SearchSpaceTransform(searchSpace, transformStep: !_withMargin, transform01: true);
                _transformSpace = searchSpace;
            }

            var trans = _transform;
            var run = RestoreRun() ?? InitRun(trans, searchSpace, study, null, randomizeMean: false);
            if (run.Optimizer.Dimension != trans.ColumnCount)
            {
                if (_warnIndependentSampling)
                {
                    SamplerLog.CmaDynamicSearchSpace(study.Logger, _independentSampler.GetType().Name);
                    _warnIndependentSampling = false;
                }

                return FrozenTrial.EmptyInternal;
            }

            var key = (run.Restarts, run.Optimizer.Generation);
            if (_solutions.TryGetValue(key, out var members) && members.Count >= run.Optimizer.PopulationSize)
            {
                run = run.Clone(); // the cached run stays as stored: another trial may still need to restore it
                members.Sort(static (a, b) => a.Number.CompareTo(b.Number));
                var solutions = new List<(double[] X, double Value)>(run.Optimizer.PopulationSize);
                bool maximize = study.Direction == StudyDirection.Maximize;
                for (int k = 0; k < run.Optimizer.PopulationSize; k++)
                {
                    var t = members[k];
                    double[] x = run.Optimizer.HasMargin && t.SystemAttrs.TryGetValue("x_for_tell", out object? xt) && xt is not null
                        ? CmaOptimizer.Doubles(xt)
                        : trans.Transform(t.InternalParams);
                    double y = ConsideredValue(t);
                    solutions.Add((x, maximize ? -y : y));
                }

                run.Optimizer.Tell(solutions);
                if (_restartStrategy != CmaRestartStrategy.None && run.Optimizer.ShouldStop())
                {
                    run = Restart(run, trans, searchSpace, study);
                }

                StoreRun(study, trial, run);
            }

            // Optuna reseeds the unpickled optimizer per trial; here the optimizer owns no generator and draws from
            // the sampler's, which is as reproducible in a sequential study and far cheaper than a new generator.
            var raw = run.Optimizer.Ask(_cmaRng, out var encoded);
            if (run.Optimizer.HasMargin)
            {
                study.SetTrialSystemAttr(trial, "x_for_tell", raw);
            }

            study.SetTrialSystemAttr(trial, GenerationKey(run.Restarts), run.Optimizer.Generation);
            if (_restartStrategy != CmaRestartStrategy.None)
            {
                study.SetTrialSystemAttr(trial, RestartsKey, run.Restarts);
            }

            return trans.Untransform(encoded);
        }
    }

    /// <inheritdoc/>
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(paramName);
        ThrowIfMultiObjective(study);
        if (_warnIndependentSampling)
        {
            int considered;
            lock (_lock)
            {
                Refresh(study);
                considered = _consideredCount;
            }

            if (considered >= _nStartupTrials)
            {
                SamplerLog.IndependentSampling(
                    study.Logger, paramName, trial.Number, _independentSampler.GetType().Name, nameof(CmaEsSampler),
                    "dynamic search space and `CategoricalDistribution` are not supported by `CmaEsSampler`");
            }
        }

        return _independentSampler.SampleIndependent(study, trial, paramName, distribution);
    }

    /// <inheritdoc/>
    public void BeforeTrial(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        lock (_lock)
        {
            EnsureFollowing(study);
        }
        _independentSampler.BeforeTrial(study, trial);
    }

    /// <inheritdoc/>
    public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        if (trial.Constraints.Count > 0 && !_warnedConstraints)
        {
            _warnedConstraints = true;
            SamplerLog.CmaConstraintsIgnored(study.Logger);
        }
        _independentSampler.AfterTrial(study, trial, state, values);
    }

    /// <inheritdoc/>
    public void Reseed() => _independentSampler.Reseed();

    private static void ThrowIfMultiObjective(Study study)
    {
        if (study.IsMultiObjective)
        {
            throw new ArgumentException("If the study is being used for multi-objective optimization, CmaEsSampler cannot be used.", nameof(study));
        }
    }

    // ----- incremental view of the study -----

    private void EnsureFollowing(Study study)
    {
        if (!_tracker.Follows(study))
        {
            _tracker.Reset(study);
            _solutions.Clear();
            _runCache.Clear();
            _transform = null;
            _space = null;
            _relativeSpace = null;
            _consideredCount = 0;
            _holderNumber = -1;
            _holder = null;
        }
    }

    private void Refresh(Study study)
    {
        EnsureFollowing(study);
        _tracker.Refresh(study, OnFinished);
    }

    private void OnFinished(FrozenTrial t)
    {
        if (t.State == TrialState.Complete)
        {
            Intersect(t);
        }

        if (!IsConsidered(t))
        {
            return;
        }

        _consideredCount++;
        int restart = 0;
        if (_restartStrategy != CmaRestartStrategy.None)
        {
            if (t.SystemAttrs.TryGetValue(RestartsKey, out object? r) && r is not null)
            {
                restart = (int)PyJson.ToDouble(r);
            }
        }

        if (t.SystemAttrs.TryGetValue(GenerationKey(restart), out object? g) && g is not null)
        {
            var key = (restart, (int)PyJson.ToDouble(g));
            if (!_solutions.TryGetValue(key, out var list))
            {
                _solutions[key] = list = [];
            }

            list.Add(t);
        }

        if (t.Number > _holderNumber && t.SystemAttrs.ContainsKey(StateKeyPrefix + "0"))
        {
            _holderNumber = t.Number;
            _holder = t;
        }
    }

    private void Intersect(FrozenTrial t)
    {
        if (_space is null)
        {
            _space = new Dictionary<string, Distribution>(t.Distributions, StringComparer.Ordinal);
            _relativeSpace = null;
            return;
        }

        List<string>? remove = null;
        foreach (var (name, dist) in _space)
        {
            if (!t.Distributions.TryGetValue(name, out var other) || !other.Equals(dist))
            {
                (remove ??= []).Add(name);
            }
        }

        foreach (string name in remove ?? [])
        {
            _space.Remove(name);
            _relativeSpace = null;
        }
    }

    private bool IsConsidered(FrozenTrial t) =>
        t.State == TrialState.Complete || (t.State == TrialState.Pruned && _considerPrunedTrials && t.IntermediateValues.Count > 0);

    private static double ConsideredValue(FrozenTrial t) =>
        t.State == TrialState.Complete ? t.Values![0] : t.IntermediateValues[t.LastStep!.Value];

    // ----- optimizer runs and their JSON state -----

    private sealed class Run(CmaOptimizer optimizer)
    {
        public CmaOptimizer Optimizer { get; set; } = optimizer;

        public int Restarts { get; set; }

        public int RestartsWithLarge { get; set; }

        public bool SmallRegime { get; set; } = true;

        public long SmallEvaluations { get; set; }

        public long LargeEvaluations { get; set; }

        public int InitialPopulationSize { get; set; }

        public Run Clone() => new(Optimizer.Clone())
        {
            Restarts = Restarts,
            RestartsWithLarge = RestartsWithLarge,
            SmallRegime = SmallRegime,
            SmallEvaluations = SmallEvaluations,
            LargeEvaluations = LargeEvaluations,
            InitialPopulationSize = InitialPopulationSize,
        };
    }

    private Run? RestoreRun()
    {
        if (_holder is null)
        {
            return null;
        }

        if (!_runCache.TryGetValue(_holderNumber, out var cached))
        {
            var text = new StringBuilder();
            for (int i = 0; _holder.SystemAttrs.TryGetValue(StateKeyPrefix + i.ToString(CultureInfo.InvariantCulture), out object? chunk); i++)
            {
                text.Append(chunk as string);
            }

            var json = PyJson.Parse(text.ToString()) as IDictionary<string, object?> ?? throw new FormatException("The stored CMA-ES state is not a JSON object.");
            cached = new Run(CmaOptimizer.FromJsonObject((IDictionary<string, object?>)json["optimizer"]!));
            var r = (IDictionary<string, object?>)json["restart"]!;
            cached.Restarts = (int)PyJson.ToDouble(r["n_restarts"]);
            cached.RestartsWithLarge = (int)PyJson.ToDouble(r["n_restarts_with_large"]);
            cached.SmallRegime = r["poptype"] as string != "large";
            cached.SmallEvaluations = (long)PyJson.ToDouble(r["small_n_eval"]);
            cached.LargeEvaluations = (long)PyJson.ToDouble(r["large_n_eval"]);
            cached.InitialPopulationSize = (int)PyJson.ToDouble(r["initial_popsize"]);
            cached.Optimizer.Prepare();
            Remember(_holderNumber, cached);
        }

        // Asking does not change a prepared optimizer, so the cached run is shared until a tell needs a copy.
        return cached;
    }

    private void Remember(int trialNumber, Run run)
    {
        _runCache[trialNumber] = run;
        if (_runCache.Count > 8)
        {
            foreach (int k in _runCache.Keys.Order().Take(_runCache.Count - 8).ToArray())
            {
                if (k != _holderNumber)
                {
                    _runCache.Remove(k);
                }
            }
        }
    }

    private void StoreRun(Study study, FrozenTrial trial, Run run)
    {
        var json = new Dictionary<string, object?>
        {
            ["optimizer"] = run.Optimizer.ToJsonObject(),
            ["restart"] = new Dictionary<string, object?>
            {
                ["strategy"] = StrategyName,
                ["n_restarts"] = (long)run.Restarts,
                ["n_restarts_with_large"] = (long)run.RestartsWithLarge,
                ["poptype"] = run.SmallRegime ? "small" : "large",
                ["small_n_eval"] = run.SmallEvaluations,
                ["large_n_eval"] = run.LargeEvaluations,
                ["initial_popsize"] = (long)run.InitialPopulationSize,
            },
        };
        string text = StateJson.Write(json);
        for (int i = 0, start = 0; start < text.Length; i++, start += AttrMaxLength)
        {
            study.SetTrialSystemAttr(
                trial, StateKeyPrefix + i.ToString(CultureInfo.InvariantCulture), text.Substring(start, Math.Min(AttrMaxLength, text.Length - start)));
        }

        // The trials that restore this state start from a copy of it (the JSON round trip is exact).
        var pristine = run.Clone();
        pristine.Optimizer.Prepare();
        Remember(trial.Number, pristine);
    }

    private Run InitRun(SearchSpaceTransform trans, IReadOnlyDictionary<string, Distribution> space, Study study, int? populationSize, bool randomizeMean)
    {
        int n = trans.ColumnCount;
        var lower = new double[n];
        var upper = Enumerable.Repeat(1.0, n).ToArray();
        double[] mean;
        double sigma0;
        double[,]? cov = null;
        if (_sourceTrials is null)
        {
            if (randomizeMean)
            {
                mean = new double[n];
                for (int i = 0; i < n; i++)
                {
                    mean[i] = _cmaRng.NextDouble();
                }
            }
            else if (_x0 is not null)
            {
                var internals = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (string name in trans.ParamNames)
                {
                    if (!_x0.TryGetValue(name, out object? v))
                    {
                        throw new ArgumentException($"x0 does not contain the parameter '{name}'.");
                    }

                    internals[name] = space[name].ToInternalRepr(v);
                }

                mean = trans.Transform(internals);
            }
            else
            {
                mean = Enumerable.Repeat(0.5, n).ToArray();
            }

            sigma0 = _sigma0 ?? (1.0 / 6);
        }
        else
        {
            bool maximize = study.Direction == StudyDirection.Maximize;
            var names = new HashSet<string>(trans.ParamNames, StringComparer.Ordinal);
            var source = new List<(double[] X, double Value)>();
            foreach (var t in _sourceTrials)
            {
                if (!IsConsidered(t) || t.Distributions.Count != names.Count || !t.Distributions.Keys.All(names.Contains))
                {
                    continue;
                }

                double v = ConsideredValue(t);
                source.Add((trans.Transform(t.InternalParams), maximize ? -v : v));
            }

            if (source.Count == 0)
            {
                throw new ArgumentException("No compatible sourceTrials.");
            }

            (mean, sigma0, cov) = WarmStart(source);
        }

        sigma0 = Math.Max(sigma0, SigmaFloor);
        int initialPopsize = _popsize ?? CmaOptimizer.DefaultPopulationSize(n);
        int popsize = populationSize ?? initialPopsize;
        bool separable = _useSeparableCma;
        if (separable && n == 1)
        {
            SamplerLog.SeparableCmaOneDimension(study.Logger);
            separable = false;
        }

        double[]? steps = null;
        if (_withMargin)
        {
            steps = new double[n];
            for (int i = 0; i < n; i++)
            {
                steps[i] = space[trans.ParamNames[i]] switch
                {
                    FloatDistribution { Log: true } or IntDistribution { Log: true } => 0.0,
                    FloatDistribution { Step: null } => 0.0,
                    FloatDistribution { Step: { } st } f => f.Low == f.High ? 1.0 : st / (f.High - f.Low),
                    IntDistribution d => d.Low == d.High ? 1.0 : (double)d.Step / (d.High - d.Low),
                    _ => 0.0,
                };
            }
        }

        var optimizer = new CmaOptimizer(mean, sigma0, lower, upper, popsize, separable, cov, _lrAdapt, steps);
        return new Run(optimizer) { InitialPopulationSize = initialPopsize };
    }

    private Run Restart(Run run, SearchSpaceTransform trans, IReadOnlyDictionary<string, Distribution> space, Study study)
    {
        int generation = run.Optimizer.Generation;
        int popsize = run.Optimizer.PopulationSize;
        int next;
        if (_restartStrategy == CmaRestartStrategy.Ipop)
        {
            next = popsize * _incPopsize;
        }
        else
        {
            long evaluations = (long)popsize * generation;
            if (run.SmallRegime)
            {
                run.SmallEvaluations += evaluations;
            }
            else
            {
                run.LargeEvaluations += evaluations;
            }

            if (run.SmallEvaluations < run.LargeEvaluations)
            {
                run.SmallRegime = true;
                double multiplier = Math.Pow(_incPopsize, run.RestartsWithLarge);
                double u = _cmaRng.NextDouble();
                next = (int)Math.Floor(run.InitialPopulationSize * Math.Pow(multiplier, u * u));
            }
            else
            {
                run.SmallRegime = false;
                run.RestartsWithLarge++;
                next = run.InitialPopulationSize * (int)Math.Pow(_incPopsize, run.RestartsWithLarge);
            }
        }

        var fresh = InitRun(trans, space, study, next, randomizeMean: true);
        run.Optimizer = fresh.Optimizer;
        run.Restarts++;
        SamplerLog.CmaRestart(study.Logger, generation, run.Restarts, StrategyName, next);
        return run;
    }

    /// <summary>
    /// The warm-starting distribution of Nomura et al. (AAAI 2021): the top 10 % of the source solutions give the
    /// mean, and their second moment plus a 0.1² I prior gives Σ; σ = det(Σ)^(1/2n) and C = Σ / σ².
    /// </summary>
    internal static (double[] Mean, double Sigma, double[,] Cov) WarmStart(IReadOnlyList<(double[] X, double Value)> source, double gamma = 0.1, double alpha = 0.1)
    {
        var sorted = source.OrderBy(s => s.Value).ToList();
        int top = (int)Math.Floor(sorted.Count * gamma);
        if (top < 1)
        {
            throw new ArgumentException("One or more solutions must be selected from a source task (sourceTrials needs at least 10 compatible trials).");
        }

        int n = sorted[0].X.Length;
        var mean = new double[n];
        var second = Matrix<double>.Build.Dense(n, n);
        for (int k = 0; k < top; k++)
        {
            var x = sorted[k].X;
            for (int i = 0; i < n; i++)
            {
                mean[i] += x[i] / top;
                for (int j = 0; j < n; j++)
                {
                    second[i, j] += x[i] * x[j] / top;
                }
            }
        }

        var sigmaMat = Matrix<double>.Build.DenseIdentity(n) * (alpha * alpha);
        sigmaMat += second;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                sigmaMat[i, j] -= mean[i] * mean[j];
            }
        }

        double det = sigmaMat.Determinant();
        double sigma = Math.Pow(det, 1.0 / 2.0 / n);
        var cov = (sigmaMat / Math.Pow(det, 1.0 / n)).ToArray();
        return (mean, sigma, cov);
    }
}
