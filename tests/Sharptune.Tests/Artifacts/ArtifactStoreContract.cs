using Sharptune.Artifacts;

namespace Sharptune.Tests.Artifacts;

/// <summary>
/// The behaviour every <see cref="IArtifactStore"/> shares (Optuna's artifact-store protocol): each store's test
/// class derives from this one. Compiled into the test project of every store.
/// </summary>
public abstract class ArtifactStoreContract
{
    /// <summary>Creates an empty store.</summary>
    protected abstract IArtifactStore CreateStore();

    /// <summary>Gets a value indicating whether removing a missing artifact throws (S3 cannot tell, as in Optuna's Boto3 store).</summary>
    protected virtual bool RemoveOfMissingThrows => true;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WrittenContent_ReadsBackByteForByte()
    {
        var store = CreateStore();
        var bytes = new byte[300_000];
        new Random(7).NextBytes(bytes);
        await store.WriteAsync("a", new MemoryStream(bytes), Ct);
        await store.WriteAsync("empty", new MemoryStream(), Ct);

        Assert.Equal(bytes, await ReadAll(store, "a"));
        Assert.Empty(await ReadAll(store, "empty"));
    }

    [Fact]
    public async Task Write_ReadsFromTheStreamsPosition_AndReplaces()
    {
        var store = CreateStore();
        await store.WriteAsync("id", new MemoryStream("first"u8.ToArray()), Ct);
        var content = new MemoryStream("skip-second"u8.ToArray()) { Position = 5 };
        await store.WriteAsync("id", content, Ct);

        Assert.Equal("second"u8.ToArray(), await ReadAll(store, "id"));
    }

    [Fact]
    public async Task OpenRead_OfMissingArtifact_ThrowsArtifactNotFound()
    {
        var store = CreateStore();
        var e = await Assert.ThrowsAsync<ArtifactNotFoundException>(() => store.OpenReadAsync("missing", Ct));
        Assert.Contains("missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remove_DeletesTheContent()
    {
        var store = CreateStore();
        await store.WriteAsync("gone", new MemoryStream([1, 2, 3]), Ct);
        await store.WriteAsync("kept", new MemoryStream([4]), Ct);

        await store.RemoveAsync("gone", Ct);

        await Assert.ThrowsAsync<ArtifactNotFoundException>(() => store.OpenReadAsync("gone", Ct));
        Assert.Equal([4], await ReadAll(store, "kept"));
    }

    [Fact]
    public async Task Remove_OfMissingArtifact()
    {
        var store = CreateStore();
        if (RemoveOfMissingThrows)
        {
            await Assert.ThrowsAsync<ArtifactNotFoundException>(() => store.RemoveAsync("missing", Ct));
        }
        else
        {
            await store.RemoveAsync("missing", Ct);
            await Assert.ThrowsAsync<ArtifactNotFoundException>(() => store.OpenReadAsync("missing", Ct));
        }
    }

    [Fact]
    public async Task ConcurrentWriters_EachKeepTheirContent()
    {
        var store = CreateStore();
        await Parallel.ForAsync(0, 32, Ct, async (i, ct) =>
            await store.WriteAsync($"artifact-{i}", new MemoryStream(Enumerable.Repeat((byte)i, 1000 + i).ToArray()), ct));

        for (int i = 0; i < 32; i++)
        {
            var bytes = await ReadAll(store, $"artifact-{i}");
            Assert.Equal(1000 + i, bytes.Length);
            Assert.All(bytes, b => Assert.Equal((byte)i, b));
        }
    }

    [Fact]
    public async Task UploadListDownload_ThroughAStudy()
    {
        var store = CreateStore();
        using var dir = new TempDir();
        string modelPath = dir.Write("model.json", "{\"w\": 1}");
        var study = Study.Create();
        string? trialArtifact = null;
        study.Optimize(t =>
        {
            trialArtifact = Artifact.Upload(store, modelPath, t);
            return t.SuggestFloat("x", 0, 1);
        }, nTrials: 1);
        string studyArtifact = await Artifact.UploadAsync(store, modelPath, study, mimeType: "text/plain", cancellationToken: Ct);

        var trialMeta = Assert.Single(Artifact.GetAllMeta(study.Trials[0], study.Storage));
        Assert.Equal(new ArtifactMeta(trialArtifact!, "model.json", "application/json", null), trialMeta);
        Assert.Equal(new ArtifactMeta(studyArtifact, "model.json", "text/plain", null), Assert.Single(Artifact.GetAllMeta(study)));

        string target = Path.Combine(dir.Path, "downloaded.json");
        await Artifact.DownloadAsync(store, trialMeta.ArtifactId, target, Ct);
        Assert.Equal("{\"w\": 1}", File.ReadAllText(target));
    }

    private static async Task<byte[]> ReadAll(IArtifactStore store, string id)
    {
        var stream = await store.OpenReadAsync(id, Ct);
        await using (stream)
        {
            var ms = new MemoryStream();
            await stream.CopyToAsync(ms, Ct);
            return ms.ToArray();
        }
    }

    /// <summary>A temporary directory removed on dispose.</summary>
    protected sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sharptune-artifacts-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string Write(string name, string text)
        {
            string p = System.IO.Path.Combine(Path, name);
            File.WriteAllText(p, text);
            return p;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
