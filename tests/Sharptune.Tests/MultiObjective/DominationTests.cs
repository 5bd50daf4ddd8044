namespace Sharptune.Tests.MultiObjectiveTests;

/// <summary>
/// The library has one domination test (<see cref="ParetoMath.Dominates(ReadOnlySpan{double}, ReadOnlySpan{double})"/>);
/// the value-vector form, the public <see cref="MultiObjective.Dominates"/> and the trial form all end there.
/// </summary>
public class DominationTests
{
    private static readonly StudyDirection[] MinMax = [StudyDirection.Minimize, StudyDirection.Maximize];

    private static readonly double[][] Vectors =
    [
        [1, 5], [1, 5], [2, 5], [1, 4], [0, 6], [3, 3], [double.NegativeInfinity, 0], [double.PositiveInfinity, double.PositiveInfinity],
    ];

    private static FrozenTrial Trial(int number, TrialState state, double[]? values) =>
        new(number, state, values, null, null, null, null, null, null, null, number);

    [Fact]
    public void EveryFormAgreesWithTheLossVectorTest()
    {
        int dominating = 0;
        for (int i = 0; i < Vectors.Length; i++)
        {
            for (int j = 0; j < Vectors.Length; j++)
            {
                double[] a = Vectors[i], b = Vectors[j];
                double[] lossA = [a[0], -a[1]], lossB = [b[0], -b[1]];
                bool expected = ParetoMath.Dominates(lossA, lossB);
                dominating += expected ? 1 : 0;
                Assert.Equal(expected, MultiObjective.Dominates(a, b, MinMax));
                Assert.Equal(expected, ParetoMath.Dominates(a, b, MinMax));
                Assert.Equal(expected, TrialDomination.Dominates(Trial(i, TrialState.Complete, a), Trial(j, TrialState.Complete, b), MinMax));
            }
        }

        Assert.True(dominating > 0);
    }

    [Fact]
    public void MinimizeAndMaximizeHandExamples()
    {
        Assert.True(MultiObjective.Dominates([1, 5], [2, 5], MinMax));
        Assert.True(MultiObjective.Dominates([1, 5], [1, 4], MinMax));
        Assert.False(MultiObjective.Dominates([1, 5], [1, 5], MinMax)); // equal vectors do not dominate
        Assert.False(MultiObjective.Dominates([1, 5], [0, 6], MinMax));
        Assert.True(MultiObjective.Dominates([0, 6], [1, 5], MinMax));
        Assert.False(MultiObjective.Dominates([3, 3], [1, 4], MinMax)); // better in one objective, worse in the other
    }

    [Fact]
    public void TrialsThatDidNotCompleteNeverDominateAndAreAlwaysDominated()
    {
        var complete = Trial(0, TrialState.Complete, [5, 0]);
        var failed = Trial(1, TrialState.Fail, null);
        Assert.True(TrialDomination.Dominates(complete, failed, MinMax));
        Assert.False(TrialDomination.Dominates(failed, complete, MinMax));
        Assert.False(TrialDomination.Dominates(failed, failed, MinMax));
    }

    [Fact]
    public void PublicDominatesRejectsNullArguments()
    {
        Assert.Equal("a", Assert.Throws<ArgumentNullException>(() => MultiObjective.Dominates(null!, [1.0], [StudyDirection.Minimize])).ParamName);
        Assert.Equal("directions", Assert.Throws<ArgumentNullException>(() => MultiObjective.Dominates([1.0], [1.0], null!)).ParamName);
    }
}
