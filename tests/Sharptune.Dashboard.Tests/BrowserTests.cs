using System.Diagnostics;
using PuppeteerSharp;
using Sharptune.Storages;

namespace Sharptune.Dashboard.Tests;

/// <summary>The dashboard in Debian's headless chromium (/usr/bin/chromium, never downloaded), over a live server.</summary>
public sealed class BrowserTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Studies_page_study_page_plots_live_trials_and_refused_writes()
    {
        var storage = TestStudies.Create();
        int id = TestStudies.StudyId(storage, "single");
        await using var server = await DashboardServer.StartAsync(storage, new DashboardServerOptions { Port = 0, Path = "/sharptune" }, Ct);
        string origin = server.Url.GetLeftPart(UriPartial.Authority);
        await using var chromium = await ChromiumSession.StartAsync();
        var browser = chromium.Browser;
        await using var page = await browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 1400, Height = 1000 });
        var errors = new List<string>();
        var external = new List<string>();
        page.Console += (_, e) =>
        {
            if (e.Message.Type == ConsoleType.Error)
            {
                errors.Add(e.Message.Text);
            }
        };
        page.PageError += (_, e) => errors.Add(e.Message);
        page.Request += (_, e) =>
        {
            string url = e.Request.Url;
            if (!url.StartsWith(origin + "/", StringComparison.Ordinal) && !url.StartsWith("data:", StringComparison.Ordinal) && !url.StartsWith("blob:", StringComparison.Ordinal))
            {
                external.Add(url);
            }
        };

        // The studies page lists the studies.
        await page.GoToAsync(server.Url.ToString());
        await page.WaitForSelectorAsync("#studies tbody tr[data-study-id]", new WaitForSelectorOptions { Timeout = 20_000 });
        string[] names = await page.EvaluateExpressionAsync<string[]>("Array.from(document.querySelectorAll('#studies tbody td:nth-child(2)')).map(td => td.textContent)");
        Assert.Equal(["single", "multi"], names);
        string[] trialCounts = await page.EvaluateExpressionAsync<string[]>("Array.from(document.querySelectorAll('#studies tbody td:nth-child(4)')).map(td => td.textContent)");
        Assert.Equal(["13", "6"], trialCounts);

        // The study page draws every plot with plotly.js and lists the trials.
        await page.ClickAsync($"#studies tr[data-study-id='{id}'] a");
        await ChromiumSession.WaitForAllPlotsAsync(page, 30_000);
        string[] rendered = await page.EvaluateExpressionAsync<string[]>("Array.from(document.querySelectorAll('#plots .card')).map(c => c.dataset.plot + '=' + c.dataset.rendered + ':' + (c.querySelector('.js-plotly-plot .main-svg') !== null))");
        Assert.Equal(
            new[] { "history", "importance", "intermediate", "parallel_coordinate", "contour", "slice", "edf", "rank", "timeline" }.Select(p => p + "=true:true"),
            rendered);
        Assert.Equal(13, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('#trials tbody tr[data-number]').length"));

        // A trial told by another writer shows without reloading, on the page's next poll: the page polls every
        // poll_interval_ms (1000 by default) and each poll reads the storage afresh, so the trial shows within 2 s on an
        // idle machine. The test counts polls rather than seconds, which a loaded CI machine stretches: polls run one at
        // a time, at least the interval apart, so between the write and the first poll that carries the trial there can
        // only be the poll in flight when the write began, one whose event was still on its way, and the polls that
        // started while the write ran.
        Assert.Equal(1000, await page.EvaluateExpressionAsync<int>("fetch('api/v1/meta').then(r => r.json()).then(m => m.poll_interval_ms)"));
        var polls = new List<IResponse>();
        bool watching = false;
        page.Response += (_, e) =>
        {
            if (Volatile.Read(ref watching) && e.Response.Url.Contains($"/studies/{id}?view=rows&after=", StringComparison.Ordinal) && !e.Response.Url.EndsWith("after=2147483647", StringComparison.Ordinal))
            {
                lock (polls)
                {
                    polls.Add(e.Response);
                }
            }
        };
        Volatile.Write(ref watching, true);
        var clock = Stopwatch.StartNew();
        var writer = Study.Load("single", storage);
        var trial = writer.Ask();
        trial.SuggestFloat("x", -5, 5);
        writer.Tell(trial, 123.5);
        var writeTook = clock.Elapsed;
        await page.WaitForSelectorAsync("#trials tbody tr[data-number='13'][data-state='Complete']", new WaitForSelectorOptions { Timeout = 30_000 });
        TestContext.Current.SendDiagnosticMessage($"The new trial showed {clock.Elapsed.TotalSeconds:F2} s after the write began.");
        IResponse[] seen;
        lock (polls)
        {
            seen = [.. polls];
        }

        int stale = 0;
        foreach (var poll in seen)
        {
            using var body = System.Text.Json.JsonDocument.Parse(await poll.TextAsync());
            if (body.RootElement.GetProperty("trials").EnumerateArray().Any(t => t.GetProperty("number").GetInt32() == 13 && t.GetProperty("state").GetString() == "Complete"))
            {
                break;
            }

            stale++;
        }

        Assert.True(stale < seen.Length, "The trial showed, but no poll after the write returned it.");
        int allowed = 2 + (int)Math.Ceiling(writeTook.TotalMilliseconds / 1000);
        Assert.True(stale <= allowed, $"{stale} polls after the write did not return the trial (at most {allowed} may; the write took {writeTook.TotalMilliseconds:F0} ms).");

        // Filter by state, sort, and export the filtered rows as CSV.
        await page.SelectAsync("#state-filter", "Pruned");
        Assert.Equal(["3"], await page.EvaluateExpressionAsync<string[]>("Array.from(document.querySelectorAll('#trials tbody tr[data-number]')).map(r => r.dataset.number)"));
        await page.SelectAsync("#state-filter", "Complete");
        await page.ClickAsync("#trials th[data-key='v0']");
        await page.ClickAsync("#trials th[data-key='v0']");
        string[] sorted = await page.EvaluateExpressionAsync<string[]>("Array.from(document.querySelectorAll('#trials tbody tr[data-number]')).map(r => r.dataset.number)");
        var expected = storage.GetAllTrials(id, [TrialState.Complete]).OrderByDescending(t => t.Value).Select(t => t.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, sorted);
        string csv = await page.EvaluateExpressionAsync<string>("fetch(document.getElementById('csv').href).then(r => r.text())");
        var csvNumbers = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]);
        Assert.Equal(storage.GetAllTrials(id, [TrialState.Complete]).Select(t => t.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)), csvNumbers);

        // A read-only dashboard shows no write controls and refuses a write sent from the page.
        Assert.Equal(0, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('#edit-note, .tell').length"));
        int status = await page.EvaluateExpressionAsync<int>(
            $"fetch('api/v1/studies/{id}/note', {{ method: 'PUT', headers: {{ 'Content-Type': 'application/json' }}, body: JSON.stringify({{ version: 1, body: 'x' }}) }}).then(r => r.status)");
        Assert.Equal(403, status);
        Assert.Equal(0, DashboardNotes.Get(storage, id, null).Version);

        // A multi-objective study: the Pareto front first, the other plots for the chosen objective.
        int multi = TestStudies.StudyId(storage, "multi");
        await page.GoToAsync(server.Url + $"#/studies/{multi}");
        await ChromiumSession.WaitForAllPlotsAsync(page, 30_000);
        string[] multiPlots = await page.EvaluateExpressionAsync<string[]>("Array.from(document.querySelectorAll('#plots .card')).map(c => c.dataset.plot + '=' + c.dataset.rendered)");
        Assert.Equal(
            new[] { "pareto_front", "history", "importance", "parallel_coordinate", "contour", "slice", "edf", "rank", "timeline" }.Select(p => p + "=true"),
            multiPlots);
        Assert.Equal(["0", "1"], await page.EvaluateExpressionAsync<string[]>("Array.from(document.querySelectorAll('#objective option')).map(o => o.value)"));

        Assert.Empty(external);
        // The only console error is the browser's report of the refused write (status 403).
        Assert.All(errors, e => Assert.Contains("403", e, StringComparison.Ordinal));
        Assert.True(errors.Count <= 1, string.Join("\n", errors));
    }

    [Fact]
    public async Task With_writes_allowed_the_page_saves_a_note_and_tells_a_running_trial()
    {
        var storage = TestStudies.Create();
        int id = TestStudies.StudyId(storage, "single");
        await using var server = await DashboardServer.StartAsync(storage, new DashboardServerOptions { Port = 0, Configure = o => o.AllowWrites = true }, Ct);
        await using var chromium = await ChromiumSession.StartAsync();
        var browser = chromium.Browser;
        await using var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, e) =>
        {
            if (e.Message.Type == ConsoleType.Error)
            {
                errors.Add(e.Message.Text);
            }
        };
        page.PageError += (_, e) => errors.Add(e.Message);
        await page.GoToAsync(server.Url + $"#/studies/{id}");
        await page.WaitForSelectorAsync("#edit-note", new WaitForSelectorOptions { Timeout = 20_000 });
        await page.ClickAsync("#edit-note");
        await page.TypeAsync("#note-text", "Promising region near x = 0.");
        await page.ClickAsync("#save-note");
        await page.WaitForFunctionAsync("() => document.querySelector('#note .note-body') && document.querySelector('#note .note-body').textContent.startsWith('Promising')", new WaitForFunctionOptions { Timeout = 10_000 });
        Assert.Equal(new DashboardNote(1, "Promising region near x = 0."), DashboardNotes.Get(storage, id, null));

        // A live refresh of the table while the user types (another worker starts trial 13) keeps what was typed.
        await page.TypeAsync("#trials tr[data-number='12'] .tell input", "0.");
        storage.CreateNewTrial(id);
        await page.WaitForSelectorAsync("#trials tr[data-number='13']", new WaitForSelectorOptions { Timeout = 10_000 });
        await page.Keyboard.TypeAsync("5");
        Assert.Equal("0.5", await page.EvaluateExpressionAsync<string>("document.querySelector(\"#trials tr[data-number='12'] .tell input\").value"));
        await page.ClickAsync("#trials tr[data-number='12'] .tell button");
        await page.WaitForSelectorAsync("#trials tr[data-number='12'][data-state='Complete']", new WaitForSelectorOptions { Timeout = 10_000 });
        var told = storage.GetAllTrials(id)[12];
        Assert.Equal(TrialState.Complete, told.State);
        Assert.Equal(0.5, told.Value);
        Assert.Empty(errors);
    }

    private static async Task<IPage> OpenAsync(IBrowser browser, List<string> errors)
    {
        var page = await browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 1400, Height = 1000 });
        page.Console += (_, e) =>
        {
            if (e.Message.Type == ConsoleType.Error)
            {
                errors.Add(e.Message.Text);
            }
        };
        page.PageError += (_, e) => errors.Add(e.Message);
        return page;
    }

    private static Task<string[]> StudyNames(IPage page) =>
        page.EvaluateExpressionAsync<string[]>("Array.from(document.querySelectorAll('#studies tbody td:nth-child(2)')).map(td => td.textContent)");

    private static Task<string[]> RowNumbers(IPage page) =>
        page.EvaluateExpressionAsync<string[]>("Array.from(document.querySelectorAll('#trials tbody tr[data-number]')).map(r => r.dataset.number)");

    [Fact]
    public async Task Studies_are_renamed_and_deleted_only_after_a_confirmation_in_the_page()
    {
        var storage = TestStudies.Create();
        int multi = TestStudies.StudyId(storage, "multi");
        int single = TestStudies.StudyId(storage, "single");
        await using var server = await DashboardServer.StartAsync(storage, new DashboardServerOptions { Port = 0, Configure = o => o.AllowWrites = true }, Ct);
        await using var chromium = await ChromiumSession.StartAsync();
        var browser = chromium.Browser;
        var errors = new List<string>();
        await using var page = await OpenAsync(browser, errors);
        await page.GoToAsync(server.Url.ToString());
        await page.WaitForSelectorAsync($"#studies tr[data-study-id='{multi}'] button[data-action='rename']", new WaitForSelectorOptions { Timeout = 60_000 });

        // Cancel leaves the study alone.
        await page.ClickAsync($"#studies tr[data-study-id='{multi}'] button[data-action='rename']");
        await page.WaitForSelectorAsync("#rename-dialog-input");
        Assert.Equal("multi", await page.EvaluateExpressionAsync<string>("document.getElementById('rename-dialog-input').value"));
        await page.ClickAsync("#rename-dialog-cancel");
        Assert.Equal(0, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('#rename-dialog').length"));
        Assert.Equal(["single", "multi"], storage.GetAllStudies().Select(s => s.StudyName));

        // Confirmed, the study is renamed and the list shows the new name.
        await page.ClickAsync($"#studies tr[data-study-id='{multi}'] button[data-action='rename']");
        await page.WaitForSelectorAsync("#rename-dialog-input");
        await page.EvaluateExpressionAsync("document.getElementById('rename-dialog-input').value = ''");
        await page.TypeAsync("#rename-dialog-input", "pareto-study");
        await page.ClickAsync("#rename-dialog-confirm");
        await page.WaitForFunctionAsync("() => !document.getElementById('rename-dialog') && Array.from(document.querySelectorAll('#studies tbody td:nth-child(2)')).some(td => td.textContent === 'pareto-study')", new WaitForFunctionOptions { Timeout = 30_000 });
        Assert.Equal(["single", "pareto-study"], await StudyNames(page));
        Assert.Equal(["single", "pareto-study"], storage.GetAllStudies().Select(s => s.StudyName));
        int renamed = storage.GetStudyIdFromName("pareto-study");
        Assert.Equal(6, storage.GetAllTrials(renamed).Count);

        // A study with a running trial cannot be renamed: the dialog says why and stays open.
        await page.ClickAsync($"#studies tr[data-study-id='{single}'] button[data-action='rename']");
        await page.WaitForSelectorAsync("#rename-dialog-input");
        await page.TypeAsync("#rename-dialog-input", "-2");
        await page.ClickAsync("#rename-dialog-confirm");
        await page.WaitForFunctionAsync("() => document.getElementById('rename-dialog-error').textContent !== ''", new WaitForFunctionOptions { Timeout = 30_000 });
        Assert.Contains("1 running or waiting trial(s)", await page.EvaluateExpressionAsync<string>("document.getElementById('rename-dialog-error').textContent"), StringComparison.Ordinal);
        await page.ClickAsync("#rename-dialog-cancel");
        Assert.Equal(single, storage.GetStudyIdFromName("single"));

        // Delete: the dialog names the study and its trial count; cancel, then confirm.
        await page.ClickAsync($"#studies tr[data-study-id='{renamed}'] button[data-action='delete']");
        await page.WaitForSelectorAsync("#delete-dialog");
        Assert.Contains("Delete 'pareto-study' and its 6 trials?", await page.EvaluateExpressionAsync<string>("document.getElementById('delete-dialog').textContent"), StringComparison.Ordinal);
        await page.ClickAsync("#delete-dialog-cancel");
        Assert.Equal(2, storage.GetAllStudies().Count);
        await page.ClickAsync($"#studies tr[data-study-id='{renamed}'] button[data-action='delete']");
        await page.WaitForSelectorAsync("#delete-dialog-confirm");
        await page.ClickAsync("#delete-dialog-confirm");
        await page.WaitForFunctionAsync("() => !document.getElementById('delete-dialog') && document.querySelectorAll('#studies tbody tr[data-study-id]').length === 1", new WaitForFunctionOptions { Timeout = 30_000 });
        Assert.Equal(["single"], await StudyNames(page));
        Assert.Equal(["single"], storage.GetAllStudies().Select(s => s.StudyName));

        // The refused rename above is the one console error (its 409 response).
        Assert.All(errors, e => Assert.Contains("409", e, StringComparison.Ordinal));
        Assert.True(errors.Count <= 1, string.Join("\n", errors));
    }

    [Fact]
    public async Task Trial_table_filters_params_and_values_and_keeps_the_chosen_columns_while_writes_stay_refused()
    {
        var storage = TestStudies.Create();
        int id = TestStudies.StudyId(storage, "single");
        await using var server = await DashboardServer.StartAsync(storage, new DashboardServerOptions { Port = 0 }, Ct);
        await using var chromium = await ChromiumSession.StartAsync();
        var browser = chromium.Browser;
        var errors = new List<string>();
        await using var page = await OpenAsync(browser, errors);

        // Read-only: no delete or rename buttons, and a delete sent from the page is refused.
        await page.GoToAsync(server.Url.ToString());
        await page.WaitForSelectorAsync("#studies tbody tr[data-study-id]", new WaitForSelectorOptions { Timeout = 60_000 });
        Assert.Equal(0, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('#studies [data-action]').length"));
        Assert.Equal(403, await page.EvaluateExpressionAsync<int>($"fetch('api/v1/studies/{id}', {{ method: 'DELETE' }}).then(r => r.status)"));
        Assert.Equal(2, storage.GetAllStudies().Count);

        await page.GoToAsync(server.Url + $"#/studies/{id}");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#trials tbody tr[data-number]').length === 13", new WaitForFunctionOptions { Timeout = 60_000 });
        var trials = storage.GetAllTrials(id);
        static string[] Numbers(IEnumerable<FrozenTrial> ts) => ts.Select(t => t.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        // x > 0, then also value < 10: the table and the CSV export keep the same trials.
        await page.SelectAsync("#filter-column", "param:x");
        await page.SelectAsync("#filter-op", ">");
        await page.TypeAsync("#filter-value", "0");
        await page.ClickAsync("#add-filter");
        var positive = trials.Where(t => (double)t.Params["x"]! > 0).ToList();
        Assert.NotEmpty(positive);
        Assert.Equal(Numbers(positive), await RowNumbers(page));
        await page.SelectAsync("#filter-column", "value:0");
        await page.SelectAsync("#filter-op", "<");
        await page.TypeAsync("#filter-value", "10");
        await page.Keyboard.PressAsync("Enter");
        var both = positive.Where(t => t.Values is [var v] && v < 10).ToList();
        Assert.Equal(Numbers(both), await RowNumbers(page));
        Assert.Equal(2, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('#filters .chip').length"));
        string csv = await page.EvaluateExpressionAsync<string>("fetch(document.getElementById('csv').href).then(r => r.text())");
        Assert.Equal(Numbers(both), csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]));

        // Text compares with = and != only; the page says so and adds nothing.
        await page.SelectAsync("#filter-column", "param:c");
        await page.SelectAsync("#filter-op", "<");
        await page.TypeAsync("#filter-value", "a");
        await page.ClickAsync("#add-filter");
        Assert.Equal("Text compares with = and != only.", await page.EvaluateExpressionAsync<string>("document.getElementById('filter-error').textContent"));
        await page.ClickAsync("#filters .chip:first-child .chip-remove");
        await page.ClickAsync("#filters .chip .chip-remove");
        Assert.Equal(13, (await RowNumbers(page)).Length);

        // Hide the 'c' column; the choice survives a reload (localStorage).
        Assert.Equal(1, await page.EvaluateExpressionAsync<int>("document.querySelectorAll(\"#trials th[data-key='p:c']\").length"));
        await page.ClickAsync("#columns-button");
        await page.ClickAsync("#columns-panel input[data-key='p:c']");
        Assert.Equal(0, await page.EvaluateExpressionAsync<int>("document.querySelectorAll(\"#trials th[data-key='p:c']\").length"));
        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#trials tbody tr[data-number]').length === 13", new WaitForFunctionOptions { Timeout = 60_000 });
        Assert.Equal(0, await page.EvaluateExpressionAsync<int>("document.querySelectorAll(\"#trials th[data-key='p:c']\").length"));
        Assert.Equal(1, await page.EvaluateExpressionAsync<int>("document.querySelectorAll(\"#trials th[data-key='p:x']\").length"));
        Assert.False(await page.EvaluateExpressionAsync<bool>("document.querySelector(\"#columns-panel input[data-key='p:c']\").checked"));

        // A row opens the full trial (fetched when opened). The plots above the table finish drawing first, so that
        // the table does not move between the moment the click is aimed and the click (a CI run at high load missed).
        await ChromiumSession.WaitForAllPlotsAsync(page, 60_000);
        await page.ClickAsync("#trials tbody tr[data-number='0'] td");
        await page.WaitForFunctionAsync("() => document.querySelector('#trials tr.detail') && document.querySelector('#trials tr.detail').textContent.includes('Intermediate values')", new WaitForFunctionOptions { Timeout = 30_000 });
        Assert.Contains(trials[0].TrialId.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.EvaluateExpressionAsync<string>("document.querySelector('#trials tr.detail').textContent"), StringComparison.Ordinal);

        Assert.All(errors, e => Assert.Contains("403", e, StringComparison.Ordinal));
        Assert.True(errors.Count <= 1, string.Join("\n", errors));
    }
}
