using Microsoft.ML;
using Microsoft.ML.Data;
using Sharptune.ML.SearchSpaces;
using Sharptune.Samplers;

namespace Sharptune.ML.Tests;

public sealed class SearchSpaceAndMetricTests
{
    public static TheoryData<string, MLTask, StudyDirection> Metrics => new()
    {
        { RegressionMetric.RSquared.Name, MLTask.Regression, StudyDirection.Maximize },
        { RegressionMetric.MeanAbsoluteError.Name, MLTask.Regression, StudyDirection.Minimize },
        { RegressionMetric.MeanSquaredError.Name, MLTask.Regression, StudyDirection.Minimize },
        { RegressionMetric.RootMeanSquaredError.Name, MLTask.Regression, StudyDirection.Minimize },
        { BinaryMetric.Auc.Name, MLTask.BinaryClassification, StudyDirection.Maximize },
        { BinaryMetric.AreaUnderPrecisionRecallCurve.Name, MLTask.BinaryClassification, StudyDirection.Maximize },
        { BinaryMetric.Accuracy.Name, MLTask.BinaryClassification, StudyDirection.Maximize },
        { BinaryMetric.F1Score.Name, MLTask.BinaryClassification, StudyDirection.Maximize },
        { BinaryMetric.LogLoss.Name, MLTask.BinaryClassification, StudyDirection.Minimize },
        { BinaryMetric.LogLossReduction.Name, MLTask.BinaryClassification, StudyDirection.Maximize },
        { MulticlassMetric.MacroAccuracy.Name, MLTask.MulticlassClassification, StudyDirection.Maximize },
        { MulticlassMetric.MicroAccuracy.Name, MLTask.MulticlassClassification, StudyDirection.Maximize },
        { MulticlassMetric.LogLoss.Name, MLTask.MulticlassClassification, StudyDirection.Minimize },
        { MulticlassMetric.LogLossReduction.Name, MLTask.MulticlassClassification, StudyDirection.Maximize },
        { RankingMetric.Ndcg10.Name, MLTask.Ranking, StudyDirection.Maximize },
        { RankingMetric.Dcg(5).Name, MLTask.Ranking, StudyDirection.Maximize },
    };

    [Theory]
    [MemberData(nameof(Metrics))]
    public void EveryPredefinedMetricHasItsTaskAndDirection(string name, MLTask task, StudyDirection direction)
    {
        var metric = AllMetrics().Single(m => m.Name == name && m.Task == task);
        Assert.Equal(direction, metric.Direction);
    }

    [Fact]
    public void MetricsAreNamedAndDescribed()
    {
        Assert.Equal("ndcg@10", RankingMetric.Ndcg10.Name);
        Assert.Equal("dcg@3", RankingMetric.Dcg(3).Name);
        Assert.Equal("log_loss (BinaryClassification, minimize)", BinaryMetric.LogLoss.ToString());
        Assert.Equal(16, AllMetrics().Count);
    }

