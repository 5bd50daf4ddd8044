using System.Collections.Concurrent;
using MathNet.Numerics.Random;
using Sharptune.Internal;
using Sharptune.Samplers.History;

namespace Sharptune.Samplers.Nsga;

/// <summary>
/// The machinery NSGA-II and NSGA-III share (Optuna's <c>BaseGASampler</c> and
/// <c>NSGAIIChildGenerationStrategy</c>): generation bookkeeping in the trial system attribute
/// <c>&lt;Sampler&gt;:generation</c>, parent populations cached in the study system attribute
/// <c>&lt;Sampler&gt;:parent:&lt;generation&gt;</c> (trial ids, as Optuna), binary tournaments with (constrained)
/// domination, crossover, and mutation. Populations and the search space are maintained incrementally.
/// </summary>
internal sealed class GeneticEngine
{
    private const int MaxCrossoverAttempts = 10_000;

    private readonly Lock _lock = new();
    private readonly HistoryReader _tracker = new();
    private readonly Dictionary<int, List<FrozenTrial>> _populations = [];
    private readonly Dictionary<int, List<FrozenTrial>> _parents = [];
    private readonly ConcurrentDictionary<int, int> _runningGenerations = new();
    private readonly Func<Study, IReadOnlyList<FrozenTrial>, IReadOnlyList<FrozenTrial>> _selectElite;
    private readonly Func<Study, IReadOnlyDictionary<string, Distribution>, IReadOnlyList<FrozenTrial>, IReadOnlyDictionary<string, double>>? _customChild;
    private Dictionary<string, Distribution>? _space;
    private IReadOnlyDictionary<string, Distribution>? _relativeSpace;
    private CrossoverPlan? _plan;
    private int _maxGeneration;
    private int _maxGenerationCount;
    private Xoshiro256StarStar _rng;

    public GeneticEngine(
        string samplerName,
        int populationSize,
        IMutation? mutation,
        double? mutationProb,
        ICrossover crossover,
        double crossoverProb,
        double swappingProb,
        int? seed,
        Func<Study, IReadOnlyList<FrozenTrial>, IReadOnlyList<FrozenTrial>> selectElite,
        Func<Study, IReadOnlyDictionary<string, Distribution>, IReadOnlyList<FrozenTrial>, IReadOnlyDictionary<string, double>>? customChild)
    {
        GenerationKey = samplerName + ":generation";
        ParentKeyPrefix = samplerName + ":parent:";
        PopulationSize = populationSize;
        Mutation = mutation;
        MutationProb = mutationProb;
        Crossover = crossover;
        CrossoverProb = crossoverProb;
        SwappingProb = swappingProb;
        _selectElite = selectElite;
        _customChild = customChild;
        _rng = seed is { } s ? new Xoshiro256StarStar(unchecked((s * 7919) + 17), threadSafe: false) : new Xoshiro256StarStar(threadSafe: false);
    }

    public string GenerationKey { get; }

    public string ParentKeyPrefix { get; }

    public int PopulationSize { get; }

    public IMutation? Mutation { get; }

    public double? MutationProb { get; }

    public ICrossover Crossover { get; }

    public double CrossoverProb { get; }

    public double SwappingProb { get; }

    /// <summary>Gets the random generator; callers hold the engine lock (see <see cref="Locked{T}"/>).</summary>
    public Random Rng => _rng;

    public T Locked<T>(Func<T> action)
    {
        lock (_lock)
        {
            return action();
        }
    }

    public void Reseed()
    {
        lock (_lock)
        {
            _rng = new Xoshiro256StarStar(threadSafe: false);
        }
    }

