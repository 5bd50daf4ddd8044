using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Sharptune.ML;

/// <summary>
/// A metric computed on the scored test set of each cross-validation fold, with the direction in which it improves.
/// The predefined metrics are in <see cref="RegressionMetric"/>, <see cref="BinaryMetric"/>,
/// <see cref="MulticlassMetric"/> and <see cref="RankingMetric"/>; <see cref="Create"/> makes a custom one.
/// </summary>
public sealed class MLMetric
{
    private readonly Func<MLMetricContext, double> _evaluate;

    private MLMetric(string name, MLTask task, StudyDirection direction, Func<MLMetricContext, double> evaluate)
    {
        Name = name;
        Task = task;
        Direction = direction;
        _evaluate = evaluate;
    }

    /// <summary>Gets the metric's name (also the study's metric name).</summary>
    public string Name { get; }

    /// <summary>Gets the task the metric evaluates; ranking folds keep the rows of a group together.</summary>
    public MLTask Task { get; }

    /// <summary>Gets the direction in which the metric improves: the direction of the study.</summary>
    public StudyDirection Direction { get; }

    /// <summary>Creates a custom metric.</summary>
    /// <param name="name">The name.</param>
    /// <param name="task">The task (decides how folds are drawn: ranking folds keep groups together).</param>
    /// <param name="direction">The direction in which the metric improves.</param>
    /// <param name="evaluate">Computes the metric from a fold's scored test set.</param>
    /// <returns>The metric.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or <paramref name="direction"/> is not Minimize or Maximize.</exception>
    public static MLMetric Create(string name, MLTask task, StudyDirection direction, Func<MLMetricContext, double> evaluate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(evaluate);
        if (!Enum.IsDefined(task))
        {
            throw new ArgumentOutOfRangeException(nameof(task), task, "Unknown task.");
        }

        if (direction is not (StudyDirection.Minimize or StudyDirection.Maximize))
        {
            throw new ArgumentException(
                $"Please set either 'minimize' or 'maximize' to direction. You specified {direction}.", nameof(direction));
        }

        return new MLMetric(name, task, direction, evaluate);
    }

    /// <summary>Computes the metric on a scored test set.</summary>
    /// <param name="context">The scored test set and its columns.</param>
    /// <returns>The metric value.</returns>
    public double Evaluate(MLMetricContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return _evaluate(context);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Task}, {Direction.ToString().ToLowerInvariant()})";

    internal static MLMetric Predefined(string name, MLTask task, StudyDirection direction, Func<MLMetricContext, double> evaluate) =>
        new(name, task, direction, evaluate);
}

/// <summary>What a metric reads: the ML context, a fold's scored test set and the column names.</summary>
/// <param name="MLContext">The ML context.</param>
/// <param name="Predictions">The test set of the fold transformed by the model trained on the other folds.</param>
/// <param name="LabelColumnName">The label column.</param>
/// <param name="GroupIdColumnName">The row-group column (ranking).</param>
public sealed record MLMetricContext(MLContext MLContext, IDataView Predictions, string LabelColumnName, string GroupIdColumnName);

/// <summary>Regression metrics (ML.NET's <see cref="RegressionMetrics"/>).</summary>
public static class RegressionMetric
{
    /// <summary>Gets the coefficient of determination R² (maximized).</summary>
    public static MLMetric RSquared { get; } = Create("r_squared", StudyDirection.Maximize, m => m.RSquared);

    /// <summary>Gets the mean absolute error (minimized).</summary>
    public static MLMetric MeanAbsoluteError { get; } = Create("mean_absolute_error", StudyDirection.Minimize, m => m.MeanAbsoluteError);

    /// <summary>Gets the mean squared error (minimized).</summary>
    public static MLMetric MeanSquaredError { get; } = Create("mean_squared_error", StudyDirection.Minimize, m => m.MeanSquaredError);

    /// <summary>Gets the root mean squared error (minimized).</summary>
    public static MLMetric RootMeanSquaredError { get; } = Create("root_mean_squared_error", StudyDirection.Minimize, m => m.RootMeanSquaredError);

    private static MLMetric Create(string name, StudyDirection direction, Func<RegressionMetrics, double> select) =>
        MLMetric.Predefined(name, MLTask.Regression, direction, c =>
            select(c.MLContext.Regression.Evaluate(c.Predictions, c.LabelColumnName)));
}

/// <summary>
/// Binary classification metrics. The threshold-free and thresholded metrics read the <c>Score</c> and
/// <c>PredictedLabel</c> columns, so they work with calibrated and non-calibrated trainers (e.g. FastForest); the
/// log-loss metrics need the <c>Probability</c> column of a calibrated trainer.
/// </summary>
public static class BinaryMetric
{
    private const string ProbabilityColumnName = "Probability";

    /// <summary>Gets the area under the ROC curve (maximized).</summary>
    public static MLMetric Auc { get; } = Create("auc", StudyDirection.Maximize, m => m.AreaUnderRocCurve);

