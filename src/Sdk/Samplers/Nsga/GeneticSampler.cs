using Sharptune.Samplers.Nsga;

namespace Sharptune.Samplers;

/// <summary>
/// What <see cref="NsgaIISampler"/> and <see cref="NsgaIIISampler"/> share (Optuna's <c>BaseGASampler</c>): generations of
/// <see cref="PopulationSize"/> trials, children bred from the elite of the previous generation by tournament,
/// crossover and mutation, and parameters outside the intersection search space drawn at random. The samplers differ
/// only in how they select the elite.
/// </summary>
public abstract class GeneticSampler : ISampler
{
    private readonly RandomSampler _randomSampler;
    private readonly GeneticEngine _engine;

    private protected GeneticSampler(
        string samplerName,
        int populationSize,
        IMutation? mutation,
        double? mutationProb,
        ICrossover? crossover,
        double crossoverProb,
        double swappingProb,
        int? seed,
        Func<Study, IReadOnlyList<FrozenTrial>, IReadOnlyList<FrozenTrial>>? elitePopulationSelectionStrategy,
        Func<Study, IReadOnlyDictionary<string, Distribution>, IReadOnlyList<FrozenTrial>, IReadOnlyDictionary<string, double>>? childGenerationStrategy)
    {
        crossover = GeneticArguments.Check(populationSize, mutationProb, crossover, crossoverProb, swappingProb);
        PopulationSize = populationSize;
        _randomSampler = new RandomSampler(seed);
        var elite = elitePopulationSelectionStrategy ?? SelectElite;
        _engine = new GeneticEngine(samplerName, populationSize, mutation, mutationProb, crossover, crossoverProb, swappingProb, seed, elite, childGenerationStrategy);
    }

    /// <summary>Gets the population size.</summary>
    public int PopulationSize { get; }

    /// <summary>Gets the generator of the generations (for elite selections that draw at random).</summary>
    private protected Random Rng => _engine.Rng;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        return _engine.InferRelativeSearchSpace(study);
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(searchSpace);
        return _engine.SampleRelative(study, trial, searchSpace);
    }

    /// <inheritdoc/>
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        _engine.EnsureGeneration(study, trial);
        return _randomSampler.SampleIndependent(study, trial, paramName, distribution);
    }

    /// <inheritdoc/>
    public void BeforeTrial(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        _engine.BeforeTrial(study, trial);
    }

    /// <inheritdoc/>
    public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        _engine.AfterTrial(study, trial);
    }

    /// <inheritdoc/>
    public void Reseed()
    {
        ((ISampler)_randomSampler).Reseed();
        _engine.Reseed();
    }

    /// <summary>
    /// Selects the parents of the next generation from a pool of trials (the default elite selection): whole
    /// (constrained) non-domination ranks while they fit, then the part of the next rank that <see cref="CutFront"/>
    /// chooses.
    /// </summary>
    /// <param name="study">The study.</param>
    /// <param name="population">The pool: the last generation and its parents.</param>
    /// <returns>At most <see cref="PopulationSize"/> trials.</returns>
    internal IReadOnlyList<FrozenTrial> SelectElite(Study study, IReadOnlyList<FrozenTrial> population)
    {
        bool constrained = TrialDomination.IsConstrained(population);
        if (constrained)
        {
            TrialDomination.Validate(population);
        }

        var elite = new List<FrozenTrial>(PopulationSize);
        foreach (var front in TrialDomination.RankPopulation(population, study.Directions, constrained))
        {
            if (elite.Count + front.Count < PopulationSize)
            {
                elite.AddRange(front);
                continue;
            }

            elite.AddRange(CutFront(study, elite, front, PopulationSize - elite.Count));
            break;
        }

        return elite;
    }

    /// <summary>Chooses <paramref name="count"/> trials of the rank that does not fit whole.</summary>
    /// <param name="study">The study.</param>
    /// <param name="elite">The trials admitted so far (the better ranks).</param>
    /// <param name="front">The rank to cut.</param>
    /// <param name="count">How many of it to admit.</param>
    /// <returns>The chosen trials.</returns>
    private protected abstract IEnumerable<FrozenTrial> CutFront(Study study, List<FrozenTrial> elite, List<FrozenTrial> front, int count);
}
