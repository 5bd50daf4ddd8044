using System.Text.Json;
using Sharptune.Cli.Tests.Support;

namespace Sharptune.Cli.Tests;

/// <summary>The built tool as a process: a bash ask/tell loop, interop with Debian's Optuna 3.1 CLI, schema upgrade.</summary>
public sealed class ProcessTests
{
    [Fact]
    public void BashAskTellLoop()
    {
        using var dir = new TempDir();
        string script = """
            set -euo pipefail
            export SHARPTUNE_STORAGE=sqlite:///loop.db
            st='@EXE@'
            "$st" create-study --study-name quad --direction minimize
            space='{"x": {"name": "FloatDistribution", "attributes": {"low": -10.0, "high": 10.0, "log": false, "step": null}}}'
            for i in $(seq 1 5); do
              read -r n x < <("$st" ask --study-name quad --search-space "$space" --sampler TPESampler --sampler-kwargs '{"seed": 3}' -f value --flatten 2>/dev/null)
              y=$(python3 -c "print(($x - 2) ** 2)")
              "$st" tell --study-name quad --trial-number "$n" --values "$y" 2>/dev/null
            done
            "$st" trials --study-name quad -f value | wc -l
            "$st" best-trial --study-name quad -f json
            """.Replace("@EXE@", Tool.Executable, StringComparison.Ordinal);
        var r = Tool.Process("/bin/bash", ["-c", script], dir.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        string[] lines = r.Out.TrimEnd('\n').Split('\n');
        Assert.Equal("quad", lines[0]);
        Assert.Equal("5", lines[1].Trim());
        using var best = JsonDocument.Parse(lines[2]);
        Assert.Equal("COMPLETE", best.RootElement.GetProperty("state").GetString());
        double x = best.RootElement.GetProperty("params").GetProperty("x").GetDouble();
        Assert.Equal((x - 2) * (x - 2), best.RootElement.GetProperty("value").GetDouble(), 9);
    }

    public static TheoryData<string> RdbKinds => new() { "sqlite", "postgres" };

    [Theory]
    [MemberData(nameof(RdbKinds))]
    public void OptunaCliUsesSharptuneStudiesAndTheReverse(string kind)
    {
        using var s = new StorageCase(kind);
        string space = """{"x": {"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0, "log": false, "step": null}}}""";

        // Optuna 3.1 sets the database up (its schema revision, v3.0.0.d, which Sharptune uses as it is), creates,
        // asks and tells a study; sharptune then continues it.
        string[] storage = ["--storage", s.Url];
        var first = Tool.Optuna31Batch(
            ["create-study", .. storage, "--study-name", "from-optuna", "--directions", "minimize", "maximize"],
            ["ask", .. storage, "--study-name", "from-optuna", "--search-space", space],
            ["tell", .. storage, "--study-name", "from-optuna", "--trial-number", "0", "--values", "1", "2"],
            ["study", "set-user-attr", .. storage, "--study-name", "from-optuna", "-k", "by", "--value", "optuna"]);
        Assert.All(first, r => Assert.Equal("0", r.Code));
        Assert.Equal("from-optuna\n", first[0].Out);
        s.Ok("ask", "--study-name", "from-optuna", "--search-space", space);
        s.Ok("tell", "--study-name", "from-optuna", "--trial-number", "1", "--values", "0.5", "3");
        using (var t = JsonDocument.Parse(s.Ok("best-trials", "--study-name", "from-optuna", "-f", "json")))
        {
            Assert.Equal([1], t.RootElement.EnumerateArray().Select(e => e.GetProperty("number").GetInt32()));
        }

        // Created by sharptune, asked and told by Optuna 3.1, then by sharptune, then read by Optuna 3.1.
        s.Ok("create-study", "--study-name", "from-sharptune", "--direction", "maximize");
        var second = Tool.Optuna31Batch(
            ["ask", .. storage, "--study-name", "from-sharptune", "--search-space", space],
            ["tell", .. storage, "--study-name", "from-sharptune", "--trial-number", "0", "--values", "0.25"]);
        Assert.All(second, r => Assert.Equal("0", r.Code));
        using (var a = JsonDocument.Parse(second[0].Out))
        {
            Assert.Equal(0, a.RootElement.GetProperty("number").GetInt32());
        }

        using (var a = JsonDocument.Parse(s.Ok("ask", "--study-name", "from-sharptune", "--search-space", space)))
        {
            Assert.Equal(1, a.RootElement.GetProperty("number").GetInt32());
        }

        s.Ok("tell", "--study-name", "from-sharptune", "--trial-number", "1", "--values", "0.75");
        s.Ok("delete-study", "--study-name", "from-optuna");
        var third = Tool.Optuna31Batch(
            ["trials", .. storage, "--study-name", "from-sharptune", "-f", "json"],
            ["best-trial", .. storage, "--study-name", "from-sharptune", "-f", "json"],
            ["studies", .. storage, "-f", "json"]);
        Assert.All(third, r => Assert.Equal("0", r.Code));
        using (var t = JsonDocument.Parse(third[0].Out))
        {
            Assert.Equal([0.25, 0.75], t.RootElement.EnumerateArray().Select(e => e.GetProperty("value").GetDouble()));
        }

        Assert.Contains("\"number\": 1", third[1].Out, StringComparison.Ordinal);
        using (var studies = JsonDocument.Parse(third[2].Out))
        {
            Assert.Equal(["from-sharptune"], studies.RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString()));
        }

        Assert.Equal("from-sharptune\n", s.Ok("study-names"));
    }

