using Microsoft.ML;
using Sharptune.ML.SearchSpaces;
using Sharptune.Pruners;
using Sharptune.Samplers;
using Sharptune.Storages;

namespace Sharptune.ML.Tests;

/// <summary>A test space: which feature column the model reads (the signal, or pure noise) and the tree size.</summary>
public sealed partial class ColumnChoice
{
    [Categorical("Features", "Noise")]
    public string Column { get; set; } = "Features";

    [IntParam(2, 8)]
    public int Leaves { get; set; } = 4;
}

public sealed class CrossValidationSearchTests
{
    private static IEstimator<ITransformer> FastTreeOn(MLContext ml, ColumnChoice c) =>
        ml.BinaryClassification.Trainers.FastTree(featureColumnName: c.Column, numberOfLeaves: c.Leaves, numberOfTrees: 20, minimumExampleCountPerLeaf: 5);

    private static CrossValidationSearch<ColumnChoice> ColumnSearch(MLContext ml, int folds = 3) =>
        new(ml, SyntheticData.Binary(ml), c => FastTreeOn(ml, c), BinaryMetric.Auc, new CrossValidationSearchOptions { NumberOfFolds = folds, Seed = 7 });

    [Fact]
    public void LightGbmSearchFindsAGoodModelRecordsFoldsAndRefits()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Binary(ml);
        var search = new CrossValidationSearch<LightGbmSearchSpace>(
            ml,
            data,
            c => c.CreateBinaryTrainer(ml, configure: o => o.NumberOfThreads = 1),
            BinaryMetric.Auc,
            new CrossValidationSearchOptions { NumberOfFolds = 3, Seed = 3 });

        var result = search.Optimize(new StudyOptions { Sampler = new RandomSampler(seed: 5) }, nTrials: 3);

        Assert.Equal(StudyDirection.Maximize, result.Study.Direction);
        Assert.Equal(["auc"], result.Study.MetricNames);
        Assert.Equal(3, result.Study.Trials.Count);
        Assert.All(result.Study.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(result.Study.Trials.Max(t => t.Values![0]), result.BestValue);

        var best = result.BestTrial;
        var folds = Enumerable.Range(0, 3).Select(k => (double)best.UserAttrs[$"split{k}_test_score"]!).ToArray();
        Assert.Equal(folds.Average(), result.BestValue, 12);
        Assert.Equal(folds.Average(), (double)best.UserAttrs["mean_test_score"]!, 12);
        Assert.True((double)best.UserAttrs["std_test_score"]! >= 0);
        Assert.True((double)best.UserAttrs["mean_fit_time"]! > 0);

        // The intermediate value at fold k is the running mean of folds 0..k.
        Assert.Equal([0, 1, 2], best.IntermediateValues.Keys);
        Assert.Equal(folds[0], best.IntermediateValues[0], 12);
        Assert.Equal((folds[0] + folds[1]) / 2, best.IntermediateValues[1], 12);
        Assert.Equal(result.BestValue, best.IntermediateValues[2], 12);

        Assert.Equal(best.Params["NumberOfLeaves"], (long)result.BestConfig.NumberOfLeaves);
        Assert.Equal(best.Params["LearningRate"], result.BestConfig.LearningRate);
        Assert.True(result.BestValue > 0.85, $"CV AUC {result.BestValue}");

        Assert.NotNull(result.Model);
        var scored = result.Model.Transform(data);
        Assert.True(ml.BinaryClassification.Evaluate(scored).AreaUnderRocCurve > 0.9);
    }

    [Fact]
    public void APrunerStopsABadConfigurationAfterItsFirstFold()
    {
        var ml = new MLContext(seed: 1);
        var search = ColumnSearch(ml);
        var study = search.CreateStudy(new StudyOptions { Pruner = new MedianPruner(nStartupTrials: 1), Sampler = new RandomSampler(seed: 0) });
        study.EnqueueTrial(new ColumnChoice { Column = "Features", Leaves = 4 });
        study.EnqueueTrial(new ColumnChoice { Column = "Noise", Leaves = 4 });

        var result = search.Optimize(study, nTrials: 2);

        var good = study.Trials[0];
        var bad = study.Trials[1];
        Assert.Equal(TrialState.Complete, good.State);
        Assert.Equal(3, good.IntermediateValues.Count);
        Assert.Equal(TrialState.Pruned, bad.State);
        Assert.Equal([0], bad.IntermediateValues.Keys);                 // only the first fold was trained
        Assert.True(bad.UserAttrs.ContainsKey("split0_test_score"));
        Assert.False(bad.UserAttrs.ContainsKey("split1_test_score"));
        Assert.Equal(bad.IntermediateValues[0], bad.Values![0]);        // a pruned trial keeps its last report
        Assert.True(bad.IntermediateValues[0] < good.IntermediateValues[0]);
        Assert.Equal(0, result.BestTrial.Number);
        Assert.Equal("Features", result.BestConfig.Column);
    }

