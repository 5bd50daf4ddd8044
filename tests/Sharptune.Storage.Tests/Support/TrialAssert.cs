namespace Sharptune.Storages.Tests.Support;

/// <summary>Compares trials field by field, values bit for bit (NaN, infinities and −0.0 included).</summary>
internal static class TrialAssert
{
    /// <summary>Asserts that two lists hold the same trials in the same order.</summary>
    /// <param name="expected">The trials as a fresh reader sees them.</param>
    /// <param name="actual">The trials as the instance under test serves them.</param>
    public static void Same(IReadOnlyList<FrozenTrial> expected, IReadOnlyList<FrozenTrial> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            Assert.Equal((e.Number, e.TrialId, e.State), (a.Number, a.TrialId, a.State));
            Assert.Equal(e.Params, a.Params);
            Assert.Equal(e.Distributions, a.Distributions);
            Assert.Equal(e.DatetimeStart, a.DatetimeStart);
            Assert.Equal(e.DatetimeComplete, a.DatetimeComplete);
            Assert.Equal(e.Values?.Select(BitConverter.DoubleToInt64Bits), a.Values?.Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(e.IntermediateValues, a.IntermediateValues);
            Assert.Equal(e.UserAttrs, a.UserAttrs);
            Assert.Equal(e.SystemAttrs, a.SystemAttrs);
        }
    }
}