    /// <summary>The intersection search space of COMPLETE trials minus single-valued parameters, sorted by name.</summary>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study)
    {
        lock (_lock)
        {
            Refresh(study);
            if (_relativeSpace is null)
            {
                _relativeSpace = _space is null ? SortedSpace.Empty : SortedSpace.From(_space, static d => !d.IsSingle);
            }

            return _relativeSpace;
        }
    }

    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
    {
        lock (_lock)
        {
            Refresh(study);
            int generation = GetTrialGeneration(study, trial);
            var parents = GetParentPopulation(study, generation);
            if (parents.Count == 0)
            {
                return FrozenTrial.EmptyInternal;
            }

            return _customChild is not null ? _customChild(study, searchSpace, parents) : GenerateChild(study, searchSpace, parents);
        }
    }

    /// <summary>Assigns a generation to a trial that reaches independent sampling first, as Optuna's sample_relative would.</summary>
    public void EnsureGeneration(Study study, FrozenTrial trial)
    {
        if (_runningGenerations.ContainsKey(trial.TrialId) || trial.SystemAttrs.ContainsKey(GenerationKey))
        {
            return;
        }

        lock (_lock)
        {
            Refresh(study);
            GetTrialGeneration(study, trial);
        }
    }

    public void BeforeTrial(Study study, FrozenTrial trial)
    {
        lock (_lock)
        {
            EnsureFollowing(study);
        }
    }

    public void AfterTrial(Study study, FrozenTrial trial)
    {
        _runningGenerations.TryRemove(trial.TrialId, out _);
    }

    private void Refresh(Study study)
    {
        EnsureFollowing(study);
        _tracker.Refresh(study, OnFinished);
    }

    private void EnsureFollowing(Study study)
    {
        if (!_tracker.Follows(study))
        {
            _tracker.Reset(study);
            _populations.Clear();
            _parents.Clear();
            _runningGenerations.Clear();
            _space = null;
            _relativeSpace = null;
            _plan = null;
            _maxGeneration = 0;
            _maxGenerationCount = 0;
        }
    }

    private void OnFinished(FrozenTrial t)
    {
        if (t.State != TrialState.Complete)
        {
            return;
        }

        if (_space is null)
        {
            _space = new Dictionary<string, Distribution>(t.Distributions, StringComparer.Ordinal);
            _relativeSpace = null;
        }
        else
        {
            List<string>? remove = null;
            foreach (var (name, dist) in _space)
            {
                if (!t.Distributions.TryGetValue(name, out var other) || !other.Equals(dist))
                {
                    (remove ??= []).Add(name);
                }
            }

            if (remove is not null)
            {
                foreach (string name in remove)
                {
                    _space.Remove(name);
                }

                _relativeSpace = null;
            }
        }

        if (!t.SystemAttrs.TryGetValue(GenerationKey, out object? g) || g is null)
        {
            return;
        }

        int generation = (int)PyJson.ToDouble(g);
        if (!_populations.TryGetValue(generation, out var list))
        {
            _populations[generation] = list = [];
        }

        list.Add(t);
        if (generation > _maxGeneration)
        {
            _maxGeneration = generation;
            _maxGenerationCount = 1;
        }
        else if (generation == _maxGeneration)
        {
            _maxGenerationCount++;
        }
    }

    private int GetTrialGeneration(Study study, FrozenTrial trial)
    {
        if (_runningGenerations.TryGetValue(trial.TrialId, out int known))
        {
            return known;
        }

        if (trial.SystemAttrs.TryGetValue(GenerationKey, out object? stored) && stored is not null)
        {
            return (int)PyJson.ToDouble(stored);
        }

        int generation = _maxGenerationCount < PopulationSize ? _maxGeneration : _maxGeneration + 1;
        study.SetTrialSystemAttr(trial, GenerationKey, generation);
        _runningGenerations[trial.TrialId] = generation;
        return generation;
    }

    private List<FrozenTrial> GetPopulation(int generation)
    {
        if (!_populations.TryGetValue(generation, out var list))
        {
            return [];
        }

        list.Sort(static (a, b) => a.Number.CompareTo(b.Number));
        return list;
    }

