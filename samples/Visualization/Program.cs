// Writes every Sharptune.Visualization plot of two real studies into a folder, as offline HTML, PNG and SVG:
//   dotnet run --project samples/Visualization [-- out-folder]
// With --large [trials] it times every plot of a 100,000-trial, 10-parameter study instead (HTML and PNG).
// The single-objective study tunes a small gradient-boosting-like surrogate (four parameters: a log-scale
// learning rate, an integer depth, a categorical booster and a subsample fraction) with TPE and a median pruner,
// so that the intermediate values, pruned trials and the timeline have something to show. The two-objective
// study trades a model's error against its cost with NSGA-II, under a constraint.
using Sharptune;
using Sharptune.Pruners;
using Sharptune.Samplers;
using Sharptune.Visualization;

string folder = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "plots";
Directory.CreateDirectory(folder);
int large = Array.IndexOf(args, "--large");
if (large >= 0)
{
    // dotnet run --project samples/Visualization -c Release -- out-folder --large [trials]
    LargeStudy.Run(folder, large + 1 < args.Length ? int.Parse(args[large + 1], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
    return;
}

var study = Study.Create(new StudyOptions
{
    StudyName = "surrogate-boosting",
    Sampler = new TpeSampler(seed: 7),
    Pruner = new MedianPruner(nStartupTrials: 5, nWarmupSteps: 3),
});
study.Optimize(trial =>
{
    double learningRate = trial.SuggestFloat("learning_rate", 1e-3, 0.5, log: true);
    int depth = trial.SuggestInt("max_depth", 2, 10);
    string booster = trial.SuggestCategorical("booster", ["gbtree", "dart", "linear"]);
    double subsample = trial.SuggestFloat("subsample", 0.5, 1.0);
    double floor = booster switch { "gbtree" => 0.10, "dart" => 0.12, _ => 0.25 };
    double loss = 1.0;
    for (int step = 0; step < 20; step++)
    {
        // A learning curve that converges faster with a larger rate, to a floor set by depth, booster and subsample.
        double target = floor + (0.02 * Math.Abs(depth - 6)) + (0.15 * Math.Pow(1 - subsample, 2)) + (0.05 * Math.Abs(Math.Log10(learningRate / 0.05)));
        loss = target + ((loss - target) * Math.Exp(-learningRate * 8));
        trial.Report(loss, step);
        if (trial.ShouldPrune())
        {
            throw new TrialPrunedException();
        }
    }

    return loss;
}, nTrials: 120);

var multi = Study.Create(new StudyOptions
{
    StudyName = "error-vs-cost",
    Directions = [StudyDirection.Minimize, StudyDirection.Minimize],
    Sampler = new NsgaIISampler(populationSize: 20, seed: 3),
});
multi.SetMetricNames(["error", "cost"]);
multi.Optimize(trial =>
{
    double width = trial.SuggestFloat("width", 1, 64, log: true);
    double x = trial.SuggestFloat("regularization", 0, 1);
    double error = (1 / Math.Sqrt(width)) + (0.2 * Math.Pow(x - 0.3, 2));
    double cost = (width / 64) + (0.05 * x);
    trial.SetConstraint("latency", cost - 0.8);
    return [error, cost];
}, nTrials: 200);

var figures = new List<(string Name, Figure Figure)>
{
    ("optimization_history", study.PlotOptimizationHistory()),
    ("intermediate_values", study.PlotIntermediateValues()),
    ("parallel_coordinate", study.PlotParallelCoordinate()),
    ("contour", study.PlotContour(new ContourOptions { Params = ["learning_rate", "max_depth"] })),
    ("contour_matrix", study.PlotContour()),
    ("slice", study.PlotSlice()),
    ("edf", study.PlotEdf()),
    ("rank", study.PlotRank(new RankOptions { Params = ["learning_rate", "max_depth", "booster"] })),
    ("timeline", study.PlotTimeline()),
    ("param_importances", study.PlotParamImportances()),
    ("param_importances_multi", multi.PlotParamImportances()),
    ("pareto_front", multi.PlotParetoFront()),
    ("hypervolume_history", multi.PlotHypervolumeHistory([1.5, 1.2])),
    ("parallel_coordinate_multi", multi.PlotParallelCoordinate()),
    ("optimization_history_error", multi.PlotOptimizationHistory(new OptimizationHistoryOptions { Target = t => t.Values![0], TargetName = "error" })),
};

foreach (var (name, figure) in figures)
{
    figure.SaveHtml(Path.Combine(folder, name + ".html"));
    figure.SavePng(Path.Combine(folder, name + ".png"));
    figure.SaveSvg(Path.Combine(folder, name + ".svg"));
    Console.WriteLine($"{name,-28} {figure.TraceCount,3} traces -> {folder}/{name}.html|png|svg");
}

Console.WriteLine($"Best value {study.BestValue:F4} with {string.Join(", ", study.BestParams.Select(p => $"{p.Key}={p.Value}"))}");
