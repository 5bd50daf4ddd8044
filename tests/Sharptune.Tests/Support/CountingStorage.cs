using Sharptune.Storages;

namespace Sharptune.Tests.Support;

/// <summary>
/// A storage decorator that counts every call made to it, by method name, and forwards it to the wrapped storage
/// (the interface's default methods too, so a storage's own implementation of them is what runs).
/// </summary>
internal sealed class CountingStorage(IStorage inner) : IStorage
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Gets the calls counted since the last <see cref="Reset"/>, by method name.</summary>
    public IReadOnlyDictionary<string, int> Counts
    {
        get
        {
            lock (_lock)
            {
                return new SortedDictionary<string, int>(_counts, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Gets the number of calls counted since the last <see cref="Reset"/>.</summary>
    public int Total => Counts.Values.Sum();

    /// <summary>Forgets the counts.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _counts.Clear();
        }
    }

    public int CreateNewStudy(IReadOnlyList<StudyDirection> directions, string? studyName = null) => Count(nameof(CreateNewStudy), () => inner.CreateNewStudy(directions, studyName));

    public void DeleteStudy(int studyId) => Count(nameof(DeleteStudy), () => inner.DeleteStudy(studyId));

    public void SetStudyUserAttr(int studyId, string key, object? value) => Count(nameof(SetStudyUserAttr), () => inner.SetStudyUserAttr(studyId, key, value));

    public void SetStudySystemAttr(int studyId, string key, object? value) => Count(nameof(SetStudySystemAttr), () => inner.SetStudySystemAttr(studyId, key, value));

    public int GetStudyIdFromName(string studyName) => Count(nameof(GetStudyIdFromName), () => inner.GetStudyIdFromName(studyName));

    public string GetStudyNameFromId(int studyId) => Count(nameof(GetStudyNameFromId), () => inner.GetStudyNameFromId(studyId));

    public IReadOnlyList<StudyDirection> GetStudyDirections(int studyId) => Count(nameof(GetStudyDirections), () => inner.GetStudyDirections(studyId));

    public IReadOnlyDictionary<string, object?> GetStudyUserAttrs(int studyId) => Count(nameof(GetStudyUserAttrs), () => inner.GetStudyUserAttrs(studyId));

    public IReadOnlyDictionary<string, object?> GetStudySystemAttrs(int studyId) => Count(nameof(GetStudySystemAttrs), () => inner.GetStudySystemAttrs(studyId));

    public IReadOnlyList<FrozenStudy> GetAllStudies() => Count(nameof(GetAllStudies), inner.GetAllStudies);

    public int CreateNewTrial(int studyId, FrozenTrial? templateTrial = null) => Count(nameof(CreateNewTrial), () => inner.CreateNewTrial(studyId, templateTrial));

    public int? CreateNewTrialWithinLimit(int studyId, int limit, IReadOnlyCollection<TrialState> countedStates) =>
        Count(nameof(CreateNewTrialWithinLimit), () => inner.CreateNewTrialWithinLimit(studyId, limit, countedStates));

    public void SetTrialParam(int trialId, string paramName, double internalValue, Distribution distribution) =>
        Count(nameof(SetTrialParam), () => inner.SetTrialParam(trialId, paramName, internalValue, distribution));

    public int GetTrialIdFromStudyIdTrialNumber(int studyId, int trialNumber) =>
        Count(nameof(GetTrialIdFromStudyIdTrialNumber), () => inner.GetTrialIdFromStudyIdTrialNumber(studyId, trialNumber));

    public bool SetTrialStateValues(int trialId, TrialState state, IReadOnlyList<double>? values = null) =>
        Count(nameof(SetTrialStateValues), () => inner.SetTrialStateValues(trialId, state, values));

    public void SetTrialIntermediateValue(int trialId, int step, double intermediateValue) =>
        Count(nameof(SetTrialIntermediateValue), () => inner.SetTrialIntermediateValue(trialId, step, intermediateValue));

    public void SetTrialUserAttr(int trialId, string key, object? value) => Count(nameof(SetTrialUserAttr), () => inner.SetTrialUserAttr(trialId, key, value));

    public void SetTrialSystemAttr(int trialId, string key, object? value) => Count(nameof(SetTrialSystemAttr), () => inner.SetTrialSystemAttr(trialId, key, value));

    public FrozenTrial GetTrial(int trialId) => Count(nameof(GetTrial), () => inner.GetTrial(trialId));

    public IReadOnlyDictionary<string, object?> GetTrialSystemAttrs(int trialId) => Count(nameof(GetTrialSystemAttrs), () => inner.GetTrialSystemAttrs(trialId));

    public IReadOnlyList<FrozenTrial> GetAllTrials(int studyId, IReadOnlyCollection<TrialState>? states = null) =>
        Count(nameof(GetAllTrials), () => inner.GetAllTrials(studyId, states));

    public int GetNTrials(int studyId, IReadOnlyCollection<TrialState>? states = null) => Count(nameof(GetNTrials), () => inner.GetNTrials(studyId, states));

    public FrozenTrial GetBestTrial(int studyId) => Count(nameof(GetBestTrial), () => inner.GetBestTrial(studyId));

    public int? PopWaitingTrialId(int studyId) => Count(nameof(PopWaitingTrialId), () => inner.PopWaitingTrialId(studyId));

    public int ClaimOrCreateTrial(int studyId) => Count(nameof(ClaimOrCreateTrial), () => inner.ClaimOrCreateTrial(studyId));

    public void RemoveSession() => Count(nameof(RemoveSession), inner.RemoveSession);

    private T Count<T>(string name, Func<T> call)
    {
        Count(name);
        return call();
    }

    private void Count(string name, Action call)
    {
        Count(name);
        call();
    }

    private void Count(string name)
    {
        lock (_lock)
        {
            _counts[name] = _counts.GetValueOrDefault(name) + 1;
        }
    }
}