    private List<FrozenTrial> GetParentPopulation(Study study, int generation)
    {
        if (generation == 0)
        {
            return [];
        }

        if (_parents.TryGetValue(generation, out var cached))
        {
            return cached;
        }

        string key = ParentKeyPrefix + generation.ToString(System.Globalization.CultureInfo.InvariantCulture);
        List<FrozenTrial> parents;
        if (study.SystemAttrs.TryGetValue(key, out object? ids) && ids is System.Collections.IEnumerable seq and not string)
        {
            var idSet = new HashSet<int>();
            foreach (object? id in seq)
            {
                idSet.Add((int)PyJson.ToDouble(id));
            }

            parents = [.. study.GetTrials().Where(t => idSet.Contains(t.TrialId))];
        }
        else
        {
            var pool = new List<FrozenTrial>(GetPopulation(generation - 1));
            pool.AddRange(GetParentPopulation(study, generation - 1));
            var elite = _selectElite(study, pool);
            study.Storage.SetStudySystemAttr(study.StudyId, key, elite.Select(t => (object?)(long)t.TrialId).ToList());
            parents = [.. elite.OrderBy(t => t.Number)];
        }

        _parents[generation] = parents;
        return parents;
    }

    private Dictionary<string, double> GenerateChild(Study study, IReadOnlyDictionary<string, Distribution> searchSpace, IReadOnlyList<FrozenTrial> parents)
    {
        bool constrained = TrialDomination.IsConstrained(parents);
        var directions = study.Directions;
        Func<FrozenTrial, FrozenTrial, bool> dominates = constrained
            ? (a, b) => TrialDomination.ConstrainedDominates(a, b, directions)
            : (a, b) => TrialDomination.Dominates(a, b, directions);

        Dictionary<string, double> child;
        if (_rng.NextDouble() < CrossoverProb)
        {
            child = PerformCrossover(study, searchSpace, parents, dominates);
        }
        else
        {
            var parent = parents[_rng.Next(parents.Count)];
            child = new Dictionary<string, double>(searchSpace.Count, StringComparer.Ordinal);
            foreach (string name in searchSpace.Keys)
            {
                child[name] = parent.InternalParams[name];
            }
        }

        double mutationProb = MutationProb ?? (1.0 / Math.Max(1.0, child.Count));
        var result = new Dictionary<string, double>(child.Count, StringComparer.Ordinal);
        foreach (var (name, value) in child)
        {
            if (_rng.NextDouble() >= mutationProb)
            {
                result[name] = value;
            }
            else if (Mutation is not null && searchSpace[name] is not CategoricalDistribution)
            {
                var dist = searchSpace[name];
                var bounds = SearchSpaceTransform.NumericBounds(dist);
                double t = Mutation.Mutate(ToTransformed(dist, value), _rng, study, bounds);
                t = Math.Clamp(t, bounds.Low, bounds.High);
                result[name] = SearchSpaceTransform.UntransformNumeric(dist, t);
            }

            // Otherwise the parameter is left out and drawn by the independent sampler.
        }

        return result;
    }

