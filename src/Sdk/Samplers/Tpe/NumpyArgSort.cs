using System.Runtime.CompilerServices;
namespace Sharptune.Samplers.Tpe;

/// <summary>
/// NumPy's default <c>argsort</c> for float64 (kind "quicksort", the scalar introsort of NumPy 1.x without the
/// AVX-512 dispatch): median-of-three quicksort whose partitions stop on equal keys, insertion sort below 17
/// elements, heapsort past a depth of 2·⌊log2 n⌋. It is not stable, and Optuna's bandwidth rule depends on the order
/// it gives equal values (which of equal observations receives the gap to the lower neighbour, which the gap to the
/// upper one, which the clipped minimum); following it keeps the kernels of equal observations paired with the same
/// trials as in Optuna. Keys must not be NaN.
/// </summary>
internal static class NumpyArgSort
{
    private const int SmallPartition = 15;

    /// <summary>Fills <paramref name="order"/> with the indices 0..n−1 of <paramref name="keys"/> in NumPy's argsort order.</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="order">Receives the indices (same length as the keys).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loop of every trial: optimized at first call, never run as tier-0 or instrumented code
    public static void ArgSort(ReadOnlySpan<double> keys, Span<int> order)
    {
        int n = keys.Length;
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        if (n < 2)
        {
            return;
        }

        Span<int> stack = stackalloc int[128];
        Span<int> depths = stackalloc int[64];
        int top = 0, depthTop = 0;
        int lo = 0, hi = n - 1;
        int depth = 2 * (31 - int.LeadingZeroCount(n));
        while (true)
        {
            if (depth < 0)
            {
                HeapSort(keys, order.Slice(lo, hi - lo + 1));
            }
            else
            {
                while (hi - lo > SmallPartition)
                {
                    int mid = lo + ((hi - lo) >> 1);
                    if (keys[order[mid]] < keys[order[lo]])
                    {
                        Swap(order, mid, lo);
                    }

                    if (keys[order[hi]] < keys[order[mid]])
                    {
                        Swap(order, hi, mid);
                    }

                    if (keys[order[mid]] < keys[order[lo]])
                    {
                        Swap(order, mid, lo);
                    }

                    double pivot = keys[order[mid]];
                    int i = lo, j = hi - 1;
                    Swap(order, mid, j);
                    while (true)
                    {
                        do
                        {
                            i++;
                        }
                        while (keys[order[i]] < pivot);

                        do
                        {
                            j--;
                        }
                        while (pivot < keys[order[j]]);

                        if (i >= j)
                        {
                            break;
                        }

                        Swap(order, i, j);
                    }

                    Swap(order, i, hi - 1);

                    // The larger side waits on the stack; the smaller one is sorted next.
                    if (i - lo < hi - i)
                    {
                        stack[top++] = i + 1;
                        stack[top++] = hi;
                        hi = i - 1;
                    }
                    else
                    {
                        stack[top++] = lo;
                        stack[top++] = i - 1;
                        lo = i + 1;
                    }

                    depths[depthTop++] = --depth;
                }

                for (int i = lo + 1; i <= hi; i++)
                {
                    int item = order[i];
                    double key = keys[item];
                    int j = i;
                    while (j > lo && key < keys[order[j - 1]])
                    {
                        order[j] = order[j - 1];
                        j--;
                    }

                    order[j] = item;
                }
            }

            if (top == 0)
            {
                return;
            }

            hi = stack[--top];
            lo = stack[--top];
            depth = depths[--depthTop];
        }
    }

    private static void HeapSort(ReadOnlySpan<double> keys, Span<int> items)
    {
        // One-based heap over the slice.
        int n = items.Length;
        for (int l = n >> 1; l > 0; l--)
        {
            SiftDown(keys, items, l, n, items[l - 1]);
        }

        while (n > 1)
        {
            int last = items[n - 1];
            items[n - 1] = items[0];
            n--;
            SiftDown(keys, items, 1, n, last);
        }
    }

    private static void SiftDown(ReadOnlySpan<double> keys, Span<int> items, int start, int n, int item)
    {
        int i = start;
        for (int j = start << 1; j <= n;)
        {
            if (j < n && keys[items[j - 1]] < keys[items[j]])
            {
                j++;
            }

            if (keys[item] < keys[items[j - 1]])
            {
                items[i - 1] = items[j - 1];
                i = j;
                j += j;
            }
            else
            {
                break;
            }
        }

        items[i - 1] = item;
    }

    private static void Swap(Span<int> order, int a, int b) => (order[a], order[b]) = (order[b], order[a]);
}
