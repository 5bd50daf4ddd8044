using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Sharptune.Hosting;

/// <summary>The source-generated DataAnnotations validator of <see cref="HostedStudyOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class HostedStudyOptionsDataValidator : IValidateOptions<HostedStudyOptions>
{
}

/// <summary>The source-generated DataAnnotations validator of <see cref="SharptuneOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class SharptuneOptionsDataValidator : IValidateOptions<SharptuneOptions>
{
}

/// <summary>
/// Validates the options of each hosted study: the source-generated DataAnnotations rules plus the rules that
/// span several members or need the registrations. Every message starts with the configuration key it is about
/// (<c>Sharptune:Studies:{name}:NTrials</c>), so a bad appsettings.json stops the host saying what to fix.
/// </summary>
internal sealed class HostedStudyOptionsValidator : IValidateOptions<HostedStudyOptions>
{
    private readonly HostedStudyOptionsDataValidator _data = new();
    private readonly Dictionary<string, StudyRegistration> _registrations = new(StringComparer.Ordinal);
    private readonly IOptions<ComponentTypes> _types;

    public HostedStudyOptionsValidator(IEnumerable<StudyRegistration> registrations, IOptions<ComponentTypes> types)
    {
        foreach (var r in registrations)
        {
            _registrations[r.Name] = r;
        }

        _types = types;
    }

    public ValidateOptionsResult Validate(string? name, HostedStudyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (name is null || !_registrations.TryGetValue(name, out var registration))
        {
            return ValidateOptionsResult.Skip;
        }

        // A disabled study never runs, so its other settings may be incomplete (that is often why it is disabled).
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Skip;
        }

        string path = registration.ConfigurationPath;
        var failures = new List<string>();
        OptionsMessages.AddDataFailures(failures, _data.Validate(path, options), path);

        if (options.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            failures.Add($"{path}:Timeout: must be a positive time span such as 01:00:00, or absent for none; got {timeout}.");
        }

        if (options.Delay < TimeSpan.Zero)
        {
            failures.Add($"{path}:Delay: must not be negative; got {options.Delay}.");
        }

        if (options.Direction is not null && options.Directions is not null)
        {
            failures.Add($"{path}:Direction: specify only one of Direction and Directions.");
        }

        if (options.Direction is { } direction && direction is not (StudyDirection.Minimize or StudyDirection.Maximize))
        {
            failures.Add($"{path}:Direction: must be Minimize or Maximize; got {direction}.");
        }

        if (options.Directions is { } directions)
        {
            if (directions.Count == 0)
            {
                failures.Add($"{path}:Directions: must list at least one direction.");
            }

            for (int i = 0; i < directions.Count; i++)
            {
                if (directions[i] is not (StudyDirection.Minimize or StudyDirection.Maximize))
                {
                    failures.Add($"{path}:Directions:{i}: must be Minimize or Maximize; got {directions[i]}.");
                }
            }
        }

        if (!registration.IsMultiObjective && options.Directions is { Count: > 1 } many)
        {
            failures.Add($"{path}:Directions: the objective returns a single value, so the study takes exactly one direction; got {many.Count}.");
        }

        if (registration.IsMultiObjective && options.Directions is not { Count: > 0 })
        {
            failures.Add($"{path}:Directions: a multi-objective study needs one direction per objective value, for example [\"Minimize\", \"Maximize\"].");
        }

        OptionsMessages.CheckType(failures, options.Sampler, path + ":Sampler", _types.Value.Samplers.Keys, "sampler");
        OptionsMessages.CheckType(failures, options.Pruner, path + ":Pruner", _types.Value.Pruners.Keys, "pruner");
        OptionsMessages.CheckHeartbeat(failures, options.Heartbeat, path + ":Heartbeat");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Validates <see cref="SharptuneOptions"/> (section <c>Sharptune</c>) with key-naming messages.</summary>
internal sealed class SharptuneOptionsValidator : IValidateOptions<SharptuneOptions>
{
    private readonly SharptuneOptionsDataValidator _data = new();
    private readonly IOptions<ComponentTypes> _types;

