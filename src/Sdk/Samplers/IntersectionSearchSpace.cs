namespace Sharptune.Samplers;

/// <summary>
/// The parameters present, with identical distributions, in every COMPLETE trial (and PRUNED ones when asked) of a
/// study (Optuna's <c>IntersectionSearchSpace</c>). The result is kept incrementally: each call reads only the
/// trials that finished since the previous one.
/// </summary>
public sealed class IntersectionSearchSpace
{
    private readonly bool _includePruned;
    private readonly Lock _lock = new();
    private Dictionary<string, Distribution>? _space;
    private int _cursor;
    private int _studyId = -1;

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
        var trials = study.Storage.GetAllTrials(study.StudyId);
        lock (_lock)
        {
            if (_studyId != study.StudyId)
            {
                _studyId = study.StudyId;
                _space = null;
                _cursor = 0;
            }

            bool prefixFinished = true;
            for (int i = _cursor; i < trials.Count; i++)
            {
                var t = trials[i];
                if (!t.State.IsFinished())
                {
                    prefixFinished = false;
                    continue;
                }

                if (prefixFinished)
                {
                    _cursor = i + 1;
                }

                if (t.State != TrialState.Complete && !(_includePruned && t.State == TrialState.Pruned))
                {
                    continue;
                }

                _space = Intersect(_space, t.Distributions);
            }

            var result = new SortedDictionary<string, Distribution>(StringComparer.Ordinal);
            if (_space is not null)
            {
                foreach (var (k, v) in _space)
                {
                    result[k] = v;
                }
            }

            return result;
        }
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
                space = Intersect(space, t.Distributions);
            }
        }

        var result = new SortedDictionary<string, Distribution>(StringComparer.Ordinal);
        if (space is not null)
        {
            foreach (var (k, v) in space)
            {
                result[k] = v;
            }
        }

        return result;
    }

    private static Dictionary<string, Distribution> Intersect(Dictionary<string, Distribution>? space, IReadOnlyDictionary<string, Distribution> distributions)
    {
        if (space is null)
        {
            return new Dictionary<string, Distribution>(distributions, StringComparer.Ordinal);
        }

        List<string>? remove = null;
        foreach (var (name, dist) in space)
        {
            if (!distributions.TryGetValue(name, out var other) || !other.Equals(dist))
            {
                (remove ??= []).Add(name);
            }
        }

        if (remove is not null)
        {
            foreach (var name in remove)
            {
                space.Remove(name);
            }
        }

        return space;
    }
}
