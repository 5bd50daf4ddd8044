namespace Sharptune.Importance;

/// <summary>
/// fANOVA (Optuna's <c>FanovaImportanceEvaluator</c>; Hutter et al., "An Efficient Approach for Assessing
/// Hyperparameter Importance", ICML 2014): a random forest of exact CART regression trees is fit to the objective
/// values of the COMPLETE trials, and the importance of a parameter is the share of each tree's variance over the
/// search space that its marginal prediction along the parameter explains, averaged over the trees.
/// </summary>
/// <remarks>
/// Numeric parameters are used on their raw scale (no log transform), categorical ones one-hot (a categorical's
/// columns are marginalized together). Only parameters present in every COMPLETE trial are assessed;
/// single-valued ones get 0. The forest is only as good as its coverage of the space: an exploring sampler
/// (e.g. random) gives more reliable importances. The forest's random stream differs from scikit-learn's, so the
/// values match Optuna's statistically, not digit for digit.
/// </remarks>
public sealed class FanovaImportanceEvaluator : IImportanceEvaluator
{
    /// <summary>Initializes a new instance of the <see cref="FanovaImportanceEvaluator"/> class.</summary>
    /// <param name="nTrees">The number of trees in the forest.</param>
    /// <param name="maxDepth">The maximum depth of each tree.</param>
    /// <param name="seed">The seed of the forest; <see langword="null"/> gives a different forest on every call.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nTrees"/> or <paramref name="maxDepth"/> is less than 1.</exception>
    public FanovaImportanceEvaluator(int nTrees = 64, int maxDepth = 64, int? seed = null)
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
    /// <exception cref="InvalidOperationException">The fitted trees have no variance at all (e.g. a constant objective).</exception>
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
        IReadOnlyList<string> required = names ?? [.. distributions.Keys];
        var varying = distributions.Where(p => !p.Value.IsSingle).ToDictionary();
        var single = distributions.Where(p => p.Value.IsSingle).Select(p => p.Key).ToList();
        if (varying.Count == 0)
        {
            return ImportanceInputs.Zeros(single);
        }

        var data = ForestInputs.Collect(complete, varying, required, target);
        if (data.Rows <= 1)
        {
            return ImportanceInputs.Zeros(required);
        }

        var transform = data.Transform;
        var forest = RegressionForest.Fit(data.X, data.Y, data.Rows, transform.ColumnCount, NTrees, MaxDepth, Seed);
        var trees = new List<FanovaTree>(forest.Trees.Length);
        foreach (var tree in forest.Trees)
        {
            var fanova = new FanovaTree(tree, transform.Bounds);
            if (fanova.Variance > 0)
            {
                trees.Add(fanova);
            }
        }

        if (trees.Count == 0)
        {
            throw new InvalidOperationException("Encountered zero total variance in all trees.");
        }

        var importances = new List<KeyValuePair<string, double>>(distributions.Count);
        for (int p = 0; p < transform.ParamNames.Count; p++)
        {
            int c0 = transform.ColumnStarts[p], c1 = transform.ColumnStarts[p + 1];
            var group = Enumerable.Range(c0, c1 - c0).ToArray();
            double sum = 0;
            foreach (var tree in trees)
            {
                sum += tree.MarginalVariance(group) / tree.Variance;
            }

            importances.Add(new(transform.ParamNames[p], sum / trees.Count));
        }

        foreach (string name in single)
        {
            importances.Add(new(name, 0.0));
        }

        return ImportanceInputs.SortDescending(importances);
    }
}
