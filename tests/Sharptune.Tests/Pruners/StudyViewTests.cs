using Sharptune.Pruners;
using Sharptune.Samplers;

namespace Sharptune.Tests.Pruners;

/// <summary>The filtered study views and the pruner hook that gives them to samplers.</summary>
public class StudyViewTests
{
    [Fact]
    public void AViewShowsOnlyTheTrialsItKeepsAndFollowsTheStudy()
    {
        var study = Study.Create(new StudyOptions { StudyName = "views", Pruner = new NopPruner() });
        for (int i = 0; i < 6; i++)
        {
            study.AddTrial(Trials.Create(TrialState.Complete, value: 10 - i));
        }

        var even = study.WithTrialFilter(t => t.Number % 2 == 0);
        Assert.True(even.IsView);
        Assert.False(study.IsView);
        Assert.Equal([0, 2, 4], even.Trials.Select(t => t.Number));
        Assert.Equal([0, 2, 4], even.GetTrials(TrialState.Complete).Select(t => t.Number));
        Assert.Equal(4, even.BestTrial.Number);
        Assert.Equal(6.0, even.BestValue);
        Assert.Equal(5, study.BestTrial.Number);
        Assert.Equal(study.StudyName, even.StudyName);
        Assert.Same(study.Storage, even.Storage);
        Assert.Same(study.Sampler, even.Sampler);
        Assert.Equal(study.Directions, even.Directions);

        // The predicate runs at every read: new trials appear in the view.
        study.AddTrial(Trials.Create(TrialState.Complete, value: 1));
        study.AddTrial(Trials.Create(TrialState.Pruned));
        Assert.Equal([0, 2, 4, 6], even.Trials.Select(t => t.Number));
        Assert.Equal(6, even.BestTrial.Number);
        Assert.Empty(even.GetTrials(TrialState.Pruned));

        // Views of views combine the filters.
        var multiplesOfFour = even.WithTrialFilter(t => t.Number % 4 == 0);
        Assert.Equal([0, 4], multiplesOfFour.Trials.Select(t => t.Number));
    }

    [Fact]
    public void AViewWithoutCompleteTrialsHasNoBestTrialAndMaximizesWithTheStudy()
    {
        var study = Study.Create(new StudyOptions { Direction = StudyDirection.Maximize });
        study.AddTrial(Trials.Create(TrialState.Complete, value: 1));
        study.AddTrial(Trials.Create(TrialState.Complete, value: 3));
        study.AddTrial(Trials.Create(TrialState.Complete, value: 2));
        var none = study.WithTrialFilter(_ => false);
        Assert.Equal("No trials are completed yet.", Assert.Throws<InvalidOperationException>(() => none.BestTrial).Message);
        var all = study.WithTrialFilter(_ => true);
        Assert.Equal(1, all.BestTrial.Number);
        Assert.Equal(3.0, all.BestValue);
    }

    [Fact]
    public async Task AViewCannotRunTrialsButStopsTheStudyItCameFrom()
    {
        var study = Study.Create(new StudyOptions { Pruner = new NopPruner() });
        var view = study.WithTrialFilter(_ => true);
        Assert.Contains("cannot be called on a view", Assert.Throws<InvalidOperationException>(() => view.Ask()).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => view.Optimize(_ => 0.0, nTrials: 1));
        await Assert.ThrowsAsync<InvalidOperationException>(() => view.OptimizeAsync((_, _) => ValueTask.FromResult(0.0), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Throws<ArgumentNullException>(() => study.WithTrialFilter(null!));

        // Stop through a view stops the study; outside an objective it is refused as on the study.
        Assert.Throws<InvalidOperationException>(() => view.Stop());
        int runs = 0;
        study.Optimize(t =>
        {
            runs++;
            study.WithTrialFilter(_ => true).Stop();
            return 0.0;
        }, nTrials: 10);
        Assert.Equal(1, runs);
    }

    [Fact]
    public void EverySamplerCallSeesThePrunersViewOfTheStudy()
    {
        var sampler = new RecordingSampler();
        var study = Study.Create(new StudyOptions { Sampler = sampler, Pruner = new ParityPruner() });
        study.Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 5);

        // The parity pruner shows a trial the trials of its own parity; every hook got that view.
        Assert.Equal(["before", "infer", "independent", "after"], sampler.Calls.Where(c => c.Trial == 4).Select(c => c.Hook));
        foreach (var (_, trial, seen) in sampler.Calls)
        {
            Assert.All(seen, n => Assert.Equal(trial % 2, n % 2));
            Assert.Contains(trial, seen);
        }

        Assert.Equal([0, 2, 4], sampler.Calls.Last(c => c.Trial == 4).Seen);
    }

    [Fact]
    public void TheDefaultHookShowsTheStudyItself()
    {
        IPruner pruner = new NopPruner();
        var study = Study.Create();
        Assert.Same(study, pruner.FilterStudy(study, Trials.Create(TrialState.Complete, value: 0)));
        Assert.False(((IPruner)new ParityPruner()).SupportsMultiObjective);
        Assert.True(pruner.SupportsMultiObjective);
    }

    /// <summary>Shows a trial's sampler only the trials whose number has the same parity.</summary>
    private sealed class ParityPruner : IPruner
    {
        public bool Prune(Study study, FrozenTrial trial) => false;

        public Study FilterStudy(Study study, FrozenTrial trial) => study.WithTrialFilter(t => t.Number % 2 == trial.Number % 2);
    }
}
