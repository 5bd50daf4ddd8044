namespace Sharptune.Samplers;

/// <summary>
/// The search-space transform every sampler shares (Optuna's <c>_SearchSpaceTransform</c>): each numeric parameter
/// is one column (log-scaled when <c>log</c>, widened by half a step when discrete), each categorical parameter
/// is one-hot over its choices; optionally every column is rescaled to [0, 1].
/// </summary>
internal sealed class SearchSpaceTransform
{
    private readonly string[] _names;
    private readonly Distribution[] _distributions;
    private readonly int[] _columnStart;
    private readonly double[] _rawLow;
    private readonly double[] _rawHigh;

    /// <summary>Initializes a new instance of the <see cref="SearchSpaceTransform"/> class.</summary>
    /// <param name="searchSpace">The parameters and their distributions, in column order.</param>
    /// <param name="transformLog">Work in log space for log distributions.</param>
    /// <param name="transformStep">Widen discrete ranges by half a step.</param>
    /// <param name="transform01">Rescale every column to [0, 1].</param>
    public SearchSpaceTransform(IReadOnlyDictionary<string, Distribution> searchSpace, bool transformLog = true, bool transformStep = true, bool transform01 = false)
    {
        ArgumentNullException.ThrowIfNull(searchSpace);
        TransformLog = transformLog;
        TransformStep = transformStep;
        Transform01 = transform01;
        _names = [.. searchSpace.Keys];
        _distributions = [.. searchSpace.Values];
        _columnStart = new int[_names.Length + 1];
        int col = 0;
        for (int i = 0; i < _names.Length; i++)
        {
            _columnStart[i] = col;
            col += _distributions[i] is CategoricalDistribution c ? c.Choices.Count : 1;
        }

        _columnStart[^1] = col;
        _rawLow = new double[col];
        _rawHigh = new double[col];
        Bounds = new (double Low, double High)[col];
        for (int i = 0; i < _names.Length; i++)
        {
            if (_distributions[i] is CategoricalDistribution c)
            {
                for (int j = 0; j < c.Choices.Count; j++)
                {
                    _rawLow[_columnStart[i] + j] = 0;
                    _rawHigh[_columnStart[i] + j] = 1;
                }
            }
            else
            {
                var (lo, hi) = NumericBounds(_distributions[i], transformLog, transformStep);
                _rawLow[_columnStart[i]] = lo;
                _rawHigh[_columnStart[i]] = hi;
            }
        }

        for (int k = 0; k < col; k++)
        {
            Bounds[k] = transform01 ? (0, 1) : (_rawLow[k], _rawHigh[k]);
        }
    }

    /// <summary>Gets a value indicating whether log distributions are handled in log space.</summary>
    public bool TransformLog { get; }

    /// <summary>Gets a value indicating whether discrete ranges are widened by half a step.</summary>
    public bool TransformStep { get; }

    /// <summary>Gets a value indicating whether columns are rescaled to [0, 1].</summary>
    public bool Transform01 { get; }

    /// <summary>Gets the bounds of each column in the transformed space.</summary>
    public (double Low, double High)[] Bounds { get; }

    /// <summary>Gets the number of columns.</summary>
    public int ColumnCount => Bounds.Length;

    /// <summary>Gets the parameter names, in column order.</summary>
    public IReadOnlyList<string> ParamNames => _names;

    /// <summary>Gets the index of the first column of each parameter (plus the total at the end).</summary>
    public IReadOnlyList<int> ColumnStarts => _columnStart;

    /// <summary>Transforms internal representations (by name) into a point of the transformed space.</summary>
    /// <param name="internalParams">Internal values of every parameter of the space.</param>
    /// <returns>The point.</returns>
    public double[] Transform(IReadOnlyDictionary<string, double> internalParams)
    {
        ArgumentNullException.ThrowIfNull(internalParams);
        var x = new double[ColumnCount];
        for (int i = 0; i < _names.Length; i++)
        {
            double v = internalParams[_names[i]];
            int c0 = _columnStart[i];
            if (_distributions[i] is CategoricalDistribution)
            {
                x[c0 + (int)v] = 1;
            }
            else
            {
                double t = TransformLog && IsLog(_distributions[i]) ? Math.Log(v) : v;
                x[c0] = Transform01 ? Scale(t, c0) : t;
            }
        }

        return x;
    }

