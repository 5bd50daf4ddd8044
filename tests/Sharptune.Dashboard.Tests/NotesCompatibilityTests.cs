using System.Net.Http.Json;
using System.Text.Json;
using Sharptune.Storages;

namespace Sharptune.Dashboard.Tests;

/// <summary>
/// Notes as optuna-dashboard stores them: Data/notes_fixture.db holds notes saved by optuna-dashboard's own code
/// (Data/generate_notes_fixture.py), and notes_fixture.json what optuna-dashboard reads back from it.
/// </summary>
public sealed class NotesCompatibilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name);

    [Fact]
    public async Task Notes_saved_by_optuna_dashboard_read_the_same_in_sharptune_and_in_its_api()
    {
        string dir = Directory.CreateTempSubdirectory("sharptune-dashboard-notes-").FullName;
        try
        {
            string db = Path.Combine(dir, "notes.db");
            File.Copy(DataFile("notes_fixture.db"), db);
            var expected = JsonDocument.Parse(File.ReadAllText(DataFile("notes_fixture.json"))).RootElement;
            using var storage = new RdbStorage("sqlite:///" + db);
            int id = storage.GetStudyIdFromName(expected.GetProperty("study_name").GetString()!);
            var trials = storage.GetAllTrials(id);

            static DashboardNote Note(JsonElement e) => new(e.GetProperty("version").GetInt32(), e.GetProperty("body").GetString()!);
            var studyNote = Note(expected.GetProperty("study_note"));
            Assert.Equal(2, studyNote.Version);
            Assert.Equal(studyNote, DashboardNotes.Get(storage, id, null));
            var trialNotes = expected.GetProperty("trial_notes").EnumerateArray().ToList();
            Assert.Equal(4, trialNotes.Count);
            foreach (var t in trialNotes)
            {
                var trial = trials[t.GetProperty("number").GetInt32()];
                Assert.Equal(t.GetProperty("trial_id").GetInt32(), trial.TrialId);
                Assert.Equal(Note(t.GetProperty("note")), DashboardNotes.Get(storage, id, trial.TrialId));
            }

            Assert.Equal(5000, DashboardNotes.Get(storage, id, trials[0].TrialId).Body.Length);
            Assert.Equal(new DashboardNote(1, string.Empty), DashboardNotes.Get(storage, id, trials[2].TrialId));
            Assert.Equal(new DashboardNote(0, string.Empty), DashboardNotes.Get(storage, id, trials[3].TrialId));

            await using var server = await DashboardServer.StartAsync(storage, new DashboardServerOptions { Port = 0 }, Ct);
            using var http = new HttpClient { BaseAddress = server.Url };
            var study = await http.GetFromJsonAsync<JsonElement>($"api/v1/studies/{id}", Ct);
            Assert.Equal(studyNote.Body, study.GetProperty("note").GetProperty("body").GetString());
            Assert.DoesNotContain(study.GetProperty("system_attrs").EnumerateObject(), p => p.Name.StartsWith("dashboard:", StringComparison.Ordinal));
            var trial1 = await http.GetFromJsonAsync<JsonElement>($"api/v1/studies/{id}/trials/1", Ct);
            Assert.Equal(Note(trialNotes[1].GetProperty("note")).Body, trial1.GetProperty("note").GetProperty("body").GetString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Sharptune_writes_the_same_attributes_as_optuna_dashboard()
    {
        string dir = Directory.CreateTempSubdirectory("sharptune-dashboard-notes-").FullName;
        try
        {
            string db = Path.Combine(dir, "notes.db");
            File.Copy(DataFile("notes_fixture.db"), db);
            var expected = JsonDocument.Parse(File.ReadAllText(DataFile("notes_fixture.json"))).RootElement;
            using var fixture = new RdbStorage("sqlite:///" + db);
            int id = fixture.GetStudyIdFromName("noted");
            var trials = fixture.GetAllTrials(id);
            var written = fixture.GetStudySystemAttrs(id);

            // The same notes saved by Sharptune into a fresh storage give the same system attributes, key for key.
            var storage = new InMemoryStorage();
            int copy = storage.CreateNewStudy([StudyDirection.Minimize], "noted");
            var ids = trials.ToDictionary(t => t.TrialId, t => storage.CreateNewTrial(copy, t));
            Assert.True(DashboardNotes.TrySave(storage, copy, null, 1, "# First draft\n\n" + new string('x', 3000)));
            Assert.True(DashboardNotes.TrySave(storage, copy, null, 2, expected.GetProperty("study_note").GetProperty("body").GetString()!));
            foreach (var t in expected.GetProperty("trial_notes").EnumerateArray().Where(t => t.GetProperty("note").GetProperty("version").GetInt32() > 0))
            {
                Assert.True(DashboardNotes.TrySave(storage, copy, ids[t.GetProperty("trial_id").GetInt32()], 1, t.GetProperty("note").GetProperty("body").GetString()!));
            }

            var ours = storage.GetStudySystemAttrs(copy).Where(p => p.Key.StartsWith("dashboard:", StringComparison.Ordinal))
                .ToDictionary(p => p.Key, p => Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture));
            var theirs = written.Where(p => p.Key.StartsWith("dashboard:", StringComparison.Ordinal))
                .ToDictionary(p => StudyRename.RekeyTrialNote(p.Key, ids), p => Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(theirs.OrderBy(p => p.Key, StringComparer.Ordinal), ours.OrderBy(p => p.Key, StringComparer.Ordinal));
            Assert.Contains("dashboard:note_str:1", theirs.Keys); // the emptied chunk of the longer first draft
            Assert.Equal(string.Empty, theirs["dashboard:note_str:1"]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Notes_sharptune_saves_in_the_fixture_storage_read_back_and_stale_versions_are_refused()
    {
        string dir = Directory.CreateTempSubdirectory("sharptune-dashboard-notes-").FullName;
        try
        {
            string db = Path.Combine(dir, "notes.db");
            File.Copy(DataFile("notes_fixture.db"), db);
            using (var storage = new RdbStorage("sqlite:///" + db))
            {
                int id = storage.GetStudyIdFromName("noted");
                var trials = storage.GetAllTrials(id);
                Assert.False(DashboardNotes.TrySave(storage, id, null, 2, "stale")); // optuna-dashboard saved version 2 already
                Assert.True(DashboardNotes.TrySave(storage, id, null, 3, "Edited in Sharptune."));
                Assert.True(DashboardNotes.TrySave(storage, id, trials[3].TrialId, 1, string.Concat(Enumerable.Repeat("Sharptune 試行 ", 400))));
                Assert.True(DashboardNotes.TrySave(storage, id, trials[0].TrialId, 2, "short now"));
            }

            using (var reopened = new RdbStorage("sqlite:///" + db))
            {
                int id = reopened.GetStudyIdFromName("noted");
                var trials = reopened.GetAllTrials(id);
                Assert.Equal(new DashboardNote(3, "Edited in Sharptune."), DashboardNotes.Get(reopened, id, null));
                Assert.Equal(new DashboardNote(1, string.Concat(Enumerable.Repeat("Sharptune 試行 ", 400))), DashboardNotes.Get(reopened, id, trials[3].TrialId));
                Assert.Equal(new DashboardNote(2, "short now"), DashboardNotes.Get(reopened, id, trials[0].TrialId));
            }

            // For the check with optuna-dashboard's own reader (Data/read_notes_with_optuna_dashboard.py; see Data/README.md).
            if (Environment.GetEnvironmentVariable("SHARPTUNE_NOTES_EXPORT") is { Length: > 0 } export)
            {
                File.Copy(db, export, overwrite: true);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
