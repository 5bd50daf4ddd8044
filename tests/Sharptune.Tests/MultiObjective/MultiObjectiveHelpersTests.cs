namespace Sharptune.Tests.MultiObjectiveTests;

/// <summary>Expected values were computed with Optuna 5 (<c>compute_hypervolume</c>, <c>_solve_hssp</c>, <c>_fast_non_domination_rank</c>).</summary>
public class MultiObjectiveHelpersTests
{
    private static double[,] Rows(int m, params double[] flat)
    {
        int n = flat.Length / m;
        var r = new double[n, m];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                r[i, j] = flat[(i * m) + j];
            }
        }

        return r;
    }

    [Fact]
    public void Hypervolume2DSweep()
    {
        var p = Rows(2, 1, 4, 2, 2, 3, 1, 2.5, 2.5, 1, 4);
        Assert.Equal(12.0, Hypervolume.Compute(p, [5, 5]), 12);
        Assert.Equal(0.0, Hypervolume.Compute(new double[0, 2], [5, 5]));
        Assert.Equal(double.PositiveInfinity, Hypervolume.Compute(p, [5, double.PositiveInfinity]));
    }

    [Fact]
    public void Hypervolume3DGrid()
    {
        var p = Rows(3, 0.6, 0.7, 0.3, 0.5, 0.9, 0.9, 0.1, 0.2, 0.1, 0.4, 0.0, 0.5, 0.6, 0.3, 0.7, 0.6, 0.0, 0.6, 0.3, 0.4, 0.3, 0.7, 0.4, 0.2, 0.5, 0.8, 0.3, 0.2, 0.4, 0.9, 1.0, 0.7, 0.9, 0.8, 0.4, 0.1);
        Assert.Equal(0.9840000000000002, Hypervolume.Compute(p, [1.1, 1.1, 1.1]), 12);
        Assert.Equal(0.9840000000000002, Hypervolume.Compute(p, [1.1, 1.1, 1.1], assumePareto: true), 12);
    }

    [Fact]
    public void Hypervolume4DWfg()
    {
        var p = Rows(4, 0.7, 0.6, 0.4, 0.2, 0.4, 0.5, 0.3, 0.3, 0.5, 0.9, 0.6, 0.3, 0.3, 0.5, 0.2, 0.2, 0.5, 0.1, 0.5, 0.4, 0.7, 0.7, 0.7, 0.7, 0.4, 0.7, 0.3, 0.6, 0.3, 0.4, 0.1, 0.2, 1.0, 0.2, 0.7, 0.7, 0.7, 0.5, 0.6, 0.1);
        Assert.Equal(0.9305999999999996, Hypervolume.Compute(p, [1.2, 1.2, 1.2, 1.2]), 12);
    }

    [Fact]
    public void HypervolumeRejectsPointsBeyondTheReference()
    {
        var e = Assert.Throws<ArgumentException>(() => Hypervolume.Compute(Rows(2, 1, 6), [5, 5]));
        Assert.Equal("All points must dominate or equal the reference point. That is, for all points in the loss_vals and the coordinate `i`, `loss_vals[i] <= reference_point[i]`.", e.Message);
        Assert.Throws<ArgumentException>(() => Hypervolume.Compute(Rows(2, 1, 2), [5, 5, 5]));
    }

    [Fact]
    public void Hypervolume3DMatchesWfgOnRandomFronts()
    {
        var rng = new Random(11);
        for (int rep = 0; rep < 20; rep++)
        {
            int n = rng.Next(1, 15);
            var flat = new double[n * 3];
            for (int i = 0; i < flat.Length; i++)
            {
                flat[i] = Math.Round(rng.NextDouble() * 10) / 10;
            }

            double grid = Hypervolume.Compute(flat, n, [1.5, 1.5, 1.5], assumePareto: false);
            double slicing = BruteForce(flat, n, [1.5, 1.5, 1.5]);
            Assert.Equal(slicing, grid, 10);
        }
    }

    /// <summary>Inclusion–exclusion over all subsets (small n only).</summary>
    private static double BruteForce(double[] flat, int n, double[] reference)
    {
        int m = reference.Length;
        double total = 0;
        for (int mask = 1; mask < (1 << n); mask++)
        {
            var corner = new double[m];
            Array.Fill(corner, double.NegativeInfinity);
            int bits = 0;
            for (int i = 0; i < n; i++)
            {
                if ((mask & (1 << i)) != 0)
                {
                    bits++;
                    for (int j = 0; j < m; j++)
                    {
                        corner[j] = Math.Max(corner[j], flat[(i * m) + j]);
                    }
                }
            }

            double v = 1;
            for (int j = 0; j < m; j++)
            {
                v *= reference[j] - corner[j];
            }

            total += bits % 2 == 1 ? v : -v;
        }

        return total;
    }

    [Fact]
    public void NonDominationRanks()
    {
        var l = Rows(2, 0, 1, 1, 1, 1, 3, 1, 5, 3, 3, 4, 1, 5, 4, 4, 2, 4, 4, 3, 5, 3, 2, 3, 1, 1, 4, 4, 5, 4, 3);
        Assert.Equal([0, 1, 2, 4, 4, 3, 7, 4, 6, 5, 3, 2, 3, 7, 5], NonDominatedSorting.Ranks(l));
        Assert.Equal([0, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 2, 3, 3, 3], NonDominatedSorting.Ranks(l, nBelow: 4));
        double[] penalty = [0, 0, 1, 0, 2, 0, 0, 0.5, 0, 0, 0, 3, 0, 0, -1];
        Assert.Equal([0, 1, 7, 3, 8, 2, 5, 6, 4, 4, 2, 9, 2, 5, 3], NonDominatedSorting.Ranks(l, penalty));

        var l3 = Rows(3, 0, 2, 4, 3, 2, 2, 1, 1, 0, 4, 3, 1, 2, 0, 1, 3, 3, 2, 1, 3, 4, 2, 0, 0, 0, 4, 2, 3, 1, 1, 3, 4, 1, 0, 3, 1);
        Assert.Equal([0, 3, 0, 3, 1, 4, 1, 0, 1, 2, 3, 0], NonDominatedSorting.Ranks(l3));
    }

    [Fact]
    public void NonDominationRankErrors()
    {
        var l = Rows(2, 0, 1, 1, 0);
        var e = Assert.Throws<ArgumentException>(() => NonDominatedSorting.Ranks(l, [0.0]));
        Assert.StartsWith("The length of penalty and loss_values must be same, but got len(penalty)=1 and len(loss_values)=2.", e.Message);
        Assert.Empty(NonDominatedSorting.Ranks(new double[0, 2]));
    }

    [Fact]
    public void GreedySubsetSelection2D()
    {
        var f = Rows(2, 0.13946712418246032, 0.6265470254738084, 0.158033654701494, 0.6024655301719183, 0.31381911523322203, 0.43980439556060236, 0.3591075248634914, 0.4007441907970425, 0.41958275668294454, 0.35224792035614083, 0.6949634351408759, 0.16635533040696782, 0.7266897514901979, 0.14753900295075206, 0.7271520787467093, 0.14726787397992958, 0.7410824063995626, 0.1391385672481531, 0.8414196190311481, 0.08271072227396659);
        Assert.Equal([2, 5, 0, 4], Hypervolume.SelectSubset(f, 4, [1.1, 1.1]));
    }

    [Fact]
    public void GreedySubsetSelection3DAnd4D()
    {
        var f3 = Rows(3, 0.47823106775444496, 0.03806356710570176, 0.4837053651398532, 0.28520959594864936, 0.6332961959794853, 0.08149420807186537, 0.10129795896369538, 0.12154989308508334, 0.7771521479512213, 0.6437599664280883, 0.22998902293978712, 0.1262510106321246, 0.08076259089102311, 0.4282011016335647, 0.49103630747541216, 0.04554279654394732, 0.11463078156378852, 0.8398264218922642, 0.7277915998222307, 0.1458110112116903, 0.12639738896607902, 0.3915381344851461, 0.5386742965289498, 0.06978756898590396, 0.4455553070540414, 0.187991202866391, 0.3664534900795677);
        Assert.Equal([8, 1, 4, 0], Hypervolume.SelectSubset(f3, 4, [1.1, 1.1, 1.1]));
        var f4 = Rows(4, 0.04829888953162366, 0.6184918759601534, 0.25587729713485396, 0.07733193737336888, 0.48995640262976814, 0.19911977900037015, 0.3032335739809881, 0.007690244388873538, 0.02284868092107386, 0.541851062548924, 0.14503256209072185, 0.29026769443928035, 0.026346371281958145, 0.5914741783730312, 0.10833303520810815, 0.2738464151369025, 0.026081248369751044, 0.2210149104168224, 0.021802788242074732, 0.7311010529713519, 0.38966728031159015, 0.046880831558659, 0.052537066227535685, 0.5109148219022153, 0.05090005473639109, 0.13154295630424015, 0.37140438922398383, 0.446152599735385, 0.26729285509916645, 0.29584650798970985, 0.14243982724952828, 0.2944208096615955);
        Assert.Equal([7, 6, 1], Hypervolume.SelectSubset(f4, 3, [1.1, 1.1, 1.1, 1.1]));
    }

    [Fact]
    public void SubsetSelectionFillsWithDuplicatesLast()
    {
        var dup = Rows(2, 1, 2, 1, 2, 2, 1, 2, 1, 1.5, 1.5);
        Assert.Equal([0, 1, 2, 4], Hypervolume.SelectSubset(dup, 4, [3, 3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hypervolume.SelectSubset(dup, 6, [3, 3]));
    }
}
