using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Sharptune.Cli.Tests.Support;

namespace Sharptune.Cli.Tests;

/// <summary>The dashboard command as a process: it serves the storage's studies on loopback until stopped.</summary>
public sealed class DashboardCommandTests
{
    [Fact]
    public async Task ServesTheStudiesOfTheStorage_ReadOnly_OnLoopback()
    {
        using var dir = new TempDir();
        string url = "sqlite:///" + Path.Combine(dir.Path, "dash.db");
        Assert.Equal(0, Tool.Run("create-study", "--storage", url, "--study-name", "served").ExitCode);

        var info = new ProcessStartInfo(Tool.Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir.Path,
        };
        foreach (string a in (string[])["dashboard", "--storage", url, "--port", "0"])
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        try
        {
            var firstLine = p.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask();
            Assert.True(await Task.WhenAny(firstLine, Task.Delay(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken)) == firstLine, "the dashboard did not start within 60 s");
            string line = (await firstLine) ?? throw new InvalidOperationException("no output: " + await p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken));
            Assert.Contains("read-only", line, StringComparison.Ordinal);
            var address = new Uri(line[(line.IndexOf(" at ", StringComparison.Ordinal) + 4)..line.IndexOf(" (", StringComparison.Ordinal)]);
            Assert.Equal("127.0.0.1", address.Host);

            using var http = new HttpClient();
            using var studies = JsonDocument.Parse(await http.GetStringAsync(new Uri(address, "api/v1/studies"), TestContext.Current.CancellationToken));
            Assert.Contains("\"served\"", studies.RootElement.GetRawText(), StringComparison.Ordinal);
            string page = await http.GetStringAsync(address, TestContext.Current.CancellationToken);
            Assert.Contains("<html", page, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public void APortInUse_IsAOneLineError()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var dir = new TempDir();
        string url = "sqlite:///" + Path.Combine(dir.Path, "dash.db");
        var r = Tool.Process(Tool.Executable, ["dashboard", "--storage", url, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], dir.Path);
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("Error: ", r.Err, StringComparison.Ordinal);
        Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
    }
}