    /// <summary>Gets the area under the precision-recall curve (maximized).</summary>
    public static MLMetric AreaUnderPrecisionRecallCurve { get; } = Create("auprc", StudyDirection.Maximize, m => m.AreaUnderPrecisionRecallCurve);

    /// <summary>Gets the accuracy (maximized).</summary>
    public static MLMetric Accuracy { get; } = Create("accuracy", StudyDirection.Maximize, m => m.Accuracy);

    /// <summary>Gets the F1 score of the positive class (maximized).</summary>
    public static MLMetric F1Score { get; } = Create("f1_score", StudyDirection.Maximize, m => m.F1Score);

    /// <summary>Gets the log loss of the calibrated probability (minimized).</summary>
    public static MLMetric LogLoss { get; } = CreateCalibrated("log_loss", StudyDirection.Minimize, m => m.LogLoss);

    /// <summary>Gets the log-loss reduction relative to the prior (maximized).</summary>
    public static MLMetric LogLossReduction { get; } = CreateCalibrated("log_loss_reduction", StudyDirection.Maximize, m => m.LogLossReduction);

    private static MLMetric Create(string name, StudyDirection direction, Func<BinaryClassificationMetrics, double> select) =>
        MLMetric.Predefined(name, MLTask.BinaryClassification, direction, c =>
            select(c.MLContext.BinaryClassification.EvaluateNonCalibrated(c.Predictions, c.LabelColumnName)));

    private static MLMetric CreateCalibrated(string name, StudyDirection direction, Func<CalibratedBinaryClassificationMetrics, double> select) =>
        MLMetric.Predefined(name, MLTask.BinaryClassification, direction, c =>
        {
            if (c.Predictions.Schema.GetColumnOrNull(ProbabilityColumnName) is null)
            {
                throw new InvalidOperationException(
                    $"The metric '{name}' needs the '{ProbabilityColumnName}' column of a calibrated binary " +
                    "classifier; the model's output has none (use a calibrated trainer, or a threshold-free metric such as 'auc').");
            }

            return select(c.MLContext.BinaryClassification.Evaluate(c.Predictions, c.LabelColumnName));
        });
}

/// <summary>Multiclass classification metrics (ML.NET's <see cref="MulticlassClassificationMetrics"/>).</summary>
public static class MulticlassMetric
{
    /// <summary>Gets the macro-averaged accuracy: the mean of the per-class accuracies (maximized).</summary>
    public static MLMetric MacroAccuracy { get; } = Create("macro_accuracy", StudyDirection.Maximize, m => m.MacroAccuracy);

    /// <summary>Gets the micro-averaged accuracy: the fraction of rows classified correctly (maximized).</summary>
    public static MLMetric MicroAccuracy { get; } = Create("micro_accuracy", StudyDirection.Maximize, m => m.MicroAccuracy);

    /// <summary>Gets the log loss (minimized).</summary>
    public static MLMetric LogLoss { get; } = Create("log_loss", StudyDirection.Minimize, m => m.LogLoss);

    /// <summary>Gets the log-loss reduction relative to the prior (maximized).</summary>
    public static MLMetric LogLossReduction { get; } = Create("log_loss_reduction", StudyDirection.Maximize, m => m.LogLossReduction);

    private static MLMetric Create(string name, StudyDirection direction, Func<MulticlassClassificationMetrics, double> select) =>
        MLMetric.Predefined(name, MLTask.MulticlassClassification, direction, c =>
            select(c.MLContext.MulticlassClassification.Evaluate(c.Predictions, c.LabelColumnName)));
}

/// <summary>Ranking metrics (ML.NET's <see cref="RankingMetrics"/>), truncated at a rank.</summary>
public static class RankingMetric
{
    /// <summary>Gets the normalized discounted cumulative gain at rank 10 (maximized).</summary>
    public static MLMetric Ndcg10 { get; } = Ndcg(10);

    /// <summary>Creates the normalized discounted cumulative gain at rank <paramref name="k"/> (maximized).</summary>
    /// <param name="k">The truncation rank, at least 1.</param>
    /// <returns>The metric <c>ndcg@k</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    public static MLMetric Ndcg(int k) => Create("ndcg", k, StudyDirection.Maximize, m => m.NormalizedDiscountedCumulativeGains);

    /// <summary>Creates the discounted cumulative gain at rank <paramref name="k"/> (maximized).</summary>
    /// <param name="k">The truncation rank, at least 1.</param>
    /// <returns>The metric <c>dcg@k</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    public static MLMetric Dcg(int k) => Create("dcg", k, StudyDirection.Maximize, m => m.DiscountedCumulativeGains);

    private static MLMetric Create(string name, int k, StudyDirection direction, Func<RankingMetrics, IReadOnlyList<double>> select)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var options = new RankingEvaluatorOptions { DcgTruncationLevel = k };
        return MLMetric.Predefined(
            string.Create(CultureInfo.InvariantCulture, $"{name}@{k}"), MLTask.Ranking, direction, c =>
            {
                var values = select(c.MLContext.Ranking.Evaluate(c.Predictions, options, c.LabelColumnName, c.GroupIdColumnName));
                return values[k - 1];
            });
    }
}
