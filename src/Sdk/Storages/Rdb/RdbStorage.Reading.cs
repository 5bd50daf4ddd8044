using System.Collections.ObjectModel;
using System.Data.Common;
using System.Numerics;
using Sharptune.Internal;

namespace Sharptune.Storages;

public sealed partial class RdbStorage
{
    private long _trialsMaterialized;

    /// <summary>Gets how many trials were built from database rows (a finished trial is built once; for tests of the cache).</summary>
    internal long TrialsMaterialized => Interlocked.Read(ref _trialsMaterialized);

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
            int last = cache.LastSeenId;
            if (slots > 256)
            {
                // Too many unfinished trials for an IN list: read from the oldest of them on.
                foreach (int id in cache.Unfinished)
                {
                    last = Math.Min(last, id - 1);
                }

                slots = 0;
            }

            int[] ids = [.. cache.Unfinished];
            var read = Run(c =>
            {
                List<TrialBuilder> rows;
                if (c.Raw is { } raw)
                {
                    var statement = raw.Statement(_sql.RefreshTrials(slots)).Bind("@s", studyId).Bind("@last", last);
                    for (int i = 0; i < slots; i++)
                    {
                        statement.Bind(ParamNames.U[i], i < ids.Length ? ids[i] : -1);
                    }

                    rows = ReadTrialRows(statement);
                }
                else
                {
                    var command = c.Command(_sql.RefreshTrials(slots)).With("@s", studyId).With("@last", last);
                    BindList(command, "@u", slots, ids);
                    using var r = command.ExecuteReader();
                    rows = ReadTrialRows(r);
                }

                if (rows.Count == 0 && cache.ByNumber.Count == 0)
                {
                    EnsureStudy(c, studyId);
                }

                // Finished trials come from the cache, this instance's running trials from their local copies; only
                // the others need their parameters, values and attributes.
                var result = new FrozenTrial?[rows.Count];
                var builders = new Dictionary<int, TrialBuilder>();
                for (int i = 0; i < rows.Count; i++)
                {
                    var row = rows[i];
                    if (_finished.TryGetValue(row.TrialId, out var done) && done.StudyId == row.StudyId && done.Trial.Number == row.Number)
                    {
                        // (An SQLite row id is reused after the newest rows are deleted: the study and number tell.)
                        result[i] = done.Trial;
                    }
                    else if (row.State == TrialState.Running && OwnedSnapshot(row.TrialId) is { } mine && mine.Number == row.Number)
                    {
                        result[i] = mine;
                    }
                    else
                    {
                        if (row.State != TrialState.Running)
                        {
                            Disown(row.TrialId);
                        }

                        builders[row.TrialId] = row;
                    }
                }

                if (builders.Count > 0)
                {
                    DbCommand children;
                    if (builders.Count <= 256)
                    {
                        int n = (int)BitOperations.RoundUpToPowerOf2((uint)builders.Count);
                        children = c.Command(_sql.ChildrenOf(n));
                        BindList(children, "@c", n, [.. builders.Keys]);
                    }
                    else
                    {
                        children = c.Command(_sql.RefreshChildren(slots)).With("@s", studyId).With("@last", last);
                        BindList(children, "@u", slots, ids);
                    }

                    using var r = children.ExecuteReader();
                    ReadChildren(r, builders);
                    Interlocked.Add(ref _trialsMaterialized, builders.Count);
                }

                var trials = new List<FrozenTrial>(rows.Count);
                for (int i = 0; i < rows.Count; i++)
                {
                    trials.Add(result[i] ?? builders[rows[i].TrialId].Build());
                }

                return trials;
            });

