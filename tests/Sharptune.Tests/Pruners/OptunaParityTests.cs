using Sharptune.Internal;
using Sharptune.Pruners;

namespace Sharptune.Tests.Pruners;

/// <summary>
/// Replays the histories of <c>Data/pruner_cases.json</c> on Sharptune studies and compares every pruning decision,
/// every sampler view, and the final states, values, SuccessiveHalving rungs and Hyperband brackets with what
/// Optuna recorded on the same histories.
/// </summary>
public class OptunaParityTests
{
    public static TheoryData<string> CaseNames => new(PrunerCaseData.Section("cases").Select(c => (string)c["name"]!));

    [Fact]
    public void TheDataCoversEveryPrunerWithEnoughHistoriesAndDecisions()
    {
        var cases = PrunerCaseData.Section("cases").ToList();
        Assert.True(cases.Count >= 20, $"{cases.Count} histories");
        var types = cases.Select(c => (string)((OrderedDictionary<string, object?>)c["pruner"]!)["type"]!).ToHashSet();
        Assert.Superset(new HashSet<string> { "median", "percentile", "successive_halving", "hyperband", "threshold", "patient", "wilcoxon", "nop" }, types);
        Assert.Contains(cases, c => (string)c["direction"]! == "maximize");
        var decisions = cases.SelectMany(Ops).Where(o => o.ContainsKey("prune")).Select(o => (bool)o["prune"]!).ToList();
        Assert.True(decisions.Count > 2000 && decisions.Count(d => d) > 200, $"{decisions.Count} decisions");
        Assert.Equal("5.0.0.dev", PrunerCaseData.Document["optuna_version"]);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void DecisionsEqualOptunas(string name)
    {
        var data = PrunerCaseData.Case(name);
        var pruner = PrunerCaseData.CreatePruner((OrderedDictionary<string, object?>)data["pruner"]!);
        var sampler = new RecordingSampler();
        var study = Study.Create(new StudyOptions
        {
            StudyName = (string)data["study_name"]!,
            Direction = (string)data["direction"]! == "maximize" ? StudyDirection.Maximize : StudyDirection.Minimize,
            Pruner = pruner,
            Sampler = sampler,
        });
        var live = new Dictionary<int, Trial>();
        int index = 0;
        foreach (var op in Ops(data))
        {
            string where = $"{name}, operation {index++}: {PyJson.Serialize(op, compact: true)}";
            int number = op.TryGetValue("trial", out object? n) ? checked((int)(long)n!) : -1;
            switch ((string)op["op"]!)
            {
                case "ask":
                    var trial = study.Ask();
                    Assert.True(number == trial.Number, where);
                    live[number] = trial;
                    break;
                case "suggest":
                    live[number].SuggestFloat("x", 0, 1);
                    var expectedSeen = ((List<object?>)op["seen"]!).Select(o => checked((int)(long)o!)).ToList();
                    Assert.True(expectedSeen.SequenceEqual(sampler.Seen!), $"{where}: the sampler saw [{string.Join(", ", sampler.Seen!)}]");
                    break;
                case "report":
                    live[number].Report(PyJson.ToDouble(op["value"]), checked((int)(long)op["step"]!));
                    if (op.TryGetValue("prune", out object? expected))
                    {
                        Assert.True((bool)expected! == live[number].ShouldPrune(), where);
                    }

                    break;
                case "should_prune":
                    Assert.True((bool)op["prune"]! == live[number].ShouldPrune(), where);
                    break;
                case "tell":
                    var state = PrunerCaseData.ParseState((string)op["state"]!);
                    if (state == TrialState.Complete)
                    {
                        study.Tell(live[number], PyJson.ToDouble(op["value"]));
                    }
                    else
                    {
                        study.Tell(live[number], state: state);
                    }

                    live.Remove(number);
                    break;
                case "add":
                    var intermediate = ((List<object?>)op["intermediate"]!).Cast<List<object?>>()
                        .ToDictionary(p => checked((int)(long)p[0]!), p => PyJson.ToDouble(p[1]));
                    study.AddTrial(Trials.Create(
                        PrunerCaseData.ParseState((string)op["state"]!),
                        value: op["value"] is null ? null : PyJson.ToDouble(op["value"]),
                        intermediateValues: intermediate));
                    break;
                default:
                    throw new InvalidOperationException(where);
            }
        }

        var trials = study.Trials;
        var expectedTrials = PrunerCaseData.Section("cases").Single(c => (string)c["name"]! == name)["trials"] as List<object?>;
        Assert.Equal(expectedTrials!.Count, trials.Count);
        foreach (var expected in expectedTrials.Cast<OrderedDictionary<string, object?>>())
        {
            var actual = trials[checked((int)(long)expected["number"]!)];
            string where = $"{name}, trial {actual.Number}";
            Assert.True(PrunerCaseData.ParseState((string)expected["state"]!) == actual.State, where);
            var values = (expected["values"] as List<object?>)?.Select(PyJson.ToDouble).ToList();
            Assert.True(values is null ? actual.Values is null : values.SequenceEqual(actual.Values!), $"{where}: values");
            var rungs = (OrderedDictionary<string, object?>)expected["rungs"]!;
            var actualRungs = actual.SystemAttrs.Where(p => p.Key.StartsWith("completed_rung_", StringComparison.Ordinal)).ToDictionary();
            Assert.True(rungs.Count == actualRungs.Count, $"{where}: rungs {PyJson.Serialize(actualRungs, compact: true)}");
            foreach (var (key, value) in rungs)
            {
                Assert.True(PyJson.ToDouble(value) == PyJson.ToDouble(actualRungs[key]), $"{where}: {key}");
            }

            if (expected.TryGetValue("bracket", out object? bracket))
            {
                Assert.True(checked((int)(long)bracket!) == ((HyperbandPruner)pruner).GetBracketId(study.StudyName, actual.Number), $"{where}: bracket");
            }
        }
    }

    [Fact]
    public void ArgumentErrorsHaveOptunasTypesAndMessages()
    {
        foreach (var error in PrunerCaseData.Section("argument_errors"))
        {
            var spec = (OrderedDictionary<string, object?>)error["pruner"]!;
            var e = Assert.ThrowsAny<ArgumentException>(() => PrunerCaseData.CreatePruner(spec));
            string message = (string)error["message"]!;
            Assert.True(e.Message.StartsWith(message, StringComparison.Ordinal), $"expected \"{message}\", got \"{e.Message}\"");

            // ValueError about a range → ArgumentOutOfRangeException; TypeError and combination errors → ArgumentException.
            bool combination = message.Contains("mutually incompatible", StringComparison.Ordinal) || message.StartsWith("lower should", StringComparison.Ordinal);
            if ((string)error["error"]! == "TypeError" || combination)
            {
                Assert.IsType<ArgumentException>(e);
            }
            else
            {
                Assert.IsType<ArgumentOutOfRangeException>(e);
            }
        }
    }

    [Fact]
    public void NanPercentileEqualsNumpy()
    {
        foreach (var check in PrunerCaseData.Section("nanpercentile"))
        {
            double[] values = ((List<object?>)check["values"]!).Select(PyJson.ToDouble).ToArray();
            double q = PyJson.ToDouble(check["q"]);
            double expected = PyJson.ToDouble(check["result"]);
            double actual = PrunerMath.NanPercentile(values.ToArray(), q);
            Assert.True(
                expected.Equals(actual),
                $"nanpercentile([{string.Join(", ", values)}], {q}) = {expected}, got {actual}");
        }
    }

    [Fact]
    public void SignedRankPValuesEqualScipy()
    {
        foreach (var check in PrunerCaseData.Section("wilcoxon"))
        {
            double[] d = ((List<object?>)check["differences"]!).Select(PyJson.ToDouble).ToArray();
            var alternative = (string)check["alternative"]! == "greater" ? Alternative.Greater : Alternative.Less;
            double expected = PyJson.ToDouble(check["p"]);
            double actual = SignedRankTest.PValue(d, alternative);
            Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, expected), $"n={d.Length} {alternative}: scipy {expected}, got {actual}");
        }
    }

    [Fact]
    public void Crc32EqualsPythonsBinascii()
    {
        foreach (var check in PrunerCaseData.Section("crc32"))
        {
            string text = (string)check["text"]!;
            Assert.Equal((uint)(long)check["crc32"]!, Crc32.Compute(System.Text.Encoding.UTF8.GetBytes(text)));
        }
    }

    private static IEnumerable<OrderedDictionary<string, object?>> Ops(OrderedDictionary<string, object?> data) =>
        ((List<object?>)data["ops"]!).Cast<OrderedDictionary<string, object?>>();
}
