using System.Globalization;
using System.Text;
using Sharptune.Internal;

namespace Sharptune.Storages;

public sealed partial class RdbStorage
{
    /// <inheritdoc/>
    public int CreateNewTrial(int studyId, FrozenTrial? templateTrial = null)
    {
        if (templateTrial is not null)
        {
            StoredNames.CheckTemplate(templateTrial);
        }

        DateTime now = Now();
        TrialState state = templateTrial?.State ?? TrialState.Running;
        DateTime? start = templateTrial is null ? now : templateTrial.DatetimeStart;
        DateTime? complete = templateTrial?.DatetimeComplete;
        string[]? distributionJson = null;
        if (templateTrial is not null)
        {
            distributionJson = new string[templateTrial.Distributions.Count];
            int i = 0;
            foreach (var (name, dist) in templateTrial.Distributions)
            {
                CheckDistribution(studyId, name, dist, connection: null);
                distributionJson[i++] = dist.ToJson();
            }
        }

        if (templateTrial is null && Dialect.SerializesWriters)
        {
            // One statement: the engine lets one writer at a time in, so the number it computes is the next one.
            var single = Run(c =>
            {
                using var r = c.Command(_sql.InsertTrialIfStudy).With("@s", studyId).With("@state", StateName(state))
                    .WithDateTime(Dialect, "@start", start).WithDateTime(Dialect, "@complete", null).ExecuteReader();
                return r.Read() ? (r.GetInt32(0), r.GetInt32(1)) : ((int, int)?)null;
            }) ?? throw StudyNotFound(studyId);
            _trialKeys[single.Item1] = (studyId, single.Item2);
            Own(single.Item1, studyId, single.Item2, now);
            return single.Item1;
        }

        var (trialId, number) = Write(durable: templateTrial is not null, c =>
        {
            if (c.Command(_sql.StudyExistsForUpdate).With("@s", studyId).ExecuteScalar() is null or DBNull)
            {
                throw StudyNotFound(studyId);
            }

            int id, num;
            using (var r = c.Command(_sql.InsertTrial).With("@s", studyId).With("@state", StateName(state))
                .WithDateTime(Dialect, "@start", start).WithDateTime(Dialect, "@complete", complete).ExecuteReader())
            {
                r.Read();
                id = r.GetInt32(0);
                num = r.GetInt32(1);
            }

            if (templateTrial is not null)
            {
                WriteTemplateChildren(c, id, templateTrial, distributionJson!);
            }

            return (id, num);
        });
        _trialKeys[trialId] = (studyId, number);
        if (templateTrial is null)
        {
            Own(trialId, studyId, number, now);
        }

        return trialId;
    }

    /// <inheritdoc/>
    public int? CreateNewTrialWithinLimit(int studyId, int limit, IReadOnlyCollection<TrialState> countedStates)
    {
        ArgumentNullException.ThrowIfNull(countedStates);
        string stateList = StateList(countedStates);
        string countSql = _sql.Count(stateList);
        DateTime now = Now();
        if (Dialect.SerializesWriters && stateList.Length > 0)
        {
            var single = Run(c =>
            {
                using (var r = c.Command(_sql.InsertTrialWithinLimit(stateList)).With("@s", studyId).With("@state", StateName(TrialState.Running))
                    .WithDateTime(Dialect, "@start", now).WithDateTime(Dialect, "@complete", null).With("@limit", limit).ExecuteReader())
                {
                    if (r.Read())
                    {
                        return ((int, int)?)(r.GetInt32(0), r.GetInt32(1));
                    }
                }

                EnsureStudy(c, studyId);
                return null;
            });
            if (single is not { } s1)
            {
                return null;
            }

            _trialKeys[s1.Item1] = (studyId, s1.Item2);
            Own(s1.Item1, studyId, s1.Item2, now);
            return s1.Item1;
        }

        var created = Write(durable: false, c =>
        {
            if (c.Command(_sql.StudyExistsForUpdate).With("@s", studyId).ExecuteScalar() is null or DBNull)
            {
                throw StudyNotFound(studyId);
            }

            if (countedStates.Count > 0 && Convert.ToInt32(c.Command(countSql).With("@s", studyId).ExecuteScalar(), CultureInfo.InvariantCulture) >= limit)
            {
                return ((int, int)?)null;
            }

            using var r = c.Command(_sql.InsertTrial).With("@s", studyId).With("@state", StateName(TrialState.Running))
                .WithDateTime(Dialect, "@start", now).WithDateTime(Dialect, "@complete", null).ExecuteReader();
            r.Read();
            return (r.GetInt32(0), r.GetInt32(1));
        });
        if (created is not { } k)
        {
            return null;
        }

        _trialKeys[k.Item1] = (studyId, k.Item2);
        Own(k.Item1, studyId, k.Item2, now);
        return k.Item1;
    }

