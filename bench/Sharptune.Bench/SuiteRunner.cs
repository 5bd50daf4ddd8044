using Sharptune.Internal;

namespace Sharptune.Bench;

/// <summary>
/// Runs the broad quality suite (<see cref="SuiteFunctions"/>) and prints the lines of bench/tpe_quality_suite.py:
/// one JSON line per function with the median score over seeds.
/// </summary>
internal static class SuiteRunner
{
    public static int Run(Options o, string version)
    {
        string sampler = o.Get("sampler", "tpe");
        int n = o.GetInt("trials", 200);
        int seeds = o.GetInt("seeds", 30);
        int jobs = Math.Max(1, o.GetInt("jobs", 1));
        int concurrency = o.GetInt("concurrency", 1);
        int objectiveMs = o.GetInt("objective-ms", 0);
        int lag = o.GetInt("lag", 0);
        if (lag > 0 && concurrency > 1)
        {
            throw new BenchException("--lag and --concurrency are alternatives");
        }

        var only = o.TryGet("fn")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var known = o.Get("set", "suite") switch
        {
            "suite" => SuiteFunctions.Names.ToList(),
            "heldout" => SuiteFunctions.HeldOut.Select(f => f.Name).ToList(),
            string other => throw new BenchException($"unknown --set '{other}' (suite or heldout)"),
        };
        var names = known.Where(f => only is null || only.Contains(f)).ToList();
        if (only is not null && names.Count != only.Length)
        {
            throw new BenchException($"unknown function in '{string.Join(",", only)}' (known: {string.Join(", ", known)})");
        }

        Registry.CreateSampler(sampler, 0);
        foreach (string name in names)
        {
            var values = new double[seeds];
            Parallel.For(0, seeds, new ParallelOptions { MaxDegreeOfParallelism = jobs }, seed =>
                values[seed] = RunOne(name, sampler, seed, n, concurrency, objectiveMs, lag));
            var line = new Dictionary<string, object?>
            {
                ["sharptune"] = version,
                ["sampler"] = sampler,
                ["fn"] = name,
                ["n"] = n,
            };
            if (concurrency > 1)
            {
                line["concurrency"] = concurrency;
                line["objective_ms"] = objectiveMs;
            }

            if (lag > 0)
            {
                line["lag"] = lag;
            }

            var sorted = values.Order().ToArray();
            line["median"] = seeds % 2 == 1 ? sorted[seeds / 2] : (sorted[(seeds / 2) - 1] + sorted[seeds / 2]) / 2;
            line["values"] = values.ToList();
            Console.WriteLine(PyJson.Serialize(line));
        }

        return 0;
    }

