using System.Numerics;
using System.Runtime.CompilerServices;

namespace Sharptune.Internal;

/// <summary>
/// Fills spans with a plain loop, inlined into the caller. The library's <c>Span&lt;T&gt;.Fill</c> has precompiled code
/// that the runtime rejects on machines with 512-bit vectors, so a fresh process runs it as tier-0 code, which the
/// samplers' per-trial loops would call thousands of times before the runtime recompiles it.
/// </summary>
internal static class Spans
{
    /// <summary>Sets every element of <paramref name="span"/> to <paramref name="value"/>.</summary>
    /// <param name="span">The span.</param>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fill(Span<double> span, double value)
    {
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = value;
        }
    }

    /// <summary>Sets every element of <paramref name="span"/> to <paramref name="value"/>.</summary>
    /// <param name="span">The span.</param>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fill(Span<int> span, int value)
    {
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = value;
        }
    }

    /// <summary>Sets every element of <paramref name="span"/> to <paramref name="value"/>.</summary>
    /// <param name="span">The span.</param>
    /// <param name="value">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fill(Span<Vector<double>> span, Vector<double> value)
    {
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = value;
        }
    }
}
