namespace Sharptune.Samplers.Tpe;

/// <summary>How one dimension of a Parzen estimator is modelled.</summary>
internal enum KernelKind : byte
{
    /// <summary>A truncated normal on [low, high] (log space for log distributions).</summary>
    Continuous,

    /// <summary>The mass of [x − step/2, x + step/2] under a truncated normal (log-mapped for log ints).</summary>
    Discrete,

    /// <summary>A probability row per kernel over the choices.</summary>
    Categorical,
}

/// <summary>
/// One parameter of a search space as the Parzen estimator sees it: its kernel family and its bounds in the
/// transformed space (log for log distributions, widened by half a step for discrete ones).
/// </summary>
internal sealed class TpeDimension
{
    private TpeDimension(string name, Distribution distribution, KernelKind kind, bool isLog, double step, double low, double high, double adaptedLow, double adaptedHigh, int choiceCount)
    {
        Name = name;
        Distribution = distribution;
        Kind = kind;
        IsLog = isLog;
        Step = step;
        Low = low;
        High = high;
        AdaptedLow = adaptedLow;
        AdaptedHigh = adaptedHigh;
        ChoiceCount = choiceCount;
    }

    /// <summary>Gets the parameter name.</summary>
    public string Name { get; }

    /// <summary>Gets the distribution.</summary>
    public Distribution Distribution { get; }

    /// <summary>Gets the kernel family.</summary>
    public KernelKind Kind { get; }

    /// <summary>Gets a value indicating whether the parameter is modelled in log space.</summary>
    public bool IsLog { get; }

    /// <summary>Gets the grid step of a discrete parameter (0 otherwise).</summary>
    public double Step { get; }

    /// <summary>Gets the low bound in the internal representation.</summary>
    public double Low { get; }

    /// <summary>Gets the high bound in the internal representation.</summary>
    public double High { get; }

    /// <summary>Gets the low bound in the transformed space.</summary>
    public double AdaptedLow { get; }

    /// <summary>Gets the high bound in the transformed space.</summary>
    public double AdaptedHigh { get; }

    /// <summary>Gets the number of choices of a categorical parameter (0 otherwise).</summary>
    public int ChoiceCount { get; }

    /// <summary>Creates the dimension of a distribution.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="distribution">The distribution.</param>
    /// <returns>The dimension.</returns>
    public static TpeDimension Create(string name, Distribution distribution)
    {
        switch (distribution)
        {
            case CategoricalDistribution c:
                return new TpeDimension(name, c, KernelKind.Categorical, false, 0, 0, c.Choices.Count - 1, 0, c.Choices.Count - 1, c.Choices.Count);

            case FloatDistribution { Step: { } step } f:
                return new TpeDimension(name, f, KernelKind.Discrete, false, step, f.Low, f.High, f.Low - (step / 2), f.High + (step / 2), 0);

            case FloatDistribution f:
                return f.Log
                    ? new TpeDimension(name, f, KernelKind.Continuous, true, 0, f.Low, f.High, Math.Log(f.Low), Math.Log(f.High), 0)
                    : new TpeDimension(name, f, KernelKind.Continuous, false, 0, f.Low, f.High, f.Low, f.High, 0);

            case IntDistribution i:
            {
                double step = i.Step;
                double lo = i.Low - (step / 2), hi = i.High + (step / 2);
                return i.Log
                    ? new TpeDimension(name, i, KernelKind.Discrete, true, step, i.Low, i.High, Math.Log(lo), Math.Log(hi), 0)
                    : new TpeDimension(name, i, KernelKind.Discrete, false, step, i.Low, i.High, lo, hi, 0);
            }

            default:
                throw new ArgumentException($"Unsupported distribution {distribution}.", nameof(distribution));
        }
    }

    /// <summary>Maps an internal representation into the space the kernels live in.</summary>
    /// <param name="internalValue">The internal value.</param>
    /// <returns>The transformed value (log for log parameters).</returns>
    public double Transform(double internalValue) => IsLog ? Math.Log(internalValue) : internalValue;

    /// <summary>Maps a kernel-space draw back to a valid internal representation.</summary>
    /// <param name="transformed">The draw in the transformed space.</param>
    /// <returns>The internal value, on the grid and inside the bounds.</returns>
    public double Untransform(double transformed)
    {
        double x = IsLog ? Math.Exp(transformed) : transformed;
        if (Kind == KernelKind.Discrete)
        {
            x = Low + (Math.Round((x - Low) / Step, MidpointRounding.ToEven) * Step);
        }

        return double.IsNaN(x) ? Low : Math.Clamp(x, Low, High);
    }
}
