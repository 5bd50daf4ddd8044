using System.Globalization;
using System.Text;
using Sharptune.Internal;

namespace Sharptune;

/// <summary>
/// The range of values a parameter can take. Parameters are stored in an internal representation (a
/// <see cref="double"/>: the value itself for numbers, the index of the choice for categoricals) and converted
/// back to the external representation the objective sees. The JSON form is byte-identical to Optuna's
/// <c>distribution_to_json</c>.
/// </summary>
public abstract class Distribution : IEquatable<Distribution>
{
    private string? _json;

    private protected Distribution()
    {
    }

    /// <summary>Gets a value indicating whether the distribution holds exactly one value.</summary>
    public abstract bool IsSingle { get; }

    /// <summary>Converts a value the objective sees into the internal representation.</summary>
    /// <param name="externalValue">The external value.</param>
    /// <returns>The internal representation.</returns>
    /// <exception cref="ArgumentException">The value is of the wrong type, NaN, or not a choice.</exception>
    public abstract double ToInternalRepr(object? externalValue);

    /// <summary>Converts an internal representation into the value the objective sees.</summary>
    /// <param name="internalValue">The internal representation.</param>
    /// <returns>The external value (<see cref="double"/>, <see cref="long"/> or the categorical choice).</returns>
    public abstract object? ToExternalRepr(double internalValue);

    /// <summary>Tests whether an internal representation lies in the distribution (on its step grid, if any).</summary>
    /// <param name="internalValue">The internal representation.</param>
    /// <returns><see langword="true"/> when the value is contained.</returns>
    public abstract bool Contains(double internalValue);

    /// <summary>Gets the internal representation of the only value of a single-valued distribution.</summary>
    internal abstract double SingleInternalValue { get; }

    /// <summary>Gets the warning to log when the high bound was adjusted to the step grid, if it was.</summary>
    internal string? AdjustmentWarning { get; private protected init; }

    /// <summary>Serializes to Optuna's <c>distribution_to_json</c> format.</summary>
    /// <returns>The JSON text, for example <c>{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.0, "high": 1.0, "log": false}}</c>.</returns>
    public string ToJson()
    {
        // Distributions are immutable: the text is built once (storages write it with every parameter).
        return _json ??= Build();

        string Build()
        {
            var sb = new StringBuilder(96);
            sb.Append("{\"name\": \"").Append(ClassName).Append("\", \"attributes\": {");
            WriteAttributes(sb);
            sb.Append("}}");
            return sb.ToString();
        }
    }

    /// <summary>Gets the Optuna class name (<c>FloatDistribution</c>, <c>IntDistribution</c> or <c>CategoricalDistribution</c>).</summary>
    public abstract string ClassName { get; }

    private protected abstract void WriteAttributes(StringBuilder sb);

    /// <summary>
    /// Parses Optuna's distribution JSON: the full form (<c>{"name": …, "attributes": …}</c>, including the
    /// deprecated Uniform/LogUniform/DiscreteUniform/IntUniform/IntLogUniform classes) or the abbreviated form
    /// (<c>{"type": "float"|"int"|"categorical", …}</c>).
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The distribution.</returns>
    /// <exception cref="ArgumentException">The type or class is unknown, or the attributes are invalid.</exception>
    /// <exception cref="FormatException">The text is not JSON (or nests deeper than <see cref="Internal.PyJson.MaxDepth"/>), or a bound is not a number.</exception>
    public static Distribution FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (PyJson.Parse(json) is not IDictionary<string, object?> obj)
        {
            throw new ArgumentException("A distribution JSON must be an object.", nameof(json));
        }

        if (obj.TryGetValue("name", out object? nameObj))
        {
            string name = nameObj as string ?? string.Empty;
            var attrs = obj.TryGetValue("attributes", out object? a) && a is IDictionary<string, object?> d
                ? d
                : new Dictionary<string, object?>();
            return name switch
            {
                "FloatDistribution" => new FloatDistribution(
                    Num(attrs, "low"), Num(attrs, "high"), Bool(attrs, "log"), NullableNum(attrs, "step")),
                "IntDistribution" => new IntDistribution(
                    Int(attrs, "low"), Int(attrs, "high"), Bool(attrs, "log"), attrs.ContainsKey("step") ? Int(attrs, "step") : 1),
                "CategoricalDistribution" => new CategoricalDistribution(Choices(attrs)),
                "UniformDistribution" => new FloatDistribution(Num(attrs, "low"), Num(attrs, "high")),
                "LogUniformDistribution" => new FloatDistribution(Num(attrs, "low"), Num(attrs, "high"), log: true),
                "DiscreteUniformDistribution" => new FloatDistribution(Num(attrs, "low"), Num(attrs, "high"), step: Num(attrs, "q")),
                "IntUniformDistribution" => new IntDistribution(Int(attrs, "low"), Int(attrs, "high"), step: attrs.ContainsKey("step") ? Int(attrs, "step") : 1),
                "IntLogUniformDistribution" => new IntDistribution(Int(attrs, "low"), Int(attrs, "high"), log: true),
                _ => throw new ArgumentException($"Unknown distribution class: {name}", nameof(json)),
            };
        }

