using System.Collections;
using Sharptune.Internal;

namespace Sharptune;

/// <summary>
/// A suggestion placed in the inputs of a dynamic <see cref="Optimizer"/> (the flytekit plugin's
/// <c>suggest.float/integer/category</c>): every trial replaces it with a value suggested under its dotted path.
/// Create one with <see cref="Suggest"/>.
/// </summary>
public abstract class Suggestion
{
    private protected Suggestion()
    {
    }

    /// <summary>Gets the distribution the value is drawn from.</summary>
    public abstract Distribution Distribution { get; }

    /// <summary>Suggests the value from a trial.</summary>
    /// <param name="trial">The trial.</param>
    /// <param name="name">The parameter name.</param>
    /// <returns>The value.</returns>
    public abstract object? SuggestFrom(ITrial trial, string name);

    /// <inheritdoc/>
    public override string ToString() => Distribution.ToString() ?? string.Empty;
}

/// <summary>A floating-point suggestion (<see cref="Suggest.Float"/>); its value is a <see cref="double"/>.</summary>
public sealed class FloatSuggestion : Suggestion
{
    private readonly FloatDistribution _distribution;

    internal FloatSuggestion(double low, double high, double? step, bool log)
    {
        _distribution = new FloatDistribution(low, high, log, step);
        Low = low;
        High = high;
        Step = step;
        Log = log;
    }

    /// <summary>Gets the lower bound.</summary>
    public double Low { get; }

    /// <summary>Gets the upper bound as given.</summary>
    public double High { get; }

    /// <summary>Gets the step, or <see langword="null"/>.</summary>
    public double? Step { get; }

    /// <summary>Gets a value indicating whether the range is log-scaled.</summary>
    public bool Log { get; }

    /// <inheritdoc/>
    public override Distribution Distribution => _distribution;

    /// <inheritdoc/>
    public override object? SuggestFrom(ITrial trial, string name)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return trial.SuggestFloat(name, Low, High, Step, Log);
    }
}

/// <summary>An integer suggestion (<see cref="Suggest.Int(int, int, int, bool)"/>); its value is an <see cref="int"/> or a <see cref="long"/>.</summary>
public sealed class IntSuggestion : Suggestion
{
    private readonly IntDistribution _distribution;

    internal IntSuggestion(long low, long high, long step, bool log, bool is64Bit)
    {
        _distribution = new IntDistribution(low, high, log, step);
        Low = low;
        High = high;
        Step = step;
        Log = log;
        Is64Bit = is64Bit;
    }

    /// <summary>Gets the lower bound.</summary>
    public long Low { get; }

    /// <summary>Gets the upper bound as given.</summary>
    public long High { get; }

    /// <summary>Gets the step.</summary>
    public long Step { get; }

    /// <summary>Gets a value indicating whether the range is log-scaled.</summary>
    public bool Log { get; }

    /// <summary>Gets a value indicating whether the value is a <see cref="long"/> (otherwise an <see cref="int"/>).</summary>
    public bool Is64Bit { get; }

    /// <inheritdoc/>
    public override Distribution Distribution => _distribution;

    /// <inheritdoc/>
    public override object? SuggestFrom(ITrial trial, string name)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return Is64Bit
            ? (object)trial.SuggestLong(name, Low, High, Step, Log)
            : (object)trial.SuggestInt(name, (int)Low, (int)High, (int)Step, Log);
    }
}

/// <summary>A categorical suggestion (<see cref="Suggest.Category(object?[])"/>); its value is one of the choices.</summary>
public sealed class CategorySuggestion : Suggestion
{
    private readonly object?[] _choices;
    private readonly CategoricalDistribution _distribution;

    internal CategorySuggestion(object?[] choices)
    {
        _distribution = new CategoricalDistribution(choices);
        _choices = choices;
    }

    /// <summary>Gets the choices.</summary>
    public IReadOnlyList<object?> Choices => _distribution.Choices;

    /// <inheritdoc/>
    public override Distribution Distribution => _distribution;

    /// <inheritdoc/>
    public override object? SuggestFrom(ITrial trial, string name)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return trial.SuggestCategorical(name, _choices);
    }
}