    [Fact]
    public void BadMetricArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RankingMetric.Ndcg(0));
        var ex = Assert.Throws<ArgumentException>(() => MLMetric.Create("m", MLTask.Regression, StudyDirection.NotSet, _ => 0));
        Assert.StartsWith("Please set either 'minimize' or 'maximize' to direction. You specified NotSet.", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => MLMetric.Create(" ", MLTask.Regression, StudyDirection.Minimize, _ => 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => MLMetric.Create("m", (MLTask)42, StudyDirection.Minimize, _ => 0));
    }

    [Fact]
    public void ACustomMetricReadsTheScoredFold()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Regression(ml);
        var maxError = MLMetric.Create("max_abs_error", MLTask.Regression, StudyDirection.Minimize, c =>
        {
            var labels = c.Predictions.GetColumn<float>(c.LabelColumnName).ToArray();
            var scores = c.Predictions.GetColumn<float>("Score").ToArray();
            return labels.Zip(scores, (l, s) => Math.Abs(l - s)).Max();
        });
        var search = new CrossValidationSearch<SdcaSearchSpace>(ml, data, c => c.CreateRegressionTrainer(ml), maxError, new CrossValidationSearchOptions { NumberOfFolds = 3 });

        var result = search.Optimize(new StudyOptions { Sampler = new RandomSampler(seed: 2) }, nTrials: 2);

        Assert.Equal(StudyDirection.Minimize, result.Study.Direction);
        Assert.Equal(["max_abs_error"], result.Study.MetricNames);
        Assert.Equal(result.Study.Trials.Min(t => t.Values![0]), result.BestValue);
        Assert.InRange(result.BestValue, 0.1, 20);
    }

    public static TheoryData<string> Spaces => ["LightGbm", "FastTree", "FastForest", "Sdca", "Lbfgs"];

    [Theory]
    [MemberData(nameof(Spaces))]
    public void EverySpacesInitialValuesLieInItsRanges(string space)
    {
        var (distributions, parameters) = space switch
        {
            "LightGbm" => (LightGbmSearchSpace.Distributions, new LightGbmSearchSpace().ToParams()),
            "FastTree" => (FastTreeSearchSpace.Distributions, new FastTreeSearchSpace().ToParams()),
            "FastForest" => (FastForestSearchSpace.Distributions, new FastForestSearchSpace().ToParams()),
            "Sdca" => (SdcaSearchSpace.Distributions, new SdcaSearchSpace().ToParams()),
            _ => (LbfgsLogisticRegressionSearchSpace.Distributions, new LbfgsLogisticRegressionSearchSpace().ToParams()),
        };

        Assert.Equal(distributions.Keys.Order(), parameters.Keys.Order());
        foreach (var (name, distribution) in distributions)
        {
            Assert.True(distribution.Contains(distribution.ToInternalRepr(parameters[name])), $"{space}.{name} = {parameters[name]} is outside {distribution}");
            Assert.False(distribution.IsSingle, $"{space}.{name} has a single value");
        }
    }

    [Fact]
    public void TheLightGbmSpaceSearchesTheUsualRanges()
    {
        var d = LightGbmSearchSpace.Distributions;
        Assert.Equal(new FloatDistribution(1e-8, 10.0, log: true), d["L1Regularization"]);
        Assert.Equal(new FloatDistribution(1e-8, 10.0, log: true), d["L2Regularization"]);
        Assert.Equal(new FloatDistribution(0.4, 1.0), d["FeatureFraction"]);
        Assert.Equal(new FloatDistribution(0.4, 1.0), d["BaggingFraction"]);
        Assert.Equal(new IntDistribution(4, 256, log: true), d["NumberOfLeaves"]);
        Assert.Equal(8, d.Count);
    }

    [Fact]
    public void LightGbmTrainsEveryTask()
    {
        var ml = new MLContext(seed: 1);
        var space = new LightGbmSearchSpace { NumberOfIterations = 30, BaggingFraction = 0.8, FeatureFraction = 0.9 };
        var options = new CrossValidationSearchOptions { NumberOfFolds = 2 };

        double auc = CrossValidate(ml, SyntheticData.Binary(ml), space, c => c.CreateBinaryTrainer(ml), BinaryMetric.Auc, options);
        double logLoss = CrossValidate(ml, SyntheticData.Binary(ml), space, c => c.CreateBinaryTrainer(ml), BinaryMetric.LogLoss, options);
        double r2 = CrossValidate(ml, SyntheticData.Regression(ml), space, c => c.CreateRegressionTrainer(ml), RegressionMetric.RSquared, options);
        double macro = CrossValidate(ml, SyntheticData.Multiclass(ml), space, c => KeyLabel(ml).Append(c.CreateMulticlassTrainer(ml)), MulticlassMetric.MacroAccuracy, options);
        double ndcg = CrossValidate(
            ml, SyntheticData.Ranking(ml), space, c => GroupKey(ml).Append(c.CreateRankingTrainer(ml)), RankingMetric.Ndcg(5),
            new CrossValidationSearchOptions { NumberOfFolds = 2, SamplingKeyColumnName = "Query" });

        Assert.True(auc > 0.85, $"AUC {auc}");
        Assert.InRange(logLoss, 0.01, 0.6);
        Assert.True(r2 > 0.7, $"R² {r2}");
        Assert.True(macro > 0.7, $"macro accuracy {macro}");
        Assert.True(ndcg > 0.7, $"NDCG@5 {ndcg}");
    }

    [Fact]
    public void FastTreeFastForestSdcaAndLbfgsTrainTheirTasks()
    {
        var ml = new MLContext(seed: 1);
        var options = new CrossValidationSearchOptions { NumberOfFolds = 2 };
        var binary = SyntheticData.Binary(ml);
        var regression = SyntheticData.Regression(ml);
        var multiclass = SyntheticData.Multiclass(ml);
        var trees = new FastTreeSearchSpace { NumberOfTrees = 30 };
        var forest = new FastForestSearchSpace { NumberOfTrees = 30 };
        var sdca = new SdcaSearchSpace();
        var lbfgs = new LbfgsLogisticRegressionSearchSpace();

        Assert.True(CrossValidate(ml, binary, trees, c => c.CreateBinaryTrainer(ml), BinaryMetric.Auc, options) > 0.85);
        Assert.True(CrossValidate(ml, regression, trees, c => c.CreateRegressionTrainer(ml), RegressionMetric.RSquared, options) > 0.6);
        Assert.True(CrossValidate(
            ml, SyntheticData.Ranking(ml), trees, c => GroupKey(ml).Append(c.CreateRankingTrainer(ml)), RankingMetric.Ndcg(5),
            new CrossValidationSearchOptions { NumberOfFolds = 2, SamplingKeyColumnName = "Query" }) > 0.7);
        Assert.True(CrossValidate(ml, binary, forest, c => c.CreateBinaryTrainer(ml), BinaryMetric.Auc, options) > 0.85);
        Assert.True(CrossValidate(ml, regression, forest, c => c.CreateRegressionTrainer(ml), RegressionMetric.RSquared, options) > 0.5);
        Assert.True(CrossValidate(ml, binary, sdca, c => c.CreateBinaryTrainer(ml), BinaryMetric.Auc, options) > 0.8);
        Assert.True(CrossValidate(ml, regression, sdca, c => c.CreateRegressionTrainer(ml), RegressionMetric.RSquared, options) > 0.6);
        Assert.True(CrossValidate(ml, multiclass, sdca, c => KeyLabel(ml).Append(c.CreateMulticlassTrainer(ml)), MulticlassMetric.MicroAccuracy, options) > 0.7);
        Assert.True(CrossValidate(ml, binary, lbfgs, c => c.CreateBinaryTrainer(ml), BinaryMetric.Auc, options) > 0.8);
        Assert.True(CrossValidate(ml, multiclass, lbfgs, c => KeyLabel(ml).Append(c.CreateMulticlassTrainer(ml)), MulticlassMetric.MicroAccuracy, options) > 0.7);
    }

    [Fact]
    public void ACalibratedMetricOnANonCalibratedTrainerFailsClearly()
    {
        var ml = new MLContext(seed: 1);
        var search = new CrossValidationSearch<FastForestSearchSpace>(
            ml, SyntheticData.Binary(ml), c => c.CreateBinaryTrainer(ml), BinaryMetric.LogLoss, new CrossValidationSearchOptions { NumberOfFolds = 2 });
        var ex = Assert.Throws<InvalidOperationException>(() => search.CrossValidate(new FastForestSearchSpace { NumberOfTrees = 20 }));
        Assert.Equal(
            "The metric 'log_loss' needs the 'Probability' column of a calibrated binary classifier; the model's output has none " +
            "(use a calibrated trainer, or a threshold-free metric such as 'auc').",
            ex.Message);
    }

    [Fact]
    public void RankingFoldsNeedTheGroupColumnInTheData()
    {
        var ml = new MLContext(seed: 1);
        var ex = Assert.Throws<ArgumentException>(() => new CrossValidationSearch<LightGbmSearchSpace>(
            ml, SyntheticData.Ranking(ml), c => GroupKey(ml).Append(c.CreateRankingTrainer(ml)), RankingMetric.Ndcg10));
        Assert.StartsWith(
            "Ranking folds keep the rows of a group together, but the group column 'GroupId' is not in the data; set GroupIdColumnName, " +
            "or SamplingKeyColumnName to the data column that identifies the group.",
            ex.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void RankingFoldsKeepEachQueryInOneFold()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Ranking(ml);
        var seenQueries = new List<HashSet<uint>>();
        var metric = MLMetric.Create("queries", MLTask.Ranking, StudyDirection.Maximize, c =>
        {
            seenQueries.Add([.. c.Predictions.GetColumn<uint>("Query")]);
            return 0;
        });
        var search = new CrossValidationSearch<LightGbmSearchSpace>(
            ml, data, c => GroupKey(ml).Append(c.CreateRankingTrainer(ml)), metric,
            new CrossValidationSearchOptions { NumberOfFolds = 3, GroupIdColumnName = "GroupId", SamplingKeyColumnName = "Query" });

        search.CrossValidate(new LightGbmSearchSpace { NumberOfIterations = 25 });

        Assert.Equal(3, seenQueries.Count);
        Assert.Equal(40, seenQueries.Sum(q => q.Count));                     // every query is tested in exactly one fold
        Assert.Equal(40, seenQueries.SelectMany(q => q).Distinct().Count());
    }

    private static double CrossValidate<TConfig>(
        MLContext ml, IDataView data, TConfig config, Func<TConfig, IEstimator<ITransformer>> create, MLMetric metric, CrossValidationSearchOptions options)
        where TConfig : ISearchSpace<TConfig> =>
        new CrossValidationSearch<TConfig>(ml, data, create, metric, options).CrossValidate(config).Mean;

    private static IEstimator<ITransformer> KeyLabel(MLContext ml) => ml.Transforms.Conversion.MapValueToKey("Label", "Class");

    private static IEstimator<ITransformer> GroupKey(MLContext ml) => ml.Transforms.Conversion.MapValueToKey("GroupId", "Query");

    private static List<MLMetric> AllMetrics() =>
    [
        RegressionMetric.RSquared, RegressionMetric.MeanAbsoluteError, RegressionMetric.MeanSquaredError, RegressionMetric.RootMeanSquaredError,
        BinaryMetric.Auc, BinaryMetric.AreaUnderPrecisionRecallCurve, BinaryMetric.Accuracy, BinaryMetric.F1Score, BinaryMetric.LogLoss, BinaryMetric.LogLossReduction,
        MulticlassMetric.MacroAccuracy, MulticlassMetric.MicroAccuracy, MulticlassMetric.LogLoss, MulticlassMetric.LogLossReduction,
        RankingMetric.Ndcg10, RankingMetric.Dcg(5),
    ];
}