        string type = obj.TryGetValue("type", out object? t) ? t as string ?? PyFormat.Repr(t) : "None";
        return type switch
        {
            "float" => new FloatDistribution(Num(obj, "low"), Num(obj, "high"), Bool(obj, "log"), NullableNum(obj, "step")),
            "int" => new IntDistribution(Int(obj, "low"), Int(obj, "high"), Bool(obj, "log"), obj.ContainsKey("step") && obj["step"] is not null ? Int(obj, "step") : 1),
            "categorical" => new CategoricalDistribution(Choices(obj)),
            _ => throw new ArgumentException($"Unknown distribution type: {type}", nameof(json)),
        };
    }

    private static double Num(IDictionary<string, object?> d, string key) =>
        d.TryGetValue(key, out object? v) && v is not null
            ? PyJson.ToDouble(v)
            : throw new ArgumentException($"The distribution attribute '{key}' is missing.");

    private static double? NullableNum(IDictionary<string, object?> d, string key) =>
        d.TryGetValue(key, out object? v) && v is not null ? PyJson.ToDouble(v) : null;

    private static long Int(IDictionary<string, object?> d, string key)
    {
        if (!d.TryGetValue(key, out object? v) || v is null)
        {
            throw new ArgumentException($"The distribution attribute '{key}' is missing.");
        }

        if (v is long l)
        {
            return l;
        }

        double value = PyJson.ToDouble(v);
        return value is >= long.MinValue and < 9.2233720368547758e18 && !double.IsNaN(value)
            ? (long)value
            : throw new ArgumentException($"The distribution attribute '{key}' must be an integer, but got {PyFormat.Repr(v)}.");
    }

    private static bool Bool(IDictionary<string, object?> d, string key) =>
        d.TryGetValue(key, out object? v) && v is bool b && b;

    private static IEnumerable<object?> Choices(IDictionary<string, object?> d) =>
        d.TryGetValue("choices", out object? v) && v is IEnumerable<object?> list
            ? list
            : throw new ArgumentException("The distribution attribute 'choices' is missing.");

    /// <summary>
    /// Checks that a distribution may follow another for the same parameter name (Optuna's
    /// <c>check_distribution_compatibility</c>): same kind, same log flag, same categorical choices. Ranges and
    /// steps may change.
    /// </summary>
    /// <param name="oldDistribution">The distribution recorded earlier.</param>
    /// <param name="newDistribution">The new distribution.</param>
    /// <exception cref="ArgumentException">The distributions are incompatible.</exception>
    public static void CheckCompatibility(Distribution oldDistribution, Distribution newDistribution)
    {
        ArgumentNullException.ThrowIfNull(oldDistribution);
        ArgumentNullException.ThrowIfNull(newDistribution);
        if (oldDistribution.GetType() != newDistribution.GetType())
        {
            throw new ArgumentException("Cannot set different distribution kind to the same parameter name.");
        }

        bool logDiffers = (oldDistribution, newDistribution) switch
        {
            (FloatDistribution f1, FloatDistribution f2) => f1.Log != f2.Log,
            (IntDistribution i1, IntDistribution i2) => i1.Log != i2.Log,
            _ => false,
        };
        if (logDiffers)
        {
            throw new ArgumentException("Cannot set different log configuration to the same parameter name.");
        }

        if (oldDistribution is CategoricalDistribution && !oldDistribution.Equals(newDistribution))
        {
            throw new ArgumentException("CategoricalDistribution does not support dynamic value space.");
        }
    }

    /// <inheritdoc/>
    public abstract bool Equals(Distribution? other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Distribution d && Equals(d);

    /// <inheritdoc/>
    public abstract override int GetHashCode();

    /// <summary>Tests two distributions for equality.</summary>
    /// <param name="left">The first distribution.</param>
    /// <param name="right">The second distribution.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(Distribution? left, Distribution? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Tests two distributions for inequality.</summary>
    /// <param name="left">The first distribution.</param>
    /// <param name="right">The second distribution.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(Distribution? left, Distribution? right) => !(left == right);

    private protected static double ToDoubleExternal(object? value)
    {
        double internalValue;
        switch (value)
        {
            case double d: internalValue = d; break;
            case float f: internalValue = f; break;
            case int i: internalValue = i; break;
            case long l: internalValue = l; break;
            case bool b: internalValue = b ? 1 : 0; break;
            case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double p): internalValue = p; break;
            case IConvertible c when value is not string && value is not char && value is not DateTime:
                try
                {
                    internalValue = c.ToDouble(CultureInfo.InvariantCulture);
                }
                catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
                {
                    throw new ArgumentException($"'{PyFormat.Repr(value).Trim('\'')}' is not a valid type. float-castable value is expected.", e);
                }

                break;
            default:
                throw new ArgumentException($"'{(value is string str ? str : PyFormat.Repr(value))}' is not a valid type. float-castable value is expected.");
        }

        if (double.IsNaN(internalValue))
        {
            throw new ArgumentException($"`{FormatExternal(value)}` is invalid value.");
        }

        return internalValue;
    }

    private protected static string FormatExternal(object? value) => value switch
    {
        double d => PyFormat.FloatRepr(d),
        float f => PyFormat.FloatRepr(f),
        string s => s,
        _ => PyFormat.Repr(value),
    };

    /// <summary>Converts a double to <see cref="decimal"/> through its shortest repr, as Python's <c>Decimal(str(x))</c>.</summary>
    internal static bool TryToDecimal(double value, out decimal result) => RangeRules.TryDecimal(value, out result);
}
