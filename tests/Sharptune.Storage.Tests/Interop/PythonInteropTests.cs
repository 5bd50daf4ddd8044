using System.Collections;
using System.Diagnostics;
using System.Globalization;
using Sharptune.Internal;
using Sharptune.Samplers;
using Sharptune.Storages.Tests.Support;

namespace Sharptune.Storages.Tests.Interop;

/// <summary>
/// Python Optuna (Debian's python3-optuna, and Optuna 5 from source when present) reads the studies Sharptune wrote
/// (same trials, states, values, parameters, best trial …) and Sharptune reads the studies Python wrote, on every
/// storage: SQLite, PostgreSQL, journal file and journal in Redis.
/// </summary>
public sealed class PythonInteropTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<IDisposable> _cleanup = [];
    private readonly List<string> _redisPrefixes = [];

    public static TheoryData<string> Optunas
    {
        get
        {
            var data = new TheoryData<string> { "system" };
            if (OptunaSource() is not null)
            {
                data.Add("source");
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Optunas))]
    public void Sqlite_BothWays(string optuna)
    {
        string url = "sqlite:///" + _dir.File($"sharptune-{optuna}.db");
        RoundTrip(optuna, "sqlite", url, url, () => new RdbStorage(url));
    }

    [Theory]
    [MemberData(nameof(Optunas))]
    public void Sqlite_CreatedByPython(string optuna)
    {
        string url = "sqlite:///" + _dir.File($"python-{optuna}.db");
        PythonFirst(optuna, "sqlite", url, url, () => new RdbStorage(url));
    }

    [Theory]
    [MemberData(nameof(Optunas))]
    public void JournalFile_BothWays(string optuna)
    {
        string path = _dir.File($"sharptune-{optuna}.log");
        RoundTrip(optuna, "journal", path, path, () => new JournalStorage(path));
    }

    [Theory]
    [MemberData(nameof(Optunas))]
    public void JournalFile_CreatedByPython(string optuna)
    {
        string path = _dir.File($"python-{optuna}.log");
        PythonFirst(optuna, "journal", path, path, () => new JournalStorage(path));
    }

    [Theory]
    [MemberData(nameof(Optunas))]
    public void Postgres_BothWays(string optuna)
    {
        var schema = new PostgresSchema();
        _cleanup.Add(schema);
        RoundTrip(optuna, "postgresql", schema.Url, schema.Url, () => StorageFactory.FromUrl(schema.Url));
    }

    [Theory]
    [MemberData(nameof(Optunas))]
    public void Postgres_CreatedByPython(string optuna)
    {
        var schema = new PostgresSchema();
        _cleanup.Add(schema);
        PythonFirst(optuna, "postgresql", schema.Url, schema.Url, () => StorageFactory.FromUrl(schema.Url));
    }

    [Theory]
    [MemberData(nameof(Optunas))]
    public void JournalRedis_BothWays(string optuna)
    {
        string url = TestServers.RequireRedis();
        string prefix = "sharptune-interop-" + Guid.NewGuid().ToString("N")[..10];
        _redisPrefixes.Add(prefix);
        RoundTrip(optuna, "redis", url, url + "?prefix=" + prefix, () => StorageFactory.FromUrl(url + "?prefix=" + prefix), prefix);
    }

    public void Dispose()
    {
        foreach (var c in _cleanup)
        {
            c.Dispose();
        }

        RedisKeys.Delete(_redisPrefixes);
        _dir.Dispose();
    }

    /// <summary>Sharptune writes two studies; Python reads them and writes one; Sharptune reads it.</summary>
    private static void RoundTrip(string optuna, string kind, string pythonLocation, string sharptuneUrl, Func<IStorage> open, string prefix = "")
    {
        List<Dictionary<string, object?>> expected;
        var storage = open();
        try
        {
            WriteStudies(storage);
            expected = [.. Study.GetAllStudyNames(storage).Select(n => Summary(Study.Load(n, storage)))];
        }
        finally
        {
            (storage as IDisposable)?.Dispose();
        }

        var python = RunPython(optuna, kind, pythonLocation, prefix);
        var read = ((IEnumerable)python["read"]!).Cast<object?>().ToList();
        Assert.Equal(expected.Count, read.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var actual = (IDictionary<string, object?>)read[i]!;
            if (RanksInfinityByNull(python, kind))
            {
                StripBest(expected[i]);
                StripBest(actual);
            }

            AssertSame(expected[i], actual, $"{kind}/{optuna}: study {expected[i]["name"]} as read by Python");
        }

        AssertSharptuneReads(python, open, $"{kind}/{optuna} ({sharptuneUrl})");
    }

    /// <summary>Python creates the storage from nothing and writes a study; Sharptune opens and reads it.</summary>
    private static void PythonFirst(string optuna, string kind, string pythonLocation, string sharptuneUrl, Func<IStorage> open)
    {
        var python = RunPython(optuna, kind, pythonLocation, string.Empty);
        Assert.Empty((IEnumerable)python["read"]!);
        AssertSharptuneReads(python, open, $"{kind}/{optuna} created by Python ({sharptuneUrl})");
    }

    private static void AssertSharptuneReads(IDictionary<string, object?> python, Func<IStorage> open, string what)
    {
        var storage = open();
        try
        {
            var study = Study.Load("python-made", storage);
            var mine = Summary(study);
            var theirs = (IDictionary<string, object?>)python["written"]!;
            if (RanksInfinityByNull(python, (string)python["kind"]!))
            {
                StripBest(mine);
                StripBest(theirs);
            }

            AssertSame(mine, theirs, what + ": study python-made as read by Sharptune");
            Assert.Equal("python", study.UserAttrs["origin"]);
            Assert.Equal(TrialState.Waiting, study.Trials[^1].State);

            // Sharptune continues the Python study: the enqueued trial runs with its fixed parameter.
            study.Optimize(t => t.SuggestFloat("x", -5, 5) + t.SuggestInt("n", 1, 64, log: true), nTrials: 2);
            var trials = study.Trials;
            Assert.Equal(0.5, trials[^2].Params["x"]);
            Assert.All(trials.TakeLast(2), t => Assert.Equal(TrialState.Complete, t.State));
        }
        finally
        {
            (storage as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// Optuna before 3.2 finds the best trial of an RDB study with <c>ORDER BY value</c>, where an infinite value is
    /// stored as NULL: SQLite sorts it first, so Optuna 3.1 ranks +inf best when minimizing and misses it when
    /// maximizing (fixed in Optuna 3.2 by ordering on <c>value_type</c>, as Sharptune does). Its best trial is not
    /// compared then.
    /// </summary>
    private static bool RanksInfinityByNull(IDictionary<string, object?> python, string kind)
    {
        var version = ((string)python["version"]!).Split('.').Take(2).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return kind == "sqlite" && (version[0] < 3 || (version[0] == 3 && version[1] < 2));
    }

    private static void StripBest(IDictionary<string, object?> summary)
    {
        summary.Remove("best_value");
        summary.Remove("best_params");
        summary.Remove("best_number");
    }

    private static void WriteStudies(IStorage storage)
    {
        var study = Study.Create(new StudyOptions { Storage = storage, StudyName = "sharptune-made", Sampler = new RandomSampler(seed: 11) });
        study.SetUserAttr("origin", "sharptune");
        study.SetUserAttr("nested", new Dictionary<string, object?> { ["list"] = new List<object?> { 1, 2.5, "three", null } });
        study.Optimize(
            t =>
            {
                double x = t.SuggestFloat("x", -5, 5);
                long n = t.SuggestInt("n", 1, 64, log: true);
                object? c = t.SuggestCategorical<object?>("c", ["relu", "tanh", null, 1.5]);
                double s = t.SuggestFloat("s", 0, 1, step: 0.25);
                t.SetUserAttr("double_x", 2 * x);
                switch (t.Number)
                {
                    case 2:
                        t.Report(0.5, 0);
                        t.Report(double.NaN, 1);
                        t.Report(double.PositiveInfinity, 2);
                        t.Report(0.25, 3);
                        throw new TrialPrunedException();
                    case 3:
                        return double.NaN;
                    case 4:
                        return double.PositiveInfinity;
                    default:
                        return ((x - 1) * (x - 1)) + (n / 64.0) + s + (c is "tanh" ? 0.5 : 0);
                }
            },
            nTrials: 8);
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 0.5 });
        var mo = Study.Create(new StudyOptions { Storage = storage, StudyName = "sharptune-mo", Directions = [StudyDirection.Minimize, StudyDirection.Maximize], Sampler = new RandomSampler(seed: 5) });
        mo.Optimize(t => new[] { t.SuggestFloat("a", 0, 1), double.NegativeInfinity }, nTrials: 3);
    }

    /// <summary>The summary interop.py prints, built from Sharptune's view of a study.</summary>
    private static Dictionary<string, object?> Summary(Study study)
    {
        var trials = new List<object?>();
        foreach (var t in study.Trials)
        {
            trials.Add(new Dictionary<string, object?>
            {
                ["number"] = t.Number,
                ["state"] = t.State.ToOptunaName(),
                ["values"] = t.Values?.Cast<object?>().ToList(),
                ["params"] = t.Params.ToDictionary(p => p.Key, p => p.Value),
                ["distributions"] = t.Distributions.ToDictionary(p => p.Key, p => (object?)p.Value.ToJson()),
                ["user_attrs"] = t.UserAttrs.ToDictionary(p => p.Key, p => p.Value),
                ["system_attrs"] = t.SystemAttrs.ToDictionary(p => p.Key, p => p.Value),
                ["intermediate"] = t.IntermediateValues.ToDictionary(p => p.Key.ToString(CultureInfo.InvariantCulture), p => (object?)p.Value),
                ["duration"] = t.Duration?.TotalSeconds,
            });
        }

        var summary = new Dictionary<string, object?>
        {
            ["name"] = study.StudyName,
            ["directions"] = study.Directions.Select(d => (object?)(d == StudyDirection.Minimize ? "MINIMIZE" : "MAXIMIZE")).ToList(),
            ["user_attrs"] = study.UserAttrs.ToDictionary(p => p.Key, p => p.Value),
            ["trials"] = trials,
        };
        if (!study.IsMultiObjective && study.GetTrials(TrialState.Complete).Count > 0)
        {
            summary["best_value"] = study.BestValue;
            summary["best_params"] = study.BestParams.ToDictionary(p => p.Key, p => p.Value);
            summary["best_number"] = study.BestTrial.Number;
        }

        return summary;
    }

    private static IDictionary<string, object?> RunPython(string optuna, string kind, string location, string prefix)
    {
        string python = TestServers.RequirePython();
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Interop", "interop.py"));
        psi.ArgumentList.Add(kind);
        psi.ArgumentList.Add(location);
        psi.ArgumentList.Add(prefix);
        if (optuna == "source")
        {
            psi.Environment["PYTHONPATH"] = OptunaSource();
        }

        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "python did not finish");
        Assert.True(process.ExitCode == 0, $"python failed ({process.ExitCode}): {stderr.Result}");
        return (IDictionary<string, object?>)PyJson.Parse(stdout.Trim())!;
    }

    /// <summary>The Optuna source tree to test against as well (SHARPTUNE_OPTUNA_SOURCE, or /tmp/optuna when it holds Optuna).</summary>
    private static string? OptunaSource()
    {
        string? dir = Environment.GetEnvironmentVariable("SHARPTUNE_OPTUNA_SOURCE") ?? "/tmp/optuna";
        return File.Exists(Path.Combine(dir, "optuna", "version.py")) ? dir : null;
    }

    // ----- structural comparison -----

    private static void AssertSame(object? expected, object? actual, string path)
    {
        var e = Normalize(expected);
        var a = Normalize(actual);
        Compare(e, a, path);
    }

    private static object? Normalize(object? v) => v switch
    {
        null => null,
        string s => s,
        bool b => b,
        double or float or int or long or decimal => PyJson.ToDouble(v),
        IEnumerable<KeyValuePair<string, object?>> map => new SortedDictionary<string, object?>(map.ToDictionary(p => p.Key, p => Normalize(p.Value)), StringComparer.Ordinal),
        IDictionary dict => new SortedDictionary<string, object?>(dict.Cast<DictionaryEntry>().ToDictionary(p => (string)p.Key, p => Normalize(p.Value)), StringComparer.Ordinal),
        IEnumerable list => list.Cast<object?>().Select(Normalize).ToList(),
        _ => v,
    };

    private static void Compare(object? e, object? a, string path)
    {
        switch (e)
        {
            case null:
                Assert.True(a is null, $"{path}: expected null, got {PyJson.Serialize(a)}");
                return;
            case double d:
                Assert.True(a is double, $"{path}: expected {d}, got {PyJson.Serialize(a)}");
                double x = (double)a!;
                bool equal = d.Equals(x) || (path.EndsWith(".duration", StringComparison.Ordinal) && Math.Abs(d - x) < 2e-6);
                Assert.True(equal, $"{path}: expected {PyFormat.FloatRepr(d)}, got {PyFormat.FloatRepr(x)}");
                return;
            case SortedDictionary<string, object?> map:
                var other = Assert.IsType<SortedDictionary<string, object?>>(a, exactMatch: false);
                Assert.True(map.Keys.SequenceEqual(other.Keys), $"{path}: keys {string.Join(",", map.Keys)} vs {string.Join(",", other.Keys)}");
                foreach (var (k, v) in map)
                {
                    if (path.EndsWith(".distributions", StringComparison.Ordinal))
                    {
                        Assert.Equal(Distribution.FromJson((string)v!), Distribution.FromJson((string)other[k]!));
                    }
                    else
                    {
                        Compare(v, other[k], path + "." + k);
                    }
                }

                return;
            case List<object?> list:
                var otherList = Assert.IsType<List<object?>>(a);
                Assert.True(list.Count == otherList.Count, $"{path}: {list.Count} items vs {otherList.Count}");
                for (int i = 0; i < list.Count; i++)
                {
                    Compare(list[i], otherList[i], $"{path}[{i}]");
                }

                return;
            default:
                Assert.True(Equals(e, a), $"{path}: expected {PyJson.Serialize(e)}, got {PyJson.Serialize(a)}");
                return;
        }
    }
}
