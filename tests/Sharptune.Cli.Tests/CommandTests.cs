using System.Text.Json;
using Sharptune.Cli.Tests.Support;

namespace Sharptune.Cli.Tests;

/// <summary>Every command on SQLite, a journal file and PostgreSQL.</summary>
public sealed class CommandTests
{
    private const string Space = """{"x": {"name": "FloatDistribution", "attributes": {"low": -10.0, "high": 10.0, "log": false, "step": null}}, "n": {"name": "IntDistribution", "attributes": {"low": 1, "high": 4, "log": false, "step": 1}}}""";

    [Theory]
    [MemberData(nameof(StorageCase.All), MemberType = typeof(StorageCase))]
    public void CreateListSetAttrDelete(string kind)
    {
        using var s = new StorageCase(kind);
        Assert.Equal("a\n", s.Ok("create-study", "--study-name", "a"));
        Assert.Equal("b\n", s.Ok("create-study", "--study-name", "b", "--directions", "minimize", "maximize"));
        Assert.Equal("a\n", s.Ok("create-study", "--study-name", "a", "--skip-if-exists"));
        string generated = s.Ok("create-study").TrimEnd('\n');
        Assert.StartsWith("no-name-", generated, StringComparison.Ordinal);

        var duplicate = s.Run("create-study", "--study-name", "a");
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Matches("^Error: .*a.*\n$", duplicate.Err);

        var conflict = s.Run("create-study", "--study-name", "c", "--direction", "minimize", "--directions", "maximize");
        Assert.Equal(1, conflict.ExitCode);
        Assert.Equal("Error: Specify only one of StudyOptions.Direction and StudyOptions.Directions.\n", conflict.Err);

        Assert.Equal($"a\nb\n{generated}\n", s.Ok("study-names"));
        Assert.Equal("[{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": \"" + generated + "\"}]\n", s.Ok("study-names", "-f", "json"));

        var set = s.Run("study", "set-user-attr", "--study-name", "a", "-k", "owner", "--value", "me");
        Assert.Equal(0, set.ExitCode);
        Assert.Contains("Attribute successfully written.", set.Err, StringComparison.Ordinal);
        using var studies = JsonDocument.Parse(s.Ok("studies", "-f", "json"));
        var a = studies.RootElement[0];
        Assert.Equal("a", a.GetProperty("name").GetString());
        Assert.Equal("MINIMIZE", a.GetProperty("direction")[0].GetString());
        Assert.Equal("me", a.GetProperty("user_attrs").GetProperty("owner").GetString());
        Assert.Equal(["MINIMIZE", "MAXIMIZE"], studies.RootElement[1].GetProperty("direction").EnumerateArray().Select(e => e.GetString()));

        Assert.Equal(string.Empty, s.Ok("delete-study", "--study-name", generated));
        Assert.Equal("a\nb\n", s.Ok("study-names"));
        var missing = s.Run("delete-study", "--study-name", "nope");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("Error: No such study nope.\n", missing.Err);
    }

