using Sharptune.Samplers;
using Sharptune.Storages;

namespace Sharptune.Tests.Core;

/// <summary>
/// The in-memory storage's short trial path: one lock for the ask, a live trial that reads the storage's own parameter
/// table (under RandomSampler; other samplers keep a copy), a single objective value stored as a number and made a list
/// only when read, the stored completion time shared with the live trial, and trial ids found in the only study's list
/// until there is a second study. Each test checks that what a reader sees is what the general path gives.
/// </summary>
public sealed class InMemoryTrialPathTests
{
    [Fact]
    public void OptimizeLoopStoresEachSingleValue_AndTheBestTrial_AsTheLiveTrialSawThem()
    {
        var seen = new List<FrozenTrial>();
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 3), Direction = StudyDirection.Maximize });
        study.Optimize(t => t.SuggestFloat("x", -2, 2) + t.SuggestFloat("y", -2, 2), new OptimizeOptions { NTrials = 20, Callbacks = [(_, t) => seen.Add(t)] });

        var stored = study.Trials;
        Assert.Equal(20, stored.Count);
        for (int i = 0; i < stored.Count; i++)
        {
            var t = stored[i];
            Assert.Equal(TrialState.Complete, t.State);
            Assert.Equal((double)t.Params["x"]! + (double)t.Params["y"]!, Assert.Single(t.Values!), 12);

            // The callback received the live trial's view of the finished trial: the same values and the same time.
            Assert.Equal(t.Values, seen[i].Values);
            Assert.Equal(t.DatetimeComplete, seen[i].DatetimeComplete);
            Assert.Equal(t.Params, seen[i].Params);
        }

        // A second read gives the same values (the stored number became a list at the first read).
        Assert.Equal(stored[7].Values, study.Storage.GetTrial(stored[7].TrialId).Values);
        var best = stored.MaxBy(t => t.Values![0])!;
        Assert.Equal(best.Number, study.BestTrial.Number);
        Assert.Equal(best.Values![0], study.BestValue);
    }

    // RandomSampler: the live trial reads the storage's table; TPE: the live trial keeps its own. Both read the same.
    private static ISampler SamplerOf(string kind, int seed) => kind == "random" ? new RandomSampler(seed) : new TpeSampler(seed: seed);

    [Theory]
    [InlineData("random")]
    [InlineData("tpe")]
    public void LiveTrialReadsTheParametersTheStorageHolds(string sampler)
    {
        var study = Study.Create(new StudyOptions { Sampler = SamplerOf(sampler, 5) });
        study.Optimize(t => t.SuggestFloat("a", 0, 1), nTrials: 2); // a finished trial gives the next ones its layout

        var trial = study.Ask();
        double a = trial.SuggestFloat("a", 0, 1);
        int n = trial.SuggestInt("n", 1, 9);
        Assert.Equal(a, trial.SuggestFloat("a", 0, 1)); // suggested again: the value held, not a new draw
        Assert.Equal(n, trial.SuggestInt("n", 1, 9));

        var held = study.Storage.GetTrial(trial.TrialId);
        Assert.Equal(2, held.Params.Count);
        Assert.Equal(held.Params, trial.Params);
        Assert.Equal(held.Distributions, trial.Distributions);

        study.Tell(trial, a + n);
        var told = study.Storage.GetTrial(trial.TrialId);
        Assert.Equal([a + n], told.Values);
        Assert.Equal(held.Params, told.Params);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("tpe")]
    public void AnIncompatibleSuggestionFailsAndLeavesTheTrialAsItWas(string sampler)
    {
        var study = Study.Create(new StudyOptions { Sampler = SamplerOf(sampler, 2) });
        study.Optimize(t => t.SuggestFloat("a", 0, 1) + t.SuggestFloat("b", 1, 10, log: true), nTrials: 1);

        // The layout of the finished trial holds "a" as a float: an int of that name is checked, and refused.
        var trial = study.Ask();
        var error = Assert.Throws<ArgumentException>(() => trial.SuggestInt("a", 0, 1));
        Assert.Equal("Cannot set different distribution kind to the same parameter name.", error.Message);
        Assert.Empty(trial.Params);
        Assert.Empty(study.Storage.GetTrial(trial.TrialId).Params);

        // A different log setting for "b", after "a" extended the layout, is refused as well.
        double a = trial.SuggestFloat("a", 0, 1);
        error = Assert.Throws<ArgumentException>(() => trial.SuggestFloat("b", 1, 10));
        Assert.Equal("Cannot set different log configuration to the same parameter name.", error.Message);
        Assert.Equal(a, (double)Assert.Single(trial.Params).Value!);
        Assert.Single(study.Storage.GetTrial(trial.TrialId).Params);
    }

    [Fact]
    public void AskClaimsAnEnqueuedTrialWithItsFixedParameters()
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 4) });
        study.Optimize(t => t.SuggestFloat("x", 0, 10), nTrials: 3);
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 7.5 });

        var claimed = study.Ask();
        Assert.Equal(3, claimed.Number);
        Assert.Equal(7.5, claimed.SuggestFloat("x", 0, 10));
        study.Tell(claimed, 1.0);

        var next = study.Ask();
        Assert.Equal(4, next.Number);
        Assert.Empty(next.Params);
        Assert.Equal(TrialState.Complete, study.Storage.GetTrial(claimed.TrialId).State);
        Assert.Equal(7.5, study.Storage.GetTrial(claimed.TrialId).Params["x"]);
    }

    [Fact]
    public void NaNFails_SeveralObjectivesKeepAll_AndAnErrorStoresNoValue()
    {
        var single = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 1) });
        single.Optimize(t => t.SuggestFloat("x", 0, 1) > 2 ? 0 : double.NaN, nTrials: 1);
        single.Optimize(t => t.SuggestFloat("x", 0, 1) > 2 ? 0 : throw new InvalidOperationException("boom"), new OptimizeOptions { NTrials = 1, Catch = [typeof(InvalidOperationException)] });
        Assert.All(single.Trials, t => Assert.Equal(TrialState.Fail, t.State));
        Assert.All(single.Trials, t => Assert.Null(t.Values));
        Assert.Throws<InvalidOperationException>(() => single.BestTrial);

        var multi = Study.Create(new StudyOptions { Sampler = new RandomSampler(seed: 1), Directions = [StudyDirection.Minimize, StudyDirection.Maximize] });
        multi.Optimize(t => { double x = t.SuggestFloat("x", 0, 1); return [x, 1 - x]; }, nTrials: 3);
        Assert.All(multi.Trials, t => Assert.Equal(1.0, t.Values![0] + t.Values[1], 12));
    }

    [Theory]
    [InlineData("random")]
    [InlineData("tpe")]
    public void WorkersInParallelEachStoreTheValueOfTheirOwnParameters(string sampler)
    {
        // Four threads, each live trial reading (Random) or keeping (TPE) its parameters while the others write theirs:
        // every stored value must be the objective of that trial's stored parameters.
        string[] names = ["x0", "x1", "x2", "x3", "x4"];
        var study = Study.Create(new StudyOptions { Sampler = SamplerOf(sampler, 9) });
        study.Optimize(
            t =>
            {
                double sum = 0;
                foreach (string name in names)
                {
                    double x = t.SuggestFloat(name, -5, 5);
                    sum += x * x;
                }

                return sum;
            },
            new OptimizeOptions { NTrials = sampler == "random" ? 2000 : 120, Concurrency = 4 });

        var trials = study.Trials;
        Assert.Equal(sampler == "random" ? 2000 : 120, trials.Count);
        Assert.Equal(trials.Count, trials.Select(t => t.TrialId).Distinct().Count());
        Assert.All(trials, t =>
        {
            Assert.Equal(TrialState.Complete, t.State);
            Assert.Equal(names, t.Params.Keys);
            Assert.Equal(t.Params.Values.Sum(v => (double)v! * (double)v!), Assert.Single(t.Values!), 12);
        });
    }

    [Fact]
    public void TrialIdsRunOverAllStudies_BeforeAndAfterASecondStudy_AndADeletion()
    {
        var storage = new InMemoryStorage();
        int first = storage.CreateNewStudy([StudyDirection.Minimize], "first");
        int[] firstIds = [storage.CreateNewTrial(first), storage.CreateNewTrial(first), storage.CreateNewTrial(first)];
        Assert.Equal([0, 1, 2], firstIds);
        Assert.Equal(2, storage.GetTrial(2).Number);
        Assert.Throws<KeyNotFoundException>(() => storage.GetTrial(3));
        Assert.Throws<KeyNotFoundException>(() => storage.GetTrial(-1));

        // A second study: its trials take the next ids, and every id still finds its trial.
        int second = storage.CreateNewStudy([StudyDirection.Maximize], "second");
        int a = storage.CreateNewTrial(second);
        int b = storage.CreateNewTrial(first);
        Assert.Equal((3, 4), (a, b));
        Assert.Equal((0, 3), (storage.GetTrial(a).Number, storage.GetTrial(b).Number));
        Assert.Equal(first, storage.GetStudyIdFromName("first"));
        Assert.Equal(1, storage.GetTrialIdFromStudyIdTrialNumber(first, 1));
        Assert.Equal(a, storage.GetTrialIdFromStudyIdTrialNumber(second, 0));

        // Deleting the first study removes its ids; the ids go on from there.
        storage.DeleteStudy(first);
        Assert.Throws<KeyNotFoundException>(() => storage.GetTrial(0));
        Assert.Throws<KeyNotFoundException>(() => storage.GetTrial(b));
        Assert.Equal(0, storage.GetTrial(a).Number);
        int third = storage.CreateNewStudy([StudyDirection.Minimize], "third");
        Assert.Equal(5, storage.CreateNewTrial(third));
        Assert.Equal(6, storage.CreateNewTrial(second));
        Assert.Equal(1, storage.GetTrial(6).Number);
    }

    [Fact]
    public void DeletingTheOnlyStudyLeavesNoTrial_AndANewStudyGoesOnWithTheIds()
    {
        var storage = new InMemoryStorage();
        int only = storage.CreateNewStudy([StudyDirection.Minimize]);
        storage.CreateNewTrial(only);
        storage.CreateNewTrial(only);
        storage.DeleteStudy(only);
        Assert.Throws<KeyNotFoundException>(() => storage.GetTrial(1));

        int next = storage.CreateNewStudy([StudyDirection.Minimize]);
        Assert.Equal(2, storage.CreateNewTrial(next));
        Assert.Equal(0, storage.GetTrial(2).Number);
        Assert.Throws<KeyNotFoundException>(() => storage.GetTrial(0));
    }

    [Fact]
    public void ThePublicStateWriteCopiesTheCallersValues()
    {
        var storage = new InMemoryStorage();
        int studyId = storage.CreateNewStudy([StudyDirection.Minimize]);
        int trialId = storage.CreateNewTrial(studyId);
        double[] values = [2.5];
        Assert.True(storage.SetTrialStateValues(trialId, TrialState.Complete, values));
        values[0] = 99;

        Assert.Equal([2.5], storage.GetTrial(trialId).Values);
        Assert.Equal(trialId, storage.GetBestTrial(studyId).TrialId);
    }
}
