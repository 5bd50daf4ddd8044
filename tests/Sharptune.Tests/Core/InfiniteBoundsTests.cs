namespace Sharptune.Tests.Core;

/// <summary>
/// Issue #14, item 6: an infinite bound or step is refused with a message that names the argument (Optuna fails on
/// all of them when it samples), in the distribution, define-by-run trials, FixedTrial and the dynamic Suggest.Float.
/// </summary>
public class InfiniteBoundsTests
{
    public static TheoryData<double, double, double?, string, string> Cases => new()
    {
        { 0, double.PositiveInfinity, null, "high", "inf" },
        { 0, double.PositiveInfinity, 1, "high", "inf" },
        { double.NegativeInfinity, double.PositiveInfinity, null, "low", "-inf" },
        { double.NegativeInfinity, 0, null, "low", "-inf" },
        { 0, 1, double.PositiveInfinity, "step", "inf" },
        { 0, 1, double.NegativeInfinity, "step", "-inf" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Distribution_NamesTheInfiniteArgument(double low, double high, double? step, string argument, string shown)
    {
        var e = Assert.Throws<ArgumentException>(() => new FloatDistribution(low, high, step: step));
        Assert.Equal(argument, e.ParamName);
        Assert.StartsWith($"`{argument}` must be finite, but got {argument}={shown}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("nan", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Trial_RefusesAndStoresNothing(double low, double high, double? step, string argument, string shown)
    {
        _ = shown;
        var study = Study.Create();
        var trial = study.Ask();
        var e = Assert.Throws<ArgumentException>(() => trial.SuggestFloat("x", low, high, step));
        Assert.Equal(argument, e.ParamName);
        Assert.Empty(trial.Params);

        var fixedTrial = new FixedTrial(new Dictionary<string, object?> { ["x"] = 0.5 });
        Assert.Equal(argument, Assert.Throws<ArgumentException>(() => fixedTrial.SuggestFloat("x", low, high, step)).ParamName);
        Assert.Equal(argument, Assert.Throws<ArgumentException>(() => Suggest.Float(low, high, step)).ParamName);
    }

    [Fact]
    public void LogRangeWithInfiniteHigh_NamesHigh()
    {
        var e = Assert.Throws<ArgumentException>(() => new FloatDistribution(1e-3, double.PositiveInfinity, log: true));
        Assert.Equal("high", e.ParamName);
    }

    [Fact]
    public void StoredDistributionWithInfiniteBound_IsRefusedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => Distribution.FromJson(
            "{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": null, \"low\": 0.0, \"high\": Infinity, \"log\": false}}"));
        Assert.Equal("high", e.ParamName);
    }

    [Fact]
    public void LargestFiniteRange_StillWorks()
    {
        var d = new FloatDistribution(-double.MaxValue, double.MaxValue);
        Assert.Equal(double.MaxValue, d.High);
        Assert.Equal("{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": null, \"low\": -1.7976931348623157e+308, \"high\": 1.7976931348623157e+308, \"log\": false}}", d.ToJson());
    }
}
