using Sharptune.Pruners;
using Sharptune.Samplers;

namespace Sharptune.Hosting;

/// <summary>A study added with <c>AddStudy</c>: its name and how one trial is evaluated.</summary>
internal sealed class StudyRegistration
{
    private StudyRegistration(string name, Func<IServiceProvider, ITrial, CancellationToken, ValueTask<double>>? single, Func<IServiceProvider, ITrial, CancellationToken, ValueTask<double[]>>? many, string objectiveName)
    {
        Name = name;
        Single = single;
        Many = many;
        ObjectiveName = objectiveName;
    }

    /// <summary>Gets the study name (also its storage name and configuration key).</summary>
    public string Name { get; }

    /// <summary>Gets the single-objective evaluation (scope services, trial, token), or <see langword="null"/>.</summary>
    public Func<IServiceProvider, ITrial, CancellationToken, ValueTask<double>>? Single { get; }

    /// <summary>Gets the multi-objective evaluation, or <see langword="null"/>.</summary>
    public Func<IServiceProvider, ITrial, CancellationToken, ValueTask<double[]>>? Many { get; }

    /// <summary>Gets a description of the objective, for logs.</summary>
    public string ObjectiveName { get; }

    /// <summary>Gets a value indicating whether the objective returns several values.</summary>
    public bool IsMultiObjective => Many is not null;

    /// <summary>Gets the configuration path of the study's options.</summary>
    public string ConfigurationPath => StudyPath(Name);

    public static string StudyPath(string name) => SharptuneOptions.SectionName + ":Studies:" + name;

    public static StudyRegistration ForSingle(string name, Func<IServiceProvider, ITrial, CancellationToken, ValueTask<double>> objective, string objectiveName) =>
        new(name, objective, null, objectiveName);

    public static StudyRegistration ForMany(string name, Func<IServiceProvider, ITrial, CancellationToken, ValueTask<double[]>> objective, string objectiveName) =>
        new(name, null, objective, objectiveName);
}

/// <summary>The sampler and pruner types that configuration may name, filled by <c>AddSamplerType</c>/<c>AddPrunerType</c>.</summary>
internal sealed class ComponentTypes
{
    public Dictionary<string, Func<IServiceProvider, ComponentSettings, ISampler>> Samplers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, Func<IServiceProvider, ComponentSettings, IPruner>> Pruners { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Registers the types of the Sharptune package.</summary>
    /// <param name="types">The catalog.</param>
    public static void AddBuiltIns(ComponentTypes types)
    {
        types.Samplers.TryAdd("Random", static (_, s) => new RandomSampler(s.GetInt32("Seed")));
        types.Samplers.TryAdd("Tpe", static (_, s) => new TpeSampler(
            seed: s.GetInt32("Seed"),
            nStartupTrials: s.GetInt32("NStartupTrials") ?? 10,
            nEiCandidates: s.GetInt32("NEiCandidates") ?? 24,
            multivariate: s.GetBoolean("Multivariate"),
            group: s.GetBoolean("Group") ?? false,
            constantLiar: s.GetBoolean("ConstantLiar") ?? true,
            priorWeight: s.GetDouble("PriorWeight") ?? 1.0,
            considerMagicClip: s.GetBoolean("ConsiderMagicClip") ?? true,
            considerEndpoints: s.GetBoolean("ConsiderEndpoints") ?? false));
        types.Samplers.TryAdd("CmaEs", static (_, s) => new CmaEsSampler(
            seed: s.GetInt32("Seed"),
            nStartupTrials: s.GetInt32("NStartupTrials") ?? 1,
            considerPrunedTrials: s.GetBoolean("ConsiderPrunedTrials") ?? false,
            restartStrategy: s.GetEnum<CmaRestartStrategy>("RestartStrategy") ?? CmaRestartStrategy.None,
            popsize: s.GetInt32("Popsize"),
            useSeparableCma: s.GetBoolean("UseSeparableCma") ?? false,
            withMargin: s.GetBoolean("WithMargin") ?? false,
            lrAdapt: s.GetBoolean("LrAdapt") ?? false));
        types.Samplers.TryAdd("NsgaII", static (_, s) => new NsgaIISampler(
            populationSize: s.GetInt32("PopulationSize") ?? 50,
            mutationProb: s.GetDouble("MutationProb"),
            crossoverProb: s.GetDouble("CrossoverProb") ?? 0.9,
            swappingProb: s.GetDouble("SwappingProb") ?? 0.5,
            seed: s.GetInt32("Seed")));
        types.Samplers.TryAdd("NsgaIII", static (_, s) => new NsgaIIISampler(
            populationSize: s.GetInt32("PopulationSize") ?? 50,
            mutationProb: s.GetDouble("MutationProb"),
            crossoverProb: s.GetDouble("CrossoverProb") ?? 0.9,
            swappingProb: s.GetDouble("SwappingProb") ?? 0.5,
            seed: s.GetInt32("Seed")));
        types.Samplers.TryAdd("Qmc", static (_, s) => new QmcSampler(
            qmcType: s.GetEnum<QmcType>("QmcType") ?? QmcType.Sobol,
            scramble: s.GetBoolean("Scramble") ?? false,
            seed: s.GetInt32("Seed")));
        types.Samplers.TryAdd("Gp", static (_, s) => new GpSampler(
            seed: s.GetInt32("Seed"),
            nStartupTrials: s.GetInt32("NStartupTrials") ?? 10,
            deterministicObjective: s.GetBoolean("DeterministicObjective") ?? false));
        types.Samplers.TryAdd("BruteForce", static (_, s) => new BruteForceSampler(s.GetInt32("Seed"), s.GetBoolean("AvoidPrematureStop") ?? false));
        types.Pruners.TryAdd("Nop", static (_, _) => new NopPruner());
        types.Pruners.TryAdd("Median", static (_, s) => new MedianPruner(
            s.GetInt32("NStartupTrials") ?? 5, s.GetInt32("NWarmupSteps") ?? 0, s.GetInt32("IntervalSteps") ?? 1, s.GetInt32("NMinTrials") ?? 1));
        types.Pruners.TryAdd("Percentile", static (_, s) => new PercentilePruner(
            s.GetDouble("Percentile") ?? throw new InvalidOperationException($"{s.Path}:Percentile: the Percentile pruner needs a percentile."),
            s.GetInt32("NStartupTrials") ?? 5, s.GetInt32("NWarmupSteps") ?? 0, s.GetInt32("IntervalSteps") ?? 1, s.GetInt32("NMinTrials") ?? 1));
        types.Pruners.TryAdd("SuccessiveHalving", static (_, s) => new SuccessiveHalvingPruner(
            s.GetInt32("MinResource"), s.GetInt32("ReductionFactor") ?? 4, s.GetInt32("MinEarlyStoppingRate") ?? 0, s.GetInt32("BootstrapCount") ?? 0));
        types.Pruners.TryAdd("Hyperband", static (_, s) => new HyperbandPruner(
            s.GetInt32("MinResource") ?? 1, s.GetInt32("MaxResource"), s.GetInt32("ReductionFactor") ?? 3, s.GetInt32("BootstrapCount") ?? 0));
        types.Pruners.TryAdd("Threshold", static (_, s) => new ThresholdPruner(
            s.GetDouble("Lower"), s.GetDouble("Upper"), s.GetInt32("NWarmupSteps") ?? 0, s.GetInt32("IntervalSteps") ?? 1));
        types.Pruners.TryAdd("Wilcoxon", static (_, s) => new WilcoxonPruner(s.GetDouble("PThreshold") ?? 0.1, s.GetInt32("NStartupSteps") ?? 2));
    }
}
