using Sharptune.Cli.Tests.Support;

namespace Sharptune.Cli.Tests;

/// <summary>Each error path: one line on standard error, a non-zero exit code, no stack trace unless --debug, passwords masked.</summary>
public sealed class ErrorTests
{
    private static void AssertOneLine(CliResult r, int exitCode, string message)
    {
        Assert.True(r.ExitCode == exitCode, r.ToString());
        Assert.Equal(string.Empty, r.Out);
        Assert.Equal($"Error: {message}\n", r.Err);
    }

    [Fact]
    public void MissingStorage() =>
        AssertOneLine(Tool.Run("study-names"), 1, "Storage URL is not specified. Use --storage, or set SHARPTUNE_STORAGE (or OPTUNA_STORAGE).");

    [Fact]
    public void EnvironmentVariablesNameTheStorageSharptuneFirst()
    {
        using var dir = new TempDir();
        string a = "sqlite:///" + dir.File("a.db"), b = "sqlite:///" + dir.File("b.db");
        Assert.Equal(0, Tool.Run("create-study", "--storage", a, "--study-name", "in-a").ExitCode);
        Assert.Equal(0, Tool.Run("create-study", "--storage", b, "--study-name", "in-b").ExitCode);
        Assert.Equal("in-b\n", Tool.Run(new Dictionary<string, string> { ["OPTUNA_STORAGE"] = b }, "study-names").Out);
        Assert.Equal("in-a\n", Tool.Run(new Dictionary<string, string> { ["OPTUNA_STORAGE"] = b, ["SHARPTUNE_STORAGE"] = a }, "study-names").Out);
        Assert.Equal("in-b\n", Tool.Run(new Dictionary<string, string> { ["SHARPTUNE_STORAGE"] = a }, "study-names", "--storage", b).Out);
    }

    [Fact]
    public void UnknownStudy()
    {
        using var dir = new TempDir();
        string journal = dir.FixtureJournal();
        AssertOneLine(Tool.Run("trials", "--storage", journal, "--study-name", "nope"), 1, "No such study nope.");
        AssertOneLine(Tool.Run("ask", "--storage", journal, "--study-name", "nope"), 1,
            "No such study nope. The 'ask' command does not create studies (as in Optuna 4 and later): create it first with 'sharptune create-study'.");
        AssertOneLine(Tool.Run("best-trial", "--storage", journal, "--study-name", "empty"), 1, "No trials are completed yet.");
        AssertOneLine(Tool.Run("best-trial", "--storage", journal, "--study-name", "multi"), 1,
            "A single best trial cannot be retrieved from a multi-objective study. Consider using Study.BestTrials to retrieve a list containing the best trials.");
    }

    [Fact]
    public void BadSearchSpaceAndSampler()
    {
        using var dir = new TempDir();
        string journal = dir.FixtureJournal();
        string[] ask = ["ask", "--storage", journal, "--study-name", "empty"];
        AssertOneLine(Tool.Run([.. ask, "--search-space", "{\"x\": "]), 1, "--search-space is not valid JSON: Expecting value: line 1 column 7 (char 6).");
        AssertOneLine(Tool.Run([.. ask, "--search-space", "[1]"]), 1,
            "--search-space must be a JSON object that maps parameter names to distributions, e.g. '{\"x\": {\"name\": \"FloatDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0}}}'.");
        var badDistribution = Tool.Run([.. ask, "--search-space", "{\"x\": {\"name\": \"FloatDistribution\", \"attributes\": {\"low\": 2.0, \"high\": 1.0}}}"]);
        Assert.Equal(1, badDistribution.ExitCode);
        Assert.StartsWith("Error: --search-space: the distribution of 'x' is not valid: ", badDistribution.Err, StringComparison.Ordinal);
        Assert.Single(badDistribution.Err.TrimEnd('\n').Split('\n'));
        AssertOneLine(Tool.Run([.. ask, "--sampler-kwargs", "{}"]), 1,
            "`--sampler_kwargs` is set without `--sampler`. Please specify `--sampler` as well or omit `--sampler-kwargs`.");
        AssertOneLine(Tool.Run([.. ask, "--sampler", "FooSampler"]), 1,
            "Unknown sampler 'FooSampler'. Choose one of RandomSampler, TPESampler, CmaEsSampler, NSGAIISampler, NSGAIIISampler, QMCSampler, GPSampler, BruteForceSampler.");
        AssertOneLine(Tool.Run([.. ask, "--sampler", "TPESampler", "--sampler-kwargs", "{\"sed\": 1}"]), 1,
            "TPESampler.__init__() got an unexpected keyword argument 'sed'");
        AssertOneLine(Tool.Run([.. ask, "--sampler", "RandomSampler", "--sampler-kwargs", "{\"seed\": \"x\"}"]), 1,
            "RandomSampler: the keyword argument 'seed' must be an integer, got 'x'.");
        AssertOneLine(Tool.Run([.. ask, "--sampler", "TPESampler", "--sampler-kwargs", "{\"n_refine_candidates\": -1}"]), 1,
            "nRefineCandidates must be a non-negative integer.");
    }

