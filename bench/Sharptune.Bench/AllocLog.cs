using System.Diagnostics.Tracing;
using System.Globalization;

namespace Sharptune.Bench;

/// <summary>
/// Samples what a workload allocates (SHARPTUNE_BENCH_ALLOCLOG=1): the runtime reports the type of the object that
/// crosses each 100 KB of allocation (GCAllocationTick), and on dispose the types with the most samples are written
/// to stderr with their estimated share of the bytes. It shows which objects feed the garbage collector.
/// </summary>
internal sealed class AllocLog : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Lock gate = new();
    private readonly Dictionary<string, (int Samples, long Bytes)> byType = new(StringComparer.Ordinal);
    private readonly List<string> gcEvents = [];
    private long total;

    private AllocLog()
    {
    }

    /// <summary>Starts the listener when SHARPTUNE_BENCH_ALLOCLOG is set; otherwise returns null.</summary>
    public static AllocLog? StartFromEnvironment() =>
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SHARPTUNE_BENCH_ALLOCLOG")) ? null : new AllocLog();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || e.Payload is null)
        {
            return;
        }

        if (e.EventName.StartsWith("GCStart", StringComparison.Ordinal) || e.EventName.StartsWith("GCSuspendEEBegin", StringComparison.Ordinal) || e.EventName.StartsWith("GCRestartEEEnd", StringComparison.Ordinal) || e.EventName.StartsWith("GCHeapStats", StringComparison.Ordinal))
        {
            string detail = e.EventName.StartsWith("GCStart", StringComparison.Ordinal)
                ? $"gen {e.Payload[e.PayloadNames!.IndexOf("Depth")]} reason {e.Payload[e.PayloadNames.IndexOf("Reason")]}"
                : e.EventName.StartsWith("GCHeapStats", StringComparison.Ordinal)
                    ? $"gen0 {Convert.ToInt64(e.Payload[e.PayloadNames!.IndexOf("GenerationSize0")], CultureInfo.InvariantCulture) / 1024} KB gen1 {Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("GenerationSize1")], CultureInfo.InvariantCulture) / 1024} KB gen2 {Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("GenerationSize2")], CultureInfo.InvariantCulture) / 1024} KB promoted0 {Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("TotalPromotedSize0")], CultureInfo.InvariantCulture) / 1024} KB"
                    : string.Empty;
            lock (gate)
            {
                gcEvents.Add($"  {e.TimeStamp:HH:mm:ss.ffffff} {e.EventName} {detail}");
            }

            return;
        }

        if (!e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal))
        {
            return;
        }

        string type = e.Payload[e.PayloadNames!.IndexOf("TypeName")] as string ?? "?";
        long bytes = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")], CultureInfo.InvariantCulture);
        lock (gate)
        {
            byType.TryGetValue(type, out var seen);
            byType[type] = (seen.Samples + 1, seen.Bytes + bytes);
            total += bytes;
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        lock (gate)
        {
            foreach (string line in gcEvents)
            {
                Console.Error.WriteLine(line);
            }

            Console.Error.WriteLine($"  allocation samples (one per ~100 KB, {total / 1024.0 / 1024.0:F1} MB sampled):");
            foreach (var (type, (samples, bytes)) in byType.OrderByDescending(p => p.Value.Bytes).Take(25))
            {
                Console.Error.WriteLine($"  {100.0 * bytes / total,6:F1}%  {samples,6}  {type}");
            }
        }
    }
}