    /// <summary>Maps a point of the transformed space back to internal representations.</summary>
    /// <param name="point">The point (one value per column).</param>
    /// <returns>Internal values by parameter name.</returns>
    public Dictionary<string, double> Untransform(ReadOnlySpan<double> point)
    {
        if (point.Length != ColumnCount)
        {
            throw new ArgumentException($"Expected {ColumnCount} columns but got {point.Length}.", nameof(point));
        }

        var result = new Dictionary<string, double>(_names.Length, StringComparer.Ordinal);
        for (int i = 0; i < _names.Length; i++)
        {
            int c0 = _columnStart[i];
            if (_distributions[i] is CategoricalDistribution c)
            {
                int best = 0;
                for (int j = 1; j < c.Choices.Count; j++)
                {
                    if (point[c0 + j] > point[c0 + best])
                    {
                        best = j;
                    }
                }

                result[_names[i]] = best;
            }
            else
            {
                double t = Transform01 ? _rawLow[c0] + (point[c0] * (_rawHigh[c0] - _rawLow[c0])) : point[c0];
                result[_names[i]] = UntransformNumeric(_distributions[i], t, TransformLog, TransformStep);
            }
        }

        return result;
    }

    private double Scale(double t, int col)
    {
        double range = _rawHigh[col] - _rawLow[col];
        return range == 0 ? 0.5 : (t - _rawLow[col]) / range;
    }

    private static bool IsLog(Distribution d) => d is FloatDistribution { Log: true } or IntDistribution { Log: true };

    /// <summary>Returns the bounds of a numeric distribution in the transformed space.</summary>
    /// <param name="distribution">A float or int distribution.</param>
    /// <param name="transformLog">Work in log space for log distributions.</param>
    /// <param name="transformStep">Widen discrete ranges by half a step.</param>
    /// <returns>The bounds.</returns>
    public static (double Low, double High) NumericBounds(Distribution distribution, bool transformLog = true, bool transformStep = true)
    {
        switch (distribution)
        {
            case FloatDistribution f:
            {
                double lo = f.Low, hi = f.High;
                if (f.Step is { } s && transformStep)
                {
                    lo -= s / 2;
                    hi += s / 2;
                }

                return f.Log && transformLog ? (Math.Log(lo), Math.Log(hi)) : (lo, hi);
            }

            case IntDistribution d:
            {
                double half = transformStep ? d.Step / 2.0 : 0;
                double lo = d.Low - half, hi = d.High + half;
                if (d.Log && transformLog)
                {
                    return (Math.Log(transformStep ? d.Low - 0.5 : d.Low), Math.Log(transformStep ? d.High + 0.5 : d.High));
                }

                return (lo, hi);
            }

            default:
                throw new ArgumentException($"{distribution} is not numeric.", nameof(distribution));
        }
    }

    /// <summary>Maps a transformed value of a numeric distribution back to its internal representation.</summary>
    /// <param name="distribution">A float or int distribution.</param>
    /// <param name="value">The transformed value.</param>
    /// <param name="transformLog">Whether log distributions were handled in log space.</param>
    /// <param name="transformStep">Whether discrete ranges were widened.</param>
    /// <returns>The internal representation, inside the distribution.</returns>
    public static double UntransformNumeric(Distribution distribution, double value, bool transformLog = true, bool transformStep = true)
    {
        switch (distribution)
        {
            case FloatDistribution f:
                if (f.Log)
                {
                    double v = transformLog ? Math.Exp(value) : value;
                    return f.Low == f.High ? f.Low : Math.Clamp(Math.Min(v, Math.BitDecrement(f.High)), f.Low, f.High);
                }

                if (f.Step is { } step)
                {
                    double r = Math.Round((value - f.Low) / step, MidpointRounding.ToEven) * step + f.Low;
                    return Math.Clamp(r, f.Low, f.High);
                }

                return f.Low == f.High ? f.Low : Math.Clamp(Math.Min(value, Math.BitDecrement(f.High)), f.Low, f.High);

            case IntDistribution d:
                if (d.Log)
                {
                    double v = transformLog ? Math.Exp(value) : value;
                    return Math.Clamp(Math.Round(v, MidpointRounding.ToEven), d.Low, d.High);
                }
                else
                {
                    double r = Math.Floor(((value - d.Low) / d.Step) + 0.5) * d.Step + d.Low;
                    return Math.Clamp(r, d.Low, d.High);
                }

            default:
                throw new ArgumentException($"{distribution} is not numeric.", nameof(distribution));
        }
    }
}
