using System.Text.Json;
using Sharptune.Cli.Tests.Support;

namespace Sharptune.Cli.Tests;

/// <summary>
/// The json, yaml and value outputs are byte-identical to Optuna 5's CLI (Fixtures/cli_outputs.json, written by
/// make_cli_fixtures.py on the studies of Fixtures/cli_study.journal), on the journal file itself and on copies of
/// those studies in SQLite and PostgreSQL.
/// </summary>
public sealed class OptunaOutputTests
{
    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Load().Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    private static List<(string[] Args, string Stdout)> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "cli_outputs.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => (c.GetProperty("args").EnumerateArray().Select(a => a.GetString()!).ToArray(), c.GetProperty("stdout").GetString()!))
            .ToList();
    }

    [Fact]
    public void FixturesCoverEveryFormatAndCommand()
    {
        var cases = Load();
        Assert.Equal(69, cases.Count);
        foreach (string command in new[] { "study-names", "studies", "trials", "best-trial", "best-trials", "ask" })
        {
            foreach (string format in new[] { "json", "yaml", "value" })
            {
                Assert.Contains(cases, c => c.Args[0] == command && c.Args.Contains(format));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void JournalFileMatchesOptuna(int index)
    {
        var (args, expected) = Load()[index];
        using var dir = new TempDir();
        string journal = dir.FixtureJournal();
        var result = Tool.Run([.. args, "--storage", journal]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expected, result.Out);
    }

    [Fact]
    public void SqliteMatchesOptuna()
    {
        using var dir = new TempDir();
        string url = "sqlite:///" + dir.File("copy.db");
        CopyFixtureStudies(dir, url);
        CompareAll(dir, url);
    }

    [Fact]
    public void PostgresMatchesOptuna()
    {
        using var dir = new TempDir();
        using var schema = new PostgresSchema();
        CopyFixtureStudies(dir, schema.Url);
        CompareAll(dir, schema.Url);
    }

    private static void CopyFixtureStudies(TempDir dir, string url)
    {
        string journal = dir.FixtureJournal("source.journal");
        foreach (string name in new[] { "single", "multi", "named metrics", "empty" })
        {
            var copied = Tool.Run("copy", "--storage", journal, "--study-name", name, "--to-storage", url);
            Assert.True(copied.ExitCode == 0, copied.ToString());
            Assert.Equal(name + "\n", copied.Out);
        }
    }

    private static void CompareAll(TempDir dir, string url)
    {
        foreach (var (args, expected) in Load())
        {
            if (args[0] == "ask")
            {
                // Each ask of the fixture starts from an empty study "empty".
                Assert.Equal(0, Tool.Run("delete-study", "--storage", url, "--study-name", "empty").ExitCode);
                Assert.Equal(0, Tool.Run("create-study", "--storage", url, "--study-name", "empty", "--direction", "maximize").ExitCode);
            }

            var result = Tool.Run([.. args, "--storage", url]);
            Assert.True(result.ExitCode == 0, string.Join(' ', args) + "\n" + result);
            Assert.True(expected == result.Out, $"{string.Join(' ', args)}\nexpected:\n{expected}\nactual:\n{result.Out}");
        }
    }
}
