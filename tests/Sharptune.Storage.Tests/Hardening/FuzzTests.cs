using System.Diagnostics;
using System.Text;
using Sharptune.Internal;
using Sharptune.Storages.Postgres;

namespace Sharptune.Storages.Tests.Hardening;

/// <summary>
/// Issue #14, beyond the list: seeded fuzzing of the stored-JSON reader (attribute values, distributions) and of
/// URL parsing. Random and mutated inputs give a value or the documented exception — never another exception, a
/// crash or a hang — and what is read writes back to the same bytes. Each test has a fixed number of cases and a
/// 20 s bound.
/// </summary>
public sealed class FuzzTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static readonly string[] Seeds =
    [
        "{\"a\": [1, 2.5, -0.0, 1e+20, NaN, Infinity, -Infinity, null, true, false, \"\\u00e9\\n\\\"\"], \"b\": {}}",
        "[[[[]]], {\"k\": {\"k\": [\"v\", 12345678901234567890]}}]",
        "\"plain\"",
        "-12.5e-3",
        "{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": null, \"low\": 0.0, \"high\": 1.0, \"log\": false}}",
        "{\"name\": \"IntDistribution\", \"attributes\": {\"log\": false, \"step\": 3, \"low\": 0, \"high\": 9}}",
        "{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [null, true, 1, 2.5, \"a\"]}}",
        "{\"type\": \"float\", \"low\": 1e-05, \"high\": 0.1, \"log\": true}",
        "{\"type\": \"int\", \"low\": 1, \"high\": 1024, \"step\": 1}",
        "{\"type\": \"categorical\", \"choices\": [\"adam\", \"sgd\"]}",
        "{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0, \"q\": 0.25}}",
    ];

    private const string JsonAlphabet = "{}[]\",:.-+eE0123456789 \\untrfalsNIy\u00e9\ud83d\ude00\t\n/x";

    [Fact]
    public void JsonReader_GivesAValueOrFormatException_AndRoundTripsItsBytes()
    {
        var random = new Random(20261206);
        var watch = Stopwatch.StartNew();
        int parsed = 0;
        for (int i = 0; i < 30_000; i++)
        {
            string text = i % 3 == 0 ? RandomJson(random) : Mutate(random, Seeds[random.Next(Seeds.Length)]);
            object? value;
            try
            {
                value = PyJson.Parse(text);
            }
            catch (FormatException)
            {
                continue;
            }

            parsed++;
            string written = PyJson.Serialize(value);
            Assert.Equal(written, PyJson.Serialize(PyJson.Parse(written)));
            string compact = PyJson.Serialize(value, compact: true);
            Assert.Equal(compact, PyJson.Serialize(PyJson.Parse(compact), compact: true));
        }

        Assert.True(parsed > 5_000, $"only {parsed} inputs parsed: the fuzzer explores too little");
        Assert.True(watch.Elapsed < Bound, $"took {watch.Elapsed}");
    }

    [Fact]
    public void JsonReader_RefusesDeepNestingOfEveryShape()
    {
        var random = new Random(7);
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 200; i++)
        {
            int depth = PyJson.MaxDepth + 1 + random.Next(100_000);
            var sb = new StringBuilder();
            for (int d = 0; d < depth; d++)
            {
                sb.Append(random.Next(3) switch { 0 => "[", 1 => "{\"k\": ", _ => "[1, " });
            }

            var e = Assert.Throws<JsonNestingException>(() => PyJson.Parse(sb.ToString()));
            Assert.Contains($"deeper than {PyJson.MaxDepth} levels", e.Message, StringComparison.Ordinal);
        }

        Assert.True(watch.Elapsed < Bound, $"took {watch.Elapsed}");
    }

    [Fact]
    public void DistributionReader_GivesADistributionOrADocumentedException_AndRoundTrips()
    {
        var random = new Random(14);
        var watch = Stopwatch.StartNew();
        int read = 0;
        for (int i = 0; i < 30_000; i++)
        {
            string text = Mutate(random, Seeds[4 + random.Next(Seeds.Length - 4)]);
            Distribution d;
            try
            {
                d = Distribution.FromJson(text);
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                continue;
            }

            read++;
            string json = d.ToJson();
            var again = Distribution.FromJson(json);
            Assert.Equal(d, again);
            Assert.Equal(json, again.ToJson());
        }

        Assert.True(read > 500, $"only {read} inputs read");
        Assert.True(watch.Elapsed < Bound, $"took {watch.Elapsed}");
    }

    [Fact]
    public void AttributeValues_RoundTripThroughTheJournalAndSqliteUnchanged()
    {
        var random = new Random(99);
        using var dir = new Support.TempDirectory();
        string db = "sqlite:///" + dir.File("fuzz.db");
        string journal = dir.File("fuzz.log");
        var values = Enumerable.Range(0, 200).Select(_ => PyJson.Serialize(PyJson.Parse(RandomJson(random)))).ToList();
        using (var sqlite = new RdbStorage(db))
        using (var log = new JournalStorage(journal))
        {
            foreach (IStorage storage in new IStorage[] { sqlite, log })
            {
                var study = Study.Create(new StudyOptions { Storage = storage, StudyName = "fuzz" });
                var trial = study.Ask();
                for (int i = 0; i < values.Count; i++)
                {
                    trial.SetUserAttr($"k{i}", PyJson.Parse(values[i]));
                }

                study.Tell(trial, 0.0);
            }
        }

        using var sqliteAgain = new RdbStorage(db);
        using var logAgain = new JournalStorage(journal);
        foreach (IStorage storage in new IStorage[] { sqliteAgain, logAgain })
        {
            var attrs = Study.Load("fuzz", storage).Trials[0].UserAttrs;
            for (int i = 0; i < values.Count; i++)
            {
                Assert.Equal(values[i], PyJson.Serialize(attrs[$"k{i}"]));
            }
        }
    }

    [Fact]
    public void UrlParser_GivesPartsOrArgumentException_AndNeverShowsThePassword()
    {
        var random = new Random(4);
        var watch = Stopwatch.StartNew();
        const string Specials = "#/?:@%;&=[] +.";
        int parsed = 0;
        for (int i = 0; i < 30_000; i++)
        {
            string user = RandomText(random, "abcXYZ019" + Specials, 0, 6);
            string password = "Pw" + RandomText(random, "qrstuvwxyz" + Specials, 4, 12) + "Zk";
            string host = random.Next(5) == 0 ? "[::1]" : RandomText(random, "abcdef.-0123", 1, 8);
            string port = random.Next(3) == 0 ? string.Empty : ":" + random.Next(-5, 70_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
            string database = random.Next(3) == 0 ? string.Empty : "/" + RandomText(random, "dbx_@?#", 0, 6);
            string encodedUser = Uri.EscapeDataString(user);
            string encodedPassword = Uri.EscapeDataString(password);
            string url = random.Next(4) switch
            {
                // Well-formed: user and password percent-encoded, as every URL builder writes them.
                0 or 1 => $"postgresql://{encodedUser}:{encodedPassword}@{host}{port}{database}",

                // Written by hand: password as it is, then mutated.
                2 => $"postgresql://{encodedUser}:{password}@{host}{port}{database}",
                _ => Mutate(random, $"postgresql://{encodedUser}:{password}@{host}{port}{database}?sslmode=require&connect_timeout=3"),
            };

            // A password is a password when a ':' precedes it and an '@' follows it (a mutation that removed either
            // made it a user, a host or a port); a mutation that copied it elsewhere made that copy plain text.
            int shown = url.IndexOf(password, StringComparison.Ordinal);
            bool hasSecret = shown > 0 && url[shown - 1] == ':' && url.IndexOf('@', shown + password.Length) >= 0
                && url.IndexOf(password, shown + 1, StringComparison.Ordinal) < 0;
            string masked = UrlText.Redact(url);
            if (hasSecret)
            {
                Assert.DoesNotContain(password, masked, StringComparison.Ordinal);
            }

            UrlParts parts;
            try
            {
                parts = UrlText.Parse(url, "PostgreSQL");
                _ = PostgresUrl.ToConnectionString(url);
            }
            catch (ArgumentException e)
            {
                Assert.Equal(typeof(ArgumentException), e.GetType());
                Assert.Contains($"'{masked}'", e.Message, StringComparison.Ordinal);
                if (hasSecret)
                {
                    Assert.DoesNotContain(password, e.Message, StringComparison.Ordinal);
                }

                continue;
            }

            parsed++;
            if (url.StartsWith($"postgresql://{encodedUser}:{encodedPassword}@", StringComparison.Ordinal))
            {
                Assert.Equal(user, parts.User);
                Assert.Equal(password, parts.Password);
            }
        }

        Assert.True(parsed > 5_000, $"only {parsed} URLs parsed");
        Assert.True(watch.Elapsed < Bound, $"took {watch.Elapsed}");
    }

    private static string RandomText(Random random, string alphabet, int min, int max)
    {
        var sb = new StringBuilder();
        int n = random.Next(min, max + 1);
        for (int i = 0; i < n; i++)
        {
            sb.Append(alphabet[random.Next(alphabet.Length)]);
        }

        return sb.ToString();
    }

    private static string RandomJson(Random random, int depth = 0)
    {
        int kind = random.Next(depth > 4 ? 6 : 8);
        return kind switch
        {
            0 => "null",
            1 => random.Next(2) == 0 ? "true" : "false",
            2 => random.NextInt64(long.MinValue, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture),
            3 => PyJson.Serialize(random.Next(10) switch
            {
                0 => double.NaN,
                1 => double.PositiveInfinity,
                2 => -0.0,
                3 => double.Epsilon,
                _ => BitConverter.Int64BitsToDouble(random.NextInt64()) is var d && double.IsFinite(d) ? d : 1.5,
            }),
            4 => PyJson.Serialize(RandomText(random, "ab\"\\\n\u00e9\u2028\ud83d\ude00 ", 0, 8)),
            5 => PyJson.Serialize(RandomText(random, "xyz", 0, 3)),
            6 => "[" + string.Join(random.Next(2) == 0 ? ", " : ",", Enumerable.Range(0, random.Next(4)).Select(_ => RandomJson(random, depth + 1))) + "]",
            _ => "{" + string.Join(", ", Enumerable.Range(0, random.Next(4)).Select(i => $"\"k{i}\": " + RandomJson(random, depth + 1))) + "}",
        };
    }

    private static string Mutate(Random random, string text)
    {
        var sb = new StringBuilder(text);
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits; e++)
        {
            int at = sb.Length == 0 ? 0 : random.Next(sb.Length);
            switch (random.Next(6))
            {
                case 0 when sb.Length > 0:
                    sb.Remove(at, 1);
                    break;
                case 1:
                    sb.Insert(at, JsonAlphabet[random.Next(JsonAlphabet.Length)]);
                    break;
                case 2 when sb.Length > 0:
                    sb[at] = JsonAlphabet[random.Next(JsonAlphabet.Length)];
                    break;
                case 3:
                    sb.Length = at;
                    break;
                case 4 when sb.Length > 0:
                    int length = random.Next(1, Math.Min(12, sb.Length - at) + 1);
                    sb.Insert(random.Next(sb.Length), sb.ToString(at, length));
                    break;
                default:
                    sb.Insert(at, random.Next(4) switch { 0 => "NaN", 1 => "-Infinity", 2 => "\\u12", _ => "1e999" });
                    break;
            }
        }

        return sb.ToString();
    }
}
