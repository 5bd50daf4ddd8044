using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Sharptune;
using Sharptune.Bench;
using Sharptune.Internal;

// The Sharptune suite runner: the same functions, workloads and output lines as ../shared/bench/optuna_quality.py
// and optuna_speed.py, so both can run in one session and be compared line by line.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
try
{
    return args.Length == 0 ? Usage() : args[0] switch
    {
        "quality" => Quality(new Options(args[1..])),
        "speed" => Speed(new Options(args[1..])),
        "scale" => Scale(new Options(args[1..])),
        "hypervolume" => HypervolumeSuite.Run(new Options(args[1..]), Version()),
        "importance" => ImportanceSpeed.Run(new Options(args[1..]), Version()),
        "suite" => SuiteRunner.Run(new Options(args[1..]), Version()),
        "suite-check" => SuiteRunner.Check(new Options(args[1..])),
        "suite-draws" => SuiteRunner.Draws(new Options(args[1..])),
        "-h" or "--help" or "help" => Usage(),
        _ => throw new BenchException($"unknown command '{args[0]}'"),
    };
}
catch (BenchException e)
{
    Console.Error.WriteLine($"Sharptune.Bench: {e.Message}");
    return 2;
}

static int Usage()
{
    Console.WriteLine("""
        Sharptune suite runner (mirrors ../shared/bench/optuna_quality.py and optuna_speed.py)

          quality --sampler NAME [--trials 200] [--seeds 10] [--fn NAME[,NAME...]]
                  [--concurrency 1] [--objective-ms 0] [--lag 0]
              One JSON line per public function: {"sharptune":…, "sampler":…, "fn":…, "n":…, "median":…, "values":[…]}.
              With --concurrency C > 1, trials run through OptimizeAsync with C in flight; --objective-ms keeps each
              trial RUNNING that long after its suggestions (so parallel workers really overlap).
              --lag L emulates L + 1 trials in flight deterministically (ask/tell, each trial told L asks late).
          speed WORKLOAD [--repeat 1]
              WORKLOAD: random | tpe | tpe-fidelity (nRefineCandidates: 0) | tpe-independent (multivariate: false) | tpe-mv | sqlite | journal | nsga2 | tpe-mo | cmaes | gp | all
              Prints: version, workload, trials, total seconds, ms per trial (the first repeat includes JIT).
          scale [--sampler tpe] [--trials 10000] [--at 1000,2000,5000,10000] [--window 100] [--seed 0]
              Per-trial wall and CPU time (ask + 5 suggestions + tell on sphere5), averaged over the window before each
              checkpoint (CPU time is the process's, so it stays meaningful on a busy machine).

          hypervolume [--sampler nsga2] [--trials 5000] [--seeds 5] [--fn zdt1,zdt2,zdt3]
              Multi-objective quality (mirrors bench/optuna_hypervolume.py): one JSON line per ZDT function (10-D)
              with the median hypervolume of the Pareto front, reference point [1.1, 11].

          importance [N_TRIALS=1000] [ped|fanova|mdi|all] [--repeat 1] [--mode fresh|in-process]
              Parameter importances (mirrors ../shared/bench/optuna_importance.py): the same fixed study, value for
              value; prints version, evaluator, trials, seconds of Importance.Get, importances as JSON (CPU seconds
              on standard error). The first call of each evaluator includes the JIT: by default the calls run in a
              fresh child process with the runtime's default settings (tiered compilation on, as in applications);
              --mode in-process keeps this bench's settings (tiered compilation off).

          suite [--sampler tpe] [--trials 200] [--seeds 30] [--fn NAME[,NAME...]] [--jobs 1] [--set suite|heldout]
                [--concurrency 1] [--objective-ms 0] [--lag 0]
              The broad quality suite (mirrors bench/tpe_quality_suite.py): 23 functions, one JSON line each with the
              median score over seeds (best value; two-objective: reference box area minus hypervolume). --jobs runs
              seeds in parallel; --concurrency, --objective-ms and --lag as for quality.

        Samplers: tpe, tpe-fidelity (nRefineCandidates: 0, Optuna's sampling), tpe-c96, tpe-r24, tpe-r48, tpe-r144 (nRefineCandidates: 24, 48, 144), tpe-mv, tpe-independent, tpe-group, tpe-noliar, random, cmaes, cmaes-ipop, cmaes-bipop, cmaes-sep,
        cmaes-lra, cmaes-margin, gp, nsga2, nsga3, qmc, qmc-scrambled, qmc-halton.
        """);
    return 0;
}

