using System.Globalization;
using System.Text.Json;

namespace Sharptune.Visualization.Tests;

/// <summary>The studies and Optuna 5's figure data of Data/visualization_fixtures.json.</summary>
internal static class Fixtures
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "visualization_fixtures.json"))));

    public static JsonElement Case(string study, string name) => Document.Value.RootElement.GetProperty("cases").GetProperty(study).GetProperty(name);

    public static JsonElement Cases(string study) => Document.Value.RootElement.GetProperty("cases").GetProperty(study);

    public static IEnumerable<string> StudyNames => Document.Value.RootElement.GetProperty("studies").EnumerateObject().Select(p => p.Name);

    /// <summary>Builds an in-memory study holding the fixture's trials.</summary>
    public static Study Study(string name)
    {
        var s = Document.Value.RootElement.GetProperty("studies").GetProperty(name);
        var directions = s.GetProperty("directions").EnumerateArray().Select(d => d.GetString() == "MAXIMIZE" ? StudyDirection.Maximize : StudyDirection.Minimize).ToList();
        var study = Sharptune.Study.Create(new StudyOptions { StudyName = name, Directions = directions });
        foreach (var t in s.GetProperty("trials").EnumerateArray())
        {
            var dists = t.GetProperty("distributions").EnumerateObject().ToDictionary(p => p.Name, p => Distribution.FromJson(p.Value.GetString()!));
            var @params = new Dictionary<string, object?>();
            foreach (var p in t.GetProperty("params").EnumerateObject())
            {
                @params[p.Name] = dists[p.Name] switch
                {
                    FloatDistribution => p.Value.GetDouble(),
                    IntDistribution => p.Value.GetInt64(),
                    CategoricalDistribution c => c.Choices.First(choice => CategoricalDistribution.ChoiceEquals(choice, Scalar(p.Value))),
                    _ => throw new InvalidOperationException(),
                };
            }

            var state = t.GetProperty("state").GetString() switch
            {
                "COMPLETE" => TrialState.Complete,
                "PRUNED" => TrialState.Pruned,
                "FAIL" => TrialState.Fail,
                "RUNNING" => TrialState.Running,
                _ => TrialState.Waiting,
            };
            var values = t.GetProperty("values").ValueKind == JsonValueKind.Null ? null : Numbers(t.GetProperty("values"));
            var trial = new FrozenTrial(
                number: t.GetProperty("number").GetInt32(),
                state: state,
                values: values,
                datetimeStart: Date(t.GetProperty("datetime_start")),
                datetimeComplete: Date(t.GetProperty("datetime_complete")),
                @params: @params,
                distributions: dists,
                userAttrs: t.GetProperty("user_attrs").EnumerateObject().ToDictionary(p => p.Name, p => Scalar(p.Value)),
                systemAttrs: t.GetProperty("system_attrs").EnumerateObject().ToDictionary(p => p.Name, p => (object?)Number(p.Value)),
                intermediateValues: t.GetProperty("intermediate_values").EnumerateObject().ToDictionary(p => int.Parse(p.Name, CultureInfo.InvariantCulture), p => Number(p.Value)),
                trialId: 0);
            study.AddTrial(trial);
        }

        return study;
    }

    public static DateTime? Date(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : DateTime.Parse(e.GetString()!, CultureInfo.InvariantCulture);

    public static double Number(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var s => throw new InvalidOperationException($"Not a number: {s}"),
        },
        _ => e.GetDouble(),
    };

    public static double[] Numbers(JsonElement e) => e.EnumerateArray().Select(Number).ToArray();

    public static object? Scalar(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when e.TryGetInt64(out long l) && !e.GetRawText().Contains('.') && !e.GetRawText().Contains('e') => l,
        JsonValueKind.Number => e.GetDouble(),
        _ => throw new InvalidOperationException(e.ValueKind.ToString()),
    };
}

/// <summary>Comparison helpers that say where two values differ.</summary>
internal static class Same
{
    public static void Number(double expected, double actual, string where)
    {
        if (double.IsNaN(expected) && double.IsNaN(actual))
        {
            return;
        }

        if (expected == actual)
        {
            return;
        }

        double tolerance = 1e-9 * Math.Max(1, Math.Max(Math.Abs(expected), Math.Abs(actual)));
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{where}: expected {expected.ToString("R", CultureInfo.InvariantCulture)}, got {actual.ToString("R", CultureInfo.InvariantCulture)}");
    }

    public static void Numbers(JsonElement expected, IReadOnlyList<double> actual, string where)
    {
        var e = Fixtures.Numbers(expected);
        Assert.True(e.Length == actual.Count, $"{where}: expected {e.Length} values, got {actual.Count}");
        for (int i = 0; i < e.Length; i++)
        {
            Number(e[i], actual[i], $"{where}[{i}]");
        }
    }

    /// <summary>A parameter value: numbers by value (Python does not tell 1 from 1.0 in these lists), strings exactly.</summary>
    public static void Value(JsonElement expected, object? actual, string where)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Null:
                Assert.True(actual is null, $"{where}: expected None, got {actual}");
                break;
            case JsonValueKind.String when expected.GetString() is "NaN" or "Infinity" or "-Infinity":
                Number(Fixtures.Number(expected), Convert.ToDouble(actual, CultureInfo.InvariantCulture), where);
                break;
            case JsonValueKind.String:
                Assert.True(expected.GetString() == actual as string, $"{where}: expected '{expected.GetString()}', got '{actual}'");
                break;
            default:
                Assert.True(actual is not null and not string, $"{where}: expected {expected}, got '{actual}'");
                Number(expected.GetDouble(), Convert.ToDouble(actual, CultureInfo.InvariantCulture), where);
                break;
        }
    }

    public static void Values(JsonElement expected, IReadOnlyList<object?> actual, string where)
    {
        var e = expected.EnumerateArray().ToList();
        Assert.True(e.Count == actual.Count, $"{where}: expected {e.Count} values, got {actual.Count}");
        for (int i = 0; i < e.Count; i++)
        {
            Value(e[i], actual[i], $"{where}[{i}]");
        }
    }

    public static void Bools(JsonElement expected, IReadOnlyList<bool> actual, string where) =>
        Assert.True(expected.EnumerateArray().Select(b => b.GetBoolean()).SequenceEqual(actual), $"{where}: expected {expected}, got [{string.Join(", ", actual)}]");

    public static void Ints(JsonElement expected, IEnumerable<int> actual, string where) =>
        Assert.True(expected.EnumerateArray().Select(b => b.GetInt32()).SequenceEqual(actual), $"{where}: expected {expected}, got [{string.Join(", ", actual)}]");

    public static void Strings(JsonElement expected, IEnumerable<string> actual, string where) =>
        Assert.True(expected.EnumerateArray().Select(b => b.GetString()!).SequenceEqual(actual), $"{where}: expected {expected}, got [{string.Join(", ", actual)}]");
}
