using Sharptune.Samplers.Tpe;

namespace Sharptune.Tests.Tpe;

/// <summary>The packed layouts of the acquisition's argmax: one run of blocks, wide blocks, and cells.</summary>
public sealed class PackedKernelsTests
{
    [Theory]
    [InlineData(2, 1)]
    [InlineData(2, 7)]
    [InlineData(3, 8)]
    [InlineData(3, 9)]
    [InlineData(5, 100)]
    [InlineData(5, 1001)]
    [InlineData(4, 3500)] // past MinCellKernels: cells
    public void EveryLayoutChoosesThePointOfTheFullEvaluation(int dims, int kernels)
    {
        var rng = new Random((dims * 1009) + kernels);
        var mus = new double[dims][];
        var invs = new double[dims][];
        for (int j = 0; j < dims; j++)
        {
            // Means crowded near 0.3 (as late TPE trials are) with a spread-out rest; bandwidths vary tenfold.
            mus[j] = Enumerable.Range(0, kernels).Select(_ => rng.NextDouble() < 0.7 ? 0.3 + (0.02 * rng.NextDouble()) : rng.NextDouble()).ToArray();
            invs[j] = Enumerable.Range(0, kernels).Select(_ => 5 + (45 * rng.NextDouble())).ToArray();
            mus[j][kernels - 1] = 0.5; // the prior: wide, in the middle
            invs[j][kernels - 1] = 0.7;
        }

        var start = Enumerable.Range(0, kernels).Select(_ => -Math.Log(kernels) - (3 * rng.NextDouble())).ToArray();
        var order = Enumerable.Range(0, kernels - 1).OrderBy(k => mus[0][k]).Append(kernels - 1).ToArray();
        const int N = 72;
        var xs = new double[N * dims];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = rng.NextDouble() < 0.8 ? 0.3 + (0.03 * rng.NextDouble()) : rng.NextDouble();
        }

        var inside = Enumerable.Range(0, N).Select(c => c != 11).ToArray(); // one point outside the space
        for (int rep = 0; rep < 6; rep++)
        {
            var logL = Enumerable.Range(0, N).Select(_ => 2 * rng.NextDouble()).ToArray();
            if (rep == 5)
            {
                logL[3] = double.NaN; // skipped
                logL[11] = double.NegativeInfinity; // outside and −∞: NaN score, skipped too
            }

            int expected = FullEvaluation(xs, dims, start, mus, invs, logL, inside);
            foreach (var layout in Layouts(kernels, mus, invs, order, start))
            {
                Assert.Equal(expected, layout.ArgMaxRatio(xs, N, logL, inside));
            }
        }

