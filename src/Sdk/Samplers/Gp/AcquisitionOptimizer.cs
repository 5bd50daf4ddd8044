using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Sharptune.Samplers.Gp;

/// <summary>
/// Maximises an acquisition function over a mixed space as Optuna 5 does (<c>optimize_acqf_mixed</c>): the best of
/// a batch of quasi-random preliminary points plus a roulette selection of others (and the given warm starts)
/// seed local searches that alternate bounded quasi-Newton steps on the continuous coordinates (MathNet's
/// BFGS-B, preconditioned by the lengthscales) with exhaustive or line searches on each discrete coordinate until
/// no coordinate block improves.
/// </summary>
internal static class AcquisitionOptimizer
{
    private const int MaxExhaustiveChoices = 16;
    private const int MaxLocalIterations = 100;

    public static (double[] X, double Value) Maximize(IAcquisition acq, IReadOnlyList<double[]> warmStarts, int nPreliminary, int nLocalSearch, double tol, Random rng)
    {
        var sampled = acq.Space.SampleNormalized(nPreliminary, rng);
        var values = acq.Values(sampled);
        int best = 0;
        for (int i = 0; i < sampled.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        var probs = new double[sampled.Length];
        double total = 0;
        int nonZero = 0;
        for (int i = 0; i < sampled.Length; i++)
        {
            probs[i] = i == best ? 0 : Math.Exp(values[i] - values[best]);
            if (!double.IsFinite(probs[i]))
            {
                probs[i] = 0;
            }

            total += probs[i];
            nonZero += probs[i] > 0 ? 1 : 0;
        }

        int additional = Math.Min(nLocalSearch - warmStarts.Count - 1, nonZero);
        var starts = new List<double[]> { (double[])sampled[best].Clone() };
        for (int k = 0; k < additional && total > 0; k++)
        {
            double u = rng.NextDouble() * total, acc = 0;
            int pick = -1;
            for (int i = 0; i < probs.Length; i++)
            {
                if (probs[i] <= 0)
                {
                    continue;
                }

                acc += probs[i];
                pick = i;
                if (acc >= u)
                {
                    break;
                }
            }

            if (pick < 0)
            {
                break;
            }

            starts.Add((double[])sampled[pick].Clone());
            total -= probs[pick];
            probs[pick] = 0;
        }

        starts.AddRange(warmStarts.Select(w => (double[])w.Clone()));
        double[] bestX = starts[0];
        double bestValue = double.NegativeInfinity;
        foreach (var x0 in starts)
        {
            var (x, v) = LocalSearch(acq, x0, tol);
            if (v > bestValue)
            {
                bestValue = v;
                bestX = x;
            }
        }

        return (bestX, bestValue);
    }

    private static (double[] X, double Value) LocalSearch(IAcquisition acq, double[] x, double tol)
    {
        const int Continuous = -1;
        var space = acq.Space;
        double f = acq.Value(x);
        int lastChanged = Continuous;
        for (int iter = 0; iter < MaxLocalIterations; iter++)
        {
            if (GradientAscent(acq, ref x, ref f, tol))
            {
                lastChanged = Continuous;
            }

            foreach (int i in space.DiscreteIndices)
            {
                if (lastChanged == i)
                {
                    return (x, f);
                }

                if (DiscreteSearch(acq, x, ref f, i))
                {
                    lastChanged = i;
                }
            }

            if (lastChanged == Continuous)
            {
                return (x, f);
            }
        }

        return (x, f);
    }

    /// <summary>Bounded quasi-Newton ascent on the continuous coordinates in z = x / ℓ; true when it improved.</summary>
    private static bool GradientAscent(IAcquisition acq, ref double[] x, ref double f, double tol)
    {
        var cont = acq.Space.ContinuousIndices;
        if (cont.Length == 0)
        {
            return false;
        }

        var start = x;
        var ls = cont.Select(i => acq.LengthScales[i]).ToArray();
        var fixedX = (double[])start.Clone();
        var grad = new double[x.Length];
        double bestNeg = -f;
        double[]? bestZ = null;

        (double, Vector<double>) NegAcq(Vector<double> z)
        {
            var point = (double[])fixedX.Clone();
            for (int k = 0; k < cont.Length; k++)
            {
                point[cont[k]] = Math.Clamp(z[k] * ls[k], 0, 1);
            }

            double v = acq.ValueAndGradient(point, grad);
            var g = new double[cont.Length];
            for (int k = 0; k < cont.Length; k++)
            {
                g[k] = -grad[cont[k]] * ls[k];
            }

            if (!double.IsFinite(v))
            {
                v = -1e300;
                Array.Clear(g);
            }

            if (-v < bestNeg)
            {
                bestNeg = -v;
                bestZ = z.ToArray();
            }

            return (-v, Vector<double>.Build.Dense(g));
        }

        var z0 = Vector<double>.Build.Dense(cont.Length, k => Math.Clamp(start[cont[k]] / ls[k], 0, 1 / ls[k]));
        var lower = Vector<double>.Build.Dense(cont.Length);
        var upper = Vector<double>.Build.Dense(cont.Length, k => 1 / ls[k]);
        int iterations;
        try
        {
            var result = new BfgsBMinimizer(Math.Sqrt(tol) * 1e-2, 1e-9, 1e-12, 200).FindMinimum(ObjectiveFunction.Gradient(NegAcq), lower, upper, z0);
            iterations = result.Iterations;
        }
        catch (Exception e) when (e is OptimizationException or ArgumentException or ArithmeticException)
        {
            iterations = bestZ is null ? 0 : 1;
        }

        if (iterations == 0 || bestZ is null || !(-bestNeg > f))
        {
            return false;
        }

        var next = (double[])x.Clone();
        for (int k = 0; k < cont.Length; k++)
        {
            next[cont[k]] = Math.Clamp(bestZ[k] * ls[k], 0, 1);
        }

        x = next;
        f = -bestNeg;
        return true;
    }

    /// <summary>Searches one discrete coordinate (exhaustively when it has few values); true when it improved.</summary>
    private static bool DiscreteSearch(IAcquisition acq, double[] x, ref double f, int i)
    {
        var choices = acq.Space.DiscreteChoices[i];
        if (choices.Length <= 1)
        {
            return false;
        }

        double current = x[i];
        double bestValue = f, bestChoice = current;
        if (acq.Space.IsCategorical[i] || choices.Length <= MaxExhaustiveChoices)
        {
            foreach (double c in choices)
            {
                if (c == current)
                {
                    continue;
                }

                x[i] = c;
                double v = acq.Value(x);
                if (v > bestValue)
                {
                    bestValue = v;
                    bestChoice = c;
                }
            }
        }
        else
        {
            // Golden-section search over the grid index, evaluating only grid points (cached).
            var cache = new Dictionary<int, double>();
            double Eval(int k)
            {
                if (!cache.TryGetValue(k, out double v))
                {
                    x[i] = choices[k];
                    v = acq.Value(x);
                    cache[k] = v;
                }

                return v;
            }

            int lo = 0, hi = choices.Length - 1;
            while (hi - lo > 3)
            {
                int m1 = lo + ((hi - lo) / 3), m2 = hi - ((hi - lo) / 3);
                if (Eval(m1) < Eval(m2))
                {
                    lo = m1 + 1;
                }
                else
                {
                    hi = m2 - 1;
                }
            }

            for (int k = lo; k <= hi; k++)
            {
                if (Eval(k) > bestValue && choices[k] != current)
                {
                    bestValue = Eval(k);
                    bestChoice = choices[k];
                }
            }
        }

        if (bestValue > f && bestChoice != current)
        {
            x[i] = bestChoice;
            f = bestValue;
            return true;
        }

        x[i] = current;
        return false;
    }
}
