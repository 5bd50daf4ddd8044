using Sharptune.Internal;

namespace Sharptune.Samplers.Tpe;

/// <summary>A value and a trial number, in a list sorted by value, then number.</summary>
/// <param name="Value">The value (a parameter's value in its column's space, or a trial's sort key).</param>
/// <param name="Number">The trial number.</param>
internal readonly record struct SortedEntry(double Value, int Number);

/// <summary>
/// (value, trial number) entries kept sorted by value, then number, with <see cref="double.CompareTo(double)"/> (NaN
/// first), as a list of tuples with its default comparer orders them. Arrays of our own rather than a
/// <c>List&lt;(double, int)&gt;</c>: CoreLib has no precompiled code for that instantiation, whose search and insertion a
/// fresh process would otherwise compile and run as tier-0 code. One writer at a time (callers lock).
/// </summary>
internal sealed class SortedEntryList
{
    private SortedEntry[] _items = [];
    private int _count;

    /// <summary>Gets the number of entries.</summary>
    public int Count => _count;

    /// <summary>Gets the entries in order.</summary>
    public ReadOnlySpan<SortedEntry> Entries => new(_items, 0, _count);

    /// <summary>Gets an entry by position.</summary>
    /// <param name="index">The position, below <see cref="Count"/>.</param>
    public SortedEntry this[int index] => (uint)index < (uint)_count ? _items[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Inserts an entry at its place (after any equal one).</summary>
    /// <param name="value">The value.</param>
    /// <param name="number">The trial number.</param>
    public void Insert(double value, int number)
    {
        // The first entry that sorts after (value, number).
        int lo = 0, hi = _count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            var e = _items[mid];
            int c = e.Value.CompareTo(value);
            if (c == 0)
            {
                c = e.Number.CompareTo(number);
            }

            if (c <= 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        if (_count == _items.Length)
        {
            var grown = new SortedEntry[Math.Max(16, _items.Length * 2)];
            Array.Copy(_items, grown, _count);
            _items = grown;
        }

        Array.Copy(_items, lo, _items, lo + 1, _count - lo);
        _items[lo] = new SortedEntry(value, number);
        _count++;
    }

    /// <summary>Finds the position of an entry.</summary>
    /// <param name="value">The value.</param>
    /// <param name="number">The trial number.</param>
    /// <returns>Its position, or −1 when the list does not hold it.</returns>
    public int IndexOf(double value, int number)
    {
        int at = BinarySearch.Find(_count, new Key(_items, value, number));
        return at >= 0 ? at : -1;
    }

    private readonly struct Key(SortedEntry[] items, double value, int number) : IIndexComparer
    {
        public int CompareAt(int index)
        {
            var e = items[index];
            int c = e.Value.CompareTo(value);
            return c != 0 ? c : e.Number.CompareTo(number);
        }
    }
}
