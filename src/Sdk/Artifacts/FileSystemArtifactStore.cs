namespace Sharptune.Artifacts;

/// <summary>
/// Keeps artifacts as files in a directory, one file per artifact named by its id (Optuna's
/// <c>FileSystemArtifactStore</c>: Python Optuna opens the same directory). A write goes to a temporary file that
/// replaces the artifact's file when complete, so a reader never sees a partial artifact.
/// </summary>
public sealed class FileSystemArtifactStore : IArtifactStore
{
    private const int BufferSize = 81920;
    private readonly string _root;

    /// <summary>Initializes a new instance of the <see cref="FileSystemArtifactStore"/> class.</summary>
    /// <param name="basePath">The directory of the artifacts; created when missing.</param>
    /// <exception cref="ArgumentException"><paramref name="basePath"/> is empty.</exception>
    public FileSystemArtifactStore(string basePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(basePath);
        BasePath = basePath;
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(basePath));
        Directory.CreateDirectory(_root);
    }

    /// <summary>Gets the directory of the artifacts, as given.</summary>
    public string BasePath { get; }

    /// <inheritdoc/>
    public Task<Stream> OpenReadAsync(string artifactId, CancellationToken cancellationToken = default)
    {
        string path = PathOf(artifactId);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, useAsync: true);
            return Task.FromResult(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw NotFound(artifactId, e);
        }
    }

    /// <inheritdoc/>
    public async Task WriteAsync(string artifactId, Stream content, CancellationToken cancellationToken = default)
    {
        string path = PathOf(artifactId);
        ArgumentNullException.ThrowIfNull(content);
        string directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
            await using (file.ConfigureAwait(false))
            {
                await content.CopyToAsync(file, BufferSize, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <inheritdoc/>
    public Task RemoveAsync(string artifactId, CancellationToken cancellationToken = default)
    {
        string path = PathOf(artifactId);
        cancellationToken.ThrowIfCancellationRequested();
        if (!File.Exists(path))
        {
            throw NotFound(artifactId, null);
        }

        File.Delete(path);
        return Task.CompletedTask;
    }

    private ArtifactNotFoundException NotFound(string artifactId, Exception? inner) =>
        new($"Artifact {artifactId} was not found in the directory {BasePath}.", inner);

    // The id names a file inside the base directory: an absolute path, or one that leaves the directory, is refused.
    private string PathOf(string artifactId)
    {
        ArgumentNullException.ThrowIfNull(artifactId);
        if (artifactId.Length == 0 || Path.IsPathRooted(artifactId))
        {
            throw new ArgumentException($"Invalid artifactId: {artifactId}", nameof(artifactId));
        }

        string full = Path.GetFullPath(Path.Combine(_root, artifactId));
        string prefix = Path.EndsInDirectorySeparator(_root) ? _root : _root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(prefix, StringComparison.Ordinal) || full.Length == prefix.Length)
        {
            throw new ArgumentException($"Invalid artifactId: {artifactId}", nameof(artifactId));
        }

        return full;
    }
}
