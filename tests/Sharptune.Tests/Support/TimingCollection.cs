namespace Sharptune.Tests.Support;

/// <summary>
/// Tests that measure time, throughput or the whole process heap run alone, never beside other tests (whose objects
/// would count in a heap measured with <see cref="GC.GetTotalMemory(bool)"/>).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "Timing";
}
