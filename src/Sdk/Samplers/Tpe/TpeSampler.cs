using System.Reflection;
using System.Runtime.CompilerServices;
using System.Globalization;
using System.Runtime.InteropServices;
using MathNet.Numerics.Random;
using Microsoft.Extensions.Logging;
using Sharptune.Internal;
using Sharptune.Samplers.Tpe;
using Sharptune.Storages;

namespace Sharptune.Samplers;

/// <summary>
/// The Tree-structured Parzen Estimator sampler (Optuna 5's <c>TPESampler</c>), the default sampler of
/// <see cref="Study.Create"/>. After <c>nStartupTrials</c> random trials, the finished trials are split into the
/// best <c>gamma(n)</c> ("below") and the rest ("above"); a Parzen estimator is fitted to each, candidates are drawn
/// from the below density l(x), and the one maximizing l(x)/g(x) is chosen. By default the continuous parameters of
/// that point are then refined with <see cref="DefaultRefineCandidates"/> more draws of l(x) while no other trial is
/// running (Sharptune's addition; <c>nRefineCandidates: 0</c> samples exactly as Optuna).
/// </summary>
/// <remarks>
/// <para>
/// Single-objective studies sample the intersection search space jointly (multivariate TPE) and every other
/// parameter on its own; multi-objective studies sample each parameter on its own and rank trials by
/// non-domination with a hypervolume tie-break. <c>group: true</c> decomposes the space into groups of parameters
/// that always appear together and samples each group jointly, which suits conditional spaces.
/// </para>
/// <para>
/// With the constant liar (on by default), RUNNING trials count as bad observations, so parallel workers do not
/// propose the same point; jointly sampled parameters of a RUNNING trial are published in its system attributes
/// (<c>tpe:relative_params:&lt;i&gt;</c>) for workers in other processes. PRUNED trials rank after COMPLETE ones
/// (deeper first, then by their last intermediate value), infeasible trials (positive constraints set with
/// <see cref="ITrial.SetConstraint"/>) after those, by total violation.
/// </para>
/// <para>
/// The sampler keeps what it has learned about each study incrementally (finished trials are read once), and is
/// thread-safe: sampling is serialized per sampler. A seeded sampler used by one thread reproduces its run.
/// </para>
/// </remarks>
public sealed class TpeSampler : ISampler
{
    private const string IndependentSamplingReason =
        "`multivariate=True,group=False` does not support dynamic search space (but `multivariate=True,group=True` works)";

    private readonly Lock _lock = new();
    private readonly RandomSampler _randomSampler;
    private readonly Func<int, int>? _gamma;
    private readonly Func<int, IReadOnlyList<double>>? _weights;
    private readonly ParzenSettings _settings;
    private readonly Func<int, int> _gammaSingle;
    private readonly Func<int, int> _gammaMulti;
    private SpaceLayout? _lastSpace;
    private readonly TpeWorkspace _belowWorkspace = new();
    private readonly TpeWorkspace _aboveWorkspace = new();
    private Xoshiro256StarStar _rng;

    /// <summary>Initializes a new instance of the <see cref="TpeSampler"/> class with Optuna 5's defaults.</summary>
    /// <param name="seed">The seed; <see langword="null"/> for a random one.</param>
    /// <param name="nStartupTrials">Random trials before TPE starts (counting COMPLETE and PRUNED trials).</param>
    /// <param name="nEiCandidates">Candidates drawn from l(x) per sampling.</param>
    /// <param name="multivariate">
    /// Sample the intersection search space jointly; <see langword="null"/> means yes for single-objective and no
    /// for multi-objective studies.
    /// </param>
    /// <param name="group">Sample groups of parameters that always co-occur jointly (needs multivariate).</param>
    /// <param name="constantLiar">Treat RUNNING trials as bad observations so parallel workers diverge.</param>
    /// <param name="priorWeight">The weight of the prior kernel (uniform-ish over the range).</param>
    /// <param name="considerMagicClip">Bound bandwidths below by range / min(100, n + 2).</param>
    /// <param name="considerEndpoints">Let the outermost kernels also measure their distance to the range bounds.</param>
    /// <param name="gamma">
    /// The number of below trials given the number of finished trials; <see langword="null"/> is
    /// <see cref="DefaultGamma"/> (single-objective) or <see cref="DefaultGammaMultiObjective"/>.
    /// </param>
    /// <param name="weights">
    /// The observation weights given their count (oldest first); <see langword="null"/> is
    /// <see cref="DefaultWeights"/>. Multi-objective studies weight below observations uniformly.
    /// </param>
    /// <param name="warnIndependentSampling">Log a warning when multivariate TPE falls back to sampling a parameter on its own.</param>
    /// <param name="nRefineCandidates">
    /// Extra candidates drawn from l(x) after the <paramref name="nEiCandidates"/> candidates have chosen a point, with
    /// that point's categorical and discrete (int, stepped) values: the best of the point and these by
    /// log l(x) − log g(x) is sampled, which optimizes the acquisition over the continuous parameters more closely
    /// while categorical and discrete choices keep Optuna's odds. While other trials of the study are running the
    /// refinement is skipped (with parallel workers it made the results worse; see bench/README.md), so that point is
    /// sampled as Optuna samples it. The default is <see cref="DefaultRefineCandidates"/>; 0 samples exactly as Optuna's
    /// <c>TPESampler</c> (see <see cref="NRefineCandidates"/>).
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="group"/> is set while <paramref name="multivariate"/> is false, or <paramref name="priorWeight"/> is negative or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nStartupTrials"/> or <paramref name="nRefineCandidates"/> is negative, or <paramref name="nEiCandidates"/> is not positive.</exception>
    public TpeSampler(
        int? seed = null,
        int nStartupTrials = 10,
        int nEiCandidates = 24,
        bool? multivariate = null,
        bool group = false,
        bool constantLiar = true,
        double priorWeight = 1.0,
        bool considerMagicClip = true,
        bool considerEndpoints = false,
        Func<int, int>? gamma = null,
        Func<int, IReadOnlyList<double>>? weights = null,
        bool warnIndependentSampling = false,
        int nRefineCandidates = DefaultRefineCandidates)
    {
        if (nStartupTrials < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(nStartupTrials), nStartupTrials, "nStartupTrials must be a non-negative integer.");
        }

