using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Sharptune.Artifacts.S3;

/// <summary>
/// Keeps artifacts as objects of an S3 bucket, one object per artifact whose key is the artifact id (the layout of
/// Optuna's <c>Boto3ArtifactStore</c>, so Python Optuna and optuna-dashboard read the same bucket). Works with any
/// S3-compatible server through the client's configuration (<c>ServiceURL</c>,
/// <see cref="AmazonS3Config.ForcePathStyle"/>).
/// </summary>
public sealed class S3ArtifactStore : IArtifactStore
{
    private readonly IAmazonS3 _client;

    /// <summary>Initializes a new instance of the <see cref="S3ArtifactStore"/> class.</summary>
    /// <param name="client">The S3 client (the store does not dispose it).</param>
    /// <param name="bucketName">The bucket, which must exist.</param>
    /// <exception cref="ArgumentException"><paramref name="bucketName"/> is empty.</exception>
    public S3ArtifactStore(IAmazonS3 client, string bucketName)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(bucketName);
        _client = client;
        BucketName = bucketName;
    }

    /// <summary>Gets the bucket name.</summary>
    public string BucketName { get; }

    /// <inheritdoc/>
    /// <remarks>The stream reads the object's body from the network; dispose it to release the connection.</remarks>
    public async Task<Stream> OpenReadAsync(string artifactId, CancellationToken cancellationToken = default)
    {
        CheckId(artifactId);
        GetObjectResponse response;
        try
        {
            response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = BucketName, Key = artifactId }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchKey" || e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ArtifactNotFoundException($"Artifact storage with bucket: {BucketName}, artifact_id: {artifactId} was not found", e);
        }

        return new ResponseStream(response);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The object is written with one PUT (S3 accepts up to 5 GB that way). A stream that cannot seek is buffered in
    /// memory first, because the request needs the content length. The caller's stream is left open.
    /// </remarks>
    public async Task WriteAsync(string artifactId, Stream content, CancellationToken cancellationToken = default)
    {
        CheckId(artifactId);
        ArgumentNullException.ThrowIfNull(content);
        Stream body = content;
        MemoryStream? buffer = null;
        if (!content.CanSeek)
        {
            buffer = new MemoryStream();
            await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            buffer.Position = 0;
            body = buffer;
        }

        try
        {
            var request = new PutObjectRequest
            {
                BucketName = BucketName,
                Key = artifactId,
                InputStream = body,
                AutoCloseStream = false,
                AutoResetStreamPosition = false,
            };
            await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            buffer?.Dispose();
        }
    }

    /// <inheritdoc/>
    /// <remarks>S3 does not tell whether the object existed: removing a missing artifact does nothing, as in Optuna.</remarks>
    public async Task RemoveAsync(string artifactId, CancellationToken cancellationToken = default)
    {
        CheckId(artifactId);
        await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = BucketName, Key = artifactId }, cancellationToken).ConfigureAwait(false);
    }

    private static void CheckId(string artifactId)
    {
        ArgumentNullException.ThrowIfNull(artifactId);
        if (artifactId.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(artifactId) > 1024)
        {
            throw new ArgumentException($"Invalid artifactId: {artifactId}", nameof(artifactId));
        }
    }

    /// <summary>The body of a GET, disposing the response with the stream.</summary>
    private sealed class ResponseStream(GetObjectResponse response) : Stream
    {
        private readonly Stream _inner = response.ResponseStream;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => response.ContentLength;

        public override long Position
        {
            get => throw new NotSupportedException("The body of an S3 object cannot seek.");
            set => throw new NotSupportedException("The body of an S3 object cannot seek.");
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => _inner.Read(buffer);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _inner.ReadAsync(buffer, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("The body of an S3 object cannot seek.");

        public override void SetLength(long value) => throw new NotSupportedException("The body of an S3 object is read-only.");

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The body of an S3 object is read-only.");

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
