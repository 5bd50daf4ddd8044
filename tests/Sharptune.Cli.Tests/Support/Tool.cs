using System.Diagnostics;
using System.Reflection;
using Npgsql;
using Spectre.Console;

namespace Sharptune.Cli.Tests.Support;

/// <summary>The result of one command line.</summary>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Err}";
}

/// <summary>Runs the CLI in this process (fast) or as a process (the built tool).</summary>
public static class Tool
{
    /// <summary>Runs a command line in this process with the given environment (nothing else is read from the real one).</summary>
    public static CliResult Run(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var app = new CliApp(stdout, stderr, name => environment is not null && environment.TryGetValue(name, out string? v) ? v : null,
            () =>
            {
                var console = AnsiConsole.Create(new AnsiConsoleSettings
                {
                    Out = new AnsiConsoleOutput(stdout),
                    Ansi = AnsiSupport.No,
                    ColorSystem = ColorSystemSupport.NoColors,
                    Interactive = InteractionSupport.No,
                });
                console.Profile.Width = 160;
                return console;
            });
        int code = app.Run(args);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    public static CliResult Run(params string[] args) => Run(null, args);

    public static string Metadata(string key) =>
        typeof(Tool).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    /// <summary>The apphost of the built tool.</summary>
    public static string Executable => Path.GetFullPath(Path.Combine(Metadata("CliDirectory"), "Sharptune.Cli"));

    /// <summary>
    /// The environment of a `dotnet` child process that packs, installs or restores: a package cache (and, with
    /// <paramref name="ownHome"/>, a CLI home) of its own under <paramref name="dir"/>, so that the packages just
    /// packed are the ones restored, and no first-run messages.
    /// </summary>
    public static Dictionary<string, string?> DotnetEnvironment(TempDir dir, bool ownHome = false)
    {
        var env = new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = dir.File("packages"),
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        };
        if (ownHome)
        {
            // The SDK caches where each local tool version lives (~/.dotnet/toolResolverCache).
            env["DOTNET_CLI_HOME"] = dir.File("home");
        }

        return env;
    }

    /// <summary>Runs a program and waits for it (120 s at most, or <paramref name="timeoutSeconds"/>).</summary>
    public static CliResult Process(string fileName, IEnumerable<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null, int timeoutSeconds = 120)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment.Remove("SHARPTUNE_STORAGE");
        info.Environment.Remove("OPTUNA_STORAGE");
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[k] = v;
        }

        using var p = System.Diagnostics.Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in {timeoutSeconds} s.");
        }

        return new CliResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    private const string BatchScript = """
        import contextlib, io, json, sys
        from optuna.cli import main
        results = []
        for argv in json.loads(sys.argv[1]):
            sys.argv = ["optuna"] + argv
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                try:
                    code = main()
                except SystemExit as e:
                    code = e.code
                except Exception as e:
                    code = repr(e)
            results.append({"code": code, "out": out.getvalue()})
        print(json.dumps(results))
        """;

    /// <summary>
    /// Runs commands of Debian's Optuna 3.1 CLI (python3-optuna) one after the other in one Python process (its
    /// <c>optuna.cli.main</c> with each argument list), to pay Python's start once; fails the test when it is missing.
    /// </summary>
    /// <returns>Each command's exit code (or exception) and standard output.</returns>
    public static List<(string Code, string Out)> Optuna31Batch(params string[][] commands)
    {
        const string Python = "/usr/bin/python3";
        Assert.True(File.Exists(Python), "/usr/bin/python3 is missing: install python3-optuna (.ci/setup)");
        var r = Process(Python, ["-c", BatchScript, System.Text.Json.JsonSerializer.Serialize(commands)],
            environment: new Dictionary<string, string?> { ["PYTHONPATH"] = null });
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(r.Out);
        return doc.RootElement.EnumerateArray()
            .Select(e => (e.GetProperty("code").ToString(), e.GetProperty("out").GetString()!))
            .ToList();
    }
}

/// <summary>A temporary directory, deleted on disposal.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sharptune-cli-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A copy of the fixture journal (four studies written by Optuna 5).</summary>
    public string FixtureJournal(string name = "study.journal")
    {
        string target = File(name);
        System.IO.File.Copy(System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "cli_study.journal"), target, overwrite: true);
        return target;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A PostgreSQL schema of its own (selected with the URL's options=-csearch_path=…), dropped on disposal. Fails when the server is missing.</summary>
public sealed class PostgresSchema : IDisposable
{
    public static readonly string BaseUrl =
        Environment.GetEnvironmentVariable("SHARPTUNE_POSTGRES_URL") ?? "postgresql://sharptune:sharptune@127.0.0.1:5432/sharptune_test";

    private readonly string _admin;

    public PostgresSchema()
    {
        Name = "cli_" + Guid.NewGuid().ToString("N")[..16];
        _admin = Sharptune.Storages.Postgres.PostgresUrl.ToConnectionString(BaseUrl);
        Execute($"CREATE SCHEMA {Name}");
        Url = BaseUrl + (BaseUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "options=-csearch_path%3D" + Name;
    }

    public string Name { get; }

    public string Url { get; }

    public object? Scalar(string sql)
    {
        using var c = new NpgsqlConnection(_admin);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    public void Execute(string sql) => Scalar(sql);

    public void Dispose()
    {
        try
        {
            NpgsqlConnection.ClearAllPools();
            Execute($"DROP SCHEMA IF EXISTS {Name} CASCADE");
        }
        catch (NpgsqlException)
        {
        }
    }
}
