namespace Sharptune.Importance;

/// <summary>
/// Mean decrease impurity (Optuna's <c>MeanDecreaseImpurityImportanceEvaluator</c>): a random forest of exact CART
/// regression trees is fit to the objective values of the COMPLETE trials, and the importance of a parameter is the
/// weighted decrease of squared error achieved by the splits on it (scikit-learn's <c>feature_importances_</c>),
/// summed over a categorical's one-hot columns.
/// </summary>
/// <remarks>
/// Only parameters present in every COMPLETE trial are assessed. Numeric parameters are used on their raw scale,
/// categorical ones one-hot. The forest's random stream differs from scikit-learn's, so the values match Optuna's
/// statistically, not digit for digit.
/// </remarks>
public sealed class MeanDecreaseImpurityImportanceEvaluator : IImportanceEvaluator
{
    /// <summary>Initializes a new instance of the <see cref="MeanDecreaseImpurityImportanceEvaluator"/> class.</summary>
    /// <param name="nTrees">The number of trees in the forest.</param>
    /// <param name="maxDepth">The maximum depth of each tree.</param>
    /// <param name="seed">The seed of the forest; <see langword="null"/> gives a different forest on every call.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nTrees"/> or <paramref name="maxDepth"/> is less than 1.</exception>
    public MeanDecreaseImpurityImportanceEvaluator(int nTrees = 64, int maxDepth = 64, int? seed = null)
    {
        ForestOptions.Check(nTrees, maxDepth);
        NTrees = nTrees;
        MaxDepth = maxDepth;
        Seed = seed;
    }

    /// <summary>Gets the number of trees (default 64).</summary>
    public int NTrees { get; }

    /// <summary>Gets the maximum depth of each tree (default 64).</summary>
    public int MaxDepth { get; }

    /// <summary>Gets the seed of the forest, or <see langword="null"/>.</summary>
    public int? Seed { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">
    /// A multi-objective study without a target, a named parameter missing from every COMPLETE trial, or named
    /// parameters whose distributions change between trials.
    /// </exception>
    public IReadOnlyDictionary<string, double> Evaluate(Study study, IReadOnlyList<string>? parameters = null,
        Func<FrozenTrial, double>? target = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        if (target is null && study.IsMultiObjective)
        {
            throw new ArgumentException(ImportanceInputs.MultiObjectiveTargetMessage, nameof(target));
        }

        var complete = ImportanceInputs.CompleteTrials(study);
        var names = ImportanceInputs.CheckNames(parameters);
        var distributions = ImportanceInputs.SharedDistributions(complete, names);
        if (distributions.Count == 0)
        {
            return ImportanceInputs.Zeros([]);
        }

        IReadOnlyList<string> required = names ?? [.. distributions.Keys];
        var data = ForestInputs.Collect(complete, distributions, required, target);
        if (data.Rows <= 1)
        {
            return ImportanceInputs.Zeros(required);
        }

        var transform = data.Transform;
        var forest = RegressionForest.Fit(data.X, data.Y, data.Rows, transform.ColumnCount, NTrees, MaxDepth, Seed);
        var columns = forest.FeatureImportances();
        var importances = new List<KeyValuePair<string, double>>(distributions.Count);
        for (int p = 0; p < transform.ParamNames.Count; p++)
        {
            double sum = 0;
            for (int c = transform.ColumnStarts[p]; c < transform.ColumnStarts[p + 1]; c++)
            {
                sum += columns[c];
            }

            importances.Add(new(transform.ParamNames[p], sum));
        }

        return ImportanceInputs.SortDescending(importances);
    }
}
