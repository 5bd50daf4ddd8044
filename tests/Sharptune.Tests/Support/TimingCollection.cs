namespace Sharptune.Tests.Support;

/// <summary>Tests that measure time or throughput run alone, never beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "Timing";
}
