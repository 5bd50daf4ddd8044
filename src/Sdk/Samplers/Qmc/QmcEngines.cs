using System.Globalization;

namespace Sharptune.Samplers.Qmc;

/// <summary>A low-discrepancy sequence in [0, 1)^d with random access to its points.</summary>
internal interface IQmcEngine
{
    /// <summary>Gets the dimension.</summary>
    int Dimension { get; }

    /// <summary>Writes point <paramref name="index"/> (from 0) of the sequence into <paramref name="point"/>.</summary>
    void Point(long index, Span<double> point);
}

/// <summary>
/// The Sobol sequence in Gray-code order (Antonov–Saleev), 30-bit, with Joe–Kuo direction numbers: point n is the
/// XOR of the direction numbers selected by the bits of n ⊕ (n ≫ 1), so any point is computed directly. The
/// unscrambled points are SciPy's <c>qmc.Sobol(d, scramble=False)</c> points exactly. Scrambling applies a random
/// linear matrix scramble (lower-triangular binary matrices) and a random digital shift per dimension, which keeps
/// the net properties.
/// </summary>
internal sealed class SobolEngine : IQmcEngine
{
    /// <summary>The number of bits of each coordinate.</summary>
    public const int Bits = 30;

    private static readonly Lock TableLock = new();
    private static int[][]? s_table;

    private readonly uint[] _v; // Dimension × Bits direction numbers
    private readonly uint[] _shift;

    public SobolEngine(int dimension, bool scramble, Random? rng)
    {
        if (dimension < 1 || dimension > SobolDirectionNumbers.MaxDimension)
        {
            throw new ArgumentOutOfRangeException(
                nameof(dimension),
                dimension,
                string.Create(CultureInfo.InvariantCulture, $"Maximum supported dimensionality is {SobolDirectionNumbers.MaxDimension}."));
        }

        Dimension = dimension;
        _v = new uint[dimension * Bits];
        _shift = new uint[dimension];
        var table = Table();
        for (int d = 0; d < dimension; d++)
        {
            int o = d * Bits;
            if (d == 0)
            {
                for (int j = 0; j < Bits; j++)
                {
                    _v[o + j] = 1u << (Bits - 1 - j);
                }

                continue;
            }

            var row = table[d - 1];
            uint poly = (uint)row[0];
            int m = 31 - System.Numerics.BitOperations.LeadingZeroCount(poly);
            for (int j = 0; j < m && j < Bits; j++)
            {
                _v[o + j] = (uint)row[1 + j] << (Bits - 1 - j);
            }

            for (int j = m; j < Bits; j++)
            {
                uint nv = _v[o + j - m] ^ (_v[o + j - m] >> m);
                for (int i = 1; i < m; i++)
                {
                    if (((poly >> (m - i)) & 1) != 0)
                    {
                        nv ^= _v[o + j - i];
                    }
                }

                _v[o + j] = nv;
            }
        }

        if (scramble)
        {
            ArgumentNullException.ThrowIfNull(rng);
            Scramble(rng);
        }
    }

    public int Dimension { get; }

    public void Point(long index, Span<double> point)
    {
        if (index < 0 || index >= 1L << Bits)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, "The Sobol sequence has 2^30 points.");
        }

        ulong gray = (ulong)index ^ ((ulong)index >> 1);
        const double Scale = 1.0 / (1L << Bits);
        for (int d = 0; d < Dimension; d++)
        {
            uint acc = _shift[d];
            int o = d * Bits;
            ulong g = gray;
            for (int j = 0; g != 0; j++, g >>= 1)
            {
                if ((g & 1) != 0)
                {
                    acc ^= _v[o + j];
                }
            }

            point[d] = acc * Scale;
        }
    }

    private void Scramble(Random rng)
    {
        // Bit r of a coordinate (r = 0 the most significant) lives at position Bits − 1 − r.
        var ltm = new bool[Bits, Bits];
        for (int d = 0; d < Dimension; d++)
        {
            for (int r = 0; r < Bits; r++)
            {
                for (int c = 0; c < r; c++)
                {
                    ltm[r, c] = rng.Next(2) == 1;
                }

                ltm[r, r] = true;
            }

            int o = d * Bits;
            for (int j = 0; j < Bits; j++)
            {
                uint v = _v[o + j];
                uint result = 0;
                for (int r = 0; r < Bits; r++)
                {
                    int bit = 0;
                    for (int c = 0; c <= r; c++)
                    {
                        if (ltm[r, c])
                        {
                            bit ^= (int)((v >> (Bits - 1 - c)) & 1);
                        }
                    }

                    result |= (uint)bit << (Bits - 1 - r);
                }

                _v[o + j] = result;
            }

            _shift[d] = (uint)rng.NextInt64(1L << Bits);
        }
    }

    private static int[][] Table()
    {
        lock (TableLock)
        {
            if (s_table is not null)
            {
                return s_table;
            }

            var lines = SobolDirectionNumbers.Table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var table = new int[lines.Length][];
            for (int i = 0; i < lines.Length; i++)
            {
                table[i] = Array.ConvertAll(lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries), s => int.Parse(s, CultureInfo.InvariantCulture));
            }

            s_table = table;
            return table;
        }
    }
}

