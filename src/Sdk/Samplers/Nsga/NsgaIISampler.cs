using System.Globalization;
using Sharptune.Samplers.Nsga;

namespace Sharptune.Samplers;

/// <summary>
/// The non-dominated sorting genetic algorithm NSGA-II (Optuna's <c>NSGAIISampler</c>), for single- and
/// multi-objective studies, with constrained domination when trials report constraints through
/// <see cref="ITrial.SetConstraint"/>. Generation 0 is random; each later generation breeds children from the
/// elite of the previous generation and its parents: whole non-domination ranks while they fit, the last one cut
/// by crowding distance. Parameters outside the intersection search space are drawn at random.
/// </summary>
public sealed class NsgaIISampler : GeneticSampler
{

    /// <summary>Initializes a new instance of the <see cref="NsgaIISampler"/> class.</summary>
    /// <param name="populationSize">The number of individuals per generation (at least 2).</param>
    /// <param name="mutation">The mutation; <see langword="null"/> redraws a mutated parameter uniformly.</param>
    /// <param name="mutationProb">The probability of mutating each parameter; <see langword="null"/> means 1 / max(1, number of parameters).</param>
    /// <param name="crossover">The crossover; <see langword="null"/> means <see cref="UniformCrossover"/> with <paramref name="swappingProb"/>.</param>
    /// <param name="crossoverProb">The probability of breeding a child by crossover rather than copying a parent.</param>
    /// <param name="swappingProb">The probability of taking a categorical gene from the second parent.</param>
    /// <param name="seed">The seed; <see langword="null"/> for a random one.</param>
    /// <param name="elitePopulationSelectionStrategy">Replaces the elite selection (parents of the next generation from a pool of trials).</param>
    /// <param name="childGenerationStrategy">Replaces the child generation (internal representations by name from the space and the parents).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or probability is out of range.</exception>
    public NsgaIISampler(
        int populationSize = 50,
        IMutation? mutation = null,
        double? mutationProb = null,
        ICrossover? crossover = null,
        double crossoverProb = 0.9,
        double swappingProb = 0.5,
        int? seed = null,
        Func<Study, IReadOnlyList<FrozenTrial>, IReadOnlyList<FrozenTrial>>? elitePopulationSelectionStrategy = null,
        Func<Study, IReadOnlyDictionary<string, Distribution>, IReadOnlyList<FrozenTrial>, IReadOnlyDictionary<string, double>>? childGenerationStrategy = null)
        : base("NSGAIISampler", populationSize, mutation, mutationProb, crossover, crossoverProb, swappingProb, seed, elitePopulationSelectionStrategy, childGenerationStrategy)
    {
    }

    /// <summary>Cuts the last admitted rank by crowding distance (extremes first, then the sparsest regions).</summary>
    /// <inheritdoc/>
    private protected override IEnumerable<FrozenTrial> CutFront(Study study, List<FrozenTrial> elite, List<FrozenTrial> front, int count)
    {
        var order = ParetoMath.CrowdingDistanceOrder(TrialDomination.LossValues(front, study.Directions));
        for (int i = 0; i < count; i++)
        {
            yield return front[order[i]];
        }
    }
}

/// <summary>Argument checks shared by the genetic samplers, with Optuna's messages.</summary>
internal static class GeneticArguments
{
    public static ICrossover Check(int populationSize, double? mutationProb, ICrossover? crossover, double crossoverProb, double swappingProb)
    {
        if (populationSize < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(populationSize), populationSize, "populationSize must be greater than or equal to 2.");
        }

        if (mutationProb is { } mp && !(mp >= 0.0 && mp <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(mutationProb), mutationProb, "mutationProb must be null or a value within the range [0.0, 1.0].");
        }

        if (!(crossoverProb >= 0.0 && crossoverProb <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(crossoverProb), crossoverProb, "crossoverProb must be a value within the range [0.0, 1.0].");
        }

        if (!(swappingProb >= 0.0 && swappingProb <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(swappingProb), swappingProb, "swappingProb must be a value within the range [0.0, 1.0].");
        }

        crossover ??= new UniformCrossover(swappingProb);
        if (populationSize < crossover.ParentCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(populationSize),
                populationSize,
                string.Create(CultureInfo.InvariantCulture, $"Using {crossover}, the population size should be greater than or equal to {crossover.ParentCount}. The specified populationSize is {populationSize}."));
        }

        return crossover;
    }
}
