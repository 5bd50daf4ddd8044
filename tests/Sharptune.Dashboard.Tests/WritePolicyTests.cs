using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Sharptune.Dashboard.Tests;

/// <summary>The authorization hook: with <c>WritePolicy</c>, writes need the policy while reads stay open.</summary>
public sealed class WritePolicyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Writes_need_the_write_policy_and_reads_do_not()
    {
        var storage = TestStudies.Create();
        int id = TestStudies.StudyId(storage, "single");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAntiforgery();
        builder.Services.AddAuthentication("Header").AddScheme<AuthenticationSchemeOptions, HeaderUser>("Header", null);
        builder.Services.AddAuthorization(o => o.AddPolicy("tuners", p => p.RequireClaim(ClaimTypes.Name, "alice")));
        await using var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapSharptuneDashboard("/sharptune", storage, o =>
        {
            o.AllowWrites = true;
            o.WritePolicy = "tuners";
        });
        await app.StartAsync(Ct);

        async Task<HttpStatusCode> SaveNote(string? user, int version)
        {
            using var client = new HttpClient(new CookieContainerHandler { InnerHandler = app.GetTestServer().CreateHandler() }) { BaseAddress = new Uri("http://localhost/") };
            if (user is not null)
            {
                client.DefaultRequestHeaders.Add("X-User", user);
            }

            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"sharptune/api/v1/studies/{id}", Ct)).StatusCode);
            var token = JsonDocument.Parse(await client.GetStringAsync("sharptune/api/v1/antiforgery", Ct)).RootElement;
            using var request = new HttpRequestMessage(HttpMethod.Put, $"sharptune/api/v1/studies/{id}/note") { Content = JsonContent.Create(new { version, body = "by " + user }) };
            request.Headers.Add(token.GetProperty("header_name").GetString()!, token.GetProperty("token").GetString());
            using var response = await client.SendAsync(request, Ct);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await SaveNote(null, 1));
        Assert.Equal(HttpStatusCode.Forbidden, await SaveNote("bob", 1));
        Assert.Equal(0, DashboardNotes.Get(storage, id, null).Version);
        Assert.Equal(HttpStatusCode.OK, await SaveNote("alice", 1));
        Assert.Equal(new DashboardNote(1, "by alice"), DashboardNotes.Get(storage, id, null));
        await app.StopAsync(Ct);
    }

    /// <summary>Authenticates the user named by the X-User header (test only).</summary>
    private sealed class HeaderUser(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue("X-User", out var user) || string.IsNullOrEmpty(user))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user.ToString())], "Header");
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), "Header")));
        }
    }
}
