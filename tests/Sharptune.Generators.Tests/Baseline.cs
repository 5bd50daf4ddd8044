using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace Sharptune.Generators.Tests;

/// <summary>
/// Checked-in snapshot files of generated source: <c>Baselines/{Test}/{HintName}.txt</c>. Set
/// <c>UPDATE_BASELINES=1</c> to rewrite them; a mismatch writes <c>{HintName}.received.txt</c> beside the baseline
/// and fails with a line diff.
/// </summary>
internal static partial class Baseline
{
    public static void Verify(GeneratorDriverRunResult result, string test, [CallerFilePath] string callerPath = "")
    {
        string dir = Path.Combine(Path.GetDirectoryName(callerPath)!, "Baselines", test);
        bool update = Environment.GetEnvironmentVariable("UPDATE_BASELINES") is "1" or "true";
        var generated = result.Results.SelectMany(r => r.GeneratedSources)
            .ToDictionary(s => s.HintName + ".txt", s => Scrub(s.SourceText.ToString()), StringComparer.Ordinal);

        if (update)
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }

            Directory.CreateDirectory(dir);
            foreach (var (name, text) in generated)
            {
                File.WriteAllText(Path.Combine(dir, name), text, new UTF8Encoding(false));
            }

            return;
        }

        var expectedFiles = Directory.Exists(dir)
            ? Directory.GetFiles(dir, "*.txt").Where(f => !f.EndsWith(".received.txt", StringComparison.Ordinal)).Select(Path.GetFileName).OrderBy(f => f, StringComparer.Ordinal).ToList()
            : [];
        var actualFiles = generated.Keys.OrderBy(f => f, StringComparer.Ordinal).ToList();
        var failures = new StringBuilder();
        if (!expectedFiles.SequenceEqual(actualFiles))
        {
            failures.AppendLine($"Generated files differ from the baseline folder {dir}:");
            failures.AppendLine("  expected: " + string.Join(", ", expectedFiles));
            failures.AppendLine("  actual:   " + string.Join(", ", actualFiles));
        }

        foreach (var (name, text) in generated)
        {
            string path = Path.Combine(dir, name);
            string received = Path.Combine(dir, Path.GetFileNameWithoutExtension(name) + ".received.txt");
            string expected = File.Exists(path) ? Normalize(File.ReadAllText(path)) : string.Empty;
            if (expected == text)
            {
                if (File.Exists(received))
                {
                    File.Delete(received);
                }

                continue;
            }

            Directory.CreateDirectory(dir);
            File.WriteAllText(received, text, new UTF8Encoding(false));
            failures.AppendLine($"{name} differs from its baseline (wrote {received}; set UPDATE_BASELINES=1 to accept):");
            failures.AppendLine(Diff(expected, text));
        }

        if (failures.Length > 0)
        {
            Assert.Fail(failures.ToString());
        }
    }

    private static string Normalize(string s) => s.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string Scrub(string s) => VersionPattern().Replace(Normalize(s), "\"Sharptune.Generators\", \"%VERSION%\"");

    private static string Diff(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var sb = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < Math.Max(e.Length, a.Length) && shown < 40; i++)
        {
            string? el = i < e.Length ? e[i] : null;
            string? al = i < a.Length ? a[i] : null;
            if (el != al)
            {
                shown++;
                if (el is not null)
                {
                    sb.AppendLine($"  {i + 1,4} - {el}");
                }

                if (al is not null)
                {
                    sb.AppendLine($"  {i + 1,4} + {al}");
                }
            }
        }

        return sb.ToString();
    }

    [GeneratedRegex("\"Sharptune\\.Generators\", \"[0-9.]+\"")]
    private static partial Regex VersionPattern();
}
