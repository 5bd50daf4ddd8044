using Microsoft.Extensions.Logging;
using Sharptune.Importance;
using Sharptune.Tests.Support;

namespace Sharptune.Tests.Importance;

public sealed class PedAnovaTests
{
    private static Study LinearStudy(int nTrials, ILoggerFactory? loggerFactory = null, StudyDirection direction = StudyDirection.Minimize)
    {
        var study = Study.Create(new StudyOptions { Sampler = new Samplers.RandomSampler(seed: 7), Direction = direction, LoggerFactory = loggerFactory });
        study.Optimize(t => (5 * t.SuggestFloat("a", 0, 1)) + (0.5 * t.SuggestFloat("b", 0, 1)) + (0 * t.SuggestInt("c", 0, 9)), nTrials: nTrials);
        return study;
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(-0.1, 1.0)]
    [InlineData(0.5, 0.5)]
    [InlineData(0.6, 0.5)]
    [InlineData(0.1, 1.5)]
    [InlineData(double.NaN, 1.0)]
    public void RejectsQuantilesOutOfOrder(double targetQuantile, double regionQuantile)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new PedAnovaImportanceEvaluator(targetQuantile, regionQuantile));
        Assert.StartsWith("condition 0.0 < `target_quantile` < `region_quantile` <= 1.0 must be satisfied", ex.Message);
    }

    [Fact]
    public void DefaultsAreOptunas()
    {
        var evaluator = new PedAnovaImportanceEvaluator();
        Assert.Equal(0.1, evaluator.TargetQuantile);
        Assert.Equal(1.0, evaluator.RegionQuantile);
        Assert.True(evaluator.EvaluateOnLocal);
    }

    [Fact]
    public void IsTheDefaultEvaluatorAndRanksTheStructure()
    {
        var study = LinearStudy(200);
        var byDefault = Sharptune.Importance.Importance.Get(study);
        var explicitly = Sharptune.Importance.Importance.Get(study, new PedAnovaImportanceEvaluator());
        Assert.Equal(explicitly.ToList(), byDefault.ToList());
        Assert.Equal(["a", "b", "c"], byDefault.Keys.ToArray());
        Assert.Equal(1.0, byDefault.Values.Sum(), 12);
        Assert.True(byDefault["a"] > 0.8, $"a: {byDefault["a"]}");
    }

    [Fact]
    public void UnnormalizedValuesAreTheEvaluatorsOwn()
    {
        var study = LinearStudy(100);
        var raw = new PedAnovaImportanceEvaluator().Evaluate(study);
        var got = Sharptune.Importance.Importance.Get(study, normalize: false);
        Assert.Equal(raw.ToList(), got.ToList());
        double sum = raw.Values.Sum();
        var normalized = Sharptune.Importance.Importance.Get(study);
        foreach (var (name, value) in raw)
        {
            Assert.Equal(value / sum, normalized[name], 15);
        }
    }

    [Fact]
    public void MaximizingFlipsWhichTrialsAreTop()
    {
        // Maximizing 5a + 0.5b: the top trials have large a, the importance of a stays dominant.
        var study = LinearStudy(200, direction: StudyDirection.Maximize);
        var result = Sharptune.Importance.Importance.Get(study);
        Assert.Equal("a", result.Keys.First());
    }

    [Fact]
    public void UnknownParameterIsRejectedWithOptunasMessage()
    {
        var study = LinearStudy(20);
        var ex = Assert.Throws<ArgumentException>(() => Sharptune.Importance.Importance.Get(study, parameters: ["a", "zz", "yy"]));
        Assert.StartsWith("Study must contain at least one completed trial for each specified parameter. Missing parameters: ['zz', 'yy'].", ex.Message);
        Assert.Equal("parameters", ex.ParamName);
    }

    [Fact]
    public void NullParameterNameIsRejected()
    {
        var study = LinearStudy(5);
        var ex = Assert.Throws<ArgumentException>(() => Sharptune.Importance.Importance.Get(study, parameters: ["a", null!]));
        Assert.StartsWith("Parameters must be specified by their names with strings. Actual parameters: ['a', None].", ex.Message);
    }

    [Fact]
    public void EmptyParameterListGivesAnEmptyResult()
    {
        var study = LinearStudy(20);
        Assert.Empty(Sharptune.Importance.Importance.Get(study, parameters: []));
    }

    [Fact]
    public void StudyWithoutCompleteTrialsGivesAnEmptyResult()
    {
        var study = Study.Create();
        Assert.Empty(Sharptune.Importance.Importance.Get(study));
    }

    [Fact]
    public void TooFewTrialsGiveEqualSharesAndAWarning()
    {
        var logs = new TestLoggerFactory();
        var study = LinearStudy(1, logs);
        var result = Sharptune.Importance.Importance.Get(study);
        Assert.Equal([1 / 3.0, 1 / 3.0, 1 / 3.0], result.Values.ToArray());
        Assert.Contains("The number of trials is too small to compute importances. Parameter importances will be equal.", logs.Messages);
    }

    [Fact]
    public void TargetIsMinimizedWithAWarning()
    {
        var logs = new TestLoggerFactory();
        var study = LinearStudy(100, logs);
        var same = Sharptune.Importance.Importance.Get(study, target: t => t.Value!.Value);
        Assert.Equal(Sharptune.Importance.Importance.Get(study).ToList(), same.ToList());
        Assert.Contains(
            "PedAnovaImportanceEvaluator computes the importances of params to achieve low `target` values. If this is not what you want, please modify target, e.g., by multiplying the output by -1.",
            logs.Messages);
    }

    [Fact]
    public void NonFiniteTargetsAreLeftOut()
    {
        var study = LinearStudy(100);
        var trials = study.GetTrials([TrialState.Complete]);
        var dropped = trials.Where(t => t.Number % 3 == 0).Select(t => t.Number).ToHashSet();
        var withNaN = Sharptune.Importance.Importance.Get(study, target: t => dropped.Contains(t.Number) ? double.NaN : t.Value!.Value);
        var filtered = Study.Create();
        filtered.AddTrials(trials.Where(t => !dropped.Contains(t.Number)));
        Assert.Equal(Sharptune.Importance.Importance.Get(filtered).ToList(), withNaN.ToList());
    }

    [Fact]
    public void GlobalModeWarnsThatTheRegionQuantileIsUnused()
    {
        var logs = new TestLoggerFactory();
        var study = LinearStudy(50, logs);
        // As in Optuna, the region still scales the unnormalized values; the normalized ones do not change.
        var withRegion = Sharptune.Importance.Importance.Get(study, new PedAnovaImportanceEvaluator(0.1, 0.5, evaluateOnLocal: false));
        var without = Sharptune.Importance.Importance.Get(study, new PedAnovaImportanceEvaluator(0.1, 1.0, evaluateOnLocal: false));
        Assert.Equal(without.Keys, withRegion.Keys);
        foreach (var (name, value) in without)
        {
            Assert.Equal(value, withRegion[name], 12);
        }

        Assert.Contains("If evaluateOnLocal is false, regionQuantile has no effect.", logs.Messages);
    }

    [Fact]
    public void SingleValuedParameterHasNoImportance()
    {
        var study = Study.Create(new StudyOptions { Sampler = new Samplers.RandomSampler(seed: 3) });
        study.Optimize(t => t.SuggestFloat("x", 0, 1) + t.SuggestFloat("one", 2, 2), nTrials: 40);
        var result = new PedAnovaImportanceEvaluator().Evaluate(study);
        Assert.Equal(["x", "one"], result.Keys.ToArray());
        Assert.Equal(0.0, result["one"]);
        Assert.True(result["x"] > 0);
    }

    [Fact]
    public void ConditionalParameterRegimeWithOneTrialIsSkippedWithAWarning()
    {
        var logs = new TestLoggerFactory();
        var study = Study.Create(new StudyOptions { Sampler = new Samplers.RandomSampler(seed: 4), LoggerFactory = logs });
        study.Optimize(t => t.Number == 0 ? t.SuggestFloat("rare", 0, 1) : t.SuggestFloat("x", 0, 1), nTrials: 30);
        var result = new PedAnovaImportanceEvaluator().Evaluate(study);
        Assert.Equal(0.0, result["rare"]);
        Assert.Contains("Some regimes for parameter `rare` have less than 2 trials. The importance of the parameter may be inaccurate.", logs.Messages);
    }

    [Fact]
    public void EvaluatorMayBeUsedFromManyThreads()
    {
        var study = LinearStudy(300);
        var evaluator = new PedAnovaImportanceEvaluator();
        var expected = evaluator.Evaluate(study).ToList();
        Parallel.For(0, 8, _ => Assert.Equal(expected, evaluator.Evaluate(study).ToList()));
    }
}
