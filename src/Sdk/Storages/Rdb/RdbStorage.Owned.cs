using System.Collections.ObjectModel;

namespace Sharptune.Storages;

public sealed partial class RdbStorage
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, OwnedTrial> _owned = new();

    /// <summary>
    /// Starts tracking a RUNNING trial this instance created: every write of this instance to it is applied to a
    /// local copy as well, so that reading it back (the trial object, tell) costs no query. The copy is dropped
    /// when the trial finishes or a write finds it finished by another worker; a finished trial is then read once
    /// from the database and cached.
    /// </summary>
    private void Own(int trialId, int studyId, int number, DateTime start) =>
        _owned[trialId] = new OwnedTrial(trialId, studyId, number, start);

    private void Disown(int trialId) => _owned.TryRemove(trialId, out _);

    private void UpdateOwned(int trialId, Action<OwnedTrial> update)
    {
        if (_owned.TryGetValue(trialId, out var owned))
        {
            lock (owned.Lock)
            {
                update(owned);
                owned.Frozen = null;
            }
        }
    }

    private FrozenTrial? OwnedSnapshot(int trialId)
    {
        if (!_owned.TryGetValue(trialId, out var owned))
        {
            return null;
        }

        lock (owned.Lock)
        {
            return owned.Frozen ??= owned.Freeze();
        }
    }

    /// <summary>The local copy of a RUNNING trial created by this instance.</summary>
    private sealed class OwnedTrial(int trialId, int studyId, int number, DateTime start)
    {
        public Lock Lock { get; } = new();

        public int TrialId { get; } = trialId;

        public int StudyId { get; } = studyId;

        public int Number { get; } = number;

        public DateTime Start { get; } = start;

        public Dictionary<string, double> Params { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Distribution> Distributions { get; } = new(StringComparer.Ordinal);

        public SortedList<int, double> Intermediate { get; } = [];

        public Dictionary<string, object?> UserAttrs { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, object?> SystemAttrs { get; } = new(StringComparer.Ordinal);

        public FrozenTrial? Frozen { get; set; }

        public FrozenTrial Freeze() => new(
            Number,
            TrialId,
            TrialState.Running,
            null,
            Start,
            null,
            Params.Count == 0 ? FrozenTrial.EmptyInternal : new ReadOnlyDictionary<string, double>(new Dictionary<string, double>(Params)),
            Distributions.Count == 0 ? FrozenTrial.EmptyDistributions : new ReadOnlyDictionary<string, Distribution>(new Dictionary<string, Distribution>(Distributions)),
            UserAttrs.Count == 0 ? FrozenTrial.EmptyAttrs : new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?>(UserAttrs)),
            SystemAttrs.Count == 0 ? FrozenTrial.EmptyAttrs : new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?>(SystemAttrs)),
            Intermediate.Count == 0 ? FrozenTrial.EmptyIntermediate : new ReadOnlyDictionary<int, double>(new SortedList<int, double>(Intermediate)));
    }
}
