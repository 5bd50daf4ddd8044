namespace Sharptune.Generators;

/// <summary>Metadata names of the Sharptune types the generator and analyzers know.</summary>
internal static class TypeNames
{
    public const string Namespace = "Sharptune";
    public const string FloatParam = "Sharptune.FloatParamAttribute";
    public const string IntParam = "Sharptune.IntParamAttribute";
    public const string Categorical = "Sharptune.CategoricalAttribute";
    public const string ActiveWhen = "Sharptune.ActiveWhenAttribute";
    public const string NestedSpace = "Sharptune.NestedSpaceAttribute";
    public const string SearchSpace = "Sharptune.ISearchSpace`1";
    public const string Trial = "Sharptune.ITrial";

    public const string FloatParamShort = "FloatParamAttribute";
    public const string IntParamShort = "IntParamAttribute";
    public const string CategoricalShort = "CategoricalAttribute";
    public const string ActiveWhenShort = "ActiveWhenAttribute";
    public const string NestedSpaceShort = "NestedSpaceAttribute";
}
