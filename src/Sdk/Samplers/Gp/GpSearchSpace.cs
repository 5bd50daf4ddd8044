using Sharptune.Samplers.Qmc;

namespace Sharptune.Samplers.Gp;

/// <summary>
/// The Gaussian-process view of a search space (Optuna's <c>_gp.search_space.SearchSpace</c>): each numeric
/// parameter is normalised to [0, 1] (log scale for log distributions, ranges widened by half a step for discrete
/// ones); a categorical parameter keeps its choice index and is compared by Hamming distance.
/// </summary>
internal sealed class GpSearchSpace
{
    private readonly string[] _names;
    private readonly Distribution[] _distributions;

    public GpSearchSpace(IReadOnlyDictionary<string, Distribution> space)
    {
        _names = [.. space.Keys];
        _distributions = [.. space.Values];
        Dimension = _names.Length;
        IsCategorical = new bool[Dimension];
        Steps = new double[Dimension];
        Choices = new int[Dimension];
        var discrete = new List<int>();
        var continuous = new List<int>();
        for (int i = 0; i < Dimension; i++)
        {
            switch (_distributions[i])
            {
                case CategoricalDistribution c:
                    IsCategorical[i] = true;
                    Steps[i] = 1;
                    Choices[i] = c.Choices.Count;
                    break;
                case FloatDistribution f:
                    Steps[i] = f.Step ?? 0;
                    break;
                case IntDistribution d:
                    Steps[i] = d.Step;
                    break;
            }

            (Steps[i] > 0 ? discrete : continuous).Add(i);
        }

        DiscreteIndices = [.. discrete];
        ContinuousIndices = [.. continuous];
        DiscreteChoices = new double[Dimension][];
        foreach (int i in discrete)
        {
            DiscreteChoices[i] = ComputeChoices(i);
        }
    }

    public int Dimension { get; }

    public IReadOnlyList<string> Names => _names;

    public bool[] IsCategorical { get; }

    public double[] Steps { get; }

    public int[] Choices { get; }

    public int[] DiscreteIndices { get; }

    public int[] ContinuousIndices { get; }

    /// <summary>Gets the normalized grid of each discrete parameter (choice indices for categoricals); null for continuous ones.</summary>
    public double[][] DiscreteChoices { get; }

    /// <summary>Normalizes one trial's internal parameters.</summary>
    public double[] Normalize(IReadOnlyDictionary<string, double> internalParams)
    {
        var x = new double[Dimension];
        for (int i = 0; i < Dimension; i++)
        {
            double v = internalParams[_names[i]];
            x[i] = IsCategorical[i] ? v : NormalizeOne(i, v);
        }

        return x;
    }

    /// <summary>Maps a normalized point back to internal representations, clipped to the bounds and snapped to the grid.</summary>
    public Dictionary<string, double> Unnormalize(ReadOnlySpan<double> x)
    {
        var result = new Dictionary<string, double>(Dimension, StringComparer.Ordinal);
        for (int i = 0; i < Dimension; i++)
        {
            switch (_distributions[i])
            {
                case CategoricalDistribution c:
                    result[_names[i]] = Math.Clamp(Math.Round(x[i]), 0, c.Choices.Count - 1);
                    break;
                case FloatDistribution f:
                {
                    double v = Math.Clamp(UnnormalizeOne(i, x[i]), f.Low, f.High);
                    if (f.Step is { } step)
                    {
                        v = Math.Clamp((Math.Round((v - f.Low) / step) * step) + f.Low, f.Low, f.High);
                    }

                    result[_names[i]] = v;
                    break;
                }

                case IntDistribution d:
                {
                    double v = Math.Round(Math.Clamp(UnnormalizeOne(i, x[i]), d.Low, d.High));
                    if (!d.Log)
                    {
                        v = Math.Clamp((Math.Round((v - d.Low) / d.Step) * d.Step) + d.Low, d.Low, d.High);
                    }

                    result[_names[i]] = v;
                    break;
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Draws <paramref name="n"/> normalized points from a scrambled Sobol sequence, categorical coordinates floored to
    /// a choice and discrete ones rounded to their grid.
    /// </summary>
    public double[][] SampleNormalized(int n, Random rng)
    {
        var engine = new SobolEngine(Dimension, scramble: true, rng);
        var points = new double[n][];
        for (int k = 0; k < n; k++)
        {
            var p = new double[Dimension];
            engine.Point(k, p);
            for (int i = 0; i < Dimension; i++)
            {
                if (IsCategorical[i])
                {
                    p[i] = Math.Min(Math.Floor(p[i] * Choices[i]), Choices[i] - 1);
                }
                else if (Steps[i] > 0)
                {
                    p[i] = RoundNormalized(i, p[i]);
                }
            }

            points[k] = p;
        }

        return points;
    }

    private (double Low, double High) NormalizedRange(int i)
    {
        double step = Steps[i];
        var (low, high) = _distributions[i] switch
        {
            FloatDistribution f => (f.Low, f.High),
            IntDistribution d => ((double)d.Low, (double)d.High),
            _ => (0.0, 1.0),
        };
        low -= 0.5 * step;
        high += 0.5 * step;
        if (_distributions[i] is FloatDistribution { Log: true } or IntDistribution { Log: true })
        {
            return (Math.Log(low), Math.Log(high));
        }

        return (low, high);
    }

    private bool IsLog(int i) => _distributions[i] is FloatDistribution { Log: true } or IntDistribution { Log: true };

    private double NormalizeOne(int i, double v)
    {
        var (low, high) = NormalizedRange(i);
        if (IsLog(i))
        {
            v = Math.Log(v);
        }

        return high == low ? 0.5 : (v - low) / (high - low);
    }

    private double UnnormalizeOne(int i, double x)
    {
        var (low, high) = NormalizedRange(i);
        double v = (x * (high - low)) + low;
        return IsLog(i) ? Math.Exp(v) : v;
    }

    private double RoundNormalized(int i, double x)
    {
        double step = Steps[i];
        var (low, high) = _distributions[i] switch
        {
            FloatDistribution f => (f.Low, f.High),
            IntDistribution d => ((double)d.Low, (double)d.High),
            _ => (0.0, 1.0),
        };
        double v = UnnormalizeOne(i, x);
        v = Math.Clamp((Math.Floor((v - low + (0.5 * step)) / step) * step) + low, low, high);
        return NormalizeOne(i, v);
    }

    private double[] ComputeChoices(int i)
    {
        if (IsCategorical[i])
        {
            return [.. Enumerable.Range(0, Choices[i]).Select(c => (double)c)];
        }

        double step = Steps[i];
        var (low, high) = _distributions[i] switch
        {
            FloatDistribution f => (f.Low, f.High),
            IntDistribution d => ((double)d.Low, (double)d.High),
            _ => (0.0, 0.0),
        };
        var list = new List<double>();
        for (long k = 0; ; k++)
        {
            double v = low + (k * step);
            if (v > high + (0.5 * step) - (step * 1e-9) || list.Count > 1_000_000)
            {
                break;
            }

            list.Add(NormalizeOne(i, Math.Min(v, high)));
        }

        return [.. list];
    }
}
