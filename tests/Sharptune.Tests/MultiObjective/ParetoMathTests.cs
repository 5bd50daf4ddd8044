using Sharptune.Samplers.Nsga;

namespace Sharptune.Tests.MultiObjectiveTests;

public class ParetoMathTests
{
    [Fact]
    public void NonDominationRanksPeelFronts()
    {
        double[][] loss = [[1, 5], [2, 2], [5, 1], [3, 3], [6, 6], [2, 2], [4, 4]];
        Assert.Equal([0, 0, 0, 1, 3, 0, 2], ParetoMath.NonDominationRanks(loss));
    }

    [Fact]
    public void PenaltyRanksFeasibleFirstThenByViolation()
    {
        double[][] loss = [[1, 1], [5, 5], [0, 0], [0, 0], [3, 3]];
        double[] penalty = [0, 0, 2, 0.5, 2];
        // Feasible: (1,1) rank 0, (5,5) rank 1; infeasible by penalty: 0.5 → 2, then 2 and 2 → 3.
        Assert.Equal([0, 1, 3, 2, 3], ParetoMath.NonDominationRanks(loss, penalty));
        Assert.Equal([0, 1, 0], ParetoMath.NonDominationRanks([[0.0], [1.0], [0.0]], [1.0, 2.0, 1.0]));
    }

    [Fact]
    public void CrowdingDistancePrefersExtremesThenSparseRegions()
    {
        // Sorted by the first objective: 0, 1, 2, 4, 8 (second objective mirrored). Extremes are infinite; interior
        // distances are ((x[j+1]−x[j−1]) / 8) per objective, twice.
        double[][] front = [[2, 6], [0, 8], [8, 0], [4, 4], [1, 7]];
        var order = ParetoMath.CrowdingDistanceOrder(front);
        Assert.Equal(new HashSet<int> { 1, 2 }, order.Take(2).ToHashSet());
        Assert.Equal([3, 0, 4], order.Skip(2).ToArray()); // 4 → (8−2)/8·2 = 1.5; 2 → (4−1)/8·2 = 0.75; 1 → (2−0)/8·2 = 0.5
    }

    [Fact]
    public void CrowdingDistanceIgnoresConstantObjectives()
    {
        double[][] front = [[1, 3], [1, 1], [1, 2]];
        var order = ParetoMath.CrowdingDistanceOrder(front);
        Assert.Equal(2, order[^1]); // the middle point of the second objective
    }

    [Fact]
    public void HypervolumeMatchesHandComputedValues()
    {
        Assert.Equal(3.0, ParetoMath.Hypervolume([[1.0, 2.0], [2.0, 1.0]], [3.0, 3.0]), 12);
        Assert.Equal(0.0, ParetoMath.Hypervolume([[4.0, 1.0]], [3.0, 3.0]));
        // 3-D: union of [1,3]×[2,3]×[2,3] … two boxes overlapping.
        double[][] pts = [[1, 2, 2], [2, 1, 1]];
        double expected = (2 * 1 * 1) + (1 * 2 * 2) - (1 * 1 * 1);
        Assert.Equal(expected, ParetoMath.Hypervolume(pts, [3.0, 3.0, 3.0]), 12);
        // Dominated points change nothing.
        Assert.Equal(3.0, ParetoMath.Hypervolume([[1.0, 2.0], [2.0, 1.0], [2.5, 2.5]], [3.0, 3.0]), 12);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void NonDominatedBoxesTileTheComplementOfTheDominatedRegion(int m)
    {
        var rng = new Random(3);
        var pts = Enumerable.Range(0, 12).Select(_ => Enumerable.Range(0, m).Select(_ => rng.NextDouble()).ToArray()).ToList();
        var reference = Enumerable.Repeat(1.2, m).ToArray();
        var boxes = ParetoMath.NonDominatedBoxes(pts, reference);

        // Clip the open lower bounds at 0: the boxes then tile [0, ref] minus the dominated region.
        double volume = boxes.Sum(b => Enumerable.Range(0, m).Aggregate(1.0, (acc, i) => acc * (b.Upper[i] - Math.Max(b.Lower[i], 0))));
        double total = Math.Pow(1.2, m);
        Assert.Equal(total - ParetoMath.Hypervolume(pts, reference), volume, 10);

        // The improvement of a new point is the hypervolume it adds.
        var y = Enumerable.Repeat(0.3, m).ToArray();
        double hvi = boxes.Sum(b => Enumerable.Range(0, m).Aggregate(1.0, (acc, i) => acc * Math.Max(0, Math.Min(b.Upper[i] - y[i], b.Upper[i] - b.Lower[i]))));
        double added = ParetoMath.Hypervolume([.. pts, y], reference) - ParetoMath.Hypervolume(pts, reference);
        Assert.Equal(added, hvi, 10);
    }

    [Fact]
    public void ParetoFrontKeepsDuplicates()
    {
        Assert.Equal([true, true, false, true], ParetoMath.IsParetoFront([[1.0, 1.0], [1.0, 1.0], [2.0, 2.0], [0.0, 3.0]]));
    }
}
