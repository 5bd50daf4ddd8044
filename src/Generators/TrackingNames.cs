namespace Sharptune.Generators;

/// <summary>Names of the generator's pipeline steps, for incrementality tests.</summary>
internal static class TrackingNames
{
    public const string FloatParamSpaces = nameof(FloatParamSpaces);
    public const string IntParamSpaces = nameof(IntParamSpaces);
    public const string CategoricalSpaces = nameof(CategoricalSpaces);
    public const string NestedSpaceSpaces = nameof(NestedSpaceSpaces);
    public const string FilteredSpaces = nameof(FilteredSpaces);
}
