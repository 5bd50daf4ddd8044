using Sharptune.Internal;
using Sharptune.Storages.Journal;

namespace Sharptune.Storages;

public sealed partial class JournalStorage
{
    /// <inheritdoc/>
    public int CreateNewStudy(IReadOnlyList<StudyDirection> directions, string? studyName = null)
    {
        ArgumentNullException.ThrowIfNull(directions);
        string name = studyName ?? Study.DefaultStudyNamePrefix + Guid.NewGuid().ToString();
        StoredNames.CheckStudyName(name);
        var sb = Record(JournalOperation.CreateStudy, out string worker);
        sb.Append(",\"study_name\":");
        PyJson.WriteString(sb, name);
        sb.Append(",\"directions\":[");
        for (int i = 0; i < directions.Count; i++)
        {
            sb.Append(i == 0 ? string.Empty : ",").Append((int)directions[i]);
        }

        sb.Append("]}");
        lock (_lock)
        {
            if (_replay.FindStudy(name) is not null)
            {
                Sync(worker);
                if (_replay.FindStudy(name) is not null)
                {
                    throw new DuplicatedStudyException($"Another study with name '{name}' already exists. Please specify a different name, or reuse the existing one by setting `LoadIfExists` (for Study.Create) or using Study.Load.");
                }
            }

            WriteAndSync(Text(sb), worker, durable: true);
            return _replay.FindStudy(name) ?? throw new InvalidOperationException("The created study is missing from the journal.");
        }
    }

    /// <inheritdoc/>
    public void DeleteStudy(int studyId)
    {
        var sb = Record(JournalOperation.DeleteStudy, out string worker);
        sb.Append(",\"study_id\":").Append(studyId).Append('}');
        lock (_lock)
        {
            WriteAndSync(Text(sb), worker, durable: true);
            foreach (var (id, owned) in _owned.ToList())
            {
                if (owned.StudyId == studyId)
                {
                    _owned.Remove(id);
                }
            }
        }
    }

    /// <inheritdoc/>
    public void SetStudyUserAttr(int studyId, string key, object? value) => SetStudyAttr(JournalOperation.SetStudyUserAttr, "user_attr", studyId, key, value);

    /// <inheritdoc/>
    public void SetStudySystemAttr(int studyId, string key, object? value) => SetStudyAttr(JournalOperation.SetStudySystemAttr, "system_attr", studyId, key, value);

    /// <inheritdoc/>
    public int GetStudyIdFromName(string studyName)
    {
        ArgumentNullException.ThrowIfNull(studyName);
        lock (_lock)
        {
            Sync(WorkerId());
            return _replay.FindStudy(studyName) ?? throw new KeyNotFoundException($"No such study {studyName}.");
        }
    }

    /// <inheritdoc/>
    public string GetStudyNameFromId(int studyId) => ReadStudy(studyId, s => s.Name);

    /// <inheritdoc/>
    public IReadOnlyList<StudyDirection> GetStudyDirections(int studyId) => ReadStudy(studyId, s => (IReadOnlyList<StudyDirection>)s.Directions);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> GetStudyUserAttrs(int studyId) => ReadStudy(studyId, s => s.UserAttrs);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> GetStudySystemAttrs(int studyId) => ReadStudy(studyId, s => s.SystemAttrs);

    /// <inheritdoc/>
    public IReadOnlyList<FrozenStudy> GetAllStudies()
    {
        lock (_lock)
        {
            Sync(WorkerId());
            var result = new List<FrozenStudy>();
            foreach (var (id, s) in _replay.Studies())
            {
                result.Add(new FrozenStudy(s.Name, s.Directions, s.UserAttrs, s.SystemAttrs, id));
            }

            return result;
        }
    }

    private void SetStudyAttr(JournalOperation op, string field, int studyId, string key, object? value)
    {
        var sb = AttrRecord(op, "study_id", studyId, field, key, value, out string worker);
        lock (_lock)
        {
            if (!_replay.HasStudy(studyId))
            {
                Sync(worker);
                _ = _replay.GetStudy(studyId);
            }

            WriteAndSync(Text(sb), worker, durable: true);
        }
    }

    private T ReadStudy<T>(int studyId, Func<JournalReplay.StudyState, T> read)
    {
        lock (_lock)
        {
            Sync(WorkerId());
            return read(_replay.GetStudy(studyId));
        }
    }
}
