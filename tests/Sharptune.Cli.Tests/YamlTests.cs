using Sharptune.Cli.Output;

namespace Sharptune.Cli.Tests;

/// <summary>The YAML emitter against outputs of PyYAML 6's safe_dump (checked with Debian's python3-yaml).</summary>
public sealed class YamlTests
{
    private static List<KeyValuePair<string, object?>> Map(params (string Key, object? Value)[] pairs) =>
        pairs.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value)).ToList();

    [Fact]
    public void ScalarsAreQuotedWhereYamlWouldReadThemAsSomethingElse()
    {
        var value = Map(("b", new List<object?>
        {
            1.0, 1e-5, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e20, "yes", "2024-01-01 10:00:00", "0:00:01.5", string.Empty,
            "a b", "x: y", "- a", "\u00e9", null, true, Map(), new List<object?>(), 3L, "0:01:00", "null", "~", "#x", "a#b", "a #b", "it's", "  lead", "line\nbreak", "tab\tx",
        }));
        string expected = """
            b:
            - 1.0
            - 1.0e-05
            - .nan
            - .inf
            - -.inf
            - 1.0e+20
            - 'yes'
            - '2024-01-01 10:00:00'
            - '0:00:01.5'
            - ''
            - a b
            - 'x: y'
            - '- a'
            - "\xE9"
            - null
            - true
            - {}
            - []
            - 3
            - 0:01:00
            - 'null'
            - '~'
            - '#x'
            - a#b
            - 'a #b'
            - it's
            - '  lead'
            - 'line

              break'
            - "tab\tx"

            """.Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.Equal(expected, PyYaml.Dump(value));
    }

    [Fact]
    public void LongScalarsFoldAfterColumnEighty()
    {
        var value = Map(
            ("a", string.Concat(Enumerable.Repeat("word ", 20)) + "x"),
            ("b", new List<object?> { Map(("c", string.Concat(Enumerable.Repeat("w ", 50)) + "y")) }),
            ("d", string.Concat(Enumerable.Repeat("its ", 20))),
            ("e", string.Concat(Enumerable.Repeat("\u00e9 ", 40))));
        string expected = """
            a: word word word word word word word word word word word word word word word word
              word word word word x
            b:
            - c: w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w w
                w w w w w w w w w w w y
            d: 'its its its its its its its its its its its its its its its its its its its its '
            e: "\xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9\
              \ \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9\
              \ \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 \xE9 "

            """.Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.Equal(expected, PyYaml.Dump(value));
    }

    [Fact]
    public void NestedSequencesAndMappings()
    {
        var value = new List<object?> { new List<object?> { "a", "b" }, new List<object?>(), Map(("k", Map(("z", 1L), ("a", 2L)))) };
        Assert.Equal("- - a\n  - b\n- []\n- k:\n    a: 2\n    z: 1\n", PyYaml.Dump(value));
    }
}
