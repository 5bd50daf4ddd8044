using PuppeteerSharp;

namespace Sharptune.Dashboard.Tests;

/// <summary>
/// Debian's headless chromium (/usr/bin/chromium, never downloaded) with a profile folder of its own, which is deleted
/// once the browser has closed.
/// </summary>
internal sealed class ChromiumSession : IAsyncDisposable
{
    private const string Executable = "/usr/bin/chromium";

    private readonly string _profile;

    private ChromiumSession(string profile, IBrowser browser)
    {
        _profile = profile;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    /// <summary>Launches the browser; fails the test when chromium is missing.</summary>
    public static async Task<ChromiumSession> StartAsync()
    {
        Assert.True(File.Exists(Executable), $"The browser tests need chromium at {Executable} (apt-get install chromium).");
        string profile = Directory.CreateTempSubdirectory("sharptune-dashboard-chromium-").FullName;
        try
        {
            var browser = await Puppeteer.LaunchAsync(new LaunchOptions
            {
                ExecutablePath = Executable,
                Headless = true,
                UserDataDir = profile,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                ],
            });
            return new ChromiumSession(profile, browser);
        }
        catch
        {
            Directory.Delete(profile, recursive: true);
            throw;
        }
    }

    /// <summary>Waits until a study page shows its nine plot cards, each rendered.</summary>
    /// <param name="page">The page.</param>
    /// <param name="timeoutMs">How long to wait.</param>
    /// <param name="pollingMs">How often to check (null: on every animation frame).</param>
    public static Task WaitForAllPlotsAsync(IPage page, int timeoutMs, int? pollingMs = null) =>
        page.WaitForFunctionAsync(
            "() => document.querySelectorAll('#plots .card').length === 9 && Array.from(document.querySelectorAll('#plots .card')).every(c => c.dataset.rendered)",
            pollingMs is { } ms ? new WaitForFunctionOptions { Timeout = timeoutMs, PollingInterval = ms } : new WaitForFunctionOptions { Timeout = timeoutMs });

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        Directory.Delete(_profile, recursive: true);
    }
}
