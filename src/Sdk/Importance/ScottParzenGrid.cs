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

    /// <summary>Evaluates the estimator of the trials' values of a parameter at every grid cell.</summary>
    /// <param name="name">The parameter.</param>
    /// <param name="distribution">Its distribution in these trials.</param>
    /// <param name="trials">The trials (all hold the parameter with this distribution).</param>
    /// <param name="steps">The most cells of a numeric grid.</param>
    /// <param name="priorWeight">The weight of the prior kernel.</param>
    /// <returns>The probability of each cell (they sum to 1).</returns>
    public static double[] Pdf(string name, Distribution distribution, List<FrozenTrial> trials, int steps, double priorWeight)
    {
        if (distribution is CategoricalDistribution categorical)
        {
            var counts = new int[categorical.Choices.Count];
            foreach (var trial in trials)
            {
                counts[(int)trial.InternalParams[name]]++;
            }

            return CategoricalPdf(counts, priorWeight);
        }

        return NumericPdf(CountNumeric(name, distribution, trials, steps), priorWeight);
    }

    /// <summary>Counts the values of a numeric parameter in the cells of its grid.</summary>
    internal static int[] CountNumeric(string name, Distribution distribution, List<FrozenTrial> trials, int steps)
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
        foreach (var trial in trials)
        {
            double v = trial.InternalParams[name];
            if (log)
            {
                v = Math.Log(v);
            }

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
        var observations = new List<int>();
        var weights = new List<int>();
        for (int i = 0; i < size; i++)
        {
            if (counts[i] > 0)
            {
                observations.Add(i);
                weights.Add(counts[i]);
            }
        }

        int n = observations.Count;
        double low = 0, high = size - 1;
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

        // Mixture weights: each observed cell's count, then the prior.
        double mixtureTotal = sum + priorWeight;
        var logWeight = new double[n + 1];
        for (int k = 0; k < n; k++)
        {
            logWeight[k] = Math.Log(weights[k] / mixtureTotal);
        }

        logWeight[n] = Math.Log(priorWeight / mixtureTotal);

        // The observed kernels share one bandwidth and sit on cells, so the mass of cell x only depends on x − μ.
        var cellMass = new double[(2 * size) - 1];
        for (int d = -(size - 1); d <= size - 1; d++)
        {
            cellMass[d + size - 1] = TruncatedNormal.LogGaussMass((d - 0.5) / sigma, (d + 0.5) / sigma);
        }

        var logNorm = new double[n];
        for (int k = 0; k < n; k++)
        {
            double mu = observations[k];
            logNorm[k] = TruncatedNormal.LogGaussMass((low - 0.5 - mu) / sigma, (high + 0.5 - mu) / sigma);
        }

        double priorMu = (low + high) / 2.0, priorSigma = high - low + 1;
        double priorNorm = TruncatedNormal.LogGaussMass((low - 0.5 - priorMu) / priorSigma, (high + 0.5 - priorMu) / priorSigma);
        var pdf = new double[size];
        var terms = new double[n + 1];
        for (int x = 0; x < size; x++)
        {
            double max = double.NegativeInfinity;
            for (int k = 0; k < n; k++)
            {
                terms[k] = logWeight[k] + cellMass[x - observations[k] + size - 1] - logNorm[k];
                max = Math.Max(max, terms[k]);
            }

            terms[n] = logWeight[n] + TruncatedNormal.LogGaussMass((x - 0.5 - priorMu) / priorSigma, (x + 0.5 - priorMu) / priorSigma) - priorNorm;
            max = Math.Max(max, terms[n]);
            if (double.IsNegativeInfinity(max))
            {
                max = 0;
            }

            double s = 0;
            foreach (double t in terms)
            {
                s += Math.Exp(t - max);
            }

            pdf[x] = Math.Exp(Math.Log(s) + max);
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
