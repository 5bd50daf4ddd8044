namespace Sharptune.Storages.Testing;

/// <summary>
/// The contract of persistent storages on top of <see cref="StorageContractTests"/>: several instances (as in
/// several processes) share the data, a reopened storage sees everything committed, and heartbeats detect dead
/// workers.
/// </summary>
public abstract class PersistentStorageContractTests : StorageContractTests
{
    private static readonly Distribution X = new FloatDistribution(-10, 10);

    /// <summary>Opens another instance on the backend of the last <see cref="StorageContractTests.NewStorage"/> storage.</summary>
    /// <param name="options">Heartbeat options, or <see langword="null"/>.</param>
    /// <returns>The new instance.</returns>
    protected abstract IStorage OpenSameStorage(StorageOptions? options = null);

    /// <summary>Creates the options type of this storage.</summary>
    /// <returns>Fresh options.</returns>
    protected abstract StorageOptions CreateOptions();

    /// <summary>Opens another instance that is disposed after the test.</summary>
    /// <param name="options">Heartbeat options, or <see langword="null"/>.</param>
    /// <returns>The instance.</returns>
    protected IStorage Reopen(StorageOptions? options = null) => Track(OpenSameStorage(options));

    /// <inheritdoc/>
    protected override IStorage OpenForVerification(IStorage written)
    {
        (written as IDisposable)?.Dispose();
        return Reopen();
    }

    [Fact]
    public void Reopen_SeesEverythingCommitted()
    {
        var s = NewStorage();
        int study = s.CreateNewStudy([StudyDirection.Maximize], "persist");
        s.SetStudyUserAttr(study, "a", 1);
        int t = s.CreateNewTrial(study);
        s.SetTrialParam(t, "x", 1.5, X);
        s.SetTrialIntermediateValue(t, 0, 0.5);
        s.SetTrialUserAttr(t, "u", "v");
        s.SetTrialStateValues(t, TrialState.Complete, [2.5]);
        int running = s.CreateNewTrial(study);
        s.SetTrialParam(running, "x", -1, X);
        (s as IDisposable)?.Dispose();

        var r = Reopen();
        int id = r.GetStudyIdFromName("persist");
        Assert.Equal(StudyDirection.Maximize, r.GetStudyDirections(id)[0]);
        Assert.Equal(1L, Convert.ToInt64(r.GetStudyUserAttrs(id)["a"], System.Globalization.CultureInfo.InvariantCulture));
        var trials = r.GetAllTrials(id);
        Assert.Equal(2, trials.Count);
        Assert.Equal(TrialState.Complete, trials[0].State);
        Assert.Equal([2.5], trials[0].Values);
        Assert.Equal(1.5, trials[0].Params["x"]);
        Assert.Equal(0.5, trials[0].IntermediateValues[0]);
        Assert.Equal("v", trials[0].UserAttrs["u"]);
        Assert.Equal(TrialState.Running, trials[1].State);
        Assert.Equal(-1.0, trials[1].Params["x"]);
        Assert.Equal(2.5, r.GetBestTrial(id).Values![0]);
    }

