using System.Collections.ObjectModel;
using Sharptune.Internal;

namespace Sharptune.Storages;

public sealed partial class RdbStorage
{
    /// <inheritdoc/>
    public int CreateNewStudy(IReadOnlyList<StudyDirection> directions, string? studyName = null)
    {
        ArgumentNullException.ThrowIfNull(directions);
        string name = studyName ?? Study.DefaultStudyNamePrefix + Guid.NewGuid().ToString();
        StoredNames.CheckStudyName(name);

        StudyDirection[] dirs = [.. directions];
        int studyId = Write(durable: true, c =>
        {
            int id;
            try
            {
                id = Convert.ToInt32(c.Command(_sql.InsertStudy).With("@name", name).ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (Dialect.IsUniqueViolation(e))
            {
                throw new DuplicatedStudyException($"Another study with name '{name}' already exists. Please specify a different name, or reuse the existing one by setting `LoadIfExists` (for Study.Create) or using Study.Load.", e);
            }

            for (int i = 0; i < dirs.Length; i++)
            {
                c.Command(_sql.InsertDirection).With("@direction", DirectionName(dirs[i])).With("@s", id).With("@objective", i).ExecuteNonQuery();
            }

            return id;
        });
        var cache = new StudyCache { Directions = dirs, Name = name };
        _studies[studyId] = cache;
        return studyId;
    }

    /// <inheritdoc/>
    public void DeleteStudy(int studyId)
    {
        Write(durable: true, c =>
        {
            EnsureStudy(c, studyId);
            foreach (string sql in _sql.DeleteStudy)
            {
                c.Command(sql).With("@s", studyId).ExecuteNonQuery();
            }
        });
        foreach (var (trialId, owned) in _owned)
        {
            if (owned.StudyId == studyId)
            {
                Disown(trialId);
            }
        }

        Forget(studyId);
    }

    /// <inheritdoc/>
    public void SetStudyUserAttr(int studyId, string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        StoredNames.CheckKey(key, "user attribute");
        SetStudyAttr(_sql.UpsertStudyUserAttr, studyId, key, value);
    }

    /// <inheritdoc/>
    public void SetStudySystemAttr(int studyId, string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        StoredNames.CheckKey(key, "system attribute");
        SetStudyAttr(_sql.UpsertStudySystemAttr, studyId, key, value);
    }

    /// <summary>
    /// Finds a study id by name. Opening a study by name also forgets what this instance cached about that id: on
    /// SQLite the id of a deleted study is given to the next one created, so the cache may describe a study that
    /// another process deleted and created again.
    /// </summary>
    /// <param name="studyName">The name.</param>
    /// <returns>The id.</returns>
    /// <exception cref="KeyNotFoundException">No such study.</exception>
    public int GetStudyIdFromName(string studyName)
    {
        ArgumentNullException.ThrowIfNull(studyName);
        object? found = Run(c => c.Command(_sql.StudyIdFromName).With("@name", studyName).ExecuteScalar());
        if (found is null or DBNull)
        {
            throw new KeyNotFoundException($"No such study {studyName}.");
        }

        int id = Convert.ToInt32(found, System.Globalization.CultureInfo.InvariantCulture);
        Forget(id);
        return id;
    }

    /// <summary>Drops the cached state of a study (its name, directions and finished trials).</summary>
    private void Forget(int studyId)
    {
        if (_studies.TryRemove(studyId, out var cache))
        {
            lock (cache.Lock)
            {
                foreach (var t in cache.ByNumber)
                {
                    if (t is not null)
                    {
                        _finished.TryRemove(t.TrialId, out _);
                        _trialKeys.TryRemove(t.TrialId, out _);
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    public string GetStudyNameFromId(int studyId)
    {
        if (_studies.TryGetValue(studyId, out var cache) && cache.Name is { } cached)
        {
            return cached;
        }

        object? name = Run(c => c.Command(_sql.StudyNameFromId).With("@s", studyId).ExecuteScalar());
        if (name is not string s)
        {
            throw StudyNotFound(studyId);
        }

        GetCache(studyId).Name = s;
        return s;
    }

    /// <inheritdoc/>
    public IReadOnlyList<StudyDirection> GetStudyDirections(int studyId)
    {
        if (_studies.TryGetValue(studyId, out var cache) && cache.Directions is { } cached)
        {
            return cached;
        }

        var directions = Run(c =>
        {
            var list = new List<StudyDirection>();
            using (var r = c.Command(_sql.StudyDirections).With("@s", studyId).ExecuteReader())
            {
                while (r.Read())
                {
                    list.Add(ParseDirection(r.GetString(0)));
                }
            }

            if (list.Count == 0)
            {
                EnsureStudy(c, studyId);
            }

            return list.ToArray();
        });
        GetCache(studyId).Directions = directions;
        return directions;
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> GetStudyUserAttrs(int studyId) => ReadStudyAttrs(_sql.StudyUserAttrs, "user", studyId);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> GetStudySystemAttrs(int studyId) => ReadStudyAttrs(_sql.StudySystemAttrs, "system", studyId);

    /// <inheritdoc/>
    public IReadOnlyList<FrozenStudy> GetAllStudies() => Run(c =>
    {
        var names = new List<(int Id, string Name)>();
        var directions = new Dictionary<int, List<StudyDirection>>();
        var user = new Dictionary<int, Dictionary<string, object?>>();
        var system = new Dictionary<int, Dictionary<string, object?>>();
        using (var r = c.Command(_sql.AllStudies).ExecuteReader())
        {
            while (r.Read())
            {
                names.Add((r.GetInt32(0), r.GetString(1)));
            }

            r.NextResult();
            while (r.Read())
            {
                int id = r.GetInt32(0);
                if (!directions.TryGetValue(id, out var list))
                {
                    directions[id] = list = [];
                }

                list.Add(ParseDirection(r.GetString(1)));
            }

            foreach (var (target, kind) in new[] { (user, "user"), (system, "system") })
            {
                r.NextResult();
                while (r.Read())
                {
                    int id = r.GetInt32(0);
                    if (!target.TryGetValue(id, out var attrs))
                    {
                        target[id] = attrs = new Dictionary<string, object?>(StringComparer.Ordinal);
                    }

                    string key = r.GetString(1);
                    attrs[key] = ParseJson(r, 2, kind, key, id);
                }
            }
        }

        var result = new List<FrozenStudy>(names.Count);
        foreach (var (id, name) in names)
        {
            result.Add(new FrozenStudy(
                name,
                directions.TryGetValue(id, out var d) ? d.ToArray() : [],
                Freeze(user.GetValueOrDefault(id)),
                Freeze(system.GetValueOrDefault(id)),
                id));
        }

        return (IReadOnlyList<FrozenStudy>)result;
    });

    private void SetStudyAttr(string sql, int studyId, string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        string json = PyJson.Serialize(value);
        Write(durable: true, c =>
        {
            EnsureStudy(c, studyId);
            c.Command(sql).With("@s", studyId).With("@key", key).With("@value", json).ExecuteNonQuery();
        });
    }

    private IReadOnlyDictionary<string, object?> ReadStudyAttrs(string sql, string kind, int studyId) => Run(c =>
    {
        var attrs = new Dictionary<string, object?>(StringComparer.Ordinal);
        using (var r = c.Command(sql).With("@s", studyId).ExecuteReader())
        {
            while (r.Read())
            {
                string key = r.GetString(0);
                attrs[key] = ParseJson(r, 1, kind, key, studyId);
            }
        }

        if (attrs.Count == 0)
        {
            EnsureStudy(c, studyId);
        }

        return Freeze(attrs);
    });

    private void EnsureStudy(RdbConnection c, int studyId)
    {
        if (c.Command(_sql.StudyExists).With("@s", studyId).ExecuteScalar() is null or DBNull)
        {
            throw StudyNotFound(studyId);
        }
    }

    private StudyCache GetCache(int studyId) => _studies.GetOrAdd(studyId, static _ => new StudyCache());

    private static KeyNotFoundException StudyNotFound(int studyId) => new($"No study with study_id {studyId} exists.");

    private static IReadOnlyDictionary<string, object?> Freeze(Dictionary<string, object?>? attrs) =>
        attrs is null || attrs.Count == 0 ? FrozenTrial.EmptyAttrs : new ReadOnlyDictionary<string, object?>(attrs);

    /// <summary>
    /// Parses a stored JSON value. A value that is not valid JSON or nests deeper than <see cref="PyJson.MaxDepth"/>
    /// (someone else's write to a shared database) gives a <see cref="FormatException"/> that names what was read.
    /// </summary>
    private static object? ParseJson(System.Data.Common.DbDataReader r, int ordinal, string kind, string key, int studyId, int trialId = -1, int trialNumber = -1)
    {
        if (r.IsDBNull(ordinal))
        {
            return null;
        }

        try
        {
            return PyJson.Parse(r.GetString(ordinal));
        }
        catch (FormatException e)
        {
            string owner = trialId < 0 ? $"study_id {studyId}" : $"trial {trialNumber} (trial_id {trialId}) of study_id {studyId}";
            throw new FormatException($"The stored value of the {kind} attribute {PyFormat.Repr(key)} of {owner} is not a readable JSON value: {e.Message}", e);
        }
    }

    private static string DirectionName(StudyDirection d) => d switch
    {
        StudyDirection.Minimize => "MINIMIZE",
        StudyDirection.Maximize => "MAXIMIZE",
        _ => "NOT_SET",
    };

    private static StudyDirection ParseDirection(string name) => name switch
    {
        "MINIMIZE" => StudyDirection.Minimize,
        "MAXIMIZE" => StudyDirection.Maximize,
        _ => StudyDirection.NotSet,
    };
}
