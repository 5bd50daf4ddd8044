using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sharptune;
using Sharptune.Hosting;
using Sharptune.Pruners;
using Sharptune.Samplers;
using Sharptune.Storages;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Sharptune's hosted studies in a service collection.</summary>
public static class SharptuneServiceCollectionExtensions
{
    /// <summary>
    /// Adds Sharptune: the background service that runs the studies added with <c>AddStudy</c>, the
    /// <see cref="IStudyMonitor"/>, the <c>Sharptune</c> meter and the options bound from the configuration
    /// section <c>Sharptune</c> (validated when the host starts). Calling it again returns a builder over the same
    /// registrations.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the shared options; runs after the configuration is bound (code wins).</param>
    /// <returns>The builder.</returns>
    public static ISharptuneBuilder AddSharptune(this IServiceCollection services, Action<SharptuneOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(SharptuneMarker)))
        {
            services.AddSingleton<SharptuneMarker>();
            services.AddOptions<SharptuneOptions>()
                .Configure<IServiceProvider>(static (o, sp) => Bind(sp, SharptuneOptions.SectionName, o))
                .ValidateOnStart();
            services.AddOptions<ComponentTypes>().Configure(ComponentTypes.AddBuiltIns);
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SharptuneOptions>, SharptuneOptionsValidator>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HostedStudyOptions>, HostedStudyOptionsValidator>());
            services.AddMetrics();
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton<SharptuneMetrics>();
            services.TryAddSingleton<StorageProvider>();
            services.TryAddSingleton<StudyOpener>();
            services.TryAddSingleton<StudyMonitor>();
            services.TryAddSingleton<IStudyMonitor>(static sp => sp.GetRequiredService<StudyMonitor>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SharptuneHostedService>());
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return new SharptuneBuilder(services);
    }

    /// <summary>Binds a configuration section, when the container has a configuration, onto options.</summary>
    internal static void Bind(IServiceProvider services, string path, object options)
    {
        if (services.GetService<IConfiguration>() is { } configuration)
        {
            switch (options)
            {
                case SharptuneOptions o:
                    configuration.GetSection(path).Bind(o);
                    break;
                case HostedStudyOptions o:
                    configuration.GetSection(path).Bind(o);
                    break;
            }
        }
    }

    private sealed class SharptuneMarker
    {
    }

    private sealed class SharptuneBuilder(IServiceCollection services) : ISharptuneBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}

