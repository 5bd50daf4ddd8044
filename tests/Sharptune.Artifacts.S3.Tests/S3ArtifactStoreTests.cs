using Amazon.Runtime;
using Amazon.S3;
using Sharptune.Tests.Artifacts;

namespace Sharptune.Artifacts.S3.Tests;

/// <summary>
/// The artifact-store contract on the in-process S3 (<see cref="FakeS3Client"/>), or on a real S3-compatible
/// server when <c>SHARPTUNE_S3_SERVICE_URL</c> is set (e.g. <c>http://127.0.0.1:5000</c>; a bucket per test is
/// created there).
/// </summary>
public sealed class S3ArtifactStoreTests : ArtifactStoreContract
{
    private static readonly string? ServiceUrl = Environment.GetEnvironmentVariable("SHARPTUNE_S3_SERVICE_URL");

    protected override bool RemoveOfMissingThrows => false;

    protected override IArtifactStore CreateStore()
    {
        string bucket = "sharptune-" + Guid.NewGuid().ToString("N");
        if (ServiceUrl is null)
        {
            return new S3ArtifactStore(new FakeS3Client(bucket), bucket);
        }

        var client = new AmazonS3Client(new BasicAWSCredentials("test", "test"), new AmazonS3Config { ServiceURL = ServiceUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        client.PutBucketAsync(bucket, TestContext.Current.CancellationToken).GetAwaiter().GetResult();
        return new S3ArtifactStore(client, bucket);
    }

    [Fact]
    public async Task ObjectsAreKeyedByTheArtifactId_AsOptunasBoto3Store()
    {
        var client = new FakeS3Client("models");
        var store = new S3ArtifactStore(client, "models");
        await store.WriteAsync("0b6c7a52-5d3e-4f0e-9b8a-2f8e1b1f6d11", new MemoryStream("weights"u8.ToArray()), TestContext.Current.CancellationToken);

        Assert.Equal("weights"u8.ToArray(), client.Object("models", "0b6c7a52-5d3e-4f0e-9b8a-2f8e1b1f6d11"));
    }

    [Fact]
    public async Task Write_LeavesTheCallersStreamOpen_AndBuffersAStreamThatCannotSeek()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = new FakeS3Client("b");
        var store = new S3ArtifactStore(client, "b");
        var seekable = new MemoryStream("abc"u8.ToArray());
        await store.WriteAsync("one", seekable, ct);
        Assert.True(seekable.CanRead, "the store closed the caller's stream");

        await store.WriteAsync("two", new ForwardOnlyStream("xyz"u8.ToArray()), ct);
        Assert.Equal("xyz"u8.ToArray(), client.Object("b", "two"));
    }

    [Fact]
    public async Task AMissingBucket_ReadsAsNotFound_AndFailsWrites()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new S3ArtifactStore(new FakeS3Client("other"), "missing-bucket");
        var e = await Assert.ThrowsAsync<ArtifactNotFoundException>(() => store.OpenReadAsync("id", ct));
        Assert.Equal("Artifact storage with bucket: missing-bucket, artifact_id: id was not found", e.Message);
        var put = await Assert.ThrowsAsync<AmazonS3Exception>(() => store.WriteAsync("id", new MemoryStream([1]), ct));
        Assert.Equal("NoSuchBucket", put.ErrorCode);
    }

    [Fact]
    public async Task BadArguments_AreRefusedBeforeAnyCall()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = new FakeS3Client("b");
        var store = new S3ArtifactStore(client, "b");
        var e = await Assert.ThrowsAsync<ArgumentException>(() => store.OpenReadAsync("", ct));
        Assert.StartsWith("Invalid artifactId: ", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync(new string('k', 1025), new MemoryStream(), ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.WriteAsync("id", null!, ct));
        Assert.Throws<ArgumentException>(() => new S3ArtifactStore(client, ""));
        Assert.Throws<ArgumentNullException>(() => new S3ArtifactStore(null!, "b"));
        Assert.Equal(0, client.Calls);
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
