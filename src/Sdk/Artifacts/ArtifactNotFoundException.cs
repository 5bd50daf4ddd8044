namespace Sharptune.Artifacts;

/// <summary>Thrown when an artifact store has no content for an artifact id (Optuna's <c>ArtifactNotFound</c>).</summary>
public class ArtifactNotFoundException : SharptuneException
{
    /// <summary>Initializes a new instance of the <see cref="ArtifactNotFoundException"/> class.</summary>
    public ArtifactNotFoundException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ArtifactNotFoundException"/> class.</summary>
    /// <param name="message">The message.</param>
    public ArtifactNotFoundException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ArtifactNotFoundException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ArtifactNotFoundException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
