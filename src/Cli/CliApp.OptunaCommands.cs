using System.CommandLine;
using System.Globalization;
using Sharptune.Cli.Output;
using Sharptune.Internal;
using Sharptune.Storages;

namespace Sharptune.Cli;

/// <summary>Optuna's commands, with Optuna's options, semantics and output formats.</summary>
internal sealed partial class CliApp
{
    private Command CreateStudyCommand()
    {
        var name = new Option<string?>("--study-name") { Description = "A human-readable name of a study to distinguish it from others." };
        var direction = new Option<string?>("--direction") { Description = "Direction of optimization of a new single-objective study: minimize or maximize." };
        direction.AcceptOnlyFromAmong("minimize", "maximize");
        var directions = new Option<string[]?>("--directions")
        {
            Description = "Directions of optimization of a new study, separated by whitespace: each minimize or maximize.",
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
        };
        directions.AcceptOnlyFromAmong("minimize", "maximize");
        var skip = new Option<bool>("--skip-if-exists") { Description = "Do nothing, without an error, when a study with the name exists." };
        var command = new Command("create-study", "Create a new study.") { name, direction, directions, skip };
        SetAction(command, r =>
        {
            var storage = OpenStorage(r);
            try
            {
                var study = Study.Create(new StudyOptions
                {
                    StudyName = r.GetValue(name),
                    Storage = storage,
                    Direction = r.GetValue(direction) is { } d ? ParseDirection(d) : null,
                    Directions = r.GetValue(directions) is { Length: > 0 } ds ? ds.Select(ParseDirection).ToList() : null,
                    LoadIfExists = r.GetValue(skip),
                    LoggerFactory = Log,
                });
                _out.WriteLine(study.StudyName);
                return 0;
            }
            finally
            {
                Dispose(storage);
            }
        });
        return command;
    }

    private static StudyDirection ParseDirection(string text) =>
        text == "maximize" ? StudyDirection.Maximize : StudyDirection.Minimize;

    private Command DeleteStudyCommand()
    {
        var name = RequiredStudyName("The name of the study to delete.");
        var command = new Command("delete-study", "Delete a specified study.") { name };
        SetAction(command, r =>
        {
            var storage = OpenStorage(r);
            try
            {
                Study.Delete(r.GetValue(name)!, storage);
                return 0;
            }
            finally
            {
                Dispose(storage);
            }
        });
        return command;
    }

    private Command SetUserAttrCommand()
    {
        var name = RequiredStudyName("The name of the study to set the user attribute to.");
        var key = new Option<string>("--key", "-k") { Description = "Key of the user attribute.", Required = true };
        var value = new Option<string>("--value") { Description = "Value to be set.", Required = true };
        var command = new Command("set-user-attr", "Set a user attribute to a study.") { name, key, value };
        SetAction(command, r =>
        {
            var storage = OpenStorage(r);
            try
            {
                LoadStudy(r.GetValue(name), storage).SetUserAttr(r.GetValue(key)!, r.GetValue(value));
                Log.Info("Attribute successfully written.");
                return 0;
            }
            finally
            {
                Dispose(storage);
            }
        });
        return command;
    }

    private Command StudyNamesCommand()
    {
        var format = FormatOption("value");
        var command = new Command("study-names", "Get all study names stored in a specified storage.") { format };
        SetAction(command, r =>
        {
            var storage = OpenStorage(r);
            try
            {
                var column = Column.Plain("name");
                var records = Study.GetAllStudyNames(storage).Select(n => new Dictionary<Column, object?> { [column] = n }).ToList();
                Print(records, [column], r.GetValue(format)!, flatten: false, single: false);
                return 0;
            }
            finally
            {
                Dispose(storage);
            }
        });
        return command;
    }

