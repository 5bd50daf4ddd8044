using System.Globalization;
using Sharptune.Storages;

namespace Sharptune.Dashboard;

/// <summary>
/// Renames a study on any storage the way optuna-dashboard does, since the storage protocol has no rename: a new study
/// with the new name receives copies of the trials (same numbers, states, values, attributes and times), the study's
/// user and system attributes, and the notes (trial notes re-keyed to the new trial ids); only then is the old study
/// deleted. A failure before the delete removes the copy and leaves the old study as it was.
/// </summary>
internal static class StudyRename
{
    private static readonly TrialState[] Unfinished = [TrialState.Running, TrialState.Waiting];

    /// <summary>Renames a study; its id changes.</summary>
    /// <param name="storage">The storage.</param>
    /// <param name="studyId">The study.</param>
    /// <param name="newName">The new name.</param>
    /// <returns>The id of the renamed study.</returns>
    /// <exception cref="KeyNotFoundException">No such study.</exception>
    /// <exception cref="DuplicatedStudyException">A study named <paramref name="newName"/> exists.</exception>
    /// <exception cref="InvalidOperationException">
    /// The study has running or waiting trials (a worker would keep writing to the old study), or it gained or
    /// changed trials while it was copied.
    /// </exception>
    public static int Rename(IStorage storage, int studyId, string newName)
    {
        string oldName = storage.GetStudyNameFromId(studyId);
        var trials = storage.GetAllTrials(studyId);
        int unfinished = trials.Count(t => Unfinished.Contains(t.State));
        if (unfinished > 0)
        {
            throw new InvalidOperationException(
                $"The study '{oldName}' has {unfinished} running or waiting trial(s); a study can be renamed only when none is running (a rename copies the study and deletes the old one, which a worker would still write to).");
        }

        var directions = storage.GetStudyDirections(studyId);
        var userAttrs = storage.GetStudyUserAttrs(studyId);
        var systemAttrs = storage.GetStudySystemAttrs(studyId);
        int newId = storage.CreateNewStudy(directions, newName);
        try
        {
            var trialIds = new Dictionary<int, int>();
            foreach (var trial in trials)
            {
                trialIds[trial.TrialId] = storage.CreateNewTrial(newId, trial);
            }

            foreach (var (key, value) in userAttrs)
            {
                storage.SetStudyUserAttr(newId, key, value);
            }

            foreach (var (key, value) in systemAttrs)
            {
                storage.SetStudySystemAttr(newId, RekeyTrialNote(key, trialIds), value);
            }

            var now = storage.GetAllTrials(studyId);
            if (now.Count != trials.Count || now.Any(t => Unfinished.Contains(t.State)))
            {
                throw new InvalidOperationException($"The study '{oldName}' gained trials while it was being renamed; it was left unchanged. Try again once no worker runs it.");
            }
        }
        catch
        {
            storage.DeleteStudy(newId);
            throw;
        }

        storage.DeleteStudy(studyId);
        return newId;
    }

    /// <summary>Maps <c>dashboard:{old trial id}:…</c> note keys to the copied trial's id; other keys stay.</summary>
    internal static string RekeyTrialNote(string key, IReadOnlyDictionary<int, int> trialIds)
    {
        const string Prefix = "dashboard:";
        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return key;
        }

        int colon = key.IndexOf(':', Prefix.Length);
        if (colon < 0 || !int.TryParse(key.AsSpan(Prefix.Length, colon - Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int oldId) ||
            !trialIds.TryGetValue(oldId, out int newId))
        {
            return key;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}{newId}{key.AsSpan(colon)}");
    }
}
