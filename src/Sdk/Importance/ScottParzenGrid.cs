using Sharptune.Samplers.Tpe;

namespace Sharptune.Importance;

/// <summary>
/// The one-dimensional Parzen estimator PED-ANOVA compares: the parameter's values are counted on a grid (at most
/// <c>steps</c> evenly spaced cells over the range, log-scaled for log distributions, one cell per choice for a
/// categorical), then a mixture of one kernel per occupied cell (weighted by its count) and a uniform prior kernel
/// is evaluated on the grid. Numeric kernels are discretized truncated normals with Scott's rule bandwidth; categorical
/// kernels put their mass on their cell plus a share of the prior.
/// </summary>
internal static class ScottParzenGrid
{
    /// <summary>The smallest bandwidth, in cells: 1.64σ (90% of a kernel's mass) spans at least half a cell.</summary>
    private const double MinSigma = 0.5 / 1.64;

    /// <summary>The prior kernel's cell masses by grid size (numeric grids have at most 50 cells).</summary>
    private static readonly double[]?[] s_priors = new double[]?[64];

    /// <summary>Evaluates the estimator of a parameter's values (internal representations) at every grid cell.</summary>
    /// <param name="distribution">The parameter's distribution.</param>
    /// <param name="values">The values.</param>
    /// <param name="steps">The most cells of a numeric grid.</param>
    /// <param name="priorWeight">The weight of the prior kernel.</param>
    /// <returns>The probability of each cell (they sum to 1).</returns>
    public static double[] Pdf(Distribution distribution, ReadOnlySpan<double> values, int steps, double priorWeight)
    {
        if (distribution is CategoricalDistribution categorical)
        {
            var counts = new int[categorical.Choices.Count];
            foreach (double v in values)
            {
                counts[(int)v]++;
            }

            return CategoricalPdf(counts, priorWeight);
        }

        return NumericPdf(CountNumeric(distribution, values, steps), priorWeight);
    }

    /// <summary>Counts the values of a numeric parameter in the cells of its grid.</summary>
    internal static int[] CountNumeric(Distribution distribution, ReadOnlySpan<double> values, int steps)
    {
        double low, high;
        bool log;
        switch (distribution)
        {
            case IntDistribution d:
                low = d.Low;
                high = d.High;
                log = d.Log;
                steps = log
                    ? Math.Min((int)Math.Ceiling(Math.Log(high - low + 1) / Math.Log(2)) + 1, steps)
                    : Math.Min((int)Math.Round((high - low) / d.Step) + 1, steps);
                break;
            case FloatDistribution d:
                low = d.Low;
                high = d.High;
                log = d.Log;
                if (d.Step is { } step)
                {
                    steps = Math.Min((int)Math.Round((high - low) / step) + 1, steps);
                }

                break;
            default:
                throw new ArgumentException($"Got an unknown dist with the type {distribution.GetType().Name}.", nameof(distribution));
        }

        if (log)
        {
            low = Math.Log(low);
            high = Math.Log(high);
        }

        double cell = (high - low) / (steps - 1);
        var counts = new int[steps];
        foreach (double value in values)
        {
            double v = log ? Math.Log(value) : value;

            // Nearest cell; a value exactly between two cells goes to the lower one.
            double position = Math.Ceiling(((v - low) / cell) - 0.5);
            int index = position <= 0 ? 0 : position >= steps - 1 ? steps - 1 : (int)position;
            counts[index]++;
        }

        return counts;
    }

    /// <summary>The estimator over categorical counts: one kernel per observed choice, plus the uniform prior.</summary>
    internal static double[] CategoricalPdf(int[] counts, double priorWeight)
    {
        int nChoices = counts.Length;
        var pdf = new double[nChoices];
        int observed = 0, total = 0;
        foreach (int c in counts)
        {
            if (c > 0)
            {
                observed++;
                total += c;
            }
        }

        if (observed == 0)
        {
            Array.Fill(pdf, 1.0 / nChoices);
            return pdf;
        }

        // Kernel i of an observed choice puts weight 1 on it and prior/(observed+1) on every choice, renormalized;
        // the prior kernel is uniform. The mixture weighs the kernels by their counts and the prior by its weight.
        double share = priorWeight / (observed + 1);
        double rowSum = 1 + (share * nChoices);
        double uniform = share == 0 ? 0 : 1.0 / nChoices;
        double mixtureSum = total + priorWeight;
        for (int j = 0; j < nChoices; j++)
        {
            pdf[j] = ((total * share / rowSum) + (counts[j] / rowSum) + (priorWeight * uniform)) / mixtureSum;
        }

        return pdf;
    }

