using Sharptune;
using Sharptune.Samplers;

namespace Sharptune.StorageBench;

/// <summary>
/// A random sampler that, like TPE, reads the finished trials of the study before each trial (and scans them),
/// so that the benchmark measures what a history-based sampler costs on each storage.
/// </summary>
public sealed class HistoryReadingSampler(int seed) : ISampler
{
    private readonly RandomSampler _random = new(seed);

    /// <summary>Gets a checksum of what was read, so the reads cannot be optimized away.</summary>
    public double Checksum { get; private set; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial)
    {
        double sum = 0;
        foreach (var t in study.GetTrials(TrialState.Complete, TrialState.Pruned))
        {
            sum += t.Values?[0] ?? 0;
            sum += t.InternalParams.Count;
        }

        Checksum += sum;
        return _random.InferRelativeSearchSpace(study, trial);
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace) =>
        _random.SampleRelative(study, trial, searchSpace);

    /// <inheritdoc/>
    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution) =>
        _random.SampleIndependent(study, trial, paramName, distribution);
}
