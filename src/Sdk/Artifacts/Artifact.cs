using Sharptune.Internal;
using Sharptune.Storages;

namespace Sharptune.Artifacts;

/// <summary>
/// Uploads files as artifacts of a trial or a study, lists them and downloads them (Optuna's
/// <c>upload_artifact</c>, <c>get_all_artifact_meta</c> and <c>download_artifact</c>). The content goes to an
/// <see cref="IArtifactStore"/>; the metadata goes to the study's storage as Optuna stores it — the JSON of
/// <see cref="ArtifactMeta"/> in the system attribute <c>artifacts:&lt;id&gt;</c> — so Python Optuna and
/// optuna-dashboard list the artifacts Sharptune uploads, and the reverse.
/// </summary>
public static class Artifact
{
    /// <summary>The prefix of the system attributes that hold artifact metadata.</summary>
    public const string AttrPrefix = "artifacts:";

    /// <summary>The MIME type of an artifact whose type is neither given nor guessed from its extension.</summary>
    public const string DefaultMimeType = "application/octet-stream";

    /// <summary>Uploads a file as an artifact of a running trial.</summary>
    /// <param name="artifactStore">Where the content goes.</param>
    /// <param name="filePath">The file to upload; its name (without directory) is recorded.</param>
    /// <param name="trial">The trial, as the objective received it (a <see cref="Trial"/> of a study).</param>
    /// <param name="mimeType">The MIME type; guessed from the extension when <see langword="null"/>.</param>
    /// <param name="encoding">The content encoding (e.g. <c>gzip</c>); guessed from the extension when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The new artifact id (a UUID).</returns>
    /// <exception cref="ArgumentException"><paramref name="trial"/> is not a trial of a study (a <see cref="FixedTrial"/>, for instance).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static Task<string> UploadAsync(IArtifactStore artifactStore, string filePath, ITrial trial, string? mimeType = null, string? encoding = null, CancellationToken cancellationToken = default)
    {
        var live = AsTrial(trial);
        var storage = live.Study.Storage;
        int trialId = live.TrialId;
        return UploadCoreAsync(artifactStore, filePath, (key, json) => storage.SetTrialSystemAttr(trialId, key, json), mimeType, encoding, cancellationToken);
    }

    /// <summary>Uploads a file as an artifact of a trial known by its frozen record.</summary>
    /// <param name="artifactStore">Where the content goes.</param>
    /// <param name="filePath">The file to upload.</param>
    /// <param name="trial">The trial.</param>
    /// <param name="storage">The storage of the trial's study (required, as in Optuna).</param>
    /// <param name="mimeType">The MIME type; guessed from the extension when <see langword="null"/>.</param>
    /// <param name="encoding">The content encoding; guessed from the extension when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The new artifact id.</returns>
    /// <exception cref="ArgumentException"><paramref name="storage"/> is <see langword="null"/>.</exception>
    public static Task<string> UploadAsync(IArtifactStore artifactStore, string filePath, FrozenTrial trial, IStorage? storage, string? mimeType = null, string? encoding = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var s = storage ?? throw new ArgumentException("storage is required for FrozenTrial.", nameof(storage));
        int trialId = trial.TrialId;
        return UploadCoreAsync(artifactStore, filePath, (key, json) => s.SetTrialSystemAttr(trialId, key, json), mimeType, encoding, cancellationToken);
    }

    /// <summary>Uploads a file as an artifact of a study.</summary>
    /// <param name="artifactStore">Where the content goes.</param>
    /// <param name="filePath">The file to upload.</param>
    /// <param name="study">The study.</param>
    /// <param name="mimeType">The MIME type; guessed from the extension when <see langword="null"/>.</param>
    /// <param name="encoding">The content encoding; guessed from the extension when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The new artifact id.</returns>
    public static Task<string> UploadAsync(IArtifactStore artifactStore, string filePath, Study study, string? mimeType = null, string? encoding = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(study);
        return UploadCoreAsync(artifactStore, filePath, study.SetSystemAttr, mimeType, encoding, cancellationToken);
    }

