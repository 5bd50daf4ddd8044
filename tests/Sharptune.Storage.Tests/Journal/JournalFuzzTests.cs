using System.Diagnostics;
using System.Globalization;
using System.Text;
using Sharptune.Internal;
using Sharptune.Storages.Tests.Support;

namespace Sharptune.Storages.Tests.Journal;

/// <summary>
/// The journal reader under random and mutated input (fixed seed, bounded time): every file either opens — and then
/// every study and trial in it can be read — or is refused with <see cref="StorageInternalException"/> (a record that
/// is not valid) or <see cref="ArgumentException"/> (a file that does not begin with a journal record). Never another
/// exception, a crash or a hang; and every record that parses serializes back to the same bytes on a second round.
/// </summary>
public sealed class JournalFuzzTests : IDisposable
{
    private static readonly string[] Fields =
    [
        "op_code", "worker_id", "study_id", "study_name", "directions", "user_attr", "system_attr", "trial_id",
        "datetime_start", "datetime_complete", "param_name", "param_value_internal", "distribution", "state", "values",
        "step", "intermediate_value", "params", "distributions", "user_attrs", "system_attrs", "intermediate_values", "trial_ids",
    ];

    private const string Noise = "{}[]\",:\n\\0x9Ne-";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task MutatedJournals_OpenOrAreRefusedWithTheDocumentedExceptions_WithinTheTimeBound()
    {
        var clock = Stopwatch.StartNew();
        string[] baseLines = BaseJournal();
        var random = new Random(20261206);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        const int Cases = 1000;
        for (int n = 0; n < Cases; n++)
        {
            byte[] bytes = Mutate(baseLines, random);
            string path = _dir.File($"fuzz{n.ToString(CultureInfo.InvariantCulture)}.log");
            File.WriteAllBytes(path, bytes);
            var run = Task.Run(() => Open(path), TestContext.Current.CancellationToken);
            var first = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
            Assert.True(first == run, $"case {n} hangs: {Show(bytes)}");
            string outcome = await run;
            Assert.True(outcome is "opened" or nameof(StorageInternalException) or nameof(ArgumentException), $"case {n} gave {outcome}: {Show(bytes)}");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            File.Delete(path);
        }

        // The mutations reach both outcomes, so the test exercises the reader, not only its first check.
        Assert.True(outcomes.GetValueOrDefault("opened") > Cases / 10, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault(nameof(StorageInternalException)) > Cases / 10, string.Join(", ", outcomes));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public void RandomJsonValues_RoundTripToTheSameBytes()
    {
        var random = new Random(7);
        for (int n = 0; n < 3000; n++)
        {
            string once = PyJson.Serialize(RandomValue(random, depth: 0), compact: true);
            string twice = PyJson.Serialize(PyJson.Parse(once), compact: true);
            Assert.Equal(once, PyJson.Serialize(PyJson.Parse(twice), compact: true));
        }
    }

    [Fact]
    public void IntegersBeyond64Bits_WrittenByPython_AreReadAsDoubles()
    {
        // Python's json writes 2**70 exactly; .NET attribute values are long or double, so it is read as the nearest double.
        object? value = PyJson.Parse("1180591620717411303424");
        Assert.Equal(1180591620717411303424.0, Assert.IsType<double>(value));
        Assert.Equal(-9223372036854775808L, Assert.IsType<long>(PyJson.Parse("-9223372036854775808")));
        Assert.IsType<double>(PyJson.Parse("9223372036854775808"));
    }

    private static string Open(string path)
    {
        try
        {
            using var s = new JournalStorage(path);
            foreach (var study in s.GetAllStudies())
            {
                foreach (var trial in s.GetAllTrials(study.StudyId))
                {
                    _ = trial.Params.Count + trial.UserAttrs.Count + trial.SystemAttrs.Count + trial.IntermediateValues.Count;
                }
            }

            return "opened";
        }
        catch (StorageInternalException)
        {
            return nameof(StorageInternalException);
        }
        catch (ArgumentException e) when (e.Message.Contains("is not an Optuna journal", StringComparison.Ordinal))
        {
            return nameof(ArgumentException);
        }
        catch (Exception e)
        {
            return e.GetType().Name + ": " + e.Message + "\n" + e.StackTrace;
        }
    }

    private string[] BaseJournal()
    {
        string path = _dir.File("base.log");
        using (var s = new JournalStorage(path))
        {
            var study = Study.Create(new StudyOptions { Storage = s, StudyName = "fuzz", Directions = [StudyDirection.Minimize, StudyDirection.Maximize] });
            study.SetUserAttr("u", new List<object?> { 1, "two", null });
            study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 0.5, ["c"] = "b" });
            for (int i = 0; i < 4; i++)
            {
                var t = study.Ask();
                double x = t.SuggestFloat("x", -1, 1);
                t.SuggestInt("n", 1, 64, log: true);
                t.SuggestCategorical("c", new[] { "a", "b" });
                t.Report([x, -x], 0);
                t.SetUserAttr("k", new Dictionary<string, object?> { ["nested"] = new List<object?> { x, double.NaN } });
                if (i == 2)
                {
                    study.Tell(t, state: TrialState.Pruned);
                }
                else
                {
                    study.Tell(t, [x, -x]);
                }
            }

            s.DeleteStudy(s.CreateNewStudy([StudyDirection.Minimize], "gone"));
        }