    [Theory]
    [MemberData(nameof(StorageCase.All), MemberType = typeof(StorageCase))]
    public void AskTellLoopAndListings(string kind)
    {
        using var s = new StorageCase(kind);
        s.Ok("create-study", "--study-name", "loop");
        for (int i = 0; i < 4; i++)
        {
            using var asked = JsonDocument.Parse(s.Ok("ask", "--study-name", "loop", "--search-space", Space, "--sampler", "RandomSampler", "--sampler-kwargs", "{\"seed\": " + i + "}"));
            int number = asked.RootElement.GetProperty("number").GetInt32();
            Assert.Equal(i, number);
            double x = asked.RootElement.GetProperty("params").GetProperty("x").GetDouble();
            long n = asked.RootElement.GetProperty("params").GetProperty("n").GetInt64();
            Assert.InRange(x, -10, 10);
            Assert.InRange(n, 1, 4);
            string[] tell = i switch
            {
                2 => ["--state", "pruned"],
                3 => ["--state", "fail"],
                _ => ["--values", (x * x + n).ToString("R", System.Globalization.CultureInfo.InvariantCulture)],
            };
            var told = s.Run(["tell", "--study-name", "loop", "--trial-number", number.ToString(System.Globalization.CultureInfo.InvariantCulture), .. tell]);
            Assert.True(told.ExitCode == 0, told.ToString());
            Assert.Contains($"Told trial {number} with values", told.Err, StringComparison.Ordinal);
        }

        // Telling a finished trial again: an error, unless --skip-if-finished.
        var again = s.Run("tell", "--study-name", "loop", "--trial-number", "0", "--values", "1");
        Assert.Equal(1, again.ExitCode);
        Assert.Equal("Error: Cannot tell a trial in state TrialState.Complete.\n", again.Err);
        Assert.Equal(0, s.Run("tell", "--study-name", "loop", "--trial-number", "0", "--values", "1", "--skip-if-finished").ExitCode);
        var notCreated = s.Run("tell", "--study-name", "loop", "--trial-number", "99", "--values", "1");
        Assert.Equal("Error: Cannot tell for trial with number 99 since it has not been created.\n", notCreated.Err);

        using var trials = JsonDocument.Parse(s.Ok("trials", "--study-name", "loop", "-f", "json"));
        Assert.Equal(["COMPLETE", "COMPLETE", "PRUNED", "FAIL"], trials.RootElement.EnumerateArray().Select(t => t.GetProperty("state").GetString()));
        using var best = JsonDocument.Parse(s.Ok("best-trial", "--study-name", "loop", "-f", "json", "--flatten"));
        double v0 = trials.RootElement[0].GetProperty("value").GetDouble(), v1 = trials.RootElement[1].GetProperty("value").GetDouble();
        Assert.Equal(v0 <= v1 ? 0 : 1, best.RootElement.GetProperty("number").GetInt32());
        Assert.True(best.RootElement.TryGetProperty("params_x", out _));
        string values = s.Ok("best-trials", "--study-name", "loop", "-f", "value");
        Assert.Single(values.TrimEnd('\n').Split('\n'));

        // The table: a Spectre.Console table with the trial columns.
        string table = s.Ok("trials", "--study-name", "loop");
        Assert.Contains("│ number │", table, StringComparison.Ordinal);
        Assert.Contains("PRUNED", table, StringComparison.Ordinal);
        Assert.StartsWith("╭", table, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StorageCase.All), MemberType = typeof(StorageCase))]
    public void SeededSamplersRepeatAndMultiObjectiveTellTakesAllValues(string kind)
    {
        using var s = new StorageCase(kind);
        s.Ok("create-study", "--study-name", "a");
        s.Ok("create-study", "--study-name", "b");
        s.Ok("create-study", "--study-name", "m", "--directions", "minimize", "minimize");
        foreach (string sampler in new[] { "TPESampler", "QMCSampler", "CmaEsSampler" })
        {
            string kwargs = sampler == "QMCSampler" ? "{\"seed\": 7, \"scramble\": true}" : "{\"seed\": 7}";
            string x = s.Ok("ask", "--study-name", "a", "--search-space", Space, "--sampler", sampler, "--sampler-kwargs", kwargs, "-f", "value", "--flatten");
            string y = s.Ok("ask", "--study-name", "b", "--search-space", Space, "--sampler", sampler, "--sampler-kwargs", kwargs, "-f", "value", "--flatten");
            Assert.Equal(x, y);
        }

        string asked = s.Ok("ask", "--study-name", "m", "--search-space", Space, "-f", "yaml");
        Assert.StartsWith("number: 0\nparams:\n  n: ", asked, StringComparison.Ordinal);
        s.Ok("tell", "--study-name", "m", "--trial-number", "0", "--values", "1.5", "-2");
        using var trials = JsonDocument.Parse(s.Ok("best-trials", "--study-name", "m", "-f", "json"));
        Assert.Equal([1.5, -2.0], trials.RootElement[0].GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        var one = s.Run("tell", "--study-name", "m", "--trial-number", "0", "--values", "1");
        Assert.Equal(1, one.ExitCode);
    }

    [Theory]
    [MemberData(nameof(StorageCase.All), MemberType = typeof(StorageCase))]
    public void ExportCsvAndJson(string kind)
    {
        using var s = new StorageCase(kind);
        s.Ok("create-study", "--study-name", "e");
        for (int i = 0; i < 3; i++)
        {
            s.Ok("ask", "--study-name", "e", "--search-space", Space);
            s.Ok("tell", "--study-name", "e", "--trial-number", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "--values", (i + 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        string csv = s.Ok("export", "--study-name", "e");
        string[] lines = csv.TrimEnd('\n').Split('\n');
        Assert.Equal("number,value,datetime_start,datetime_complete,duration,params_n,params_x,state", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("1,1.5,", lines[2], StringComparison.Ordinal);

        string file = s.Dir.File("e.json");
        Assert.Equal(string.Empty, s.Ok("export", "--study-name", "e", "--format", "json", "-o", file));
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        var first = json.RootElement[0];
        Assert.Equal(lines[0].Split(','), first.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.5, first.GetProperty("value").GetDouble());
        Assert.Equal(lines[1].Split(',')[2], first.GetProperty("datetime_start").GetString());
        Assert.Equal(JsonValueKind.Number, first.GetProperty("params_n").ValueKind);
        Assert.Equal("COMPLETE", first.GetProperty("state").GetString());
    }

    [Theory]
    [MemberData(nameof(StorageCase.All), MemberType = typeof(StorageCase))]
    public void CopyToEveryOtherStorage(string kind)
    {
        using var s = new StorageCase(kind);
        s.Ok("create-study", "--study-name", "src", "--direction", "maximize");
        s.Ok("study", "set-user-attr", "--study-name", "src", "-k", "k", "--value", "v");
        for (int i = 0; i < 3; i++)
        {
            s.Ok("ask", "--study-name", "src", "--search-space", Space);
            s.Ok("tell", "--study-name", "src", "--trial-number", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "--values", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        string expected = s.Ok("trials", "--study-name", "src", "-f", "json");
        foreach (string other in new[] { "sqlite", "journal", "postgres" })
        {
            using var target = new StorageCase(other);
            Assert.Equal("dst\n", s.Ok("copy", "--study-name", "src", "--to-storage", target.Url, "--to-study-name", "dst"));
            Assert.Equal(expected, target.Ok("trials", "--study-name", "dst", "-f", "json"));
            Assert.Contains("\"user_attrs\": {\"k\": \"v\"}", target.Ok("studies", "-f", "json"), StringComparison.Ordinal);
            Assert.Equal("2", target.Ok("best-trial", "--study-name", "dst", "-f", "value").Split(' ')[0]);
        }

        using var dir = new TempDir();
        string fresh = dir.File("new.journal");
        var copied = Tool.Run("copy", "--storage", s.Url, "--study-name", "src", "--to-storage", fresh, "--to-storage-class", "JournalFileBackend");
        Assert.Equal(0, copied.ExitCode);
        Assert.Equal(expected, Tool.Run("trials", "--storage", fresh, "--study-name", "src", "-f", "json").Out);
    }

    [Theory]
    [MemberData(nameof(StorageCase.All), MemberType = typeof(StorageCase))]
    public void WatchDrawsTheStudyAndStops(string kind)
    {
        using var s = new StorageCase(kind);
        s.Ok("create-study", "--study-name", "w");
        for (int i = 0; i < 3; i++)
        {
            s.Ok("ask", "--study-name", "w", "--search-space", Space);
        }

        s.Ok("tell", "--study-name", "w", "--trial-number", "0", "--values", "2.5");
        s.Ok("tell", "--study-name", "w", "--trial-number", "1", "--state", "pruned");
        string view = s.Ok("watch", "--study-name", "w", "--interval", "0.05", "--count", "2");
        Assert.Contains("sharptune watch", view, StringComparison.Ordinal);
        Assert.Contains("3 total: 1 complete, 1 pruned, 0 failed, 1 running, 0 waiting", view, StringComparison.Ordinal);
        Assert.Contains("2.5 (trial 0)", view, StringComparison.Ordinal);
        Assert.Contains("trials/s", view, StringComparison.Ordinal);
        Assert.Contains("Running", view, StringComparison.Ordinal);
        Assert.Contains("PRUNED", view, StringComparison.Ordinal);
    }
}
