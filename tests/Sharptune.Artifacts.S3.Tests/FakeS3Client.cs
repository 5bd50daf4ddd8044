using System.Collections.Concurrent;
using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Sharptune.Artifacts.S3.Tests;

/// <summary>
/// An in-process S3: the three object calls the artifact store makes, with S3's behaviour — errors
/// <c>NoSuchBucket</c> and <c>NoSuchKey</c> (HTTP 404), a DELETE of a missing key that succeeds, a PUT that reads
/// the request stream from position 0 unless <c>AutoResetStreamPosition</c> is off and closes it unless
/// <c>AutoCloseStream</c> is off (the SDK's defaults). Any other call goes to the base client, which has no
/// server (a closed local port) and fails.
/// </summary>
public sealed class FakeS3Client : AmazonS3Client
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte[]>> _buckets = new(StringComparer.Ordinal);

    public FakeS3Client(params string[] buckets)
        : base(new AnonymousAWSCredentials(), new AmazonS3Config { ServiceURL = "http://127.0.0.1:9", ForcePathStyle = true, MaxErrorRetry = 0 })
    {
        foreach (string b in buckets)
        {
            _buckets[b] = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        }
    }

    /// <summary>Gets the number of object calls made.</summary>
    public int Calls => _calls;

    private int _calls;

    public byte[]? Object(string bucket, string key) => _buckets.TryGetValue(bucket, out var objects) && objects.TryGetValue(key, out var bytes) ? bytes : null;

    public override Task<GetObjectResponse> GetObjectAsync(GetObjectRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _calls);
        var objects = Bucket(request.BucketName);
        if (!objects.TryGetValue(request.Key, out var bytes))
        {
            throw new AmazonS3Exception("The specified key does not exist.", ErrorType.Sender, "NoSuchKey", "fake-request", HttpStatusCode.NotFound);
        }

        return Task.FromResult(new GetObjectResponse
        {
            BucketName = request.BucketName,
            Key = request.Key,
            ContentLength = bytes.Length,
            ResponseStream = new MemoryStream(bytes, writable: false),
            HttpStatusCode = HttpStatusCode.OK,
        });
    }

    public override async Task<PutObjectResponse> PutObjectAsync(PutObjectRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _calls);
        var objects = Bucket(request.BucketName);
        byte[] bytes;
        if (request.InputStream is { } stream)
        {
            if (request.AutoResetStreamPosition && stream.CanSeek)
            {
                stream.Position = 0;
            }

            var ms = new MemoryStream();
            await stream.CopyToAsync(ms, cancellationToken);
            bytes = ms.ToArray();
            if (request.AutoCloseStream)
            {
                stream.Dispose();
            }
        }
        else
        {
            bytes = System.Text.Encoding.UTF8.GetBytes(request.ContentBody ?? string.Empty);
        }

        objects[request.Key] = bytes;
        return new PutObjectResponse { HttpStatusCode = HttpStatusCode.OK };
    }

    public override Task<DeleteObjectResponse> DeleteObjectAsync(DeleteObjectRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _calls);
        Bucket(request.BucketName).TryRemove(request.Key, out _);
        return Task.FromResult(new DeleteObjectResponse { HttpStatusCode = HttpStatusCode.NoContent });
    }

    private ConcurrentDictionary<string, byte[]> Bucket(string name) =>
        _buckets.TryGetValue(name, out var objects)
            ? objects
            : throw new AmazonS3Exception("The specified bucket does not exist", ErrorType.Sender, "NoSuchBucket", "fake-request", HttpStatusCode.NotFound);
}