    /// <summary>Uploads a file as an artifact of a running trial (blocks until stored).</summary>
    /// <param name="artifactStore">Where the content goes.</param>
    /// <param name="filePath">The file to upload.</param>
    /// <param name="trial">The trial, as the objective received it.</param>
    /// <param name="mimeType">The MIME type; guessed from the extension when <see langword="null"/>.</param>
    /// <param name="encoding">The content encoding; guessed from the extension when <see langword="null"/>.</param>
    /// <returns>The new artifact id.</returns>
    /// <exception cref="ArgumentException"><paramref name="trial"/> is not a trial of a study.</exception>
    public static string Upload(IArtifactStore artifactStore, string filePath, ITrial trial, string? mimeType = null, string? encoding = null) =>
        UploadAsync(artifactStore, filePath, trial, mimeType, encoding).GetAwaiter().GetResult();

    /// <summary>Uploads a file as an artifact of a trial known by its frozen record (blocks until stored).</summary>
    /// <param name="artifactStore">Where the content goes.</param>
    /// <param name="filePath">The file to upload.</param>
    /// <param name="trial">The trial.</param>
    /// <param name="storage">The storage of the trial's study (required).</param>
    /// <param name="mimeType">The MIME type; guessed from the extension when <see langword="null"/>.</param>
    /// <param name="encoding">The content encoding; guessed from the extension when <see langword="null"/>.</param>
    /// <returns>The new artifact id.</returns>
    /// <exception cref="ArgumentException"><paramref name="storage"/> is <see langword="null"/>.</exception>
    public static string Upload(IArtifactStore artifactStore, string filePath, FrozenTrial trial, IStorage? storage, string? mimeType = null, string? encoding = null) =>
        UploadAsync(artifactStore, filePath, trial, storage, mimeType, encoding).GetAwaiter().GetResult();

    /// <summary>Uploads a file as an artifact of a study (blocks until stored).</summary>
    /// <param name="artifactStore">Where the content goes.</param>
    /// <param name="filePath">The file to upload.</param>
    /// <param name="study">The study.</param>
    /// <param name="mimeType">The MIME type; guessed from the extension when <see langword="null"/>.</param>
    /// <param name="encoding">The content encoding; guessed from the extension when <see langword="null"/>.</param>
    /// <returns>The new artifact id.</returns>
    public static string Upload(IArtifactStore artifactStore, string filePath, Study study, string? mimeType = null, string? encoding = null) =>
        UploadAsync(artifactStore, filePath, study, mimeType, encoding).GetAwaiter().GetResult();

