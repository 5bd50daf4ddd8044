using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sharptune.Samplers;
using Sharptune.Storages;

namespace Sharptune.Dashboard.Tests;

/// <summary>Deleting and renaming a study through the API, on the in-memory, SQLite and journal storages.</summary>
public sealed class StudyAdminTests
{
    private const string Api = "/sharptune/api/v1/";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> StorageKinds => ["memory", "sqlite", "journal"];

    /// <summary>A storage of the given kind in <paramref name="dir"/>, holding <see cref="TestStudies.Create"/>'s studies (copied).</summary>
    private static IStorage Open(string kind, string dir)
    {
        IStorage storage = kind switch
        {
            "memory" => new InMemoryStorage(),
            "sqlite" => new RdbStorage("sqlite:///" + Path.Combine(dir, "studies.db")),
            "journal" => new JournalStorage(Path.Combine(dir, "studies.log")),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var source = TestStudies.Create();
        foreach (var study in source.GetAllStudies())
        {
            int id = storage.CreateNewStudy(study.Directions, study.StudyName);
            foreach (var t in source.GetAllTrials(study.StudyId))
            {
                storage.CreateNewTrial(id, t);
            }
        }

        return storage;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Send(HttpClient client, HttpMethod method, string path, object? body)
    {
        var token = JsonDocument.Parse(await client.GetStringAsync(Api + "antiforgery", Ct)).RootElement;
        using var request = new HttpRequestMessage(method, Api + path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add(token.GetProperty("header_name").GetString()!, token.GetProperty("token").GetString());
        using var response = await client.SendAsync(request, Ct);
        string text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, JsonDocument.Parse(text.Length == 0 ? "null" : text).RootElement.Clone());
    }

    [Theory]
    [MemberData(nameof(StorageKinds))]
    public async Task Rename_copies_trials_attributes_and_notes_under_the_new_name_and_drops_the_old_study(string kind)
    {
        string dir = Directory.CreateTempSubdirectory("sharptune-dashboard-rename-").FullName;
        try
        {
            var storage = Open(kind, dir);
            int multi = storage.GetStudyIdFromName("multi");
            var before = storage.GetAllTrials(multi);
            storage.SetStudyUserAttr(multi, "owner", "ana");
            storage.SetStudySystemAttr(multi, "study:metric_names", new List<object?> { "loss", "gain" });
            Assert.True(DashboardNotes.TrySave(storage, multi, null, 1, "study note"));
            Assert.True(DashboardNotes.TrySave(storage, multi, before[2].TrialId, 1, "trial note"));
            await using var app = TestStudies.App(storage, allowWrites: true);
            var client = app.CreateClient();

            var (status, body) = await Send(client, HttpMethod.Post, $"studies/{multi}/rename", new { study_name = "multi-renamed" });

            Assert.Equal(HttpStatusCode.OK, status);
            int renamed = body.GetProperty("study_id").GetInt32();
            Assert.Equal("multi-renamed", body.GetProperty("study_name").GetString());
            Assert.Equal(renamed, storage.GetStudyIdFromName("multi-renamed"));
            Assert.Throws<KeyNotFoundException>(() => storage.GetStudyIdFromName("multi"));
            Assert.Equal(["single", "multi-renamed"], storage.GetAllStudies().Select(s => s.StudyName));
            var after = storage.GetAllTrials(renamed);
            Assert.Equal(before.Select(t => (t.Number, t.State, t.Values![0], t.Values[1], t.Params["a"], t.DatetimeStart)), after.Select(t => (t.Number, t.State, t.Values![0], t.Values[1], t.Params["a"], t.DatetimeStart)));
            Assert.Equal([StudyDirection.Minimize, StudyDirection.Maximize], storage.GetStudyDirections(renamed));
            Assert.Equal("ana", storage.GetStudyUserAttrs(renamed)["owner"]);
            Assert.Equal(["loss", "gain"], Study.Load("multi-renamed", storage).MetricNames);
            Assert.Equal(new DashboardNote(1, "study note"), DashboardNotes.Get(storage, renamed, null));
            Assert.Equal(new DashboardNote(1, "trial note"), DashboardNotes.Get(storage, renamed, after[2].TrialId));
            Assert.Equal(0, DashboardNotes.Get(storage, renamed, after[1].TrialId).Version);

            // The old id is gone; the name that now exists is refused.
            var (missing, missingBody) = await Send(client, HttpMethod.Post, $"studies/{multi}/rename", new { study_name = "again" });
            Assert.Equal(HttpStatusCode.NotFound, missing);
            Assert.Equal($"No study with id {multi}.", missingBody.GetProperty("reason").GetString());
            var (duplicate, duplicateBody) = await Send(client, HttpMethod.Post, $"studies/{renamed}/rename", new { study_name = "single" });
            Assert.Equal(HttpStatusCode.Conflict, duplicate);
            Assert.Equal("A study named 'single' already exists.", duplicateBody.GetProperty("reason").GetString());
            Assert.Equal(6, storage.GetAllTrials(renamed).Count);
            Assert.Equal(2, storage.GetAllStudies().Count);

            // A study with a running trial is left alone: a worker would keep writing to the old one.
            int single = storage.GetStudyIdFromName("single");
            var (running, runningBody) = await Send(client, HttpMethod.Post, $"studies/{single}/rename", new { study_name = "single-2" });
            Assert.Equal(HttpStatusCode.Conflict, running);
            Assert.StartsWith("The study 'single' has 1 running or waiting trial(s); a study can be renamed only when none is running", runningBody.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Equal(single, storage.GetStudyIdFromName("single"));
            Assert.Throws<KeyNotFoundException>(() => storage.GetStudyIdFromName("single-2"));

            var (empty, _) = await Send(client, HttpMethod.Post, $"studies/{renamed}/rename", new { study_name = "  " });
            Assert.Equal(HttpStatusCode.BadRequest, empty);
            var (noName, _) = await Send(client, HttpMethod.Post, $"studies/{renamed}/rename", new { name = "x" });
            Assert.Equal(HttpStatusCode.BadRequest, noName);
            (storage as IDisposable)?.Dispose();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(StorageKinds))]
    public async Task Delete_removes_the_study_and_its_trials(string kind)
    {
        string dir = Directory.CreateTempSubdirectory("sharptune-dashboard-delete-").FullName;
        try
        {
            var storage = Open(kind, dir);
            int single = storage.GetStudyIdFromName("single");
            await using var app = TestStudies.App(storage, allowWrites: true);
            var client = app.CreateClient();

            var (status, body) = await Send(client, HttpMethod.Delete, $"studies/{single}", null);

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("single", body.GetProperty("study_name").GetString());
            Assert.Equal(13, body.GetProperty("n_trials").GetInt32());
            Assert.Equal(["multi"], storage.GetAllStudies().Select(s => s.StudyName));
            Assert.Throws<KeyNotFoundException>(() => storage.GetStudyNameFromId(single));
            var summaries = JsonDocument.Parse(await client.GetStringAsync(Api + "studies", Ct)).RootElement.GetProperty("study_summaries");
            Assert.Equal(["multi"], summaries.EnumerateArray().Select(s => s.GetProperty("study_name").GetString()));

            var (again, againBody) = await Send(client, HttpMethod.Delete, $"studies/{single}", null);
            Assert.Equal(HttpStatusCode.NotFound, again);
            Assert.Equal($"No study with id {single}.", againBody.GetProperty("reason").GetString());
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"{Api}studies/{single}", Ct)).StatusCode);
            (storage as IDisposable)?.Dispose();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Delete_and_rename_are_refused_without_writes_and_without_an_anti_forgery_token()
    {
        var storage = TestStudies.Create();
        int single = storage.GetStudyIdFromName("single");
        int multi = storage.GetStudyIdFromName("multi");
        await using (var readOnly = TestStudies.App(storage))
        {
            var client = readOnly.CreateClient();
            using var delete = await client.DeleteAsync($"{Api}studies/{single}", Ct);
            using var rename = await client.PostAsJsonAsync($"{Api}studies/{multi}/rename", new { study_name = "other" }, Ct);
            Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, rename.StatusCode);
            Assert.Contains("read-only", await rename.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        await using (var writable = TestStudies.App(storage, allowWrites: true))
        {
            var client = writable.CreateClient();
            using var delete = await client.DeleteAsync($"{Api}studies/{single}", Ct);
            using var rename = await client.PostAsJsonAsync($"{Api}studies/{multi}/rename", new { study_name = "other" }, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, delete.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, rename.StatusCode);
            Assert.Contains("anti-forgery token", await delete.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.Equal(["single", "multi"], storage.GetAllStudies().Select(s => s.StudyName));
    }

    [Fact]
    public void Trial_note_keys_are_rekeyed_to_the_copied_trials_and_other_keys_stay()
    {
        var ids = new Dictionary<int, int> { [3] = 40, [12] = 7 };
        Assert.Equal("dashboard:40:note_ver", StudyRename.RekeyTrialNote("dashboard:3:note_ver", ids));
        Assert.Equal("dashboard:7:note_str:2", StudyRename.RekeyTrialNote("dashboard:12:note_str:2", ids));
        Assert.Equal("dashboard:note_str:0", StudyRename.RekeyTrialNote("dashboard:note_str:0", ids));
        Assert.Equal("dashboard:99:note_ver", StudyRename.RekeyTrialNote("dashboard:99:note_ver", ids));
        Assert.Equal("study:metric_names", StudyRename.RekeyTrialNote("study:metric_names", ids));
    }

    [Fact]
    public void A_study_that_gains_a_trial_during_the_copy_is_left_unchanged()
    {
        var storage = new GrowingStorage();
        var study = Study.Create(new StudyOptions { StudyName = "busy", Storage = storage, Sampler = new RandomSampler(seed: 3) });
        study.Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 3);
        int id = study.StudyId;
        storage.GrowDuringCopyOf = id;

        var e = Assert.Throws<InvalidOperationException>(() => StudyRename.Rename(storage, id, "busy-2"));

        Assert.Equal("The study 'busy' gained trials while it was being renamed; it was left unchanged. Try again once no worker runs it.", e.Message);
        Assert.Equal(["busy"], storage.GetAllStudies().Select(s => s.StudyName));
        Assert.Equal(4, storage.GetAllTrials(id).Count);
    }

    /// <summary>An in-memory storage where another "worker" adds a trial to a study while a copy of it is made.</summary>
    private sealed class GrowingStorage : IStorage
    {
        private readonly InMemoryStorage _inner = new();

        public int? GrowDuringCopyOf { get; set; }

        public int CreateNewStudy(IReadOnlyList<StudyDirection> directions, string? studyName = null) => _inner.CreateNewStudy(directions, studyName);

        public void DeleteStudy(int studyId) => _inner.DeleteStudy(studyId);

        public void SetStudyUserAttr(int studyId, string key, object? value) => _inner.SetStudyUserAttr(studyId, key, value);

        public void SetStudySystemAttr(int studyId, string key, object? value) => _inner.SetStudySystemAttr(studyId, key, value);

        public int GetStudyIdFromName(string studyName) => _inner.GetStudyIdFromName(studyName);

        public string GetStudyNameFromId(int studyId) => _inner.GetStudyNameFromId(studyId);

        public IReadOnlyList<StudyDirection> GetStudyDirections(int studyId) => _inner.GetStudyDirections(studyId);

        public IReadOnlyDictionary<string, object?> GetStudyUserAttrs(int studyId) => _inner.GetStudyUserAttrs(studyId);

        public IReadOnlyDictionary<string, object?> GetStudySystemAttrs(int studyId) => _inner.GetStudySystemAttrs(studyId);

        public IReadOnlyList<FrozenStudy> GetAllStudies() => _inner.GetAllStudies();

        public int CreateNewTrial(int studyId, FrozenTrial? templateTrial = null)
        {
            int id = _inner.CreateNewTrial(studyId, templateTrial);
            if (templateTrial is not null && GrowDuringCopyOf is { } grow && studyId != grow)
            {
                GrowDuringCopyOf = null;
                var finished = _inner.GetAllTrials(grow)[0];
                _inner.CreateNewTrial(grow, finished);
            }

            return id;
        }

        public void SetTrialParam(int trialId, string paramName, double internalValue, Distribution distribution) => _inner.SetTrialParam(trialId, paramName, internalValue, distribution);

        public int GetTrialIdFromStudyIdTrialNumber(int studyId, int trialNumber) => _inner.GetTrialIdFromStudyIdTrialNumber(studyId, trialNumber);

        public bool SetTrialStateValues(int trialId, TrialState state, IReadOnlyList<double>? values = null) => _inner.SetTrialStateValues(trialId, state, values);

        public void SetTrialIntermediateValue(int trialId, int step, double intermediateValue) => _inner.SetTrialIntermediateValue(trialId, step, intermediateValue);

        public void SetTrialUserAttr(int trialId, string key, object? value) => _inner.SetTrialUserAttr(trialId, key, value);

        public void SetTrialSystemAttr(int trialId, string key, object? value) => _inner.SetTrialSystemAttr(trialId, key, value);

        public FrozenTrial GetTrial(int trialId) => _inner.GetTrial(trialId);

        public IReadOnlyList<FrozenTrial> GetAllTrials(int studyId, IReadOnlyCollection<TrialState>? states = null) => _inner.GetAllTrials(studyId, states);
    }
}