    /// <summary>The estimator over numeric grid counts: discretized truncated normals on cells 0..n−1 plus a wide prior.</summary>
    internal static double[] NumericPdf(int[] counts, double priorWeight)
    {
        int size = counts.Length;
        int n = 0;
        foreach (int c in counts)
        {
            n += c > 0 ? 1 : 0;
        }

        var observations = new int[n];
        var weights = new int[n];
        for (int i = 0, k = 0; i < size; i++)
        {
            if (counts[i] > 0)
            {
                observations[k] = i;
                weights[k++] = counts[i];
            }
        }

        var cumulative = new long[n];
        long sum = 0;
        double weightedSum = 0;
        for (int k = 0; k < n; k++)
        {
            sum += weights[k];
            cumulative[k] = sum;
            weightedSum += (double)observations[k] * weights[k];
        }

        double mean = weightedSum / sum;
        double squares = 0;
        for (int k = 0; k < n; k++)
        {
            double d = observations[k] - mean;
            squares += d * d * weights[k];
        }

        double sigma = Math.Sqrt(squares / Math.Max(1, sum - 1));
        int q1 = SearchLeft(cumulative, sum / 4);
        int q3 = SearchRight(cumulative, sum * 3 / 4);
        double iqr = observations[Math.Min(n - 1, q3)] - observations[q1];
        sigma = 1.059 * Math.Min(iqr / 1.34, sigma) * Math.Pow(sum, -0.2);
        sigma = Math.Max(sigma, MinSigma);

        // The mixture: each observed cell's kernel weighted by its count, then the prior kernel. The observed kernels
        // share one bandwidth and sit on cells, so the mass a kernel puts on cell x only depends on |x − μ|:
        // mass[0] = 1 − 2·Φ(−½/σ), mass[d] = Φ(−(d − ½)/σ) − Φ(−(d + ½)/σ), differences of left tails (accurate far out).
        double mixtureTotal = sum + priorWeight;
        Span<double> cellMass = stackalloc double[size];
        double previousTail = TruncatedNormal.Ndtr(-0.5 / sigma);
        cellMass[0] = 1.0 - (2.0 * previousTail);
        for (int d = 1; d < size; d++)
        {
            double tail = TruncatedNormal.Ndtr(-(d + 0.5) / sigma);
            cellMass[d] = previousTail - tail;
            previousTail = tail;
        }

        // Each kernel is truncated to the grid: scale its weight by the inverse of its mass on [low − ½, high + ½],
        // the cells within μ to its left plus those within size − 1 − μ to its right (prefix sums over |x − μ|).
        Span<double> prefix = stackalloc double[size + 1];
        prefix[0] = 0;
        for (int d = 0; d < size; d++)
        {
            prefix[d + 1] = prefix[d] + cellMass[d];
        }

        Span<double> scaled = stackalloc double[n];
        for (int k = 0; k < n; k++)
        {
            double mass = prefix[observations[k] + 1] + prefix[size - observations[k]] - cellMass[0];
            scaled[k] = weights[k] / mixtureTotal / mass;
        }

        var prior = PriorPdf(size);
        var pdf = new double[size];
        double priorScale = priorWeight / mixtureTotal;
        for (int x = 0; x < size; x++)
        {
            double p = priorScale * prior[x];
            for (int k = 0; k < n; k++)
            {
                int d = x - observations[k];
                p += scaled[k] * cellMass[d < 0 ? -d : d];
            }

            pdf[x] = p;
        }

        return pdf;
    }

    /// <summary>
    /// The prior kernel on cells 0..size−1: a normal centred on the grid with σ = size, truncated to
    /// [−½, size − ½] and discretized per cell (its cell masses, summing to 1). Its boundaries are within σ/2 of the
    /// centre, where Φ is accurate. Computed once per size (never modified: shared between threads).
    /// </summary>
    private static double[] PriorPdf(int size)
    {
        var cache = s_priors;
        if (size < cache.Length && Volatile.Read(ref cache[size]) is { } cached)
        {
            return cached;
        }

        double mu = (size - 1) / 2.0, s = size;
        var pdf = new double[size];
        double lower = TruncatedNormal.Ndtr((-0.5 - mu) / s);
        double first = lower;
        for (int x = 0; x < size; x++)
        {
            double upper = TruncatedNormal.Ndtr((x + 0.5 - mu) / s);
            pdf[x] = upper - lower;
            lower = upper;
        }

        double total = lower - first;
        for (int x = 0; x < size; x++)
        {
            pdf[x] /= total;
        }

        if (size < cache.Length)
        {
            Volatile.Write(ref cache[size], pdf);
        }

        return pdf;
    }

    private static int SearchLeft(long[] sorted, long value)
    {
        int i = 0;
        while (i < sorted.Length && sorted[i] < value)
        {
            i++;
        }

        return i;
    }

    private static int SearchRight(long[] sorted, long value)
    {
        int i = 0;
        while (i < sorted.Length && sorted[i] <= value)
        {
            i++;
        }

        return i;
    }
}
