using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace Sharptune.ML.SearchSpaces;

/// <summary>
/// A search space for ML.NET's FastForest (random forests: binary, regression). The initial values are ML.NET's
/// defaults. Copy this type and edit the attributes to change the space.
/// </summary>
public sealed partial class FastForestSearchSpace
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

    /// <summary>Gets or sets the fraction of features each tree sees (ML.NET's default 0.7).</summary>
    [FloatParam(0.3, 1.0)]
    public double FeatureFraction { get; set; } = 0.7;

    /// <summary>Gets or sets the fraction of rows in each tree's bag (ML.NET's default 0.7).</summary>
    [FloatParam(0.3, 1.0)]
    public double BaggingExampleFraction { get; set; } = 0.7;

    /// <summary>Creates a FastForest binary classifier with these hyperparameters.</summary>
    /// <param name="mlContext">The ML context.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="configure">Sets further options after these hyperparameters.</param>
    /// <returns>The trainer (not calibrated: use threshold-free metrics such as AUC, or append a calibrator).</returns>
    public FastForestBinaryTrainer CreateBinaryTrainer(
        MLContext mlContext, string labelColumnName = "Label", string featureColumnName = "Features", Action<FastForestBinaryTrainer.Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var options = Options<FastForestBinaryTrainer.Options>(labelColumnName, featureColumnName);
        configure?.Invoke(options);
        return mlContext.BinaryClassification.Trainers.FastForest(options);
    }

    /// <summary>Creates a FastForest regressor with these hyperparameters.</summary>
    /// <param name="mlContext">The ML context.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="configure">Sets further options after these hyperparameters.</param>
    /// <returns>The trainer.</returns>
    public FastForestRegressionTrainer CreateRegressionTrainer(
        MLContext mlContext, string labelColumnName = "Label", string featureColumnName = "Features", Action<FastForestRegressionTrainer.Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var options = Options<FastForestRegressionTrainer.Options>(labelColumnName, featureColumnName);
        configure?.Invoke(options);
        return mlContext.Regression.Trainers.FastForest(options);
    }

    /// <summary>The trainer options of any task with these hyperparameters and the given columns.</summary>
    private TOptions Options<TOptions>(string labelColumnName, string featureColumnName)
        where TOptions : FastForestOptionsBase, new() => new()
    {
        LabelColumnName = labelColumnName,
        FeatureColumnName = featureColumnName,
        NumberOfLeaves = NumberOfLeaves,
        MinimumExampleCountPerLeaf = MinimumExampleCountPerLeaf,
        NumberOfTrees = NumberOfTrees,
        FeatureFraction = FeatureFraction,
        BaggingExampleFraction = BaggingExampleFraction,
    };
}
