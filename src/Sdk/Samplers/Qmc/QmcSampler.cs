using MathNet.Numerics.Random;
using Sharptune.Samplers.History;
using Sharptune.Samplers.Nsga;
using Sharptune.Samplers.Qmc;

namespace Sharptune.Samplers;

/// <summary>The low-discrepancy sequence of a <see cref="QmcSampler"/>.</summary>
public enum QmcType
{
    /// <summary>The Sobol sequence (Joe–Kuo direction numbers, up to 1111 dimensions).</summary>
    Sobol,

    /// <summary>The Halton sequence (radical inverses in prime bases).</summary>
    Halton,
}

/// <summary>
/// Quasi-Monte Carlo sampling (Optuna's <c>QMCSampler</c>): the search space is fixed by the first finished trial,
/// which is sampled independently, and every later trial takes the next point of a Sobol or Halton sequence,
/// mapped through the search-space transform (categorical parameters as [0, C) floored). Parameters outside that
/// space go to the independent sampler with a logged reason.
/// </summary>
/// <remarks>
/// Unlike Optuna, which keeps a read-then-write counter in a study attribute, the point index is derived from the
/// trial number (index = number − 1, Optuna's sequence in a sequential study). Storages assign trial numbers
/// atomically, so parallel workers — threads or processes sharing a storage — never draw the same point.
/// </remarks>
public sealed class QmcSampler : ISampler
{
    private readonly ISampler _independentSampler;
    private readonly bool _warnIndependentSampling;
    private readonly Lock _lock = new();
    private readonly HistoryReader _tracker = new();
    private FrozenTrial? _firstTrial;
    private bool _warnedAsyncSeed;
    private IQmcEngine? _engine;

    /// <summary>Initializes a new instance of the <see cref="QmcSampler"/> class.</summary>
    /// <param name="qmcType">The sequence.</param>
    /// <param name="scramble">Randomize the sequence (it keeps its low discrepancy); the seed then matters.</param>
    /// <param name="seed">The seed of the scrambling and the independent sampler; <see langword="null"/> for a random one.</param>
    /// <param name="independentSampler">Samples what the fixed space does not cover; <see langword="null"/> for a <see cref="RandomSampler"/>.</param>
    /// <param name="warnAsynchronousSeeding">Warn when scrambling without a seed (parallel workers would then use different sequences).</param>
    /// <param name="warnIndependentSampling">Log a warning when a parameter is sampled independently.</param>
    /// <exception cref="ArgumentException">The sequence type is unknown.</exception>
    public QmcSampler(
        QmcType qmcType = QmcType.Sobol,
        bool scramble = false,
        int? seed = null,
        ISampler? independentSampler = null,
        bool warnAsynchronousSeeding = true,
        bool warnIndependentSampling = true)
    {
        if (qmcType is not (QmcType.Sobol or QmcType.Halton))
        {
            throw new ArgumentException($"QmcType {qmcType} is invalid. Choose either QmcType.Halton or QmcType.Sobol.", nameof(qmcType));
        }

        QmcType = qmcType;
        Scramble = scramble;
        Seed = seed ?? Random.Shared.Next();
        _independentSampler = independentSampler ?? new RandomSampler(seed);
        _warnIndependentSampling = warnIndependentSampling;
        _warnedAsyncSeed = !(seed is null && scramble && warnAsynchronousSeeding);
    }

    /// <summary>Gets the sequence type.</summary>
    public QmcType QmcType { get; }

    /// <summary>Gets a value indicating whether the sequence is scrambled.</summary>
    public bool Scramble { get; }

    /// <summary>Gets the scrambling seed (drawn at random when none was given).</summary>
    public int Seed { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        if (!_warnedAsyncSeed)
        {
            _warnedAsyncSeed = true;
            SamplerLog.QmcAsynchronousSeeding(study.Logger);
        }

        lock (_lock)
        {
            Refresh(study);
            if (_firstTrial is not null)
            {
                return _firstTrial.Distributions;
            }
        }

        // No trial has finished: use the union of the running trials' spaces, as Optuna does.
        var running = study.GetTrials(TrialState.Running);
        if (running.Count == 0)
        {
            return FrozenTrial.EmptyDistributions;
        }

        var union = new Dictionary<string, Distribution>(StringComparer.Ordinal);
        HashSet<string>? intersection = null;
        foreach (var t in running)
        {
            foreach (var (name, dist) in t.Distributions)
            {
                union[name] = dist;
            }

            if (intersection is null)
            {
                intersection = [.. t.Distributions.Keys];
            }
            else if (t.Distributions.Count > 0)
            {
                intersection.IntersectWith(t.Distributions.Keys);
            }
        }

        if (intersection is not null && intersection.Count != union.Count)
        {
            SamplerLog.QmcConditionalSpace(study.Logger);
        }

        return union;
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

        var point = new double[searchSpace.Count];
        long index = Math.Max(0, trial.Number - 1);
        lock (_lock)
        {
            if (_engine is null || _engine.Dimension != searchSpace.Count)
            {
                var rng = new Xoshiro256StarStar(Seed, threadSafe: false);
                _engine = QmcType == QmcType.Sobol
                    ? new SobolEngine(searchSpace.Count, Scramble, rng)
                    : new HaltonEngine(searchSpace.Count, Scramble, rng);
            }

            _engine.Point(index, point);
        }

        var result = new Dictionary<string, double>(searchSpace.Count, StringComparer.Ordinal);
        int k = 0;
        foreach (var (name, dist) in searchSpace)
        {
            double p = point[k++];
            if (dist is CategoricalDistribution c)
            {
                result[name] = Math.Min(Math.Floor(p * c.Choices.Count), c.Choices.Count - 1);
            }
            else
            {
                var (lo, hi) = SearchSpaceTransform.NumericBounds(dist);
                result[name] = SearchSpaceTransform.UntransformNumeric(dist, lo + (p * (hi - lo)));
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(paramName);
        if (_warnIndependentSampling)
        {
            bool anyFinished;
            lock (_lock)
            {
                Refresh(study);
                anyFinished = _firstTrial is not null;
            }

            if (anyFinished)
            {
                SamplerLog.IndependentSampling(
                    study.Logger, paramName, trial.Number, _independentSampler.GetType().Name, "QMCSampler", "dynamic search space is not supported by `QMCSampler`");
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
        _independentSampler.AfterTrial(study, trial, state, values);
    }

    /// <inheritdoc/>
    public void Reseed() => _independentSampler.Reseed();

    private void EnsureFollowing(Study study)
    {
        if (!_tracker.Follows(study))
        {
            _tracker.Reset(study);
            _firstTrial = null;
        }
    }

    private void Refresh(Study study)
    {
        EnsureFollowing(study);
        _tracker.Refresh(study, t =>
        {
            if (t.State is TrialState.Complete or TrialState.Pruned && (_firstTrial is null || t.Number < _firstTrial.Number))
            {
                _firstTrial = t;
            }
        });
    }
}