    /// <inheritdoc/>
    public int GetTrialIdFromStudyIdTrialNumber(int studyId, int trialNumber)
    {
        if (TryGetCachedTrialId(studyId, trialNumber) is { } cached)
        {
            return cached;
        }

        // The incremental read brings every trial created since the last one into the cache.
        Refresh(studyId);
        return TryGetCachedTrialId(studyId, trialNumber)
            ?? throw new KeyNotFoundException($"No trial with trial number {trialNumber} exists in study with study_id {studyId}.");
    }

    private int? TryGetCachedTrialId(int studyId, int trialNumber)
    {
        if (_studies.TryGetValue(studyId, out var cache))
        {
            lock (cache.Lock)
            {
                if (trialNumber >= 0 && trialNumber < cache.ByNumber.Count && cache.ByNumber[trialNumber] is { } t)
                {
                    return t.TrialId;
                }
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public FrozenTrial GetTrial(int trialId)
    {
        if (_finished.TryGetValue(trialId, out var cached))
        {
            return cached.Trial;
        }

        if (OwnedSnapshot(trialId) is { } owned)
        {
            return owned;
        }

        var trials = Run(c => ReadTrials(c.Command(_sql.OneTrial).With("@t", trialId)));
        if (trials.Count == 0)
        {
            throw TrialNotFound(trialId);
        }

        var trial = trials[0].Trial;
        int studyId = trials[0].StudyId;
        _trialKeys[trialId] = (studyId, trial.Number);
        if (trial.State.IsFinished())
        {
            _finished[trialId] = (studyId, trial);
        }

        return trial;
    }

    /// <inheritdoc/>
    public IReadOnlyList<FrozenTrial> GetAllTrials(int studyId, IReadOnlyCollection<TrialState>? states = null)
    {
        var cache = Refresh(studyId);
        lock (cache.Lock)
        {
            var result = new List<FrozenTrial>(cache.ByNumber.Count);
            foreach (var t in cache.ByNumber)
            {
                if (t is not null && (states is null || states.Contains(t.State)))
                {
                    result.Add(t);
                }
            }

            return result;
        }
    }

    /// <summary>
    /// Counts the trials of a study, optionally by state: an incremental read of the study (its new and unfinished
    /// trials) and a count in the cache, so the cost does not grow with the study.
    /// </summary>
    /// <param name="studyId">The study id.</param>
    /// <param name="states">The states to count, or <see langword="null"/> for all.</param>
    /// <returns>The count.</returns>
    public int GetNTrials(int studyId, IReadOnlyCollection<TrialState>? states = null)
    {
        var cache = Refresh(studyId);
        lock (cache.Lock)
        {
            int n = 0;
            foreach (var t in cache.ByNumber)
            {
                if (t is not null && (states is null || states.Contains(t.State)))
                {
                    n++;
                }
            }

            return n;
        }
    }

    /// <inheritdoc/>
    public FrozenTrial GetBestTrial(int studyId)
    {
        var directions = GetStudyDirections(studyId);
        if (directions.Count > 1)
        {
            throw new InvalidOperationException("Best trial can be obtained only for single-objective optimization.");
        }

        // From the incremental cache: the COMPLETE trials are all cached, so no query scans the study.
        bool maximize = directions[0] == StudyDirection.Maximize;
        var cache = Refresh(studyId);
        lock (cache.Lock)
        {
            FrozenTrial? best = null;
            foreach (var t in cache.ByNumber)
            {
                if (t is { State: TrialState.Complete, Values: { Count: > 0 } values } && (best is null || (maximize ? values[0] > best.Values![0] : values[0] < best.Values![0])))
                {
                    best = t;
                }
            }

            return best ?? throw new InvalidOperationException("No trials are completed yet.");
        }
    }

    /// <summary>The SQL list of state names (<c>'COMPLETE', 'RUNNING'</c>) in a stable order.</summary>
    private static string StateList(IReadOnlyCollection<TrialState> states)
    {
        var sb = new StringBuilder();
        foreach (var s in new[] { TrialState.Running, TrialState.Complete, TrialState.Pruned, TrialState.Fail, TrialState.Waiting })
        {
            if (states.Contains(s))
            {
                sb.Append(sb.Length == 0 ? "'" : ", '").Append(StateName(s)).Append('\'');
            }
        }

        return sb.ToString();
    }

    private void WriteTemplateChildren(RdbConnection c, int trialId, FrozenTrial template, string[] distributionJson)
    {
        int i = 0;
        foreach (var (name, _) in template.Distributions)
        {
            c.Command(_sql.InsertParamUnchecked).With("@t", trialId).With("@name", name).With("@value", template.InternalParams[name]).With("@dist", distributionJson[i++]).ExecuteNonQuery();
        }

        if (template.Values is { } values)
        {
            for (int k = 0; k < values.Count; k++)
            {
                var (stored, type) = StoredValue(values[k]);
                c.Command(_sql.UpsertValue).With("@t", trialId).With("@objective", k).With("@value", stored).With("@type", type).ExecuteNonQuery();
            }
        }

        foreach (var (key, value) in template.UserAttrs)
        {
            c.Command(_sql.InsertTrialUserAttrUnchecked).With("@t", trialId).With("@key", key).With("@value", PyJson.Serialize(value)).ExecuteNonQuery();
        }

        foreach (var (key, value) in template.SystemAttrs)
        {
            c.Command(_sql.InsertTrialSystemAttrUnchecked).With("@t", trialId).With("@key", key).With("@value", PyJson.Serialize(value)).ExecuteNonQuery();
        }

        foreach (var (step, value) in template.IntermediateValues)
        {
            var (stored, type) = StoredIntermediate(value);
            c.Command(_sql.InsertIntermediateUnchecked).With("@t", trialId).With("@step", step).With("@value", stored).With("@type", type).ExecuteNonQuery();
        }
    }

    private int StudyOfTrial(int trialId)
    {
        if (_trialKeys.TryGetValue(trialId, out var key))
        {
            return key.StudyId;
        }

        var found = Run(c =>
        {
            using var r = c.Command(_sql.TrialKey).With("@t", trialId).ExecuteReader();
            return r.Read() ? (r.GetInt32(0), r.GetInt32(1)) : ((int, int)?)null;
        });
        if (found is not { } k)
        {
            throw TrialNotFound(trialId);
        }

        _trialKeys[trialId] = k;
        return k.Item1;
    }

    private static DateTime Now()
    {
        // Microsecond resolution, as every engine stores it, so that cached and re-read trials are equal.
        long ticks = DateTime.UtcNow.Ticks;
        return new DateTime(ticks - (ticks % 10), DateTimeKind.Utc);
    }

    private static KeyNotFoundException TrialNotFound(int trialId) => new($"No trial with trial_id {trialId} exists.");

    internal static string StateName(TrialState s) => s.ToOptunaName();

    internal static TrialState ParseState(string name) => name switch
    {
        "RUNNING" => TrialState.Running,
        "COMPLETE" => TrialState.Complete,
        "PRUNED" => TrialState.Pruned,
        "FAIL" => TrialState.Fail,
        "WAITING" => TrialState.Waiting,
        _ => throw new FormatException($"Unknown trial state '{name}'."),
    };
}
