namespace Sharptune.Tests.MultiObjectiveTests;

/// <summary>
/// Multi-objective TPE's split (and PED-ANOVA's top trials): whole non-domination ranks, then the next rank cut by
/// greedy hypervolume subset selection against that rank's worst point pushed out by 10%.
/// </summary>
public class ParetoSelectionTests
{
    // Rank 0: A (0) and B (1). Rank 1: C (2), D (3) and E (4); A dominates E, nothing in rank 0 dominates C or D.
    // Reference of rank 1: max (3.1, 3) × 1.1 = (3.41, 3.3). Alone, the boxes are C 2.41·0.3 = 0.723,
    // D 0.31·2.3 = 0.713, E 0.91·0.8 = 0.728; next to E, C keeps 0.723 − 0.91·0.3 = 0.45 and D 0.713 − 0.31·0.8 = 0.465.
    private static readonly double[] Loss = [0, 2, 2, 0, 1, 3, 3.1, 1, 2.5, 2.5];

    [Fact]
    public void WholeRanksComeFirstThenTheLargestHypervolumeContribution()
    {
        Assert.Equal([0, 1, 4], ParetoSelection.SelectBest(Loss, 5, 2, 3));
        Assert.Equal([0, 1, 3, 4], ParetoSelection.SelectBest(Loss, 5, 2, 4).Order());
    }

    [Theory]
    [InlineData(-1, new int[0])]
    [InlineData(0, new int[0])]
    [InlineData(2, new[] { 0, 1 })]
    [InlineData(5, new[] { 0, 1, 2, 3, 4 })]
    [InlineData(9, new[] { 0, 1, 2, 3, 4 })]
    public void CountsAtTheEdgesTakeWholeRanksOrEverything(int count, int[] expected) =>
        Assert.Equal(expected, ParetoSelection.SelectBest(Loss, 5, 2, count));
}
