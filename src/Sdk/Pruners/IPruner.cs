namespace Sharptune.Pruners;

/// <summary>
/// The pruner protocol (Optuna's <c>BasePruner</c>): decides whether a running trial should stop early.
/// Implementations must be thread-safe: trials run in parallel.
/// </summary>
public interface IPruner
{
    /// <summary>Decides whether to prune <paramref name="trial"/> given its intermediate values.</summary>
    /// <param name="study">The study.</param>
    /// <param name="trial">A snapshot of the running trial.</param>
    /// <returns><see langword="true"/> to prune.</returns>
    bool Prune(Study study, FrozenTrial trial);

    /// <summary>
    /// Gets a value indicating whether the pruner understands multi-objective studies, whose trials report one
    /// value per objective with <see cref="ITrial.Report(IReadOnlyList{double}, int)"/> (see
    /// <see cref="FrozenTrial.IntermediateVectors"/>). <see cref="Trial.ShouldPrune"/> refuses other pruners in such
    /// studies, as Optuna does for every pruner. The default is <see langword="false"/>.
    /// </summary>
    bool SupportsMultiObjective => false;

    /// <summary>
    /// Returns the study the sampler sees while it works for <paramref name="trial"/> (Optuna's
    /// <c>_filter_study</c>). The default returns <paramref name="study"/> itself; <see cref="HyperbandPruner"/>
    /// returns a view (<see cref="Study.WithTrialFilter"/>) that holds only the trials of the trial's bracket.
    /// Called before every sampler call of a trial (<c>BeforeTrial</c>, relative and independent sampling,
    /// <c>AfterTrial</c>); wrappers forward it to the pruner they wrap.
    /// </summary>
    /// <param name="study">The study the trial belongs to.</param>
    /// <param name="trial">A snapshot of the trial.</param>
    /// <returns>The study, or a view of it.</returns>
    Study FilterStudy(Study study, FrozenTrial trial) => study;
}
