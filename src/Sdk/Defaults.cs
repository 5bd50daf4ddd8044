using Sharptune.Pruners;
using Sharptune.Samplers;

namespace Sharptune;

/// <summary>The default sampler and pruner of new studies.</summary>
internal static class Defaults
{
    /// <summary>Creates the default sampler (random until the TPE sampler lands).</summary>
    public static ISampler CreateSampler() => new RandomSampler();

    /// <summary>Creates the default pruner: <see cref="MedianPruner"/> with Optuna's defaults, as Optuna does.</summary>
    public static IPruner CreatePruner() => new MedianPruner();
}