    [Fact]
    public void WithoutPruningTheSameBadConfigurationRunsEveryFold()
    {
        var ml = new MLContext(seed: 1);
        var search = ColumnSearch(ml);
        var study = search.CreateStudy(new StudyOptions { Pruner = new NopPruner() });
        study.EnqueueTrial(new ColumnChoice { Column = "Features", Leaves = 4 });
        study.EnqueueTrial(new ColumnChoice { Column = "Noise", Leaves = 4 });

        search.Optimize(study, nTrials: 2, refit: false);

        Assert.All(study.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.Equal(3, study.Trials[1].IntermediateValues.Count);
        Assert.InRange(study.Trials[1].Values![0], 0.2, 0.8);             // noise: about chance
    }

    [Fact]
    public void FoldsAreFixedBySeedSoAConfigurationScoresTheSameTwice()
    {
        var ml = new MLContext(seed: 1);
        var search = ColumnSearch(ml, folds: 4);
        var config = new ColumnChoice { Column = "Features", Leaves = 3 };

        var first = search.CrossValidate(config);
        var second = search.CrossValidate(config);
        var other = ColumnSearch(new MLContext(seed: 99), folds: 4).CrossValidate(config);

        Assert.Equal(4, first.FoldValues.Count);
        Assert.Equal(first.FoldValues, second.FoldValues);
        Assert.Equal(first.FoldValues, other.FoldValues);
        Assert.Equal(first.FoldValues.Average(), first.Mean, 12);
        double mean = first.Mean;
        Assert.Equal(Math.Sqrt(first.FoldValues.Sum(v => (v - mean) * (v - mean)) / 4), first.StandardDeviation, 12);
        Assert.Same(BinaryMetric.Auc, first.Metric);
    }

    [Fact]
    public void CrossValidateMeasuresAnyEstimatorOnTheSameFolds()
    {
        var ml = new MLContext(seed: 1);
        var search = ColumnSearch(ml);
        var asConfig = search.CrossValidate(new ColumnChoice { Column = "Features", Leaves = 4 });
        var asEstimator = search.CrossValidate(FastTreeOn(ml, new ColumnChoice { Column = "Features", Leaves = 4 }));
        Assert.Equal(asConfig.FoldValues, asEstimator.FoldValues);
    }

    [Fact]
    public void AStudyInSqliteResumesAndTheBestOfAllRunsWins()
    {
        string dir = Directory.CreateTempSubdirectory("sharptune-ml-").FullName;
        try
        {
            string url = "sqlite:///" + Path.Combine(dir, "cv.db");
            using var storage = new RdbStorage(url);
            var ml = new MLContext(seed: 1);
            var search = ColumnSearch(ml);
            var options = new StudyOptions { StudyName = "cv", Storage = storage, LoadIfExists = true, Sampler = new RandomSampler(seed: 1) };

            var first = search.Optimize(options, nTrials: 2, refit: false);
            var second = search.Optimize(options, nTrials: 2, refit: false);

            Assert.Null(first.Model);
            Assert.Equal(4, second.Study.Trials.Count);
            Assert.Equal(second.Study.Trials.Where(t => t.State == TrialState.Complete).Max(t => t.Values![0]), second.BestValue);
            var loaded = Study.Load("cv", storage);
            Assert.Equal(["auc"], loaded.MetricNames);
            Assert.Equal(StudyDirection.Maximize, loaded.Direction);
            Assert.Equal(4, loaded.Trials.Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TrialModelFittedReceivesEachCompletedTrialsRefitModel()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Binary(ml);
        var search = new CrossValidationSearch<ColumnChoice>(ml, data, c => FastTreeOn(ml, c), BinaryMetric.Auc, new CrossValidationSearchOptions { NumberOfFolds = 3 });
        var seen = new List<(int Number, string Column, double Auc)>();
        search.TrialModelFitted = (trial, config, model) =>
        {
            double auc = ml.BinaryClassification.Evaluate(model.Transform(data)).AreaUnderRocCurve;
            trial.SetUserAttr("train_auc", auc);
            seen.Add((trial.Number, config.Column, auc));
        };
        var study = search.CreateStudy(new StudyOptions { Pruner = new ThresholdPruner(lower: 0.7) });
        study.EnqueueTrial(new ColumnChoice { Column = "Features" });
        study.EnqueueTrial(new ColumnChoice { Column = "Noise" });
        study.EnqueueTrial(new ColumnChoice { Column = "Features", Leaves = 6 });

        search.Optimize(study, nTrials: 3, refit: false);

        Assert.Equal(TrialState.Pruned, study.Trials[1].State);
        Assert.Equal([0, 2], seen.Select(s => s.Number));                   // the pruned trial is not refit
        Assert.All(seen, s => Assert.Equal("Features", s.Column));
        Assert.All(seen, s => Assert.True(s.Auc > 0.9));
        Assert.Equal(seen[0].Auc, (double)study.Trials[0].UserAttrs["train_auc"]!);
    }

    [Fact]
    public void ObjectiveWorksWithTheStudysOwnOptimizeLoop()
    {
        var ml = new MLContext(seed: 1);
        var search = ColumnSearch(ml);
        var study = search.CreateStudy();
        study.Optimize<ColumnChoice>(search.Objective, nTrials: 2);
        Assert.All(study.Trials, t => Assert.Equal(3, t.IntermediateValues.Count));
        Assert.Equal(StudyDirection.Maximize, study.Direction);
    }

    [Fact]
    public void FewerThanTwoFoldsIsRejected()
    {
        var ml = new MLContext(seed: 1);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new CrossValidationSearch<ColumnChoice>(ml, SyntheticData.Binary(ml), c => FastTreeOn(ml, c), BinaryMetric.Auc, new CrossValidationSearchOptions { NumberOfFolds = 1 }));
        Assert.StartsWith(
            "k-fold cross-validation requires at least one train/test split by setting NumberOfFolds=2 or more, got NumberOfFolds=1.",
            ex.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingSamplingKeyColumnIsRejected()
    {
        var ml = new MLContext(seed: 1);
        var ex = Assert.Throws<ArgumentException>(() =>
            new CrossValidationSearch<ColumnChoice>(ml, SyntheticData.Binary(ml), c => FastTreeOn(ml, c), BinaryMetric.Auc, new CrossValidationSearchOptions { SamplingKeyColumnName = "Patient" }));
        Assert.StartsWith("The sampling key column 'Patient' is not in the data.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADirectionOtherThanTheMetricsIsRejected()
    {
        var ml = new MLContext(seed: 1);
        var search = ColumnSearch(ml);

        var fromOptions = Assert.Throws<ArgumentException>(() => search.CreateStudy(new StudyOptions { Direction = StudyDirection.Minimize }));
        Assert.StartsWith(
            "The metric 'auc' is maximized, but the options set the direction minimize; leave Direction unset to take the metric's.",
            fromOptions.Message,
            StringComparison.Ordinal);

        var minimizing = Study.Create(new StudyOptions { StudyName = "wrong-way" });
        var fromStudy = Assert.Throws<ArgumentException>(() => search.Optimize(minimizing, nTrials: 1));
        Assert.StartsWith("The metric 'auc' is maximized, but the study 'wrong-way' is set to minimize.", fromStudy.Message, StringComparison.Ordinal);
        Assert.Empty(minimizing.Trials);

        var multi = Study.Create(new StudyOptions { Directions = [StudyDirection.Maximize, StudyDirection.Minimize] });
        var fromMulti = Assert.Throws<ArgumentException>(() => search.Optimize(multi, nTrials: 1));
        Assert.StartsWith("A cross-validation search optimizes the single metric 'auc', but the study has 2 objectives.", fromMulti.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => search.CreateStudy(new StudyOptions { Directions = [StudyDirection.Maximize] }));
    }

    [Fact]
    public void AnEstimatorFactoryThatReturnsNullFailsTheTrialWithAClearMessage()
    {
        var ml = new MLContext(seed: 1);
        var search = new CrossValidationSearch<ColumnChoice>(ml, SyntheticData.Binary(ml), _ => null!, BinaryMetric.Auc);
        var ex = Assert.Throws<InvalidOperationException>(() => search.CrossValidate(new ColumnChoice()));
        Assert.Equal("The estimator factory returned null.", ex.Message);
    }

    [Fact]
    public void NoCompletedTrialMeansNoBestConfiguration()
    {
        var ml = new MLContext(seed: 1);
        var search = ColumnSearch(ml);
        var study = search.CreateStudy(new StudyOptions { Pruner = new ThresholdPruner(lower: 1.5) });   // AUC never reaches 1.5
        var ex = Assert.Throws<InvalidOperationException>(() => search.Optimize(study, nTrials: 1));
        Assert.Equal("No trials are completed yet.", ex.Message);
        Assert.Equal(TrialState.Pruned, study.Trials[0].State);
        Assert.Single(study.Trials[0].IntermediateValues);
    }

    [Fact]
    public void TrialsOnTwoThreadsScoreAsTheyDoAlone()
    {
        var ml = new MLContext(seed: 1);
        var search = ColumnSearch(ml);
        var study = search.CreateStudy(new StudyOptions { Pruner = new NopPruner() });
        ColumnChoice[] configs = [new() { Leaves = 2 }, new() { Leaves = 3 }, new() { Leaves = 5 }, new() { Column = "Noise", Leaves = 4 }];
        foreach (var config in configs)
        {
            study.EnqueueTrial(config);
        }

        study.Optimize<ColumnChoice>(search.Objective, new OptimizeOptions { NTrials = 4, Concurrency = 2 });

        Assert.Equal(4, study.Trials.Count);
        foreach (var trial in study.Trials)
        {
            var alone = search.CrossValidate(trial.As<ColumnChoice>());
            Assert.Equal(TrialState.Complete, trial.State);
            Assert.Equal(alone.Mean, trial.Values![0], 12);
        }
    }
}
