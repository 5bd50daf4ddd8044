// Tunes LightGBM on the Wisconsin diagnostic breast cancer data (569 rows, 30 features, shipped in Data/) with
// 5-fold cross-validation, a median pruner that stops poor configurations after their first folds, and a study
// kept in SQLite (mlnet-tuning.db in the current directory: a second run continues the same study). It ends with
// a report that measures the tuned hyperparameters against LightGBM's defaults, on the same folds and on a
// held-out test set that the search never saw. Each completed trial's model (refit on the 80% the search sees) is
// kept as the trial's artifact in mlnet-tuning-artifacts/, with Optuna's artifact metadata, and the best trial's
// model is downloaded from there at the end.
//
//   dotnet run --project samples/MLNetTuning [-- --trials 60]
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using Sharptune;
using Sharptune.Artifacts;
using Sharptune.ML;
using Sharptune.ML.SearchSpaces;
using Sharptune.Pruners;
using Sharptune.Samplers;

int trials = 60;
if (args.Length > 0 && !(args.Length == 2 && args[0] == "--trials" && int.TryParse(args[1], CultureInfo.InvariantCulture, out trials) && trials > 0))
{
    Console.Error.WriteLine("usage: MLNetTuning [--trials N]   (N > 0, default 60)");
    return 2;
}

var clock = Stopwatch.StartNew();

// 1. Data: the shipped CSV, 20% held out for the final comparison (the search sees only the other 80%).
var ml = new MLContext(seed: 1);
var all = ml.Data.LoadFromEnumerable(BreastCancer.Load(Path.Combine(AppContext.BaseDirectory, "Data", "breast_cancer.csv")));
var split = ml.Data.TrainTestSplit(all, testFraction: 0.2, seed: 1);

// 2. The pipeline of a configuration: LightGBM on the 30 features. One thread and a fixed seed make every fit
//    reproducible; the same settings are used for the default model below, so only the hyperparameters differ.
void Reproducible(LightGbmBinaryTrainer.Options o)
{
    o.Seed = 1;
    o.NumberOfThreads = 1;
}

var search = new CrossValidationSearch<LightGbmSearchSpace>(
    ml,
    split.TrainSet,
    config => config.CreateBinaryTrainer(ml, configure: Reproducible),
    BinaryMetric.LogLoss,
    new CrossValidationSearchOptions { NumberOfFolds = 5, Seed = 1 });

// Every completed trial's model goes to the artifact store; the trial records its id (Optuna's artifacts:<id>
// system attribute, so optuna-dashboard lists it too). Pruned trials are not refit.
var artifacts = new FileSystemArtifactStore("mlnet-tuning-artifacts");
search.TrialModelFitted = (trial, _, model) =>
{
    string file = Path.Combine(Path.GetTempPath(), $"mlnet-tuning-trial-{Environment.ProcessId}-{trial.Number}.zip");
    ml.Model.Save(model, split.TrainSet.Schema, file);
    try
    {
        Artifact.Upload(artifacts, file, trial, mimeType: "application/zip");
    }
    finally
    {
        File.Delete(file);
    }
};

// 3. The study: TPE, a median pruner that compares the running mean of the folds from the second fold on, SQLite.
//    The direction (minimize) comes from the metric; a callback prints one line per trial.
var study = search.CreateStudy(new StudyOptions
{
    StudyName = "breast-cancer-lightgbm",
    StorageUrl = "sqlite:///mlnet-tuning.db",
    LoadIfExists = true,
    Sampler = new TpeSampler(seed: 1),
    Pruner = new MedianPruner(nStartupTrials: 5, nWarmupSteps: 1),
});
var result = search.Optimize(study, nTrials: trials, callbacks: [PrintTrial]);
var searchTime = clock.Elapsed;

// 4. The baseline: LightGBM with ML.NET's default hyperparameters, on the same folds.
var defaults = new LightGbmBinaryTrainer.Options();
Reproducible(defaults);
var defaultTrainer = ml.BinaryClassification.Trainers.LightGbm(defaults);
var defaultCv = search.CrossValidate(defaultTrainer);
var tunedCv = result.BestTrial;

// 5. The held-out test set: the default model and the tuned model (refit on the whole 80%) scored once.
var defaultTest = ml.BinaryClassification.Evaluate(defaultTrainer.Fit(split.TrainSet).Transform(split.TestSet));
var tunedTest = ml.BinaryClassification.Evaluate(result.Model!.Transform(split.TestSet));