    private Command StudiesCommand()
    {
        var format = FormatOption("table");
        var flatten = FlattenOption("directions");
        var command = new Command("studies", "Show a list of studies.") { format, flatten };
        SetAction(command, r =>
        {
            var storage = OpenStorage(r);
            try
            {
                var records = new List<Dictionary<Column, object?>>();
                foreach (var s in Study.GetAllStudySummaries(storage, includeBestTrial: false))
                {
                    records.Add(new Dictionary<Column, object?>
                    {
                        [Column.Plain("name")] = s.StudyName,
                        [Column.Plain("direction")] = new PyTuple(s.Directions.Select(d => (object?)(d == StudyDirection.Maximize ? "MAXIMIZE" : "MINIMIZE")).ToList()),
                        [Column.Plain("n_trials")] = s.NTrials,
                        [Column.Plain("datetime_start")] = s.DatetimeStart,
                        [Column.Plain("user_attrs")] = s.UserAttrs,
                    });
                }

                List<Column> columns = [Column.Plain("name"), Column.Plain("direction"), Column.Plain("n_trials"), Column.Plain("datetime_start")];
                if (records.Any(rec => ((IReadOnlyDictionary<string, object?>)rec[Column.Plain("user_attrs")]!).Count > 0))
                {
                    columns.Add(Column.Plain("user_attrs"));
                }

                Print(records, columns, r.GetValue(format)!, r.GetValue(flatten), single: false);
                return 0;
            }
            finally
            {
                Dispose(storage);
            }
        });
        return command;
    }

    private Command TrialsCommand()
    {
        var name = RequiredStudyName("The name of the study which includes trials.");
        var format = FormatOption("table");
        var flatten = FlattenOption("params and user_attrs");
        var command = new Command("trials", "Show a list of trials.") { name, format, flatten };
        SetAction(command, r =>
        {
            var storage = OpenStorage(r);
            try
            {
                var study = LoadStudy(r.GetValue(name), storage);
                var (records, columns) = Records.FromTrials(study, study.Trials);
                Print(records, columns, r.GetValue(format)!, r.GetValue(flatten), single: false);
                return 0;
            }
            finally
            {
                Dispose(storage);
            }
        });
        return command;
    }

    private Command BestTrialCommand()
    {
        var name = RequiredStudyName("The name of the study to get the best trial.");
        var format = FormatOption("table");
        var flatten = FlattenOption("params and user_attrs");
        var command = new Command("best-trial", "Show the best trial.") { name, format, flatten };
        SetAction(command, r =>
        {
            var storage = OpenStorage(r);
            try
            {
                var study = LoadStudy(r.GetValue(name), storage);
                var (records, columns) = Records.FromTrials(study, study.Trials);
                int best = study.BestTrial.Number;
                var record = records.First(rec => (int)rec[Column.Plain("number")]! == best);
                Print([record], columns, r.GetValue(format)!, r.GetValue(flatten), single: true);
                return 0;
            }
            finally
            {
                Dispose(storage);
            }
        });
        return command;
    }

    private Command BestTrialsCommand()
    {
        var name = RequiredStudyName("The name of the study to get the best trials (trials at the Pareto front).");
        var format = FormatOption("table");
        var flatten = FlattenOption("params and user_attrs");
        var command = new Command("best-trials", "Show a list of trials located at the Pareto front.") { name, format, flatten };
        SetAction(command, r =>
        {
            var storage = OpenStorage(r);
            try
            {
                var study = LoadStudy(r.GetValue(name), storage);
                var best = study.BestTrials.Select(t => t.Number).ToHashSet();
                var (records, columns) = Records.FromTrials(study, study.Trials);
                var bestRecords = records.Where(rec => best.Contains((int)rec[Column.Plain("number")]!)).ToList();
                Print(bestRecords, columns, r.GetValue(format)!, r.GetValue(flatten), single: false);
                return 0;
            }
            finally
            {
                Dispose(storage);
            }
        });
        return command;
    }

