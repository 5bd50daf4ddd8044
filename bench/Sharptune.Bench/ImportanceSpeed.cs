using System.Diagnostics;
using System.Globalization;
using System.Text;
using Sharptune.Importance;

namespace Sharptune.Bench;

/// <summary>
/// Mirrors ../shared/bench/optuna_importance.py: the same fixed study (N random trials of
/// f = 10·x0 + x1 + 0.1·x2 + 0·x3..x9 + noise, x_i in [0, 1]) with the same values to the bit — the parameters come
/// from numpy's RandomState(0) stream as Optuna's seeded RandomSampler draws them, the noise from Python's
/// random.Random(1).gauss — then times Importance.Get per evaluator and prints the same line:
/// version, evaluator, trials, seconds, importances as JSON.
/// </summary>
internal static class ImportanceSpeed
{
    public static int Run(Options o, string version)
    {
        // By default the timed calls run in a fresh child process with the runtime's default settings (tiered
        // compilation on, as in users' applications; this bench's own runtimeconfig turns it off), so the first
        // call includes the JIT as a user's first call does. --mode in-process times in this process instead.
        if (o.Get("mode", "fresh") == "fresh")
        {
            return RunFresh(o);
        }

        int n = o.Positional(0) is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : 1000;
        string which = o.Positional(1) ?? "all";
        int repeat = o.GetInt("repeat", 1);
        var study = BuildStudy(n);
        var evaluators = new (string Name, Func<IImportanceEvaluator> Create)[]
        {
            ("ped", () => new PedAnovaImportanceEvaluator()),
            ("fanova", () => new FanovaImportanceEvaluator(seed: 0)),
            ("mdi", () => new MeanDecreaseImpurityImportanceEvaluator(seed: 0)),
        };
        var chosen = which == "all" ? evaluators : evaluators.Where(e => e.Name == which).ToArray();
        if (chosen.Length == 0)
        {
            throw new BenchException($"unknown evaluator '{which}' (ped, fanova, mdi or all)");
        }

        // Let the runtime finish re-compiling the study set-up's hot methods in the background (tiered compilation),
        // which would otherwise land in the first call's CPU time.
        Thread.Sleep(500);
        foreach (var (name, create) in chosen)
        {
            for (int r = 0; r < repeat; r++)
            {
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                var importances = Sharptune.Importance.Importance.Get(study, create());
                double seconds = watch.Elapsed.TotalSeconds;
                double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                var json = new StringBuilder("{");
                foreach (var (param, value) in importances)
                {
                    json.Append(json.Length > 1 ? ", " : string.Empty)
                        .Append(CultureInfo.InvariantCulture, $"\"{param}\": {Math.Round(value, 6).ToString("R", CultureInfo.InvariantCulture)}");
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{version}\t{name}\t{n}\t{seconds:F4}s\t{json}}}"));
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}\t{n}\tcpu {cpuSeconds:F4}s"));
            }
        }

        return 0;
    }

    private static int RunFresh(Options o)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(typeof(ImportanceSpeed).Assembly.Location);
        start.ArgumentList.Add("importance");
        for (int i = 0; o.Positional(i) is { } positional; i++)
        {
            start.ArgumentList.Add(positional);
        }

        start.ArgumentList.Add("--repeat");
        start.ArgumentList.Add(o.GetInt("repeat", 1).ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--mode");
        start.ArgumentList.Add("in-process");
        start.Environment["DOTNET_TieredCompilation"] = "1";
        using var child = Process.Start(start) ?? throw new BenchException("could not start the child process");
        child.WaitForExit();
        return child.ExitCode;
    }

    /// <summary>The study of optuna_importance.py, trial for trial.</summary>
    internal static Study BuildStudy(int n)
    {
        var parameters = new MersenneTwister(0u);        // numpy RandomState(0): Optuna's RandomSampler(seed=0)
        var noise = MersenneTwister.FromPythonSeed(1u);  // Python random.Random(1)
        var distribution = new FloatDistribution(0, 1);
        var distributions = Enumerable.Range(0, 10).ToDictionary(i => $"x{i}", _ => (Distribution)distribution);
        var study = Study.Create();
        double? spareGauss = null;
        for (int t = 0; t < n; t++)
        {
            var x = new double[10];
            var values = new Dictionary<string, object?>(10);
            for (int i = 0; i < 10; i++)
            {
                x[i] = parameters.NextDouble();
                values[$"x{i}"] = x[i];
            }

            double z;
            if (spareGauss is { } spare)
            {
                z = spare;
                spareGauss = null;
            }
            else
            {
                // Python's random.gauss: one pair from two uniforms, the second kept for the next call.
                double angle = noise.NextDouble() * 2 * Math.PI;
                double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - noise.NextDouble()));
                z = Math.Cos(angle) * radius;
                spareGauss = Math.Sin(angle) * radius;
            }

            double value = (10 * x[0]) + x[1] + (0.1 * x[2]) + (0 + (z * 0.01));
            study.AddTrial(Trials.Create(value: value, @params: values, distributions: distributions));
        }

        return study;
    }

    /// <summary>MT19937 with numpy's integer seeding or CPython's, and their 53-bit doubles.</summary>
    private sealed class MersenneTwister
    {
        private readonly uint[] _state = new uint[624];
        private int _index = 624;

        public MersenneTwister(uint seed) => InitGenrand(seed);

        private MersenneTwister()
        {
        }

        /// <summary>CPython's <c>random.seed(n)</c>: init_by_array over the 32-bit words of |n|.</summary>
        public static MersenneTwister FromPythonSeed(uint seed)
        {
            var mt = new MersenneTwister();
            mt.InitGenrand(19650218u);
            uint[] key = [seed];
            int i = 1, j = 0;
            for (int k = Math.Max(624, key.Length); k > 0; k--)
            {
                uint previous = mt._state[i - 1];
                mt._state[i] = unchecked((mt._state[i] ^ ((previous ^ (previous >> 30)) * 1664525u)) + key[j] + (uint)j);
                i++;
                j++;
                if (i >= 624)
                {
                    mt._state[0] = mt._state[623];
                    i = 1;
                }

                if (j >= key.Length)
                {
                    j = 0;
                }
            }

            for (int k = 623; k > 0; k--)
            {
                uint previous = mt._state[i - 1];
                mt._state[i] = unchecked((mt._state[i] ^ ((previous ^ (previous >> 30)) * 1566083941u)) - (uint)i);
                i++;
                if (i >= 624)
                {
                    mt._state[0] = mt._state[623];
                    i = 1;
                }
            }

            mt._state[0] = 0x80000000u;
            mt._index = 624;
            return mt;
        }

        public double NextDouble()
        {
            uint a = Next() >> 5, b = Next() >> 6;
            return ((a * 67108864.0) + b) * (1.0 / 9007199254740992.0);
        }

        private void InitGenrand(uint seed)
        {
            _state[0] = seed;
            for (int i = 1; i < 624; i++)
            {
                uint previous = _state[i - 1];
                _state[i] = unchecked((1812433253u * (previous ^ (previous >> 30))) + (uint)i);
            }

            _index = 624;
        }

        private uint Next()
        {
            if (_index >= 624)
            {
                for (int k = 0; k < 624; k++)
                {
                    uint y = (_state[k] & 0x80000000u) | (_state[(k + 1) % 624] & 0x7fffffffu);
                    _state[k] = _state[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908b0dfu : 0);
                }

                _index = 0;
            }

            uint z = _state[_index++];
            z ^= z >> 11;
            z ^= (z << 7) & 0x9d2c5680u;
            z ^= (z << 15) & 0xefc60000u;
            z ^= z >> 18;
            return z;
        }
    }
}