    /// <summary>
    /// Evaluates every function at the parameters recorded by <c>tpe_quality_suite.py --check</c> (through a
    /// <see cref="FixedTrial"/>) and compares the values, so that both implementations are known to be the same.
    /// </summary>
    public static int Check(Options o)
    {
        string path = o.Positional(0) ?? throw new BenchException("suite-check needs the JSON file of tpe_quality_suite.py --check");
        var cases = (List<object?>)PyJson.Parse(File.ReadAllText(path))!;
        double worst = 0;
        int count = 0;
        foreach (OrderedDictionary<string, object?> c in cases.Cast<OrderedDictionary<string, object?>>())
        {
            string name = (string)c["fn"]!;
            var trial = new FixedTrial(((OrderedDictionary<string, object?>)c["params"]!).ToDictionary(kv => kv.Key, kv => kv.Value));
            var expected = ((List<object?>)c["values"]!).Select(v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            double[] actual = SuiteFunctions.Single.Any(f => f.Name == name)
                ? [SuiteFunctions.Single.Single(f => f.Name == name).Objective(trial)]
                : SuiteFunctions.Multi.Single(f => f.Name == name).Objective(trial);
            for (int i = 0; i < expected.Length; i++)
            {
                double diff = Math.Abs(expected[i] - actual[i]) / Math.Max(1, Math.Abs(expected[i]));
                worst = Math.Max(worst, diff);
                if (diff > 1e-12)
                {
                    Console.WriteLine($"{name}: value {i} differs: Sharptune {actual[i]:R}, Python {expected[i]:R}");
                }
            }

            count++;
        }

        Console.WriteLine($"{count} evaluations, largest relative difference {worst:G3}");
        return worst > 1e-12 ? 1 : 0;
    }

    /// <summary>
    /// Replays a study recorded by <c>bench/tpe_next_trial.py</c> and, for seeds 0 … N − 1, lets a fresh default
    /// <see cref="Samplers.TpeSampler"/> ask the next trial and run the function (its trial is then failed, so it does
    /// not count); prints the parameters of each draw as one JSON list, to compare with Optuna's draws.
    /// </summary>
    public static int Draws(Options o)
    {
        string path = o.Positional(0) ?? throw new BenchException("suite-draws needs the JSON file of tpe_next_trial.py");
        var doc = (OrderedDictionary<string, object?>)PyJson.Parse(File.ReadAllText(path))!;
        string name = (string)doc["fn"]!;
        var objective = SuiteFunctions.Single.Single(f => f.Name == name).Objective;
        var history = ((List<object?>)doc["history"]!).Cast<OrderedDictionary<string, object?>>().Select(t => Trials.Create(
            TrialState.Complete,
            value: Convert.ToDouble(t["value"], System.Globalization.CultureInfo.InvariantCulture),
            @params: ((OrderedDictionary<string, object?>)t["params"]!).ToDictionary(kv => kv.Key, kv => kv.Value),
            distributions: ((OrderedDictionary<string, object?>)t["distributions"]!).ToDictionary(kv => kv.Key, kv => Distribution.FromJson((string)kv.Value!)))).ToList();
        int draws = o.GetInt("draws", 1000);
        var output = new List<object?>(draws);
        for (int seed = 0; seed < draws; seed++)
        {
            var study = Study.Create(new StudyOptions { Sampler = Registry.CreateSampler(o.Get("sampler", "tpe"), seed) });
            foreach (var t in history)
            {
                study.AddTrial(t);
            }

            var trial = study.Ask();
            objective(trial);
            output.Add(study.Trials[^1].Params.ToDictionary(kv => kv.Key, kv => kv.Value));
            study.Tell(trial, state: TrialState.Fail);
        }

        Console.WriteLine(PyJson.Serialize(output));
        return 0;
    }

    private static double RunOne(string name, string sampler, int seed, int n, int concurrency, int objectiveMs, int lag)
    {
        var options = new OptimizeOptions { NTrials = n, Concurrency = Math.Max(1, concurrency) };
        foreach (var (fn, objective) in SuiteFunctions.Single.Concat(SuiteFunctions.HeldOut))
        {
            if (fn != name)
            {
                continue;
            }

            var study = Study.Create(new StudyOptions { Sampler = Registry.CreateSampler(sampler, seed) });
            if (lag > 0)
            {
                RunLagged(n, lag, () => study.Ask(), t => objective(t), (t, v) => study.Tell(t, v));
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
                    options).GetAwaiter().GetResult();
            }

            return study.BestValue;
        }

        var (_, multi, reference) = SuiteFunctions.Multi.Single(f => f.Name == name);
        var mo = Study.Create(new StudyOptions
        {
            Sampler = Registry.CreateSampler(sampler, seed),
            Directions = [StudyDirection.Minimize, StudyDirection.Minimize],
        });
        if (lag > 0)
        {
            RunLagged(n, lag, () => mo.Ask(), multi, (t, v) => mo.Tell(t, v));
        }
        else if (concurrency <= 1)
        {
            mo.Optimize(multi, nTrials: n);
        }
        else
        {
            mo.OptimizeAsync(
                async (trial, ct) =>
                {
                    double[] v = multi(trial);
                    if (objectiveMs > 0)
                    {
                        await Task.Delay(objectiveMs, ct).ConfigureAwait(false);
                    }

                    return v;
                },
                options).GetAwaiter().GetResult();
        }

        return SuiteFunctions.HypervolumeGap(mo.GetTrials(TrialState.Complete).Select(t => t.Values!), reference);
    }

    /// <summary>
    /// Deterministic emulation of <paramref name="lag"/> + 1 trials in flight (<c>suite --lag</c> and <c>quality --lag</c>): each trial is
    /// evaluated when asked and told after the next <paramref name="lag"/> asks, so the sampler always sees that many
    /// RUNNING trials, with no thread timing involved.
    /// </summary>
    internal static void RunLagged<T>(int n, int lag, Func<Trial> ask, Func<Trial, T> evaluate, Action<Trial, T> tell)
    {
        var inFlight = new Queue<(Trial Trial, T Value)>();
        for (int i = 0; i < n; i++)
        {
            var trial = ask();
            inFlight.Enqueue((trial, evaluate(trial)));
            if (inFlight.Count > lag)
            {
                var (t, v) = inFlight.Dequeue();
                tell(t, v);
            }
        }

        while (inFlight.Count > 0)
        {
            var (t, v) = inFlight.Dequeue();
            tell(t, v);
        }
    }
}