    [Fact]
    public void BadStateAndValuesAreUsageErrors()
    {
        using var dir = new TempDir();
        string journal = dir.FixtureJournal();
        var state = Tool.Run("tell", "--storage", journal, "--study-name", "single", "--trial-number", "5", "--state", "done");
        Assert.Equal(2, state.ExitCode);
        Assert.StartsWith("Error: Argument 'done' not recognized. Must be one of:", state.Err, StringComparison.Ordinal);
        Assert.EndsWith("(see 'sharptune tell --help')\n", state.Err, StringComparison.Ordinal);
        Assert.Single(state.Err.TrimEnd('\n').Split('\n'));
        AssertOneLine(Tool.Run("tell", "--storage", journal, "--study-name", "single", "--trial-number", "5", "--values", "abc"), 2,
            "argument --values: invalid float value: 'abc' (see 'sharptune tell --help')");
        AssertOneLine(Tool.Run("tell", "--storage", journal, "--study-name", "single", "--trial-number", "5", "--state", "complete"), 1,
            "No values were told. Values are required when state is TrialState.Complete.");
        AssertOneLine(Tool.Run("tell", "--storage", journal, "--study-name", "single", "--trial-number", "5", "--state", "pruned", "--values", "1"), 1,
            "Values were told. Values cannot be specified when state is TrialState.Pruned or TrialState.Fail.");
        AssertOneLine(Tool.Run("trials", "--storage", journal, "-f", "xml", "--study-name", "single"), 2,
            "Argument 'xml' not recognized. Must be one of:\n\t'value'\n\t'json'\n\t'table'\n\t'yaml' (see 'sharptune trials --help')".Replace("\n\t", " ", StringComparison.Ordinal));
        AssertOneLine(Tool.Run("frobnicate"), 2, "Unrecognized command or argument 'frobnicate'. (see 'sharptune --help')");
        AssertOneLine(Tool.Run("study-names", "--storage", journal, "--storage-class", "Foo"), 2,
            "Invalid choice: Foo  (choose from 'RDBStorage', 'JournalFileBackend', 'JournalRedisBackend') (see 'sharptune study-names --help')");
    }

    [Fact]
    public void StorageThatCannotBeGuessed()
    {
        AssertOneLine(Tool.Run("study-names", "--storage", "/nonexistent/dir/file.log"), 1,
            "Failed to guess storage class from storage_url '/nonexistent/dir/file.log': it is neither a database URL (sqlite:///file.db, postgresql://…, redis://…) nor an existing journal file. A new journal file needs --storage-class JournalFileBackend.");
        AssertOneLine(Tool.Run("study-names", "--storage", "mysql://u:secret@db/x"), 1,
            "The storage URL 'mysql://u:***@db/x' names MySQL, which Sharptune does not support. Use sqlite:/// or postgresql:// (package Sharptune.Storage.Postgres), or a JournalStorage.");
    }

    [Fact]
    public void PasswordsAreMaskedAndStackTracesNeedDebug()
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(Sharptune.Storages.Postgres.PostgresUrl.ToConnectionString(PostgresSchema.BaseUrl));
        string url = $"postgresql://{builder.Username}:Wr0ngPassw0rd@{builder.Host}:{builder.Port}/{builder.Database}";
        var r = Tool.Run("study-names", "--storage", url);
        Assert.Equal(1, r.ExitCode);
        Assert.DoesNotContain("Wr0ngPassw0rd", r.Err, StringComparison.Ordinal);
        Assert.StartsWith("Error: ", r.Err, StringComparison.Ordinal);
        Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);

        var debug = Tool.Run("study-names", "--storage", url, "--debug");
        Assert.Equal(1, debug.ExitCode);
        Assert.Contains("   at ", debug.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("Wr0ngPassw0rd", debug.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void ParsesValuesAsPythonFloat()
    {
        Assert.True(CliApp.TryParsePythonFloat("1_000.5", out double a));
        Assert.Equal(1000.5, a);
        Assert.True(CliApp.TryParsePythonFloat("-Infinity", out double b));
        Assert.Equal(double.NegativeInfinity, b);
        Assert.True(CliApp.TryParsePythonFloat("nan", out double c));
        Assert.True(double.IsNaN(c));
        Assert.True(CliApp.TryParsePythonFloat(" 1e-3 ", out double d));
        Assert.Equal(1e-3, d);
        Assert.False(CliApp.TryParsePythonFloat("1,5", out _));
        Assert.False(CliApp.TryParsePythonFloat("_1", out _));
        Assert.False(CliApp.TryParsePythonFloat("--1", out _));
    }
}
