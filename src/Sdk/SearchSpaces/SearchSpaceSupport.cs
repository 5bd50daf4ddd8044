using System.Collections;
using System.Collections.ObjectModel;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using Sharptune.Internal;

namespace Sharptune.SearchSpaces;

/// <summary>
/// Helpers called by the code the Sharptune source generator emits for <see cref="ISearchSpace{TSelf}"/>
/// implementations: reading typed values from trial parameters with clear errors, and prefixing nested spaces.
/// Not meant to be called directly; its members may change between versions.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SearchSpaceSupport
{
    /// <summary>Reads a floating-point parameter.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="name">The parameter name.</param>
    /// <param name="space">The name of the search-space type, for messages.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException">The parameter is missing or not a number.</exception>
    public static double ReadDouble(IReadOnlyDictionary<string, object?> parameters, string name, string space)
    {
        object? value = Get(parameters, name, space);
        return value switch
        {
            double d => d,
            float f => f,
            decimal m => (double)m,
            not null when PyFormat.IsInteger(value) => PyJson.ToDouble(value),
            _ => throw IllTyped(parameters, name, space, "a number (double)", value),
        };
    }

    /// <summary>Reads a single-precision floating-point parameter.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="name">The parameter name.</param>
    /// <param name="space">The name of the search-space type, for messages.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException">The parameter is missing or not a number.</exception>
    public static float ReadSingle(IReadOnlyDictionary<string, object?> parameters, string name, string space) =>
        (float)ReadDouble(parameters, name, space);

    /// <summary>Reads a 32-bit integer parameter (an integral floating-point value is accepted).</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="name">The parameter name.</param>
    /// <param name="space">The name of the search-space type, for messages.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException">The parameter is missing, not an integer, or out of range.</exception>
    public static int ReadInt32(IReadOnlyDictionary<string, object?> parameters, string name, string space)
    {
        object? value = Get(parameters, name, space);
        if (TryInteger(value, out long l) && l is >= int.MinValue and <= int.MaxValue)
        {
            return (int)l;
        }

        throw IllTyped(parameters, name, space, "an integer (int)", value);
    }

    /// <summary>Reads a 64-bit integer parameter (an integral floating-point value is accepted).</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="name">The parameter name.</param>
    /// <param name="space">The name of the search-space type, for messages.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException">The parameter is missing or not an integer.</exception>
    public static long ReadInt64(IReadOnlyDictionary<string, object?> parameters, string name, string space)
    {
        object? value = Get(parameters, name, space);
        if (TryInteger(value, out long l))
        {
            return l;
        }

        throw IllTyped(parameters, name, space, "an integer (long)", value);
    }

    /// <summary>
    /// Reads a categorical parameter: the choice equal to the stored value (Optuna's equality: numbers by value,
    /// an enum equal to its name, so values loaded from a persistent storage match too).
    /// </summary>
    /// <typeparam name="T">The property type.</typeparam>
    /// <param name="parameters">The parameters.</param>
    /// <param name="name">The parameter name.</param>
    /// <param name="choices">The choices of the parameter.</param>
    /// <param name="space">The name of the search-space type, for messages.</param>
    /// <returns>The matching choice.</returns>
    /// <exception cref="ArgumentException">The parameter is missing or not one of the choices.</exception>
    public static T ReadChoice<T>(IReadOnlyDictionary<string, object?> parameters, string name, T[] choices, string space)
    {
        ArgumentNullException.ThrowIfNull(choices);
        object? value = Get(parameters, name, space);
        foreach (var choice in choices)
        {
            if (CategoricalDistribution.ChoiceEquals(choice, value))
            {
                return choice;
            }
        }

        var list = new List<object?>(choices.Length);
        foreach (var c in choices)
        {
            list.Add(c);
        }

        throw new ArgumentException(
            $"The parameter '{FullName(parameters, name)}' of {space} must be one of {PyFormat.Repr(list)}, but got {PyFormat.Repr(value)}.",
            nameof(parameters));
    }

    /// <summary>Returns the choices of a categorical parameter as a distribution.</summary>
    /// <typeparam name="T">The choice type.</typeparam>
    /// <param name="choices">The choices.</param>
    /// <returns>The distribution.</returns>
    public static CategoricalDistribution Categorical<T>(T[] choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        return Trial.CreateCategorical(choices);
    }

    /// <summary>Returns a trial that prefixes every parameter name with <paramref name="prefix"/> (nested spaces).</summary>
    /// <param name="trial">The trial.</param>
    /// <param name="prefix">The prefix.</param>
    /// <returns>The prefixing trial, or <paramref name="trial"/> itself for an empty prefix.</returns>
    public static ITrial Prefix(ITrial trial, string prefix)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(prefix);
        return prefix.Length == 0 ? trial : new PrefixedTrial(trial, new NamePrefix(prefix));
    }

    /// <summary>
    /// Returns a trial that prefixes every parameter name with <paramref name="prefix"/>, reusing the prefixed names
    /// the <see cref="NamePrefix"/> has already built (generated code keeps one per nested property).
    /// </summary>
    /// <param name="trial">The trial.</param>
    /// <param name="prefix">The prefix.</param>
    /// <returns>The prefixing trial, or <paramref name="trial"/> itself for an empty prefix.</returns>
    public static ITrial Prefix(ITrial trial, NamePrefix prefix)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(prefix);
        return prefix.Prefix.Length == 0 ? trial : new PrefixedTrial(trial, prefix);
    }

    /// <summary>Returns the parameters whose names start with <paramref name="prefix"/>, with the prefix removed.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="prefix">The prefix.</param>
    /// <returns>A view (messages about it name the full, prefixed parameter).</returns>
    public static IReadOnlyDictionary<string, object?> Unprefix(IReadOnlyDictionary<string, object?> parameters, string prefix)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(prefix);
        return prefix.Length == 0 ? parameters : new PrefixedView<object?>(parameters, prefix);
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="target"/> with every name prefixed.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="target">The destination.</param>
    /// <param name="source">The source.</param>
    /// <param name="prefix">The prefix.</param>
    public static void AddPrefixed<T>(IDictionary<string, T> target, IReadOnlyDictionary<string, T> source, string prefix)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        foreach (var (key, value) in source)
        {
            target.Add(prefix + key, value);
        }
    }

    /// <summary>Wraps a dictionary built once into a read-only view.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="dictionary">The dictionary.</param>
    /// <returns>The read-only view.</returns>
    public static IReadOnlyDictionary<string, T> Freeze<T>(Dictionary<string, T> dictionary) => new ReadOnlyDictionary<string, T>(dictionary);

    private static object? Get(IReadOnlyDictionary<string, object?> parameters, string name, string space)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!parameters.TryGetValue(name, out object? value))
        {
            throw new ArgumentException($"The parameter '{FullName(parameters, name)}' of {space} is missing.", nameof(parameters));
        }

        return value;
    }

    private static bool TryInteger(object? value, out long result)
    {
        switch (value)
        {
            case long l:
                result = l;
                return true;
            case int i:
                result = i;
                return true;
            case bool:
            case null:
                result = 0;
                return false;
            case double or float or decimal:
                double d = PyJson.ToDouble(value);
                if (Math.Floor(d) == d && d >= long.MinValue && d < 9.2233720368547758e18)
                {
                    result = (long)d;
                    return true;
                }

                result = 0;
                return false;
            default:
                if (PyFormat.IsInteger(value))
                {
                    try
                    {
                        result = Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
                        return true;
                    }
                    catch (OverflowException)
                    {
                    }
                }

                result = 0;
                return false;
        }
    }

    private static ArgumentException IllTyped(IReadOnlyDictionary<string, object?> parameters, string name, string space, string expected, object? value) =>
        new($"The parameter '{FullName(parameters, name)}' of {space} must be {expected}, but got {PyFormat.Repr(value)}{(value is null ? string.Empty : $" ({value.GetType().Name})")}.", nameof(parameters));

    private static string FullName(IReadOnlyDictionary<string, object?> parameters, string name) =>
        parameters is PrefixedView<object?> view ? view.FullPrefix + name : name;

    /// <summary>A read-only view of the entries whose names start with a prefix, the prefix removed.</summary>
    private sealed class PrefixedView<T>(IReadOnlyDictionary<string, T> inner, string prefix) : IReadOnlyDictionary<string, T>
    {
        public string FullPrefix { get; } = (inner is PrefixedView<T> p ? p.FullPrefix : string.Empty) + prefix;

        public T this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"The given key '{key}' was not present in the dictionary.");

        public IEnumerable<string> Keys
        {
            get
            {
                foreach (var pair in this)
                {
                    yield return pair.Key;
                }
            }
        }

        public IEnumerable<T> Values
        {
            get
            {
                foreach (var pair in this)
                {
                    yield return pair.Value;
                }
            }
        }

        public int Count
        {
            get
            {
                int n = 0;
                foreach (var key in inner.Keys)
                {
                    if (key.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        n++;
                    }
                }

                return n;
            }
        }

        public bool ContainsKey(string key) => inner.ContainsKey(prefix + key);

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out T value) => inner.TryGetValue(prefix + key, out value);

        public IEnumerator<KeyValuePair<string, T>> GetEnumerator()
        {
            foreach (var (key, value) in inner)
            {
                if (key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    yield return new KeyValuePair<string, T>(key[prefix.Length..], value);
                }
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>A trial that prefixes every parameter name; everything else goes to the inner trial.</summary>
    private sealed class PrefixedTrial(ITrial inner, NamePrefix names) : ITrial
    {
        public int Number => inner.Number;

        public IReadOnlyDictionary<string, object?> Params => new PrefixedView<object?>(inner.Params, names.Prefix);

        public IReadOnlyDictionary<string, Distribution> Distributions => new PrefixedView<Distribution>(inner.Distributions, names.Prefix);

        public IReadOnlyDictionary<string, object?> UserAttrs => inner.UserAttrs;

        public DateTime? DatetimeStart => inner.DatetimeStart;

        public double SuggestFloat(string name, double low, double high, double? step = null, bool log = false) =>
            inner.SuggestFloat(names.Apply(name), low, high, step, log);

        public int SuggestInt(string name, int low, int high, int step = 1, bool log = false) =>
            inner.SuggestInt(names.Apply(name), low, high, step, log);

        public long SuggestLong(string name, long low, long high, long step = 1, bool log = false) =>
            inner.SuggestLong(names.Apply(name), low, high, step, log);

        public T SuggestCategorical<T>(string name, IReadOnlyList<T> choices) => inner.SuggestCategorical(names.Apply(name), choices);

        public void Report(double value, int step) => inner.Report(value, step);

        public bool ShouldPrune() => inner.ShouldPrune();

        public void SetUserAttr(string key, object? value) => inner.SetUserAttr(key, value);

        public void SetConstraint(string key, double value) => inner.SetConstraint(key, value);
    }
}

/// <summary>
/// A name prefix of a nested search space that remembers the prefixed names it has built, so that suggesting a
/// nested space allocates no new name strings (names are matched by reference: generated code passes literals).
/// Thread-safe. Not meant to be used directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class NamePrefix
{
    private const int MaxCached = 256;
    private Entry[] _cache = [];

    /// <summary>Initializes a new instance of the <see cref="NamePrefix"/> class.</summary>
    /// <param name="prefix">The prefix.</param>
    public NamePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        Prefix = prefix;
    }

    /// <summary>Gets the prefix.</summary>
    public string Prefix { get; }

    /// <summary>Returns <see cref="Prefix"/> followed by <paramref name="name"/>.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The prefixed name.</returns>
    public string Apply(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var cache = Volatile.Read(ref _cache);
        foreach (var entry in cache)
        {
            if (ReferenceEquals(entry.Name, name))
            {
                return entry.Full;
            }
        }

        string full = Prefix + name;
        if (cache.Length < MaxCached)
        {
            var grown = new Entry[cache.Length + 1];
            cache.CopyTo(grown, 0);
            grown[^1] = new Entry(name, full);
            Interlocked.CompareExchange(ref _cache, grown, cache);
        }

        return full;
    }

    private sealed record Entry(string Name, string Full);
}
