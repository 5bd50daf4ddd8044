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
        types.Pruners.TryAdd("Nop", static (_, _) => new NopPruner());
    }
}
