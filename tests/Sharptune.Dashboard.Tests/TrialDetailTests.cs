using System.Globalization;
using System.Net;
using System.Text.Json;
using Sharptune.Artifacts;
using Sharptune.Samplers;
using Sharptune.Storages;

namespace Sharptune.Dashboard.Tests;

/// <summary>Trial filters and the CSV export, constraints and artifacts in a trial, and the figure cache.</summary>
public sealed class TrialDetailTests
{
    private const string Api = "/sharptune/api/v1/";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Filters(string json) => "filters=" + Uri.EscapeDataString(json);

    [Fact]
    public async Task Csv_export_keeps_only_the_trials_that_pass_the_param_and_value_filters()
    {
        var storage = TestStudies.Create();
        int id = TestStudies.StudyId(storage, "single");
        await using var app = TestStudies.App(storage);
        var client = app.CreateClient();
        var trials = storage.GetAllTrials(id);

        async Task<string[]> Numbers(string query)
        {
            string csv = await client.GetStringAsync($"{Api}studies/{id}/trials.csv?{query}", Ct);
            return csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]).ToArray();
        }

        static string[] Expected(IEnumerable<FrozenTrial> ts) => ts.Select(t => t.Number.ToString(CultureInfo.InvariantCulture)).ToArray();

        Assert.Equal(
            Expected(trials.Where(t => t.Params.TryGetValue("x", out var x) && (double)x! > 0)),
            await Numbers(Filters("""[{"column":"param:x","op":">","value":0}]""")));
        Assert.Equal(
            Expected(trials.Where(t => t.Values is [var v] && v <= 5 && (string?)t.Params.GetValueOrDefault("c") == "a")),
            await Numbers(Filters("""[{"column":"value:0","op":"<=","value":5},{"column":"param:c","op":"=","value":"a"}]""")));
        Assert.Equal(
            Expected(trials.Where(t => t.State == TrialState.Complete && t.Params.ContainsKey("c") && (string)t.Params["c"]! != "a")),
            await Numbers("state=Complete&" + Filters("""[{"column":"param:c","op":"!=","value":"a"}]""")));
        Assert.NotEmpty(await Numbers(Filters("""[{"column":"param:x","op":">","value":0}]""")));

        async Task<string> Refused(string filters)
        {
            using var response = await client.GetAsync($"{Api}studies/{id}/trials.csv?{Filters(filters)}", Ct);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("reason").GetString()!;
        }

        Assert.Equal("Unknown filter operator '~'; use one of < <= > >= = !=.", await Refused("""[{"column":"param:x","op":"~","value":1}]"""));
        Assert.Equal("Unknown filter column 'x'; use 'value:<objective index>' or 'param:<name>'.", await Refused("""[{"column":"x","op":"<","value":1}]"""));
        Assert.Equal("The filter 'param:c <' needs a number; text compares with = and != only.", await Refused("""[{"column":"param:c","op":"<","value":"a"}]"""));
        Assert.Equal("The filters must be a JSON array of {column, op, value}.", await Refused("""{"column":"param:x"}"""));
        Assert.StartsWith("The filters must be a JSON array: ", await Refused("[{"), StringComparison.Ordinal);
    }

    [Fact]
    public void Filters_compare_numbers_as_numbers_and_text_with_equality_only_and_fail_missing_values()
    {
        var storage = new InMemoryStorage();
        var study = Study.Create(new StudyOptions { Storage = storage, Sampler = new RandomSampler(seed: 4) });
        var done = study.Ask();
        done.SuggestInt("n", 1, 9);
        done.SuggestCategorical("flag", [true, false]);
        study.Tell(done, double.NaN);
        var running = study.Ask();
        running.SuggestInt("n", 1, 9);
        var trials = storage.GetAllTrials(study.StudyId);
        int n = Convert.ToInt32(trials[0].Params["n"], CultureInfo.InvariantCulture);
        string flag = (bool)trials[0].Params["flag"]! ? "true" : "false";

        Assert.True(TrialFilter.Parse($$"""[{"column":"param:n","op":"=","value":{{n}}}]""").Passes(trials[0]));
        Assert.False(TrialFilter.Parse($$"""[{"column":"param:n","op":"<","value":{{n}}}]""").Passes(trials[0]));
        Assert.True(TrialFilter.Parse($$"""[{"column":"param:flag","op":"=","value":"{{flag}}"}]""").Passes(trials[0]));
        Assert.False(TrialFilter.Parse("""[{"column":"value:0","op":"!=","value":1}]""").Passes(trials[0])); // NaN fails every comparison
        Assert.False(TrialFilter.Parse("""[{"column":"value:0","op":"<","value":1e9}]""").Passes(trials[1])); // no value yet
        Assert.False(TrialFilter.Parse("""[{"column":"param:flag","op":"!=","value":"x"}]""").Passes(trials[1])); // no such param
        Assert.True(TrialFilter.Parse(null).IsEmpty);
        Assert.True(TrialFilter.Parse("[]").Passes(trials[1]));
    }

    [Fact]
    public async Task Trials_show_constraints_and_artifacts_and_the_dashboard_serves_listed_artifacts_only()
    {
        string dir = Directory.CreateTempSubdirectory("sharptune-dashboard-artifacts-").FullName;
        try
        {
            var store = new FileSystemArtifactStore(Path.Combine(dir, "store"));
            var storage = new InMemoryStorage();
            var study = Study.Create(new StudyOptions { StudyName = "constrained", Storage = storage, Sampler = new RandomSampler(seed: 5) });
            string file = Path.Combine(dir, "model.txt");
            File.WriteAllText(file, "weights 1 2 3");
            string artifactId = "";
            study.Optimize(
                t =>
                {
                    double x = t.SuggestFloat("x", 0, 1);
                    t.SetConstraint("budget", x - 0.5);
                    if (t.Number == 1)
                    {
                        artifactId = Artifact.Upload(store, file, t);
                    }

                    return x;
                },
                nTrials: 3);
            int id = study.StudyId;
            var trial1 = storage.GetAllTrials(id)[1];
            await using var server = await DashboardServer.StartAsync(storage, new DashboardServerOptions { Port = 0, Path = "/sharptune", Configure = o => o.ArtifactStore = store }, Ct);
            using var http = new HttpClient { BaseAddress = new Uri(server.Url.GetLeftPart(UriPartial.Authority)) };

            Assert.True(JsonDocument.Parse(await http.GetStringAsync(Api + "meta", Ct)).RootElement.GetProperty("artifact_is_available").GetBoolean());
            var trials = JsonDocument.Parse(await http.GetStringAsync($"{Api}studies/{id}", Ct)).RootElement.GetProperty("trials");
            for (int i = 0; i < 3; i++)
            {
                var t = trials[i];
                double x = t.GetProperty("params")[0].GetProperty("param_external_value").GetDouble();
                var constraint = Assert.Single(t.GetProperty("constraints").EnumerateArray());
                Assert.Equal("budget", constraint.GetProperty("name").GetString());
                Assert.Equal(x - 0.5, constraint.GetProperty("value").GetDouble());
                Assert.Equal(x - 0.5 <= 0, t.GetProperty("feasible").GetBoolean());
                Assert.Equal(i == 1 ? 1 : 0, t.GetProperty("artifacts").GetArrayLength());
            }

            var artifact = trials[1].GetProperty("artifacts")[0];
            Assert.Equal(artifactId, artifact.GetProperty("artifact_id").GetString());
            Assert.Equal("model.txt", artifact.GetProperty("filename").GetString());
            Assert.Equal("text/plain", artifact.GetProperty("mimetype").GetString());

            using (var download = await http.GetAsync($"{Api}artifacts/{id}/{trial1.TrialId}/{artifactId}", Ct))
            {
                Assert.Equal(HttpStatusCode.OK, download.StatusCode);
                Assert.Equal("weights 1 2 3", await download.Content.ReadAsStringAsync(Ct));
                Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
                Assert.Equal("model.txt", download.Content.Headers.ContentDisposition.FileName);
                Assert.Equal("sandbox; default-src 'none'", download.Headers.GetValues("Content-Security-Policy").Single());
            }

            // The id alone does not open the store: the artifact must be listed on that trial of that study.
            int other = storage.GetAllTrials(id)[0].TrialId;
            using (var wrongTrial = await http.GetAsync($"{Api}artifacts/{id}/{other}/{artifactId}", Ct))
            {
                Assert.Equal(HttpStatusCode.NotFound, wrongTrial.StatusCode);
                Assert.Equal($"No artifact '{artifactId}' is listed on this trial.", JsonDocument.Parse(await wrongTrial.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("reason").GetString());
            }

            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"{Api}artifacts/{id}/{artifactId}", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"{Api}artifacts/{id + 1}/{trial1.TrialId}/{artifactId}", Ct)).StatusCode);

            // Without a store the artifacts are listed but not served.
            await using var noStore = await DashboardServer.StartAsync(storage, new DashboardServerOptions { Port = 0, Path = "/sharptune" }, Ct);
            using var http2 = new HttpClient { BaseAddress = new Uri(noStore.Url.GetLeftPart(UriPartial.Authority)) };
            Assert.False(JsonDocument.Parse(await http2.GetStringAsync(Api + "meta", Ct)).RootElement.GetProperty("artifact_is_available").GetBoolean());
            using var refused = await http2.GetAsync($"{Api}artifacts/{id}/{trial1.TrialId}/{artifactId}", Ct);
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.Contains("no artifact store", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Figures_are_computed_once_per_change_of_the_trials()
    {
        var storage = TestStudies.Create();
        int id = TestStudies.StudyId(storage, "single");
        var snapshots = new StudySnapshots(storage, TimeSpan.FromMinutes(10));
        int draws = 0;
        byte[] Draw()
        {
            draws++;
            return [(byte)draws];
        }

        var first = snapshots.Get(id, fresh: true);
        Assert.Equal(12, first.Fixed);
        Assert.Equal([1], snapshots.Figure(first, "history", 0, Draw));
        var second = snapshots.Get(id, fresh: true);
        Assert.Equal(first.Version, second.Version);
        Assert.Equal([1], snapshots.Figure(second, "history", 0, Draw));
        Assert.Same(second, snapshots.Get(id, fresh: false));
        Assert.Equal(1, draws);

        // A report on the running trial changes the version; so does a new trial; other plots have their own entries.
        int running = storage.GetAllTrials(id)[12].TrialId;
        storage.SetTrialIntermediateValue(running, 0, 3.5);
        var reported = snapshots.Get(id, fresh: true);
        Assert.NotEqual(first.Version, reported.Version);
        Assert.Equal([2], snapshots.Figure(reported, "history", 0, Draw));
        Assert.Equal([3], snapshots.Figure(reported, "slice", 0, Draw));
        storage.SetTrialStateValues(running, TrialState.Complete, [2.0]);
        var told = snapshots.Get(id, fresh: true);
        Assert.Equal(13, told.Fixed);
        Assert.Equal([4], snapshots.Figure(told, "history", 0, Draw));
        Assert.Equal(4, snapshots.FiguresComputed);
        Assert.NotEqual(snapshots.ETag(reported), snapshots.ETag(told));
    }

    [Fact]
    public async Task An_unchanged_plot_is_answered_304_to_its_entity_tag()
    {
        var storage = TestStudies.Create();
        int id = TestStudies.StudyId(storage, "single");
        await using var app = TestStudies.App(storage);
        var client = app.CreateClient();

        using var first = await client.GetAsync($"{Api}studies/{id}/plot/history", Ct);
        string etag = first.Headers.ETag!.Tag;
        using var again = new HttpRequestMessage(HttpMethod.Get, $"{Api}studies/{id}/plot/history") { Headers = { { "If-None-Match", etag } } };
        using var notModified = await client.SendAsync(again, Ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        var writer = Study.Load("single", storage);
        var trial = writer.Ask();
        trial.SuggestFloat("x", -5, 5);
        writer.Tell(trial, 0.5);
        await client.GetAsync($"{Api}studies/{id}", Ct); // the page's poll reads the study first
        using var changedRequest = new HttpRequestMessage(HttpMethod.Get, $"{Api}studies/{id}/plot/history") { Headers = { { "If-None-Match", etag } } };
        using var changed = await client.SendAsync(changedRequest, Ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag!.Tag);
        Assert.Contains("\"y\":[", await changed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
