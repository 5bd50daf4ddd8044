using System.Runtime.CompilerServices;

namespace Sharptune.Storages.Tests.Support;

internal static class TestSetup
{
    /// <summary>
    /// Many storage tests block (sleeps, waits on other processes, synchronous database calls) while xunit runs
    /// test classes in parallel on the thread pool: start with enough threads that nothing waits for injection.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
    }
}
