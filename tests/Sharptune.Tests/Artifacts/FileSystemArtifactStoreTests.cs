using Sharptune.Artifacts;

namespace Sharptune.Tests.Artifacts;

public sealed class FileSystemArtifactStoreTests : ArtifactStoreContract, IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    protected override IArtifactStore CreateStore() => new FileSystemArtifactStore(Path.Combine(_dir.Path, "store-" + Guid.NewGuid().ToString("N")));

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../outside")]
    [InlineData("a/../../outside")]
    [InlineData("..")]
    [InlineData("")]
    public async Task InvalidIds_AreRefused_WithOptunasMessage(string id)
    {
        var store = CreateStore();
        var ct = TestContext.Current.CancellationToken;
        var e = await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync(id, new MemoryStream([1]), ct));
        Assert.StartsWith($"Invalid artifactId: {id}", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => store.OpenReadAsync(id, ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.RemoveAsync(id, ct));
    }

    [Fact]
    public async Task ArtifactsAreFilesNamedByTheirId_AndNoTemporaryFileRemains()
    {
        string basePath = Path.Combine(_dir.Path, "plain");
        var store = new FileSystemArtifactStore(basePath);
        await store.WriteAsync("5f0c", new MemoryStream("abc"u8.ToArray()), TestContext.Current.CancellationToken);
        await store.WriteAsync("nested/id", new MemoryStream("d"u8.ToArray()), TestContext.Current.CancellationToken);

        Assert.Equal("abc", File.ReadAllText(Path.Combine(basePath, "5f0c")));
        Assert.Equal("d", File.ReadAllText(Path.Combine(basePath, "nested", "id")));
        Assert.Equal(["5f0c"], Directory.GetFiles(basePath).Select(Path.GetFileName));
    }

    [Fact]
    public async Task AFailedWrite_LeavesTheOldContent()
    {
        var store = CreateStore();
        var ct = TestContext.Current.CancellationToken;
        await store.WriteAsync("id", new MemoryStream("old"u8.ToArray()), ct);
        await Assert.ThrowsAsync<IOException>(() => store.WriteAsync("id", new FailingStream(), ct));

        var s = await store.OpenReadAsync("id", ct);
        await using (s)
        {
            Assert.Equal("old", await new StreamReader(s).ReadToEndAsync(ct));
        }
    }

    private sealed class FailingStream : MemoryStream
    {
        public FailingStream()
            : base(new byte[100])
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("disk went away");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new IOException("disk went away");

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => throw new IOException("disk went away");
    }
}
