using System.Collections.ObjectModel;
using System.Data.Common;
using System.Numerics;

namespace Sharptune.Storages;

public sealed partial class RdbStorage
{
    /// <summary>
    /// Brings the cache of a study up to date: reads the trials created since the last read and those that were
    /// unfinished then; finished trials are kept for good.
    /// </summary>
    private StudyCache Refresh(int studyId)
    {
        var cache = GetCache(studyId);
        lock (cache.Lock)
        {
            int unfinished = cache.Unfinished.Count;
            int slots = unfinished == 0 ? 0 : (int)BitOperations.RoundUpToPowerOf2((uint)unfinished);
            bool useList = slots <= 256;
            int last = cache.LastSeenId;
            if (!useList)
            {
                // Too many unfinished trials for an IN list: read from the oldest of them on.
                foreach (int id in cache.Unfinished)
                {
                    last = Math.Min(last, id - 1);
                }

                slots = 0;
            }

            string sql = _sql.Refresh(slots);
            int[] ids = [.. cache.Unfinished];
            var read = Run(c =>
            {
                var command = c.Command(sql).With("@s", studyId).With("@last", last);
                for (int i = 0; i < slots; i++)
                {
                    command.With("@u" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), i < ids.Length ? ids[i] : -1);
                }

                var trials = ReadTrials(command, _finished);
                if (trials.Count == 0 && cache.ByNumber.Count == 0)
                {
                    EnsureStudy(c, studyId);
                }

                return trials;
            });

            foreach (var (trial, _) in read)
            {
                int number = trial.Number;
                while (cache.ByNumber.Count <= number)
                {
                    cache.ByNumber.Add(null);
                }

                cache.ByNumber[number] = trial;
                cache.LastSeenId = Math.Max(cache.LastSeenId, trial.TrialId);
                _trialKeys[trial.TrialId] = (studyId, number);
                if (trial.State.IsFinished())
                {
                    cache.Unfinished.Remove(trial.TrialId);
                    _finished[trial.TrialId] = trial;
                }
                else
                {
                    cache.Unfinished.Add(trial.TrialId);
                }
            }

            return cache;
        }
    }

    /// <summary>
    /// Runs the six statements of a trial read (trials, then params, values, intermediate values, user and system
    /// attributes) and builds the trials, ordered by id. Trials already cached as finished are reused as they are.
    /// </summary>
    private List<(FrozenTrial Trial, int StudyId)> ReadTrials(DbCommand command, IReadOnlyDictionary<int, FrozenTrial>? finished)
    {
        var builders = new Dictionary<int, TrialBuilder>();
        var order = new List<(int Id, FrozenTrial? Cached, int StudyId)>();
        using (var r = command.ExecuteReader())
        {
            while (r.Read())
            {
                int id = r.GetInt32(0);
                int studyId = r.GetInt32(5);
                if (finished is not null && finished.TryGetValue(id, out var done))
                {
                    order.Add((id, done, studyId));
                    continue;
                }

                builders[id] = new TrialBuilder
                {
                    TrialId = id,
                    Number = r.IsDBNull(1) ? -1 : r.GetInt32(1),
                    State = ParseState(r.GetString(2)),
                    Start = r.IsDBNull(3) ? null : Dialect.ReadDateTime(r, 3),
                    Complete = r.IsDBNull(4) ? null : Dialect.ReadDateTime(r, 4),
                };
                order.Add((id, null, studyId));
            }

            r.NextResult();
            while (r.Read())
            {
                if (builders.TryGetValue(r.GetInt32(0), out var b))
                {
                    string name = r.GetString(1);
                    b.Params ??= new Dictionary<string, double>(StringComparer.Ordinal);
                    b.Distributions ??= new Dictionary<string, Distribution>(StringComparer.Ordinal);
                    b.Params[name] = r.IsDBNull(2) ? double.NaN : r.GetDouble(2);
                    b.Distributions[name] = ParseDistribution(r.GetString(3));
                }
            }

            r.NextResult();
            while (r.Read())
            {
                if (builders.TryGetValue(r.GetInt32(0), out var b))
                {
                    int objective = r.GetInt32(1);
                    b.Values ??= [];
                    while (b.Values.Count <= objective)
                    {
                        b.Values.Add(double.NaN);
                    }

                    b.Values[objective] = ReadValue(r, 2, r.GetString(3));
                }
            }

            r.NextResult();
            while (r.Read())
            {
                if (builders.TryGetValue(r.GetInt32(0), out var b))
                {
                    b.Intermediate ??= [];
                    b.Intermediate[r.GetInt32(1)] = ReadValue(r, 2, r.GetString(3));
                }
            }

            r.NextResult();
            while (r.Read())
            {
                if (builders.TryGetValue(r.GetInt32(0), out var b))
                {
                    b.UserAttrs ??= new Dictionary<string, object?>(StringComparer.Ordinal);
                    b.UserAttrs[r.GetString(1)] = ParseJson(r, 2);
                }
            }

            r.NextResult();
            while (r.Read())
            {
                if (builders.TryGetValue(r.GetInt32(0), out var b))
                {
                    b.SystemAttrs ??= new Dictionary<string, object?>(StringComparer.Ordinal);
                    b.SystemAttrs[r.GetString(1)] = ParseJson(r, 2);
                }
            }
        }

        var result = new List<(FrozenTrial, int)>(order.Count);
        foreach (var (id, cached, studyId) in order)
        {
            result.Add((cached ?? builders[id].Build(), studyId));
        }

        return result;
    }

    private static double ReadValue(DbDataReader r, int ordinal, string type) => type switch
    {
        "INF_POS" => double.PositiveInfinity,
        "INF_NEG" => double.NegativeInfinity,
        "NAN" => double.NaN,
        _ => r.IsDBNull(ordinal) ? double.NaN : r.GetDouble(ordinal),
    };

    private sealed class TrialBuilder
    {
        public int TrialId { get; init; }

        public int Number { get; init; }

        public TrialState State { get; init; }

        public DateTime? Start { get; init; }

        public DateTime? Complete { get; init; }

        public Dictionary<string, double>? Params { get; set; }

        public Dictionary<string, Distribution>? Distributions { get; set; }

        public List<double>? Values { get; set; }

        public SortedList<int, double>? Intermediate { get; set; }

        public Dictionary<string, object?>? UserAttrs { get; set; }

        public Dictionary<string, object?>? SystemAttrs { get; set; }

        public FrozenTrial Build() => new(
            Number,
            TrialId,
            State,
            Values is null ? null : Values.AsReadOnly(),
            Start,
            Complete,
            Params is null ? FrozenTrial.EmptyInternal : new ReadOnlyDictionary<string, double>(Params),
            Distributions is null ? FrozenTrial.EmptyDistributions : new ReadOnlyDictionary<string, Distribution>(Distributions),
            Freeze(UserAttrs),
            Freeze(SystemAttrs),
            Intermediate is null ? FrozenTrial.EmptyIntermediate : new ReadOnlyDictionary<int, double>(Intermediate));
    }
}
