namespace Sharptune.ML;

/// <summary>Options of <see cref="CrossValidationSearch{TConfig}"/>: the folds and the columns.</summary>
public sealed class CrossValidationSearchOptions
{
    /// <summary>Gets or sets the number of cross-validation folds, at least 2 (default 5).</summary>
    public int NumberOfFolds { get; set; } = 5;

    /// <summary>
    /// Gets or sets the seed that assigns rows to folds (default 0). Every configuration is evaluated on the same
    /// folds, so fold <c>k</c> of one trial is comparable with fold <c>k</c> of another — what a pruner compares.
    /// </summary>
    public int Seed { get; set; }

    /// <summary>Gets or sets the label column of the scored data (default <c>Label</c>).</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>Gets or sets the row-group (query) column of ranking data (default <c>GroupId</c>).</summary>
    public string GroupIdColumnName { get; set; } = "GroupId";

    /// <summary>
    /// Gets or sets a column of the input data whose equal values always land in the same fold (ML.NET's
    /// <c>samplingKeyColumnName</c>). <see langword="null"/> (the default) assigns rows at random, except for a
    /// ranking metric, whose folds keep each group of <see cref="GroupIdColumnName"/> together.
    /// </summary>
    public string? SamplingKeyColumnName { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the training and test set of each fold are cached in memory once and
    /// reused by every trial (default <see langword="true"/>; turn it off for data larger than memory).
    /// </summary>
    public bool CacheFolds { get; set; } = true;
}