    [Fact]
    public void StorageUpgradeOfAnOptuna31SqliteDatabase()
    {
        using var dir = new TempDir();
        string url = "sqlite:///" + dir.File("old.db");
        Assert.Equal("0", Tool.Optuna31Batch(["create-study", "--storage", url, "--study-name", "old"])[0].Code);
        var up = Tool.Process(Tool.Executable, ["storage", "upgrade", "--storage", url]);
        Assert.True(up.ExitCode == 0, up.ToString());
        Assert.Contains("Upgrading the storage schema to the latest version.", up.Err, StringComparison.Ordinal);
        Assert.Contains("Completed to upgrade the storage.", up.Err, StringComparison.Ordinal);
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + dir.File("old.db")))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT version_num FROM alembic_version";
            Assert.Equal("v3.2.0.a", cmd.ExecuteScalar());
            cmd.CommandText = "SELECT sql FROM sqlite_master WHERE name = 'trials_study_id_key'";
            Assert.Equal("CREATE INDEX trials_study_id_key ON trials (study_id)", cmd.ExecuteScalar());
        }

        var again = Tool.Run("storage", "upgrade", "--storage", url);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("This storage is up-to-date.", again.Err, StringComparison.Ordinal);
        Assert.Equal("old\n", Tool.Run("study-names", "--storage", url).Out);

        var journal = Tool.Run("storage", "upgrade", "--storage", "redis://localhost:6379/0");
        Assert.Equal(1, journal.ExitCode);
        Assert.StartsWith("Error: Invalid RDBStorage URL: ", journal.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void StorageUpgradeOnPostgres()
    {
        using var schema = new PostgresSchema();
        Assert.Equal(0, Tool.Run("create-study", "--storage", schema.Url, "--study-name", "pg").ExitCode);
        // Back to Optuna 3.1's revision: the same tables without the index on trials.study_id.
        schema.Execute($"DROP INDEX {schema.Name}.ix_trials_study_id; UPDATE {schema.Name}.alembic_version SET version_num = 'v3.0.0.d'");
        var up = Tool.Run("storage", "upgrade", "--storage", schema.Url);
        Assert.True(up.ExitCode == 0, up.ToString());
        Assert.Contains("Completed to upgrade the storage.", up.Err, StringComparison.Ordinal);
        Assert.Equal("v3.2.0.a", schema.Scalar($"SELECT version_num FROM {schema.Name}.alembic_version"));
        Assert.Equal(1L, schema.Scalar($"SELECT count(*) FROM pg_indexes WHERE schemaname = '{schema.Name}' AND indexname = 'trials_study_id_key'"));
        Assert.Contains("This storage is up-to-date.", Tool.Run("storage", "upgrade", "--storage", schema.Url).Err, StringComparison.Ordinal);

        schema.Execute($"UPDATE {schema.Name}.alembic_version SET version_num = 'v2.6.0.a'");
        var old = Tool.Run("storage", "upgrade", "--storage", schema.Url);
        Assert.Equal(1, old.ExitCode);
        Assert.Contains("uses the schema revision v2.6.0.a (Optuna before 3.0)", old.Err, StringComparison.Ordinal);
    }
}
