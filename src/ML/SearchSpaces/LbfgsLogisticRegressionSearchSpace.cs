using Microsoft.ML;
using Microsoft.ML.Trainers;

namespace Sharptune.ML.SearchSpaces;

/// <summary>
/// A search space for ML.NET's L-BFGS logistic regression (binary) and maximum entropy (multiclass): the L1 and L2
/// weights on a log scale, the optimizer's tolerance and its memory. The initial values are ML.NET's defaults.
/// Features should be normalized. Copy this type and edit the attributes to change the space.
/// </summary>
public sealed partial class LbfgsLogisticRegressionSearchSpace
{
    /// <summary>Gets or sets the L2 regularization weight (ML.NET's default 1).</summary>
    [FloatParam(1e-4, 10.0, Log = true)]
    public double L2Regularization { get; set; } = 1.0;

    /// <summary>Gets or sets the L1 regularization weight (ML.NET's default 1).</summary>
    [FloatParam(1e-4, 10.0, Log = true)]
    public double L1Regularization { get; set; } = 1.0;

    /// <summary>Gets or sets the convergence tolerance (ML.NET's default 1e-7).</summary>
    [FloatParam(1e-8, 1e-4, Log = true)]
    public double OptimizationTolerance { get; set; } = 1e-7;

    /// <summary>Gets or sets the number of past updates L-BFGS keeps (ML.NET's default 20).</summary>
    [IntParam(5, 50)]
    public int HistorySize { get; set; } = 20;

    /// <summary>Creates an L-BFGS logistic-regression binary classifier with these hyperparameters.</summary>
    /// <param name="mlContext">The ML context.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="configure">Sets further options after these hyperparameters.</param>
    /// <returns>The trainer.</returns>
    public LbfgsLogisticRegressionBinaryTrainer CreateBinaryTrainer(
        MLContext mlContext, string labelColumnName = "Label", string featureColumnName = "Features", Action<LbfgsLogisticRegressionBinaryTrainer.Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var options = new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            L2Regularization = (float)L2Regularization,
            L1Regularization = (float)L1Regularization,
            OptimizationTolerance = (float)OptimizationTolerance,
            HistorySize = HistorySize,
        };
        configure?.Invoke(options);
        return mlContext.BinaryClassification.Trainers.LbfgsLogisticRegression(options);
    }

    /// <summary>Creates an L-BFGS maximum-entropy multiclass classifier with these hyperparameters.</summary>
    /// <param name="mlContext">The ML context.</param>
    /// <param name="labelColumnName">The label column (key type).</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="configure">Sets further options after these hyperparameters.</param>
    /// <returns>The trainer.</returns>
    public LbfgsMaximumEntropyMulticlassTrainer CreateMulticlassTrainer(
        MLContext mlContext, string labelColumnName = "Label", string featureColumnName = "Features", Action<LbfgsMaximumEntropyMulticlassTrainer.Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var options = new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            L2Regularization = (float)L2Regularization,
            L1Regularization = (float)L1Regularization,
            OptimizationTolerance = (float)OptimizationTolerance,
            HistorySize = HistorySize,
        };
        configure?.Invoke(options);
        return mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy(options);
    }
}
