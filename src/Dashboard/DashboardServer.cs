using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sharptune.Storages;

namespace Sharptune.Dashboard;

/// <summary>Options of a standalone <see cref="DashboardServer"/>.</summary>
public sealed class DashboardServerOptions
{
    /// <summary>Gets or sets the address to bind; <c>127.0.0.1</c> (loopback only) by default.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Gets or sets the port; 8080 by default, 0 for any free port (read <see cref="DashboardServer.Url"/>).</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Gets or sets the path of the dashboard; <c>"/"</c> by default.</summary>
    public string Path { get; set; } = "/";

    /// <summary>Gets or sets the dashboard's options (writes, title, poll interval).</summary>
    public Action<DashboardOptions>? Configure { get; set; }

    /// <summary>Gets or sets the logger factory of the server, or <see langword="null"/> to log nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}

/// <summary>A standalone dashboard server (Kestrel) over one storage, bound to loopback unless configured otherwise.</summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Gets the dashboard's address, e.g. <c>http://127.0.0.1:8080/</c>.</summary>
    public Uri Url { get; }

    /// <summary>Starts a dashboard server.</summary>
    /// <param name="storage">The storage whose studies are shown.</param>
    /// <param name="options">Host, port, path and dashboard options; loopback port 8080, read-only by default.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop.</returns>
    /// <exception cref="ArgumentException">The host is not an IP address or "localhost", or the port is out of range.</exception>
    public static async Task<DashboardServer> StartAsync(IStorage storage, DashboardServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        options ??= new DashboardServerOptions();
        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Port, "The port must be between 0 and 65535.");
        }

        IPAddress address = options.Host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(options.Host, out var parsed) ? parsed
            : throw new ArgumentException($"The host must be an IP address or 'localhost', got '{options.Host}'.", nameof(options));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (options.LoggerFactory is { } loggerFactory)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        builder.Services.AddAntiforgery();
        builder.WebHost.UseKestrel(k => k.Listen(address, options.Port));
        var app = builder.Build();
        app.MapSharptuneDashboard(options.Path, storage, options.Configure);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        string path = options.Path == "/" ? "/" : options.Path + "/";
        return new DashboardServer(app, new Uri(new Uri(bound), path));
    }

    /// <summary>Stops the server.</summary>
    /// <returns>A task that completes when the server stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
