namespace Sharptune.Importance;

/// <summary>Checks of the forest evaluators' settings (scikit-learn's parameter validation).</summary>
internal static class ForestOptions
{
    public static void Check(int nTrees, int maxDepth)
    {
        if (nTrees < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(nTrees), nTrees, $"The 'n_estimators' parameter of RandomForestRegressor must be an int in the range [1, inf). Got {nTrees} instead.");
        }

        if (maxDepth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDepth), maxDepth, $"The 'max_depth' parameter of RandomForestRegressor must be an int in the range [1, inf) or None. Got {maxDepth} instead.");
        }
    }
}
