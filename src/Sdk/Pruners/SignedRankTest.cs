using MathNet.Numerics.Distributions;

namespace Sharptune.Pruners;

/// <summary>The alternative hypothesis of a one-sided test on the paired differences.</summary>
internal enum Alternative
{
    /// <summary>The differences tend to be below zero.</summary>
    Less,

    /// <summary>The differences tend to be above zero.</summary>
    Greater,
}

/// <summary>
/// The one-sample Wilcoxon signed-rank test as SciPy computes it today (<c>scipy.stats.wilcoxon(d,
/// zero_method="zsplit", correction=False, method="auto")</c>, <c>scipy/stats/_wilcoxon.py</c>):
/// <list type="bullet">
/// <item>statistic: the sum of the average ranks of <c>|d|</c> over positive differences, plus half the rank sum of
/// the zeros (zsplit keeps zeros in the ranking);</item>
/// <item>n &gt; 50: normal approximation, tie-corrected variance, no continuity correction;</item>
/// <item>n ≤ 50 without ties or zeros: the exact null distribution;</item>
/// <item>n ≤ 13 with ties or zeros: the exact permutation distribution over all 2^n sign flips;</item>
/// <item>13 &lt; n ≤ 50 with ties or zeros: normal approximation.</item>
/// </list>
/// SciPy releases before the permutation branch (such as 1.10) treat tied or zero samples of n ≤ 50 differently
/// (exact with a truncated statistic, or normal when there are zeros); without ties and zeros all versions agree.
/// </summary>
internal static class SignedRankTest
{
    private const int ExactLimit = 50;
    private const int PermutationLimit = 13;
    private static readonly long[]?[] ExactCounts = new long[ExactLimit + 1][];

    /// <summary>Computes the p-value of the test.</summary>
    /// <param name="differences">The paired differences (finite), at least one.</param>
    /// <param name="alternative">The alternative hypothesis.</param>
    /// <returns>The p-value.</returns>
    public static double PValue(ReadOnlySpan<double> differences, Alternative alternative)
    {
        int n = differences.Length;
        if (n == 0)
        {
            return double.NaN;
        }

        // Average ranks of |d|, doubled so that they are integers.
        var order = new int[n];
        var abs = new double[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
            abs[i] = Math.Abs(differences[i]);
        }

        Array.Sort(abs.ToArray(), order);
        var doubledRanks = new long[n];
        bool hasTies = false;
        double tieCorrection = 0;
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            while (end < n && abs[order[end]] == abs[order[start]])
            {
                end++;
            }

            long size = end - start;
            if (size > 1)
            {
                hasTies = true;
                tieCorrection += (double)((size * size * size) - size);
            }

            // Positions start+1 … end average to (start + 1 + end) / 2.
            long doubled = start + 1 + end;
            for (int k = start; k < end; k++)
            {
                doubledRanks[order[k]] = doubled;
            }

            start = end;
        }

        long quadStatistic = 0; // 4 · r_plus
        int zeros = 0;
        for (int i = 0; i < n; i++)
        {
            if (differences[i] > 0)
            {
                quadStatistic += 2 * doubledRanks[i];
            }
            else if (differences[i] == 0)
            {
                zeros++;
                quadStatistic += doubledRanks[i];
            }
        }

        // quadStatistic is 4 · r_plus: averaged ranks have halves and zsplit zeros add half their rank.
        double rPlus = quadStatistic / 4.0;
        if (n <= ExactLimit && !hasTies && zeros == 0)
        {
            return Exact(n, rPlus, alternative);
        }

        if (n <= PermutationLimit)
        {
            return Permutation(differences, doubledRanks, quadStatistic, alternative);
        }

        double mean = n * (n + 1.0) * 0.25;
        double se = Math.Sqrt(((n * (n + 1.0) * ((2.0 * n) + 1.0)) - (tieCorrection / 2)) / 24);
        double z = (rPlus - mean) / se;
        return alternative == Alternative.Greater ? Normal.CDF(0, 1, -z) : Normal.CDF(0, 1, z);
    }

    /// <summary>The exact null distribution of r_plus for n distinct nonzero ranks.</summary>
    private static double Exact(int n, double rPlus, Alternative alternative)
    {
        long[] counts = ExactDistribution(n);
        double total = Math.Pow(2, n);
        long sum = 0;
        if (alternative == Alternative.Greater)
        {
            // P(R ≥ floor(r_plus))
            for (long k = (long)Math.Floor(rPlus); k < counts.Length; k++)
            {
                sum += counts[k];
            }
        }
        else
        {
            // P(R ≤ ceil(r_plus))
            long upper = Math.Min((long)Math.Ceiling(rPlus), counts.Length - 1);
            for (long k = 0; k <= upper; k++)
            {
                sum += counts[k];
            }
        }

        return Math.Clamp(sum / total, 0, 1);
    }

    /// <summary>Counts the subsets of {1, …, n} by their sum (SciPy's <c>_get_wilcoxon_distr</c> times 2^n).</summary>
    private static long[] ExactDistribution(int n)
    {
        var cached = Volatile.Read(ref ExactCounts[n]);
        if (cached is not null)
        {
            return cached;
        }

        int max = n * (n + 1) / 2;
        var counts = new long[max + 1];
        counts[0] = 1;
        int reach = 0;
        for (int r = 1; r <= n; r++)
        {
            reach += r;
            for (int s = reach; s >= r; s--)
            {
                counts[s] += counts[s - r];
            }
        }

        Volatile.Write(ref ExactCounts[n], counts);
        return counts;
    }

    /// <summary>
    /// The exact permutation p-value: the share of the 2^n sign flips whose statistic is at least (or at most)
    /// the observed one. Zeros keep their half-rank whatever their sign, so only nonzero differences flip.
    /// </summary>
    private static double Permutation(ReadOnlySpan<double> differences, long[] doubledRanks, long quadStatistic, Alternative alternative)
    {
        // In units of a quarter: the distribution of Σ 4 · rank over the subsets of the nonzero differences; the
        // zeros add 4 · rank / 2 to every outcome.
        long zeroShare = 0;
        long max = 0;
        int nonZero = 0;
        for (int i = 0; i < differences.Length; i++)
        {
            if (differences[i] == 0)
            {
                zeroShare += doubledRanks[i];
            }
            else
            {
                max += 2 * doubledRanks[i];
                nonZero++;
            }
        }

        var counts = new long[max + 1];
        counts[0] = 1;
        long reach = 0;
        for (int i = 0; i < differences.Length; i++)
        {
            if (differences[i] == 0)
            {
                continue;
            }

            long w = 2 * doubledRanks[i];
            reach += w;
            for (long s = reach; s >= w; s--)
            {
                counts[s] += counts[s - w];
            }
        }

        long observed = quadStatistic - zeroShare;
        long hits = 0;
        for (long s = 0; s <= max; s++)
        {
            if (alternative == Alternative.Greater ? s >= observed : s <= observed)
            {
                hits += counts[s];
            }
        }

        return hits / Math.Pow(2, nonZero);
    }
}
