using System.Collections.Concurrent;
using System.Text.Json;
using PuppeteerSharp;

namespace Sharptune.Visualization.Tests;

/// <summary>Starts the installed headless Chromium once for the browser tests (no browser download).</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private string? _profile;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        // A missing browser fails the tests (it is a test requirement, installed by .ci/setup), it does not skip them.
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install Debian's chromium (see .ci/setup).");
        _profile = Directory.CreateTempSubdirectory("sharptune-chromium-").FullName;
        Browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            UserDataDir = _profile,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
            ],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
            await Browser.DisposeAsync();
        }

        if (_profile is not null)
        {
            try
            {
                Directory.Delete(_profile, recursive: true);
            }
            catch (IOException)
            {
                // The profile folder may still be locked for a moment after the browser exits; it is a temp folder.
            }
        }
    }
}

/// <summary>Each HTML file renders its traces in headless Chromium with no console error and no network request.</summary>
public sealed class BrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Theory]
    [MemberData(nameof(PlotCatalog.Kinds), MemberType = typeof(PlotCatalog))]
    public async Task HtmlRendersOfflineWithoutErrors(string name)
    {
        var figure = PlotCatalog.Make(name);
        string folder = Directory.CreateTempSubdirectory("sharptune-html-").FullName;
        string path = Path.Combine(folder, name + ".html");
        figure.SaveHtml(path);
        var problems = new ConcurrentQueue<string>();
        var requests = new ConcurrentQueue<string>();
        await using var page = await chromium.Browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 1000, Height = 700 });
        page.Console += (_, e) =>
        {
            // Errors fail the test; warnings come from Chromium's software WebGL (performance notes), not the page.
            if (e.Message.Type is ConsoleType.Error)
            {
                problems.Enqueue($"console {e.Message.Type}: {e.Message.Text}");
            }
        };
        page.PageError += (_, e) => problems.Enqueue("page error: " + e.Message);
        await page.SetRequestInterceptionAsync(true);
        page.Request += async (_, e) =>
        {
            string url = e.Request.Url;
            if (url.StartsWith("file://", StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal) || url.StartsWith("blob:", StringComparison.Ordinal))
            {
                await e.Request.ContinueAsync();
            }
            else
            {
                requests.Enqueue(url);
                await e.Request.AbortAsync();
            }
        };
        await page.GoToAsync(new Uri(path).AbsoluteUri, new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load] });
        await page.WaitForFunctionAsync("() => { const d = document.getElementById('plot'); return d && d._fullLayout && d.data; }", new WaitForFunctionOptions { Timeout = 15000 });
        var state = await page.EvaluateFunctionAsync<JsonElement>(@"() => {
            const d = document.getElementById('plot');
            return {
                traces: d.data.length,
                points: d.data.reduce((n, t) => n + (t.x ? t.x.length : 0), 0),
                svgTraces: document.querySelectorAll('.scatterlayer .trace, .barlayer .trace, .contourlayer .contour, .cartesianlayer .trace').length,
                markers: document.querySelectorAll('.scatterlayer .point, .barlayer .point').length,
                gl: document.querySelectorAll('.gl-container canvas, .gl-canvas').length,
                title: d._fullLayout.title.text,
            };
        }");
        if (Environment.GetEnvironmentVariable("SHARPTUNE_SCREENSHOTS") is { Length: > 0 } shots)
        {
            Directory.CreateDirectory(shots);
            await page.ScreenshotAsync(Path.Combine(shots, name + ".png"));
        }

        Assert.True(problems.IsEmpty, string.Join("\n", problems));
        Assert.True(requests.IsEmpty, "network requests: " + string.Join(", ", requests));
        Assert.Equal(figure.TraceCount, state.GetProperty("traces").GetInt32());
        Assert.StartsWith(figure.Title, state.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.True(state.GetProperty("points").GetInt32() > 0, "the figure has no data points");
        if (name == "pareto-3d")
        {
            Assert.True(state.GetProperty("gl").GetInt32() > 0, "the 3-D scene drew no WebGL canvas");
        }
        else
        {
            Assert.True(state.GetProperty("svgTraces").GetInt32() > 0, "no trace was drawn");
        }

        if (name is "history-error-bar" or "slice-constrained" or "pareto-2d" or "rank-pair" or "timeline" or "importances-multi")
        {
            Assert.True(state.GetProperty("markers").GetInt32() > 0, "no marker or bar was drawn");
        }

        Directory.Delete(folder, recursive: true);
    }
}