static string Version() =>
    typeof(Study).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

static int Quality(Options o)
{
    string sampler = o.Get("sampler", "tpe");
    int n = o.GetInt("trials", 200);
    int seeds = o.GetInt("seeds", 10);
    int concurrency = o.GetInt("concurrency", 1);
    int objectiveMs = o.GetInt("objective-ms", 0);
    int lag = o.GetInt("lag", 0);
    if (lag > 0 && concurrency > 1)
    {
        throw new BenchException("--lag and --concurrency are alternatives");
    }
    var only = o.TryGet("fn")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    var functions = BenchFunctions.Public.Where(f => only is null || only.Contains(f.Name)).ToList();
    if (only is not null && functions.Count != only.Length)
    {
        throw new BenchException($"unknown function in '{string.Join(",", only)}' (known: {string.Join(", ", BenchFunctions.Public.Select(f => f.Name))})");
    }

    Registry.CreateSampler(sampler, 0); // fail fast on an unknown or unavailable sampler
    foreach (var (name, objective) in functions)
    {
        var values = new List<double>(seeds);
        for (int seed = 0; seed < seeds; seed++)
        {
            var study = Study.Create(new StudyOptions { Sampler = Registry.CreateSampler(sampler, seed) });
            if (lag > 0)
            {
                // Deterministic emulation of lag + 1 trials in flight: each trial is told after the next lag asks.
                SuiteRunner.RunLagged(n, lag, () => study.Ask(), t => objective(t), (t, v) => study.Tell(t, v));
            }
            else if (concurrency <= 1)
            {
                study.Optimize(objective, nTrials: n);
            }
            else
            {
                study.OptimizeAsync(
                    async (trial, ct) =>
                    {
                        double v = objective(trial);
                        if (objectiveMs > 0)
                        {
                            await Task.Delay(objectiveMs, ct).ConfigureAwait(false);
                        }

                        return v;
                    },
                    new OptimizeOptions { NTrials = n, Concurrency = concurrency }).GetAwaiter().GetResult();
            }

            values.Add(study.BestValue);
        }

        var line = new Dictionary<string, object?>
        {
            ["sharptune"] = Version(),
            ["sampler"] = sampler,
            ["fn"] = name,
            ["n"] = n,
        };
        if (concurrency > 1)
        {
            line["concurrency"] = concurrency;
        }

        if (lag > 0)
        {
            line["lag"] = lag;
        }

        line["median"] = Median(values);
        line["values"] = values;
        Console.WriteLine(PyJson.Serialize(line));
    }

    return 0;
}

