using Sharptune.Internal;

namespace Sharptune.Tests.Core;

/// <summary>The parameter table of a trial: compaction of finished trials, layouts shared with later trials, and copy-on-write after either.</summary>
/// <remarks>In the timing collection: one test measures the heap of the whole process.</remarks>
[Collection(Support.TimingCollection.Name)]
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

    [Fact]
    public void ATableLaidOutAsASealedOneSharesItsNamesAndDistributions()
    {
        var layout = Table(("x", 0.25, X), ("y", -0.5, Y));
        layout.Seal();
        var next = new ParamTable(layout);
        var empty = next.Values;
        next.Set("x", 0.75, X);
        var half = next.Values;
        next.Set("y", 0.5, Y);

        Assert.Equal([new("x", 0.75), new("y", 0.5)], next.Values.ToArray());
        Assert.Equal([new("x", 0.75)], half.ToArray());
        Assert.Empty(empty);
        Assert.Equal([new("x", 0.25), new("y", -0.5)], layout.Values.ToArray());

        // The same suggestions again allocate the table and its values (about 100 bytes), no names or distributions
        // arrays (a table of its own allocates three arrays of eight, over 300 bytes).
        long before = GC.GetAllocatedBytesForCurrentThread();
        var again = new ParamTable(layout);
        again.Set("x", 0.5, X);
        again.Set("y", 0.0, Y);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 1, 160);
        Assert.Equal([new("x", 0.5), new("y", 0.0)], again.Values.ToArray());
    }

    [Fact]
    public void LookupsOnALaidOutTableSeeOnlyWhatWasAppended()
    {
        var layout = Table(("x", 0.25, X), ("y", -0.5, Y), ("z", 1.5, X));
        layout.Seal();
        var next = new ParamTable(layout);
        Assert.False(next.TryGet("x", out _, out _)); // the layout's next name: not in the table yet
        next.Set("x", 0.75, X);
        Assert.False(next.TryGet("y", out _, out _));
        Assert.False(next.TryGet("z", out _, out _)); // further on in the layout
        Assert.False(next.Contains(new string('y', 1))); // the same name as another string object
        Assert.True(next.TryGet("x", out double x, out var dx));
        Assert.Equal(0.75, x);
        Assert.Same(X, dx);
        next.Set("y", 0.5, Y);
        Assert.True(next.TryGet(new string('y', 1), out double y, out _));
        Assert.Equal(0.5, y);
        Assert.False(next.TryGet("z", out _, out _));

        // Off the layout (another name), the table has its own arrays: the lookups are the same.
        next.Set("w", 2.0, Y);
        Assert.False(next.TryGet("z", out _, out _));
        Assert.True(next.TryGet("w", out double w, out _));
        Assert.Equal(2.0, w);
    }

    [Fact]
    public void ATableThatLeavesItsLayoutCopiesItAndLeavesTheLayoutAlone()
    {
        var layout = Table(("x", 0.25, X), ("y", -0.5, Y));
        layout.Seal();

        // Another name, an equal but distinct distribution, a parameter past the layout's end, an overwrite.
        var renamed = new ParamTable(layout);
        renamed.Set("x", 0.5, X);
        renamed.Set("z", 1.0, Y);
        var redistributed = new ParamTable(layout);
        redistributed.Set("x", 0.5, new FloatDistribution(0, 1));
        var longer = new ParamTable(layout);
        longer.Set("x", 0.5, X);
        longer.Set("y", 0.5, Y);
        longer.Set("w", 2.0, X);
        var overwritten = new ParamTable(layout);
        overwritten.Set("x", 0.5, X);
        overwritten.Set("x", 0.625, Y);

        Assert.Equal([new("x", 0.5), new("z", 1.0)], renamed.Values.ToArray());
        Assert.NotSame(X, redistributed.Distributions["x"]);
        Assert.Equal(["x", "y", "w"], longer.Values.Keys);
        Assert.Equal(2.0, longer.Values["w"]);
        Assert.Equal([new("x", 0.625)], overwritten.Values.ToArray());
        Assert.Same(Y, overwritten.Distributions["x"]);
        Assert.Equal([new("x", 0.25), new("y", -0.5)], layout.Values.ToArray());
        Assert.Same(X, layout.Distributions["x"]);
        Assert.Same(Y, layout.Distributions["y"]);
    }

    [Fact]
    public void ALaidOutTableFindsItsParametersPastEight()
    {
        var names = Enumerable.Range(0, 12).Select(i => "p" + i).ToArray();
        var layout = new ParamTable();
        foreach (string name in names)
        {
            layout.Set(name, 1.0, X);
        }

        layout.Seal();
        var next = new ParamTable(layout);
        for (int i = 0; i < names.Length; i++)
        {
            next.Set(names[i], i, X);
        }

        for (int i = 0; i < names.Length; i++)
        {
            Assert.True(next.TryGet(names[i], out double value, out var distribution));
            Assert.Equal(i, value);
            Assert.Same(X, distribution);
        }

        Assert.False(next.TryGet("p12", out _, out _));
        Assert.Equal(names, next.Values.Keys);
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
