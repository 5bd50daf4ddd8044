namespace Sharptune.Internal;

/// <summary>The ascending key sort that carries items and keeps equal keys in item order (TPE's kernels, hypervolume selection).</summary>
/// <remarks>
/// Written out rather than calling <c>MemoryExtensions.Sort(keys, items)</c>: that generic instantiation is in no
/// precompiled image, so a fresh process would run it as tier-0 code through a short study (TPE sorts 24 and then 72
/// candidates every trial). Insertion sort of short runs, then bottom-up merging.
/// </remarks>
internal static class StableSort
{
    private const int RunLength = 16;
    private const int StackLimit = 256;

    /// <summary>Sorts keys ascending (as <see cref="double.CompareTo(double)"/> orders them: NaN first), carrying the
    /// items; equal keys end in ascending item order.</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="items">The items (distinct).</param>
    public static void Sort(Span<double> keys, Span<int> items)
    {
        int n = keys.Length;
        for (int lo = 0; lo < n; lo += RunLength)
        {
            int hi = Math.Min(lo + RunLength, n);
            InsertionSort(keys[lo..hi], items[lo..hi]);
        }

        if (n <= RunLength)
        {
            return;
        }

        Span<double> otherKeys = n <= StackLimit ? stackalloc double[n] : new double[n];
        Span<int> otherItems = n <= StackLimit ? stackalloc int[n] : new int[n];
        bool inPlace = true; // whether the merged runs are in keys/items (or in the scratch spans)
        for (int width = RunLength; width < n; width *= 2)
        {
            if (inPlace)
            {
                MergePass(keys, items, otherKeys, otherItems, width);
            }
            else
            {
                MergePass(otherKeys, otherItems, keys, items, width);
            }

            inPlace = !inPlace;
        }

        if (!inPlace)
        {
            otherKeys.CopyTo(keys);
            otherItems.CopyTo(items);
        }
    }

    // Merges each pair of adjacent sorted runs of the given width from one pair of spans into the other.
    private static void MergePass(ReadOnlySpan<double> fromKeys, ReadOnlySpan<int> fromItems, Span<double> toKeys, Span<int> toItems, int width)
    {
        int n = fromKeys.Length;
        for (int lo = 0; lo < n; lo += 2 * width)
        {
            int mid = Math.Min(lo + width, n), hi = Math.Min(lo + (2 * width), n);
            int a = lo, b = mid;
            for (int to = lo; to < hi; to++)
            {
                bool right = a == mid || (b < hi && Precedes(fromKeys[b], fromItems[b], fromKeys[a], fromItems[a]));
                int from = right ? b++ : a++;
                toKeys[to] = fromKeys[from];
                toItems[to] = fromItems[from];
            }
        }
    }

    private static void InsertionSort(Span<double> keys, Span<int> items)
    {
        for (int i = 1; i < keys.Length; i++)
        {
            double key = keys[i];
            int item = items[i];
            int j = i - 1;
            while (j >= 0 && Precedes(key, item, keys[j], items[j]))
            {
                keys[j + 1] = keys[j];
                items[j + 1] = items[j];
                j--;
            }

            keys[j + 1] = key;
            items[j + 1] = item;
        }
    }

    // Keys ascending as double.CompareTo orders them (NaN first, −0 equal to +0), then items ascending.
    private static bool Precedes(double key, int item, double otherKey, int otherItem)
    {
        int byKey = key.CompareTo(otherKey);
        return byKey < 0 || (byKey == 0 && item < otherItem);
    }
}
