using Sharptune.Internal;

namespace Sharptune.Tests.Core;

public class DistributionTests
{
    // The exact output of Optuna's distribution_to_json (optuna.md §1.3).
    [Theory]
    [InlineData("float01", "{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": null, \"low\": 0.0, \"high\": 1.0, \"log\": false}}")]
    [InlineData("floatlog", "{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": null, \"low\": 1e-05, \"high\": 0.1, \"log\": true}}")]
    [InlineData("floatstep", "{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": 0.1, \"low\": 0.0, \"high\": 1.0, \"log\": false}}")]
    [InlineData("floatadjusted", "{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": 0.1, \"low\": 0.0, \"high\": 1.0, \"log\": false}}")]
    [InlineData("int", "{\"name\": \"IntDistribution\", \"attributes\": {\"log\": false, \"step\": 1, \"low\": 1, \"high\": 10}}")]
    [InlineData("intlog", "{\"name\": \"IntDistribution\", \"attributes\": {\"log\": true, \"step\": 1, \"low\": 1, \"high\": 1024}}")]
    [InlineData("intstep", "{\"name\": \"IntDistribution\", \"attributes\": {\"log\": false, \"step\": 5, \"low\": 0, \"high\": 100}}")]
    [InlineData("intadjusted", "{\"name\": \"IntDistribution\", \"attributes\": {\"log\": false, \"step\": 3, \"low\": 0, \"high\": 9}}")]
    [InlineData("cat", "{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"adam\", \"sgd\"]}}")]
    [InlineData("catmixed", "{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [null, true, 1, 2.5, \"a\"]}}")]
    public void ToJsonIsByteIdenticalToOptuna(string which, string expected)
    {
        Distribution d = which switch
        {
            "float01" => new FloatDistribution(0, 1),
            "floatlog" => new FloatDistribution(1e-5, 0.1, log: true),
            "floatstep" => new FloatDistribution(0, 1, step: 0.1),
            "floatadjusted" => new FloatDistribution(0, 1.05, step: 0.1),
            "int" => new IntDistribution(1, 10),
            "intlog" => new IntDistribution(1, 1024, log: true),
            "intstep" => new IntDistribution(0, 100, step: 5),
            "intadjusted" => new IntDistribution(0, 10, step: 3),
            "cat" => new CategoricalDistribution(["adam", "sgd"]),
            "catmixed" => new CategoricalDistribution([null, true, 1, 2.5, "a"]),
            _ => throw new ArgumentException(which),
        };
        Assert.Equal(expected, d.ToJson());
        Assert.Equal(d, Distribution.FromJson(expected));
    }

    [Fact]
    public void FromJsonAcceptsDeprecatedClasses()
    {
        Assert.Equal(new FloatDistribution(0, 1), Distribution.FromJson("{\"name\": \"UniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0}}"));
        Assert.Equal(new FloatDistribution(0.001, 1, log: true), Distribution.FromJson("{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 0.001, \"high\": 1.0}}"));
        Assert.Equal(new FloatDistribution(0, 1, step: 0.25), Distribution.FromJson("{\"name\": \"DiscreteUniformDistribution\", \"attributes\": {\"low\": 0.0, \"high\": 1.0, \"q\": 0.25}}"));
        Assert.Equal(new IntDistribution(0, 10, step: 2), Distribution.FromJson("{\"name\": \"IntUniformDistribution\", \"attributes\": {\"step\": 2, \"low\": 0, \"high\": 10}}"));
        Assert.Equal(new IntDistribution(1, 100, log: true), Distribution.FromJson("{\"name\": \"IntLogUniformDistribution\", \"attributes\": {\"step\": 1, \"low\": 1, \"high\": 100}}"));
    }

