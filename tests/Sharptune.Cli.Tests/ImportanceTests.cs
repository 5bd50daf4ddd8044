using System.Text.Json;
using Sharptune.Cli.Tests.Support;
using Sharptune.Importance;

namespace Sharptune.Cli.Tests;

/// <summary>The importance command prints Importance.Get's result in every format, on every storage.</summary>
public sealed class ImportanceTests
{
    private const string Space = """{"x": {"name": "FloatDistribution", "attributes": {"low": -10.0, "high": 10.0, "log": false, "step": null}}, "y": {"name": "FloatDistribution", "attributes": {"low": -10.0, "high": 10.0, "log": false, "step": null}}}""";

    [Theory]
    [MemberData(nameof(StorageCase.All), MemberType = typeof(StorageCase))]
    public void PrintsTheImportancesOfTheStudy(string kind)
    {
        using var s = new StorageCase(kind);
        s.Ok("create-study", "--study-name", "imp");
        for (int i = 0; i < 30; i++)
        {
            using var asked = JsonDocument.Parse(s.Ok("ask", "--study-name", "imp", "--search-space", Space, "--sampler", "RandomSampler", "--sampler-kwargs", "{\"seed\": " + i + "}"));
            var p = asked.RootElement.GetProperty("params");
            double objective = 10 * p.GetProperty("x").GetDouble() * p.GetProperty("x").GetDouble() + 0.1 * p.GetProperty("y").GetDouble();
            s.Ok("tell", "--study-name", "imp", "--trial-number", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "--values", objective.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }

        IReadOnlyDictionary<string, double> expected;
        var storage = StorageOpener.Open(s.Url, null);
        try
        {
            expected = Importance.Importance.Get(Study.Load("imp", storage));
        }
        finally
        {
            (storage as IDisposable)?.Dispose();
        }

        Assert.Equal(["x", "y"], expected.Keys);
        string json = s.Ok("importance", "--study-name", "imp", "-f", "json");
        Assert.Equal(Sharptune.Internal.PyJson.Serialize(expected.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value)).ToList()) + "\n", json);
        string value = s.Ok("importance", "--study-name", "imp", "-f", "value");
        Assert.StartsWith("x ", value, StringComparison.Ordinal);
        Assert.Equal(2, value.TrimEnd('\n').Split('\n').Length);
        Assert.Matches("^x: .*\ny: .*\n$", s.Ok("importance", "--study-name", "imp", "-f", "yaml"));
        string table = s.Ok("importance", "--study-name", "imp");
        Assert.Contains("│ parameter │", table, StringComparison.Ordinal);
        Assert.Contains("██", table, StringComparison.Ordinal);
        using var rawJson = JsonDocument.Parse(s.Ok("importance", "--study-name", "imp", "-f", "json", "--no-normalize", "--params", "y"));
        Assert.Equal(["y"], rawJson.RootElement.EnumerateObject().Select(p => p.Name));

        // The forest evaluators, seeded: the same importances as the library's, x far ahead of y.
        IReadOnlyDictionary<string, double> fanova, mdi;
        storage = StorageOpener.Open(s.Url, null);
        try
        {
            fanova = Importance.Importance.Get(Study.Load("imp", storage), new FanovaImportanceEvaluator(seed: 3));
            mdi = Importance.Importance.Get(Study.Load("imp", storage), new MeanDecreaseImpurityImportanceEvaluator(seed: 3));
        }
        finally
        {
            (storage as IDisposable)?.Dispose();
        }

        Assert.Equal(["x", "y"], fanova.Keys);
        Assert.True(fanova["x"] > 0.9, $"fANOVA gave x {fanova["x"]}");
        Assert.Equal(Sharptune.Internal.PyJson.Serialize(fanova.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value)).ToList()) + "\n", s.Ok("importance", "--study-name", "imp", "-f", "json", "--evaluator", "fanova", "--seed", "3"));
        Assert.Equal(Sharptune.Internal.PyJson.Serialize(mdi.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value)).ToList()) + "\n", s.Ok("importance", "--study-name", "imp", "-f", "json", "--evaluator", "mean-decrease-impurity", "--seed", "3"));
        var badEvaluator = s.Run("importance", "--study-name", "imp", "--evaluator", "shap");
        Assert.Equal(2, badEvaluator.ExitCode);

        var unknown = s.Run("importance", "--study-name", "imp", "--params", "z");
        Assert.Equal(1, unknown.ExitCode);
        Assert.StartsWith("Error: ", unknown.Err, StringComparison.Ordinal);
        var badObjective = s.Run("importance", "--study-name", "imp", "--objective", "1");
        Assert.Equal("Error: --objective must be between 0 and 0 for the study imp, got 1.\n", badObjective.Err);
    }
}
