using Microsoft.ML;
using Microsoft.ML.Trainers;

namespace Sharptune.ML.SearchSpaces;

/// <summary>
/// A search space for ML.NET's SDCA linear trainers: logistic regression (binary), maximum entropy (multiclass) and
/// least squares (regression). ML.NET picks L1, L2 and the number of passes from the data when they are left unset;
/// this space searches them explicitly (regularizations on a log scale). Features should be normalized. Copy this
/// type and edit the attributes to change the space.
/// </summary>
public sealed partial class SdcaSearchSpace
{
    /// <summary>Gets or sets the L2 regularization weight.</summary>
    [FloatParam(1e-6, 10.0, Log = true)]
    public double L2Regularization { get; set; } = 1e-3;

    /// <summary>Gets or sets the L1 regularization weight (soft threshold).</summary>
    [FloatParam(1e-6, 1.0, Log = true)]
    public double L1Regularization { get; set; } = 1e-6;

    /// <summary>Gets or sets the maximum number of passes over the data.</summary>
    [IntParam(5, 100, Log = true)]
    public int MaximumNumberOfIterations { get; set; } = 20;

    /// <summary>Creates an SDCA logistic-regression binary classifier with these hyperparameters.</summary>
    /// <param name="mlContext">The ML context.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="configure">Sets further options after these hyperparameters.</param>
    /// <returns>The trainer.</returns>
    public SdcaLogisticRegressionBinaryTrainer CreateBinaryTrainer(
        MLContext mlContext, string labelColumnName = "Label", string featureColumnName = "Features", Action<SdcaLogisticRegressionBinaryTrainer.Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var options = new SdcaLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            L2Regularization = (float)L2Regularization,
            L1Regularization = (float)L1Regularization,
            MaximumNumberOfIterations = MaximumNumberOfIterations,
        };
        configure?.Invoke(options);
        return mlContext.BinaryClassification.Trainers.SdcaLogisticRegression(options);
    }

    /// <summary>Creates an SDCA maximum-entropy multiclass classifier with these hyperparameters.</summary>
    /// <param name="mlContext">The ML context.</param>
    /// <param name="labelColumnName">The label column (key type).</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="configure">Sets further options after these hyperparameters.</param>
    /// <returns>The trainer.</returns>
    public SdcaMaximumEntropyMulticlassTrainer CreateMulticlassTrainer(
        MLContext mlContext, string labelColumnName = "Label", string featureColumnName = "Features", Action<SdcaMaximumEntropyMulticlassTrainer.Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var options = new SdcaMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            L2Regularization = (float)L2Regularization,
            L1Regularization = (float)L1Regularization,
            MaximumNumberOfIterations = MaximumNumberOfIterations,
        };
        configure?.Invoke(options);
        return mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy(options);
    }

    /// <summary>Creates an SDCA least-squares regressor with these hyperparameters.</summary>
    /// <param name="mlContext">The ML context.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The feature column.</param>
    /// <param name="configure">Sets further options after these hyperparameters.</param>
    /// <returns>The trainer.</returns>
    public SdcaRegressionTrainer CreateRegressionTrainer(
        MLContext mlContext, string labelColumnName = "Label", string featureColumnName = "Features", Action<SdcaRegressionTrainer.Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        var options = new SdcaRegressionTrainer.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            L2Regularization = (float)L2Regularization,
            L1Regularization = (float)L1Regularization,
            MaximumNumberOfIterations = MaximumNumberOfIterations,
        };
        configure?.Invoke(options);
        return mlContext.Regression.Trainers.Sdca(options);
    }
}
