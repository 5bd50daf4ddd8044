using Microsoft.Extensions.Logging;
using Sharptune.Samplers;
using Sharptune.Tests.Support;

namespace Sharptune.Tests.Core;

public class TrialTests
{
    private enum Optimizer
    {
        Sgd,
        Adam,
    }

    private static Study NewStudy(TestLoggerFactory? logs = null, int objectives = 1) => Study.Create(new StudyOptions
    {
        Sampler = new RandomSampler(seed: 5),
        LoggerFactory = logs,
        Directions = Enumerable.Repeat(StudyDirection.Maximize, objectives).ToList(),
    });

    [Fact]
    public void SuggestionsRespectTheirDistributions()
    {
        var study = NewStudy();
        for (int i = 0; i < 200; i++)
        {
            var t = study.Ask();
            double f = t.SuggestFloat("f", -1, 1);
            double fl = t.SuggestFloat("fl", 1e-4, 1, log: true);
            double fs = t.SuggestFloat("fs", 0, 1, step: 0.25);
            int n = t.SuggestInt("n", 1, 9, step: 2);
            int nl = t.SuggestInt("nl", 1, 1000, log: true);
            long big = t.SuggestLong("big", 1L << 40, (1L << 40) + 10);
            Optimizer o = t.SuggestCategorical("o", [Optimizer.Sgd, Optimizer.Adam]);
            string? s = t.SuggestCategorical("s", new string?[] { null, "a" });
            Assert.InRange(f, -1, 1);
            Assert.True(f < 1);
            Assert.InRange(fl, 1e-4, 1);
            Assert.Contains(fs, new[] { 0, 0.25, 0.5, 0.75, 1 });
            Assert.Contains(n, new[] { 1, 3, 5, 7, 9 });
            Assert.InRange(nl, 1, 1000);
            Assert.InRange(big, 1L << 40, (1L << 40) + 10);
            Assert.True(Enum.IsDefined(o));
            Assert.True(s is null or "a");
            study.Tell(t, 0.0);
        }

        var last = study.Trials[^1];
        Assert.IsType<long>(last.Params["n"]);
        Assert.IsType<double>(last.Params["f"]);
        Assert.IsType<Optimizer>(last.Params["o"]);
        Assert.Equal(8, last.Distributions.Count);
    }

    [Fact]
    public void StepEndpointsAndLogIntsHaveOptunasMass()
    {
        var study = NewStudy();
        var counts = new int[9];
        var logCounts = new int[9];
        for (int i = 0; i < 20000; i++)
        {
            var t = study.Ask();
            counts[t.SuggestInt("n", 2, 8)]++;
            logCounts[t.SuggestInt("l", 2, 8, log: true)]++;
            study.Tell(t, 0.0);
        }

        for (int v = 2; v <= 8; v++)
        {
            Assert.InRange(counts[v] / 20000.0, 1 / 7.0 - 0.015, 1 / 7.0 + 0.015);
        }

        // Optuna measured 2:.29, 3:.19, 4:.15, 5:.12, 6:.10, 7:.08, 8:.07 for log ints on [2, 8].
        double[] expected = [0, 0, .29, .19, .15, .12, .10, .08, .07];
        for (int v = 2; v <= 8; v++)
        {
            Assert.InRange(logCounts[v] / 20000.0, expected[v] - 0.02, expected[v] + 0.02);
        }
    }

    [Fact]
    public void TheSameNameInOneTrialReturnsTheFirstValue()
    {
        var logs = new TestLoggerFactory();
        var study = NewStudy(logs);
        var t = study.Ask();
        double a = t.SuggestFloat("x", 0, 1);
        Assert.Equal(a, t.SuggestFloat("x", 0, 1));
        Assert.Equal(a, t.SuggestFloat("x", 0, 2));
        Assert.Contains(logs.Messages, m => m.StartsWith("Inconsistent parameter values for distribution with name \"x\"!", StringComparison.Ordinal));
        Assert.StartsWith("Cannot set different distribution kind to the same parameter name.",
            Assert.Throws<ArgumentException>(() => t.SuggestInt("x", 0, 1)).Message);
    }

