using System.Globalization;

namespace Sharptune.Hosting;

/// <summary>
/// The settings of a sampler or pruner named in configuration (the keys beside <c>Type</c>, merged with
/// <see cref="ComponentOptions.Settings"/>), handed to the factory registered for the type. Reading a value
/// that does not parse throws with the full configuration key; after the factory returns, a setting it never read
/// is reported as unknown, so a misspelt key stops the host instead of being ignored.
/// </summary>
public sealed class ComponentSettings
{
    private readonly IReadOnlyDictionary<string, string?> _values;
    private readonly HashSet<string> _read = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Initializes a new instance of the <see cref="ComponentSettings"/> class.</summary>
    /// <param name="path">The configuration path of the component, e.g. <c>Sharptune:Studies:svm:Sampler</c>.</param>
    /// <param name="type">The type name.</param>
    /// <param name="values">The settings by name (case-insensitive).</param>
    public ComponentSettings(string path, string type, IReadOnlyDictionary<string, string?> values)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(values);
        Path = path;
        Type = type;
        _values = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Gets the configuration path of the component, e.g. <c>Sharptune:Studies:svm:Sampler</c>.</summary>
    public string Path { get; }

    /// <summary>Gets the type name the component was registered under.</summary>
    public string Type { get; }

    /// <summary>Gets every setting by name.</summary>
    public IReadOnlyDictionary<string, string?> Values => _values;

    /// <summary>Gets a string setting.</summary>
    /// <param name="key">The setting name.</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    public string? GetString(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _read.Add(key);
        return _values.TryGetValue(key, out string? v) && !string.IsNullOrEmpty(v) ? v : null;
    }

    /// <summary>Gets a 32-bit integer setting.</summary>
    /// <param name="key">The setting name.</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    /// <exception cref="FormatException">The value is not an integer; the message names the key.</exception>
    public int? GetInt32(string key) => Parse<int>(key, "an integer", static s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : null);

    /// <summary>Gets a 64-bit integer setting.</summary>
    /// <param name="key">The setting name.</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    /// <exception cref="FormatException">The value is not an integer; the message names the key.</exception>
    public long? GetInt64(string key) => Parse<long>(key, "an integer", static s => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : null);

    /// <summary>Gets a floating-point setting (invariant culture).</summary>
    /// <param name="key">The setting name.</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    /// <exception cref="FormatException">The value is not a number; the message names the key.</exception>
    public double? GetDouble(string key) => Parse<double>(key, "a number", static s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null);

    /// <summary>Gets a Boolean setting (<c>true</c>/<c>false</c>).</summary>
    /// <param name="key">The setting name.</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    /// <exception cref="FormatException">The value is not a Boolean; the message names the key.</exception>
    public bool? GetBoolean(string key) => Parse<bool>(key, "true or false", static s => bool.TryParse(s, out bool v) ? v : null);

    /// <summary>Gets a time-span setting (<c>[d.]hh:mm:ss[.fff]</c>, invariant culture).</summary>
    /// <param name="key">The setting name.</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    /// <exception cref="FormatException">The value is not a time span; the message names the key.</exception>
    public TimeSpan? GetTimeSpan(string key) => Parse<TimeSpan>(key, "a time span such as 00:00:30", static s => TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var v) ? v : null);

    /// <summary>Gets an enum setting by member name (case-insensitive).</summary>
    /// <typeparam name="TEnum">The enum type.</typeparam>
    /// <param name="key">The setting name.</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    /// <exception cref="FormatException">The value names no member; the message names the key and the members.</exception>
    public TEnum? GetEnum<TEnum>(string key)
        where TEnum : struct, Enum =>
        Parse<TEnum>(key, "one of " + string.Join(", ", Enum.GetNames<TEnum>()), static s => Enum.TryParse<TEnum>(s, ignoreCase: true, out var v) && Enum.IsDefined(v) ? v : null);

    /// <summary>Throws when a setting was never read by the factory (a misspelt or unsupported key).</summary>
    /// <exception cref="InvalidOperationException">Some settings are unknown; the message names their keys.</exception>
    internal void ThrowIfUnread()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).Order(StringComparer.OrdinalIgnoreCase).ToList();
        if (unknown.Count > 0)
        {
            string known = _read.Count == 0 ? "it takes no settings" : "it reads " + string.Join(", ", _read.Order(StringComparer.OrdinalIgnoreCase));
            throw new InvalidOperationException(
                $"{string.Join(", ", unknown.Select(k => Path + ":" + k))}: unknown setting of {Type} ({known}).");
        }
    }

    private T? Parse<T>(string key, string expected, Func<string, T?> parse)
        where T : struct
    {
        string? text = GetString(key);
        if (text is null)
        {
            return null;
        }

        return parse(text.Trim()) ?? throw new FormatException($"{Path}:{key}: '{text}' is not {expected}.");
    }
}
