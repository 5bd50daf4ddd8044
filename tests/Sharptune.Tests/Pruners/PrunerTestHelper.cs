using Sharptune.Pruners;
using Sharptune.Samplers;

namespace Sharptune.Tests.Pruners;

internal static class PrunerTestHelper
{
    public static Study NewStudy(IPruner pruner, StudyDirection direction = StudyDirection.Minimize, string? name = null) =>
        Study.Create(new StudyOptions { Pruner = pruner, Direction = direction, StudyName = name, Sampler = new RandomSampler(seed: 1) });

    /// <summary>Adds a COMPLETE trial whose intermediate value at step i is curve[i] (NaN entries are reported as NaN).</summary>
    public static void AddComplete(Study study, params double[] curve) => AddComplete(study, curve.Select((v, i) => (i, v)).ToArray());

    public static void AddComplete(Study study, params (int Step, double Value)[] reports) =>
        study.AddTrial(Trials.Create(
            TrialState.Complete,
            value: reports.Length == 0 || double.IsNaN(reports[^1].Value) ? 0.0 : reports[^1].Value,
            intermediateValues: reports.ToDictionary(r => r.Step, r => r.Value)));

    /// <summary>Starts a trial and reports (step, value) pairs, returning the decision after each report.</summary>
    public static (Trial Trial, bool[] Decisions) Run(Study study, params (int Step, double Value)[] reports)
    {
        var trial = study.Ask();
        var decisions = new bool[reports.Length];
        for (int i = 0; i < reports.Length; i++)
        {
            trial.Report(reports[i].Value, reports[i].Step);
            decisions[i] = trial.ShouldPrune();
        }

        return (trial, decisions);
    }

    public static bool[] Decisions(Study study, params double[] curve) => Run(study, curve.Select((v, i) => (i, v)).ToArray()).Decisions;
}
