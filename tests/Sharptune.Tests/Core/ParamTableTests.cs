using Sharptune.Internal;

namespace Sharptune.Tests.Core;

/// <summary>The parameter table of a trial: compaction of finished trials and copy-on-write after it.</summary>
public sealed class ParamTableTests
{
    private static readonly FloatDistribution X = new(0, 1);
    private static readonly FloatDistribution Y = new(-1, 1);

    [Fact]
    public void CompactedTablesKeepTheirParametersAndEarlierSnapshots()
    {
        var first = Table(("x", 0.25, X), ("y", -0.5, Y));
        var second = Table(("x", 0.75, X), ("y", 0.5, Y));
        var snapshot = second.Values;
        first.Compact(null);
        second.Compact(first);

        Assert.Equal([new("x", 0.25), new("y", -0.5)], first.Values.ToArray());
        Assert.Equal([new("x", 0.75), new("y", 0.5)], second.Values.ToArray());
        Assert.Same(Y, second.Distributions["y"]);
        Assert.Equal([new("x", 0.75), new("y", 0.5)], snapshot.ToArray());
    }

    [Fact]
    public void WritesAfterCompactionLeaveTheSharedLayoutAlone()
    {
        var first = Table(("x", 0.25, X), ("y", -0.5, Y));
        var second = Table(("x", 0.75, X), ("y", 0.5, Y));
        first.Compact(null);
        second.Compact(first);

        // An appended parameter and an overwritten one change only the table written to.
        second.Set("z", 3.0, X);
        second.Set("x", 0.125, Y);
        Assert.Equal(["x", "y"], first.Values.Keys);
        Assert.Equal(0.25, first.Values["x"]);
        Assert.Same(X, first.Distributions["x"]);
        Assert.Equal(["x", "y", "z"], second.Values.Keys);
        Assert.Equal(0.125, second.Values["x"]);
        Assert.Same(Y, second.Distributions["x"]);
    }

    [Fact]
    public void DifferentLayoutsAreNotShared()
    {
        // The same names with an equal but distinct distribution object, and a different order: each keeps its own.
        var first = Table(("x", 0.25, X), ("y", -0.5, Y));
        var other = Table(("x", 0.75, new FloatDistribution(0, 1)), ("y", 0.5, Y));
        var swapped = Table(("y", 0.5, Y), ("x", 0.75, X));
        first.Compact(null);
        other.Compact(first);
        swapped.Compact(first);
        Assert.NotSame(X, other.Distributions["x"]);
        Assert.Equal(["y", "x"], swapped.Values.Keys);
        Assert.Same(X, swapped.Distributions["x"]);
    }

    [Fact]
    public void InMemoryStudiesKeepFewBytesPerFinishedTrial()
    {
        // Finished trials of one layout share their names and distributions: 5000 Random trials of five parameters
        // keep about 300 bytes each on the heap (the record, its values, its table), not the 490 they kept before.
        var study = Study.Create(new StudyOptions { Sampler = new Sharptune.Samplers.RandomSampler(seed: 3) });
        string[] names = ["x0", "x1", "x2", "x3", "x4"];
        double Objective(ITrial t) => names.Sum(n => t.SuggestFloat(n, -5, 5));
        study.Optimize(Objective, nTrials: 1000);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        study.Optimize(Objective, nTrials: 5000);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        double perTrial = (after - before) / 5000.0;
        Assert.InRange(perTrial, 100, 380);
        GC.KeepAlive(study);
    }

    private static ParamTable Table(params (string Name, double Value, Distribution Distribution)[] parameters)
    {
        var table = new ParamTable();
        foreach (var (name, value, distribution) in parameters)
        {
            table.Set(name, value, distribution);
        }

        return table;
    }
}