    [Fact]
    public void IncompatibleDistributionsAcrossTrialsAreRejected()
    {
        var study = NewStudy();
        study.Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 1);
        var t2 = study.Ask();
        Assert.Equal(0.5, t2.SuggestFloat("x", 0.5, 0.5)); // a changed range is allowed (single value: no sampler call)
        var t3 = study.Ask();
        Assert.StartsWith("Cannot set different log configuration to the same parameter name.",
            Assert.Throws<ArgumentException>(() => t3.SuggestFloat("x", 0.1, 1, log: true)).Message);
        var t4 = study.Ask();
        t4.SuggestCategorical("c", ["a", "b"]);
        var t5 = study.Ask();
        Assert.StartsWith("CategoricalDistribution does not support dynamic value space.",
            Assert.Throws<ArgumentException>(() => t5.SuggestCategorical("c", ["a", "b", "c"])).Message);
    }

    [Fact]
    public void SuggestArgumentErrorsAreOptunas()
    {
        var t = NewStudy().Ask();
        Assert.StartsWith("`low <= high` must hold, but got (low=1.0, high=0.0).", Assert.Throws<ArgumentException>(() => t.SuggestFloat("x", 1, 0)).Message);
        Assert.StartsWith("The parameter `step` is not supported when `log` is true.", Assert.Throws<ArgumentException>(() => t.SuggestFloat("x", 1, 2, 0.5, true)).Message);
        Assert.StartsWith("`low >= 1` must hold for `log=True`, but got (low=0, high=5).", Assert.Throws<ArgumentException>(() => t.SuggestInt("n", 0, 5, log: true)).Message);
        Assert.StartsWith("The `choices` must contain one or more elements.", Assert.Throws<ArgumentException>(() => t.SuggestCategorical("c", Array.Empty<string>())).Message);
    }

    [Fact]
    public void AdjustedHighIsLoggedAsAWarning()
    {
        var logs = new TestLoggerFactory();
        var t = NewStudy(logs).Ask();
        double v = t.SuggestFloat("x", 0, 1.05, step: 0.1);
        Assert.InRange(v, 0, 1.0);
        Assert.Contains("The distribution is specified by [0.0, 1.05] and step=0.1, but the range is not divisible by `step`. It will be replaced with [0.0, 1.0].", logs.Messages);
    }

    [Fact]
    public void ReportRules()
    {
        var logs = new TestLoggerFactory();
        var study = NewStudy(logs);
        var t = study.Ask();
        t.Report(1.0, 0);
        t.Report(2.0, 0);
        t.Report(double.NaN, 4);
        Assert.Equal(new Dictionary<int, double> { [0] = 1.0, [4] = double.NaN }, t.IntermediateValues);
        Assert.Contains("The reported value is ignored because this `step` 0 is already reported.", logs.Messages);
        Assert.Contains("`step=-1` must be non-negative.", Assert.Throws<ArgumentOutOfRangeException>(() => t.Report(1.0, -1)).Message);
        Assert.False(t.ShouldPrune());

        var multi = NewStudy(objectives: 2).Ask();
        Assert.StartsWith("Trial.report is not supported for multi-objective optimization.", Assert.Throws<NotSupportedException>(() => multi.Report(1, 0)).Message);
        Assert.StartsWith("Trial.should_prune is not supported for multi-objective optimization.", Assert.Throws<NotSupportedException>(() => multi.ShouldPrune()).Message);
    }

    [Fact]
    public void ConstraintsAndUserAttrs()
    {
        var logs = new TestLoggerFactory();
        var study = NewStudy(logs);
        var t = study.Ask();
        t.SetConstraint("mem", 0.5);
        t.SetConstraint("mem", -3);
        t.SetUserAttr("tag", "x");
        Assert.StartsWith("Attempted to set a constraint for 'lat', but NaN is not allowed.", Assert.Throws<ArgumentException>(() => t.SetConstraint("lat", double.NaN)).Message);
        Assert.Contains("The constraint value is ignored because this constraint `key='mem'` is already set.", logs.Messages);
        var frozen = study.Tell(t, 1.0);
        Assert.Equal(new Dictionary<string, double> { ["mem"] = 0.5 }, frozen.Constraints);
        Assert.False(frozen.IsFeasible);
        Assert.Equal(0.5, frozen.SystemAttrs["constraints:mem"]);
        Assert.Equal("x", frozen.UserAttrs["tag"]);
        Assert.Throws<UpdateFinishedTrialException>(() => t.SetUserAttr("late", 1));
    }

    [Fact]
    public void FixedTrialWarnsOfAValueOutsideTheDistributionAndReturnsIt()
    {
        using var logs = new TestLoggerFactory();
        var t = new FixedTrial(new Dictionary<string, object?> { ["x"] = 2.0 }, logger: logs.CreateLogger("fixed"));
        Assert.Equal(2.0, t.SuggestFloat("x", 0, 1));
        var record = Assert.Single(logs.Entries);
        Assert.Equal((LogLevel.Warning, 14), (record.Level, record.Id.Id));
        Assert.Equal("The value 2.0 of the parameter 'x' is out of the range of the distribution FloatDistribution(high=1.0, log=False, low=0.0, step=None).", record.Message);
    }

    [Fact]
    public void FixedTrialReturnsGivenValues()
    {
        var t = new FixedTrial(new Dictionary<string, object?> { ["x"] = 0.5, ["n"] = 3, ["o"] = "Adam", ["b"] = true }, number: 7);
        Assert.Equal(7, t.Number);
        Assert.Equal(0.5, t.SuggestFloat("x", 0, 1));
        Assert.Equal(3, t.SuggestInt("n", 0, 10));
        Assert.Equal(Optimizer.Adam, t.SuggestCategorical("o", [Optimizer.Sgd, Optimizer.Adam]));
        Assert.True(t.SuggestCategorical("b", [true, false]));
        Assert.Equal(4, t.Params.Count);
        t.Report(1, 0);
        Assert.False(t.ShouldPrune());
        Assert.StartsWith("The value of the parameter 'y' is not found. Please set it at the construction of the FixedTrial object.",
            Assert.Throws<ArgumentException>(() => t.SuggestFloat("y", 0, 1)).Message);
    }

    [Fact]
    public void FrozenTrialValueOnMultiObjectiveFails()
    {
        var t = Trials.Create(values: [1, 2]);
        Assert.Equal("This attribute is not available during multi-objective optimization.", Assert.Throws<InvalidOperationException>(() => t.Value).Message);
    }
}