        // Each point's largest term exactly, and its log-sum up to rounding, in every layout.
        foreach (var layout in Layouts(kernels, mus, invs, order, start))
        {
            for (int c = 0; c < N; c++)
            {
                var (max, logSum) = Terms(xs, dims, c, start, mus, invs);
                var (layoutMax, layoutLogSum) = layout.ArgMaxTerms(xs, N, c);
                Assert.Equal(max, layoutMax);
                Assert.Equal(logSum, layoutLogSum, 1e-12 * Math.Max(1, Math.Abs(logSum)));
            }
        }
    }

    [Fact]
    public void ALayoutWithRoomKeptThroughAddsRemovalsAndNewBandwidthsAgreesWithTheFullEvaluation()
    {
        // Kernel indices 0..3499 laid out with room, the prior at the last index; then kernels join (placed in their
        // cells while there is room), leave and get new bandwidths, as a kept TPE mixture does between trials.
        const int Dims = 4, Capacity = 5000, Prior = Capacity - 1, Initial = 3500;
        var rng = new Random(17);
        var mus = new double[Dims][];
        var invs = new double[Dims][];
        for (int j = 0; j < Dims; j++)
        {
            mus[j] = Enumerable.Range(0, Capacity).Select(_ => rng.NextDouble() < 0.7 ? 0.3 + (0.02 * rng.NextDouble()) : rng.NextDouble()).ToArray();
            invs[j] = Enumerable.Range(0, Capacity).Select(_ => 5 + (45 * rng.NextDouble())).ToArray();
            mus[j][Prior] = 0.5;
            invs[j][Prior] = 0.7;
            for (int k = Initial; k < Prior; k++)
            {
                // The kernels that join later crowd one spot, as TPE's late trials do: their cells fill up.
                mus[j][k] = rng.NextDouble() < 0.5 ? 0.31 + (0.002 * rng.NextDouble()) : rng.NextDouble();
            }
        }

        var start = Enumerable.Range(0, Capacity).Select(_ => -Math.Log(Initial) - (3 * rng.NextDouble())).ToArray();
        var order = Enumerable.Range(0, Initial).OrderBy(k => mus[0][k]).Append(Prior).ToArray();
        var layout = PackedKernels.ByCells(Initial + 1, mus, invs, order, null, 0, room: 0.25, indexCapacity: Capacity);
        var packed = new SortedSet<int>(Enumerable.Range(0, Initial).Append(Prior));
        Assert.Equal(packed.Count, layout.PackedCount);

        int added = 0, refused = 0;
        for (int k = Initial; k < Initial + 400; k++)
        {
            if (layout.TryAdd(k, mus.Select(m => m[k]).ToArray(), invs.Select(v => v[k]).ToArray()))
            {
                packed.Add(k);
                added++;
            }
            else
            {
                refused++;
            }
        }

        var leaving = packed.Where(k => k != Prior).OrderBy(_ => rng.Next()).Take(300).ToList();
        foreach (int k in leaving)
        {
            layout.Remove(k);
            packed.Remove(k);
        }

        foreach (int k in packed.Where(k => k != Prior).OrderBy(_ => rng.Next()).Take(150).ToList())
        {
            int j = rng.Next(Dims);
            invs[j][k] = rng.NextDouble() < 0.5 ? invs[j][k] * 0.3 : invs[j][k] * 3; // narrower and wider kernels
            layout.SetInv(k, j, invs[j][k]);
        }

        // Crowded cells fill up: some kernels were refused, most placed.
        Assert.True(added > 300, $"{added} placed");
        Assert.True(refused > 0, "no cell filled up");
        Assert.Equal(packed.Count, layout.PackedCount);
        layout.SetStart(start);

        // The same mixture compacted: the full evaluation's reference.
        var members = packed.ToArray();
        var cMus = mus.Select(m => members.Select(k => m[k]).ToArray()).ToArray();
        var cInvs = invs.Select(v => members.Select(k => v[k]).ToArray()).ToArray();
        var cStart = members.Select(k => start[k]).ToArray();
        const int N = 72;
        var xs = new double[N * Dims];
        for (int i = 0; i < xs.Length; i++)
        {
            xs[i] = rng.NextDouble() < 0.8 ? 0.3 + (0.03 * rng.NextDouble()) : rng.NextDouble();
        }

        var inside = Enumerable.Range(0, N).Select(_ => true).ToArray();
        for (int rep = 0; rep < 5; rep++)
        {
            var logL = Enumerable.Range(0, N).Select(_ => 2 * rng.NextDouble()).ToArray();
            Assert.Equal(FullEvaluation(xs, Dims, cStart, cMus, cInvs, logL, inside), layout.ArgMaxRatio(xs, N, logL, inside));
        }

        for (int c = 0; c < N; c++)
        {
            var (max, logSum) = Terms(xs, Dims, c, cStart, cMus, cInvs);
            var (layoutMax, layoutLogSum) = layout.ArgMaxTerms(xs, N, c);
            Assert.Equal(max, layoutMax);
            Assert.Equal(logSum, layoutLogSum, 1e-12 * Math.Max(1, Math.Abs(logSum)));
        }
    }

    private static IEnumerable<PackedKernels> Layouts(int kernels, double[][] mus, double[][] invs, int[] order, double[] start)
    {
        var narrow = new PackedKernels(kernels, mus, invs, order, null);
        narrow.SetStart(start);
        yield return narrow;
        var wide = new PackedKernels(kernels, mus, invs, order, null, wide: true);
        wide.SetStart(start);
        yield return wide;
        if (kernels >= PackedKernels.MinCellKernels)
        {
            var cells = PackedKernels.ByCells(kernels, mus, invs, order, null, 0);
            cells.SetStart(start);
            yield return cells;
        }
    }

    private static (double Max, double LogSum) Terms(double[] xs, int dims, int c, double[] start, double[][] mus, double[][] invs)
    {
        var terms = new double[start.Length];
        for (int k = 0; k < start.Length; k++)
        {
            double t = start[k];
            for (int j = 0; j < dims; j++)
            {
                double d = (xs[(c * dims) + j] - mus[j][k]) * invs[j][k];
                t -= d * d;
            }

            terms[k] = t;
        }

        double max = terms.Max();
        return (max, max + Math.Log(terms.Sum(t => Math.Exp(t - max))));
    }

    // The argmax of logL − log Σ_k exp(start_k − Σ_j ((x_j − mu_jk) · inv_jk)²) computed term by term, first on ties,
    // NaN scores skipped, points outside scoring against −∞.
    private static int FullEvaluation(double[] xs, int dims, double[] start, double[][] mus, double[][] invs, double[] logL, bool[] inside)
    {
        int best = -1;
        double bestScore = double.NegativeInfinity;
        for (int c = 0; c < logL.Length; c++)
        {
            double logG = inside[c] ? Terms(xs, dims, c, start, mus, invs).LogSum : double.NegativeInfinity;

            double score = logL[c] - logG;
            if (!double.IsNaN(score) && (best < 0 || score > bestScore))
            {
                best = c;
                bestScore = score;
            }
        }

        return Math.Max(best, 0);
    }
}
