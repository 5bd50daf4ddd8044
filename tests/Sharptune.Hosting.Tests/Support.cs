using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sharptune.Hosting;
using Sharptune.Samplers;

namespace Sharptune.Hosting.Tests;

/// <summary>A search space for the hosted tests: minimise (x - 2)^2 + (y + 1)^2.</summary>
public partial class Quadratic
{
    [FloatParam(-10, 10)]
    public double X { get; set; }

    [IntParam(-5, 5)]
    public int Y { get; set; }
}

/// <summary>A scoped dependency that counts its instances and disposals.</summary>
public sealed class ScopeProbe : IDisposable
{
    private static int s_next;

    public int Id { get; } = Interlocked.Increment(ref s_next);

    public bool Disposed { get; private set; }

    public void Dispose() => Disposed = true;
}

/// <summary>Records what the objectives saw.</summary>
public sealed class Recorder
{
    public ConcurrentBag<QuadraticObjective> Objectives { get; } = [];

    public ConcurrentBag<ScopeProbe> Probes { get; } = [];
}

/// <summary>A typed objective with an injected scoped service and a singleton recorder.</summary>
public sealed class QuadraticObjective(ScopeProbe probe, Recorder recorder) : IObjective<Quadratic>
{
    public ScopeProbe Probe { get; } = probe;

    public ValueTask<double> EvaluateAsync(Quadratic config, ITrial trial, CancellationToken cancellationToken)
    {
        recorder.Objectives.Add(this);
        recorder.Probes.Add(Probe);
        return ValueTask.FromResult(((config.X - 2) * (config.X - 2)) + ((config.Y + 1) * (config.Y + 1)));
    }
}

/// <summary>A two-objective function of the same space.</summary>
public sealed class TwoObjectives : IMultiObjective<Quadratic>
{
    public ValueTask<double[]> EvaluateAsync(Quadratic config, ITrial trial, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new[] { config.X * config.X, (config.X - 2) * (config.X - 2) });
}

/// <summary>A seeded random sampler that counts its calls.</summary>
public sealed class CountingSampler(int seed) : ISampler
{
    private readonly RandomSampler _inner = new(seed);
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial) => _inner.InferRelativeSearchSpace(study, trial);

    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace) =>
        _inner.SampleRelative(study, trial, searchSpace);

    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        Interlocked.Increment(ref _calls);
        return _inner.SampleIndependent(study, trial, paramName, distribution);
    }
}

/// <summary>Builds small hosts with in-memory configuration and a short shutdown timeout.</summary>
public static class TestHost
{
    public static HostApplicationBuilder Builder(IDictionary<string, string?>? configuration = null, TimeSpan? shutdownTimeout = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(configuration ?? new Dictionary<string, string?>());
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(5));
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        return builder;
    }

    /// <summary>Starts the host, waits until every hosted study has left Pending/Running, and stops it.</summary>
    public static async Task RunToEndAsync(IHost host, TimeSpan? limit = null)
    {
        using var cts = new CancellationTokenSource(limit ?? TimeSpan.FromSeconds(30));
        await host.StartAsync(cts.Token);
        var monitor = host.Services.GetRequiredService<IStudyMonitor>();
        while (monitor.GetStatuses().Any(s => s.State is HostedStudyState.Pending or HostedStudyState.Running))
        {
            await Task.Delay(10, cts.Token);
        }

        await host.StopAsync(cts.Token);
    }
}

/// <summary>A temporary directory removed at the end of a test.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("sharptune-hosting-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
