using System.CommandLine;
using System.Globalization;
using System.Text;
using Sharptune.Internal;
using Sharptune.Storages;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Sharptune.Cli;

/// <summary>Commands beyond Optuna's CLI: export, copy and watch.</summary>
internal sealed partial class CliApp
{
    private Command ExportCommand()
    {
        var name = RequiredStudyName("The name of the study to export.");
        var format = new Option<string>("--format", "-f")
        {
            Description = "csv (Optuna's trials_dataframe().to_csv(index=False)) or json (a list of records with the same columns).",
            DefaultValueFactory = _ => "csv",
        };
        format.AcceptOnlyFromAmong("csv", "json");
        var output = new Option<string?>("--output", "-o") { Description = "The file to write; standard output when absent." };
        var command = new Command("export", "Export the trials of a study with the columns of Optuna's trials_dataframe.") { name, format, output };
        SetAction(command, r =>
        {
            var storage = OpenStorage(r);
            try
            {
                var study = LoadStudy(r.GetValue(name), storage);
                var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
                if (r.GetValue(format) == "json")
                {
                    text.Write(TrialsJson(study));
                    text.Write('\n');
                }
                else
                {
                    study.ExportCsv(text);
                }

                if (r.GetValue(output) is { } path)
                {
                    File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
                    Log.Info($"Wrote {study.Trials.Count} trials to {path}.");
                }
                else
                {
                    _out.Write(text.ToString());
                }

                return 0;
            }
            finally
            {
                Dispose(storage);
            }
        });
        return command;
    }

    /// <summary>The trials as a JSON list of records whose keys are the CSV's header, values typed (text for dates and durations as in the CSV).</summary>
    internal static string TrialsJson(Study study)
    {
        var csv = new StringWriter(CultureInfo.InvariantCulture);
        study.ExportCsv(csv);
        var trials = study.Trials;
        if (trials.Count == 0)
        {
            return "[]";
        }

        // The CSV gives the columns and the date and duration texts; the typed values come from the trials.
        var lines = CsvRows(csv.ToString());
        var header = lines[0];
        var records = new List<List<KeyValuePair<string, object?>>>();
        for (int i = 0; i < trials.Count; i++)
        {
            var t = trials[i];
            var texts = lines[i + 1];
            var record = new List<KeyValuePair<string, object?>>();
            for (int c = 0; c < header.Count; c++)
            {
                string column = header[c];
                object? value = column switch
                {
                    "number" => t.Number,
                    "state" => t.State.ToOptunaName(),
                    "datetime_start" or "datetime_complete" or "duration" => texts[c].Length == 0 ? null : texts[c],
                    _ when column == "value" || column.StartsWith("value_", StringComparison.Ordinal) => t.Values?[0],
                    _ when column.StartsWith("values_", StringComparison.Ordinal) => t.Values?[ValueIndex(study, column)],
                    _ when column.StartsWith("params_", StringComparison.Ordinal) => Lookup(t.Params, column["params_".Length..]),
                    _ when column.StartsWith("user_attrs_", StringComparison.Ordinal) => Lookup(t.UserAttrs, column["user_attrs_".Length..]),
                    _ when column.StartsWith("system_attrs_", StringComparison.Ordinal) => Lookup(t.SystemAttrs, column["system_attrs_".Length..]),
                    _ => texts[c],
                };
                record.Add(new(column, value));
            }

            records.Add(record);
        }

        return PyJson.Serialize(records);
    }

    private static int ValueIndex(Study study, string column)
    {
        string key = column["values_".Length..];
        return study.MetricNames is { } names ? names.ToList().IndexOf(key) : int.Parse(key, CultureInfo.InvariantCulture);
    }

    private static object? Lookup(IReadOnlyDictionary<string, object?> values, string key) => values.TryGetValue(key, out object? v) ? v : null;

