namespace Sharptune.Pruners;

/// <summary>The pruner protocol (Optuna's <c>BasePruner</c>): decides whether a running trial should stop early.</summary>
public interface IPruner
{
    /// <summary>Decides whether to prune <paramref name="trial"/> given its intermediate values.</summary>
    /// <param name="study">The study.</param>
    /// <param name="trial">A snapshot of the running trial.</param>
    /// <returns><see langword="true"/> to prune.</returns>
    bool Prune(Study study, FrozenTrial trial);
}

/// <summary>A pruner that never prunes (Optuna's <c>NopPruner</c>).</summary>
public sealed class NopPruner : IPruner
{
    /// <inheritdoc/>
    public bool Prune(Study study, FrozenTrial trial) => false;
}