    private Dictionary<string, double> PerformCrossover(
        Study study, IReadOnlyDictionary<string, Distribution> searchSpace, IReadOnlyList<FrozenTrial> population, Func<FrozenTrial, FrozenTrial, bool> dominates)
    {
        if (_plan is null || !ReferenceEquals(_plan.Space, searchSpace))
        {
            _plan = new CrossoverPlan(searchSpace);
        }

        var numeric = _plan.Numeric;
        var categorical = _plan.Categorical;
        var bounds = _plan.Bounds;

        var child = new Dictionary<string, double>(searchSpace.Count, StringComparer.Ordinal);
        var parentsParams = new double[Crossover.ParentCount][];
        for (int attempt = 0; ; attempt++)
        {
            var parents = SelectParents(population, dominates);
            child.Clear();
            foreach (string name in categorical)
            {
                child[name] = _rng.NextDouble() >= SwappingProb ? parents[^1].InternalParams[name] : parents[0].InternalParams[name];
            }

            if (numeric.Count == 0)
            {
                return child;
            }

            for (int p = 0; p < parents.Count; p++)
            {
                var row = new double[numeric.Count];
                for (int i = 0; i < numeric.Count; i++)
                {
                    row[i] = ToTransformed(numeric[i].Dist, parents[p].InternalParams[numeric[i].Name]);
                }

                parentsParams[p] = row;
            }

            var x = Crossover.Crossover(parentsParams, _rng, study, bounds);
            bool contained = true;
            for (int i = 0; i < numeric.Count && contained; i++)
            {
                contained = TryUntransform(numeric[i].Dist, x[i], out double v);
                child[numeric[i].Name] = v;
            }

            if (contained)
            {
                return child;
            }

            if (attempt >= MaxCrossoverAttempts)
            {
                // Optuna redraws forever; after many failures clip to the bounds instead of hanging.
                for (int i = 0; i < numeric.Count; i++)
                {
                    double t = double.IsNaN(x[i]) ? (bounds[i].Low + bounds[i].High) / 2 : Math.Clamp(x[i], bounds[i].Low, bounds[i].High);
                    child[numeric[i].Name] = SearchSpaceTransform.UntransformNumeric(numeric[i].Dist, t);
                }

                return child;
            }
        }
    }

    private List<FrozenTrial> SelectParents(IReadOnlyList<FrozenTrial> population, Func<FrozenTrial, FrozenTrial, bool> dominates)
    {
        var parents = new List<FrozenTrial>(Crossover.ParentCount);
        var pool = new List<FrozenTrial>(population.Count);
        for (int k = 0; k < Crossover.ParentCount; k++)
        {
            pool.Clear();
            foreach (var t in population)
            {
                if (!parents.Contains(t))
                {
                    pool.Add(t);
                }
            }

            var c0 = pool[_rng.Next(pool.Count)];
            var c1 = pool[_rng.Next(pool.Count)];
            parents.Add(dominates(c0, c1) ? c0 : c1);
        }

        return parents;
    }

    private sealed class CrossoverPlan
    {
        public CrossoverPlan(IReadOnlyDictionary<string, Distribution> space)
        {
            Space = space;
            foreach (var (name, dist) in space)
            {
                if (dist is CategoricalDistribution)
                {
                    Categorical.Add(name);
                }
                else
                {
                    Numeric.Add((name, dist));
                }
            }

            Bounds = new (double Low, double High)[Numeric.Count];
            for (int i = 0; i < Numeric.Count; i++)
            {
                Bounds[i] = SearchSpaceTransform.NumericBounds(Numeric[i].Dist);
            }
        }

        public IReadOnlyDictionary<string, Distribution> Space { get; }

        public List<(string Name, Distribution Dist)> Numeric { get; } = [];

        public List<string> Categorical { get; } = [];

        public (double Low, double High)[] Bounds { get; }
    }

    private static double ToTransformed(Distribution dist, double value) =>
        dist is FloatDistribution { Log: true } or IntDistribution { Log: true } ? Math.Log(value) : value;

    /// <summary>
    /// Maps a transformed value back like Optuna's untransform (continuous floats are clipped only at the top) and
    /// reports whether the result lies in the distribution, so out-of-range children are redrawn as in Optuna.
    /// </summary>
    private static bool TryUntransform(Distribution dist, double t, out double value)
    {
        if (double.IsNaN(t))
        {
            value = double.NaN;
            return false;
        }

        if (dist is FloatDistribution { Step: null } f)
        {
            double v = f.Log ? Math.Exp(t) : t;
            if (!f.IsSingle)
            {
                v = Math.Min(v, Math.BitDecrement(f.High));
            }

            value = v;
            return v >= f.Low && v <= f.High;
        }

        value = SearchSpaceTransform.UntransformNumeric(dist, t);
        return dist.Contains(value);
    }
}
