using Microsoft.Extensions.Logging;

namespace Sharptune.Samplers;

/// <summary>
/// Log messages of the CMA-ES, genetic, QMC and Gaussian-process samplers (event ids 600–699), with Optuna's texts
/// where Optuna has one.
/// </summary>
internal static partial class SamplerLog
{
    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "The parameter `{ParamName}` in Trial#{TrialNumber} is sampled independently using `{IndependentSampler}` instead of `{Sampler}`, potentially degrading the optimization performance. This fallback happened because {Reason}. You can suppress this warning by setting `warn_independent_sampling` to `False` in the constructor of `{Sampler}` if this independent sampling is intended behavior.")]
    public static partial void IndependentSampling(ILogger logger, string paramName, int trialNumber, string independentSampler, string sampler, string reason);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "`CmaEsSampler` does not support dynamic search space. `{IndependentSampler}` is used instead of `CmaEsSampler`.")]
    public static partial void CmaDynamicSearchSpace(ILogger logger, string independentSampler);

    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "Separable CMA-ES does not operate meaningfully on single-dimensional search spaces. The setting `use_separable_cma=True` will be ignored.")]
    public static partial void SeparableCmaOneDimension(ILogger logger);

    [LoggerMessage(EventId = 604, Level = LogLevel.Warning, Message = "Constraints have been set, but CmaEsSampler will not use them for optimization.")]
    public static partial void CmaConstraintsIgnored(ILogger logger);

    [LoggerMessage(EventId = 605, Level = LogLevel.Information, Message = "CMA-ES converged at generation {Generation}; restart {Restart} ({Strategy}) with population size {PopulationSize}.")]
    public static partial void CmaRestart(ILogger logger, int generation, int restart, string strategy, int populationSize);

    [LoggerMessage(EventId = 606, Level = LogLevel.Warning, Message = "No seed is provided for `QMCSampler` and the seed is set randomly. If you are running multiple `QMCSampler`s in parallel and/or distributed  environment, the same seed must be used in all samplers to ensure that resulting samples are taken from the same QMC sequence. ")]
    public static partial void QmcAsynchronousSeeding(ILogger logger);

    [LoggerMessage(EventId = 607, Level = LogLevel.Warning, Message = "`QMCSampler` assumes that the search space does not include any conditions. Please make sure the provided search space is non-conditional.")]
    public static partial void QmcConditionalSpace(ILogger logger);

    [LoggerMessage(EventId = 608, Level = LogLevel.Warning, Message = "The optimization of kernel parameters failed: \n{Error}\nThe default initial kernel parameters will be used instead.")]
    public static partial void GpKernelFitFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 609, Level = LogLevel.Warning, Message = "Clip non-finite values to the min/max finite values for GP fittings.")]
    public static partial void GpNonFiniteClipped(ILogger logger);
}
