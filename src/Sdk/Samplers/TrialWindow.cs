using Sharptune.Storages;

namespace Sharptune.Samplers;

/// <summary>
/// Reads the trials of a study from a given number on, so that samplers that fold finished trials into a running
/// summary read only what is new instead of the whole study on every call.
/// </summary>
internal static class TrialWindow
{
    /// <summary>Above this many trials, one bulk read is cheaper than reading them one by one.</summary>
    private const int BulkThreshold = 64;

    /// <summary>Returns the trials numbered <paramref name="first"/> and later, in number order.</summary>
    /// <param name="storage">The storage.</param>
    /// <param name="studyId">The study id.</param>
    /// <param name="first">The first trial number to read.</param>
    /// <returns>The trials; element <c>i</c> has number <c>first + i</c>.</returns>
    public static IReadOnlyList<FrozenTrial> From(IStorage storage, int studyId, int first)
    {
        int count = storage.GetNTrials(studyId);
        if (count <= first)
        {
            return [];
        }

        if (count - first > BulkThreshold)
        {
            var all = storage.GetAllTrials(studyId);
            if (first == 0)
            {
                return all;
            }

            var tail = new FrozenTrial[Math.Max(0, all.Count - first)];
            for (int i = 0; i < tail.Length; i++)
            {
                tail[i] = all[first + i];
            }

            return tail;
        }

        var trials = new FrozenTrial[count - first];
        for (int i = 0; i < trials.Length; i++)
        {
            trials[i] = storage.GetTrial(storage.GetTrialIdFromStudyIdTrialNumber(studyId, first + i));
        }

        return trials;
    }
}
