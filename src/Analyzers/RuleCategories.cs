namespace Sharptune.Analyzers;

/// <summary>Diagnostic categories.</summary>
internal static class RuleCategories
{
    public const string SearchSpace = "Sharptune.SearchSpace";
    public const string Suggest = "Sharptune.Suggest";
}