/// <summary>
/// Creates the suggestions of a dynamic search space, placed next to constants in the (nested) input dictionary
/// of an <see cref="Optimizer"/>. Arguments are checked at once with Optuna's rules and messages.
/// </summary>
public static class Suggest
{
    /// <summary>A floating-point value in <c>[low, high]</c>.</summary>
    /// <param name="low">The lower bound, included.</param>
    /// <param name="high">The upper bound, included.</param>
    /// <param name="step">A discretization step, or <see langword="null"/>.</param>
    /// <param name="log">Whether to sample in log scale.</param>
    /// <returns>The suggestion.</returns>
    /// <exception cref="ArgumentException">The range is invalid (Optuna's messages).</exception>
    public static FloatSuggestion Float(double low, double high, double? step = null, bool log = false) => new(low, high, step, log);

    /// <summary>An <see cref="int"/> in <c>[low, high]</c>.</summary>
    /// <param name="low">The lower bound, included.</param>
    /// <param name="high">The upper bound, included.</param>
    /// <param name="step">The step.</param>
    /// <param name="log">Whether to sample in log scale.</param>
    /// <returns>The suggestion.</returns>
    /// <exception cref="ArgumentException">The range is invalid (Optuna's messages).</exception>
    public static IntSuggestion Int(int low, int high, int step = 1, bool log = false) => new(low, high, step, log, is64Bit: false);

    /// <summary>A <see cref="long"/> in <c>[low, high]</c>.</summary>
    /// <param name="low">The lower bound, included.</param>
    /// <param name="high">The upper bound, included.</param>
    /// <param name="step">The step.</param>
    /// <param name="log">Whether to sample in log scale.</param>
    /// <returns>The suggestion.</returns>
    /// <exception cref="ArgumentException">The range is invalid (Optuna's messages).</exception>
    public static IntSuggestion Int(long low, long high, long step = 1, bool log = false) => new(low, high, step, log, is64Bit: true);

    /// <summary>One of <paramref name="choices"/> (null, bool, integers, floating-point numbers, strings or enums).</summary>
    /// <param name="choices">The choices, at least one.</param>
    /// <returns>The suggestion.</returns>
    /// <exception cref="ArgumentException">No choice is given.</exception>
    public static CategorySuggestion Category(params object?[] choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        return new((object?[])choices.Clone());
    }

    /// <summary>One of <paramref name="choices"/>.</summary>
    /// <typeparam name="T">The choice type.</typeparam>
    /// <param name="choices">The choices, at least one.</param>
    /// <returns>The suggestion.</returns>
    /// <exception cref="ArgumentException">No choice is given.</exception>
    public static CategorySuggestion Category<T>(IEnumerable<T> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var list = new List<object?>();
        foreach (var c in choices)
        {
            list.Add(c);
        }

        return new([.. list]);
    }

    /// <summary>
    /// Replaces every <see cref="Suggestion"/> in <paramref name="inputs"/> (and in nested dictionaries) by the value
    /// <paramref name="trial"/> suggests, named by its dotted path; constants are kept. The inputs are not modified.
    /// </summary>
    /// <param name="trial">The trial.</param>
    /// <param name="inputs">The inputs.</param>
    /// <returns>A new dictionary of the same shape.</returns>
    /// <exception cref="ArgumentException">A nested dictionary has a key that is not a string.</exception>
    public static IReadOnlyDictionary<string, object?> Resolve(ITrial trial, IReadOnlyDictionary<string, object?> inputs)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(inputs);
        return Resolve(trial, inputs, string.Empty);
    }

    /// <summary>Checks the shape of an input dictionary (string keys at every level).</summary>
    internal static void Validate(IReadOnlyDictionary<string, object?> inputs)
    {
        foreach (var (_, value) in inputs)
        {
            if (AsDictionary(value, out var nested))
            {
                Validate(nested);
            }
        }
    }

    private static Dictionary<string, object?> Resolve(ITrial trial, IReadOnlyDictionary<string, object?> inputs, string prefix)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in inputs)
        {
            string path = prefix + key;
            result[key] = value switch
            {
                Suggestion s => s.SuggestFrom(trial, path),
                _ when AsDictionary(value, out var nested) => Resolve(trial, nested, path + "."),
                _ => value,
            };
        }

        return result;
    }

    private static bool AsDictionary(object? value, out IReadOnlyDictionary<string, object?> dictionary)
    {
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> d:
                dictionary = d;
                return true;
            case IDictionary nd:
                var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (DictionaryEntry entry in nd)
                {
                    if (entry.Key is not string k)
                    {
                        throw new ArgumentException($"Input keys must be strings, got {PyFormat.Repr(entry.Key)} ({entry.Key.GetType().Name}).", "inputs");
                    }

                    copy[k] = entry.Value;
                }

                dictionary = copy;
                return true;
            default:
                dictionary = null!;
                return false;
        }
    }
}
