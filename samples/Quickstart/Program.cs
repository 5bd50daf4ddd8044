// The quadratic example of Optuna's README, define-by-run: minimise (x - 2)^2 over x in [-10, 10].
using Microsoft.Extensions.Logging;
using Sharptune;

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));

var study = Study.Create(new StudyOptions { LoggerFactory = loggerFactory });

study.Optimize(trial =>
{
    double x = trial.SuggestFloat("x", -10, 10);
    return (x - 2) * (x - 2);
}, nTrials: 100);

Console.WriteLine($"Best value: {study.BestValue}");
Console.WriteLine($"Best params: x = {study.BestParams["x"]}");
