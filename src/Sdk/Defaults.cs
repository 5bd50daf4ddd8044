using Sharptune.Pruners;
using Sharptune.Samplers;

namespace Sharptune;

/// <summary>The default sampler and pruner of new studies.</summary>
internal static class Defaults
{
    /// <summary>Creates the default sampler: TPE with Optuna 5's defaults (as <c>create_study</c> does).</summary>
    public static ISampler CreateSampler() => new TpeSampler();

    /// <summary>Creates the default pruner: <see cref="MedianPruner"/> with Optuna's defaults, as Optuna does.</summary>
    public static IPruner CreatePruner() => new MedianPruner();
}
