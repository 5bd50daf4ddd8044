using System.CommandLine;
using System.Globalization;
using Sharptune.Cli.Output;
using Sharptune.Importance;
using Sharptune.Internal;
using Spectre.Console;

namespace Sharptune.Cli;

/// <summary>The <c>importance</c> command: parameter importances of a study (Optuna's <c>get_param_importances</c>).</summary>
internal sealed partial class CliApp
{
    private Command ImportanceCommand()
    {
        var name = RequiredStudyName("The name of the study.");
        var evaluator = new Option<string>("--evaluator")
        {
            Description = "The algorithm: ped-anova (Optuna's default), fanova or mean-decrease-impurity (random forests of 64 trees).",
            DefaultValueFactory = _ => "ped-anova",
        };
        evaluator.AcceptOnlyFromAmong("ped-anova", "fanova", "mean-decrease-impurity");
        var seed = new Option<int?>("--seed") { Description = "The seed of the random forest (fanova, mean-decrease-impurity); random when absent." };
        var parameters = new Option<string[]?>("--params")
        {
            Description = "The parameters to assess, separated by whitespace; all of them when absent.",
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var objective = new Option<int?>("--objective")
        {
            Description = "For a multi-objective study, the index of the objective to explain; PED-ANOVA explains reaching the Pareto front when absent.",
        };
        var raw = new Option<bool>("--no-normalize") { Description = "Print the raw importances instead of shares that sum to 1." };
        var format = FormatOption("table");
        var command = new Command("importance", "Show the importance of each parameter for the objective (as Optuna's get_param_importances; PED-ANOVA by default).")
        {
            name, evaluator, seed, parameters, objective, raw, format,
        };
        SetAction(command, r =>
        {
            var storage = OpenStorage(r);
            try
            {
                var study = LoadStudy(r.GetValue(name), storage);
                Func<FrozenTrial, double>? target = null;
                if (r.GetValue(objective) is { } index)
                {
                    if (index < 0 || index >= study.Directions.Count)
                    {
                        throw new CliException($"--objective must be between 0 and {study.Directions.Count - 1} for the study {study.StudyName}, got {index}.");
                    }

                    // PED-ANOVA takes lower targets as better: a maximized objective is negated.
                    double sign = study.Directions[index] == StudyDirection.Maximize ? -1 : 1;
                    target = t => sign * t.Values![index];
                }

                IImportanceEvaluator chosen = r.GetValue(evaluator) switch
                {
                    "fanova" => new FanovaImportanceEvaluator(seed: r.GetValue(seed)),
                    "mean-decrease-impurity" => new MeanDecreaseImpurityImportanceEvaluator(seed: r.GetValue(seed)),
                    _ => new PedAnovaImportanceEvaluator(),
                };
                var importances = Importance.Importance.Get(
                    study,
                    chosen,
                    r.GetValue(parameters) is { Length: > 0 } p ? p : null,
                    target,
                    normalize: !r.GetValue(raw));
                PrintImportances(importances, r.GetValue(format)!);
                return 0;
            }
            finally
            {
                Dispose(storage);
            }
        });
        return command;
    }

    private void PrintImportances(IReadOnlyDictionary<string, double> importances, string format)
    {
        var pairs = importances.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value)).ToList();
        switch (format)
        {
            case "json":
                _out.WriteLine(PyJson.Serialize(pairs));
                return;
            case "yaml":
                // PyYAML sorts the keys; the order of importance is kept by the other formats.
                _out.WriteLine(PyYaml.Dump(pairs).TrimEnd('\n'));
                return;
            case "value":
                foreach (var (key, value) in importances)
                {
                    _out.WriteLine($"{key} {PyFormat.FloatRepr(value)}");
                }

                return;
        }

        double max = importances.Count == 0 ? 0 : importances.Values.Max();
        var table = new Table().Border(TableBorder.Rounded).BorderColor(Color.Grey);
        table.AddColumn(new TableColumn(new Text("parameter", new Style(decoration: Decoration.Bold))));
        table.AddColumn(new TableColumn(new Text("importance", new Style(decoration: Decoration.Bold))).RightAligned());
        table.AddColumn(new TableColumn(string.Empty).NoWrap());
        const int Width = 30;
        foreach (var (key, value) in importances)
        {
            int cells = max > 0 ? (int)Math.Round(value / max * Width) : 0;
            table.AddRow(
                new Text(key),
                new Text(value.ToString("0.0000", CultureInfo.InvariantCulture)),
                new Markup("[steelblue1]" + new string('█', cells) + "[/]"));
        }

        _console.Value.Write(table);
    }
}
