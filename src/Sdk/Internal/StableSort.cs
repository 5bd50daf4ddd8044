namespace Sharptune.Internal;

/// <summary>The ascending key sort that carries items and keeps equal keys in item order (TPE's kernels, hypervolume selection).</summary>
internal static class StableSort
{
    /// <summary>Sorts keys ascending, carrying the items, stable for equal keys (items are distinct indices).</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="items">The items (distinct).</param>
    public static void Sort(Span<double> keys, Span<int> items)
    {
        if (keys.Length <= InsertionSortLimit)
        {
            InsertionSort(keys, items);
            return;
        }

        keys.Sort(items);
        int n = keys.Length;
        int start = 0;
        for (int i = 1; i <= n; i++)
        {
            if (i == n || keys[i].CompareTo(keys[start]) != 0)
            {
                if (i - start > 1)
                {
                    items[start..i].Sort();
                }

                start = i;
            }
        }
    }

    // TPE sorts its 24 candidates every trial. MemoryExtensions.Sort<double, int> is a generic instantiation that no
    // precompiled image holds, so a fresh process would run it as tier-0 code; this loop is precompiled with the rest.
    private const int InsertionSortLimit = 64;

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

    // The order of Sort above: keys ascending as double.CompareTo orders them (NaN first), then items ascending.
    private static bool Precedes(double key, int item, double otherKey, int otherItem)
    {
        int byKey = key.CompareTo(otherKey);
        return byKey < 0 || (byKey == 0 && item < otherItem);
    }
}
