using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Sharptune.Storages;
using Sharptune.Visualization;

namespace Sharptune.Dashboard;

/// <summary>Maps the Sharptune dashboard (pages, static assets and its JSON API) into an ASP.NET Core app.</summary>
public static class DashboardEndpointRouteBuilderExtensions
{
    /// <summary>The version of the JSON API, the <c>v1</c> in <c>{path}/api/v1/…</c>.</summary>
    public const int ApiVersion = 1;

    /// <summary>
    /// The content-security policy of every dashboard response: scripts only from the dashboard itself (no inline
    /// scripts, no other origin), requests only to the dashboard. Inline styles are allowed because plotly.js sets them.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "connect-src 'self'; font-src 'self'; worker-src blob:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>
    /// Maps the dashboard at <paramref name="path"/>: the pages at <c>{path}/</c>, their embedded assets at
    /// <c>{path}/static/…</c> and the JSON API at <c>{path}/api/v1/…</c> (see docs/dashboard-api.md).
    /// </summary>
    /// <param name="endpoints">The app's endpoint builder (a <c>WebApplication</c>).</param>
    /// <param name="path">Where the dashboard lives, e.g. <c>"/sharptune"</c>.</param>
    /// <param name="storage">The storage whose studies are shown.</param>
    /// <param name="configure">Sets <see cref="DashboardOptions"/>; read-only when omitted.</param>
    /// <returns>The route group of every dashboard endpoint, e.g. for <c>RequireAuthorization</c> on the whole dashboard.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> does not start with '/' or ends with '/'.</exception>
    /// <exception cref="InvalidOperationException">Writes are allowed but no anti-forgery service is registered.</exception>
    public static RouteGroupBuilder MapSharptuneDashboard(this IEndpointRouteBuilder endpoints, string path, IStorage storage, Action<DashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(storage);
        if (!path.StartsWith('/') || (path.Length > 1 && path.EndsWith('/')))
        {
            throw new ArgumentException($"The dashboard path must start with '/' and must not end with '/', got '{path}'.", nameof(path));
        }

        var options = new DashboardOptions();
        configure?.Invoke(options);
        options.Validate();
        if (options.AllowWrites && endpoints.ServiceProvider.GetService<IAntiforgery>() is null)
        {
            throw new InvalidOperationException("The dashboard allows writes, which need anti-forgery tokens: call builder.Services.AddAntiforgery() before building the app.");
        }

        var api = new DashboardApi(storage, options);
        var assets = new EmbeddedFileProvider(typeof(DashboardOptions).Assembly, "Sharptune.Dashboard.Assets");
        var plotly = new EmbeddedFileProvider(typeof(Figure).Assembly, "Sharptune.Visualization");

        string prefix = path == "/" ? string.Empty : path;
        var group = endpoints.MapGroup(prefix);
        group.AddEndpointFilter(async (context, next) =>
        {
            var headers = context.HttpContext.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            return await next(context).ConfigureAwait(false);
        });

        // Routing matches "/sharptune" and "/sharptune/" alike; the page's relative links need the slash.
        group.MapGet("/", (HttpContext context) => context.Request.Path.Value is { } p && !p.EndsWith('/')
            ? Results.Redirect(context.Request.PathBase + p + "/")
            : File(assets, "index.html", "no-cache"));
        group.MapGet("/static/{file}", (string file) =>
            file == "plotly.min.js" ? File(plotly, file, "public, max-age=86400") : File(assets, file, "no-cache"));

        var v1 = group.MapGroup("/api/v1");
        v1.MapGet("/meta", () => api.Meta());
        v1.MapGet("/studies", () => api.Studies());
        v1.MapGet("/studies/{studyId:int}", (int studyId, int? after, string? view) => api.Study(studyId, after ?? 0, view));
        v1.MapGet("/studies/{studyId:int}/trials/{number:int}", (int studyId, int number) => api.Trial(studyId, number));
        v1.MapGet("/studies/{studyId:int}/plot/{plotType}", (int studyId, string plotType, int? objective) => api.Plot(studyId, plotType, objective ?? 0));
        v1.MapGet("/studies/{studyId:int}/trials.csv", (int studyId, string? state, string? filters) => api.Csv(studyId, state, filters));
        v1.MapGet("/artifacts/{studyId:int}/{artifactId}", (int studyId, string artifactId, HttpContext context) => api.DownloadArtifact(context, studyId, null, artifactId));
        v1.MapGet("/artifacts/{studyId:int}/{trialId:int}/{artifactId}", (int studyId, int trialId, string artifactId, HttpContext context) => api.DownloadArtifact(context, studyId, trialId, artifactId));
        v1.MapGet("/antiforgery", (HttpContext context) => api.AntiforgeryToken(context));

        var writes = new[]
        {
            v1.MapPut("/studies/{studyId:int}/note", (int studyId, HttpContext context) => api.SaveNote(context, studyId, null)),
            v1.MapPut("/studies/{studyId:int}/{trialId:int}/note", (int studyId, int trialId, HttpContext context) => api.SaveNote(context, studyId, trialId)),
            v1.MapPost("/studies/{studyId:int}/trials/{number:int}/tell", (int studyId, int number, HttpContext context) => api.Tell(context, studyId, number)),
            v1.MapDelete("/studies/{studyId:int}", (int studyId, HttpContext context) => api.DeleteStudy(context, studyId)),
            v1.MapPost("/studies/{studyId:int}/rename", (int studyId, HttpContext context) => api.RenameStudy(context, studyId)),
        };
        if (options.AllowWrites && options.WritePolicy is { } policy)
        {
            foreach (var write in writes)
            {
                write.RequireAuthorization(policy);
            }
        }

        return group;
    }

    private static IResult File(IFileProvider provider, string name, string cacheControl)
    {
        var file = provider.GetFileInfo(name);
        if (!file.Exists || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
        {
            return Results.NotFound();
        }

        if (!ContentTypes.TryGetContentType(name, out string? contentType))
        {
            contentType = "application/octet-stream";
        }

        return new CachedFileResult(file, contentType, cacheControl);
    }

    private sealed class CachedFileResult(IFileInfo file, string contentType, string cacheControl) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.CacheControl = cacheControl;
            httpContext.Response.ContentType = contentType == "text/html" || contentType.StartsWith("text/", StringComparison.Ordinal) || contentType.EndsWith("javascript", StringComparison.Ordinal)
                ? contentType + "; charset=utf-8"
                : contentType;
            httpContext.Response.ContentLength = file.Length;
            await using var stream = file.CreateReadStream();
            await stream.CopyToAsync(httpContext.Response.Body, httpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}