/// <summary>
/// The Halton sequence: coordinate d of point n is the radical inverse of n in the d-th prime base, starting from
/// n = 0 like SciPy's <c>qmc.Halton(d, scramble=False)</c>. Scrambling permutes the digits of each position with a
/// random permutation per base and position.
/// </summary>
internal sealed class HaltonEngine : IQmcEngine
{
    private readonly int[] _bases;
    private readonly int[][][]? _permutations; // [dimension][digit position][digit]
    private readonly int[] _digits;

    public HaltonEngine(int dimension, bool scramble, Random? rng)
    {
        if (dimension < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The dimension must be positive.");
        }

        Dimension = dimension;
        _bases = Primes(dimension);
        _digits = new int[dimension];
        for (int d = 0; d < dimension; d++)
        {
            // Enough digits to resolve a double: b^k ≥ 2^53.
            _digits[d] = (int)Math.Ceiling(53 / Math.Log2(_bases[d]));
        }

        if (scramble)
        {
            ArgumentNullException.ThrowIfNull(rng);
            _permutations = new int[dimension][][];
            for (int d = 0; d < dimension; d++)
            {
                int b = _bases[d];
                _permutations[d] = new int[_digits[d]][];
                for (int k = 0; k < _digits[d]; k++)
                {
                    var p = new int[b];
                    for (int i = 0; i < b; i++)
                    {
                        p[i] = i;
                    }

                    for (int i = b - 1; i > 0; i--)
                    {
                        int j = rng.Next(i + 1);
                        (p[i], p[j]) = (p[j], p[i]);
                    }

                    _permutations[d][k] = p;
                }
            }
        }
    }

    public int Dimension { get; }

    public void Point(long index, Span<double> point)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        for (int d = 0; d < Dimension; d++)
        {
            int b = _bases[d];
            double inv = 1.0 / b, f = inv, x = 0;
            long n = index;
            if (_permutations is null)
            {
                while (n > 0)
                {
                    x += (n % b) * f;
                    n /= b;
                    f *= inv;
                }
            }
            else
            {
                var perms = _permutations[d];
                for (int k = 0; k < perms.Length; k++)
                {
                    x += perms[k][(int)(n % b)] * f;
                    n /= b;
                    f *= inv;
                }
            }

            point[d] = Math.Min(x, Math.BitDecrement(1.0));
        }
    }

    private static int[] Primes(int count)
    {
        var primes = new List<int>(count);
        for (int c = 2; primes.Count < count; c++)
        {
            bool prime = true;
            foreach (int p in primes)
            {
                if (p * p > c)
                {
                    break;
                }

                if (c % p == 0)
                {
                    prime = false;
                    break;
                }
            }

            if (prime)
            {
                primes.Add(c);
            }
        }

        return [.. primes];
    }
}

/// <summary>Uniformity measures of point sets in [0, 1)^d.</summary>
internal static class Discrepancy
{
    /// <summary>The centered L2 discrepancy (Hickernell), SciPy's default <c>qmc.discrepancy</c> ("CD"); lower is more uniform.</summary>
    /// <param name="points">The points.</param>
    /// <returns>The discrepancy.</returns>
    public static double CenteredL2(IReadOnlyList<double[]> points)
    {
        int n = points.Count, d = points[0].Length;
        double a = Math.Pow(13.0 / 12.0, d);
        double b = 0;
        foreach (var x in points)
        {
            double prod = 1;
            for (int k = 0; k < d; k++)
            {
                double t = Math.Abs(x[k] - 0.5);
                prod *= 1 + (0.5 * t) - (0.5 * t * t);
            }

            b += prod;
        }

        double c = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double prod = 1;
                for (int k = 0; k < d; k++)
                {
                    prod *= 1 + (0.5 * Math.Abs(points[i][k] - 0.5)) + (0.5 * Math.Abs(points[j][k] - 0.5)) - (0.5 * Math.Abs(points[i][k] - points[j][k]));
                }

                c += prod;
            }
        }

        return a - (2.0 / n * b) + (c / ((double)n * n));
    }
}
