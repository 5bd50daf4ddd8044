using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Sharptune.Internal;

/// <summary>
/// The parameters of one trial as append-only parallel arrays. Snapshots (<see cref="Values"/>,
/// <see cref="Distributions"/>) are O(1): they share the arrays and see a fixed prefix, because appending never
/// writes below the current count and overwriting copies first. One writer at a time (callers lock); any number
/// of readers of earlier snapshots. Not sealed: the in-memory storage's trial record is a table.
/// </summary>
internal class ParamTable
{
    private string[] _names;
    private double[] _values;
    private Distribution[] _dists;
    private int _count;
    private Dictionary<string, int>? _index;

    // The names and distributions arrays may be another table's (see the layout constructor and Compact): they are
    // then never written, and the first append that differs from them copies them first.
    private bool _shared;

    public ParamTable(int capacity = 8)
    {
        _names = new string[capacity];
        _values = new double[capacity];
        _dists = new Distribution[capacity];
    }

    /// <summary>
    /// Creates an empty table that starts from the names and distributions of <paramref name="layout"/>, a sealed
    /// table (see <see cref="Seal"/>): appending the same names with the very same distribution objects, in the
    /// same order, as most trials of a study do, allocates only the values.
    /// </summary>
    /// <param name="layout">A sealed table, or <see langword="null"/> for a table of the default capacity.</param>
    public ParamTable(ParamTable? layout)
    {
        if (layout is { _shared: true, _count: > 0 })
        {
            _names = layout._names;
            _dists = layout._dists;
            _values = new double[layout._count];
            _shared = true;
        }
        else
        {
            _names = new string[8];
            _values = new double[8];
            _dists = new Distribution[8];
        }
    }

    public int Count => _count;

    public bool TryGet(string name, out double value, [NotNullWhen(true)] out Distribution? distribution)
    {
        int i = IndexOf(name);
        if (i < 0)
        {
            value = 0;
            distribution = null;
            return false;
        }

        value = _values[i];
        distribution = _dists[i];
        return true;
    }

    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>
    /// Gets a value indicating whether <see cref="Set"/> of this name and distribution appends the next entry of the
    /// shared layout (the same name, and the very same distribution object, at the next position).
    /// </summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="distribution">The distribution.</param>
    /// <returns>Whether the layout holds them next.</returns>
    public bool ExtendsLayout(string name, Distribution distribution) =>
        _shared && _count < _names.Length && _count < _values.Length
        && ReferenceEquals(_dists[_count], distribution) && SameName(_names[_count], name);

    public void Set(string name, double value, Distribution distribution)
    {
        int i = IndexOf(name);
        if (i >= 0)
        {
            // Copy on write: earlier snapshots keep the old arrays.
            _names = (string[])_names.Clone();
            _values = (double[])_values.Clone();
            _dists = (Distribution[])_dists.Clone();
            _shared = false;
            _values[i] = value;
            _dists[i] = distribution;
            return;
        }

        if (ExtendsLayout(name, distribution))
        {
            // The shared layout already holds this name and distribution here.
            _values[_count] = value;
            _count++;
            Indexed(name);
            return;
        }

        if (_shared)
        {
            // The first append that differs from the shared layout: own copies from here on.
            _names = _names[.._count];
            _dists = _dists[.._count];
            _shared = false;
        }

        if (_count == _names.Length || _count == _values.Length)
        {
            int n = Math.Max(4, _count * 2);
            Array.Resize(ref _names, n);
            Array.Resize(ref _values, n);
            Array.Resize(ref _dists, n);
        }

        _names[_count] = name;
        _values[_count] = value;
        _dists[_count] = distribution;
        _count++;
        Indexed(name);
    }

    // After an append: the name lookup goes through a dictionary past eight parameters.
    private void Indexed(string name)
    {
        if (_index is not null)
        {
            _index[name] = _count - 1;
        }
        else if (_count > 8)
        {
            _index = new Dictionary<string, int>(_count * 2, StringComparer.Ordinal);
            for (int k = 0; k < _count; k++)
            {
                _index[_names[k]] = k;
            }
        }
    }