        return File.ReadAllLines(path);
    }

    private static byte[] Mutate(string[] baseLines, Random random)
    {
        var lines = new List<string>(baseLines);
        int mutations = 1 + random.Next(3);
        for (int m = 0; m < mutations; m++)
        {
            int at = random.Next(lines.Count);
            switch (random.Next(6))
            {
                case 0:
                    lines[at] = PyJson.Serialize(RandomValue(random, 0), compact: true);
                    break;
                case 1:
                    if (PyJson.Parse(lines[at]) is IDictionary<string, object?> record)
                    {
                        record[Fields[random.Next(Fields.Length)]] = RandomValue(random, 1);
                        lines[at] = PyJson.Serialize(record, compact: true);
                    }

                    break;
                case 2:
                    if (PyJson.Parse(lines[at]) is IDictionary<string, object?> r2 && r2.Count > 0)
                    {
                        r2.Remove(r2.Keys.ElementAt(random.Next(r2.Count)));
                        lines[at] = PyJson.Serialize(r2, compact: true);
                    }

                    break;
                case 3:
                    lines.Insert(at, lines[random.Next(lines.Count)]);
                    break;
                case 4:
                    (lines[at], lines[^1]) = (lines[^1], lines[at]);
                    break;
                default:
                    break;
            }
        }

        var bytes = new List<byte>(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        int byteMutations = random.Next(3);
        for (int m = 0; m < byteMutations && bytes.Count > 0; m++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.Insert(at, (byte)Noise[random.Next(Noise.Length)]);
                    break;
                case 2:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(40)));
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }

        return [.. bytes];
    }

    private static object? RandomValue(Random random, int depth)
    {
        switch (random.Next(depth > 3 ? 7 : 9))
        {
            case 0:
                return null;
            case 1:
                return random.Next(2) == 0;
            case 2:
                return (long)random.Next(-20, 20);
            case 3:
                return random.Next(5) switch
                {
                    0 => long.MaxValue,
                    1 => long.MinValue,
                    2 => (long)int.MaxValue + random.Next(1000),
                    _ => (long)random.Next(),
                };
            case 4:
                return random.Next(6) switch
                {
                    0 => double.NaN,
                    1 => double.PositiveInfinity,
                    2 => double.NegativeInfinity,
                    3 => -0.0,
                    4 => 1e308 * random.NextDouble(),
                    _ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-10, 10)),
                };
            case 5:
                var chars = new StringBuilder();
                int length = random.Next(12);
                for (int i = 0; i < length; i++)
                {
                    chars.Append(random.Next(5) switch
                    {
                        0 => (char)random.Next(0, 32),
                        1 => '"',
                        2 => '\\',
                        3 => (char)random.Next(0x80, 0x2FFF),
                        _ => (char)random.Next('a', 'z'),
                    });
                }

                return chars.ToString();
            case 6:
                return random.Next(3) switch
                {
                    0 => "2026-01-02T03:04:05.000006+00:00",
                    1 => "2026-01-02T03:04:05.000006",
                    _ => Fields[random.Next(Fields.Length)],
                };
            case 7:
                var list = new List<object?>();
                for (int i = random.Next(4); i > 0; i--)
                {
                    list.Add(RandomValue(random, depth + 1));
                }

                return list;
            default:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (int i = random.Next(4); i > 0; i--)
                {
                    map[random.Next(2) == 0 ? Fields[random.Next(Fields.Length)] : "k" + i.ToString(CultureInfo.InvariantCulture)] = RandomValue(random, depth + 1);
                }

                return map;
        }
    }

    private static string Show(byte[] bytes)
    {
        string text = Encoding.UTF8.GetString(bytes);
        return text.Length > 3000 ? text[..3000] + "…" : text;
    }
}
