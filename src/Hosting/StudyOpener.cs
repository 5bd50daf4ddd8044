using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sharptune.Pruners;
using Sharptune.Samplers;
using Sharptune.Storages;

namespace Sharptune.Hosting;

/// <summary>
/// Opens a hosted study: resolves its storage, sampler and pruner and creates or loads it. For each of the
/// three, the first source that is set wins: a keyed service registered under the study name, the study's
/// options, an unkeyed service, the shared <see cref="SharptuneOptions"/>, and finally the Sharptune default
/// (memory, the default sampler, the default pruner).
/// </summary>
internal sealed class StudyOpener
{
    private readonly IServiceProvider _services;
    private readonly IOptionsMonitor<HostedStudyOptions> _studyOptions;
    private readonly IOptions<SharptuneOptions> _options;
    private readonly IOptions<ComponentTypes> _types;
    private readonly StorageProvider _storages;
    private readonly ILoggerFactory _loggerFactory;

    public StudyOpener(
        IServiceProvider services,
        IOptionsMonitor<HostedStudyOptions> studyOptions,
        IOptions<SharptuneOptions> options,
        IOptions<ComponentTypes> types,
        StorageProvider storages,
        ILoggerFactory loggerFactory)
    {
        _services = services;
        _studyOptions = studyOptions;
        _options = options;
        _types = types;
        _storages = storages;
        _loggerFactory = loggerFactory;
    }

    /// <summary>Gets the options of a study (validated).</summary>
    public HostedStudyOptions GetOptions(StudyRegistration registration) => _studyOptions.Get(registration.Name);

    /// <summary>Opens the study.</summary>
    /// <returns>The study and a description of its storage, sampler and pruner for the log.</returns>
    /// <exception cref="InvalidOperationException">A component cannot be created; the message names the configuration key.</exception>
    public (Study Study, string Storage, string Sampler, string Pruner) Open(StudyRegistration registration, HostedStudyOptions options)
    {
        string name = registration.Name;
        string path = registration.ConfigurationPath;
        var shared = _options.Value;

        var (storage, storageText) = ResolveStorage(name, path, options, shared);
        var sampler = _services.GetKeyedService<ISampler>(name)
            ?? Create(options.Sampler, path + ":Sampler", _types.Value.Samplers, "sampler")
            ?? _services.GetService<ISampler>()
            ?? Create(shared.Sampler, SharptuneOptions.SectionName + ":Sampler", _types.Value.Samplers, "sampler");
        var pruner = _services.GetKeyedService<IPruner>(name)
            ?? Create(options.Pruner, path + ":Pruner", _types.Value.Pruners, "pruner")
            ?? _services.GetService<IPruner>()
            ?? Create(shared.Pruner, SharptuneOptions.SectionName + ":Pruner", _types.Value.Pruners, "pruner");

        IReadOnlyList<StudyDirection> directions = options.Directions is { Count: > 0 } list ? [.. list] : [options.Direction ?? StudyDirection.Minimize];
        Study study;
        try
        {
            study = Study.Create(new StudyOptions
            {
                StudyName = name,
                Storage = storage,
                Sampler = sampler,
                Pruner = pruner,
                Directions = directions,
                LoadIfExists = true,
                LoggerFactory = _loggerFactory,
            });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException($"{path}: the study cannot be created or loaded in {storageText}: {e.Message}", e);
        }

        if (!study.Directions.SequenceEqual(directions))
        {
            string key = options.Directions is { Count: > 0 } ? "Directions" : "Direction";
            throw new InvalidOperationException(
                $"{path}:{key}: the stored study '{name}' has the directions [{string.Join(", ", study.Directions)}], not [{string.Join(", ", directions)}]; " +
                "use another study name or delete the stored study.");
        }

        return (study, storageText, study.Sampler.GetType().Name, study.Pruner.GetType().Name);
    }

    private (IStorage Storage, string Description) ResolveStorage(string name, string path, HostedStudyOptions options, SharptuneOptions shared)
    {
        var heartbeat = options.Heartbeat.IsOn ? options.Heartbeat : shared.Heartbeat;
        if (!string.IsNullOrWhiteSpace(options.Storage) && _services.GetKeyedService<IStorage>(name) is null)
        {
            return (OpenUrl(options.Storage, path + ":Storage", heartbeat), Describe(options.Storage, heartbeat));
        }

        // The study's own heartbeat needs a storage opened from a URL; an IStorage instance carries its own settings.
        IStorage? instance = _services.GetKeyedService<IStorage>(name);
        string description = $"the IStorage service keyed '{name}'";
        if (instance is null && _services.GetService<IStorage>() is { } unkeyed)
        {
            instance = unkeyed;
            description = "the IStorage service";
        }

        if (instance is null && !string.IsNullOrWhiteSpace(shared.Storage))
        {
            return (OpenUrl(shared.Storage, SharptuneOptions.SectionName + ":Storage", heartbeat), Describe(shared.Storage, heartbeat));
        }

        if (options.Heartbeat.IsOn)
        {
            throw new InvalidOperationException(
                $"{path}:Heartbeat:Interval: a heartbeat needs a storage opened from a URL ({path}:Storage or Sharptune:Storage); " +
                $"the study uses {(instance is null ? "memory" : description)}, which takes its heartbeat settings where it is created.");
        }

        return instance is null ? (_storages.Memory, "memory") : (instance, description);
    }

    private static string Describe(string url, HeartbeatOptions heartbeat) =>
        heartbeat.IsOn ? $"'{OptionsMessages.Redact(url)}' (heartbeat every {heartbeat.Interval})" : $"'{OptionsMessages.Redact(url)}'";

    private IStorage OpenUrl(string url, string key, HeartbeatOptions heartbeat)
    {
        try
        {
            return _storages.Open(url, heartbeat);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException($"{key}: the storage '{OptionsMessages.Redact(url)}' cannot be opened: {Sharptune.Storages.UrlText.Scrub(e.Message, url)}", e);
        }
    }

    private T? Create<T>(ComponentOptions component, string path, Dictionary<string, Func<IServiceProvider, ComponentSettings, T>> types, string kind)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(component.Type))
        {
            return null;
        }

        string type = component.Type.Trim();
        if (!types.TryGetValue(type, out var factory))
        {
            throw new InvalidOperationException($"{path}:Type: '{type}' is not a registered {kind} type (registered: {string.Join(", ", types.Keys.Order(StringComparer.OrdinalIgnoreCase))}).");
        }

        var settings = new ComponentSettings(path, type, CollectSettings(path, component));
        try
        {
            var created = factory(_services, settings) ?? throw new InvalidOperationException($"the factory of the {kind} type '{type}' returned null.");
            settings.ThrowIfUnread();
            return created;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException(e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}", e);
        }
    }

    /// <summary>The settings of a component: the keys beside <c>Type</c> in configuration, then those set in code.</summary>
    private Dictionary<string, string?> CollectSettings(string path, ComponentOptions component)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (_services.GetService<IConfiguration>() is { } configuration)
        {
            foreach (var (key, value) in configuration.GetSection(path).AsEnumerable(makePathsRelative: true))
            {
                if (value is null || key.Length == 0 ||
                    key.Equals(nameof(ComponentOptions.Type), StringComparison.OrdinalIgnoreCase) ||
                    key.StartsWith(nameof(ComponentOptions.Settings) + ":", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                values[key] = value;
            }
        }

        foreach (var (key, value) in component.Settings)
        {
            values[key] = value;
        }

        return values;
    }
}
