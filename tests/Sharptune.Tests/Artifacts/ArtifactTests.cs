using Sharptune.Artifacts;
using Sharptune.Internal;
using Sharptune.Storages;
using Sharptune.Tests.Support;

namespace Sharptune.Tests.Artifacts;

public sealed class ArtifactTests : IDisposable
{
    private static readonly string DataDir = Path.Combine(AppContext.BaseDirectory, "Artifacts", "Data");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sharptune-artifact-tests-" + Guid.NewGuid().ToString("N"));

    public ArtifactTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Upload_StoresOptunasJson_InTheTrialSystemAttribute()
    {
        var store = new FileSystemArtifactStore(Path.Combine(_dir, "store"));
        string file = WriteFile("model.json", "{}");
        var study = Study.Create();
        var trial = study.Ask();

        string id = Artifact.Upload(store, file, trial);

        Assert.True(Guid.TryParseExact(id, "D", out _), id);
        var attrs = study.Storage.GetTrialSystemAttrs(trial.TrialId);
        Assert.Equal(
            $"{{\"artifact_id\": \"{id}\", \"filename\": \"model.json\", \"mimetype\": \"application/json\", \"encoding\": null}}",
            attrs["artifacts:" + id]);
        Assert.Equal("{}", File.ReadAllText(Path.Combine(_dir, "store", id)));
    }

    [Theory]
    [InlineData("model.json", "application/json", null)]
    [InlineData("data.csv", "text/csv", null)]
    [InlineData("plot.PNG", "image/png", null)]
    [InlineData("model.tar.gz", "application/x-tar", "gzip")]
    [InlineData("model.tgz", "application/x-tar", "gzip")]
    [InlineData("table.csv.bz2", "text/csv", "bzip2")]
    [InlineData("weights.gz", "application/octet-stream", "gzip")]
    [InlineData("model.zip", "application/zip", null)]
    [InlineData("model.onnx", "application/octet-stream", null)]
    [InlineData("README", "application/octet-stream", null)]
    public void MimeTypeAndEncoding_AreGuessedAsPythonDoes(string fileName, string mimeType, string? encoding)
    {
        var store = new FileSystemArtifactStore(Path.Combine(_dir, "store"));
        var study = Study.Create();
        Artifact.Upload(store, WriteFile(fileName, "x"), study);

        var meta = Assert.Single(Artifact.GetAllMeta(study));
        Assert.Equal((fileName, mimeType, encoding), (meta.FileName, meta.MimeType, meta.Encoding));
    }

    [Fact]
    public void GivenMimeTypeAndEncoding_WinOverTheGuess()
    {
        var store = new FileSystemArtifactStore(Path.Combine(_dir, "store"));
        var study = Study.Create();
        var trial = study.Ask();
        Artifact.Upload(store, WriteFile("m.json", "x"), trial, mimeType: "application/x-model", encoding: "identity");

        Assert.Equal(("application/x-model", "identity"), (Artifact.GetAllMeta(trial)[0].MimeType, Artifact.GetAllMeta(trial)[0].Encoding));
    }

    [Fact]
    public void StudyAndTrialArtifacts_AreListedSeparately_InUploadOrder()
    {
        var store = new FileSystemArtifactStore(Path.Combine(_dir, "store"));
        var study = Study.Create();
        var trial = study.Ask();
        string a = Artifact.Upload(store, WriteFile("a.txt", "a"), trial);
        string b = Artifact.Upload(store, WriteFile("b.txt", "b"), trial);
        string s = Artifact.Upload(store, WriteFile("s.txt", "s"), study);
        study.Tell(trial, 1.0);

        Assert.Equal([a, b], Artifact.GetAllMeta(trial).Select(m => m.ArtifactId));
        Assert.Equal([a, b], Artifact.GetAllMeta(study.Trials[0], study.Storage).Select(m => m.ArtifactId));
        Assert.Equal([s], Artifact.GetAllMeta(study).Select(m => m.ArtifactId));
        Assert.Empty(Artifact.GetAllMeta(study.Ask()));
    }

