// The quadratic example of Optuna's README, define-by-run: minimise (x - 2)^2 over x in [-10, 10].
// The study is stored in sharptune.db (SQLite, Optuna's schema): run the sample again and it continues the same
// study; Python Optuna and optuna-dashboard open the file as well (optuna-dashboard sqlite:///sharptune.db).
using Microsoft.Extensions.Logging;
using Sharptune;
using Sharptune.Storages;

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
using var storage = new RdbStorage("sqlite:///sharptune.db");

var study = Study.Create(new StudyOptions
{
    StudyName = "quickstart",
    Storage = storage,
    LoadIfExists = true,
    LoggerFactory = loggerFactory,
});

study.Optimize(trial =>
{
    double x = trial.SuggestFloat("x", -10, 10);
    return (x - 2) * (x - 2);
}, nTrials: 100);

Console.WriteLine($"Best value: {study.BestValue}");
Console.WriteLine($"Best params: x = {study.BestParams["x"]}");
Console.WriteLine($"The study holds {study.Trials.Count} trials in sharptune.db; run again to continue it.");