// 6. The best trial's model, downloaded from the artifact store, predicts what the refit model in memory predicts.
var bestArtifacts = Artifact.GetAllMeta(result.BestTrial, study.Storage);
if (bestArtifacts.Count == 0)
{
    throw new InvalidOperationException($"Trial #{result.BestTrial.Number} has no model artifact (was it run by an older version of this sample? delete mlnet-tuning.db).");
}

Artifact.Download(artifacts, bestArtifacts[0].ArtifactId, "mlnet-tuning-model.zip");
var reloaded = ml.Model.Load("mlnet-tuning-model.zip", out _);
double reloadedLogLoss = ml.BinaryClassification.Evaluate(reloaded.Transform(split.TestSet)).LogLoss;
if (reloadedLogLoss != tunedTest.LogLoss)
{
    throw new InvalidOperationException($"The best trial's saved model scores {reloadedLogLoss} instead of {tunedTest.LogLoss}.");
}

int complete = study.Trials.Count(t => t.State == TrialState.Complete);
int pruned = study.Trials.Count(t => t.State == TrialState.Pruned);
int foldsRun = study.Trials.Sum(t => t.IntermediateValues.Count);
Console.WriteLine();
Console.WriteLine($"Study '{study.StudyName}' in mlnet-tuning.db: {study.Trials.Count} trials, {complete} complete, {pruned} pruned " +
    $"({foldsRun} of {study.Trials.Count * search.NumberOfFolds} folds trained); this run {searchTime.TotalSeconds:F1} s for {trials} trials.");
Console.WriteLine($"Best trial #{result.BestTrial.Number}:");
foreach (var (name, value) in result.BestTrial.Params)
{
    Console.WriteLine(FormattableString.Invariant($"  {name,-28} {value:G4}"));
}

Console.WriteLine();
Console.WriteLine($"  {"",-22} {"LightGBM defaults",18} {"tuned",10} {"change",8}");
Row("5-fold CV log loss", defaultCv.Mean, result.BestValue);
Row("  (std over folds)", defaultCv.StandardDeviation, (double)tunedCv.UserAttrs["std_test_score"]!);
Row("test log loss", defaultTest.LogLoss, tunedTest.LogLoss);
Row("test AUC", defaultTest.AreaUnderRocCurve, tunedTest.AreaUnderRocCurve);
Row("test accuracy", defaultTest.Accuracy, tunedTest.Accuracy);
Console.WriteLine();
Console.WriteLine($"Best trial's model downloaded from its artifact {bestArtifacts[0].ArtifactId} to mlnet-tuning-model.zip (same test log loss). Total time {clock.Elapsed.TotalSeconds:F1} s.");
return 0;

// A pruned trial shows the running mean of the folds it trained. The pruner compares it with the other trials'
// running means at the same fold, not with their final means: some folds are easier than others.
void PrintTrial(Study study, FrozenTrial trial)
{
    string outcome = trial.State == TrialState.Pruned
        ? FormattableString.Invariant($"pruned after {trial.IntermediateValues.Count} of {search.NumberOfFolds} folds, running log loss {trial.Values![0]:F4}")
        : FormattableString.Invariant($"{trial.State.ToString().ToLowerInvariant()}, CV log loss {trial.Values?[0]:F4}");
    var best = study.GetTrials(TrialState.Complete).Count > 0 ? FormattableString.Invariant($" (best {study.BestValue:F4})") : "";
    Console.WriteLine($"Trial {trial.Number,3} {outcome}{best}");
}

static void Row(string label, double before, double after) =>
    Console.WriteLine(FormattableString.Invariant(
        $"  {label,-22} {before,18:F4} {after,10:F4} {(after - before) / Math.Abs(before),8:+0.0%;-0.0%;0.0%}"));

/// <summary>One row of the breast cancer CSV: 30 features and the diagnosis (malignant is the positive class).</summary>
internal sealed class BreastCancer
{
    [VectorType(30)]
    public float[] Features { get; set; } = [];

    public bool Label { get; set; }

    /// <summary>Reads the file: a first line "569,30,malignant,benign" (rows, features, class names), then one row per line, target 0 = malignant.</summary>
    public static List<BreastCancer> Load(string path)
    {
        var rows = new List<BreastCancer>();
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            var cells = line.Split(',');
            rows.Add(new BreastCancer
            {
                Features = [.. cells.Take(30).Select(c => float.Parse(c, CultureInfo.InvariantCulture))],
                Label = cells[30] == "0",
            });
        }

        return rows.Count == 569 ? rows : throw new InvalidDataException($"Expected 569 rows in {path}, read {rows.Count}.");
    }
}