    [Fact]
    public void Ask_ClaimsWhatAnotherInstanceEnqueued_AndOtherwiseCreates()
    {
        var a = NewStorage();
        var b = Reopen();
        var mine = Study.Create(new StudyOptions { Storage = a, StudyName = "claim" });
        var theirs = Study.Load("claim", b);
        var t0 = mine.Ask();
        var u0 = theirs.Ask(); // the other worker's trial is running while this one asks again
        mine.Tell(t0, 1.0);
        var t1 = mine.Ask();
        Assert.Equal([0, 1, 2], new[] { t0.Number, u0.Number, t1.Number });

        theirs.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 0.25 });
        var claimed = mine.Ask();
        Assert.Equal(3, claimed.Number);
        Assert.Equal(0.25, claimed.SuggestFloat("x", -1, 1));
        Assert.Null(b.PopWaitingTrialId(theirs.StudyId)); // claimed exactly once
        theirs.Tell(u0, 2.0);
        mine.Tell(t1, 3.0);
        mine.Tell(claimed, 4.0);

        // A running trial put back to WAITING is claimed again; the next ask creates.
        var t4 = mine.Ask();
        Assert.True(a.SetTrialStateValues(t4.TrialId, TrialState.Waiting));
        Assert.Equal(t4.TrialId, mine.Ask().TrialId);
        Assert.Equal(5, mine.Ask().Number);
        Assert.Equal(6, b.GetNTrials(theirs.StudyId));
        Assert.Throws<KeyNotFoundException>(() => a.ClaimOrCreateTrial(987654));
    }

    [Fact]
    public void Tell_StoresTheWritesOfTheTrialInOrder_WithItsState()
    {
        var s = NewStorage();
        int study = s.CreateNewStudy([StudyDirection.Minimize], "finish");
        int t = s.ClaimOrCreateTrial(study);
        s.SetTrialParam(t, "x", 1.0, X);
        s.SetTrialUserAttr(t, "u", 1);
        s.SetTrialParam(t, "y", 2.0, X);
        s.SetTrialIntermediateValue(t, 3, 0.5);
        s.SetTrialUserAttr(t, "u", "last");
        s.SetTrialSystemAttr(t, "s", new[] { 1.5 });
        s.SetTrialIntermediateValue(t, 3, 0.25);
        for (int i = 0; i < 40; i++)
        {
            s.SetTrialParam(t, "p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), i, X);
        }

        s.SetTrialStateValues(t, TrialState.Complete, [double.PositiveInfinity]);
        Assert.Throws<UpdateFinishedTrialException>(() => s.SetTrialStateValues(t, TrialState.Complete, [1.0]));
        (s as IDisposable)?.Dispose();

        var stored = Reopen().GetTrial(t);
        Assert.Equal(42, stored.Params.Count);
        Assert.Equal(1.0, stored.Params["x"]);
        Assert.Equal(2.0, stored.Params["y"]);
        Assert.Equal(39.0, stored.Params["p39"]);
        Assert.Equal("last", stored.UserAttrs["u"]);
        Assert.Equal(0.25, stored.IntermediateValues[3]);
        Assert.Equal([double.PositiveInfinity], stored.Values);
        Assert.Equal(TrialState.Complete, stored.State);
    }

    [Fact]
    public void TwoInstances_SeeEachOthersWrites_IncludingStateChangesOfCachedTrials()
    {
        var a = NewStorage();
        var b = Reopen();
        int study = a.CreateNewStudy([StudyDirection.Minimize], "shared");
        int sid = b.GetStudyIdFromName("shared");
        Assert.Equal(study, sid);
        int t0 = a.CreateNewTrial(study);
        Assert.Equal(TrialState.Running, Assert.Single(b.GetAllTrials(sid)).State);
        a.SetTrialParam(t0, "x", 3, X);
        a.SetTrialStateValues(t0, TrialState.Complete, [9]);
        int t1 = b.CreateNewTrial(sid);
        var seenByB = b.GetAllTrials(sid);
        Assert.Equal(TrialState.Complete, seenByB[0].State);
        Assert.Equal(3.0, seenByB[0].Params["x"]);
        Assert.Equal(1, seenByB[1].Number);
        Assert.Equal(t1, a.GetTrialIdFromStudyIdTrialNumber(study, 1));
        Assert.Throws<ArgumentException>(() => b.SetTrialParam(t1, "x", 1, new IntDistribution(0, 3)));
        Assert.Throws<UpdateFinishedTrialException>(() => b.SetTrialUserAttr(t0, "late", 1));
        b.SetTrialStateValues(t1, TrialState.Pruned);
        Assert.Equal([TrialState.Complete, TrialState.Pruned], a.GetAllTrials(study).Select(t => t.State));
    }

    [Fact]
    public void TwoInstances_CreatingConcurrently_NeverDuplicateNumbers()
    {
        var a = NewStorage();
        var b = Reopen();
        int study = a.CreateNewStudy([StudyDirection.Minimize], "concurrent");
        var ids = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var s = i % 2 == 0 ? a : b;
            int id = s.CreateNewTrial(study);
            s.SetTrialStateValues(id, TrialState.Complete, [i]);
            ids.Add(id);
        });
        var trials = Reopen().GetAllTrials(study);
        Assert.Equal(Enumerable.Range(0, 40), trials.Select(t => t.Number));
        Assert.Equal(40, ids.Distinct().Count());
        Assert.Equal(40, a.GetNTrials(study, [TrialState.Complete]));
    }

    [Fact]
    public void TwoInstances_PoppingWaitingTrials_ClaimEachExactlyOnce()
    {
        var a = NewStorage();
        var b = Reopen();
        int study = a.CreateNewStudy([StudyDirection.Minimize], "enqueued");
        for (int i = 0; i < 20; i++)
        {
            a.CreateNewTrial(study, Trials.Create(state: TrialState.Waiting));
        }

        var claimed = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, w =>
        {
            var s = w % 2 == 0 ? a : b;
            while (s.PopWaitingTrialId(study) is { } id)
            {
                claimed.Add(id);
            }
        });
        Assert.Equal(20, claimed.Count);
        Assert.Equal(20, claimed.Distinct().Count());
        Assert.All(Reopen().GetAllTrials(study), t => Assert.Equal(TrialState.Running, t.State));
    }

    [Fact]
    public void WritesToARunningTrial_ReachOtherInstancesSoon_AndAllBeforeItsState()
    {
        var a = NewStorage();
        var b = Reopen();
        int study = a.CreateNewStudy([StudyDirection.Minimize], "visibility");
        int t = a.CreateNewTrial(study);
        a.SetTrialParam(t, "x", 0.25, X);
        a.SetTrialUserAttr(t, "u", 1);
        a.SetTrialIntermediateValue(t, 0, 2.5);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (b.GetTrial(t).Params.Count == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), "the running trial's parameter never reached the other instance");
            Thread.Sleep(20);
        }

        var running = b.GetTrial(t);
        Assert.Equal(0.25, running.Params["x"]);
        Assert.Equal(2.5, running.IntermediateValues[0]);
        a.SetTrialIntermediateValue(t, 1, 3.5);
        a.SetTrialSystemAttr(t, "s", "late");
        a.SetTrialStateValues(t, TrialState.Complete, [1]);
        var done = b.GetAllTrials(study)[0];
        Assert.Equal(TrialState.Complete, done.State);
        Assert.Equal(3.5, done.IntermediateValues[1]);
        Assert.Equal("late", done.SystemAttrs["s"]);
    }

    [Fact]
    public void TrialFailedByAnotherInstance_RefusesTheOwnersWrites_AtTheLatestWhenItsStateIsSet()
    {
        var a = NewStorage();
        var b = Reopen();
        int study = a.CreateNewStudy([StudyDirection.Minimize], "taken-over");
        int t = a.CreateNewTrial(study);
        int sid = b.GetStudyIdFromName("taken-over");
        Assert.Equal(t, b.GetTrialIdFromStudyIdTrialNumber(sid, 0));
        Assert.True(b.SetTrialStateValues(t, TrialState.Fail));
        try
        {
            a.SetTrialParam(t, "x", 0.5, X);
        }
        catch (UpdateFinishedTrialException)
        {
            // Storages that check at once refuse here already.
        }

        Assert.Throws<UpdateFinishedTrialException>(() => a.SetTrialStateValues(t, TrialState.Complete, [1]));
        var stored = Reopen().GetTrial(t);
        Assert.Equal(TrialState.Fail, stored.State);
        Assert.Empty(stored.Params);
        Assert.Null(stored.Values);
    }

    [Fact]
    public void Heartbeat_StaleRunningTrialsAreDetected_OthersAreNot()
    {
        var options = CreateOptions();
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
        options.GracePeriod = TimeSpan.FromMilliseconds(800);
        NewStorage();
        var s = (IHeartbeatStorage)Reopen(options);
        int study = s.CreateNewStudy([StudyDirection.Minimize], "hb");
        int stale = s.CreateNewTrial(study);
        int silent = s.CreateNewTrial(study);
        int finished = s.CreateNewTrial(study);
        int alive = s.CreateNewTrial(study);
        s.RecordHeartbeat(stale);
        s.RecordHeartbeat(finished);
        s.SetTrialStateValues(finished, TrialState.Complete, [1]);
        Assert.Empty(s.GetStaleTrialIds(study));
        Thread.Sleep(1100);
        s.RecordHeartbeat(alive);
        Assert.Equal([stale], s.GetStaleTrialIds(study));
        Assert.Equal(TrialState.Running, s.GetTrial(silent).State);
    }

    [Fact]
    public void FailStaleTrials_FailsOnce_AndRetryCallbackEnqueuesACopy()
    {
        var options = CreateOptions();
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
        options.GracePeriod = TimeSpan.FromMilliseconds(300);
        options.StaleTrialCallback = new RetryFailedTrialCallback(maxRetry: 1, inheritIntermediateValues: true);
        NewStorage();
        var storage = Reopen(options);
        var study = Study.Create(new StudyOptions { Storage = storage, StudyName = "retry" });
        var dead = study.Ask();
        double x = dead.SuggestFloat("x", -10, 10);
        dead.Report(1.5, 3);
        dead.SetUserAttr("u", "kept");
        ((IHeartbeatStorage)storage).RecordHeartbeat(dead.TrialId);
        Thread.Sleep(600);

        var other = Study.Load("retry", Reopen(options));
        var failed = other.FailStaleTrials();
        Assert.Equal(dead.Number, Assert.Single(failed).Number);
        Assert.Empty(other.FailStaleTrials());
        var trials = other.Trials;
        Assert.Equal(TrialState.Fail, trials[0].State);
        var retry = trials[1];
        Assert.Equal(TrialState.Waiting, retry.State);
        Assert.Equal(x, retry.Params["x"]);
        Assert.Equal("kept", retry.UserAttrs["u"]);
        Assert.Equal(1.5, retry.IntermediateValues[3]);
        Assert.Equal(dead.Number, RetryFailedTrialCallback.RetriedTrialNumber(retry));
        Assert.Equal([dead.Number], RetryFailedTrialCallback.RetryHistory(retry));

        // The retry runs with the same parameter; when it dies too, max_retry = 1 stops the series.
        var second = other.Ask();
        Assert.Equal(retry.Number, second.Number);
        Assert.Equal(x, second.SuggestFloat("x", -10, 10));
        ((IHeartbeatStorage)other.Storage).RecordHeartbeat(second.TrialId);
        Thread.Sleep(600);
        Assert.Single(other.FailStaleTrials());
        Assert.Equal(2, other.Trials.Count);
        Assert.All(other.Trials, t => Assert.Equal(TrialState.Fail, t.State));
    }

    [Fact]
    public void Optimize_RecordsHeartbeats_AndFailsStaleTrialsBeforeAsking()
    {
        var options = CreateOptions();
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
        options.GracePeriod = TimeSpan.FromMilliseconds(600);
        options.StaleTrialCallback = new RetryFailedTrialCallback();
        NewStorage();
        var storage = Reopen(options);
        var study = Study.Create(new StudyOptions { Storage = storage, StudyName = "loop" });
        var zombie = study.Ask();
        zombie.SuggestFloat("x", -10, 10);
        ((IHeartbeatStorage)storage).RecordHeartbeat(zombie.TrialId);
        Thread.Sleep(800);

        var seenStale = new List<int>();
        study.Optimize(
            t =>
            {
                // While the objective runs its heartbeat is fresh: never stale, even after two grace periods.
                Thread.Sleep(t.Number == 1 ? 1300 : 0);
                seenStale.AddRange(((IHeartbeatStorage)storage).GetStaleTrialIds(study.StudyId));
                return t.SuggestFloat("x", -10, 10);
            },
            nTrials: 3);
        var trials = study.Trials;
        Assert.Equal(TrialState.Fail, trials[0].State);
        Assert.Equal(0, RetryFailedTrialCallback.RetriedTrialNumber(trials[1]));
        Assert.Equal(trials[0].Params["x"], trials[1].Params["x"]);
        Assert.Equal([TrialState.Fail, TrialState.Complete, TrialState.Complete, TrialState.Complete], trials.Select(t => t.State));
        Assert.True(seenStale.Count == 0, $"trials seen stale while running: {string.Join(", ", seenStale)}");
    }
}
