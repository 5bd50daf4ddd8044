using Sharptune.Samplers;

namespace Sharptune.Tests.SamplerTests;

/// <summary>RandomSampler: seeded sequences, and one generator shared by threads drawing at once.</summary>
public sealed class RandomSamplerTests
{
    private static readonly FloatDistribution Unit = new(0, 1);

    [Fact]
    public void ASeedGivesItsSequence_AndAnotherSeedAnother()
    {
        double[] a = Draw(new RandomSampler(seed: 7), 1000);
        double[] b = Draw(new RandomSampler(seed: 7), 1000);
        double[] c = Draw(new RandomSampler(seed: 8), 1000);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.All(a, x => Assert.InRange(x, 0.0, 1.0));
    }

    [Fact]
    public void ThreadsDrawingAtOnceShareTheSeededSequence_EachNumberOnce()
    {
        // Each draw of a float takes one step of the generator under the sampler's lock: four threads drawing at once
        // take the same 40,000 numbers as one thread, in another order. A torn generator state would repeat or skip
        // numbers.
        const int threads = 4, each = 10_000;
        double[] expected = Draw(new RandomSampler(seed: 11), threads * each);

        var shared = new RandomSampler(seed: 11);
        var drawn = new double[threads][];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(k => new Thread(() =>
        {
            start.SignalAndWait();
            drawn[k] = Draw(shared, each);
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        double[] all = [.. drawn.SelectMany(d => d)];
        Array.Sort(all);
        Array.Sort(expected);
        Assert.Equal(expected, all);
    }

    [Fact]
    public void ReseedWhileOtherThreadsDraw_KeepsEveryDrawInRange()
    {
        var sampler = new RandomSampler(seed: 3);
        var ints = new IntDistribution(-3, 3);
        var errors = new List<Exception>();
        var workers = Enumerable.Range(0, 3).Select(_ => new Thread(() =>
        {
            try
            {
                for (int i = 0; i < 20_000; i++)
                {
                    Assert.InRange(sampler.SampleIndependent(ints), -3, 3);
                }
            }
            catch (Exception e)
            {
                lock (errors)
                {
                    errors.Add(e);
                }
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        for (int i = 0; i < 200; i++)
        {
            sampler.Reseed();
        }

        workers.ForEach(w => w.Join());
        Assert.Empty(errors);
    }

    private static double[] Draw(RandomSampler sampler, int n)
    {
        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = sampler.SampleIndependent(Unit);
        }

        return values;
    }
}