static double Median(List<double> values)
{
    var sorted = values.OrderBy(v => v).ToArray();
    int mid = sorted.Length / 2;
    return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

static int Speed(Options o)
{
    string workload = o.Positional(0) ?? throw new BenchException("speed needs a workload");
    int repeat = o.GetInt("repeat", 1);
    string[] all = ["random", "tpe", "tpe-mv", "sqlite", "journal", "nsga2", "tpe-mo", "cmaes"];
    var workloads = workload == "all" ? all : [workload];
    int status = 0;
    using var jitLog = JitLog.StartFromEnvironment();
    using var allocLog = AllocLog.StartFromEnvironment();
    foreach (string w in workloads)
    {
        try
        {
            for (int r = 0; r < repeat; r++)
            {
                jitLog?.Mark($"{w} repeat {r + 1}");
                RunWorkload(w);
            }
        }
        catch (BenchException e) when (workload == "all")
        {
            Console.Error.WriteLine($"Sharptune.Bench: {w}: {e.Message}");
            status = 2;
        }
    }

    return status;
}

static void RunWorkload(string w)
{
    string tmp = Directory.CreateTempSubdirectory("sharptune-bench-").FullName;
    switch (w)
    {
        case "random": Run("random-sphere5", "random", 10000, "memory", tmp); break;
        case "tpe": Run("tpe-sphere5", "tpe", 1000, "memory", tmp); break;
        case "tpe-independent": Run("tpe-independent-sphere5", "tpe-independent", 1000, "memory", tmp); break;
        case "tpe-fidelity": Run("tpe-fidelity-sphere5", "tpe-fidelity", 1000, "memory", tmp); break;
        case "tpe-mv": Run("tpe-multivariate-sphere5", "tpe-mv", 1000, "memory", tmp); break;
        case "sqlite": Run("random-sphere5-sqlite", "random", 1000, "sqlite", tmp); break;
        case "journal": Run("random-sphere5-journal", "random", 1000, "journal", tmp); break;
        case "nsga2": Run("nsga2-zdt1", "nsga2", 5000, "memory", tmp, multiObjective: true); break;
        case "tpe-mo": Run("tpe-zdt1", "tpe", 300, "memory", tmp, multiObjective: true); break;
        case "cmaes": Run("cmaes-sphere5", "cmaes", 1000, "memory", tmp); break;
        case "gp": GpSpeed.Run(Version()); break;
        default: throw new BenchException($"unknown workload '{w}'");
    }
}

static void Run(string name, string sampler, int n, string storage, string tmp, bool multiObjective = false)
{
    var options = new StudyOptions
    {
        Sampler = Registry.CreateSampler(sampler, 0),
        Storage = Registry.CreateStorage(storage, tmp),
    };
    if (multiObjective)
    {
        options.Directions = [StudyDirection.Minimize, StudyDirection.Minimize];
    }

    var study = Study.Create(options);
    BenchFunctions.Initialize();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    long jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount();
    var jitTime = System.Runtime.JitInfo.GetCompilationTime();
    var gcPause = GC.GetTotalPauseDuration();
    int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
    long allocated = GC.GetTotalAllocatedBytes();
    long faults = MinorFaults();
    // SHARPTUNE_BENCH_WINDOWS=W: the time of each objective call is kept, to print the mean per trial of every W
    // trials (where in a fresh run the time goes: the first trials' compilation against the later steady state).
    int window = int.TryParse(Environment.GetEnvironmentVariable("SHARPTUNE_BENCH_WINDOWS"), CultureInfo.InvariantCulture, out int w) && w > 0 ? w : 0;
    var calls = new long[window > 0 ? n + 1 : 0];
    int called = 0;
    // With a JIT log, the first trials' starts are marked in it, to see what each of them compiles.
    var jitLog = JitLog.Current;
    double Timed(Func<ITrial, double> f, ITrial t)
    {
        if (jitLog is not null && called < 30)
        {
            jitLog.Mark($"trial {called} starts");
        }

        if (window > 0)
        {
            calls[called] = Stopwatch.GetTimestamp();
        }

        called++;
        return f(t);
    }

    bool wrap = window > 0 || jitLog is not null;
    var clock = Stopwatch.StartNew();
    long started = Stopwatch.GetTimestamp();
    if (multiObjective)
    {
        study.Optimize(!wrap ? BenchFunctions.Zdt1 : t => { _ = Timed(_ => 0, t); return BenchFunctions.Zdt1(t); }, nTrials: n);
    }
    else
    {
        study.Optimize(!wrap ? t => BenchFunctions.Sphere(t, 5) : t => Timed(x => BenchFunctions.Sphere(x, 5), t), nTrials: n);
    }

    double dt = clock.Elapsed.TotalSeconds;
    if (window > 0)
    {
        calls[n] = Stopwatch.GetTimestamp();
        var text = new System.Text.StringBuilder("  windows ms/trial:");
        for (int from = 0; from < n; from += window)
        {
            int to = Math.Min(n, from + window);
            long begin = from == 0 ? started : calls[from];
            text.Append(CultureInfo.InvariantCulture, $" {from}-{to} {Stopwatch.GetElapsedTime(begin, calls[to]).TotalMilliseconds / (to - from):F3}");
        }

        Console.Error.WriteLine(text.ToString());
    }

    double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
    faults = MinorFaults() - faults;
    Console.WriteLine($"{Version()}\t{name}\t{n}\t{dt:F4}s\t{dt / n * 1000:F4}ms/trial"); // four decimals: Random takes a few microseconds per trial

    // CPU time on stderr: on a shared machine it shows how much of the wall time was ours.
    Console.Error.WriteLine($"  cpu {cpuSeconds:F3}s ({cpuSeconds / n * 1000:F3}ms/trial)");

    // Where a fresh process spends the time besides the trials themselves: methods compiled by the JIT during the
    // study, the garbage collector's pauses and collections, the bytes allocated per trial, and (after a full
    // collection, outside the timing) the heap that the study keeps per trial.
    Console.Error.WriteLine(
        $"  jit {System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethods} methods {(System.Runtime.JitInfo.GetCompilationTime() - jitTime).TotalMilliseconds:F1}ms"
        + $"  gc pause {(GC.GetTotalPauseDuration() - gcPause).TotalMilliseconds:F1}ms gen0/1/2 {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}"
        + $"  allocated {(GC.GetTotalAllocatedBytes() - allocated) / (double)n / 1024:F2}KB/trial"
        + $"  heap {GC.GetTotalMemory(true) / (double)n / 1024:F2}KB/trial"
        + (faults >= 0 ? $"  page faults {faults}" : ""));
}

// The process's minor page faults so far (Linux; -1 elsewhere). Memory the process touches for the first time costs a
// fault per 4 KB page, which on a virtual machine can be a large part of a fresh process's time (12 µs a fault on the
// machine of bench/README.md): it is what a fresh run pays per byte it allocates.
static long MinorFaults()
{
    try
    {
        string stat = File.ReadAllText("/proc/self/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], CultureInfo.InvariantCulture); // field 10 of proc(5): minflt
    }
    catch (IOException)
    {
        return -1;
    }
    catch (UnauthorizedAccessException)
    {
        return -1;
    }
}

static int Scale(Options o)
{
    string sampler = o.Get("sampler", "tpe");
    int n = o.GetInt("trials", 10000);
    int window = o.GetInt("window", 100);
    int seed = o.GetInt("seed", 0);
    var at = (o.TryGet("at") ?? "1000,2000,5000,10000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Where(c => c <= n).ToArray();
    var study = Study.Create(new StudyOptions { Sampler = Registry.CreateSampler(sampler, seed) });
    BenchFunctions.Initialize();
    var perTrial = new double[n];
    var windowCpu = new Dictionary<int, double>();
    var process = Process.GetCurrentProcess();
    TimeSpan cpuAtWindowStart = TimeSpan.Zero;
    var total = Stopwatch.StartNew();
    ulong trialsHash = 0; // of every trial's value in order: two builds that choose the same trials print the same hash
    for (int i = 0; i < n; i++)
    {
        if (at.Contains(i + window))
        {
            process.Refresh();
            cpuAtWindowStart = process.TotalProcessorTime;
        }

        long t0 = Stopwatch.GetTimestamp();
        var trial = study.Ask();
        double value = BenchFunctions.Sphere(trial, 5);
        study.Tell(trial, value);
        trialsHash = (trialsHash * 1_000_003) ^ (ulong)BitConverter.DoubleToInt64Bits(value);
        perTrial[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        if (at.Contains(i + 1))
        {
            process.Refresh();
            windowCpu[i + 1] = (process.TotalProcessorTime - cpuAtWindowStart).TotalMilliseconds / window;
        }
    }

    Console.WriteLine($"{Version()}\t{sampler}-sphere5 scale\t{n} trials\t{total.Elapsed.TotalSeconds:F3}s total\tbest {study.BestValue:G6}\ttrials hash {trialsHash:x16}");
    Console.WriteLine("trials\twall ms/trial\tcpu ms/trial\tcpu ratio to first\tcpu ratio / trial-count ratio");
    double? first = null;
    int firstAt = 0;
    foreach (int c in at)
    {
        int from = Math.Max(0, c - window);
        double mean = perTrial[from..c].Average();
        double cpu = windowCpu.GetValueOrDefault(c, double.NaN);
        if (first is null)
        {
            first = cpu;
            firstAt = c;
        }

        double ratio = cpu / first.Value;
        Console.WriteLine($"{c}\t{mean:F4}\t{cpu:F4}\t{ratio:F2}\t{ratio / ((double)c / firstAt):F2}");
    }

    return 0;
}

/// <summary>Minimal "--name value" parsing.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _named = new(StringComparer.Ordinal);
    private readonly List<string> _positional = [];

    public Options(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (i + 1 >= args.Length)
                {
                    throw new BenchException($"option {args[i]} needs a value");
                }

                _named[args[i][2..]] = args[++i];
            }
            else
            {
                _positional.Add(args[i]);
            }
        }
    }

    public string? Positional(int index) => index < _positional.Count ? _positional[index] : null;

    public string? TryGet(string name) => _named.TryGetValue(name, out string? v) ? v : null;

    public string Get(string name, string fallback) => TryGet(name) ?? fallback;

    public int GetInt(string name, int fallback)
    {
        string? v = TryGet(name);
        if (v is null)
        {
            return fallback;
        }

        return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int r) ? r : throw new BenchException($"--{name} expects an integer, got '{v}'");
    }
}
