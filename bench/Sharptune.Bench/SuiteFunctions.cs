namespace Sharptune.Bench;

/// <summary>
/// The broad quality suite of bench/tpe_quality_suite.py: the same 23 functions with identical names, parameter
/// names, bounds, suggestion order and formulas. Two-objective functions are scored by the area of their reference
/// box that the Pareto front of the COMPLETE trials does not dominate.
/// </summary>
internal static class SuiteFunctions
{
    private static readonly double[][] HartA = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]];
    private static readonly double[][] HartP =
    [
        [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
        [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
        [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
        [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
    ];

    private static readonly double[] HartAlpha = [1.0, 1.2, 3.0, 3.2];
    private static readonly double[] Steps8 = [0.1, 0.25, 0.5, 0.05, 0.2, 0.1, 0.5, 0.25];
    private static readonly int[] IntTargets = [3, -7, 0, 5, -2, 8];
    private static readonly string[] Optimizers = ["sgd", "adam", "rmsprop", "adagrad"];
    private static readonly string[] Activations = ["relu", "tanh", "gelu"];
    private static readonly string[] Inits = ["he", "xavier", "normal", "uniform", "orthogonal"];
    private static readonly bool[] Bools = [true, false];
    private static readonly string[] Modes = ["a", "b", "c"];
    private static readonly int[] UnitTargets = [64, 128, 32, 16, 8];
    private static readonly string[] MoChoices = ["a", "b", "c", "d"];
    private static readonly string[][] CategoricalChoices =
        [.. Enumerable.Range(0, 10).Select(i => Enumerable.Range(0, 2 + (i % 9)).Select(j => "v" + j.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray())];

    /// <summary>Gets the single-objective functions, in the order of the Python script.</summary>
    public static IReadOnlyList<(string Name, Func<ITrial, double> Objective)> Single { get; } =
    [
        ("sphere12", Sphere12), ("ellipsoid8", Ellipsoid8), ("rosenbrock6", Rosenbrock6), ("abs20", Abs20),
        ("styblinski6", Styblinski6), ("ackley6", Ackley6), ("levy8", Levy8), ("hartmann6", Hartmann6), ("griewank10", Griewank10), ("schwefel4", Schwefel4),
        ("noisy_sphere6", NoisySphere6), ("noisy_rastrigin5", NoisyRastrigin5),
        ("log6", Log6), ("step8", Step8), ("ints9", Ints9), ("categorical10", Categorical10), ("hpo12", Hpo12), ("interact6", Interact6),
        ("cond_models", CondModels), ("cond_layers", CondLayers), ("cond_nested", CondNested),
    ];

    /// <summary>Gets the two-objective functions with their reference points.</summary>
    public static IReadOnlyList<(string Name, Func<ITrial, double[]> Objective, double[] Reference)> Multi { get; } =
    [
        ("mo_zdt2_6", MoZdt26, [1.1, 11.0]),
        ("mo_mixed", MoMixed, [2.0, 3.5]),
    ];

    /// <summary>
    /// Gets the held-out functions (bench/README.md, "Held-out set"): same families as the suite with other dimensions,
    /// bounds and optima, fixed before any TPE variant was measured on them; Sharptune-only (no Python twin).
    /// </summary>
    public static IReadOnlyList<(string Name, Func<ITrial, double> Objective)> HeldOut { get; } =
    [
        ("ho_sphere7", HoSphere7), ("ho_levy5", HoLevy5), ("ho_ackley4", HoAckley4),
        ("ho_stepint6", HoStepInt6), ("ho_mixed8", HoMixed8), ("ho_cond3", HoCond3),
    ];

    /// <summary>Gets every function name, in the order of the Python script.</summary>
    public static IEnumerable<string> Names => Single.Select(f => f.Name).Concat(Multi.Select(f => f.Name));

    private static double Sq(double v) => v * v;

    private static double[] Floats(ITrial t, int n, double low, double high, string prefix = "x")
    {
        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = t.SuggestFloat(prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture), low, high);
        }

        return x;
    }

    /// <summary>Deterministic pseudo-noise in [−1, 1) from parameter values (the Python script's <c>pnoise</c>).</summary>
    private static double PNoise(double[] xs)
    {
        double s = 0.0;
        for (int i = 0; i < xs.Length; i++)
        {
            s += xs[i] * (12.9898 + (78.233 * i));
        }

        double f = Math.Sin(s) * 43758.5453;
        return (2.0 * (f - Math.Floor(f))) - 1.0;
    }

    private static double Sphere12(ITrial t)
    {
        var x = Floats(t, 12, -5, 5);
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += Sq(x[i] - (-2 + (0.35 * i)));
        }

        return s;
    }

    private static double Ellipsoid8(ITrial t)
    {
        var x = Floats(t, 8, -5, 5);
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += Math.Pow(10, 2.0 * i / 7) * Sq(x[i] - 1);
        }

        return s;
    }

    private static double Rosenbrock6(ITrial t)
    {
        var x = Floats(t, 6, -2, 2);
        double s = 0;
        for (int i = 0; i < 5; i++)
        {
            s += (100 * Sq(x[i + 1] - Sq(x[i]))) + Sq(1 - x[i]);
        }

        return s;
    }

    private static double Abs20(ITrial t)
    {
        var x = Floats(t, 20, -3, 3);
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += Math.Pow(Math.Abs(x[i] - (-2 + (0.2 * i))), 1.5);
        }

        return s;
    }

    private static double Styblinski6(ITrial t)
    {
        var x = Floats(t, 6, -5, 5);
        double s = 0;
        foreach (double v in x)
        {
            s += Math.Pow(v, 4) - (16 * Sq(v)) + (5 * v);
        }

        return (s / 2) + (39.16616570377142 * 6);
    }

    private static double Ackley6(ITrial t)
    {
        var x = Floats(t, 6, -5, 5);
        double sq = 0, cos = 0;
        foreach (double v in x)
        {
            sq += v * v;
            cos += Math.Cos(2 * Math.PI * v);
        }

        double a = -20 * Math.Exp(-0.2 * Math.Sqrt(sq / 6));
        double b = -Math.Exp(cos / 6);
        return a + b + 20 + Math.E;
    }

    private static double Levy8(ITrial t)
    {
        var x = Floats(t, 8, -10, 10);
        var w = x.Select(v => 1 + ((v - 1) / 4)).ToArray();
        double s = Sq(Math.Sin(Math.PI * w[0]));
        for (int i = 0; i < 7; i++)
        {
            s += Sq(w[i] - 1) * (1 + (10 * Sq(Math.Sin((Math.PI * w[i]) + 1))));
        }

        return s + (Sq(w[7] - 1) * (1 + Sq(Math.Sin(2 * Math.PI * w[7]))));
    }

    private static double Hartmann6(ITrial t)
    {
        var x = Floats(t, 6, 0, 1);
        double s = 0.0;
        for (int i = 0; i < 4; i++)
        {
            double inner = 0;
            for (int j = 0; j < 6; j++)
            {
                inner += HartA[i][j] * Sq(x[j] - HartP[i][j]);
            }

            s += HartAlpha[i] * Math.Exp(-inner);
        }

        return 3.322368011415515 - s;
    }

    private static double Griewank10(ITrial t)
    {
        var x = Floats(t, 10, -20, 20);
        double p = 1.0, sq = 0;
        for (int i = 0; i < x.Length; i++)
        {
            p *= Math.Cos(x[i] / Math.Sqrt(i + 1));
            sq += x[i] * x[i];
        }

        return 1 + (sq / 4000) - p;
    }

    private static double Schwefel4(ITrial t)
    {
        var x = Floats(t, 4, -500, 500);
        double s = 0;
        foreach (double v in x)
        {
            s += v * Math.Sin(Math.Sqrt(Math.Abs(v)));
        }

        return (418.9828872724338 * 4) - s;
    }

    private static double NoisySphere6(ITrial t)
    {
        var x = Floats(t, 6, -5, 5);
        double s = 0;
        foreach (double v in x)
        {
            s += Sq(v - 1);
        }

        return s + (0.3 * (PNoise(x) + 1));
    }

    private static double NoisyRastrigin5(ITrial t)
    {
        var x = Floats(t, 5, -5.12, 5.12);
        double s = 0;
        foreach (double v in x)
        {
            s += (v * v) - (10 * Math.Cos(2 * Math.PI * v));
        }

        return (10 * 5) + s + (PNoise(x) + 1);
    }

    private static double Log6(ITrial t)
    {
        double s = 0;
        for (int i = 0; i < 6; i++)
        {
            double p = t.SuggestFloat("p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), 1e-4, 1e2, log: true);
            s += Sq(Math.Log10(p) - (-3 + i));
        }

        return s;
    }

    private static double Step8(ITrial t)
    {
        double s = 0;
        for (int i = 0; i < 8; i++)
        {
            double v = t.SuggestFloat("s" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), -2, 2, step: Steps8[i]);
            s += (i + 1) * Math.Abs(v - (-1.3 + (0.37 * i)));
        }

        return s;
    }

    private static double Ints9(ITrial t)
    {
        double s = 0;
        for (int i = 0; i < 6; i++)
        {
            int v = t.SuggestInt("n" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), -10, 10);
            s += Sq(v - IntTargets[i]);
        }

        s /= 10;
        int m1 = t.SuggestInt("m1", 1, 1000, log: true);
        int m2 = t.SuggestInt("m2", 1, 1000, log: true);
        int q = t.SuggestInt("q", 0, 100, step: 5);
        return s + Sq(Math.Log10(m1) - 2) + Sq(Math.Log10(m2) - 0.5) + (Math.Abs(q - 35) / 20.0);
    }

    private static double Categorical10(ITrial t)
    {
        double s = 0.0;
        for (int i = 0; i < 10; i++)
        {
            int k = 2 + (i % 9);
            string c = t.SuggestCategorical("c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), CategoricalChoices[i]);
            int j = int.Parse(c.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            s += (i + 1) / 10.0 * ((double)(((j * 7) + (i * 3)) % k) / (k - 1));
        }

        return s;
    }

    private static double Hpo12(ITrial t)
    {
        double lr = t.SuggestFloat("lr", 1e-5, 1.0, log: true);
        double wd = t.SuggestFloat("weight_decay", 1e-6, 1e-1, log: true);
        int layers = t.SuggestInt("layers", 1, 8);
        int units = t.SuggestInt("units", 16, 1024, log: true);
        int batch = t.SuggestInt("batch", 32, 512, step: 32);
        double dropout = t.SuggestFloat("dropout", 0.0, 0.6, step: 0.1);
        double momentum = t.SuggestFloat("momentum", 0.5, 0.99);
        string opt = t.SuggestCategorical("optimizer", Optimizers);
        string act = t.SuggestCategorical("activation", Activations);
        bool norm = t.SuggestCategorical("batch_norm", Bools);
        string init = t.SuggestCategorical("init", Inits);
        int warmup = t.SuggestInt("warmup", 0, 10);
        int o = Array.IndexOf(Optimizers, opt);
        double f = Sq(Math.Log10(lr) + 3 + (o == 0 ? 1.0 : 0.0));
        f += 0.3 * Sq(Math.Log10(wd) + 4);
        f += (Sq(layers - 4) / 8.0) + (Sq(Math.Log2(units) - 8) / 4);
        f += Sq((batch - 128) / 128.0) + (4 * Sq(dropout - 0.3));
        f += o == 0 ? 5 * Sq(momentum - 0.9) : 0.0;
        f += new[] { 0.4, 0.0, 0.1, 0.3 }[o] + new[] { 0.1, 0.2, 0.0 }[Array.IndexOf(Activations, act)];
        f += (norm ? 0.0 : 0.15) + new[] { 0.0, 0.05, 0.3, 0.25, 0.1 }[Array.IndexOf(Inits, init)];
        f += Sq(warmup - 3) / 50.0;
        return f;
    }

    private static double Interact6(ITrial t)
    {
        double x = t.SuggestFloat("x", 0, 10);
        double y = t.SuggestFloat("y", 0, 10);
        string mode = t.SuggestCategorical("mode", Modes);
        int k = t.SuggestInt("k", 1, 20);
        double z = t.SuggestFloat("z", 0.01, 100, log: true);
        double w = t.SuggestFloat("w", 0, 1, step: 0.125);
        int i = Array.IndexOf(Modes, mode);
        var (tx, ty) = new[] { (2.0, 8.0), (5.0, 5.0), (8.0, 2.0) }[i];
        double f = ((Sq(x - tx) + Sq(y - ty)) / 4) + new[] { 0.0, 0.5, 0.2 }[i];
        f += (Sq(k - (3 * (i + 1))) / 20.0) + (Sq(Math.Log10(z) - (i - 1)) / 2) + Math.Abs(w - (0.25 * (i + 1)));
        return f;
    }

    private static readonly string[] ModelKinds = ["svm", "rf", "knn", "mlp"];
    private static readonly string[] SvmKernels = ["rbf", "poly", "linear"];
    private static readonly string[] KnnWeights = ["uniform", "distance"];
    private static readonly string[] NestedOptimizers = ["sgd", "adam", "rmsprop"];

    private static double CondModels(ITrial t)
    {
        string kind = t.SuggestCategorical("kind", ModelKinds);
        if (kind == "svm")
        {
            double c = t.SuggestFloat("svm_c", 1e-3, 1e3, log: true);
            double g = t.SuggestFloat("svm_gamma", 1e-4, 1e1, log: true);
            string kernel = t.SuggestCategorical("svm_kernel", SvmKernels);
            return 0.05 + (Sq(Math.Log10(c) - 1) / 8) + (Sq(Math.Log10(g) + 2) / 8) + (kernel switch { "rbf" => 0.0, "poly" => 0.2, _ => 0.3 });
        }

        if (kind == "rf")
        {
            int n = t.SuggestInt("rf_trees", 10, 500, log: true);
            int d = t.SuggestInt("rf_depth", 2, 32);
            double mf = t.SuggestFloat("rf_max_features", 0.1, 1.0);
            return (Sq(Math.Log10(n) - 2.3) / 2) + (Sq(d - 14) / 200.0) + Sq(mf - 0.35);
        }

        if (kind == "knn")
        {
            int k = t.SuggestInt("knn_k", 1, 100, log: true);
            string wt = t.SuggestCategorical("knn_weights", KnnWeights);
            return 0.15 + (Math.Abs(Math.Log(k) - Math.Log(9)) / 5) + (wt == "distance" ? 0.0 : 0.1);
        }

        double lr = t.SuggestFloat("mlp_lr", 1e-5, 1e-1, log: true);
        int h = t.SuggestInt("mlp_hidden", 8, 512, log: true);
        double alpha = t.SuggestFloat("mlp_alpha", 1e-6, 1e-1, log: true);
        int layers = t.SuggestInt("mlp_layers", 1, 4);
        return 0.1 + (Sq(Math.Log10(lr) + 3) / 4) + (Sq(Math.Log2(h) - 7) / 10) + (Sq(Math.Log10(alpha) + 4) / 10) + (Sq(layers - 2) / 10.0);
    }

    private static double CondLayers(ITrial t)
    {
        int n = t.SuggestInt("n_layers", 1, 5);
        double f = 0.0;
        for (int i = 0; i < n; i++)
        {
            string s = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            int u = t.SuggestInt("units_" + s, 4, 256, log: true);
            double d = t.SuggestFloat("dropout_" + s, 0.0, 0.5);
            f += (Sq(Math.Log2(u) - Math.Log2(UnitTargets[i])) / 4) + Sq(d - (0.1 * (i + 1)));
        }

        double lr = t.SuggestFloat("lr", 1e-5, 1e-1, log: true);
        return f + (Math.Abs(n - 3) * 0.5) + (Sq(Math.Log10(lr) + 3) / 4);
    }

    private static double CondNested(ITrial t)
    {
        string opt = t.SuggestCategorical("optimizer", NestedOptimizers);
        double lr = t.SuggestFloat("lr", 1e-5, 1.0, log: true);
        int batch = t.SuggestInt("batch", 16, 256, log: true);
        double f = Sq(Math.Log2(batch) - 6) / 10;
        if (opt == "sgd")
        {
            double m = t.SuggestFloat("momentum", 0.0, 0.99);
            bool nesterov = t.SuggestCategorical("nesterov", Bools);
            f += Sq(Math.Log10(lr) + 1.5) + (4 * Sq(m - 0.9)) + (nesterov ? 0.0 : 0.1);
        }
        else if (opt == "adam")
        {
            double b1 = t.SuggestFloat("beta1", 0.8, 0.999);
            bool ams = t.SuggestCategorical("amsgrad", Bools);
            f += Sq(Math.Log10(lr) + 3.3) + (20 * Sq(b1 - 0.9));
            if (ams)
            {
                double eps = t.SuggestFloat("eps", 1e-10, 1e-6, log: true);
                f += (Sq(Math.Log10(eps) + 8) / 4) - 0.05;
            }
            else
            {
                f += 0.05;
            }
        }
        else
        {
            double rho = t.SuggestFloat("rho", 0.8, 0.99);
            f += Sq(Math.Log10(lr) + 2.5) + (30 * Sq(rho - 0.95)) + 0.1;
        }

        return f;
    }

    private static readonly string[] HoColors = ["red", "green", "blue"];
    private static readonly string[] HoShapes = ["s0", "s1", "s2", "s3", "s4", "s5"];
    private static readonly string[] HoModels = ["linear", "tree", "boost"];
    private static readonly string[] HoPenalties = ["l1", "l2"];

    private static double HoSphere7(ITrial t)
    {
        var x = Floats(t, 7, -3, 7);
        double s = 0;
        for (int i = 0; i < 7; i++)
        {
            s += Sq(x[i] - (1.5 - (0.4 * i)));
        }

        return s;
    }

    private static double HoLevy5(ITrial t)
    {
        var x = Floats(t, 5, -8, 12);
        var w = x.Select(v => 1 + ((v - 2) / 4)).ToArray();
        double s = Sq(Math.Sin(Math.PI * w[0]));
        for (int i = 0; i < 4; i++)
        {
            s += Sq(w[i] - 1) * (1 + (10 * Sq(Math.Sin((Math.PI * w[i]) + 1))));
        }

        return s + (Sq(w[4] - 1) * (1 + Sq(Math.Sin(2 * Math.PI * w[4]))));
    }

    private static double HoAckley4(ITrial t)
    {
        var x = Floats(t, 4, -4, 6);
        double sq = 0, cos = 0;
        foreach (double v in x)
        {
            double u = v - 1.3;
            sq += u * u;
            cos += Math.Cos(2 * Math.PI * u);
        }

        return (-20 * Math.Exp(-0.2 * Math.Sqrt(sq / 4))) - Math.Exp(cos / 4) + 20 + Math.E;
    }

    private static double HoStepInt6(ITrial t)
    {
        double s = 0;
        double[] steps = [0.2, 0.5, 0.125];
        for (int i = 0; i < 3; i++)
        {
            double v = t.SuggestFloat("f" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), -3, 3, step: steps[i]);
            s += (i + 1) * Math.Abs(v - (0.9 - (0.7 * i)));
        }

        int a = t.SuggestInt("a", -20, 20);
        int b = t.SuggestInt("b", 1, 5000, log: true);
        int c = t.SuggestInt("c", 0, 60, step: 3);
        return s + (Sq(a - 6) / 20.0) + Sq(Math.Log10(b) - 2.6) + (Math.Abs(c - 42) / 15.0);
    }

    private static double HoMixed8(ITrial t)
    {
        double lr = t.SuggestFloat("lr", 1e-6, 1e-1, log: true);
        double reg = t.SuggestFloat("reg", 1e-8, 1.0, log: true);
        int depth = t.SuggestInt("depth", 1, 12);
        int width = t.SuggestInt("width", 4, 2048, log: true);
        double frac = t.SuggestFloat("frac", 0.1, 1.0, step: 0.05);
        double mix = t.SuggestFloat("mix", 0.0, 1.0);
        string color = t.SuggestCategorical("color", HoColors);
        string shape = t.SuggestCategorical("shape", HoShapes);
        int ci = Array.IndexOf(HoColors, color);
        double f = Sq(Math.Log10(lr) + 2.5 - (0.5 * ci)) + (0.2 * Sq(Math.Log10(reg) + 5));
        f += (Sq(depth - 7) / 12.0) + (Sq(Math.Log2(width) - 6) / 6);
        f += 3 * Sq(frac - 0.65) + (2 * Sq(mix - (0.3 * ci)));
        f += new[] { 0.2, 0.0, 0.1 }[ci] + new[] { 0.3, 0.15, 0.0, 0.25, 0.05, 0.4 }[Array.IndexOf(HoShapes, shape)];
        return f;
    }

    private static double HoCond3(ITrial t)
    {
        string model = t.SuggestCategorical("model", HoModels);
        if (model == "linear")
        {
            double c = t.SuggestFloat("lin_c", 1e-4, 1e4, log: true);
            string pen = t.SuggestCategorical("lin_penalty", HoPenalties);
            return 0.08 + (Sq(Math.Log10(c) + 1) / 6) + (pen == "l1" ? 0.0 : 0.05);
        }

        if (model == "tree")
        {
            int depth = t.SuggestInt("tree_depth", 1, 40);
            int leaf = t.SuggestInt("tree_min_leaf", 1, 200, log: true);
            double split = t.SuggestFloat("tree_split", 0.0, 1.0);
            return 0.04 + (Sq(depth - 9) / 300.0) + (Sq(Math.Log10(leaf) - 1) / 3) + Sq(split - 0.7);
        }

        double rate = t.SuggestFloat("boost_rate", 1e-3, 1.0, log: true);
        int rounds = t.SuggestInt("boost_rounds", 10, 3000, log: true);
        double sub = t.SuggestFloat("boost_subsample", 0.3, 1.0);
        return (Sq(Math.Log10(rate) + 1.2) / 3) + (Sq(Math.Log10(rounds) - 2.7) / 3) + (2 * Sq(sub - 0.8));
    }

    private static double[] MoZdt26(ITrial t)
    {
        var x = Floats(t, 6, 0, 1);
        double rest = 0;
        for (int i = 1; i < 6; i++)
        {
            rest += x[i];
        }

        double g = 1 + (9 * rest / 5);
        return [x[0], g * (1 - Sq(x[0] / g))];
    }

    private static double[] MoMixed(ITrial t)
    {
        double x = t.SuggestFloat("x", 0, 1);
        int n = t.SuggestInt("n", 1, 10);
        string c = t.SuggestCategorical("c", MoChoices);
        double lr = t.SuggestFloat("lr", 1e-4, 1.0, log: true);
        int i = Array.IndexOf(MoChoices, c);
        double f1 = x + (0.1 * i) + (0.05 * (n - 1));
        double f2 = Sq(1 - x) + (Sq(Math.Log10(lr) + 2) / 4) + (Sq(n - 5) / 25.0) + new[] { 0.3, 0.0, 0.1, 0.2 }[i];
        return [f1, f2];
    }

    /// <summary>The area of the box [0, reference] not dominated by the points (the Python script's <c>hv_gap</c>).</summary>
    /// <param name="points">Two-objective points (minimized, non-negative).</param>
    /// <param name="reference">The reference point.</param>
    /// <returns>Box area minus hypervolume.</returns>
    public static double HypervolumeGap(IEnumerable<IReadOnlyList<double>> points, double[] reference)
    {
        var pts = points.Where(p => p[0] < reference[0] && p[1] < reference[1]).Select(p => (p[0], p[1])).Order().ToList();
        double hv = 0.0, best2 = reference[1];
        foreach (var (f1, f2) in pts)
        {
            if (f2 < best2)
            {
                hv += (reference[0] - f1) * (best2 - f2);
                best2 = f2;
            }
        }

        return (reference[0] * reference[1]) - hv;
    }
}
