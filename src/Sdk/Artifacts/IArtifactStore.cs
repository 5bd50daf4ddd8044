namespace Sharptune.Artifacts;

/// <summary>
/// Where artifact contents live (Optuna's <c>ArtifactStore</c> protocol). The metadata that lists an artifact lives
/// in the study's storage (see <see cref="Artifact"/>); a store only maps an artifact id to bytes. Implementations
/// must be safe to use from several threads.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Opens an artifact's content for reading. The caller disposes the stream.</summary>
    /// <param name="artifactId">The artifact id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A readable stream positioned at the start of the content.</returns>
    /// <exception cref="ArtifactNotFoundException">No artifact has this id.</exception>
    /// <exception cref="ArgumentException">The id is not valid for this store.</exception>
    Task<Stream> OpenReadAsync(string artifactId, CancellationToken cancellationToken = default);

    /// <summary>Writes (or replaces) an artifact's content, reading <paramref name="content"/> to its end.</summary>
    /// <param name="artifactId">The artifact id.</param>
    /// <param name="content">The content; read from its current position, not disposed.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the content is stored.</returns>
    /// <exception cref="ArgumentException">The id is not valid for this store.</exception>
    Task WriteAsync(string artifactId, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Removes an artifact's content.</summary>
    /// <param name="artifactId">The artifact id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the content is removed.</returns>
    /// <exception cref="ArtifactNotFoundException">No artifact has this id (a store that cannot tell, such as S3, does not throw).</exception>
    /// <exception cref="ArgumentException">The id is not valid for this store.</exception>
    Task RemoveAsync(string artifactId, CancellationToken cancellationToken = default);
}
