using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Sharptune.Storages;
using Spectre.Console;

namespace Sharptune.Cli;

/// <summary>The <c>sharptune</c> command line: parses the arguments, runs a command, reports errors as one line.</summary>
internal sealed partial class CliApp
{
    /// <summary>Exit code of a command that failed.</summary>
    public const int ErrorExitCode = 1;

    /// <summary>Exit code of a command line that does not parse.</summary>
    public const int UsageExitCode = 2;

    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly Func<string, string?> _environment;
    private readonly Lazy<IAnsiConsole> _console;

    private readonly Option<string?> _storage = new("--storage")
    {
        Description = "Storage URL (sqlite:///example.db, postgresql://user:pass@host/db, redis://host:6379/0) or the path of a journal file. Also read from SHARPTUNE_STORAGE or OPTUNA_STORAGE.",
        Recursive = true,
    };

    private readonly Option<string?> _storageClass = new("--storage-class")
    {
        Description = "Storage class hint: RDBStorage, JournalFileBackend or JournalRedisBackend.",
        Recursive = true,
    };

    private readonly Option<bool> _verbose = new("--verbose", "-v") { Description = "Also print debug messages.", Recursive = true };
    private readonly Option<bool> _quiet = new("--quiet", "-q") { Description = "Print only warnings and errors.", Recursive = true };
    private readonly Option<string?> _logFile = new("--log-file") { Description = "Also write the log to this file.", Recursive = true };
    private readonly Option<bool> _debug = new("--debug") { Description = "Show the stack trace of an error.", Recursive = true };

    private readonly List<string> _urls = [];
    private CliLog? _log;