    /// <summary>
    /// Trims the arrays to the parameters held and shares the names and distributions of <paramref name="layout"/>
    /// when they are the same strings and the very same distribution objects, as for most trials of a study. For a
    /// finished trial, whose parameters never change again: it keeps about half the bytes per trial. Snapshots taken
    /// before keep the arrays they saw, and a later <see cref="Set"/> copies before it writes, as always.
    /// </summary>
    /// <param name="layout">The table of another finished trial, or <see langword="null"/>.</param>
    public void Compact(ParamTable? layout)
    {
        int n = _count;
        _shared = true;
        if (n == 0)
        {
            return;
        }

        if (layout is not null && layout._count == n && layout._names.Length == n && layout._dists.Length == n && SameLayout(layout))
        {
            _names = layout._names;
            _dists = layout._dists;
        }
        else if (_names.Length != n)
        {
            _names = Prefix(_names, n);
            _dists = Prefix(_dists, n);
        }

        if (_values.Length != n)
        {
            _values = Prefix(_values, n);
        }
    }

    // array[..n] without RuntimeHelpers.GetSubArray, which no precompiled image holds for these element types.
    private static T[] Prefix<T>(T[] array, int n)
    {
        var prefix = new T[n];
        Array.Copy(array, prefix, n);
        return prefix;
    }

    /// <summary>
    /// Marks the table as finished: its arrays may be shared by later tables (see the layout constructor), so a
    /// write to this table, if any, copies them first.
    /// </summary>
    public void Seal() => _shared = true;

    public IReadOnlyDictionary<string, double> Values =>
        _count == 0 ? FrozenTrial.EmptyInternal : new PrefixView<double>(_names, _values, _count);

    public IReadOnlyDictionary<string, Distribution> Distributions =>
        _count == 0 ? FrozenTrial.EmptyDistributions : new PrefixView<Distribution>(_names, _dists, _count);

    private bool SameLayout(ParamTable other)
    {
        for (int k = 0; k < _count; k++)
        {
            if (!ReferenceEquals(_dists[k], other._dists[k]) || !string.Equals(_names[k], other._names[k], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    // Names are usually the same string objects (the literals of the objective): compared by reference first.
    private static bool SameName(string a, string b) => ReferenceEquals(a, b) || string.Equals(a, b, StringComparison.Ordinal);

    private int IndexOf(string name)
    {
        if (_shared && _count < _names.Length && ReferenceEquals(_names[_count], name))
        {
            // The next name of the shared layout (the usual suggestion, the same string object): table and layout
            // have the same first names, each once, so it is not among them.
            return -1;
        }

        if (_index is not null)
        {
            return _index.TryGetValue(name, out int i) ? i : -1;
        }

        for (int k = 0; k < _count; k++)
        {
            if (SameName(_names[k], name))
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>A read-only dictionary over the first <c>count</c> entries of shared arrays, in insertion order.</summary>
    private sealed class PrefixView<TValue>(string[] names, TValue[] values, int count) : IReadOnlyDictionary<string, TValue>
    {
        private Dictionary<string, int>? _lookup;

        public int Count => count;

        public IEnumerable<string> Keys
        {
            get
            {
                for (int i = 0; i < count; i++)
                {
                    yield return names[i];
                }
            }
        }

        public IEnumerable<TValue> Values
        {
            get
            {
                for (int i = 0; i < count; i++)
                {
                    yield return values[i];
                }
            }
        }

        public TValue this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"The given key '{key}' was not present in the dictionary.");

        public bool ContainsKey(string key) => Find(key) >= 0;

        public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
        {
            int i = Find(key);
            if (i < 0)
            {
                value = default;
                return false;
            }

            value = values[i];
            return true;
        }

        public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator()
        {
            for (int i = 0; i < count; i++)
            {
                yield return new KeyValuePair<string, TValue>(names[i], values[i]);
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        private int Find(string key)
        {
            ArgumentNullException.ThrowIfNull(key);
            if (count <= 8)
            {
                for (int i = 0; i < count; i++)
                {
                    if (SameName(names[i], key))
                    {
                        return i;
                    }
                }

                return -1;
            }

            var lookup = _lookup;
            if (lookup is null)
            {
                lookup = new Dictionary<string, int>(count, StringComparer.Ordinal);
                for (int i = 0; i < count; i++)
                {
                    lookup[names[i]] = i;
                }

                _lookup = lookup;
            }

            return lookup.TryGetValue(key, out int k) ? k : -1;
        }
    }
}
