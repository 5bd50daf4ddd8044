using Microsoft.ML;
using Microsoft.ML.Trainers.LightGbm;

namespace Sharptune.ML.SearchSpaces;

/// <summary>
/// A search space for ML.NET's LightGBM trainers (binary, multiclass, regression, ranking). The ranges follow the
/// usual LightGBM tuning practice (Optuna's LightGBM tuner: L1/L2 in [1e-8, 10] on a log scale, feature and bagging
/// fractions in [0.4, 1], leaves up to 256, at least 5 rows per leaf) plus the learning rate and the number of
/// boosting rounds. The initial values are LightGBM's defaults. Copy this type and edit the attributes to change the
/// space.
/// </summary>
public sealed partial class LightGbmSearchSpace
{
    /// <summary>Gets or sets the maximum number of leaves per tree (LightGBM <c>num_leaves</c>).</summary>
    [IntParam(4, 256, Log = true)]
    public int NumberOfLeaves { get; set; } = 31;

    /// <summary>Gets or sets the minimum number of rows in a leaf (LightGBM <c>min_data_in_leaf</c>).</summary>
    [IntParam(5, 100, Log = true)]
    public int MinimumExampleCountPerLeaf { get; set; } = 20;

    /// <summary>Gets or sets the learning rate (shrinkage).</summary>
    [FloatParam(0.01, 0.3, Log = true)]
    public double LearningRate { get; set; } = 0.1;

    /// <summary>Gets or sets the number of boosting rounds.</summary>
    [IntParam(25, 400, Log = true)]
    public int NumberOfIterations { get; set; } = 100;

    /// <summary>Gets or sets the L1 regularization of the leaf values (LightGBM <c>lambda_l1</c>).</summary>
    [FloatParam(1e-8, 10.0, Log = true)]
    public double L1Regularization { get; set; } = 1e-8;

    /// <summary>Gets or sets the L2 regularization of the leaf values (LightGBM <c>lambda_l2</c>; ML.NET's default 0.01).</summary>
    [FloatParam(1e-8, 10.0, Log = true)]
    public double L2Regularization { get; set; } = 0.01;

    /// <summary>Gets or sets the fraction of features each tree sees (LightGBM <c>feature_fraction</c>).</summary>
    [FloatParam(0.4, 1.0)]
    public double FeatureFraction { get; set; } = 1.0;

    /// <summary>Gets or sets the fraction of rows each tree is trained on (LightGBM <c>bagging_fraction</c>, drawn anew for every tree when below 1).</summary>
    [FloatParam(0.4, 1.0)]
    public double BaggingFraction { get; set; } = 1.0;

    /// <summary>Creates a LightGBM binary classifier with these hyperparameters.</summary>
    /// <param name="mlContext">The ML context.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="configure">Sets further options (seed, threads, …) after these hyperparameters.</param>
    /// <returns>The trainer.</returns>
    public LightGbmBinaryTrainer CreateBinaryTrainer(
        MLContext mlContext, string labelColumnName = "Label", string featureColumnName = "Features", Action<LightGbmBinaryTrainer.Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var options = new LightGbmBinaryTrainer.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            NumberOfLeaves = NumberOfLeaves,
            MinimumExampleCountPerLeaf = MinimumExampleCountPerLeaf,
            LearningRate = LearningRate,
            NumberOfIterations = NumberOfIterations,
            Booster = CreateBooster(),
        };
        configure?.Invoke(options);
        return mlContext.BinaryClassification.Trainers.LightGbm(options);
    }

    /// <summary>Creates a LightGBM multiclass classifier with these hyperparameters.</summary>
    /// <param name="mlContext">The ML context.</param>
    /// <param name="labelColumnName">The label column (key type).</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="configure">Sets further options (seed, threads, …) after these hyperparameters.</param>
    /// <returns>The trainer.</returns>
    public LightGbmMulticlassTrainer CreateMulticlassTrainer(
        MLContext mlContext, string labelColumnName = "Label", string featureColumnName = "Features", Action<LightGbmMulticlassTrainer.Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var options = new LightGbmMulticlassTrainer.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            NumberOfLeaves = NumberOfLeaves,
            MinimumExampleCountPerLeaf = MinimumExampleCountPerLeaf,
            LearningRate = LearningRate,
            NumberOfIterations = NumberOfIterations,
            Booster = CreateBooster(),
        };
        configure?.Invoke(options);
        return mlContext.MulticlassClassification.Trainers.LightGbm(options);
    }

    /// <summary>Creates a LightGBM regressor with these hyperparameters.</summary>
    /// <param name="mlContext">The ML context.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="configure">Sets further options (seed, threads, …) after these hyperparameters.</param>
    /// <returns>The trainer.</returns>
    public LightGbmRegressionTrainer CreateRegressionTrainer(
        MLContext mlContext, string labelColumnName = "Label", string featureColumnName = "Features", Action<LightGbmRegressionTrainer.Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var options = new LightGbmRegressionTrainer.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            NumberOfLeaves = NumberOfLeaves,
            MinimumExampleCountPerLeaf = MinimumExampleCountPerLeaf,
            LearningRate = LearningRate,
            NumberOfIterations = NumberOfIterations,
            Booster = CreateBooster(),
        };
        configure?.Invoke(options);
        return mlContext.Regression.Trainers.LightGbm(options);
    }

    /// <summary>Creates a LightGBM ranker (LambdaRank) with these hyperparameters.</summary>
    /// <param name="mlContext">The ML context.</param>
    /// <param name="labelColumnName">The relevance label column.</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="rowGroupColumnName">The row-group (query) column.</param>
    /// <param name="configure">Sets further options (seed, threads, …) after these hyperparameters.</param>
    /// <returns>The trainer.</returns>
    public LightGbmRankingTrainer CreateRankingTrainer(
        MLContext mlContext,
        string labelColumnName = "Label",
        string featureColumnName = "Features",
        string rowGroupColumnName = "GroupId",
        Action<LightGbmRankingTrainer.Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var options = new LightGbmRankingTrainer.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            RowGroupColumnName = rowGroupColumnName,
            NumberOfLeaves = NumberOfLeaves,
            MinimumExampleCountPerLeaf = MinimumExampleCountPerLeaf,
            LearningRate = LearningRate,
            NumberOfIterations = NumberOfIterations,
            Booster = CreateBooster(),
        };
        configure?.Invoke(options);
        return mlContext.Ranking.Trainers.LightGbm(options);
    }

    private GradientBooster.Options CreateBooster() => new()
    {
        L1Regularization = L1Regularization,
        L2Regularization = L2Regularization,
        FeatureFraction = FeatureFraction,
        SubsampleFraction = BaggingFraction,
        SubsampleFrequency = BaggingFraction < 1.0 ? 1 : 0,
    };
}
