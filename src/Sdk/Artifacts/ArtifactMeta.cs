namespace Sharptune.Artifacts;

/// <summary>
/// What the study's storage records about an artifact (Optuna's <c>ArtifactMeta</c>): stored as the JSON
/// <c>{"artifact_id": …, "filename": …, "mimetype": …, "encoding": …}</c> in the trial or study system attribute
/// <c>artifacts:&lt;id&gt;</c>.
/// </summary>
/// <param name="ArtifactId">The artifact id (a UUID for uploads), the key of the content in the artifact store.</param>
/// <param name="FileName">The name of the uploaded file, without its directory.</param>
/// <param name="MimeType">The MIME type, given at upload or guessed from the file extension.</param>
/// <param name="Encoding">The content encoding (as in a <c>Content-Encoding</c> header, e.g. <c>gzip</c>), or <see langword="null"/>.</param>
public sealed record ArtifactMeta(string ArtifactId, string FileName, string MimeType, string? Encoding);
