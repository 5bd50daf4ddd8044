using System.Globalization;
using System.Text;
using Sharptune.Storages;

namespace Sharptune.Dashboard;

/// <summary>A note in Markdown and its version (optuna-dashboard's note: a version counter and a body).</summary>
/// <param name="Version">The version, 0 when no note was saved; each save increments it.</param>
/// <param name="Body">The Markdown text, empty when no note was saved.</param>
public sealed record DashboardNote(int Version, string Body);

/// <summary>
/// Reads and writes study and trial notes as optuna-dashboard stores them, so both dashboards show the same notes:
/// the study's system attributes hold the version (<c>dashboard:note_ver</c>, or <c>dashboard:{trial_id}:note_ver</c>
/// for a trial) and the body in chunks of at most 2045 characters (<c>dashboard:note_str:{i}</c>, or
/// <c>dashboard:{trial_id}:note_str:{i}</c>).
/// </summary>
public static class DashboardNotes
{
    /// <summary>The largest chunk of a note body stored in one system attribute.</summary>
    public const int ChunkLength = 2045;

    private static readonly Lock SaveLock = new();

    /// <summary>Reads a study's note (<paramref name="trialId"/> null) or a trial's note.</summary>
    /// <param name="storage">The storage.</param>
    /// <param name="studyId">The study id.</param>
    /// <param name="trialId">The trial id, or <see langword="null"/> for the study's note.</param>
    /// <returns>The note; version 0 and an empty body when none was saved.</returns>
    public static DashboardNote Get(IStorage storage, int studyId, int? trialId)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return Get(storage.GetStudySystemAttrs(studyId), trialId);
    }

    /// <summary>Reads a note from a study's system attributes.</summary>
    /// <param name="studySystemAttrs">The study's system attributes.</param>
    /// <param name="trialId">The trial id, or <see langword="null"/> for the study's note.</param>
    /// <returns>The note; version 0 and an empty body when none was saved.</returns>
    public static DashboardNote Get(IReadOnlyDictionary<string, object?> studySystemAttrs, int? trialId)
    {
        ArgumentNullException.ThrowIfNull(studySystemAttrs);
        if (!studySystemAttrs.TryGetValue(VersionKey(trialId), out object? version) || version is null)
        {
            return new DashboardNote(0, string.Empty);
        }

        string prefix = ChunkKeyPrefix(trialId);
        var body = new StringBuilder();
        for (int i = 0; studySystemAttrs.TryGetValue(prefix + i.ToString(CultureInfo.InvariantCulture), out object? chunk); i++)
        {
            body.Append(chunk as string ?? Convert.ToString(chunk, CultureInfo.InvariantCulture));
        }

        return new DashboardNote(ToInt(version), body.ToString());
    }

    /// <summary>
    /// Saves a note when <paramref name="version"/> is the stored version plus one (optuna-dashboard's optimistic
    /// check); chunks left over from a longer previous body are emptied.
    /// </summary>
    /// <param name="storage">The storage.</param>
    /// <param name="studyId">The study id.</param>
    /// <param name="trialId">The trial id, or <see langword="null"/> for the study's note.</param>
    /// <param name="version">The new version: the version the editor started from plus one.</param>
    /// <param name="body">The Markdown text.</param>
    /// <returns><see langword="true"/> when saved; <see langword="false"/> when someone saved another version meanwhile.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is less than 1.</exception>
    public static bool TrySave(IStorage storage, int studyId, int? trialId, int version, string body)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        lock (SaveLock)
        {
            var attrs = storage.GetStudySystemAttrs(studyId);
            if (Get(attrs, trialId).Version + 1 != version)
            {
                return false;
            }

            storage.SetStudySystemAttr(studyId, VersionKey(trialId), version);
            string prefix = ChunkKeyPrefix(trialId);
            int chunks = (body.Length + ChunkLength - 1) / ChunkLength;
            for (int i = 0; i < chunks; i++)
            {
                int start = i * ChunkLength;
                storage.SetStudySystemAttr(studyId, prefix + i.ToString(CultureInfo.InvariantCulture), body.Substring(start, Math.Min(ChunkLength, body.Length - start)));
            }

            for (int i = chunks; attrs.ContainsKey(prefix + i.ToString(CultureInfo.InvariantCulture)); i++)
            {
                storage.SetStudySystemAttr(studyId, prefix + i.ToString(CultureInfo.InvariantCulture), string.Empty);
            }

            return true;
        }
    }

    internal static string VersionKey(int? trialId) =>
        trialId is { } id ? string.Create(CultureInfo.InvariantCulture, $"dashboard:{id}:note_ver") : "dashboard:note_ver";

    internal static string ChunkKeyPrefix(int? trialId) =>
        trialId is { } id ? string.Create(CultureInfo.InvariantCulture, $"dashboard:{id}:note_str:") : "dashboard:note_str:";

    private static int ToInt(object value) => value switch
    {
        int i => i,
        long l => checked((int)l),
        double d => checked((int)d),
        System.Text.Json.JsonElement e => e.GetInt32(),
        _ => int.Parse(Convert.ToString(value, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture),
    };
}
