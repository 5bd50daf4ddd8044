// Deliberate mistakes: `dotnet build samples/AnalyzerMistake` fails with
//   error STN2003: The range of "momentum" is empty: `low <= high` must hold, but got (low=0.99, high=0.5)
//   error STN1001: [FloatParam] on 'LearningRate' sets both Step and Log; the parameter `step` is not supported when `log` is true
// Optuna raises these only when a trial runs; Sharptune rejects them before the program exists.
// Each message links to its page in docs/diagnostics, and both have a code fix (swap low and high; remove Step or Log).
using Sharptune;

var study = Study.Create();
study.Optimize(
    trial =>
    {
        double momentum = trial.SuggestFloat("momentum", 0.99, 0.5); // mistake 1: low > high
        return 1 - momentum;
    },
    nTrials: 10);

/// <summary>A search space with an invalid parameter; the generator skips it until the error is fixed.</summary>
public partial class TrainingConfig
{
    // Mistake 2: a log-scaled range cannot have a step.
    [FloatParam(1e-5, 1e-1, Step = 1e-5, Log = true)]
    public double LearningRate { get; set; } = 1e-3;
}
