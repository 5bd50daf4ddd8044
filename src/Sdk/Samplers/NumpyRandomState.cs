namespace Sharptune.Samplers;

/// <summary>
/// The MT19937 generator as numpy's legacy <c>RandomState</c> seeds and consumes it, so that an ordering drawn
/// here (for example the grid shuffle of <see cref="GridSampler"/>) is the one Python Optuna draws for the same
/// seed. MathNet's Mersenne Twister does not expose the raw 32-bit outputs, which this reproduction needs. Not
/// thread-safe: callers lock.
/// </summary>
internal sealed class NumpyRandomState
{
    private const int StateLength = 624;
    private const int ShiftSize = 397;
    private const uint MatrixA = 0x9908b0dfu;
    private const uint UpperMask = 0x80000000u;
    private const uint LowerMask = 0x7fffffffu;

    private readonly uint[] _key = new uint[StateLength];
    private int _position;

    /// <summary>Initializes a new instance of the <see cref="NumpyRandomState"/> class (numpy's <c>RandomState(seed)</c>).</summary>
    /// <param name="seed">The 32-bit seed.</param>
    public NumpyRandomState(uint seed) => Seed(seed);

    /// <summary>Re-initializes the state from a 32-bit seed (MT19937's <c>init_genrand</c>).</summary>
    /// <param name="seed">The seed.</param>
    public void Seed(uint seed)
    {
        _key[0] = seed;
        for (int i = 1; i < StateLength; i++)
        {
            uint previous = _key[i - 1];
            _key[i] = unchecked((1812433253u * (previous ^ (previous >> 30))) + (uint)i);
        }

        _position = StateLength;
    }

    /// <summary>Returns the next raw 32-bit output.</summary>
    /// <returns>The output.</returns>
    public uint NextUInt32()
    {
        if (_position >= StateLength)
        {
            Regenerate();
        }

        uint y = _key[_position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>
    /// Draws an integer uniformly from <c>[0, max]</c> by masked rejection, as numpy's <c>random_interval</c> does
    /// for bounds below 2^32.
    /// </summary>
    /// <param name="max">The inclusive upper bound.</param>
    /// <returns>The draw.</returns>
    public uint Interval(uint max)
    {
        if (max == 0)
        {
            return 0;
        }

        uint mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        do
        {
            value = NextUInt32() & mask;
        }
        while (value > max);
        return value;
    }

    /// <summary>Shuffles in place with the Fisher–Yates walk of numpy's <c>RandomState.shuffle</c> on a list.</summary>
    /// <param name="items">The items.</param>
    public void Shuffle(int[] items)
    {
        for (int i = items.Length - 1; i >= 1; i--)
        {
            int j = (int)Interval((uint)i);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private void Regenerate()
    {
        int k = 0;
        for (; k < StateLength - ShiftSize; k++)
        {
            uint y = (_key[k] & UpperMask) | (_key[k + 1] & LowerMask);
            _key[k] = _key[k + ShiftSize] ^ (y >> 1) ^ ((y & 1u) * MatrixA);
        }

        for (; k < StateLength - 1; k++)
        {
            uint y = (_key[k] & UpperMask) | (_key[k + 1] & LowerMask);
            _key[k] = _key[k + ShiftSize - StateLength] ^ (y >> 1) ^ ((y & 1u) * MatrixA);
        }

        uint last = (_key[StateLength - 1] & UpperMask) | (_key[0] & LowerMask);
        _key[StateLength - 1] = _key[ShiftSize - 1] ^ (last >> 1) ^ ((last & 1u) * MatrixA);
        _position = 0;
    }
}
