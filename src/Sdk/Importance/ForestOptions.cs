namespace Sharptune.Importance;

/// <summary>Checks of the forest evaluators' settings (scikit-learn's parameter validation).</summary>
internal static class ForestOptions
{
    public static void Check(int nTrees, int maxDepth)
    {
        if (nTrees < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(nTrees), nTrees, $"nTrees must be at least 1. Got {nTrees} instead.");
        }

        if (maxDepth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDepth), maxDepth, $"maxDepth must be at least 1, or null. Got {maxDepth} instead.");
        }
    }
}
