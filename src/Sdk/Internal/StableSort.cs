namespace Sharptune.Internal;

/// <summary>The ascending key sort that carries items and keeps equal keys in item order (TPE's kernels, hypervolume selection).</summary>
internal static class StableSort
{
    /// <summary>Sorts keys ascending, carrying the items, stable for equal keys (items are distinct indices).</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="items">The items (distinct).</param>
    public static void Sort(Span<double> keys, Span<int> items)
    {
        keys.Sort(items);
        int n = keys.Length;
        int start = 0;
        for (int i = 1; i <= n; i++)
        {
            if (i == n || keys[i] != keys[start])
            {
                if (i - start > 1)
                {
                    items[start..i].Sort();
                }

                start = i;
            }
        }
    }
}
