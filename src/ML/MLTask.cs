namespace Sharptune.ML;

/// <summary>The kind of machine-learning task a metric evaluates.</summary>
public enum MLTask
{
    /// <summary>Regression: a real-valued label and a <c>Score</c> column.</summary>
    Regression,

    /// <summary>Binary classification: a Boolean label, <c>Score</c> and <c>PredictedLabel</c> columns (and <c>Probability</c> for calibrated metrics).</summary>
    BinaryClassification,

    /// <summary>Multiclass classification: a key-typed label, <c>Score</c> and <c>PredictedLabel</c> columns.</summary>
    MulticlassClassification,

    /// <summary>Ranking: a label, a row-group column (the query) and a <c>Score</c> column; folds never split a group.</summary>
    Ranking,
}
