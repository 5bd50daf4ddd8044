using System.CommandLine;
using Sharptune.Dashboard;
using Sharptune.Storages;

namespace Sharptune.Cli;

/// <summary>The <c>dashboard</c> command: the live web dashboard of a storage's studies (Sharptune.Dashboard).</summary>
internal sealed partial class CliApp
{
    private Command DashboardCommand()
    {
        var host = new Option<string>("--host")
        {
            Description = "The address to bind: an IP address or localhost (loopback by default; another address exposes the dashboard to the network).",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var port = new Option<int>("--port") { Description = "The port (0: any free port).", DefaultValueFactory = _ => 8080 };
        var allowWrites = new Option<bool>("--allow-writes")
        {
            Description = "Allow notes and telling running trials from the page (anti-forgery protected; anyone who can reach the port can write).",
        };
        var command = new Command("dashboard", "Serve the live web dashboard of the storage's studies until Ctrl+C (read-only unless --allow-writes).")
        {
            host, port, allowWrites,
        };
        SetAction(command, r =>
        {
            var storage = OpenStorage(r);
            using var stop = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                bool writes = r.GetValue(allowWrites);
                var options = new DashboardServerOptions
                {
                    Host = r.GetValue(host)!,
                    Port = r.GetValue(port),
                    Configure = o => o.AllowWrites = writes,
                };
                var server = DashboardServer.StartAsync(storage, options).GetAwaiter().GetResult();
                try
                {
                    _out.WriteLine($"Sharptune dashboard of {UrlText.Redact(_urls[^1])} at {server.Url} ({(writes ? "writes allowed" : "read-only")}; Ctrl+C to stop)");
                    _out.Flush();
                    stop.Token.WaitHandle.WaitOne();
                }
                finally
                {
                    server.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }

                return 0;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
                Dispose(storage);
            }
        });
        return command;
    }
}