    /// <summary>Downloads an artifact's content to a new file.</summary>
    /// <param name="artifactStore">The store that holds the content.</param>
    /// <param name="artifactId">The artifact id.</param>
    /// <param name="filePath">The file to create; it must not exist.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>A task that completes when the file is written.</returns>
    /// <exception cref="IOException">The file already exists (<c>File already exists: …</c>).</exception>
    /// <exception cref="ArtifactNotFoundException">The store has no such artifact.</exception>
    public static async Task DownloadAsync(IArtifactStore artifactStore, string artifactId, string filePath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(artifactStore);
        ArgumentNullException.ThrowIfNull(artifactId);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        if (Path.Exists(filePath))
        {
            throw new IOException($"File already exists: {filePath}");
        }

        var reader = await artifactStore.OpenReadAsync(artifactId, cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            FileStream writer;
            try
            {
                writer = new FileStream(filePath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            }
            catch (IOException e) when (File.Exists(filePath))
            {
                throw new IOException($"File already exists: {filePath}", e);
            }

            await using (writer.ConfigureAwait(false))
            {
                await reader.CopyToAsync(writer, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Downloads an artifact's content to a new file (blocks until written).</summary>
    /// <param name="artifactStore">The store that holds the content.</param>
    /// <param name="artifactId">The artifact id.</param>
    /// <param name="filePath">The file to create; it must not exist.</param>
    /// <exception cref="IOException">The file already exists.</exception>
    /// <exception cref="ArtifactNotFoundException">The store has no such artifact.</exception>
    public static void Download(IArtifactStore artifactStore, string artifactId, string filePath) =>
        DownloadAsync(artifactStore, artifactId, filePath).GetAwaiter().GetResult();

    /// <summary>Lists the artifacts of a running trial, in the order the storage keeps its system attributes.</summary>
    /// <param name="trial">The trial (a <see cref="Trial"/> of a study).</param>
    /// <returns>The metadata of each artifact.</returns>
    /// <exception cref="ArgumentException"><paramref name="trial"/> is not a trial of a study.</exception>
    /// <exception cref="FormatException">An <c>artifacts:</c> attribute does not hold artifact metadata.</exception>
    public static IReadOnlyList<ArtifactMeta> GetAllMeta(ITrial trial)
    {
        var live = AsTrial(trial);
        return Parse(live.Study.Storage.GetTrialSystemAttrs(live.TrialId));
    }

    /// <summary>Lists the artifacts of a trial known by its frozen record.</summary>
    /// <param name="trial">The trial.</param>
    /// <param name="storage">The storage of the trial's study (required, as in Optuna).</param>
    /// <returns>The metadata of each artifact.</returns>
    /// <exception cref="ArgumentException"><paramref name="storage"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<ArtifactMeta> GetAllMeta(FrozenTrial trial, IStorage? storage)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var s = storage ?? throw new ArgumentException("storage is required for FrozenTrial.", nameof(storage));
        return Parse(s.GetTrialSystemAttrs(trial.TrialId));
    }

    /// <summary>Lists the artifacts uploaded to a study itself (not those of its trials).</summary>
    /// <param name="study">The study.</param>
    /// <returns>The metadata of each artifact.</returns>
    public static IReadOnlyList<ArtifactMeta> GetAllMeta(Study study)
    {
        ArgumentNullException.ThrowIfNull(study);
        return Parse(study.SystemAttrs);
    }

    /// <summary>Gets the JSON text Optuna stores for an artifact's metadata (keys in Optuna's order, Python's separators).</summary>
    /// <param name="meta">The metadata.</param>
    /// <returns>The JSON text.</returns>
    public static string ToJson(ArtifactMeta meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        var dict = new OrderedDictionary<string, object?>
        {
            ["artifact_id"] = meta.ArtifactId,
            ["filename"] = meta.FileName,
            ["mimetype"] = meta.MimeType,
            ["encoding"] = meta.Encoding,
        };
        return PyJson.Serialize(dict);
    }

    /// <summary>Reads the metadata JSON Optuna stores for an artifact.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The metadata.</returns>
    /// <exception cref="FormatException">The text is not artifact metadata.</exception>
    public static ArtifactMeta FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (PyJson.Parse(json) is not IDictionary<string, object?> dict)
        {
            throw new FormatException($"Artifact metadata must be a JSON object, but got {json}");
        }

        return new ArtifactMeta(Text(dict, "artifact_id", json)!, Text(dict, "filename", json)!, Text(dict, "mimetype", json)!, Text(dict, "encoding", json, nullable: true));
    }

    private static string? Text(IDictionary<string, object?> dict, string key, string json, bool nullable = false)
    {
        if (!dict.TryGetValue(key, out object? value))
        {
            throw new FormatException($"Artifact metadata has no \"{key}\": {json}");
        }

        return value switch
        {
            string s => s,
            null when nullable => null,
            _ => throw new FormatException($"Artifact metadata \"{key}\" must be a string, but got {json}"),
        };
    }

    private static List<ArtifactMeta> Parse(IReadOnlyDictionary<string, object?> systemAttrs)
    {
        var list = new List<ArtifactMeta>();
        foreach (var (key, value) in systemAttrs)
        {
            if (!key.StartsWith(AttrPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (value is not string json)
            {
                throw new FormatException($"The system attribute {PyFormat.Repr(key)} must hold artifact metadata as JSON text, but holds {PyFormat.Repr(value)}.");
            }

            list.Add(FromJson(json));
        }

        return list;
    }

    private static Trial AsTrial(ITrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return trial as Trial ?? throw new ArgumentException(
            $"Artifacts belong to a trial of a study; a {trial.GetType().Name} has no storage. Pass a FrozenTrial with its storage, or a Study.",
            nameof(trial));
    }

    private static async Task<string> UploadCoreAsync(IArtifactStore artifactStore, string filePath, Action<string, object?> setAttr, string? mimeType, string? encoding, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(artifactStore);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        string fileName = Path.GetFileName(filePath);
        var (guessedType, guessedEncoding) = MimeTypes.Guess(fileName);
        var meta = new ArtifactMeta(
            Guid.NewGuid().ToString(),
            fileName,
            string.IsNullOrEmpty(mimeType) ? guessedType ?? DefaultMimeType : mimeType,
            string.IsNullOrEmpty(encoding) ? guessedEncoding : encoding);

        // The content is stored before the metadata, so a listed artifact always has its content (Optuna records
        // the metadata first; a failed write would leave it listing a missing artifact).
        var file = new FileStream(filePath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            await artifactStore.WriteAsync(meta.ArtifactId, file, cancellationToken).ConfigureAwait(false);
        }

        setAttr(AttrPrefix + meta.ArtifactId, ToJson(meta));
        return meta.ArtifactId;
    }
}
