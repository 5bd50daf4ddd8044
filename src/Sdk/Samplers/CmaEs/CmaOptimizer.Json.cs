using Sharptune.Internal;

namespace Sharptune.Samplers.CmaEs;

internal sealed partial class CmaOptimizer
{
    /// <summary>Serializes the whole state (constants are derived again from the dimension and population size).</summary>
    public Dictionary<string, object?> ToJsonObject()
    {
        var o = new Dictionary<string, object?>
        {
            ["format"] = "sharptune-cma-1",
            ["separable"] = _separable,
            ["dim"] = (long)_n,
            ["popsize"] = (long)PopulationSize,
            ["generation"] = (long)Generation,
            ["n_max_resampling"] = (long)MaxResampling,
            ["lower"] = _lower,
            ["upper"] = _upper,
            ["mean"] = _mean,
            ["sigma"] = _sigma,
            ["C"] = _separable ? _c : CompressSymmetric(_c, _n),
            ["p_sigma"] = _pSigma,
            ["pc"] = _pc,
            ["tolx"] = _tolx,
            ["funhist"] = _funhist,
        };
        if (_eMean is not null)
        {
            o["lr_adapt"] = new Dictionary<string, object?>
            {
                ["E_mean"] = _eMean,
                ["E_Sigma"] = _eSigma,
                ["V_mean"] = _vMean,
                ["V_Sigma"] = _vSigma,
                ["eta_mean"] = _etaMean,
                ["eta_Sigma"] = _etaSigma,
            };
        }

        if (_steps is not null)
        {
            o["margin"] = new Dictionary<string, object?>
            {
                ["steps"] = _steps,
                ["A"] = _a,
                ["margin"] = _margin,
            };
        }

        return o;
    }

    /// <summary>Restores a state written by <see cref="ToJsonObject"/> (parsed JSON: lists, longs, doubles).</summary>
    public static CmaOptimizer FromJsonObject(IDictionary<string, object?> o)
    {
        if (!o.TryGetValue("format", out object? f) || f as string != "sharptune-cma-1")
        {
            throw new FormatException("Not a Sharptune CMA-ES state.");
        }

        bool separable = o["separable"] is true;
        int n = (int)PyJson.ToDouble(o["dim"]);
        var steps = o.TryGetValue("margin", out object? mObj) && mObj is IDictionary<string, object?> margin ? Doubles(margin["steps"]) : null;
        var opt = new CmaOptimizer(
            Doubles(o["mean"]),
            PyJson.ToDouble(o["sigma"]),
            Doubles(o["lower"]),
            Doubles(o["upper"]),
            (int)PyJson.ToDouble(o["popsize"]),
            separable,
            null,
            o.ContainsKey("lr_adapt"),
            steps,
            (int)PyJson.ToDouble(o["n_max_resampling"]));
        opt.Generation = (int)PyJson.ToDouble(o["generation"]);
        var c = Doubles(o["C"]);
        opt._c = separable ? c : DecompressSymmetric(c, n);
        opt._pSigma = Doubles(o["p_sigma"]);
        opt._pc = Doubles(o["pc"]);
        opt._tolx = PyJson.ToDouble(o["tolx"]);
        opt._funhist = Doubles(o["funhist"]);
        if (o.TryGetValue("lr_adapt", out object? lrObj) && lrObj is IDictionary<string, object?> lr)
        {
            opt._eMean = Doubles(lr["E_mean"]);
            opt._eSigma = Doubles(lr["E_Sigma"]);
            opt._vMean = PyJson.ToDouble(lr["V_mean"]);
            opt._vSigma = PyJson.ToDouble(lr["V_Sigma"]);
            opt._etaMean = PyJson.ToDouble(lr["eta_mean"]);
            opt._etaSigma = PyJson.ToDouble(lr["eta_Sigma"]);
        }

        if (mObj is IDictionary<string, object?> mg && mg["A"] is { } a)
        {
            opt._a = Doubles(a);
            opt._margin = PyJson.ToDouble(mg["margin"]);
        }

        return opt;
    }

    /// <summary>Reads a JSON array (or CLR sequence) of numbers.</summary>
    public static double[] Doubles(object? value)
    {
        if (value is double[] d)
        {
            return (double[])d.Clone();
        }

        if (value is not System.Collections.IEnumerable seq || value is string)
        {
            throw new FormatException("Expected a list of numbers.");
        }

        var list = new List<double>();
        foreach (object? item in seq)
        {
            list.Add(PyJson.ToDouble(item));
        }

        return [.. list];
    }

    private static double[] CompressSymmetric(double[] c, int n)
    {
        var r = new double[n * (n + 1) / 2];
        int k = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                r[k++] = c[(i * n) + j];
            }
        }

        return r;
    }

    private static double[] DecompressSymmetric(double[] packed, int n)
    {
        var c = new double[n * n];
        int k = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                c[(i * n) + j] = packed[k];
                c[(j * n) + i] = packed[k];
                k++;
            }
        }

        return c;
    }
}
