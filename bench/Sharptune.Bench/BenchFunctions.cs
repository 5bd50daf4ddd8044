namespace Sharptune.Bench;

/// <summary>
/// The public benchmark functions of ../shared/bench/optuna_quality.py and the objectives of optuna_speed.py, with
/// identical names, parameter names, bounds, suggestion order and formulas.
/// </summary>
internal static class BenchFunctions
{
    private static readonly string[] Optimizers = ["adam", "sgd", "rmsprop"];
    private static readonly string[] Kinds = ["linear", "tree", "knn"];

    /// <summary>Gets the public quality functions, in the order of the Python script.</summary>
    public static IReadOnlyList<(string Name, Func<ITrial, double> Objective)> Public { get; } =
    [
        ("sphere5", Sphere5),
        ("rosenbrock4", Rosenbrock4),
        ("branin2", Branin2),
        ("rastrigin4", Rastrigin4),
        ("mixed", Mixed),
        ("conditional", Conditional),
    ];

    public static double Sphere5(ITrial t) => Sphere(t, 5);

    /// <summary>optuna_speed.py's <c>sphere(tr, d)</c>: Σ (x_i − 1)², x_i ∈ [−5, 5].</summary>
    public static double Sphere(ITrial t, int d)
    {
        double sum = 0;
        for (int i = 0; i < d; i++)
        {
            double x = t.SuggestFloat(Name("x", i), -5, 5) - 1;
            sum += x * x;
        }

        return sum;
    }

    public static double Rosenbrock4(ITrial t)
    {
        var x = new double[4];
        for (int i = 0; i < 4; i++)
        {
            x[i] = t.SuggestFloat(Name("x", i), -2, 2);
        }

        double sum = 0;
        for (int i = 0; i < 3; i++)
        {
            sum += (100 * Math.Pow(x[i + 1] - (x[i] * x[i]), 2)) + Math.Pow(1 - x[i], 2);
        }

        return sum;
    }

    public static double Branin2(ITrial t)
    {
        double x1 = t.SuggestFloat("x1", -5, 10);
        double x2 = t.SuggestFloat("x2", 0, 15);
        double a = 1, b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, r = 6, s = 10, tt = 1 / (8 * Math.PI);
        return (a * Math.Pow(x2 - (b * x1 * x1) + (c * x1) - r, 2)) + (s * (1 - tt) * Math.Cos(x1)) + s - 0.397887;
    }

    public static double Rastrigin4(ITrial t)
    {
        double sum = 10 * 4;
        for (int i = 0; i < 4; i++)
        {
            double v = t.SuggestFloat(Name("x", i), -5.12, 5.12);
            sum += (v * v) - (10 * Math.Cos(2 * Math.PI * v));
        }

        return sum;
    }

    public static double Mixed(ITrial t)
    {
        double lr = t.SuggestFloat("lr", 1e-5, 1.0, log: true);
        int layers = t.SuggestInt("layers", 1, 8);
        string opt = t.SuggestCategorical("optimizer", Optimizers);
        double dropout = t.SuggestFloat("dropout", 0.0, 0.5, step: 0.05);
        double penalty = opt switch { "adam" => 0.0, "sgd" => 0.5, _ => 0.2 };
        return Math.Pow(Math.Log10(lr) + 3, 2) + (Math.Pow(layers - 4, 2) / 4) + penalty + (10 * Math.Pow(dropout - 0.2, 2));
    }

    public static double Conditional(ITrial t)
    {
        string kind = t.SuggestCategorical("kind", Kinds);
        if (kind == "linear")
        {
            double c = t.SuggestFloat("c", 1e-4, 1e4, log: true);
            return 0.3 + (Math.Pow(Math.Log10(c) - 1, 2) / 10);
        }

        if (kind == "tree")
        {
            int d = t.SuggestInt("depth", 1, 32);
            double m = t.SuggestFloat("min_split", 0.01, 0.5);
            return (Math.Pow(d - 12, 2) / 100) + Math.Pow(m - 0.1, 2);
        }

        int k = t.SuggestInt("k", 1, 50, log: true);
        return 0.2 + (Math.Abs(Math.Log(k) - Math.Log(7)) / 5);
    }

    /// <summary>optuna_speed.py's <c>zdt1</c>: 10 parameters in [0, 1], two objectives.</summary>
    public static double[] Zdt1(ITrial t)
    {
        var x = new double[10];
        for (int i = 0; i < 10; i++)
        {
            x[i] = t.SuggestFloat(Name("x", i), 0, 1);
        }

        double f1 = x[0];
        double rest = 0;
        for (int i = 1; i < 10; i++)
        {
            rest += x[i];
        }

        double g = 1 + (9 * rest / 9);
        return [f1, g * (1 - Math.Sqrt(f1 / g))];
    }

    private static readonly string[] Names = MakeNames();

    /// <summary>Runs the static initialization (the parameter names) outside a timed run, as Python's import does.</summary>
    public static void Initialize() => _ = Names.Length;

    // A loop rather than LINQ: a fresh process would compile LINQ's iterators for it in the first timed trial.
    private static string[] MakeNames()
    {
        var names = new string[16];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = "x" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return names;
    }

    private static string Name(string prefix, int i) => prefix == "x" && i < Names.Length ? Names[i] : prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