/// <summary>Configures the storages, samplers, pruners and studies of Sharptune's hosted studies.</summary>
public static class SharptuneBuilderExtensions
{
    /// <summary>
    /// Sets the default storage URL (<see cref="SharptuneOptions.Storage"/>), for example <c>sqlite:///tuning.db</c>;
    /// a study's own <see cref="HostedStudyOptions.Storage"/> wins over it.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="url">The storage URL.</param>
    /// <returns>The builder.</returns>
    public static ISharptuneBuilder UseStorage(this ISharptuneBuilder builder, string url)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        builder.Services.Configure<SharptuneOptions>(o => o.Storage = url);
        return builder;
    }

    /// <summary>
    /// Registers a storage instance as the <see cref="IStorage"/> service: every study that names no storage of
    /// its own uses it. For one study only, register a keyed <see cref="IStorage"/> under the study name.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="storage">The storage; the caller keeps ownership.</param>
    /// <returns>The builder.</returns>
    public static ISharptuneBuilder UseStorage(this ISharptuneBuilder builder, IStorage storage)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(storage);
        builder.Services.Replace(ServiceDescriptor.Singleton(storage));
        return builder;
    }

    /// <summary>
    /// Registers the default sampler factory as a transient <see cref="ISampler"/> service (so each study gets
    /// its own instance). For one study only, register a keyed <see cref="ISampler"/> under the study name.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates a sampler.</param>
    /// <returns>The builder.</returns>
    public static ISharptuneBuilder UseSampler(this ISharptuneBuilder builder, Func<IServiceProvider, ISampler> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.Replace(ServiceDescriptor.Transient(factory));
        return builder;
    }

    /// <summary>
    /// Registers the default pruner factory as a transient <see cref="IPruner"/> service. For one study only,
    /// register a keyed <see cref="IPruner"/> under the study name.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates a pruner.</param>
    /// <returns>The builder.</returns>
    public static ISharptuneBuilder UsePruner(this ISharptuneBuilder builder, Func<IServiceProvider, IPruner> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.Replace(ServiceDescriptor.Transient(factory));
        return builder;
    }

    /// <summary>
    /// Registers a sampler type that configuration can name (<c>"Sampler": { "Type": "name", ... }</c>); the factory
    /// reads the settings beside <c>Type</c> from <see cref="ComponentSettings"/>. A later registration of the same
    /// name (case-insensitive) replaces an earlier one.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="typeName">The type name.</param>
    /// <param name="factory">Creates a sampler from the services and the settings.</param>
    /// <returns>The builder.</returns>
    public static ISharptuneBuilder AddSamplerType(this ISharptuneBuilder builder, string typeName, Func<IServiceProvider, ComponentSettings, ISampler> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.Configure<ComponentTypes>(t => t.Samplers[typeName.Trim()] = factory);
        return builder;
    }

    /// <summary>
    /// Registers a pruner type that configuration can name (<c>"Pruner": { "Type": "name", ... }</c>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="typeName">The type name.</param>
    /// <param name="factory">Creates a pruner from the services and the settings.</param>
    /// <returns>The builder.</returns>
    public static ISharptuneBuilder AddPrunerType(this ISharptuneBuilder builder, string typeName, Func<IServiceProvider, ComponentSettings, IPruner> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.Configure<ComponentTypes>(t => t.Pruners[typeName.Trim()] = factory);
        return builder;
    }

    /// <summary>
    /// Adds a single-objective study of a typed configuration: for every trial, a <typeparamref name="TObjective"/>
    /// is resolved from a new DI scope (it is registered as scoped unless already registered) and evaluates the
    /// <typeparamref name="TConfig"/> suggested by the trial. Options come from <c>Sharptune:Studies:{name}</c>,
    /// then from <paramref name="configure"/>.
    /// </summary>
    /// <typeparam name="TConfig">The search-space type.</typeparam>
    /// <typeparam name="TObjective">The objective type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The study name (its storage name and configuration key).</param>
    /// <param name="configure">Configures the study's options in code.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The name is empty, contains ':' or is already used.</exception>
    public static ISharptuneBuilder AddStudy<TConfig, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TObjective>(this ISharptuneBuilder builder, string name, Action<HostedStudyOptions>? configure = null)
        where TConfig : ISearchSpace<TConfig>
        where TObjective : class, IObjective<TConfig>
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddScoped<TObjective>();
        return AddStudy(
            builder,
            StudyRegistration.ForSingle(name, static (sp, trial, ct) => sp.GetRequiredService<TObjective>().EvaluateAsync(TConfig.Suggest(trial), trial, ct), typeof(TObjective).Name),
            configure);
    }

    /// <summary>
    /// Adds a multi-objective study of a typed configuration (one value per direction; set
    /// <see cref="HostedStudyOptions.Directions"/>). A <typeparamref name="TObjective"/> is resolved from a new DI
    /// scope for every trial.
    /// </summary>
    /// <typeparam name="TConfig">The search-space type.</typeparam>
    /// <typeparam name="TObjective">The objective type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The study name.</param>
    /// <param name="configure">Configures the study's options in code.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The name is empty, contains ':' or is already used.</exception>
    public static ISharptuneBuilder AddMultiObjectiveStudy<TConfig, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TObjective>(this ISharptuneBuilder builder, string name, Action<HostedStudyOptions>? configure = null)
        where TConfig : ISearchSpace<TConfig>
        where TObjective : class, IMultiObjective<TConfig>
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddScoped<TObjective>();
        return AddStudy(
            builder,
            StudyRegistration.ForMany(name, static (sp, trial, ct) => sp.GetRequiredService<TObjective>().EvaluateAsync(TConfig.Suggest(trial), trial, ct), typeof(TObjective).Name),
            configure);
    }

    /// <summary>
    /// Adds a define-by-run single-objective study: the objective suggests its parameters from the trial and
    /// receives the services of a new DI scope per trial.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The study name.</param>
    /// <param name="objective">The objective: <c>(trial, services, cancellationToken) =&gt; value</c>.</param>
    /// <param name="configure">Configures the study's options in code.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The name is empty, contains ':' or is already used.</exception>
    public static ISharptuneBuilder AddStudy(this ISharptuneBuilder builder, string name, Func<ITrial, IServiceProvider, CancellationToken, ValueTask<double>> objective, Action<HostedStudyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(objective);
        return AddStudy(builder, StudyRegistration.ForSingle(name, (sp, trial, ct) => objective(trial, sp, ct), "define-by-run"), configure);
    }

    /// <summary>
    /// Adds a define-by-run multi-objective study (one value per direction; set
    /// <see cref="HostedStudyOptions.Directions"/>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The study name.</param>
    /// <param name="objective">The objective: <c>(trial, services, cancellationToken) =&gt; values</c>.</param>
    /// <param name="configure">Configures the study's options in code.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The name is empty, contains ':' or is already used.</exception>
    public static ISharptuneBuilder AddMultiObjectiveStudy(this ISharptuneBuilder builder, string name, Func<ITrial, IServiceProvider, CancellationToken, ValueTask<double[]>> objective, Action<HostedStudyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(objective);
        return AddStudy(builder, StudyRegistration.ForMany(name, (sp, trial, ct) => objective(trial, sp, ct), "define-by-run"), configure);
    }

    private static ISharptuneBuilder AddStudy(ISharptuneBuilder builder, StudyRegistration registration, Action<HostedStudyOptions>? configure)
    {
        string name = registration.Name;
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The study name '{name}' cannot contain ':', the configuration key separator.", nameof(name));
        }

        foreach (var d in builder.Services)
        {
            if (d.ServiceType == typeof(StudyRegistration) && d.ImplementationInstance is StudyRegistration existing && existing.Name == name)
            {
                throw new ArgumentException($"A hosted study named '{name}' is already added.", nameof(name));
            }
        }

        builder.Services.AddSingleton(registration);
        var options = builder.Services.AddOptions<HostedStudyOptions>(name)
            .Configure<IServiceProvider>((o, sp) => SharptuneServiceCollectionExtensions.Bind(sp, registration.ConfigurationPath, o));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        return builder;
    }
}