    [Fact]
    public void FromJsonAcceptsAbbreviatedForm()
    {
        Assert.Equal(new FloatDistribution(0, 1), Distribution.FromJson("{\"type\":\"float\",\"low\":0,\"high\":1,\"log\":false,\"step\":null}"));
        Assert.Equal(new IntDistribution(0, 10, step: 2), Distribution.FromJson("{\"type\":\"int\",\"low\":0,\"high\":10,\"step\":2}"));
        Assert.Equal(new CategoricalDistribution(["a", 1L]), Distribution.FromJson("{\"type\":\"categorical\",\"choices\":[\"a\",1]}"));
    }

    [Fact]
    public void FromJsonRejectsUnknownTypeAndClass()
    {
        var e1 = Assert.Throws<ArgumentException>(() => Distribution.FromJson("{\"type\":\"gaussian\"}"));
        Assert.StartsWith("Unknown distribution type: gaussian", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => Distribution.FromJson("{\"name\":\"Normal\",\"attributes\":{}}"));
        Assert.StartsWith("Unknown distribution class: Normal", e2.Message);
    }

    [Fact]
    public void FloatArgumentErrorsUseOptunaMessagesInOptunaOrder()
    {
        Assert.StartsWith("The parameter `step` is not supported when `log` is true.",
            Assert.Throws<ArgumentException>(() => new FloatDistribution(2, 1, log: true, step: 0.1)).Message);
        Assert.StartsWith("`low <= high` must hold, but got (low=2.0, high=1.0).",
            Assert.Throws<ArgumentException>(() => new FloatDistribution(2, 1, log: true)).Message);
        Assert.StartsWith("`low > 0` must hold for `log=True`, but got (low=0.0, high=1.0).",
            Assert.Throws<ArgumentException>(() => new FloatDistribution(0, 1, log: true)).Message);
        Assert.StartsWith("`step > 0` must hold, but got step=0.0.",
            Assert.Throws<ArgumentException>(() => new FloatDistribution(0, 1, step: 0)).Message);
        Assert.StartsWith("`step > 0` must hold, but got step=-0.5.",
            Assert.Throws<ArgumentException>(() => new FloatDistribution(0, 1, step: -0.5)).Message);
    }

    [Fact]
    public void IntArgumentErrorsUseOptunaMessagesInOptunaOrder()
    {
        Assert.StartsWith("Samplers and other components in Optuna only accept step is 1 when `log` argument is True.",
            Assert.Throws<ArgumentException>(() => new IntDistribution(2, 1, log: true, step: 2)).Message);
        Assert.StartsWith("`low <= high` must hold, but got (low=2, high=1).",
            Assert.Throws<ArgumentException>(() => new IntDistribution(2, 1)).Message);
        Assert.StartsWith("`low >= 1` must hold for `log=True`, but got (low=0, high=10).",
            Assert.Throws<ArgumentException>(() => new IntDistribution(0, 10, log: true)).Message);
        Assert.StartsWith("`step > 0` must hold, but got step=0.",
            Assert.Throws<ArgumentException>(() => new IntDistribution(0, 10, step: 0)).Message);
    }

