using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Sharptune.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the health check of Sharptune's hosted studies.</summary>
public static class SharptuneHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check over the hosted studies: Degraded when a study's last
    /// <see cref="SharptuneOptions.HealthFailureThreshold"/> trials all failed, <paramref name="failureStatus"/>
    /// (default Unhealthy) when a study stopped with an error, Healthy otherwise. The data holds each study's
    /// state and counts.
    /// </summary>
    /// <param name="builder">The health-checks builder.</param>
    /// <param name="name">The check name (default <c>sharptune</c>).</param>
    /// <param name="failureStatus">The status of a faulted study (default Unhealthy).</param>
    /// <param name="tags">Tags of the check.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddSharptune(this IHealthChecksBuilder builder, string name = "sharptune", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new SharptuneHealthCheck(sp.GetRequiredService<IStudyMonitor>(), sp.GetRequiredService<IOptions<SharptuneOptions>>()),
            failureStatus,
            tags));
    }
}
