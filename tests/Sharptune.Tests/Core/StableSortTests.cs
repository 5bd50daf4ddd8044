using Sharptune.Internal;

namespace Sharptune.Tests.Core;

/// <summary>The stable key sort of TPE's candidates and hypervolume selection, with its runs, merges and scratch sizes.</summary>
public sealed class StableSortTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(24)]
    [InlineData(16)] // one insertion-sorted run
    [InlineData(17)] // the shortest input that merges
    [InlineData(72)] // TPE's refinement candidates
    [InlineData(257)] // scratch on the heap, not the stack
    [InlineData(300)]
    public void KeysAscendThenItemsAscendOnTies(int length)
    {
        var rng = new Random(length + 7);
        double[] pool = [double.NaN, double.NegativeInfinity, -1.5, -0.0, 0.0, 0.25, 3.0, double.PositiveInfinity];
        for (int round = 0; round < 20; round++)
        {
            var keys = new double[length];
            var items = new int[length];
            for (int i = 0; i < length; i++)
            {
                // Few distinct keys, so that most have ties; the items are a shuffled permutation.
                keys[i] = round % 2 == 0 ? pool[rng.Next(pool.Length)] : rng.Next(5) - 2.0;
                items[i] = i;
            }

            rng.Shuffle(items);
            var expected = keys.Zip(items).OrderBy(p => p.First).ThenBy(p => p.Second).ToArray();

            StableSort.Sort(keys, items);

            for (int i = 0; i < length; i++)
            {
                Assert.Equal(expected[i].First, keys[i]);
                Assert.Equal(expected[i].Second, items[i]);
            }
        }
    }
}
