using Sharptune.Samplers;
using Sharptune.Storages;

namespace Sharptune.Bench;

/// <summary>
/// The samplers and storages the suite knows by name. The names are those of optuna_quality.py and
/// optuna_speed.py; a sampler or storage that does not exist yet in Sharptune is listed with a null factory, and a
/// run that needs it stops with a clear message. To plug one in, replace its null with a factory.
/// </summary>
internal static class Registry
{
    /// <summary>Gets the samplers by name: a factory from the seed (null: not available in this build).</summary>
    public static IReadOnlyDictionary<string, Func<int?, ISampler>?> Samplers { get; } = new Dictionary<string, Func<int?, ISampler>?>(StringComparer.Ordinal)
    {
        ["tpe"] = seed => new TpeSampler(seed: seed),
        ["tpe-mv"] = seed => new TpeSampler(seed: seed, multivariate: true),
        ["tpe-independent"] = seed => new TpeSampler(seed: seed, multivariate: false),
        ["tpe-group"] = seed => new TpeSampler(seed: seed, multivariate: true, group: true),
        ["tpe-noliar"] = seed => new TpeSampler(seed: seed, constantLiar: false),
        ["tpe-fidelity"] = seed => new TpeSampler(seed: seed, nRefineCandidates: 0),
        ["tpe-c96"] = seed => new TpeSampler(seed: seed, nEiCandidates: 96, nRefineCandidates: 0),
        ["tpe-r24"] = seed => new TpeSampler(seed: seed, nRefineCandidates: 24),
        ["tpe-r48"] = seed => new TpeSampler(seed: seed, nRefineCandidates: 48),
        ["tpe-r144"] = seed => new TpeSampler(seed: seed, nRefineCandidates: 144),
        ["random"] = seed => new RandomSampler(seed),
        ["cmaes"] = seed => new CmaEsSampler(seed: seed),
        ["cmaes-ipop"] = seed => new CmaEsSampler(seed: seed, restartStrategy: CmaRestartStrategy.Ipop),
        ["cmaes-bipop"] = seed => new CmaEsSampler(seed: seed, restartStrategy: CmaRestartStrategy.Bipop),
        ["cmaes-sep"] = seed => new CmaEsSampler(seed: seed, useSeparableCma: true),
        ["cmaes-lra"] = seed => new CmaEsSampler(seed: seed, lrAdapt: true),
        ["cmaes-margin"] = seed => new CmaEsSampler(seed: seed, withMargin: true),
        ["gp"] = seed => new GpSampler(seed: seed),
        ["nsga2"] = seed => new NsgaIISampler(seed: seed),
        ["nsga3"] = seed => new NsgaIIISampler(seed: seed),
        ["qmc"] = seed => new QmcSampler(seed: seed),
        ["qmc-scrambled"] = seed => new QmcSampler(scramble: true, seed: seed),
        ["qmc-halton"] = seed => new QmcSampler(QmcType.Halton, seed: seed),
    };

    /// <summary>Gets the storages by name: a factory from a scratch directory (null: not available in this build).</summary>
    public static IReadOnlyDictionary<string, Func<string, IStorage>?> Storages { get; } = new Dictionary<string, Func<string, IStorage>?>(StringComparer.Ordinal)
    {
        ["memory"] = _ => new InMemoryStorage(),
        ["sqlite"] = dir => new RdbStorage($"sqlite:///{dir}/o.db"),
        ["journal"] = dir => new JournalStorage(Path.Combine(dir, "j.log")),
    };

    /// <summary>Creates a sampler by name.</summary>
    /// <param name="name">The name.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The sampler.</returns>
    /// <exception cref="BenchException">Unknown or not available.</exception>
    public static ISampler CreateSampler(string name, int? seed)
    {
        if (!Samplers.TryGetValue(name, out var factory))
        {
            throw new BenchException($"unknown sampler '{name}' (known: {string.Join(", ", Samplers.Keys)})");
        }

        return factory is null
            ? throw new BenchException($"sampler '{name}' is not available in this build of Sharptune yet")
            : factory(seed);
    }

    /// <summary>Creates a storage by name.</summary>
    /// <param name="name">The name.</param>
    /// <param name="directory">A scratch directory for file-based storages.</param>
    /// <returns>The storage.</returns>
    /// <exception cref="BenchException">Unknown or not available.</exception>
    public static IStorage CreateStorage(string name, string directory)
    {
        if (!Storages.TryGetValue(name, out var factory))
        {
            throw new BenchException($"unknown storage '{name}' (known: {string.Join(", ", Storages.Keys)})");
        }

        return factory is null
            ? throw new BenchException($"storage '{name}' is not available in this build of Sharptune yet")
            : factory(directory);
    }
}

/// <summary>A usage or availability error of the suite runner (exit code 2).</summary>
internal sealed class BenchException(string message) : Exception(message);