        if (nEiCandidates <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(nEiCandidates), nEiCandidates, $"nEiCandidates must be positive, but got {nEiCandidates}.");
        }

        if (nRefineCandidates < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(nRefineCandidates), nRefineCandidates, "nRefineCandidates must be a non-negative integer.");
        }

        if (!(priorWeight >= 0) || double.IsPositiveInfinity(priorWeight))
        {
            throw new ArgumentException($"A non-negative value must be specified for priorWeight, but got {PyFormat.FloatRepr(priorWeight)}.", nameof(priorWeight));
        }

        if (group && multivariate == false)
        {
            throw new ArgumentException("group can only be enabled when multivariate is enabled.", nameof(group));
        }

        // Compiles the hot methods on another processor while the start-up trials run (see TpePrecompile).
        TpePrecompile.Start();

        Seed = seed;
        NStartupTrials = nStartupTrials;
        NEiCandidates = nEiCandidates;
        NRefineCandidates = nRefineCandidates;
        Multivariate = multivariate;
        Group = group;
        ConstantLiar = constantLiar;
        WarnIndependentSampling = warnIndependentSampling;
        _gamma = gamma;
        _weights = weights;
        _settings = new ParzenSettings(priorWeight, considerMagicClip, considerEndpoints);
        _gammaSingle = n => Gamma(n, false);
        _gammaMulti = n => Gamma(n, true);
        _randomSampler = new RandomSampler(seed);
        _rng = CreateRng(seed);
    }

    /// <summary>Gets the seed given at construction.</summary>
    public int? Seed { get; }

    /// <summary>Gets the number of random startup trials.</summary>
    public int NStartupTrials { get; }

    /// <summary>Gets the number of candidates drawn per sampling.</summary>
    public int NEiCandidates { get; }

    /// <summary>
    /// The default number of refinement candidates (72: with Optuna's 24 candidates, 96 evaluations of the
    /// acquisition per sampling). Over the broad suite of bench/README.md (23 functions, 200 trials, 30 seeds) it
    /// lowers the geometric mean of the median best values to 0.92× of the Optuna-fidelity mode, and to 0.75× on a
    /// held-out set fixed before it was measured; pass <c>nRefineCandidates: 0</c> for Optuna's sampling.
    /// </summary>
    public const int DefaultRefineCandidates = 72;

    /// <summary>
    /// Gets the number of extra candidates that refine the continuous parameters of the chosen point when no other
    /// trial is running (0: Optuna's sampling, which the differential tests against Optuna 5 check).
    /// </summary>
    public int NRefineCandidates { get; }

    /// <summary>Gets the multivariate setting (<see langword="null"/>: by the number of objectives).</summary>
    public bool? Multivariate { get; }

    /// <summary>Gets a value indicating whether the group decomposition is used.</summary>
    public bool Group { get; }

    /// <summary>Gets a value indicating whether the constant liar is used.</summary>
    public bool ConstantLiar { get; }

    /// <summary>Gets a value indicating whether falling back to independent sampling logs a warning.</summary>
    public bool WarnIndependentSampling { get; }

    /// <summary>Gets the observation counts of the below and above estimators of the last sampling (for tests).</summary>
    internal (int Below, int Above) LastObservationCounts { get; private set; }

    /// <summary>Gets the weight of the prior kernel.</summary>
    public double PriorWeight => _settings.PriorWeight;

    /// <summary>Gets a value indicating whether the magic clip bounds bandwidths below.</summary>
    public bool ConsiderMagicClip => _settings.ConsiderMagicClip;

    /// <summary>Gets a value indicating whether the outermost kernels measure their distance to the bounds.</summary>
    public bool ConsiderEndpoints => _settings.ConsiderEndpoints;

    /// <summary>Optuna's default gamma for single-objective studies: min(⌈0.1 n⌉, 25).</summary>
    /// <param name="n">The number of finished trials.</param>
    /// <returns>The number of below trials.</returns>
    public static int DefaultGamma(int n) => Math.Min((int)Math.Ceiling(0.1 * n), 25);

    /// <summary>Optuna 5's default gamma for multi-objective studies: ⌈0.1 n⌉, no cap.</summary>
    /// <param name="n">The number of finished trials.</param>
    /// <returns>The number of below trials.</returns>
    public static int DefaultGammaMultiObjective(int n) => (int)Math.Ceiling(0.1 * n);

    /// <summary>Hyperopt's gamma: min(⌈0.25 √n⌉, 25).</summary>
    /// <param name="n">The number of finished trials.</param>
    /// <returns>The number of below trials.</returns>
    public static int HyperoptDefaultGamma(int n) => Math.Min((int)Math.Ceiling(0.25 * Math.Sqrt(n)), 25);

    /// <summary>
    /// Optuna's default observation weights: all ones below 25 observations, otherwise a ramp from 1/n to 1 over the
    /// oldest n − 25 and ones for the newest 25.
    /// </summary>
    /// <param name="n">The number of observations.</param>
    /// <returns>The weights, oldest first.</returns>
    public static double[] DefaultWeights(int n)
    {
        var w = new double[Math.Max(n, 0)];
        FillDefaultWeights(w);
        return w;
    }

    /// <summary>Fills Optuna's default weights of n observations (see <see cref="DefaultWeights"/>).</summary>
    /// <param name="w">The n weights to fill.</param>
    internal static void FillDefaultWeights(Span<double> w)
    {
        int n = w.Length;
        if (n < 25)
        {
            Spans.Fill(w, 1.0);
            return;
        }

        // numpy's linspace(1/n, 1, n − 25).
        int ramp = n - 25;
        double start = 1.0 / n;
        if (ramp == 1)
        {
            w[0] = start;
        }
        else if (ramp > 1)
        {
            double step = (1.0 - start) / (ramp - 1);
            for (int i = 0; i < ramp; i++)
            {
                w[i] = start + (i * step);
            }

            w[ramp - 1] = 1.0;
        }

        Spans.Fill(w[ramp..], 1.0);
    }

    private static Xoshiro256StarStar CreateRng(int? seed) =>
        seed is { } s
            ? new Xoshiro256StarStar(unchecked((int)((uint)s * 0x9E3779B9u) ^ 0x5EED7E5), threadSafe: false)
            : new Xoshiro256StarStar(threadSafe: false);

    private bool IsMultivariate(Study study) => Multivariate ?? (Group || !study.IsMultiObjective);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        if (!IsMultivariate(study))
        {
            return FrozenTrial.EmptyDistributions;
        }

        lock (_lock)
        {
            var state = GetState(study);
            state.Refresh(trial.Number);
            if (!Group)
            {
                return state.IntersectionSpace();
            }

            var space = new Dictionary<string, Distribution>(StringComparer.Ordinal);
            foreach (var sub in state.GroupSpaces())
            {
                foreach (var (name, dist) in sub)
                {
                    if (!dist.IsSingle)
                    {
                        space[name] = dist;
                    }
                }
            }

            return space;
        }
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

        Dictionary<string, double> result;
        lock (_lock)
        {
            var state = GetState(study);
            // InferRelativeSearchSpace has just read the study for this trial; read again only otherwise.
            if (!state.JustRefreshedFor(trial.Number))
            {
                state.Refresh(trial.Number);
            }

            if (state.CompleteOrPrunedCount < NStartupTrials)
            {
                return FrozenTrial.EmptyInternal;
            }

            result = new Dictionary<string, double>(searchSpace.Count, StringComparer.Ordinal);
            if (Group)
            {
                foreach (var sub in state.GroupSpaces())
                {
                    var names = new List<KeyValuePair<string, Distribution>>();
                    foreach (var (name, dist) in sub)
                    {
                        if (!dist.IsSingle && searchSpace.ContainsKey(name))
                        {
                            names.Add(new(name, dist));
                        }
                    }

                    if (names.Count > 0)
                    {
                        SampleInto(study, state, trial, names, result);
                    }
                }
            }
            else
            {
                // Copied by hand: a collection expression here goes through LINQ's ToArray, whose instantiation for
                // these pairs a fresh process compiles and runs as tier-0 code in the first TPE trial.
                var space = new KeyValuePair<string, Distribution>[searchSpace.Count];
                int i = 0;
                foreach (var pair in searchSpace)
                {
                    space[i++] = pair;
                }

                SampleInto(study, state, trial, space, result);
            }

            if (result.Count > 0 && ConstantLiar)
            {
                state.SetOwnRelative(trial.Number, result);
            }
        }

        if (result.Count > 0 && ConstantLiar)
        {
            Publish(study, trial, searchSpace, result);
        }

        return result;
    }

    /// <summary>Shares the relative parameters of a RUNNING trial with other processes, as Optuna does.</summary>
    private static void Publish(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace, Dictionary<string, double> result)
    {
        // The JSON object of the external values in space order, as PyJson writes a dictionary, into a builder reused
        // by the thread (sized for a name and a number per parameter at first).
        var text = _publishText ??= new System.Text.StringBuilder(256);
        text.Clear();
        text.Append('{');
        bool first = true;
        foreach (var (name, dist) in searchSpace)
        {
            if (result.TryGetValue(name, out double v))
            {
                text.Append(first ? "" : ", ");
                first = false;
                PyJson.WriteString(text, name);
                text.Append(": ");
                PyJson.Write(text, dist.ToExternalRepr(v), compact: false);
            }
        }

        text.Append('}');
        string json = text.ToString();
        if (text.Capacity > 64 * 1024)
        {
            _publishText = null; // do not keep a huge space's builder alive
        }

        if (json.Length <= TpeStudyState.SystemAttrMaxLength)
        {
            study.SetTrialSystemAttr(trial, FirstRelativeParamsChunk, json);
            return;
        }

        for (int i = 0, chunk = 0; i < json.Length; i += TpeStudyState.SystemAttrMaxLength, chunk++)
        {
            study.SetTrialSystemAttr(
                trial,
                TpeStudyState.RelativeParamsKey + ":" + chunk.ToString(CultureInfo.InvariantCulture),
                json.Substring(i, Math.Min(TpeStudyState.SystemAttrMaxLength, json.Length - i)));
        }
    }

    [ThreadStatic]
    private static System.Text.StringBuilder? _publishText;

    private static readonly string FirstRelativeParamsChunk = TpeStudyState.RelativeParamsKey + ":0";

    /// <inheritdoc/>
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(paramName);
        ArgumentNullException.ThrowIfNull(distribution);
        lock (_lock)
        {
            var state = GetState(study);
            state.Refresh(trial.Number);
            if (state.CompleteOrPrunedCount < NStartupTrials)
            {
                return _randomSampler.SampleIndependent(study, trial, paramName, distribution);
            }

            if (WarnIndependentSampling && IsMultivariate(study) && state.Columns.TryGetValue(paramName, out var seen) && seen.Count > 0)
            {
                SamplerLog.IndependentSampling(study.Logger, paramName, trial.Number, "RandomSampler", "TPESampler", IndependentSamplingReason);
            }

            var result = new Dictionary<string, double>(1, StringComparer.Ordinal);
            SampleInto(study, state, trial, [new(paramName, distribution)], result);
            return result[paramName];
        }
    }

    /// <inheritdoc/>
    public void Reseed()
    {
        lock (_lock)
        {
            _rng = CreateRng(null);
            _randomSampler.Reseed();
        }
    }

    private TpeStudyState GetState(Study study) => study.History.StateFor(this, study, static (h, s) => new TpeStudyState(s, h));

    private int Gamma(int n, bool multiObjective) =>
        _gamma is not null ? _gamma(n) : multiObjective ? DefaultGammaMultiObjective(n) : DefaultGamma(n);

    /// <summary>Samples a (sub)space jointly and writes the internal values into <paramref name="result"/>.</summary>
    private void SampleInto(Study study, TpeStudyState state, FrozenTrial trial, IReadOnlyList<KeyValuePair<string, Distribution>> space, Dictionary<string, double> result)
    {
        bool multiObjective = state.IsMultiObjective;
        var (dims, columns, anyMissing) = PrepareSpace(state, space, multiObjective);
        int nd = dims.Length;
        var below = BuildBelow(state, dims, columns, anyMissing, multiObjective, null);
        var running = RunningRows(study, state, trial, dims);
        int aboveCount = 0;
        var abovePacked = running is null ? TryIncrementalAbove(state, dims, columns, anyMissing, multiObjective, out aboveCount) : null;
        var above = abovePacked is null ? BuildAbove(state, dims, columns, anyMissing, running, null) : null;

        LastObservationCounts = (below.KernelCount - 1, above is null ? aboveCount : above.KernelCount - 1);
        // The candidate maximizing log l(x) − log g(x), the first on ties.
        var candidates = below.Sample(_rng, NEiCandidates, slot: 0);
        var logL = _belowWorkspace.Doubles(TpeWorkspace.Scores, 0, candidates.Count).AsSpan(0, candidates.Count);
        below.LogPdf(candidates, logL);
        int best = above is null ? ParzenEstimator.ArgMaxRatio(dims, abovePacked!, candidates, logL, _aboveWorkspace) : above.ArgMaxRatio(candidates, logL);
        var chosen = candidates;
        if (NRefineCandidates > 0 && Array.Exists(dims, dim => dim.Kind == KernelKind.Continuous) && !OthersRunning(state, trial.Number))
        {
            // Refinement: the chosen point (first, so it wins ties) and more draws of l(x) with its categorical and
            // discrete values (which often decide the structure, as a number of layers does); the acquisition picks
            // among them, so only continuous parameters move.
            var refine = below.Sample(_rng, NRefineCandidates + 1, slot: 1);
            for (int d = 0; d < nd; d++)
            {
                var column = refine.Values[d];
                column[0] = candidates.Values[d][best];
                if (dims[d].Kind != KernelKind.Continuous)
                {
                    Spans.Fill(column.AsSpan(0, refine.Count), column[0]);
                }
            }

            var refineLogL = _belowWorkspace.Doubles(TpeWorkspace.Scores, 1, refine.Count).AsSpan(0, refine.Count);
            below.LogPdf(refine, refineLogL);
            best = above is null ? ParzenEstimator.ArgMaxRatio(dims, abovePacked!, refine, refineLogL, _aboveWorkspace) : above.ArgMaxRatio(refine, refineLogL);
            chosen = refine;
        }

        for (int d = 0; d < nd; d++)
        {
            result[dims[d].Name] = chosen.Values[d][best];
        }
    }

    /// <summary>
    /// Whether trials other than <paramref name="number"/> are in flight: the refinement then stays off (with four
    /// workers it lost more than it gains alone, presumably because pulling every worker's proposal towards the
    /// acquisition maximum undoes the spread the random candidates give parallel workers).
    /// </summary>
    private static bool OthersRunning(TpeStudyState state, int number)
    {
        foreach (var t in state.Running)
        {
            if (t.Number != number)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Splits the trials if needed and gives each dimension of a (sub)space its kernel kind and observed column. The
    /// last fully observed space's dimensions are reused while the space is the same (names and distributions).
    /// </summary>
    private (TpeDimension[] Dims, ParamColumn?[] Columns, bool AnyMissing) PrepareSpace(TpeStudyState state, IReadOnlyList<KeyValuePair<string, Distribution>> space, bool multiObjective)
    {
        state.EnsureSplit(multiObjective ? _gammaMulti : _gammaSingle);
        if (_lastSpace is { } last && last.Matches(state, space))
        {
            return (last.Dims, last.Columns, false);
        }

        var dims = new TpeDimension[space.Count];
        var columns = new ParamColumn?[space.Count];
        bool anyMissing = false;
        for (int d = 0; d < dims.Length; d++)
        {
            dims[d] = TpeDimension.Create(space[d].Key, space[d].Value);
            state.Columns.TryGetValue(space[d].Key, out columns[d]);
            anyMissing |= columns[d] is null;
        }

        if (!anyMissing)
        {
            _lastSpace = new SpaceLayout(state, dims, columns);
        }

        return (dims, columns, anyMissing);
    }

    /// <summary>A (sub)space's dimensions and columns in one study state, kept for the next sampling of the same space.</summary>
    private sealed class SpaceLayout(TpeStudyState state, TpeDimension[] dims, ParamColumn?[] columns)
    {
        public TpeDimension[] Dims => dims;

        public ParamColumn?[] Columns => columns;

        public bool Matches(TpeStudyState other, IReadOnlyList<KeyValuePair<string, Distribution>> space)
        {
            if (!ReferenceEquals(other, state) || space.Count != dims.Length)
            {
                return false;
            }

            for (int d = 0; d < dims.Length; d++)
            {
                var (name, distribution) = space[d];
                if (!string.Equals(name, dims[d].Name, StringComparison.Ordinal) || !distribution.Equals(dims[d].Distribution))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>
    /// Builds the below and above estimators of a (sub)space for a trial as a sampling would, without drawing (for the
    /// differential tests against Optuna's <c>_split_trials</c> and <c>_ParzenEstimator</c>).
    /// </summary>
    /// <param name="study">The study.</param>
    /// <param name="trial">The trial being sampled.</param>
    /// <param name="space">The ordered space.</param>
    /// <returns>The trial numbers of the below and above observations (ascending) and the two estimators.</returns>
    internal (int[] Below, int[] Above, ParzenEstimator BelowEstimator, ParzenEstimator AboveEstimator) Inspect(Study study, FrozenTrial trial, IReadOnlyList<KeyValuePair<string, Distribution>> space)
    {
        lock (_lock)
        {
            var state = GetState(study);
            state.Refresh(trial.Number);
            bool multiObjective = state.IsMultiObjective;
            var (dims, columns, anyMissing) = PrepareSpace(state, space, multiObjective);

            var belowNumbers = new List<int>();
            var aboveNumbers = new List<int>();
            var below = BuildBelow(state, dims, columns, anyMissing, multiObjective, belowNumbers);
            var above = BuildAbove(state, dims, columns, anyMissing, RunningRows(study, state, trial, dims), aboveNumbers);
            return ([.. belowNumbers], [.. aboveNumbers], below, above);
        }
    }

    /// <summary>Gets the trial numbers of the below set of the last split of a study (for tests).</summary>
    /// <param name="study">The study.</param>
    /// <returns>The numbers, ascending.</returns>
    internal int[] LastSplit(Study study)
    {
        lock (_lock)
        {
            return GetState(study).Below.ToArray();
        }
    }

    private ParzenEstimator BuildBelow(TpeStudyState state, TpeDimension[] dims, ParamColumn?[] columns, bool anyMissing, bool multiObjective, List<int>? numbers)
    {
        int nd = dims.Length;
        var belowNumbers = state.Below;
        var obs = TpeWorkspace.Jagged(_belowWorkspace, TpeWorkspace.JaggedObservations, nd);
        for (int d = 0; d < nd; d++)
        {
            obs[d] = _belowWorkspace.Doubles(TpeWorkspace.Observations, d, belowNumbers.Length + 1);
        }

        var kernelNumber = _belowWorkspace.Ints(TpeWorkspace.KernelNumber, 0, belowNumbers.Length);
        var raw = RawColumns(columns, _belowWorkspace);
        int m = 0;
        if (!anyMissing)
        {
            foreach (int number in belowNumbers)
            {
                if (TryRow(raw, number, obs, m))
                {
                    numbers?.Add(number);
                    kernelNumber[m++] = number;
                }
            }
        }

        var weights = _belowWorkspace.Doubles(TpeWorkspace.Keys, 1, m).AsSpan(0, m);
        if (multiObjective)
        {
            Spans.Fill(weights, 1.0);
        }
        else
        {
            ComputeWeights(weights);
        }

        // Kernel constants come from the per-trial cache (a trial is below or above at any time, rarely both).
        var hints = new ColumnHints(columns, obs, kernelNumber, m, state.KnownTrials, _belowWorkspace, sortFromColumns: false);
        return new ParzenEstimator(dims, m, obs, weights, _settings, hints, _belowWorkspace);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop of every trial: optimized at first call, never run as tier-0 or instrumented code
    private static bool TryRow(double[][] values, int number, double[][] obs, int row)
    {
        for (int d = 0; d < values.Length; d++)
        {
            var column = values[d];
            double v = (uint)number < (uint)column.Length ? column[number] : double.NaN;
            if (double.IsNaN(v))
            {
                return false;
            }

            obs[d][row] = v;
        }

        return true;
    }

    private static double[][] RawColumns(ParamColumn?[] columns, TpeWorkspace? workspace)
    {
        var raw = TpeWorkspace.Jagged(workspace, TpeWorkspace.JaggedColumns, columns.Length);
        for (int d = 0; d < columns.Length; d++)
        {
            raw[d] = columns[d]?.Values ?? [];
        }

        return raw;
    }

    /// <summary>
    /// The above mixture kept from one trial to the next (<see cref="IncrementalAbove"/>), packed for the acquisition,
    /// where it gives what <see cref="BuildAbove"/> would: a single objective with the default weights, every
    /// dimension continuous (two or more) and observed, no running trial among the observations, and two or more
    /// observations. Null otherwise.
    /// </summary>
    private PackedKernels? TryIncrementalAbove(TpeStudyState state, TpeDimension[] dims, ParamColumn?[] columns, bool anyMissing, bool multiObjective, out int count)
    {
        count = 0;
        if (!IncrementalAboveEnabled || multiObjective || anyMissing || _weights is not null || dims.Length < 2
            || !PackedKernels.Accelerated || state.Eligible.Count < 3)
        {
            return null;
        }

        foreach (var dim in dims)
        {
            if (dim.Kind != KernelKind.Continuous)
            {
                return null;
            }
        }

        var cache = state.AboveFor(dims, _settings);
        return cache.TryPack(state, columns!, out count);
    }

    /// <summary>Gets or sets a value indicating whether large studies keep their above mixture across trials (tests compare both ways).</summary>
    internal bool IncrementalAboveEnabled { get; set; } = true;

    /// <summary>
    /// Counts, over a study's kept above mixtures, the full passes, the incremental updates and the times the packing
    /// was laid out anew, and tells whether any mixture turned itself off (for tests).
    /// </summary>
    /// <param name="study">The study.</param>
    /// <returns>The counts.</returns>
    internal (int FullPasses, int Updates, int Layouts, bool AnyDisabled) IncrementalAboveStats(Study study)
    {
        lock (_lock)
        {
            int full = 0, updates = 0, layouts = 0;
            bool disabled = false;
            foreach (var above in GetState(study).Aboves)
            {
                full += above.FullPasses;
                updates += above.IncrementalUpdates;
                layouts += above.Layouts;
                disabled |= above.Disabled;
            }

            return (full, updates, layouts, disabled);
        }
    }

    /// <summary>Sets how long a study state's list of membership changes may grow before it is trimmed (for tests).</summary>
    /// <param name="study">The study.</param>
    /// <param name="limit">The length.</param>
    internal void SetMembershipChangeLimit(Study study, int limit)
    {
        lock (_lock)
        {
            GetState(study).MaxMembershipChanges = limit;
        }
    }

    /// <summary>Running trials (constant liar) with every parameter of the space, ascending by number; null when none.</summary>
    private List<(int Number, double[] Values)>? RunningRows(Study study, TpeStudyState state, FrozenTrial trial, TpeDimension[] dims)
    {
        int nd = dims.Length;
        bool multivariate = IsMultivariate(study);
        List<(int Number, double[] Values)>? running = null;
        if (ConstantLiar)
        {
            foreach (var t in state.Running)
            {
                if (t.Number == trial.Number)
                {
                    continue;
                }

                var row = new double[nd];
                bool complete = true;
                for (int d = 0; d < nd && complete; d++)
                {
                    if (state.TryGetRunningParam(t, dims[d].Name, dims[d].Distribution, multivariate, out double v))
                    {
                        row[d] = dims[d].Kind == KernelKind.Categorical ? v : dims[d].Transform(v);
                    }
                    else
                    {
                        complete = false;
                    }
                }

                if (complete)
                {
                    (running ??= []).Add((t.Number, row));
                }
            }
        }

        return running;
    }

    private ParzenEstimator BuildAbove(TpeStudyState state, TpeDimension[] dims, ParamColumn?[] columns, bool anyMissing, List<(int Number, double[] Values)>? running, List<int>? numbers)
    {
        int nd = dims.Length;
        var eligible = state.Eligible;
        var isBelow = state.IsBelow;
        int capacity = eligible.Count + (running?.Count ?? 0);
        var obs = TpeWorkspace.Jagged(_aboveWorkspace, TpeWorkspace.JaggedObservations, nd);
        for (int d = 0; d < nd; d++)
        {
            // + 1: the estimator keeps the array as its means, prior last.
            obs[d] = _aboveWorkspace.Doubles(TpeWorkspace.Observations, d, capacity + 1);
        }

        // Kernel k comes from trial kernelNumber[k] (−1: a running trial, not cached).
        var kernelNumber = _aboveWorkspace.Ints(TpeWorkspace.KernelNumber, 0, capacity);
        var raw = RawColumns(columns, _aboveWorkspace);
        int m = 0;
        int r = 0;
        int runningCount = running?.Count ?? 0;
        for (int i = 0; i <= eligible.Count; i++)
        {
            int number = i < eligible.Count ? eligible[i] : int.MaxValue;
            while (r < runningCount && running![r].Number < number)
            {
                for (int d = 0; d < nd; d++)
                {
                    obs[d][m] = running[r].Values[d];
                }

                numbers?.Add(running[r].Number);
                kernelNumber[m++] = -1;
                r++;
            }

            if (i == eligible.Count)
            {
                break;
            }

            if (anyMissing || isBelow[number])
            {
                continue;
            }

            if (TryRow(raw, number, obs, m))
            {
                numbers?.Add(number);
                kernelNumber[m++] = number;
            }
        }

        var weights = _aboveWorkspace.Doubles(TpeWorkspace.Keys, 1, m).AsSpan(0, m);
        ComputeWeights(weights);
        var hints = new ColumnHints(columns, obs, kernelNumber, m, state.KnownTrials, _aboveWorkspace, sortFromColumns: true);
        return new ParzenEstimator(dims, m, obs, weights, _settings, hints, _aboveWorkspace);
    }

    private void ComputeWeights(Span<double> weights)
    {
        int n = weights.Length;
        if (_weights is null)
        {
            FillDefaultWeights(weights);
            return;
        }

        var w = _weights(n) ?? throw new ArgumentException($"The `weights` function returned null. The argument of the `weights` function is {n}.");
        if (w.Count < n)
        {
            throw new ArgumentException($"The `weights` function returned {w.Count} values, fewer than its argument {n}.");
        }

        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double v = w[i];
            weights[i] = v;
            sum += v;
        }

        string repr = PyFormat.Repr(weights.ToArray().ToList());
        foreach (double v in weights)
        {
            if (v < 0)
            {
                throw new ArgumentException($"The `weights` function is not allowed to return negative values {repr}. The argument of the `weights` function is {n}.");
            }
        }

        if (n > 0 && sum <= 0)
        {
            throw new ArgumentException($"The `weight` function is not allowed to return all-zero values {repr}. The argument of the `weights` function is {n}.");
        }

        foreach (double v in weights)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException($"The `weights`function is not allowed to return infinite or NaN values {repr}. The argument of the `weights` function is {n}.");
            }
        }
    }

    /// <summary>
    /// Cached kernel constants for the below and above estimators and, for the above one, sort orders: each numeric
    /// column keeps its finished observations sorted, so the order of the above set is a linear walk (running trials
    /// merged in).
    /// </summary>
    /// <summary>Adds this class's nested types to <see cref="TpePrecompile.Targets"/> (they are private to it).</summary>
    /// <param name="targets">The list to add to.</param>
    internal static void AddPrecompileTargets(List<MethodBase> targets) => TpePrecompile.Add(targets, typeof(ColumnHints));

    private sealed class ColumnHints(ParamColumn?[] columns, double[][] obs, int[] kernelNumber, int count, int knownTrials, TpeWorkspace workspace, bool sortFromColumns) : IKernelHints
    {
        private int[]? _kernelOfNumber;
        private List<int>? _runningKernels;

        // The interface methods forward to non-virtual ones: RuntimeHelpers.PrepareMethod compiles nothing for a
        // virtual method, so TpePrecompile could not compile these hot loops ahead of the first TPE trial.
        public bool TryComputeSigmas(int dimension, ReadOnlySpan<double> mu, double low, double high, ParzenSettings settings, Span<double> sigma, Span<int> order) =>
            sortFromColumns && columns[dimension] is not null && count > 0 && ComputeSigmas(dimension, mu, low, high, settings, sigma, order);

        public void FillConstants(int dimension, ReadOnlySpan<double> mu, ReadOnlySpan<double> sigma, double low, double high, KernelTarget target) =>
            Constants(dimension, mu, sigma, low, high, target);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop of every trial: optimized at first call, never run as tier-0 or instrumented code
        private bool ComputeSigmas(int dimension, ReadOnlySpan<double> mu, double low, double high, ParzenSettings settings, Span<double> sigma, Span<int> order)
        {
            var column = columns[dimension]!; // TryComputeSigmas calls only with a column, kernels and sortFromColumns

            if (_kernelOfNumber is null)
            {
                _kernelOfNumber = workspace.Ints(TpeWorkspace.KernelOfNumber, 0, knownTrials);
                Spans.Fill(_kernelOfNumber.AsSpan(0, knownTrials), -1);
                for (int k = 0; k < count; k++)
                {
                    if (kernelNumber[k] >= 0)
                    {
                        _kernelOfNumber[kernelNumber[k]] = k;
                    }
                    else
                    {
                        (_runningKernels ??= []).Add(k);
                    }
                }
            }

            // Running kernels sorted by (value, kernel index), merged into the column's sorted finished values.
            var running = _runningKernels;
            if (running is not null)
            {
                SortByValue(running, obs[dimension]); // obs[dimension] is the array behind mu
            }

            bool writeOrder = !order.IsEmpty;
            var writer = new ParzenEstimator.SigmaWriter(sigma, count, low, high, settings);
            var kernelOf = _kernelOfNumber.AsSpan(0, knownTrials);
            int pushed = 0, q = 0;
            double last = double.NaN;
            int runningCount = running?.Count ?? 0;
            var sorted = column.Sorted;
            for (int i = 0; i < sorted.Length; i++)
            {
                int number = sorted[i].Number;
                int k = (uint)number < (uint)kernelOf.Length ? kernelOf[number] : -1;
                if (k < 0)
                {
                    continue;
                }

                double value = sorted[i].Value;
                while (q < runningCount)
                {
                    int rk = running![q];
                    double rv = mu[rk];
                    if (rv == value || (pushed > 0 && rv == last))
                    {
                        return false;
                    }

                    if (rv < value)
                    {
                        writer.Push(rk, rv);
                        last = rv;
                        if (writeOrder)
                        {
                            order[pushed] = rk;
                        }

                        pushed++;
                        q++;
                    }
                    else
                    {
                        break;
                    }
                }

                // Equal values: their order is NumPy's argsort order, which only the estimator's own sort follows.
                if (pushed >= count || (pushed > 0 && value == last))
                {
                    return false;
                }

                writer.Push(k, value);
                last = value;
                if (writeOrder)
                {
                    order[pushed] = k;
                }

                pushed++;
            }

            while (q < runningCount && pushed < count)
            {
                int rk = running![q++];
                if (pushed > 0 && mu[rk] == last)
                {
                    return false;
                }

                last = mu[rk];
                writer.Push(rk, mu[rk]);
                if (writeOrder)
                {
                    order[pushed] = rk;
                }

                pushed++;
            }

            if (pushed != count)
            {
                return false;
            }

            writer.Finish();
            return true;
        }

        // Insertion sort of the (few) running kernels by (value, kernel index): a Sort with a comparison lambda would
        // allocate its closure on every call of ComputeSigmas, running kernels or not.
        private static void SortByValue(List<int> kernels, double[] values)
        {
            for (int i = 1; i < kernels.Count; i++)
            {
                int k = kernels[i];
                int j = i - 1;
                while (j >= 0 && (values[kernels[j]].CompareTo(values[k]) is int c && (c > 0 || (c == 0 && kernels[j] > k))))
                {
                    kernels[j + 1] = kernels[j];
                    j--;
                }

                kernels[j + 1] = k;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop of every trial: optimized at first call, never run as tier-0 or instrumented code
        private void Constants(int dimension, ReadOnlySpan<double> mu, ReadOnlySpan<double> sigma, double low, double high, KernelTarget target)
        {
            var column = columns[dimension];
            if (column is null)
            {
                for (int k = 0; k < mu.Length; k++)
                {
                    target.Set(k, KernelConstants.Compute(mu[k], sigma[k], low, high));
                }

                return;
            }

            column.FillConstants(kernelNumber.AsSpan(0, mu.Length), mu, sigma, low, high, target);
        }
    }
}
