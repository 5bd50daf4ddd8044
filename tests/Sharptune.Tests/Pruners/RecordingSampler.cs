using Sharptune.Samplers;

namespace Sharptune.Tests.Pruners;

/// <summary>Returns the lower bound and remembers which trials it saw through <see cref="Study.GetTrials"/>.</summary>
internal sealed class RecordingSampler : ISampler
{
    public List<int>? Seen { get; private set; }

    public List<(string Hook, int Trial, List<int> Seen)> Calls { get; } = [];

    public IReadOnlyDictionary<string, Distribution> InferRelativeSearchSpace(Study study, FrozenTrial trial)
    {
        Record("infer", study, trial);
        return new Dictionary<string, Distribution>();
    }

    public IReadOnlyDictionary<string, double> SampleRelative(Study study, FrozenTrial trial, IReadOnlyDictionary<string, Distribution> searchSpace) =>
        new Dictionary<string, double>();

    public double SampleIndependent(Study study, FrozenTrial trial, string paramName, Distribution distribution)
    {
        Seen = Record("independent", study, trial);
        return ((FloatDistribution)distribution).Low;
    }

    public void BeforeTrial(Study study, FrozenTrial trial) => Record("before", study, trial);

    public void AfterTrial(Study study, FrozenTrial trial, TrialState state, IReadOnlyList<double>? values) => Record("after", study, trial);

    private List<int> Record(string hook, Study study, FrozenTrial trial)
    {
        var seen = study.GetTrials().Select(t => t.Number).ToList();
        Calls.Add((hook, trial.Number, seen));
        return seen;
    }
}
