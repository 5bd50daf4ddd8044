using Sharptune.Samplers.History;

namespace Sharptune.Samplers;

/// <summary>
/// The parameters present, with identical distributions, in every COMPLETE trial (and PRUNED ones when asked) of a
/// study (Optuna's <c>IntersectionSearchSpace</c>). The study's trial history keeps it incrementally: each call
/// learns only the trials that finished since the previous one. On a view of a study (a pruner's bracket), it is
/// the intersection of the view's trials.
/// </summary>
public sealed class IntersectionSearchSpace
{
    private readonly bool _includePruned;

    /// <summary>Initializes a new instance of the <see cref="IntersectionSearchSpace"/> class.</summary>
    /// <param name="includePruned">Whether PRUNED trials count as well.</param>
    public IntersectionSearchSpace(bool includePruned = false)
    {
        _includePruned = includePruned;
    }

    /// <summary>Computes the intersection search space of a study, sorted by parameter name.</summary>
    /// <param name="study">The study.</param>
    /// <returns>The search space.</returns>
    public IReadOnlyDictionary<string, Distribution> Calculate(Study study)
    {
        ArgumentNullException.ThrowIfNull(study);
        var history = study.History;
        history.Refresh();
        return history.Spaces.Intersection(_includePruned);
    }

    /// <summary>Computes the intersection search space of a list of trials (Optuna's <c>intersection_search_space</c>).</summary>
    /// <param name="trials">The trials.</param>
    /// <param name="includePruned">Whether PRUNED trials count as well.</param>
    /// <returns>The search space, sorted by name.</returns>
    public static IReadOnlyDictionary<string, Distribution> Of(IEnumerable<FrozenTrial> trials, bool includePruned = false)
    {
        ArgumentNullException.ThrowIfNull(trials);
        Dictionary<string, Distribution>? space = null;
        foreach (var t in trials)
        {
            if (t.State == TrialState.Complete || (includePruned && t.State == TrialState.Pruned))
            {
                SearchSpaceTracker.Intersect(ref space, t.Distributions);
            }
        }

        return SearchSpaceTracker.Sorted(space);
    }
}
