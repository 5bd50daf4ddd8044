using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Sharptune.Internal;

/// <summary>
/// A read-only search space in ordinal name order, the order Optuna sorts search spaces in: two arrays built once,
/// looked up by binary search. It replaces the sorted dictionaries the samplers built for their spaces, whose
/// enumeration allocated a stack of tree nodes each time and whose tree code ran unoptimized in a fresh process.
/// </summary>
internal sealed class SortedSpace : IReadOnlyDictionary<string, Distribution>
{
    private readonly string[] _names;
    private readonly Distribution[] _distributions;

    private SortedSpace(string[] names, Distribution[] distributions)
    {
        _names = names;
        _distributions = distributions;
    }

    /// <summary>Gets the empty space.</summary>
    public static SortedSpace Empty { get; } = new([], []);

    /// <inheritdoc/>
    public int Count => _names.Length;

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _names;

    /// <inheritdoc/>
    public IEnumerable<Distribution> Values => _distributions;

    /// <inheritdoc/>
    public Distribution this[string key] => TryGetValue(key, out var d) ? d : throw new KeyNotFoundException($"The given key '{key}' was not present in the dictionary.");

    /// <summary>Sorts the entries of <paramref name="source"/> (distinct names) that <paramref name="keep"/> accepts.</summary>
    /// <param name="source">The entries, e.g. a dictionary.</param>
    /// <param name="keep">Which distributions to keep, or <see langword="null"/> for all.</param>
    /// <returns>The sorted space.</returns>
    public static SortedSpace From(IEnumerable<KeyValuePair<string, Distribution>> source, Func<Distribution, bool>? keep = null)
    {
        var names = new List<string>();
        var distributions = new List<Distribution>();
        foreach (var (name, distribution) in source)
        {
            if (keep is null || keep(distribution))
            {
                names.Add(name);
                distributions.Add(distribution);
            }
        }

        if (names.Count == 0)
        {
            return Empty;
        }

        string[] n = [.. names];
        Distribution[] d = [.. distributions];
        Array.Sort(n, d, StringComparer.Ordinal);
        return new SortedSpace(n, d);
    }

    /// <inheritdoc/>
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Distribution value)
    {
        int i = IndexOf(key);
        if (i < 0)
        {
            value = null;
            return false;
        }

        value = _distributions[i];
        return true;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Distribution>> GetEnumerator()
    {
        for (int i = 0; i < _names.Length; i++)
        {
            yield return new KeyValuePair<string, Distribution>(_names[i], _distributions[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int at = BinarySearch.Find(_names.Length, new NameKey(_names, key));
        return at >= 0 ? at : -1;
    }

    private readonly struct NameKey(string[] names, string key) : IIndexComparer
    {
        public int CompareAt(int index) => string.CompareOrdinal(names[index], key);
    }
}
