using System.Collections.ObjectModel;
using Sharptune.Internal;

namespace Sharptune.Samplers.History;

/// <summary>
/// The search spaces of a history's finished trials, kept incrementally as trials are learnt: the intersection
/// of COMPLETE trials, the intersection of COMPLETE and PRUNED ones (Optuna's <c>IntersectionSearchSpace</c> with
/// and without <c>include_pruned</c>), and the group decomposition of COMPLETE and PRUNED ones (Optuna's
/// <c>_GroupDecomposedSearchSpace</c>). Not thread-safe on its own: <see cref="TrialHistory"/> adds trials under its
/// lock, and readers take the views, which are immutable.
/// </summary>
internal sealed class SearchSpaceTracker
{
    private readonly Lock _lock = new();
    private Dictionary<string, Distribution>? _complete;
    private Dictionary<string, Distribution>? _completeOrPruned;
    private IReadOnlyDictionary<string, Distribution>? _completeView;
    private IReadOnlyDictionary<string, Distribution>? _completeOrPrunedView;
    private List<Dictionary<string, Distribution>> _groups = [];
    private IReadOnlyList<IReadOnlyDictionary<string, Distribution>>? _groupsView;

    /// <summary>Adds a finished trial (only COMPLETE and PRUNED trials count).</summary>
    /// <param name="trial">The trial.</param>
    public void Add(FrozenTrial trial)
    {
        if (trial.State is not (TrialState.Complete or TrialState.Pruned))
        {
            return;
        }

        lock (_lock)
        {
            var distributions = trial.Distributions;
            if (trial.State == TrialState.Complete && Intersect(ref _complete, distributions))
            {
                _completeView = null;
            }

            if (Intersect(ref _completeOrPruned, distributions))
            {
                _completeOrPrunedView = null;
            }

            AddToGroups(distributions);
        }
    }

    /// <summary>
    /// Gets the intersection search space, sorted by name: the parameters every COMPLETE trial (and PRUNED one
    /// when <paramref name="includePruned"/>) has with the same distribution.
    /// </summary>
    /// <param name="includePruned">Whether PRUNED trials count.</param>
    /// <returns>The space (single-valued distributions kept).</returns>
    public IReadOnlyDictionary<string, Distribution> Intersection(bool includePruned)
    {
        lock (_lock)
        {
            return includePruned
                ? _completeOrPrunedView ??= Sorted(_completeOrPruned)
                : _completeView ??= Sorted(_complete);
        }
    }

    /// <summary>Gets the group-decomposed search spaces of COMPLETE and PRUNED trials, each sorted by name.</summary>
    /// <returns>The groups (single-valued distributions kept).</returns>
    public IReadOnlyList<IReadOnlyDictionary<string, Distribution>> Groups()
    {
        lock (_lock)
        {
            if (_groupsView is null)
            {
                var list = new List<IReadOnlyDictionary<string, Distribution>>(_groups.Count);
                foreach (var g in _groups)
                {
                    list.Add(SortedSpace.From(g));
                }

                _groupsView = list;
            }

            return _groupsView;
        }
    }

    /// <summary>Intersects <paramref name="space"/> with a trial's distributions; returns whether it changed.</summary>
    internal static bool Intersect(ref Dictionary<string, Distribution>? space, IReadOnlyDictionary<string, Distribution> distributions)
    {
        if (space is null)
        {
            space = new Dictionary<string, Distribution>(distributions, StringComparer.Ordinal);
            return true;
        }

        List<string>? remove = null;
        foreach (var (name, dist) in space)
        {
            if (!distributions.TryGetValue(name, out var other) || !other.Equals(dist))
            {
                (remove ??= []).Add(name);
            }
        }

        if (remove is null)
        {
            return false;
        }

        foreach (string name in remove)
        {
            space.Remove(name);
        }

        return true;
    }

    /// <summary>Copies a space into a read-only dictionary sorted by name.</summary>
    internal static IReadOnlyDictionary<string, Distribution> Sorted(Dictionary<string, Distribution>? space) =>
        space is null ? SortedSpace.Empty : SortedSpace.From(space);

    private void AddToGroups(IReadOnlyDictionary<string, Distribution> distributions)
    {
        // Fast path: a trial with exactly the parameters of the only group changes nothing.
        if (_groups.Count == 1 && _groups[0].Count == distributions.Count)
        {
            bool same = true;
            foreach (string name in distributions.Keys)
            {
                if (!_groups[0].ContainsKey(name))
                {
                    same = false;
                    break;
                }
            }

            if (same)
            {
                return;
            }
        }

        // Split every group into the part the trial has and the part it lacks; the trial's remaining parameters
        // form a new group.
        var keys = new HashSet<string>(distributions.Keys, StringComparer.Ordinal);
        bool changed = false;
        var next = new List<Dictionary<string, Distribution>>(_groups.Count + 1);
        foreach (var group in _groups)
        {
            var inside = new Dictionary<string, Distribution>(StringComparer.Ordinal);
            var outside = new Dictionary<string, Distribution>(StringComparer.Ordinal);
            foreach (var (name, dist) in group)
            {
                (keys.Contains(name) ? inside : outside)[name] = dist;
            }

            if (inside.Count > 0)
            {
                next.Add(inside);
            }

            if (outside.Count > 0)
            {
                next.Add(outside);
                changed |= inside.Count > 0;
            }

            keys.ExceptWith(group.Keys);
        }

        if (keys.Count > 0)
        {
            var fresh = new Dictionary<string, Distribution>(StringComparer.Ordinal);
            foreach (var (name, dist) in distributions)
            {
                if (keys.Contains(name))
                {
                    fresh[name] = dist;
                }
            }

            next.Add(fresh);
            changed = true;
        }

        if (changed)
        {
            _groups = next;
            _groupsView = null;
        }
    }
}