    /// <summary>Reads the CSV the Sdk writes (fields quoted when they hold commas, quotes or line breaks).</summary>
    private static List<List<string>> CsvRows(string csv)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < csv.Length; i++)
        {
            char c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                field.Append(c);
            }
        }

        return rows;
    }

    private Command CopyCommand()
    {
        var name = RequiredStudyName("The name of the study to copy.");
        var to = new Option<string>("--to-storage") { Description = "The destination storage URL, or the path of a journal file.", Required = true };
        var toClass = new Option<string?>("--to-storage-class") { Description = "Class hint of the destination storage (JournalFileBackend for a new journal file)." };
        toClass.AcceptOnlyFromAmong([.. StorageOpener.Classes, .. StorageOpener.DeprecatedClasses]);
        var toName = new Option<string?>("--to-study-name") { Description = "The name of the copy; the source name when absent." };
        var command = new Command("copy", "Copy a study, with its trials and attributes, to another storage.") { name, to, toClass, toName };
        SetAction(command, r =>
        {
            var from = OpenStorage(r);
            try
            {
                string toUrl = r.GetValue(to)!;
                _urls.Add(toUrl);
                var destination = StorageOpener.Open(toUrl, r.GetValue(toClass));
                try
                {
                    var copy = Study.Copy(r.GetValue(name)!, from, destination, r.GetValue(toName));
                    Log.Info($"Copied {copy.Trials.Count} trials of the study {r.GetValue(name)} to {UrlText.Redact(toUrl)}.");
                    _out.WriteLine(copy.StudyName);
                    return 0;
                }
                finally
                {
                    Dispose(destination);
                }
            }
            finally
            {
                Dispose(from);
            }
        });
        return command;
    }

    private Command WatchCommand()
    {
        var name = RequiredStudyName("The name of the study to watch.");
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes.", DefaultValueFactory = _ => 1.0 };
        interval.Validators.Add(v =>
        {
            if (!(v.GetValueOrDefault<double>() > 0))
            {
                v.AddError("--interval must be a positive number of seconds.");
            }
        });
        var count = new Option<int>("--count") { Description = "Stop after this many refreshes (0: until Ctrl+C).", DefaultValueFactory = _ => 0 };
        var command = new Command("watch", "Show a live view of a running study (trials/s, best value, running trials), refreshed in place.") { name, interval, count };
        SetAction(command, r =>
        {
            var storage = OpenStorage(r);
            using var stop = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                var study = LoadStudy(r.GetValue(name), storage);
                string where = UrlText.Redact(_urls[^1]);
                var period = TimeSpan.FromSeconds(r.GetValue(interval));
                int limit = r.GetValue(count);
                var view = new WatchView(study, where);
                _console.Value.Live(view.Render(DateTime.UtcNow)).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).Start(ctx =>
                {
                    for (int i = 1; limit == 0 || i < limit; i++)
                    {
                        if (stop.Token.WaitHandle.WaitOne(period))
                        {
                            break;
                        }

                        ctx.UpdateTarget(view.Render(DateTime.UtcNow));
                        ctx.Refresh();
                    }
                });
                return 0;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
                Dispose(storage);
            }
        });
        return command;
    }

    /// <summary>The renderable of <c>watch</c>: a summary, the running trials and the latest finished trials.</summary>
    internal sealed class WatchView(Study study, string storage)
    {
        private const int LatestShown = 10;

        /// <summary>Reads the study and draws it.</summary>
        /// <param name="nowUtc">The current time.</param>
        /// <returns>The renderable.</returns>
        public IRenderable Render(DateTime nowUtc)
        {
            var trials = study.Trials;
            int Count(TrialState s) => trials.Count(t => t.State == s);
            var finished = trials.Where(t => t.State.IsFinished() && t.DatetimeComplete is not null).ToList();
            double rate = Rate(finished, trials, nowUtc);
            bool multi = study.IsMultiObjective;

            var summary = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
            summary.AddRow(new Text("Study", Bold), new Text($"{study.StudyName}  ({string.Join(", ", study.Directions.Select(d => d.ToString().ToLowerInvariant()))})"));
            summary.AddRow(new Text("Storage", Bold), new Text(storage));
            summary.AddRow(new Text("Trials", Bold), new Markup(
                $"{trials.Count} total: [green]{Count(TrialState.Complete)} complete[/], [yellow]{Count(TrialState.Pruned)} pruned[/], [red]{Count(TrialState.Fail)} failed[/], [blue]{Count(TrialState.Running)} running[/], {Count(TrialState.Waiting)} waiting"));
            summary.AddRow(new Text("Rate", Bold), new Text(rate.ToString("0.00", CultureInfo.InvariantCulture) + " trials/s (last minute)"));
            if (multi)
            {
                var front = trials.Any(t => t.State == TrialState.Complete) ? study.BestTrials : [];
                summary.AddRow(new Text("Pareto front", Bold), new Text(front.Count == 0 ? "no complete trial yet" : $"{front.Count} trials: " + string.Join(", ", front.Take(8).Select(t => "#" + t.Number.ToString(CultureInfo.InvariantCulture))) + (front.Count > 8 ? ", …" : string.Empty)));
            }
            else if (trials.Any(t => t.State == TrialState.Complete))
            {
                var best = study.BestTrial;
                summary.AddRow(new Text("Best value", Bold), new Markup($"[green bold]{Markup.Escape(PyFormat.FloatRepr(best.Values![0]))}[/] (trial {best.Number})"));
                summary.AddRow(new Text("Best params", Bold), new Text(Params(best)));
            }
            else
            {
                summary.AddRow(new Text("Best value", Bold), new Text("no complete trial yet"));
            }

            var running = new Table().Border(TableBorder.Rounded).BorderColor(Color.Grey).Title("Running");
            running.AddColumn(new TableColumn("#").RightAligned()).AddColumn("started").AddColumn(new TableColumn("elapsed").RightAligned()).AddColumn("params");
            foreach (var t in trials.Where(t => t.State == TrialState.Running).Take(LatestShown))
            {
                running.AddRow(
                    new Text(t.Number.ToString(CultureInfo.InvariantCulture)),
                    new Text(t.DatetimeStart is { } s ? s.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture) : string.Empty),
                    new Text(t.DatetimeStart is { } s2 ? Elapsed(nowUtc - s2) : string.Empty),
                    new Text(Params(t)));
            }

            var latest = new Table().Border(TableBorder.Rounded).BorderColor(Color.Grey).Title("Latest finished");
            latest.AddColumn(new TableColumn("#").RightAligned()).AddColumn("state").AddColumn(new TableColumn(multi ? "values" : "value").RightAligned())
                .AddColumn(new TableColumn("duration").RightAligned()).AddColumn("params");
            foreach (var t in finished.OrderByDescending(t => t.DatetimeComplete).ThenByDescending(t => t.Number).Take(LatestShown))
            {
                string color = t.State switch { TrialState.Complete => "green", TrialState.Pruned => "yellow", _ => "red" };
                latest.AddRow(
                    new Text(t.Number.ToString(CultureInfo.InvariantCulture)),
                    new Markup($"[{color}]{t.State.ToOptunaName()}[/]"),
                    new Text(t.Values is { } v ? string.Join(", ", v.Select(PyFormat.FloatRepr)) : string.Empty),
                    new Text(t.Duration is { } d ? Elapsed(d) : string.Empty),
                    new Text(Params(t)));
            }

            return new Rows(
                new Panel(summary).Header($" sharptune watch · {DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} ").Border(BoxBorder.Rounded).BorderColor(Color.Grey),
                running,
                latest);
        }

        private static readonly Style Bold = new(decoration: Decoration.Bold);

        /// <summary>Finished trials per second over the last minute (or since the first trial started, when that is sooner).</summary>
        internal static double Rate(IReadOnlyList<FrozenTrial> finished, IReadOnlyList<FrozenTrial> trials, DateTime nowUtc)
        {
            var window = TimeSpan.FromMinutes(1);
            if (trials.Where(t => t.DatetimeStart is not null).Select(t => t.DatetimeStart!.Value).DefaultIfEmpty(nowUtc).Min() is var first && nowUtc - first < window)
            {
                window = nowUtc - first;
            }

            if (window <= TimeSpan.Zero)
            {
                return 0;
            }

            int recent = finished.Count(t => nowUtc - t.DatetimeComplete!.Value <= window);
            return recent / window.TotalSeconds;
        }

        private static string Params(FrozenTrial t) =>
            string.Join(", ", t.Params.Select(p => $"{p.Key}={(p.Value is double d ? d.ToString("G6", CultureInfo.InvariantCulture) : Convert.ToString(p.Value, CultureInfo.InvariantCulture))}"));

        private static string Elapsed(TimeSpan d) =>
            d.TotalHours >= 1 ? d.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : d.TotalMinutes >= 1 ? d.ToString(@"m\:ss", CultureInfo.InvariantCulture) : d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
    }
}
