namespace Sharptune.Dashboard;

/// <summary>Options of a dashboard mapped by <see cref="DashboardEndpointRouteBuilderExtensions.MapSharptuneDashboard(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder, string, Sharptune.Storages.IStorage, Action{DashboardOptions}?)"/>.</summary>
/// <remarks>
/// The dashboard is read-only by default. Writes (notes, telling a running trial's values, deleting and renaming
/// studies) need
/// <see cref="AllowWrites"/>; each write request must then carry an anti-forgery token (ASP.NET Core's
/// <c>IAntiforgery</c>, registered with <c>services.AddAntiforgery()</c>) and pass <see cref="WritePolicy"/> when one
/// is set.
/// </remarks>
public sealed class DashboardOptions
{
    /// <summary>Gets or sets a value indicating whether write requests (notes, tell, delete and rename a study) are accepted; <see langword="false"/> by default.</summary>
    public bool AllowWrites { get; set; }

    /// <summary>
    /// Gets or sets the name of the authorization policy a write request must satisfy (applied with
    /// <c>RequireAuthorization</c>), or <see langword="null"/> to accept writes from anyone who can reach the dashboard.
    /// </summary>
    public string? WritePolicy { get; set; }

    /// <summary>
    /// Gets or sets the store of the studies' artifacts, or <see langword="null"/> (the default) to list artifacts
    /// without download links. With a store, the trial detail links each artifact to
    /// <c>api/v1/artifacts/{study_id}/{trial_id}/{artifact_id}</c>, and deleting a study removes its artifacts' contents.
    /// </summary>
    public Sharptune.Artifacts.IArtifactStore? ArtifactStore { get; set; }

    /// <summary>Gets or sets the page title; "Sharptune Dashboard" by default.</summary>
    public string Title { get; set; } = "Sharptune Dashboard";

    /// <summary>Gets or sets how often the pages poll for new trials, in milliseconds; 1000 by default (new trials show within 2 s).</summary>
    public int PollIntervalMilliseconds { get; set; } = 1000;

    internal void Validate()
    {
        if (PollIntervalMilliseconds is < 100 or > 60_000)
        {
            throw new ArgumentOutOfRangeException(nameof(PollIntervalMilliseconds), PollIntervalMilliseconds, "The poll interval must be between 100 and 60000 milliseconds.");
        }

        if (string.IsNullOrWhiteSpace(Title))
        {
            throw new ArgumentException("The dashboard title must not be empty.", nameof(Title));
        }

        if (WritePolicy is not null && string.IsNullOrWhiteSpace(WritePolicy))
        {
            throw new ArgumentException("The write policy name must not be empty (use null for no policy).", nameof(WritePolicy));
        }
    }
}