    [Fact]
    public void EmptyChoicesAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new CategoricalDistribution([]));
        Assert.StartsWith("The `choices` must contain one or more elements.", e.Message);
    }

    [Fact]
    public void HighIsAdjustedToTheStepGridWithOptunasWarning()
    {
        var f = new FloatDistribution(0, 1.05, step: 0.1);
        Assert.Equal(1.0, f.High);
        Assert.Equal("The distribution is specified by [0.0, 1.05] and step=0.1, but the range is not divisible by `step`. It will be replaced with [0.0, 1.0].", f.AdjustmentWarning);
        var i = new IntDistribution(0, 10, step: 3);
        Assert.Equal(9, i.High);
        Assert.Equal("The distribution is specified by [0, 10] and step=3, but the range is not divisible by `step`. It will be replaced with [0, 9].", i.AdjustmentWarning);
        Assert.Null(new FloatDistribution(0, 1, step: 0.1).AdjustmentWarning);
        Assert.Equal(0.9, new FloatDistribution(0.1, 0.95, step: 0.2).High, 12);
    }

    [Fact]
    public void SingleValuedDetection()
    {
        Assert.True(new FloatDistribution(1, 1).IsSingle);
        Assert.True(new FloatDistribution(0, 0.05, step: 0.1).IsSingle);
        Assert.False(new FloatDistribution(0, 0.1, step: 0.1).IsSingle);
        Assert.True(new IntDistribution(3, 3).IsSingle);
        Assert.True(new IntDistribution(0, 4, step: 5).IsSingle);
        Assert.False(new IntDistribution(0, 5, step: 5).IsSingle);
        Assert.True(new CategoricalDistribution(["a"]).IsSingle);
        Assert.False(new CategoricalDistribution(["a", "b"]).IsSingle);
    }

    [Fact]
    public void ContainmentFollowsTheStepGrid()
    {
        var f = new FloatDistribution(0, 1, step: 0.25);
        Assert.True(f.Contains(0.75));
        Assert.False(f.Contains(0.7));
        Assert.False(f.Contains(1.25));
        var i = new IntDistribution(1, 9, step: 2);
        Assert.True(i.Contains(5));
        Assert.False(i.Contains(4));
        var c = new CategoricalDistribution(["x", "y"]);
        Assert.True(c.Contains(1));
        Assert.False(c.Contains(2));
    }

    [Fact]
    public void InternalRepresentationRoundTrips()
    {
        var c = new CategoricalDistribution([null, true, 3, 2.5, "a", double.NaN]);
        Assert.Equal(0, c.ToInternalRepr(null));
        Assert.Equal(1, c.ToInternalRepr(true));
        Assert.Equal(2, c.ToInternalRepr(3L));
        Assert.Equal(3, c.ToInternalRepr(2.5));
        Assert.Equal(4, c.ToInternalRepr("a"));
        Assert.Equal(5, c.ToInternalRepr(double.NaN));
        Assert.Equal("a", c.ToExternalRepr(4));
        Assert.StartsWith("'b' not in (None, True, 3, 2.5, 'a', nan).", Assert.Throws<ArgumentException>(() => c.ToInternalRepr("b")).Message);
        Assert.StartsWith("'b' not in ('a',).", Assert.Throws<ArgumentException>(() => new CategoricalDistribution(["a"]).ToInternalRepr("b")).Message);

        var i = new IntDistribution(0, 10);
        Assert.Equal(7L, i.ToExternalRepr(i.ToInternalRepr(7)));
        var f = new FloatDistribution(1e-3, 1, log: true);
        Assert.StartsWith("`-1.0` is invalid value for the case log=True.", Assert.Throws<ArgumentException>(() => f.ToInternalRepr(-1.0)).Message);
        Assert.StartsWith("`nan` is invalid value.", Assert.Throws<ArgumentException>(() => f.ToInternalRepr(double.NaN)).Message);
        Assert.StartsWith("'abc' is not a valid type. float-castable value is expected.", Assert.Throws<ArgumentException>(() => f.ToInternalRepr("abc")).Message);
    }

    [Fact]
    public void CompatibilityRulesForOneNameAcrossTrials()
    {
        Distribution.CheckCompatibility(new FloatDistribution(0, 1), new FloatDistribution(-5, 5, step: 0.5));
        Assert.StartsWith("Cannot set different distribution kind to the same parameter name.",
            Assert.Throws<ArgumentException>(() => Distribution.CheckCompatibility(new FloatDistribution(0, 1), new IntDistribution(0, 1))).Message);
        Assert.StartsWith("Cannot set different log configuration to the same parameter name.",
            Assert.Throws<ArgumentException>(() => Distribution.CheckCompatibility(new FloatDistribution(1, 2), new FloatDistribution(1, 2, log: true))).Message);
        Assert.StartsWith("CategoricalDistribution does not support dynamic value space.",
            Assert.Throws<ArgumentException>(() => Distribution.CheckCompatibility(new CategoricalDistribution(["a"]), new CategoricalDistribution(["a", "b"]))).Message);
    }

    [Fact]
    public void EnumChoicesEqualTheirNames()
    {
        var d = new CategoricalDistribution([DayOfWeek.Monday, DayOfWeek.Friday]);
        Assert.Equal("{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"Monday\", \"Friday\"]}}", d.ToJson());
        Assert.Equal(d, Distribution.FromJson(d.ToJson()));
        Assert.Equal(1, d.ToInternalRepr("Friday"));
    }

    [Fact]
    public void ReprMatchesOptuna()
    {
        Assert.Equal("FloatDistribution(high=1.0, log=False, low=0.0, step=None)", new FloatDistribution(0, 1).ToString());
        Assert.Equal("IntDistribution(high=10, log=False, low=1, step=1)", new IntDistribution(1, 10).ToString());
        Assert.Equal("CategoricalDistribution(choices=('a', 'b'))", new CategoricalDistribution(["a", "b"]).ToString());
    }
}