            foreach (var trial in read)
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
                    _finished[trial.TrialId] = (studyId, trial);
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
    /// attributes) and builds the trials, ordered by id.
    /// </summary>
    private List<(FrozenTrial Trial, int StudyId)> ReadTrials(DbCommand command)
    {
        using var r = command.ExecuteReader();
        var rows = ReadTrialRows(r);
        var builders = new Dictionary<int, TrialBuilder>(rows.Count);
        foreach (var row in rows)
        {
            builders[row.TrialId] = row;
        }

        r.NextResult();
        ReadChildren(r, builders);
        Interlocked.Add(ref _trialsMaterialized, builders.Count);
        var result = new List<(FrozenTrial, int)>(rows.Count);
        foreach (var row in rows)
        {
            result.Add((row.Build(), row.StudyId));
        }

        return result;
    }

    private static void BindList(DbCommand command, string prefix, int slots, int[] values)
    {
        for (int i = 0; i < slots; i++)
        {
            command.With(prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture), i < values.Length ? values[i] : -1);
        }
    }

    /// <summary>Reads the rows of the trials statement (the current result set).</summary>
    private List<TrialBuilder> ReadTrialRows(DbDataReader r)
    {
        var rows = new List<TrialBuilder>();
        while (r.Read())
        {
            rows.Add(new TrialBuilder
            {
                TrialId = r.GetInt32(0),
                Number = r.IsDBNull(1) ? -1 : r.GetInt32(1),
                State = ParseState(r.GetString(2)),
                Start = r.IsDBNull(3) ? null : Dialect.ReadDateTime(r, 3),
                Complete = r.IsDBNull(4) ? null : Dialect.ReadDateTime(r, 4),
                StudyId = r.GetInt32(5),
            });
        }

        return rows;
    }

    /// <summary>Reads the rows of a trials statement prepared on an SQLite connection, and resets it.</summary>
    private static List<TrialBuilder> ReadTrialRows(RawStatement r)
    {
        var rows = new List<TrialBuilder>();
        try
        {
            while (r.Step())
            {
                rows.Add(new TrialBuilder
                {
                    TrialId = r.Int32(0),
                    Number = r.IsNull(1) ? -1 : r.Int32(1),
                    State = ParseState(r.Text(2)),
                    Start = r.IsNull(3) ? null : SqliteDialect.ParseDateTime(r.Text(3)),
                    Complete = r.IsNull(4) ? null : SqliteDialect.ParseDateTime(r.Text(4)),
                    StudyId = r.Int32(5),
                });
            }
        }
        finally
        {
            r.Reset();
        }

        return rows;
    }

    /// <summary>Reads the five child result sets (params first, at the current result set) into the builders.</summary>
    private void ReadChildren(DbDataReader r, Dictionary<int, TrialBuilder> builders)
    {
        while (r.Read())
        {
            if (builders.TryGetValue(r.GetInt32(0), out var b))
            {
                string name = r.GetString(1);
                b.Params ??= new Dictionary<string, double>(StringComparer.Ordinal);
                b.Distributions ??= new Dictionary<string, Distribution>(StringComparer.Ordinal);
                b.Params[name] = r.IsDBNull(2) ? double.NaN : r.GetDouble(2);
                b.Distributions[name] = ParseStoredDistribution(r.GetString(3), name, b);
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
                string key = r.GetString(1);
                b.UserAttrs[key] = ParseJson(r, 2, "user", key, b.StudyId, b.TrialId, b.Number);
            }
        }

        r.NextResult();
        while (r.Read())
        {
            if (builders.TryGetValue(r.GetInt32(0), out var b))
            {
                b.SystemAttrs ??= new Dictionary<string, object?>(StringComparer.Ordinal);
                string key = r.GetString(1);
                b.SystemAttrs[key] = ParseJson(r, 2, "system", key, b.StudyId, b.TrialId, b.Number);
            }
        }
    }

    /// <summary>Parses a trial's stored distribution; unreadable JSON (someone else's write) names the parameter and trial.</summary>
    private Distribution ParseStoredDistribution(string json, string name, TrialBuilder b)
    {
        try
        {
            return ParseDistribution(json);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new FormatException(
                $"The stored distribution of the parameter {PyFormat.Repr(name)} of trial {b.Number} (trial_id {b.TrialId}) of study_id {b.StudyId} is not readable: {e.Message}", e);
        }
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

        public int StudyId { get; init; }

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