    /// <summary>Creates the application over the given streams.</summary>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="console">Creates the console <c>watch</c> and tables draw on, or <see langword="null"/> for one over <paramref name="stdout"/>.</param>
    public CliApp(TextWriter stdout, TextWriter stderr, Func<string, string?> environment, Func<IAnsiConsole>? console = null)
    {
        _out = stdout;
        _err = stderr;
        _environment = environment;
        _console = new Lazy<IAnsiConsole>(console ?? (() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) })));
        _storageClass.Validators.Add(r =>
        {
            string? value = r.GetValueOrDefault<string?>();
            if (value is not null && !StorageOpener.Classes.Contains(value) && !StorageOpener.DeprecatedClasses.Contains(value))
            {
                r.AddError($"Invalid choice: {value}  (choose from {string.Join(", ", StorageOpener.Classes.Select(c => $"'{c}'"))})");
            }
        });
    }

    private CliLog Log => _log ?? throw new InvalidOperationException("The log exists while a command runs.");

    /// <summary>Runs the command line of the process.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The exit code.</returns>
    public static int Main(string[] args)
    {
        var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false, NewLine = "\n" };
        var stderr = new StreamWriter(Console.OpenStandardError()) { AutoFlush = true, NewLine = "\n" };
        try
        {
            // Tables and the live view go to the terminal itself, so that Spectre.Console sees its width and colors.
            return new CliApp(stdout, stderr, Environment.GetEnvironmentVariable, () => AnsiConsole.Console).Run(args);
        }
        finally
        {
            stdout.Flush();
        }
    }

    /// <summary>Parses and runs a command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The exit code: 0, <see cref="ErrorExitCode"/> or <see cref="UsageExitCode"/>.</returns>
    public int Run(string[] args)
    {
        var root = BuildCommands();
        if (args.Length == 0)
        {
            args = ["--help"];
        }

        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            string command = result.CommandResult.Command == root ? "sharptune" : "sharptune " + CommandPath(result.CommandResult);
            // "Required command was not provided" is reported with any other error: the other one says more.
            var error = result.Errors.FirstOrDefault(e => !e.Message.StartsWith("Required command was not provided", StringComparison.Ordinal)) ?? result.Errors[0];
            string message = string.Join(' ', error.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            _err.WriteLine($"Error: {Mask(message)} (see '{command} --help')");
            return UsageExitCode;
        }

        return result.Invoke(new InvocationConfiguration { Output = _out, Error = _err, EnableDefaultExceptionHandler = false });
    }

    private static string CommandPath(CommandResult r)
    {
        var names = new List<string>();
        for (SymbolResult? s = r; s is CommandResult c && c.Parent is not null; s = c.Parent)
        {
            names.Insert(0, c.Command.Name);
        }

        return string.Join(' ', names);
    }

    private RootCommand BuildCommands()
    {
        var root = new RootCommand("Sharptune's command line: Optuna's CLI commands on Sharptune and Optuna storages (SQLite, PostgreSQL, journal files, Redis).")
        {
            _storage, _storageClass, _verbose, _quiet, _logFile, _debug,
        };
        root.Add(CreateStudyCommand());
        root.Add(DeleteStudyCommand());
        var study = new Command("study", "Study subcommands.");
        study.Add(SetUserAttrCommand());
        root.Add(study);
        root.Add(StudyNamesCommand());
        root.Add(StudiesCommand());
        root.Add(TrialsCommand());
        root.Add(BestTrialCommand());
        root.Add(BestTrialsCommand());
        var storage = new Command("storage", "Storage subcommands.");
        storage.Add(UpgradeCommand());
        root.Add(storage);
        root.Add(AskCommand());
        root.Add(TellCommand());
        root.Add(ExportCommand());
        root.Add(CopyCommand());
        root.Add(WatchCommand());
        root.Add(ImportanceCommand());
        root.Add(PlotCommand());
        root.Add(DashboardCommand());
        return root;
    }

    /// <summary>Runs a command's body with the log set up, turning every exception into a one-line message.</summary>
    private void SetAction(Command command, Func<ParseResult, int> body)
    {
        command.SetAction(parseResult =>
        {
            bool debug = parseResult.GetValue(_debug);
            TextWriter? logFile = null;
            try
            {
                if (parseResult.GetValue(_logFile) is { } path)
                {
                    logFile = new StreamWriter(path, append: true) { NewLine = "\n" };
                }

                var level = parseResult.GetValue(_quiet) ? LogLevel.Warning : parseResult.GetValue(_verbose) ? LogLevel.Debug : LogLevel.Information;
                _log = new CliLog(_err, level, logFile);
                return body(parseResult);
            }
            catch (Exception e)
            {
                _err.WriteLine($"Error: {Mask(Describe(e))}");
                if (debug)
                {
                    _err.WriteLine(Mask(e.ToString()));
                }

                return ErrorExitCode;
            }
            finally
            {
                _out.Flush();
                _log?.Dispose();
                _log = null;
            }
        });
    }

    /// <summary>The one-line message of an error.</summary>
    private static string Describe(Exception e)
    {
        if (e is AggregateException { InnerExceptions.Count: 1 } a)
        {
            e = a.InnerExceptions[0];
        }

        string message = e.Message;
        if (e is ArgumentException { ParamName: { } p })
        {
            // .NET appends " (Parameter 'x')" and, for an out-of-range argument, "Actual value was …" on a new line.
            int at = message.LastIndexOf($" (Parameter '{p}')", StringComparison.Ordinal);
            if (at >= 0)
            {
                message = message[..at];
            }
        }

        if (e is not (CliException or SharptuneException or ArgumentException or KeyNotFoundException or InvalidOperationException or IOException or FormatException))
        {
            message = $"{e.GetType().Name}: {message}";
        }

        return string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>Masks the passwords of the storage URLs in a text.</summary>
    private string Mask(string text)
    {
        foreach (string url in _urls)
        {
            string redacted = UrlText.Redact(url);
            if (redacted != url)
            {
                text = text.Replace(url, redacted, StringComparison.Ordinal);
                if (Password(url) is { Length: > 0 } password)
                {
                    text = text.Replace(password, "***", StringComparison.Ordinal);
                }
            }
        }

        return text;
    }

    private static string? Password(string url)
    {
        int schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return null;
        }

        int start = schemeEnd + 3;
        int end = url.IndexOfAny(['/', '?', '#'], start) is var e and >= 0 ? e : url.Length;
        int at = end > start ? url.LastIndexOf('@', end - 1, end - start) : -1;
        if (at < 0)
        {
            return null;
        }

        int colon = url.IndexOf(':', start, at - start);
        return colon < 0 ? url[start..at] : url[(colon + 1)..at];
    }

    /// <summary>Opens the storage the options name.</summary>
    private IStorage OpenStorage(ParseResult r)
    {
        string url = StorageOpener.ResolveUrl(r.GetValue(_storage), _environment);
        _urls.Add(url);
        return StorageOpener.Open(url, r.GetValue(_storageClass));
    }

    private static Option<string> FormatOption(string defaultValue)
    {
        var option = new Option<string>("--format", "-f")
        {
            Description = "Output format: table, json, yaml or value.",
            DefaultValueFactory = _ => defaultValue,
        };
        option.AcceptOnlyFromAmong("value", "json", "table", "yaml");
        return option;
    }

    private static Option<bool> FlattenOption(string what) =>
        new("--flatten") { Description = $"Flatten nested columns such as {what}." };

    private static Option<string> RequiredStudyName(string description) =>
        new("--study-name") { Description = description, Required = true };

    private static Study LoadStudy(string? name, IStorage storage, Samplers.ISampler? sampler = null, ILoggerFactory? log = null) =>
        Study.Load(name, storage, sampler, loggerFactory: log);

    private static void Dispose(IStorage storage) => (storage as IDisposable)?.Dispose();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