public class PyFormatTests
{
    [Theory]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(1.0, "1.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(123456789.125, "123456789.125")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.PositiveInfinity, "inf")]
    public void FloatReprMatchesCPython(double value, string expected) => Assert.Equal(expected, PyFormat.FloatRepr(value));

    [Fact]
    public void JsonMatchesPythonDumps()
    {
        var value = new Dictionary<string, object?>
        {
            ["a"] = new List<object?> { 1, 2.0, null, true, "é\"\n" },
            ["b"] = double.NaN,
            ["c"] = double.NegativeInfinity,
        };
        Assert.Equal("{\"a\": [1, 2.0, null, true, \"\\u00e9\\\"\\n\"], \"b\": NaN, \"c\": -Infinity}", PyJson.Serialize(value));
        Assert.Equal("{\"a\":[1,2.0,null,true,\"\\u00e9\\\"\\n\"],\"b\":NaN,\"c\":-Infinity}", PyJson.Serialize(value, compact: true));
    }

    [Fact]
    public void JsonParsesPythonTokensAndRoundTrips()
    {
        const string text = "{\"x\": [1, -2.5e-3, NaN, Infinity, -Infinity, null, false, \"\\u00e9\"], \"y\": {}}";
        var parsed = Assert.IsAssignableFrom<IDictionary<string, object?>>(PyJson.Parse(text));
        var list = Assert.IsType<List<object?>>(parsed["x"]);
        Assert.Equal(1L, list[0]);
        Assert.Equal(-2.5e-3, list[1]);
        Assert.True(double.IsNaN((double)list[2]!));
        Assert.Equal(double.PositiveInfinity, list[3]);
        Assert.Equal(double.NegativeInfinity, list[4]);
        Assert.Null(list[5]);
        Assert.Equal(false, list[6]);
        Assert.Equal("é", list[7]);
        Assert.Equal("{\"x\": [1, -0.0025, NaN, Infinity, -Infinity, null, false, \"\\u00e9\"], \"y\": {}}", PyJson.Serialize(parsed));
    }

    [Theory]
    [InlineData("{\"a\": }")]
    [InlineData("[1, 2")]
    [InlineData("\"abc")]
    [InlineData("{} x")]
    public void JsonRejectsMalformedText(string text) => Assert.Throws<FormatException>(() => PyJson.Parse(text));

    [Fact]
    public void ReprOfParamsDictionaryMatchesPython()
    {
        var p = new Dictionary<string, object?> { ["x"] = 2.0, ["c"] = "it's", ["n"] = 3L, ["b"] = false, ["z"] = null };
        Assert.Equal("{'x': 2.0, 'c': \"it's\", 'n': 3, 'b': False, 'z': None}", PyFormat.Repr(p));
    }
}