    [Fact]
    public void BadArguments_ThrowOptunasErrors()
    {
        var store = new FileSystemArtifactStore(Path.Combine(_dir, "store"));
        string file = WriteFile("m.bin", "x");
        var study = Study.Create();
        study.Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 1);
        var frozen = study.Trials[0];

        var e1 = Assert.Throws<ArgumentException>(() => Artifact.Upload(store, file, frozen, storage: null));
        Assert.StartsWith("storage is required for FrozenTrial.", e1.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<ArgumentException>(() => Artifact.GetAllMeta(frozen, storage: null));
        Assert.StartsWith("storage is required for FrozenTrial.", e2.Message, StringComparison.Ordinal);
        var e3 = Assert.Throws<ArgumentException>(() => Artifact.Upload(store, file, new FixedTrial(new Dictionary<string, object?>())));
        Assert.Contains("a FixedTrial has no storage", e3.Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => Artifact.Upload(store, Path.Combine(_dir, "missing.bin"), study));
        Assert.Empty(Artifact.GetAllMeta(study));

        string id = Artifact.Upload(store, file, study);
        var e4 = Assert.Throws<IOException>(() => Artifact.Download(store, id, file));
        Assert.Equal($"File already exists: {file}", e4.Message);
        Assert.Throws<ArtifactNotFoundException>(() => Artifact.Download(store, "no-such-artifact", Path.Combine(_dir, "out")));
        Assert.False(File.Exists(Path.Combine(_dir, "out")));

        study.SetSystemAttr("artifacts:broken", "{\"artifact_id\": \"x\"}");
        var e5 = Assert.Throws<FormatException>(() => Artifact.GetAllMeta(study));
        Assert.Equal("Artifact metadata has no \"filename\": {\"artifact_id\": \"x\"}", e5.Message);
    }

    [Fact]
    public void SaveEachTrialsModel_LoadTheBestOne()
    {
        var store = new FileSystemArtifactStore(Path.Combine(_dir, "store"));
        var study = Study.Create(new StudyOptions { Sampler = new Samplers.RandomSampler(seed: 3) });
        study.Optimize(t =>
        {
            double x = t.SuggestFloat("x", -3, 3);
            string path = Path.Combine(_dir, $"model-{t.Number}.txt");
            File.WriteAllText(path, PyFormat.FloatRepr(x));
            Artifact.Upload(store, path, t);
            return x * x;
        }, nTrials: 8);

        var best = Assert.Single(Artifact.GetAllMeta(study.BestTrial, study.Storage));
        string target = Path.Combine(_dir, "best.txt");
        Artifact.Download(store, best.ArtifactId, target);
        Assert.Equal(PyFormat.FloatRepr((double)study.BestParams["x"]!), File.ReadAllText(target));
    }

