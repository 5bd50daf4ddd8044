namespace Sharptune.Tests.Importance;

internal static class ImportanceAssert
{
    /// <summary>
    /// The same names, each value within <paramref name="tolerance"/>, enumerated in the expected order (names whose
    /// expected values are equal may come in any order among themselves).
    /// </summary>
    public static void SameOrderAndValues(List<KeyValuePair<string, double>> expected, IReadOnlyDictionary<string, double> actual, double tolerance, string where)
    {
        Assert.True(expected.Count == actual.Count, $"{where}: expected {Show(expected)} but got {Show(actual)}");
        foreach (var (name, value) in expected)
        {
            Assert.True(actual.TryGetValue(name, out double got), $"{where}: {name} missing from {Show(actual)}");
            Assert.True(Math.Abs(got - value) <= tolerance, $"{where}: {name} is {got}, Optuna {value}; all {Show(actual)} vs {Show(expected)}");
        }

        var actualOrder = actual.Keys.ToList();
        for (int i = 0; i < expected.Count; i++)
        {
            // Group the expected names tied with this one.
            var tied = expected.Where(e => e.Value == expected[i].Value).Select(e => e.Key).ToHashSet();
            Assert.True(tied.Contains(actualOrder[i]), $"{where}: position {i} is {actualOrder[i]}, expected {expected[i].Key}; {Show(actual)} vs {Show(expected)}");
        }
    }

    /// <summary>
    /// Values within <paramref name="tolerance"/>, and wherever Optuna's importances differ by more than
    /// <paramref name="gap"/>, the same order.
    /// </summary>
    public static void CloseWithSameClearRanking(List<KeyValuePair<string, double>> expected, IReadOnlyDictionary<string, double> actual, double tolerance, double gap, string where)
    {
        Assert.True(expected.Count == actual.Count, $"{where}: expected {Show(expected)} but got {Show(actual)}");
        foreach (var (name, value) in expected)
        {
            Assert.True(actual.TryGetValue(name, out double got), $"{where}: {name} missing from {Show(actual)}");
            Assert.True(Math.Abs(got - value) <= tolerance, $"{where}: {name} is {got}, Optuna {value}; all {Show(actual)} vs {Show(expected)}");
        }

        var position = actual.Keys.Select((k, i) => (k, i)).ToDictionary(p => p.k, p => p.i);
        foreach (var (a, va) in expected)
        {
            foreach (var (b, vb) in expected)
            {
                if (va - vb > gap)
                {
                    Assert.True(position[a] < position[b], $"{where}: {a} should rank above {b}; {Show(actual)} vs {Show(expected)}");
                }
            }
        }

        var values = actual.Values.ToList();
        for (int i = 1; i < values.Count; i++)
        {
            Assert.True(values[i - 1] >= values[i], $"{where}: not in descending order: {Show(actual)}");
        }
    }

    public static string Show(IEnumerable<KeyValuePair<string, double>> values) =>
        "{" + string.Join(", ", values.Select(p => $"{p.Key}: {p.Value:G6}")) + "}";
}
