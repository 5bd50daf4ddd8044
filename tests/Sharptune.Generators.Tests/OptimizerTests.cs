using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Sharptune.Samplers;

namespace Sharptune.Generators.Tests;

/// <summary>The flytekit-style <see cref="Optimizer{TConfig}"/> and its dynamic form.</summary>
public class OptimizerTests
{
    private static Study NewStudy(params StudyDirection[] directions) =>
        Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 1), Directions = directions.Length == 0 ? null : directions });

    [Fact]
    public void ArgumentsAreCheckedWithThePluginsMessages()
    {
        static ValueTask<double> Objective(Point p, CancellationToken ct) => ValueTask.FromResult(p.X);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Optimizer<Point>(Objective, concurrency: 0, nTrials: 1));
        Assert.StartsWith("concurrency must be an integer greater than 0", e.Message);
        Assert.Equal("concurrency", e.ParamName);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new Optimizer<Point>(Objective, concurrency: 1, nTrials: 0));
        Assert.StartsWith("nTrials must be an integer greater than 0", e.Message);
        Assert.Equal("nTrials", e.ParamName);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new Optimizer<Point>(Objective, 1, 1, delay: TimeSpan.FromMilliseconds(-1)));
        Assert.StartsWith("delay must be a time span greater than or equal to 0", e.Message);
        Assert.Equal("delay", e.ParamName);
        Assert.Throws<ArgumentNullException>(() => new Optimizer<Point>((Func<Point, CancellationToken, ValueTask<double>>)null!, 1, 1));

        var multi = NewStudy(StudyDirection.Minimize, StudyDirection.Maximize);
        var a = Assert.Throws<ArgumentException>(() => new Optimizer<Point>(Objective, 1, 1, multi));
        Assert.StartsWith("the study must have a single objective if objective returns a single float", a.Message);

        var created = new Optimizer<Point>(Objective, 2, 3);
        Assert.Equal([StudyDirection.Minimize], created.Study.Directions);
        Assert.Equal((2, 3, TimeSpan.Zero), (created.Concurrency, created.NTrials, created.Delay));
    }

    [Fact]
    public async Task ConcurrencyLimitIsObserved()
    {
        int inFlight = 0, maxInFlight = 0;
        var optimizer = new Optimizer<Point>(async (p, ct) =>
        {
            int now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            await Task.Delay(100, ct);
            Interlocked.Decrement(ref inFlight);
            return p.X;
        }, concurrency: 2, nTrials: 8, study: NewStudy());
        await optimizer.RunAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, maxInFlight);
        Assert.Equal(8, optimizer.Study.GetTrials(TrialState.Complete).Count);
    }

    [Fact]
    public async Task DelaySeparatesTrialStartsAlsoWithConcurrency()
    {
        int inFlight = 0, maxInFlight = 0;
        var delay = TimeSpan.FromMilliseconds(80);
        var study = NewStudy();
        var optimizer = new Optimizer<Point>(async (p, ct) =>
        {
            int now = Interlocked.Increment(ref inFlight);
            int seen;
            while ((seen = Volatile.Read(ref maxInFlight)) < now && Interlocked.CompareExchange(ref maxInFlight, now, seen) != seen)
            {
            }

            await Task.Delay(200, ct);
            Interlocked.Decrement(ref inFlight);
            return p.Y;
        }, concurrency: 3, nTrials: 4, study: study, delay: delay);
        await optimizer.RunAsync(TestContext.Current.CancellationToken);

        // A trial starts when the scheduling loop creates it (its DatetimeStart), so the delay separates those exactly.
        var sorted = study.Trials.Select(t => t.DatetimeStart!.Value).Order().ToList();
        Assert.Equal(4, sorted.Count);
        for (int i = 1; i < sorted.Count; i++)
        {
            Assert.True(sorted[i] - sorted[i - 1] >= delay - TimeSpan.FromMilliseconds(1), $"starts {sorted[i - 1]:HH:mm:ss.fff} and {sorted[i]:HH:mm:ss.fff} are closer than {delay}");
        }

        // Three slots: 200 ms trials started 80 ms apart overlap.
        Assert.True(maxInFlight >= 2, $"at most {maxInFlight} trial(s) ran at once");
    }

    [Fact]
    public async Task TypedObjectiveReceivesSuggestedConfigs()
    {
        var seen = new ConcurrentBag<SvmConfig>();
        var optimizer = new Optimizer<SvmConfig>((cfg, trial, ct) =>
        {
            seen.Add(cfg);
            trial.SetUserAttr("kernel", cfg.Kernel);
            return ValueTask.FromResult(cfg.C);
        }, concurrency: 2, nTrials: 6, study: NewStudy());
        await optimizer.RunAsync(TestContext.Current.CancellationToken);
        Assert.Equal(6, seen.Count);
        foreach (var t in optimizer.Study.Trials)
        {
            var cfg = t.As<SvmConfig>();
            Assert.Equal(t.Values![0], cfg.C);
            Assert.Equal(cfg.Kernel, t.UserAttrs["kernel"]);
        }
    }

    [Fact]
    public async Task DynamicInputsAreResolvedPerTrialWithDottedNames()
    {
        var inputs = new Dictionary<string, object?>
        {
            ["params"] = new Dictionary<string, object?>
            {
                ["alpha"] = Suggest.Float(0.1, 1.0, log: true),
                ["layers"] = Suggest.Int(1, 4),
                ["big"] = Suggest.Int(1L, 10_000_000_000L, log: true),
                ["optimizer"] = new Dictionary<string, object?> { ["name"] = Suggest.Category("adam", "sgd"), ["eps"] = 1e-8 },
            },
            ["epochs"] = 10,
            ["tags"] = new[] { "a", "b" },
            ["batch"] = Suggest.Category(new[] { 16, 32, 64 }),
        };
        var received = new ConcurrentBag<IReadOnlyDictionary<string, object?>>();
        var optimizer = new Optimizer((x, ct) =>
        {
            received.Add(x);
            var p = (IReadOnlyDictionary<string, object?>)x["params"]!;
            return ValueTask.FromResult((double)p["alpha"]! * (int)p["layers"]!);
        }, concurrency: 2, nTrials: 5, study: NewStudy());
        await optimizer.RunAsync(inputs, TestContext.Current.CancellationToken);

        Assert.Equal(5, received.Count);
        Assert.Equal(5, received.Select(r => r["params"]).Distinct().Count());
        foreach (var r in received)
        {
            Assert.Equal(10, r["epochs"]);
            Assert.Same(inputs["tags"], r["tags"]);
            Assert.IsType<int>(r["batch"]);
            var p = (IReadOnlyDictionary<string, object?>)r["params"]!;
            Assert.InRange((double)p["alpha"]!, 0.1, 1.0);
            Assert.InRange((int)p["layers"]!, 1, 4);
            Assert.IsType<long>(p["big"]);
            var opt = (IReadOnlyDictionary<string, object?>)p["optimizer"]!;
            Assert.Contains((string)opt["name"]!, new[] { "adam", "sgd" });
            Assert.Equal(1e-8, opt["eps"]);
        }

        foreach (var t in optimizer.Study.Trials)
        {
            Assert.Equal(["params.alpha", "params.layers", "params.big", "params.optimizer.name", "batch"], t.Params.Keys);
        }

        // The inputs themselves are untouched.
        Assert.IsType<FloatSuggestion>(((Dictionary<string, object?>)inputs["params"]!)["alpha"]);
    }

    [Fact]
    public void SuggestionsCheckTheirArgumentsAtOnce()
    {
        Assert.StartsWith("`low <= high` must hold, but got (low=2.0, high=1.0).", Assert.Throws<ArgumentException>(() => Suggest.Float(2, 1)).Message);
        Assert.StartsWith("The parameter `step` is not supported when `log` is true.", Assert.Throws<ArgumentException>(() => Suggest.Float(1, 2, step: 0.1, log: true)).Message);
        Assert.StartsWith("`low >= 1` must hold for `log=True`, but got (low=0, high=3).", Assert.Throws<ArgumentException>(() => Suggest.Int(0, 3, log: true)).Message);
        Assert.StartsWith("The `choices` must contain one or more elements.", Assert.Throws<ArgumentException>(() => Suggest.Category()).Message);
        Assert.Equal("FloatDistribution(high=1.0, log=False, low=0.0, step=0.5)", Suggest.Float(0, 1, 0.5).ToString());

        // A single string is one choice, not a sequence of characters; arrays and lists are sequences of choices.
        Assert.Equal(["adam"], Suggest.Category("adam").Choices);
        Assert.Equal([16, 32], Suggest.Category(new[] { 16, 32 }).Choices);
        Assert.Equal([true, false], Suggest.Category(new List<bool> { true, false }).Choices);
        Assert.Equal(["a", null], Suggest.Category("a", null).Choices);
    }

    [Fact]
    public async Task NonStringKeysAreRejected()
    {
        var optimizer = new Optimizer((x, ct) => ValueTask.FromResult(0.0), 1, 1, NewStudy());
        var inputs = new Dictionary<string, object?> { ["nested"] = new Dictionary<int, object?> { [1] = Suggest.Float(0, 1) } };
        var e = await Assert.ThrowsAsync<ArgumentException>(() => optimizer.RunAsync(inputs, TestContext.Current.CancellationToken));
        Assert.StartsWith("Input keys must be strings, got 1 (Int32).", e.Message);
        Assert.Empty(optimizer.Study.Trials);
    }

    [Fact]
    public async Task ResultDirectionMismatchFailsTheTrialWithOptunasMessage()
    {
        var study = NewStudy(StudyDirection.Minimize, StudyDirection.Minimize);
        var optimizer = new Optimizer<Point>((p, ct) => ValueTask.FromResult(new[] { p.X }), 1, 3, study);
        await optimizer.RunAsync(TestContext.Current.CancellationToken);
        Assert.All(study.Trials, t => Assert.Equal(TrialState.Fail, t.State));
        Assert.Equal(3, study.Trials.Count);

        var logs = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var logStudy = Study.Create(new StudyOptions { Directions = [StudyDirection.Minimize, StudyDirection.Minimize], LoggerFactory = factory });
        await new Optimizer<Point>((p, ct) => ValueTask.FromResult(new[] { 1.0, 2.0, 3.0 }), 1, 1, logStudy).RunAsync(TestContext.Current.CancellationToken);
        Assert.Equal(TrialState.Fail, logStudy.Trials[0].State);
        Assert.Contains(logs.Collector.GetSnapshot(), r => r.Message.Contains("The number of the values 3 did not match the number of the objectives 2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MultiObjectiveOptimizersTellOneValuePerDirection()
    {
        var typed = new Optimizer<Point>((p, trial, ct) =>
        {
            trial.SetUserAttr("x", p.X);
            return ValueTask.FromResult(new[] { p.X * p.X, p.Y * p.Y });
        }, 2, 4, NewStudy(StudyDirection.Minimize, StudyDirection.Minimize));
        await typed.RunAsync(TestContext.Current.CancellationToken);
        Assert.All(typed.Study.Trials, t => Assert.Equal(2, t.Values!.Count));
        Assert.All(typed.Study.Trials, t => Assert.Equal(t.Params["X"], t.UserAttrs["x"]));

        var dynamic = new Optimizer((inputs, trial, ct) => ValueTask.FromResult(new[] { (double)inputs["a"]!, (double)inputs["b"]! }), 1, 3, NewStudy(StudyDirection.Maximize, StudyDirection.Minimize));
        await dynamic.RunAsync(new Dictionary<string, object?> { ["a"] = Suggest.Float(0, 1), ["b"] = 2.0 }, TestContext.Current.CancellationToken);
        Assert.All(dynamic.Study.Trials, t => Assert.Equal(2.0, t.Values![1]));
        Assert.Equal(3, dynamic.Study.GetTrials(TrialState.Complete).Count);
    }

    [Fact]
    public async Task ExceptionsFailTheTrialAndFollowCatchRules()
    {
        var study = NewStudy();
        int calls = 0;
        var optimizer = new Optimizer<Point>((p, ct) =>
        {
            if (Interlocked.Increment(ref calls) == 2)
            {
                throw new InvalidOperationException("boom");
            }

            return ValueTask.FromResult(p.X);
        }, 1, 5, study);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => optimizer.RunAsync(TestContext.Current.CancellationToken));
        Assert.Equal("boom", e.Message);
        Assert.Equal([TrialState.Complete, TrialState.Fail], study.Trials.Select(t => t.State));
        Assert.DoesNotContain(study.Trials, t => t.State == TrialState.Running);

        var caught = NewStudy();
        calls = 0;
        await new Optimizer<Point>((p, ct) =>
        {
            int n = Interlocked.Increment(ref calls);
            return n switch
            {
                2 => throw new InvalidOperationException("boom"),
                3 => throw new TrialPrunedException(),
                _ => ValueTask.FromResult(p.X),
            };
        }, 1, 4, caught, @catch: [typeof(InvalidOperationException)]).RunAsync(TestContext.Current.CancellationToken);
        Assert.Equal([TrialState.Complete, TrialState.Fail, TrialState.Pruned, TrialState.Complete], caught.Trials.Select(t => t.State));
    }

    [Fact]
    public async Task CancellationFailsRunningTrialsAndThrows()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var study = NewStudy();
        var optimizer = new Optimizer<Point>(async (p, ct) =>
        {
            cts.CancelAfter(20);
            await Task.Delay(5000, ct);
            return p.X;
        }, 2, 10, study);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => optimizer.RunAsync(cts.Token));
        Assert.NotEmpty(study.Trials);
        Assert.All(study.Trials, t => Assert.Equal(TrialState.Fail, t.State));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