    private Command UpgradeCommand()
    {
        var command = new Command("upgrade", "Upgrade the schema of an RDB storage.");
        SetAction(command, r =>
        {
            string url = StorageOpener.ResolveUrl(r.GetValue(_storage), _environment);
            _urls.Add(url);
            var outcome = SchemaUpgrade.Run(url);
            switch (outcome)
            {
                case SchemaUpgrade.Outcome.UpToDate:
                    Log.Info("This storage is up-to-date.");
                    return 0;
                case SchemaUpgrade.Outcome.Upgraded:
                    Log.Info("Upgrading the storage schema to the latest version.");
                    Log.Info("Completed to upgrade the storage.");
                    return 0;
                default:
                    Log.Warning("Your Sharptune version seems outdated against the storage version. Update Sharptune (dotnet tool update -g Sharptune.Cli).");
                    return 0;
            }
        });
        return command;
    }

    private Command AskCommand()
    {
        var name = new Option<string?>("--study-name") { Description = "Name of study." };
        var sampler = new Option<string?>("--sampler") { Description = $"Class name of sampler object to create: {string.Join(", ", SamplerFactory.Names)}." };
        var samplerKwargs = new Option<string?>("--sampler-kwargs") { Description = "Sampler object initialization keyword arguments as JSON." };
        var searchSpace = new Option<string?>("--search-space") { Description = "Search space as JSON. Keys are names and values are distributions in Optuna's JSON (distribution_to_json)." };
        var format = FormatOption("json");
        var flatten = FlattenOption("params");
        var command = new Command("ask", "Create a new trial and suggest parameters.") { name, sampler, samplerKwargs, searchSpace, format, flatten };
        SetAction(command, r =>
        {
            Samplers.ISampler? chosen = null;
            if (r.GetValue(sampler) is { } samplerName)
            {
                chosen = SamplerFactory.Create(samplerName, r.GetValue(samplerKwargs));
            }
            else if (r.GetValue(samplerKwargs) is not null)
            {
                throw new CliException("`--sampler_kwargs` is set without `--sampler`. Please specify `--sampler` as well or omit `--sampler-kwargs`.");
            }

            var space = ParseSearchSpace(r.GetValue(searchSpace));
            var storage = OpenStorage(r);
            try
            {
                Study study;
                try
                {
                    study = LoadStudy(r.GetValue(name), storage, chosen, Log);
                }
                catch (KeyNotFoundException e)
                {
                    throw new CliException(
                        $"{e.Message} The 'ask' command does not create studies (as in Optuna 4 and later): create it first with 'sharptune create-study'.", e);
                }

                var trial = study.Ask(space);
                var parameters = trial.Params;
                Log.Info($"Asked trial {trial.Number} with parameters {PyFormat.Repr(parameters)}.");
                var record = new Dictionary<Column, object?> { [Column.Plain("number")] = trial.Number };
                var columns = new List<Column> { Column.Plain("number") };
                if (parameters.Count == 0 && !r.GetValue(flatten))
                {
                    record[Column.Plain("params")] = new List<KeyValuePair<string, object?>>();
                    columns.Add(Column.Plain("params"));
                }
                else
                {
                    foreach (var (key, value) in parameters)
                    {
                        record[new Column("params", key)] = value;
                        columns.Add(new Column("params", key));
                    }
                }

                Print([record], columns, r.GetValue(format)!, r.GetValue(flatten), single: true);
                return 0;
            }
            finally
            {
                Dispose(storage);
            }
        });
        return command;
    }

