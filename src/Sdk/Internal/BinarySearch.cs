namespace Sharptune.Internal;

/// <summary>Compares the item at an index of a sorted sequence with a key.</summary>
internal interface IIndexComparer
{
    /// <summary>Compares the item at <paramref name="index"/> with the key.</summary>
    /// <param name="index">The index.</param>
    /// <returns>Negative when the item sorts before the key, zero when equal, positive when after.</returns>
    int CompareAt(int index);
}

/// <summary>Binary search over any sorted sequence, through a comparer struct (compiled for each, no delegate).</summary>
internal static class BinarySearch
{
    /// <summary>Finds a key among <paramref name="count"/> sorted items.</summary>
    /// <typeparam name="TComparer">The comparer of an item with the key.</typeparam>
    /// <param name="count">The number of items.</param>
    /// <param name="comparer">The comparer.</param>
    /// <returns>The key's index, or the complement of its insertion point (as <see cref="Array.BinarySearch(Array, object)"/>).</returns>
    public static int Find<TComparer>(int count, TComparer comparer)
        where TComparer : struct, IIndexComparer
    {
        int lo = 0, hi = count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = comparer.CompareAt(mid);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }
}
