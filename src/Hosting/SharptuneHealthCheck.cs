using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Sharptune.Hosting;

/// <summary>The health of the hosted studies (see <c>AddSharptune</c> on <c>IHealthChecksBuilder</c>).</summary>
internal sealed class SharptuneHealthCheck : IHealthCheck
{
    private readonly IStudyMonitor _monitor;
    private readonly IOptions<SharptuneOptions> _options;

    public SharptuneHealthCheck(IStudyMonitor monitor, IOptions<SharptuneOptions> options)
    {
        _monitor = monitor;
        _options = options;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        int threshold = _options.Value.HealthFailureThreshold;
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var faulted = new List<string>();
        var failing = new List<string>();
        foreach (var s in _monitor.GetStatuses())
        {
            data[s.Name] = $"{s.State}: {s.TrialsCompleted} complete, {s.TrialsPruned} pruned, {s.TrialsFailed} failed, {s.TrialsRunning} running this run";
            if (s.State == HostedStudyState.Faulted)
            {
                faulted.Add($"study '{s.Name}' stopped with an error ({s.LastError})");
            }
            else if (s.ConsecutiveFailures >= threshold)
            {
                failing.Add($"the last {s.ConsecutiveFailures} trials of study '{s.Name}' failed");
            }
        }

        var result = faulted.Count > 0
            ? new HealthCheckResult(context.Registration.FailureStatus, string.Join("; ", faulted.Concat(failing)), data: data)
            : failing.Count > 0
                ? HealthCheckResult.Degraded(string.Join("; ", failing), data: data)
                : HealthCheckResult.Healthy($"{data.Count} hosted studies", data);
        return Task.FromResult(result);
    }
}