    private static Dictionary<string, Distribution>? ParseSearchSpace(string? json)
    {
        if (json is null)
        {
            return null;
        }

        object? parsed;
        try
        {
            parsed = PyJson.Parse(json);
        }
        catch (FormatException e)
        {
            throw new CliException($"--search-space is not valid JSON: {e.Message}");
        }

        if (parsed is not IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            throw new CliException("--search-space must be a JSON object that maps parameter names to distributions, e.g. '{\"x\": {\"name\": \"FloatDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0}}}'.");
        }

        var space = new Dictionary<string, Distribution>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            try
            {
                space[key] = Distribution.FromJson(PyJson.Serialize(value));
            }
            catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or InvalidCastException)
            {
                throw new CliException($"--search-space: the distribution of '{key}' is not valid: {Describe(e)}", e);
            }
        }

        return space;
    }

    private Command TellCommand()
    {
        var name = new Option<string?>("--study-name") { Description = "Name of study." };
        var number = new Option<int?>("--trial-number") { Description = "Trial number.", Required = true };
        var values = new Option<string[]?>("--values")
        {
            Description = "Objective values.",
            AllowMultipleArgumentsPerToken = true,
            Arity = ArgumentArity.OneOrMore,
        };
        values.Validators.Add(v =>
        {
            foreach (var token in v.Tokens)
            {
                if (!TryParsePythonFloat(token.Value, out _))
                {
                    v.AddError($"argument --values: invalid float value: '{token.Value}'");
                }
            }
        });
        var state = new Option<string?>("--state") { Description = "Trial state: complete, pruned or fail." };
        state.AcceptOnlyFromAmong("complete", "pruned", "fail");
        var skip = new Option<bool>("--skip-if-finished") { Description = "Do nothing, without an error, when the trial is already finished." };
        var command = new Command("tell", "Finish a trial, which was created by the ask command.") { name, number, values, state, skip };
        SetAction(command, r =>
        {
            var storage = OpenStorage(r);
            try
            {
                var study = LoadStudy(r.GetValue(name), storage, log: Log);
                TrialState? trialState = r.GetValue(state) switch
                {
                    "complete" => TrialState.Complete,
                    "pruned" => TrialState.Pruned,
                    "fail" => TrialState.Fail,
                    _ => null,
                };
                var parsed = r.GetValue(values) is not { Length: > 0 } given ? null : given.Select(v => TryParsePythonFloat(v, out double d) ? d : double.NaN).ToList();
                int trialNumber = r.GetValue(number)!.Value;
                study.Tell(trialNumber, parsed, trialState, r.GetValue(skip));
                string stateText = trialState is { } s ? "TrialState." + s.ToOptunaName() : "None";
                Log.Info($"Told trial {trialNumber} with values {PyFormat.Repr(parsed)} and state {stateText}.");
                return 0;
            }
            finally
            {
                Dispose(storage);
            }
        });
        return command;
    }

    /// <summary>Parses a number as Python's <c>float()</c> does (<c>nan</c>, <c>inf</c>, <c>infinity</c> in any case, underscores between digits).</summary>
    internal static bool TryParsePythonFloat(string text, out double value)
    {
        string t = text.Trim();
        string lower = t.ToLowerInvariant();
        string unsigned = lower.TrimStart('+', '-');
        bool negative = lower.StartsWith('-');
        if (lower.Length - unsigned.Length <= 1)
        {
            if (unsigned is "nan")
            {
                value = double.NaN;
                return true;
            }

            if (unsigned is "inf" or "infinity")
            {
                value = negative ? double.NegativeInfinity : double.PositiveInfinity;
                return true;
            }
        }

        if (t.Length > 0 && t.All(c => char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-' or '_')
            && !t.StartsWith('_') && !t.EndsWith('_') && !t.Contains("__", StringComparison.Ordinal))
        {
            return double.TryParse(t.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }

        value = 0;
        return false;
    }

    /// <summary>Prints records in the chosen format (Optuna's <c>_format_output</c>, or a Spectre table).</summary>
    private void Print(List<Dictionary<Column, object?>> records, List<Column> columns, string format, bool flatten, bool single)
    {
        var (rows, header) = Records.ToRows(records, columns, flatten);
        var outputFormat = format switch
        {
            "json" => OutputFormat.Json,
            "yaml" => OutputFormat.Yaml,
            "value" => OutputFormat.Value,
            _ => OutputFormat.Table,
        };
        if (outputFormat == OutputFormat.Table)
        {
            _console.Value.Write(Tables.Build(rows, header));
            return;
        }

        _out.WriteLine(Records.Format(rows, header, outputFormat, single));
    }
}