    [Fact]
    public void ArtifactsUploadedByOptuna5_AreListedAndDownloaded()
    {
        // Journal and store written by Optuna 5 (make_artifact_fixture.py); expected.json holds what Optuna lists.
        string journal = Path.Combine(_dir, "python.log");
        File.Copy(Path.Combine(DataDir, "python_artifacts.log"), journal);
        var expected = (IDictionary<string, object?>)PyJson.Parse(File.ReadAllText(Path.Combine(DataDir, "python_artifacts_expected.json")))!;
        var store = new FileSystemArtifactStore(Path.Combine(DataDir, "python_artifact_store"));
        using var storage = new JournalStorage(journal);
        var study = Study.Load("artifacts-from-python", storage);

        AssertListed(store, expected["study"], Artifact.GetAllMeta(study));
        var expectedTrials = (List<object?>)expected["trials"]!;
        Assert.Equal(expectedTrials.Count, study.Trials.Count);
        for (int i = 0; i < expectedTrials.Count; i++)
        {
            AssertListed(store, expectedTrials[i], Artifact.GetAllMeta(study.Trials[i], storage));
        }

        Assert.Equal(3, study.Trials[1].SystemAttrs.Count(a => a.Key.StartsWith(Artifact.AttrPrefix, StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(PythonOptuna.Variants), MemberType = typeof(PythonOptuna))]
    public void ArtifactsUploadedBySharptune_AreListedByPythonOptuna(string optuna)
    {
        // A journal file: Debian's Optuna 3.1 does not open an RDB of Optuna 5's schema.
        string journal = Path.Combine(_dir, "sharptune.log");
        string storeDir = Path.Combine(_dir, "store");
        var store = new FileSystemArtifactStore(storeDir);
        var expectedTrials = new List<List<ArtifactMeta>>();
        using (var storage = new JournalStorage(journal))
        {
            var study = Study.Create(new StudyOptions { StudyName = "artifacts-from-sharptune", Storage = storage });
            study.Optimize(t =>
            {
                double x = t.SuggestFloat("x", 0, 1);
                Artifact.Upload(store, WriteFile("model.json", $"{{\"trial\": {t.Number}}}"), t);
                if (t.Number == 1)
                {
                    Artifact.Upload(store, WriteFile("notes.txt.gz", "zipped ünïcode"), t, encoding: null);
                }

                return x;
            }, nTrials: 3);
            Artifact.Upload(store, WriteFile("summary.csv", "a,b\n"), study, mimeType: "text/x-summary");
            foreach (var t in study.Trials)
            {
                expectedTrials.Add([.. Artifact.GetAllMeta(t, storage)]);
            }

            Assert.Equal([1, 2, 1], expectedTrials.Select(l => l.Count));
        }

        var listed = PythonOptuna.RunJson(optuna, Path.Combine(DataDir, "read_artifacts.py"), journal, "artifacts-from-sharptune", storeDir);

        Assert.Equal(optuna == "source" ? "optuna.artifacts" : "system attributes", listed["api"]);
        var study2 = Assert.Single((List<object?>)listed["study"]!);
        AssertMeta(new ArtifactMeta(((IDictionary<string, object?>)study2!)["artifact_id"]!.ToString()!, "summary.csv", "text/x-summary", null), study2, "a,b\n");
        var trials = (List<object?>)listed["trials"]!;
        Assert.Equal(3, trials.Count);
        for (int i = 0; i < 3; i++)
        {
            // Listed in the storage's order of system attributes, as Optuna lists them: compare by id.
            var items = ((List<object?>)trials[i]!).Cast<IDictionary<string, object?>>().ToDictionary(d => (string)d["artifact_id"]!);
            Assert.Equal(expectedTrials[i].Count, items.Count);
            AssertMeta(expectedTrials[i][0], items[expectedTrials[i][0].ArtifactId], $"{{\"trial\": {i}}}");
        }

        AssertMeta(expectedTrials[1][1], ((List<object?>)trials[1]!).Cast<IDictionary<string, object?>>().Single(d => (string)d["artifact_id"]! == expectedTrials[1][1].ArtifactId), "zipped ünïcode");
        Assert.Equal(("text/plain", "gzip"), (expectedTrials[1][1].MimeType, expectedTrials[1][1].Encoding));
    }

    private static void AssertListed(IArtifactStore store, object? expected, IReadOnlyList<ArtifactMeta> actual)
    {
        var items = (List<object?>)expected!;
        Assert.Equal(items.Count, actual.Count);
        for (int i = 0; i < items.Count; i++)
        {
            var e = (IDictionary<string, object?>)items[i]!;
            AssertMeta(actual[i], e, (string)e["content"]!);
            string target = Path.Combine(Path.GetTempPath(), "sharptune-dl-" + Guid.NewGuid().ToString("N"));
            try
            {
                Artifact.Download(store, actual[i].ArtifactId, target);
                Assert.Equal((string)e["content"]!, File.ReadAllText(target));
            }
            finally
            {
                File.Delete(target);
            }
        }
    }

    private static void AssertMeta(ArtifactMeta meta, object? item, string content)
    {
        var d = (IDictionary<string, object?>)item!;
        Assert.Equal(meta.ArtifactId, d["artifact_id"]);
        Assert.Equal(meta.FileName, d["filename"]);
        Assert.Equal(meta.MimeType, d["mimetype"]);
        Assert.Equal(meta.Encoding, d["encoding"]);
        Assert.Equal(content, d["content"]);
    }

    private string WriteFile(string name, string text)
    {
        string path = Path.Combine(_dir, "files-" + Guid.NewGuid().ToString("N"), name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }
}
