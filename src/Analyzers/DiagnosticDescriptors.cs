using Microsoft.CodeAnalysis;
using Sharptune.Generators;

namespace Sharptune.Analyzers;

/// <summary>
/// Every diagnostic Sharptune reports. Severity is Error where Optuna throws at run time and Warning where it only
/// warns; each descriptor links to its page in <c>docs/diagnostics/</c>.
/// </summary>
internal static class DiagnosticDescriptors
{
    public const string HelpBase = "https://github.com/sharptune/sharptune/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor FloatStepAndLog = new(
        DiagnosticIds.FloatStepAndLog,
        "FloatParam cannot combine Step and Log",
        "[FloatParam] on '{0}' sets both Step and Log; the parameter `step` is not supported when `log` is true",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.FloatStepAndLog + ".md");

    public static readonly DiagnosticDescriptor IntLogWithStep = new(
        DiagnosticIds.IntLogWithStep,
        "IntParam with Log requires Step = 1",
        "[IntParam] on '{0}' sets Log with Step = {1}; only step 1 is accepted when `log` is true",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.IntLogWithStep + ".md");

    public static readonly DiagnosticDescriptor LowGreaterThanHigh = new(
        DiagnosticIds.LowGreaterThanHigh,
        "Low bound greater than high bound",
        "The range of '{0}' is empty: `low <= high` must hold, but got (low={1}, high={2})",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.LowGreaterThanHigh + ".md");

    public static readonly DiagnosticDescriptor LogLowBound = new(
        DiagnosticIds.LogLowBound,
        "Log scale needs a positive low bound",
        "'{0}' is log-scaled: `{1}` must hold, but got low={2}",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.LogLowBound + ".md");

    public static readonly DiagnosticDescriptor NonPositiveStep = new(
        DiagnosticIds.NonPositiveStep,
        "Step must be positive",
        "The step of '{0}' must be greater than 0, but got step={1}",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.NonPositiveStep + ".md");

    public static readonly DiagnosticDescriptor RangeNotDivisible = new(
        DiagnosticIds.RangeNotDivisible,
        "Range not divisible by step",
        "The range [{1}, {2}] of '{0}' is not divisible by step={3}; the high bound {4} will be used",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.RangeNotDivisible + ".md");

    public static readonly DiagnosticDescriptor FloatParamType = new(
        DiagnosticIds.FloatParamType,
        "FloatParam on a property that is not double or float",
        "[FloatParam] cannot be applied to '{0}' of type {1}; use a double or float property, or [IntParam] for integers",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.FloatParamType + ".md");

    public static readonly DiagnosticDescriptor IntParamType = new(
        DiagnosticIds.IntParamType,
        "IntParam on a property that is not int or long",
        "[IntParam] does not fit '{0}' of type {1}",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.IntParamType + ".md");

    public static readonly DiagnosticDescriptor CategoricalType = new(
        DiagnosticIds.CategoricalType,
        "Categorical choices do not fit the property",
        "[Categorical] does not fit '{0}': {1}",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.CategoricalType + ".md");

    public static readonly DiagnosticDescriptor EmptyChoices = new(
        DiagnosticIds.EmptyChoices,
        "Categorical parameter without choices",
        "[Categorical] on '{0}' has no choice; list at least one (only bool and enum properties imply their values)",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.EmptyChoices + ".md");

    public static readonly DiagnosticDescriptor DuplicateChoices = new(
        DiagnosticIds.DuplicateChoices,
        "Duplicate categorical choice",
        "[Categorical] on '{0}' lists the choice {1} more than once",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.DuplicateChoices + ".md");

    public static readonly DiagnosticDescriptor DuplicateParameterName = new(
        DiagnosticIds.DuplicateParameterName,
        "Duplicate parameter name",
        "'{0}' declares the parameter name '{1}', which '{2}' already uses in this search space",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.DuplicateParameterName + ".md");

    public static readonly DiagnosticDescriptor NotPartial = new(
        DiagnosticIds.NotPartial,
        "Search-space type must be partial",
        "'{0}' must be declared partial{1} so that its search-space implementation can be generated",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.NotPartial + ".md");

    public static readonly DiagnosticDescriptor NoSetter = new(
        DiagnosticIds.NoSetter,
        "Parameter property cannot be assigned",
        "The parameter property '{0}' cannot be assigned: {1}",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.NoSetter + ".md");

    public static readonly DiagnosticDescriptor NotInstanceProperty = new(
        DiagnosticIds.NotInstanceProperty,
        "Parameter property must be an instance property",
        "The parameter property '{0}' is {1}; parameters are instance properties",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.NotInstanceProperty + ".md");

    public static readonly DiagnosticDescriptor ConditionMissingProperty = new(
        DiagnosticIds.ConditionMissingProperty,
        "ActiveWhen names a missing property",
        "[ActiveWhen] on '{0}' names '{1}', which is not a property of this type",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.ConditionMissingProperty + ".md");

    public static readonly DiagnosticDescriptor ConditionNotCategorical = new(
        DiagnosticIds.ConditionNotCategorical,
        "ActiveWhen must name a categorical parameter",
        "[ActiveWhen] on '{0}' names '{1}', which is not a [Categorical] parameter (categorical or bool)",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.ConditionNotCategorical + ".md");

    public static readonly DiagnosticDescriptor ConditionValueNotChoice = new(
        DiagnosticIds.ConditionValueNotChoice,
        "ActiveWhen value is not a choice",
        "[ActiveWhen] on '{0}' expects {1}, which is not a choice of '{2}'",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.ConditionValueNotChoice + ".md");

    public static readonly DiagnosticDescriptor CircularCondition = new(
        DiagnosticIds.CircularCondition,
        "Circular conditions",
        "The condition of '{0}' is circular: {1}",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.CircularCondition + ".md");

    public static readonly DiagnosticDescriptor NestedNotSearchSpace = new(
        DiagnosticIds.NestedNotSearchSpace,
        "Nested space is not a search space",
        "[NestedSpace] on '{0}': its type {1} is not a search space ({2})",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.NestedNotSearchSpace + ".md");

    public static readonly DiagnosticDescriptor MultipleParamAttributes = new(
        DiagnosticIds.MultipleParamAttributes,
        "More than one parameter attribute",
        "'{0}' carries more than one parameter attribute; keep one of [FloatParam], [IntParam], [Categorical] and [NestedSpace]",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.MultipleParamAttributes + ".md");

    public static readonly DiagnosticDescriptor NotConstructible = new(
        DiagnosticIds.NotConstructible,
        "Search-space type cannot be generated",
        "No search space can be generated for '{0}': {1}",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.NotConstructible + ".md");

    public static readonly DiagnosticDescriptor ConditionWithoutParameter = new(
        DiagnosticIds.ConditionWithoutParameter,
        "ActiveWhen without a parameter attribute",
        "[ActiveWhen] on '{0}' has no effect: the property carries no parameter attribute",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.ConditionWithoutParameter + ".md");

    public static readonly DiagnosticDescriptor NaNBound = new(
        DiagnosticIds.NaNBound,
        "Bound or step is NaN or infinite",
        "Argument `{1}` of [FloatParam] on '{0}' is {2}; the bounds and step must be finite numbers",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.NaNBound + ".md");

    public static readonly DiagnosticDescriptor MemberNameConflict = new(
        DiagnosticIds.MemberNameConflict,
        "Member name reserved for the generated search space",
        "'{0}' declares '{1}', which the generated ISearchSpace implementation needs; rename it",
        RuleCategories.SearchSpace,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.MemberNameConflict + ".md");

    public static readonly DiagnosticDescriptor CallFloatStepAndLog = new(
        DiagnosticIds.CallFloatStepAndLog,
        "SuggestFloat cannot combine step and log",
        "SuggestFloat(\"{0}\") passes both step and log: true; the parameter `step` is not supported when `log` is true",
        RuleCategories.Suggest,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.CallFloatStepAndLog + ".md");

    public static readonly DiagnosticDescriptor CallIntLogWithStep = new(
        DiagnosticIds.CallIntLogWithStep,
        "SuggestInt with log requires step 1",
        "SuggestInt(\"{0}\") passes log: true with step {1}; only step 1 is accepted when `log` is true",
        RuleCategories.Suggest,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.CallIntLogWithStep + ".md");

    public static readonly DiagnosticDescriptor CallLowGreaterThanHigh = new(
        DiagnosticIds.CallLowGreaterThanHigh,
        "Low bound greater than high bound",
        "The range of \"{0}\" is empty: `low <= high` must hold, but got (low={1}, high={2})",
        RuleCategories.Suggest,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.CallLowGreaterThanHigh + ".md");

    public static readonly DiagnosticDescriptor CallLogLowBound = new(
        DiagnosticIds.CallLogLowBound,
        "Log scale needs a positive low bound",
        "\"{0}\" is log-scaled: `{1}` must hold, but got low={2}",
        RuleCategories.Suggest,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.CallLogLowBound + ".md");

    public static readonly DiagnosticDescriptor CallNonFiniteBound = new(
        DiagnosticIds.CallNonFiniteBound,
        "Bound or step is NaN or infinite",
        "Argument `{1}` of SuggestFloat(\"{0}\", …) is {2}; the bounds and step must be finite numbers",
        RuleCategories.Suggest,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.CallNonFiniteBound + ".md");

    public static readonly DiagnosticDescriptor CallNonPositiveStep = new(
        DiagnosticIds.CallNonPositiveStep,
        "Step must be positive",
        "The step of \"{0}\" must be greater than 0, but got step={1}",
        RuleCategories.Suggest,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.CallNonPositiveStep + ".md");

    public static readonly DiagnosticDescriptor CallRangeNotDivisible = new(
        DiagnosticIds.CallRangeNotDivisible,
        "Range not divisible by step",
        "The range [{1}, {2}] of \"{0}\" is not divisible by step={3}; the high bound {4} will be used",
        RuleCategories.Suggest,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.CallRangeNotDivisible + ".md");

    public static readonly DiagnosticDescriptor CallIncompatibleDistributions = new(
        DiagnosticIds.CallIncompatibleDistributions,
        "Parameter suggested with incompatible distributions",
        "\"{0}\" is suggested again with an incompatible distribution: {1}",
        RuleCategories.Suggest,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.CallIncompatibleDistributions + ".md");

    public static readonly DiagnosticDescriptor CallEmptyChoices = new(
        DiagnosticIds.CallEmptyChoices,
        "SuggestCategorical without choices",
        "SuggestCategorical(\"{0}\") gets an empty choice list; the `choices` must contain one or more elements",
        RuleCategories.Suggest,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.CallEmptyChoices + ".md");

    /// <summary>Gets every descriptor, for the meta-tests.</summary>
    public static DiagnosticDescriptor[] All { get; } =
    {
        FloatStepAndLog, IntLogWithStep, LowGreaterThanHigh, LogLowBound, NonPositiveStep, RangeNotDivisible, FloatParamType,
        IntParamType, CategoricalType, EmptyChoices, DuplicateChoices, DuplicateParameterName, NotPartial, NoSetter,
        NotInstanceProperty, ConditionMissingProperty, ConditionNotCategorical, ConditionValueNotChoice, CircularCondition,
        NestedNotSearchSpace, MultipleParamAttributes, NotConstructible, ConditionWithoutParameter, NaNBound, MemberNameConflict,
        CallFloatStepAndLog, CallIntLogWithStep, CallLowGreaterThanHigh, CallLogLowBound, CallNonPositiveStep,
        CallRangeNotDivisible, CallIncompatibleDistributions, CallEmptyChoices, CallNonFiniteBound,
    };

    public static DiagnosticDescriptor ById(string id)
    {
        foreach (var d in All)
        {
            if (d.Id == id)
            {
                return d;
            }
        }

        throw new System.ArgumentException("Unknown diagnostic " + id, nameof(id));
    }
}
