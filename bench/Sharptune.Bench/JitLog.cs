using System.Diagnostics.Tracing;
using System.Globalization;

namespace Sharptune.Bench;

/// <summary>
/// Lists the methods the JIT compiles while a workload runs (SHARPTUNE_BENCH_JITLOG=FILE): one tab-separated line per
/// compilation with the event's time in milliseconds since the listener started, the optimization tier, the milliseconds the compilation took and the method's name. It
/// shows which code a fresh process compiles, at which tier, and for how long the runtime keeps re-compiling.
/// </summary>
internal sealed class JitLog : EventListener
{
    private const EventKeywords JitKeyword = (EventKeywords)0x10;
    private const EventKeywords TieredCompilationKeyword = (EventKeywords)0x1000000000;
    private const EventKeywords CompilationDiagnosticKeyword = (EventKeywords)0x2000000000;
    private readonly StreamWriter writer;
    private readonly Lock gate = new();
    private readonly DateTime started = DateTime.UtcNow;
    private readonly Dictionary<ulong, DateTime> jitStarts = new();

    private JitLog(string path)
    {
        writer = new StreamWriter(path) { AutoFlush = false };
    }

    /// <summary>Gets the listener started last, or null (the workloads mark their first trials in it).</summary>
    public static JitLog? Current { get; private set; }

    /// <summary>Starts the listener when SHARPTUNE_BENCH_JITLOG names a file; otherwise returns null.</summary>
    public static JitLog? StartFromEnvironment()
    {
        string? path = Environment.GetEnvironmentVariable("SHARPTUNE_BENCH_JITLOG");
        return Current = string.IsNullOrEmpty(path) ? null : new JitLog(path);
    }

    /// <summary>Writes a marker line (e.g. the start of a repeat).</summary>
    public void Mark(string text)
    {
        lock (gate)
        {
            writer.WriteLine($"{(DateTime.UtcNow - started).TotalMilliseconds:F1}\t#\t{text}");
        }
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, JitKeyword | TieredCompilationKeyword | CompilationDiagnosticKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || e.Payload is null)
        {
            return;
        }

        if (e.EventName.StartsWith("R2RGetEntryPoint", StringComparison.Ordinal) && !e.EventName.Contains("Start", StringComparison.Ordinal))
        {
            // A precompiled method called for the first time: it also restarts the runtime's tiering delay.
            string owner = (string)e.Payload[e.PayloadNames!.IndexOf("MethodNamespace")]!;
            string method = (string)e.Payload[e.PayloadNames.IndexOf("MethodName")]!;
            lock (gate)
            {
                writer.WriteLine($"{At(e):F1}\tr2r\t{owner}::{method}");
            }

            return;
        }

        if (e.EventName.StartsWith("TieredCompilation", StringComparison.Ordinal))
        {
            lock (gate)
            {
                writer.WriteLine($"{At(e):F1}\ttiering\t{e.EventName}");
            }

            return;
        }

        if (e.EventName.StartsWith("MethodJittingStarted", StringComparison.Ordinal))
        {
            ulong started = Convert.ToUInt64(e.Payload[e.PayloadNames!.IndexOf("MethodID")], CultureInfo.InvariantCulture);
            lock (gate)
            {
                jitStarts[started] = e.TimeStamp;
            }

            return;
        }

        if (!e.EventName.StartsWith("MethodLoadVerbose", StringComparison.Ordinal))
        {
            return;
        }

        int flags = Convert.ToInt32(e.Payload[e.PayloadNames!.IndexOf("MethodFlags")], CultureInfo.InvariantCulture);
        // MethodFlags bits 7 and up hold the runtime's OptimizationTier (eventtrace.h): the names below are its values.
        string tier = ((flags >> 7) & 0x7) switch
        {
            1 => "minopt",
            2 => "optimized",
            3 => "tier0",
            4 => "tier1",
            5 => "tier1-osr",
            6 => "tier0-instr",
            7 => "tier1-instr",
            _ => $"tier-{flags >> 7}",
        };
        if ((flags & 0x40) != 0)
        {
            // The method had ReadyToRun code that the runtime rejected.
            tier += "(r2r-rejected)";
        }

        string ns = (string)e.Payload[e.PayloadNames.IndexOf("MethodNamespace")]!;
        string name = (string)e.Payload[e.PayloadNames.IndexOf("MethodName")]!;
        ulong id = Convert.ToUInt64(e.Payload[e.PayloadNames.IndexOf("MethodID")], CultureInfo.InvariantCulture);
        lock (gate)
        {
            // The event's own time stamp, not the (batched) time it reached this listener; then the compilation's length.
            double at = At(e);
            double took = jitStarts.Remove(id, out DateTime begun) ? (e.TimeStamp - begun).TotalMilliseconds : double.NaN;
            writer.WriteLine($"{at:F1}\t{tier}\t{took:F2}\t{ns}::{name}");
        }
    }

    // The event's own time stamp (events reach the listener in batches, milliseconds later).
    private double At(EventWrittenEventArgs e) => (e.TimeStamp.ToUniversalTime() - started).TotalMilliseconds;

    public override void Dispose()
    {
        base.Dispose();
        lock (gate)
        {
            writer.Dispose();
        }
    }
}
