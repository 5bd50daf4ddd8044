using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Sharptune.Storages;

namespace Sharptune.Dashboard.Tests;

public sealed class ApiTests
{
    private const string Api = "/sharptune/api/v1/";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> GetJson(HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(Api + path, Ct);
        string text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"{path}: {response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task Studies_list_names_directions_counts_by_state_and_best_value()
    {
        var storage = TestStudies.Create();
        await using var app = TestStudies.App(storage);
        var client = app.CreateClient();
        var summaries = (await GetJson(client, "studies")).GetProperty("study_summaries").EnumerateArray().ToList();

        Assert.Equal(["single", "multi"], summaries.Select(s => s.GetProperty("study_name").GetString()));
        var single = summaries[0];
        Assert.Equal(["minimize"], single.GetProperty("directions").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(13, single.GetProperty("n_trials").GetInt32());
        var counts = single.GetProperty("trial_counts");
        Assert.Equal(10, counts.GetProperty("Complete").GetInt32());
        Assert.Equal(1, counts.GetProperty("Pruned").GetInt32());
        Assert.Equal(1, counts.GetProperty("Fail").GetInt32());
        Assert.Equal(1, counts.GetProperty("Running").GetInt32());
        Assert.Equal(0, counts.GetProperty("Waiting").GetInt32());
        double expectedBest = storage.GetAllTrials(single.GetProperty("study_id").GetInt32(), [TrialState.Complete]).Min(t => t.Value!.Value);
        Assert.Equal(expectedBest, single.GetProperty("best_value").GetDouble());
        Assert.Equal(JsonValueKind.String, single.GetProperty("last_activity").ValueKind);

        var multi = summaries[1];
        Assert.Equal(["minimize", "maximize"], multi.GetProperty("directions").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(JsonValueKind.Null, multi.GetProperty("best_value").ValueKind);
    }

    [Fact]
    public async Task Study_returns_trials_from_the_after_cursor_with_params_and_intermediate_values()
    {
        var storage = TestStudies.Create();
        int id = TestStudies.StudyId(storage, "single");
        await using var app = TestStudies.App(storage);
        var client = app.CreateClient();

        var all = await GetJson(client, $"studies/{id}");
        Assert.Equal("single", all.GetProperty("name").GetString());
        Assert.Equal(13, all.GetProperty("n_trials").GetInt32());
        var trials = all.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 13), trials.Select(t => t.GetProperty("number").GetInt32()));
        var first = storage.GetAllTrials(id)[0];
        Assert.Equal(first.Value!.Value, trials[0].GetProperty("values")[0].GetDouble());
        Assert.Equal(["c", "x"], trials[0].GetProperty("params").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal((double)first.Params["x"]!, trials[0].GetProperty("params")[1].GetProperty("param_external_value").GetDouble());
        Assert.Equal([0, 1], trials[0].GetProperty("intermediate_values").EnumerateArray().Select(v => v.GetProperty("step").GetInt32()));
        Assert.Equal("Running", trials[12].GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, trials[12].GetProperty("values").ValueKind);
        Assert.Equal(
            ["history", "importance", "intermediate", "parallel_coordinate", "contour", "slice", "edf", "rank", "timeline"],
            all.GetProperty("plots").EnumerateArray().Select(p => p.GetString()));

        var tail = await GetJson(client, $"studies/{id}?after=10");
        Assert.Equal([10, 11, 12], tail.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("number").GetInt32()));
        Assert.Equal(13, tail.GetProperty("n_trials").GetInt32());

        var none = await GetJson(client, $"studies/{id}?after=13");
        Assert.Empty(none.GetProperty("trials").EnumerateArray());
    }

    [Fact]
    public async Task Bad_study_ids_cursors_plots_and_states_are_refused_with_reasons()
    {
        var storage = TestStudies.Create();
        int id = TestStudies.StudyId(storage, "single");
        int multi = TestStudies.StudyId(storage, "multi");
        await using var app = TestStudies.App(storage);
        var client = app.CreateClient();

        Assert.Equal("No study with id 999.", (await GetJson(client, "studies/999", HttpStatusCode.NotFound)).GetProperty("reason").GetString());
        Assert.Equal("The 'after' cursor must be a non-negative trial number.", (await GetJson(client, $"studies/{id}?after=-1", HttpStatusCode.BadRequest)).GetProperty("reason").GetString());
        Assert.StartsWith("Unknown plot type 'pie'", (await GetJson(client, $"studies/{id}/plot/pie", HttpStatusCode.NotFound)).GetProperty("reason").GetString());
        Assert.Equal("The objective index must be in [0, 2), got 2.", (await GetJson(client, $"studies/{multi}/plot/history?objective=2", HttpStatusCode.BadRequest)).GetProperty("reason").GetString());
        Assert.Equal($"The study {id} has no trial number 99.", (await GetJson(client, $"studies/{id}/trials/99", HttpStatusCode.NotFound)).GetProperty("reason").GetString());
        Assert.Equal("Unknown view 'all'; use 'full' (the default) or 'rows'.", (await GetJson(client, $"studies/{id}?view=all", HttpStatusCode.BadRequest)).GetProperty("reason").GetString());
        Assert.Equal(12, (await GetJson(client, $"studies/{id}/trials/12")).GetProperty("number").GetInt32());
        Assert.Equal("Unknown trial state 'Done'; use Running, Complete, Pruned, Fail or Waiting.", (await GetJson(client, $"studies/{id}/trials.csv?state=Done", HttpStatusCode.BadRequest)).GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("single", "history", "Optimization History Plot")]
    [InlineData("single", "importance", "Hyperparameter Importances")]
    [InlineData("single", "intermediate", "Intermediate Values Plot")]
    [InlineData("single", "parallel_coordinate", "Parallel Coordinate Plot")]
    [InlineData("single", "contour", "Contour Plot")]
    [InlineData("single", "slice", "Slice Plot")]
    [InlineData("single", "edf", "Empirical Distribution Function Plot")]
    [InlineData("single", "rank", "Rank (Objective Value)")]
    [InlineData("single", "timeline", "Timeline Plot")]
    [InlineData("multi", "pareto_front", "Pareto-front Plot")]
    [InlineData("multi", "history", "Optimization History Plot")]
    public async Task Plots_are_the_visualization_packages_figure_json(string studyName, string plotType, string title)
    {
        var storage = TestStudies.Create();
        int id = TestStudies.StudyId(storage, studyName);
        await using var app = TestStudies.App(storage);
        var client = app.CreateClient();

        string query = studyName == "multi" && plotType != "pareto_front" ? "?objective=1" : string.Empty;
        using var response = await client.GetAsync($"{Api}studies/{id}/plot/{plotType}{query}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string json = await response.Content.ReadAsStringAsync(Ct);
        var figure = JsonDocument.Parse(json).RootElement;
        Assert.True(figure.GetProperty("data").GetArrayLength() > 0);
        Assert.Equal(title, figure.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());

        // The same figure as the visualization package draws for the study.
        var study = Study.Load(studyName, storage);
        if (studyName == "single" && plotType == "history")
        {
            Assert.Equal(Sharptune.Visualization.StudyPlots.PlotOptimizationHistory(study).ToPlotlyJson(), json);
        }
        else if (plotType == "timeline")
        {
            Assert.Equal(Sharptune.Visualization.StudyPlots.PlotTimeline(study).ToPlotlyJson(), json);
        }
    }

    [Fact]
    public async Task Csv_export_writes_the_rows_of_the_chosen_state()
    {
        var storage = TestStudies.Create();
        int id = TestStudies.StudyId(storage, "single");
        await using var app = TestStudies.App(storage);
        var client = app.CreateClient();

        using var response = await client.GetAsync($"{Api}studies/{id}/trials.csv?state=Complete", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("single-trials.csv", response.Content.Headers.ContentDisposition!.FileName);
        var lines = (await response.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("number,value,", lines[0]);
        var completeNumbers = storage.GetAllTrials(id, [TrialState.Complete]).Select(t => t.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(completeNumbers, lines.Skip(1).Select(l => l.Split(',')[0]));
        Assert.All(lines.Skip(1), l => Assert.EndsWith("COMPLETE", l.TrimEnd('\r')));

        string all = await client.GetStringAsync($"{Api}studies/{id}/trials.csv", Ct);
        Assert.Equal(14, all.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Page_and_assets_are_embedded_with_a_content_security_policy_and_no_inline_script()
    {
        await using var app = TestStudies.App(TestStudies.Create());
        var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var redirect = await client.GetAsync("/sharptune", Ct);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/sharptune/", redirect.Headers.Location!.OriginalString);

        using var page = await client.GetAsync("/sharptune/", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(DashboardEndpointRouteBuilderExtensions.ContentSecurityPolicy, page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("script-src 'self';", DashboardEndpointRouteBuilderExtensions.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", DashboardEndpointRouteBuilderExtensions.ContentSecurityPolicy, StringComparison.Ordinal);
        string html = await page.Content.ReadAsStringAsync(Ct);
        var scripts = Regex.Matches(html, "<script[^>]*>", RegexOptions.IgnoreCase).Select(m => m.Value).ToList();
        Assert.Equal(2, scripts.Count);
        Assert.All(scripts, s => Assert.Matches("src=\"static/[a-z.]+\\.js\"", s));
        Assert.DoesNotContain(" on", Regex.Replace(html, "\\s+", " ").Replace(" one", string.Empty, StringComparison.Ordinal).ToLowerInvariant().Split('<').Where(t => t.Contains('=', StringComparison.Ordinal)).Select(t => t.Split('>')[0]).Where(t => Regex.IsMatch(t, "\\son[a-z]+=")), StringComparer.Ordinal);
        Assert.DoesNotContain("http", html.Replace("http-equiv", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);

        using var plotly = await client.GetAsync("/sharptune/static/plotly.min.js", Ct);
        Assert.Equal(HttpStatusCode.OK, plotly.StatusCode);
        Assert.Equal("text/javascript", plotly.Content.Headers.ContentType!.MediaType);
        using var embedded = typeof(Sharptune.Visualization.Figure).Assembly.GetManifestResourceStream("Sharptune.Visualization.plotly.min.js")!;
        Assert.Equal(embedded.Length, (await plotly.Content.ReadAsByteArrayAsync(Ct)).LongLength);

        using var script = await client.GetAsync("/sharptune/static/app.js", Ct);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("nosniff", script.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/sharptune/static/missing.js", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/sharptune/static/..%2FSharptune.Dashboard.csproj", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_read_only_dashboard_refuses_every_write_and_changes_nothing()
    {
        var storage = TestStudies.Create();
        int id = TestStudies.StudyId(storage, "single");
        int running = storage.GetAllTrials(id).Single(t => t.State == TrialState.Running).TrialId;
        await using var app = TestStudies.App(storage);
        var client = app.CreateClient();

        var meta = await GetJson(client, "meta");
        Assert.False(meta.GetProperty("allow_writes").GetBoolean());
        Assert.Equal(1, meta.GetProperty("api_version").GetInt32());
        await GetJson(client, "antiforgery", HttpStatusCode.Forbidden);
        var responses = new[]
        {
            await client.PutAsJsonAsync($"{Api}studies/{id}/note", new { version = 1, body = "hello" }, Ct),
            await client.PutAsJsonAsync($"{Api}studies/{id}/{running}/note", new { version = 1, body = "hello" }, Ct),
            await client.PostAsJsonAsync($"{Api}studies/{id}/trials/12/tell", new { state = "Complete", values = new[] { 1.0 } }, Ct),
        };
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("read-only", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(storage.GetStudySystemAttrs(id).Keys, k => k.StartsWith("dashboard:", StringComparison.Ordinal));
        Assert.Equal(TrialState.Running, storage.GetTrial(running).State);
    }

    [Fact]
    public async Task Writes_need_an_anti_forgery_token_and_store_notes_as_optuna_dashboard_does()
    {
        var storage = TestStudies.Create();
        int id = TestStudies.StudyId(storage, "single");
        int trialId = storage.GetAllTrials(id)[2].TrialId;
        await using var app = TestStudies.App(storage, allowWrites: true);
        var client = app.CreateClient();

        using var noToken = await client.PutAsJsonAsync($"{Api}studies/{id}/note", new { version = 1, body = "x" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Contains("anti-forgery token", await noToken.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var token = await GetJson(client, "antiforgery");
        HttpRequestMessage Put(string path, object body) => new(HttpMethod.Put, Api + path)
        {
            Content = JsonContent.Create(body),
            Headers = { { token.GetProperty("header_name").GetString()!, token.GetProperty("token").GetString() } },
        };

        string longBody = string.Concat(Enumerable.Range(0, 500).Select(i => $"line {i}\n"));
        using (var saved = await client.SendAsync(Put($"studies/{id}/note", new { version = 1, body = longBody }), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }

        var attrs = storage.GetStudySystemAttrs(id);
        Assert.Equal(1, Convert.ToInt32(attrs["dashboard:note_ver"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(longBody[..2045], attrs["dashboard:note_str:0"]);
        Assert.Equal(longBody, string.Concat(Enumerable.Range(0, (longBody.Length + 2044) / 2045).Select(i => (string)attrs[$"dashboard:note_str:{i}"]!)));

        using (var stale = await client.SendAsync(Put($"studies/{id}/note", new { version = 1, body = "late" }), Ct))
        {
            Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
            var body = JsonDocument.Parse(await stale.Content.ReadAsStringAsync(Ct)).RootElement;
            Assert.Equal(1, body.GetProperty("note").GetProperty("version").GetInt32());
        }

        using (var shorter = await client.SendAsync(Put($"studies/{id}/note", new { version = 2, body = "short" }), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, shorter.StatusCode);
        }

        Assert.Equal(new DashboardNote(2, "short"), DashboardNotes.Get(storage, id, null));
        Assert.Equal(string.Empty, storage.GetStudySystemAttrs(id)["dashboard:note_str:1"]);

        using (var trialNote = await client.SendAsync(Put($"studies/{id}/{trialId}/note", new { version = 1, body = "good trial" }), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, trialNote.StatusCode);
        }

        Assert.Equal("good trial", storage.GetStudySystemAttrs(id)[$"dashboard:{trialId}:note_str:0"]);
        var trial = (await GetJson(client, $"studies/{id}?after=2")).GetProperty("trials")[0];
        Assert.Equal("good trial", trial.GetProperty("note").GetProperty("body").GetString());
        Assert.Equal("short", (await GetJson(client, $"studies/{id}")).GetProperty("note").GetProperty("body").GetString());

        using var foreign = await client.SendAsync(Put($"studies/{id}/99999/note", new { version = 1, body = "x" }), Ct);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        using var malformed = await client.SendAsync(Put($"studies/{id}/note", new { version = "3", body = "x" }), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task Tell_completes_a_running_trial_and_refuses_a_finished_one()
    {
        var storage = TestStudies.Create();
        int id = TestStudies.StudyId(storage, "single");
        await using var app = TestStudies.App(storage, allowWrites: true);
        var client = app.CreateClient();
        var token = await GetJson(client, "antiforgery");
        HttpRequestMessage Post(string path, object body) => new(HttpMethod.Post, Api + path)
        {
            Content = JsonContent.Create(body),
            Headers = { { token.GetProperty("header_name").GetString()!, token.GetProperty("token").GetString() } },
        };

        using (var bad = await client.SendAsync(Post($"studies/{id}/trials/12/tell", new { state = "Done" }), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        using (var told = await client.SendAsync(Post($"studies/{id}/trials/12/tell", new { state = "Complete", values = new[] { 0.25 } }), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, told.StatusCode);
        }

        var trial = storage.GetAllTrials(id)[12];
        Assert.Equal(TrialState.Complete, trial.State);
        Assert.Equal(0.25, trial.Value);

        using var again = await client.SendAsync(Post($"studies/{id}/trials/12/tell", new { state = "Complete", values = new[] { 1.0 } }), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("Trial 12 is already finished with state Complete: only a running trial can be told.", JsonDocument.Parse(await again.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("reason").GetString());
        using var missing = await client.SendAsync(Post($"studies/{id}/trials/77/tell", new { state = "Fail" }), Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public void Mapping_checks_its_arguments()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        var storage = new InMemoryStorage();
        var e = Assert.Throws<ArgumentException>(() => app.MapSharptuneDashboard("sharptune", storage));
        Assert.StartsWith("The dashboard path must start with '/' and must not end with '/', got 'sharptune'.", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => app.MapSharptuneDashboard("/sharptune/", storage));
        var noAntiforgery = Assert.Throws<InvalidOperationException>(() => app.MapSharptuneDashboard("/sharptune", storage, o => o.AllowWrites = true));
        Assert.Equal("The dashboard allows writes, which need anti-forgery tokens: call builder.Services.AddAntiforgery() before building the app.", noAntiforgery.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => app.MapSharptuneDashboard("/sharptune", storage, o => o.PollIntervalMilliseconds = 10));
    }

    [Fact]
    public async Task The_standalone_server_binds_loopback_by_default()
    {
        Assert.Equal("127.0.0.1", new DashboardServerOptions().Host);
        await using var server = await DashboardServer.StartAsync(TestStudies.Create(), new DashboardServerOptions { Port = 0 }, Ct);
        Assert.Equal("127.0.0.1", server.Url.Host);
        Assert.Equal("/", server.Url.AbsolutePath);
        using var http = new HttpClient();
        string studies = await http.GetStringAsync(new Uri(server.Url, "api/v1/studies"), Ct);
        Assert.Contains("\"study_name\":\"single\"", studies, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => DashboardServer.StartAsync(new InMemoryStorage(), new DashboardServerOptions { Host = "example.com" }, Ct));
    }
}
