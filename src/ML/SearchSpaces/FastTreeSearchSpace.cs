using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace Sharptune.ML.SearchSpaces;

/// <summary>
/// A search space for ML.NET's FastTree (gradient-boosted trees: binary, regression, ranking). The initial values
/// are ML.NET's defaults. Copy this type and edit the attributes to change the space.
/// </summary>
public sealed partial class FastTreeSearchSpace
{
    /// <summary>Gets or sets the maximum number of leaves per tree (ML.NET's default 20).</summary>
    [IntParam(4, 128, Log = true)]
    public int NumberOfLeaves { get; set; } = 20;

    /// <summary>Gets or sets the minimum number of rows in a leaf (ML.NET's default 10).</summary>
    [IntParam(2, 100, Log = true)]
    public int MinimumExampleCountPerLeaf { get; set; } = 10;

    /// <summary>Gets or sets the number of trees (ML.NET's default 100).</summary>
    [IntParam(20, 400, Log = true)]
    public int NumberOfTrees { get; set; } = 100;

    /// <summary>Gets or sets the learning rate (ML.NET's default 0.2).</summary>
    [FloatParam(0.01, 0.5, Log = true)]
    public double LearningRate { get; set; } = 0.2;

    /// <summary>Gets or sets the fraction of features each tree sees (ML.NET's default 1).</summary>
    [FloatParam(0.4, 1.0)]
    public double FeatureFraction { get; set; } = 1.0;

    /// <summary>Creates a FastTree binary classifier with these hyperparameters.</summary>
    /// <param name="mlContext">The ML context.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="configure">Sets further options after these hyperparameters.</param>
    /// <returns>The trainer.</returns>
    public FastTreeBinaryTrainer CreateBinaryTrainer(
        MLContext mlContext, string labelColumnName = "Label", string featureColumnName = "Features", Action<FastTreeBinaryTrainer.Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var options = Options<FastTreeBinaryTrainer.Options>(labelColumnName, featureColumnName);
        configure?.Invoke(options);
        return mlContext.BinaryClassification.Trainers.FastTree(options);
    }

    /// <summary>Creates a FastTree regressor with these hyperparameters.</summary>
    /// <param name="mlContext">The ML context.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="configure">Sets further options after these hyperparameters.</param>
    /// <returns>The trainer.</returns>
    public FastTreeRegressionTrainer CreateRegressionTrainer(
        MLContext mlContext, string labelColumnName = "Label", string featureColumnName = "Features", Action<FastTreeRegressionTrainer.Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var options = Options<FastTreeRegressionTrainer.Options>(labelColumnName, featureColumnName);
        configure?.Invoke(options);
        return mlContext.Regression.Trainers.FastTree(options);
    }

    /// <summary>Creates a FastTree ranker (LambdaMART) with these hyperparameters.</summary>
    /// <param name="mlContext">The ML context.</param>
    /// <param name="labelColumnName">The relevance label column.</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="rowGroupColumnName">The row-group (query) column.</param>
    /// <param name="configure">Sets further options after these hyperparameters.</param>
    /// <returns>The trainer.</returns>
    public FastTreeRankingTrainer CreateRankingTrainer(
        MLContext mlContext,
        string labelColumnName = "Label",
        string featureColumnName = "Features",
        string rowGroupColumnName = "GroupId",
        Action<FastTreeRankingTrainer.Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var options = Options<FastTreeRankingTrainer.Options>(labelColumnName, featureColumnName);
        options.RowGroupColumnName = rowGroupColumnName;
        configure?.Invoke(options);
        return mlContext.Ranking.Trainers.FastTree(options);
    }

    /// <summary>The trainer options of any task with these hyperparameters and the given columns.</summary>
    private TOptions Options<TOptions>(string labelColumnName, string featureColumnName)
        where TOptions : BoostedTreeOptions, new() => new()
    {
        LabelColumnName = labelColumnName,
        FeatureColumnName = featureColumnName,
        NumberOfLeaves = NumberOfLeaves,
        MinimumExampleCountPerLeaf = MinimumExampleCountPerLeaf,
        NumberOfTrees = NumberOfTrees,
        LearningRate = LearningRate,
        FeatureFraction = FeatureFraction,
    };
}