    public SharptuneOptionsValidator(IOptions<ComponentTypes> types)
    {
        _types = types;
    }

    public ValidateOptionsResult Validate(string? name, SharptuneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        const string path = SharptuneOptions.SectionName;
        var failures = new List<string>();
        OptionsMessages.AddDataFailures(failures, _data.Validate(path, options), path);
        OptionsMessages.CheckType(failures, options.Sampler, path + ":Sampler", _types.Value.Samplers.Keys, "sampler");
        OptionsMessages.CheckType(failures, options.Pruner, path + ":Pruner", _types.Value.Pruners.Keys, "pruner");
        OptionsMessages.CheckHeartbeat(failures, options.Heartbeat, path + ":Heartbeat");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Shared pieces of the validators.</summary>
internal static class OptionsMessages
{
    /// <summary>
    /// Adds the generated validator's failures, rewritten to lead with the configuration key: the generator
    /// names a member <c>{path}.Member</c>, which becomes <c>{path}:Member</c>.
    /// </summary>
    public static void AddDataFailures(List<string> failures, ValidateOptionsResult result, string path)
    {
        if (!result.Failed || result.Failures is null)
        {
            return;
        }

        var dotted = new Regex(Regex.Escape(path) + @"((?:\.[A-Za-z_][A-Za-z0-9_]*)+)", RegexOptions.CultureInvariant);
        foreach (string failure in result.Failures)
        {
            string key = path;
            string message = dotted.Replace(failure, m =>
            {
                string full = path + m.Groups[1].Value.Replace('.', ':');
                key = full;
                return full;
            });

            // The generated text is "Member: rule"; the rule names the member by its full key already.
            string member = key[(key.LastIndexOf(':') + 1)..];
            string rule = message.StartsWith(member + ": ", StringComparison.Ordinal) ? message[(member.Length + 2)..] : message;
            failures.Add($"{key}: {rule}");
        }
    }

    public static void CheckHeartbeat(List<string> failures, HeartbeatOptions heartbeat, string path)
    {
        if (heartbeat is null)
        {
            failures.Add($"{path}: must not be null.");
            return;
        }

        if (heartbeat.Interval is { } interval && interval <= TimeSpan.Zero)
        {
            failures.Add($"{path}:Interval: must be a positive time span such as 00:01:00; got {interval}.");
        }

        if (heartbeat.GracePeriod is { } grace)
        {
            if (grace <= TimeSpan.Zero)
            {
                failures.Add($"{path}:GracePeriod: must be a positive time span such as 00:02:00; got {grace}.");
            }
            else if (heartbeat.Interval is null)
            {
                failures.Add($"{path}:GracePeriod: has no effect without {path}:Interval.");
            }
            else if (heartbeat.Interval is { } i && i > TimeSpan.Zero && grace < i)
            {
                failures.Add($"{path}:GracePeriod: must be at least the interval ({i}), or live trials would be failed between two heartbeats; got {grace}.");
            }
        }

        if (heartbeat.MaxRetry is not null && heartbeat.Interval is null)
        {
            failures.Add($"{path}:MaxRetry: has no effect without {path}:Interval.");
        }
    }

    /// <summary>Hides the password of a storage URL (<c>scheme://user:password@host</c>).</summary>
    public static string Redact(string url) => Sharptune.Storages.UrlText.Redact(url);

    public static void CheckType(List<string> failures, ComponentOptions component, string path, IEnumerable<string> registered, string kind)
    {
        if (component is null)
        {
            failures.Add($"{path}: must not be null.");
            return;
        }

        if (component.Type is { } type && !string.IsNullOrWhiteSpace(type) && !registered.Contains(type.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            failures.Add($"{path}:Type: '{type}' is not a registered {kind} type (registered: {string.Join(", ", registered.Order(StringComparer.OrdinalIgnoreCase))}).");
        }
    }
}
