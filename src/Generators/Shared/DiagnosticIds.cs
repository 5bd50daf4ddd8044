namespace Sharptune.Generators;

/// <summary>
/// The diagnostic IDs (STN1xxx: attribute search spaces, STN2xxx: define-by-run calls), shared by the analyzers,
/// the code fixes and the search-space reader the generator uses. IDs are never reused.
/// </summary>
internal static class DiagnosticIds
{
    public const string FloatStepAndLog = "STN1001";
    public const string IntLogWithStep = "STN1002";
    public const string LowGreaterThanHigh = "STN1003";
    public const string LogLowBound = "STN1004";
    public const string NonPositiveStep = "STN1005";
    public const string RangeNotDivisible = "STN1006";
    public const string FloatParamType = "STN1007";
    public const string IntParamType = "STN1008";
    public const string CategoricalType = "STN1009";
    public const string EmptyChoices = "STN1010";
    public const string DuplicateChoices = "STN1011";
    public const string DuplicateParameterName = "STN1012";
    public const string NotPartial = "STN1013";
    public const string NoSetter = "STN1014";
    public const string NotInstanceProperty = "STN1015";
    public const string ConditionMissingProperty = "STN1016";
    public const string ConditionNotCategorical = "STN1017";
    public const string ConditionValueNotChoice = "STN1018";
    public const string CircularCondition = "STN1019";
    public const string NestedNotSearchSpace = "STN1020";
    public const string MultipleParamAttributes = "STN1021";
    public const string NotConstructible = "STN1022";
    public const string ConditionWithoutParameter = "STN1023";
    public const string NaNBound = "STN1024";
    public const string MemberNameConflict = "STN1025";

    public const string CallFloatStepAndLog = "STN2001";
    public const string CallIntLogWithStep = "STN2002";
    public const string CallLowGreaterThanHigh = "STN2003";
    public const string CallLogLowBound = "STN2004";
    public const string CallNonPositiveStep = "STN2005";
    public const string CallRangeNotDivisible = "STN2006";
    public const string CallIncompatibleDistributions = "STN2007";
    public const string CallEmptyChoices = "STN2008";
    public const string CallNonFiniteBound = "STN2009";
}
