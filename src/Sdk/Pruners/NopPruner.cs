namespace Sharptune.Pruners;

/// <summary>A pruner that never prunes (Optuna's <c>NopPruner</c>); it accepts multi-objective studies.</summary>
public sealed class NopPruner : IPruner
{
    /// <inheritdoc/>
    public bool SupportsMultiObjective => true;

    /// <inheritdoc/>
    public bool Prune(Study study, FrozenTrial trial) => false;
}
