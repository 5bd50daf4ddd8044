using Sharptune.Samplers;

namespace Sharptune.Storages.Testing;

/// <summary>
/// The storage protocol as tests: every <see cref="IStorage"/> (in-memory, SQLite, PostgreSQL, journal file,
/// journal in Redis, …) derives a test class from this one and must pass all of it. Each test gets a fresh, empty
/// storage from <see cref="CreateStorage"/>.
/// </summary>
public abstract class StorageContractTests : IDisposable
{
    private static readonly Distribution X = new FloatDistribution(-10, 10);
    private static readonly Distribution N = new IntDistribution(1, 100, log: true);
    private static readonly Distribution C = new CategoricalDistribution(["a", "b", null, 1.5]);

    private readonly List<IStorage> _storages = [];

    /// <summary>Creates a fresh, empty storage (a new database, file, key prefix …).</summary>
    /// <returns>The storage.</returns>
    protected abstract IStorage CreateStorage();

    /// <summary>Gets a new empty storage that is disposed after the test.</summary>
    /// <returns>The storage.</returns>
    protected IStorage NewStorage()
    {
        var s = CreateStorage();
        _storages.Add(s);
        return s;
    }

    /// <summary>Registers a storage for disposal after the test.</summary>
    /// <param name="storage">The storage.</param>
    /// <returns>The same storage.</returns>
    protected IStorage Track(IStorage storage)
    {
        _storages.Add(storage);
        return storage;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var s in _storages)
        {
            (s as IDisposable)?.Dispose();
        }

        DisposeResources();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the derived class created (databases, files …) after the storages are disposed.</summary>
    protected virtual void DisposeResources()
    {
    }

    // ----- studies -----

    [Fact]
    public void CreateStudy_AssignsDistinctIdsAndKeepsNamesAndDirections()
    {
        var s = NewStorage();
        int a = s.CreateNewStudy([StudyDirection.Minimize], "a");
        int b = s.CreateNewStudy([StudyDirection.Maximize, StudyDirection.Minimize], "b");
        Assert.NotEqual(a, b);
        Assert.Equal("a", s.GetStudyNameFromId(a));
        Assert.Equal(b, s.GetStudyIdFromName("b"));
        Assert.Equal([StudyDirection.Minimize], s.GetStudyDirections(a));
        Assert.Equal([StudyDirection.Maximize, StudyDirection.Minimize], s.GetStudyDirections(b));
    }

    [Fact]
    public void CreateStudy_WithoutName_GeneratesNoNameGuid()
    {
        var s = NewStorage();
        int id = s.CreateNewStudy([StudyDirection.Minimize]);
        string name = s.GetStudyNameFromId(id);
        Assert.StartsWith(Study.DefaultStudyNamePrefix, name, StringComparison.Ordinal);
        Assert.True(Guid.TryParse(name[Study.DefaultStudyNamePrefix.Length..], out _), name);
    }

    [Fact]
    public void CreateStudy_DuplicateName_Throws()
    {
        var s = NewStorage();
        s.CreateNewStudy([StudyDirection.Minimize], "dup");
        var e = Assert.Throws<DuplicatedStudyException>(() => s.CreateNewStudy([StudyDirection.Maximize], "dup"));
        Assert.Contains("dup", e.Message, StringComparison.Ordinal);
        Assert.Single(s.GetAllStudies());
    }

    [Fact]
    public void UnknownStudy_ThrowsKeyNotFound()
    {
        var s = NewStorage();
        Assert.Throws<KeyNotFoundException>(() => s.GetStudyIdFromName("missing"));
        Assert.Throws<KeyNotFoundException>(() => s.GetStudyNameFromId(12345));
        Assert.Throws<KeyNotFoundException>(() => s.GetStudyDirections(12345));
        Assert.Throws<KeyNotFoundException>(() => s.GetStudyUserAttrs(12345));
        Assert.Throws<KeyNotFoundException>(() => s.GetStudySystemAttrs(12345));
        Assert.Throws<KeyNotFoundException>(() => s.SetStudyUserAttr(12345, "k", 1));
        Assert.Throws<KeyNotFoundException>(() => s.GetAllTrials(12345));
        Assert.Throws<KeyNotFoundException>(() => s.CreateNewTrial(12345));
        Assert.Throws<KeyNotFoundException>(() => s.DeleteStudy(12345));
    }

    [Fact]
    public void StudyAttributes_RoundTripJsonValuesAndOverwrite()
    {
        var s = NewStorage();
        int id = s.CreateNewStudy([StudyDirection.Minimize], "attrs");
        Assert.Empty(s.GetStudyUserAttrs(id));
        s.SetStudyUserAttr(id, "int", 3);
        s.SetStudyUserAttr(id, "float", 0.1);
        s.SetStudyUserAttr(id, "text", "héllo \"x\"\n");
        s.SetStudyUserAttr(id, "list", new List<object?> { 1, "two", null, true });
        s.SetStudyUserAttr(id, "dict", new Dictionary<string, object?> { ["a"] = 1.5, ["b"] = new List<object?> { 2 } });
        s.SetStudyUserAttr(id, "int", 4);
        s.SetStudySystemAttr(id, "sys", "v");
        var attrs = s.GetStudyUserAttrs(id);
        Assert.Equal(5, attrs.Count);
        Assert.Equal(4L, Convert.ToInt64(attrs["int"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0.1, Convert.ToDouble(attrs["float"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("héllo \"x\"\n", attrs["text"]);
        var list = Assert.IsAssignableFrom<System.Collections.IEnumerable>(attrs["list"]).Cast<object?>().ToList();
        Assert.Equal(4, list.Count);
        Assert.Equal("two", list[1]);
        Assert.Null(list[2]);
        Assert.Equal(true, list[3]);
        var dict = Assert.IsAssignableFrom<IEnumerable<KeyValuePair<string, object?>>>(attrs["dict"]).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(1.5, dict["a"]);
        Assert.Equal("v", Assert.Single(s.GetStudySystemAttrs(id)).Value);
    }

    [Fact]
    public void GetAllStudies_ListsStudiesInCreationOrderWithAttributes()
    {
        var s = NewStorage();
        int a = s.CreateNewStudy([StudyDirection.Minimize], "first");
        int b = s.CreateNewStudy([StudyDirection.Maximize, StudyDirection.Maximize], "second");
        s.SetStudyUserAttr(b, "u", "x");
        s.SetStudySystemAttr(a, "s", 1);
        var all = s.GetAllStudies();
        Assert.Equal(["first", "second"], all.Select(x => x.StudyName));
        Assert.Equal([a, b], all.Select(x => x.StudyId));
        Assert.Equal(StudyDirection.Minimize, all[0].Direction);
        Assert.Equal(2, all[1].Directions.Count);
        Assert.Equal("x", all[1].UserAttrs["u"]);
        Assert.Single(all[0].SystemAttrs);
    }

    [Fact]
    public void DeleteStudy_RemovesStudyAndTrials_AndFreesTheName()
    {
        var s = NewStorage();
        int keep = s.CreateNewStudy([StudyDirection.Minimize], "keep");
        int gone = s.CreateNewStudy([StudyDirection.Minimize], "gone");
        s.CreateNewTrial(gone);
        int kept = s.CreateNewTrial(keep);
        s.DeleteStudy(gone);
        Assert.Throws<KeyNotFoundException>(() => s.GetStudyIdFromName("gone"));
        Assert.Throws<KeyNotFoundException>(() => s.GetAllTrials(gone));
        Assert.Equal(["keep"], s.GetAllStudies().Select(x => x.StudyName));
        Assert.Equal(kept, Assert.Single(s.GetAllTrials(keep)).TrialId);
        int again = s.CreateNewStudy([StudyDirection.Maximize], "gone");
        Assert.Empty(s.GetAllTrials(again));
        Assert.Equal(StudyDirection.Maximize, s.GetStudyDirections(again)[0]);
    }

    // ----- trials -----

    [Fact]
    public void CreateTrial_NumbersAreContiguousPerStudy_AndTrialsStartRunning()
    {
        var s = NewStorage();
        int a = s.CreateNewStudy([StudyDirection.Minimize], "a");
        int b = s.CreateNewStudy([StudyDirection.Minimize], "b");
        var before = DateTime.UtcNow.AddSeconds(-1);
        int[] ids = [s.CreateNewTrial(a), s.CreateNewTrial(b), s.CreateNewTrial(a), s.CreateNewTrial(a), s.CreateNewTrial(b)];
        Assert.Equal(5, ids.Distinct().Count());
        Assert.Equal([0, 1, 2], s.GetAllTrials(a).Select(t => t.Number));
        Assert.Equal([0, 1], s.GetAllTrials(b).Select(t => t.Number));
        var t0 = s.GetTrial(ids[0]);
        Assert.Equal(TrialState.Running, t0.State);
        Assert.Null(t0.Values);
        Assert.Null(t0.DatetimeComplete);
        Assert.InRange(t0.DatetimeStart!.Value, before, DateTime.UtcNow.AddSeconds(1));
        Assert.Equal(ids[3], s.GetTrialIdFromStudyIdTrialNumber(a, 2));
        Assert.Equal(ids[4], s.GetTrialIdFromStudyIdTrialNumber(b, 1));
        Assert.Throws<KeyNotFoundException>(() => s.GetTrialIdFromStudyIdTrialNumber(a, 3));
        Assert.Throws<KeyNotFoundException>(() => s.GetTrial(987654));
    }

    [Fact]
    public void CreateTrial_FromTemplate_CopiesEveryField()
    {
        var s = NewStorage();
        int study = s.CreateNewStudy([StudyDirection.Minimize, StudyDirection.Maximize], "tpl");
        var start = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc).AddTicks(1230);
        var template = new FrozenTrial(
            number: -1,
            state: TrialState.Complete,
            values: [double.NegativeInfinity, 2.5],
            datetimeStart: start,
            datetimeComplete: start.AddSeconds(3),
            @params: new Dictionary<string, object?> { ["x"] = 1.25, ["n"] = 7L, ["c"] = null },
            distributions: new Dictionary<string, Distribution> { ["x"] = X, ["n"] = N, ["c"] = C },
            userAttrs: new Dictionary<string, object?> { ["u"] = "v" },
            systemAttrs: new Dictionary<string, object?> { ["s"] = new List<object?> { 1, 2 } },
            intermediateValues: new Dictionary<int, double> { [0] = double.NaN, [3] = double.PositiveInfinity, [1] = -1.5 },
            trialId: -1);
        int id = s.CreateNewTrial(study, template);
        var t = s.GetTrial(id);
        Assert.Equal(0, t.Number);
        Assert.Equal(TrialState.Complete, t.State);
        Assert.Equal([double.NegativeInfinity, 2.5], t.Values);
        AssertClose(start, t.DatetimeStart);
        AssertClose(start.AddSeconds(3), t.DatetimeComplete);
        Assert.Equal(1.25, t.Params["x"]);
        Assert.Equal(7L, Convert.ToInt64(t.Params["n"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Null(t.Params["c"]);
        Assert.Equal(2.0, t.InternalParams["c"]);
        Assert.Equal(C, t.Distributions["c"]);
        Assert.Equal(N, t.Distributions["n"]);
        Assert.Equal("v", t.UserAttrs["u"]);
        Assert.Equal(2, Assert.IsAssignableFrom<System.Collections.IEnumerable>(t.SystemAttrs["s"]).Cast<object?>().Count());
        Assert.Equal([0, 1, 3], t.IntermediateValues.Keys);
        Assert.True(double.IsNaN(t.IntermediateValues[0]));
        Assert.Equal(double.PositiveInfinity, t.IntermediateValues[3]);
        Assert.Equal(-1.5, t.IntermediateValues[1]);
    }

    [Fact]
    public void CreateTrial_WaitingTemplate_HasNoStartTime()
    {
        var s = NewStorage();
        int study = s.CreateNewStudy([StudyDirection.Minimize], "w");
        int id = s.CreateNewTrial(study, Trials.Create(state: TrialState.Waiting, systemAttrs: new Dictionary<string, object?> { ["fixed_params"] = new Dictionary<string, object?> { ["x"] = 1.0 } }));
        var t = s.GetTrial(id);
        Assert.Equal(TrialState.Waiting, t.State);
        Assert.Null(t.DatetimeStart);
        Assert.Null(t.DatetimeComplete);
    }

    [Fact]
    public void SetTrialParam_RecordsInternalValueAndDistribution()
    {
        var s = NewStorage();
        int study = s.CreateNewStudy([StudyDirection.Minimize], "p");
        int id = s.CreateNewTrial(study);
        s.SetTrialParam(id, "x", 0.5, X);
        s.SetTrialParam(id, "c", 3, C);
        s.SetTrialParam(id, "n", 10, N);
        var t = s.GetTrial(id);
        Assert.Equal(["x", "c", "n"], t.Params.Keys);
        Assert.Equal(0.5, t.Params["x"]);
        Assert.Equal(1.5, t.Params["c"]);
        Assert.Equal(10L, Convert.ToInt64(t.Params["n"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3.0, t.InternalParams["c"]);
        Assert.Equal(X, t.Distributions["x"]);
    }

    [Fact]
    public void SetTrialParam_IncompatibleDistribution_Throws_CompatibleRangeChangeIsAccepted()
    {
        var s = NewStorage();
        int study = s.CreateNewStudy([StudyDirection.Minimize], "compat");
        int t1 = s.CreateNewTrial(study);
        s.SetTrialParam(t1, "x", 0.5, X);
        s.SetTrialParam(t1, "c", 0, C);
        int t2 = s.CreateNewTrial(study);
        Assert.Throws<ArgumentException>(() => s.SetTrialParam(t2, "x", 1, new IntDistribution(0, 5)));
        Assert.Throws<ArgumentException>(() => s.SetTrialParam(t2, "x", 1, new FloatDistribution(0.1, 5, log: true)));
        Assert.Throws<ArgumentException>(() => s.SetTrialParam(t2, "c", 0, new CategoricalDistribution(["a", "z"])));
        s.SetTrialParam(t2, "x", 50, new FloatDistribution(0, 100));
        Assert.Equal(50.0, s.GetTrial(t2).Params["x"]);
        Assert.Single(s.GetTrial(t2).Params);
    }

    [Fact]
    public void FinishedTrial_CannotBeUpdated()
    {
        var s = NewStorage();
        int study = s.CreateNewStudy([StudyDirection.Minimize], "fin");
        s.CreateNewTrial(study);
        int id = s.CreateNewTrial(study);
        Assert.True(s.SetTrialStateValues(id, TrialState.Complete, [1.0]));
        const string Message = "Trial#1 has already finished and can not be updated.";
        Assert.Equal(Message, Assert.Throws<UpdateFinishedTrialException>(() => s.SetTrialParam(id, "x", 0.5, X)).Message);
        Assert.Equal(Message, Assert.Throws<UpdateFinishedTrialException>(() => s.SetTrialStateValues(id, TrialState.Fail)).Message);
        Assert.Throws<UpdateFinishedTrialException>(() => s.SetTrialStateValues(id, TrialState.Running));
        Assert.Throws<UpdateFinishedTrialException>(() => s.SetTrialIntermediateValue(id, 0, 1));
        Assert.Throws<UpdateFinishedTrialException>(() => s.SetTrialUserAttr(id, "k", 1));
        Assert.Throws<UpdateFinishedTrialException>(() => s.SetTrialSystemAttr(id, "k", 1));
        var t = s.GetTrial(id);
        Assert.Equal(TrialState.Complete, t.State);
        Assert.Equal([1.0], t.Values);
        Assert.Empty(t.Params);
    }

    [Fact]
    public void SetTrialStateValues_StoresValuesStateAndCompletionTime()
    {
        var s = NewStorage();
        int study = s.CreateNewStudy([StudyDirection.Minimize, StudyDirection.Minimize], "sv");
        int a = s.CreateNewTrial(study);
        int b = s.CreateNewTrial(study);
        int c = s.CreateNewTrial(study);
        Assert.True(s.SetTrialStateValues(a, TrialState.Complete, [double.PositiveInfinity, -0.0]));
        Assert.True(s.SetTrialStateValues(b, TrialState.Pruned));
        Assert.True(s.SetTrialStateValues(c, TrialState.Fail));
        var ta = s.GetTrial(a);
        Assert.Equal(TrialState.Complete, ta.State);
        Assert.Equal(double.PositiveInfinity, ta.Values![0]);
        Assert.Equal(0.0, ta.Values[1]);
        Assert.NotNull(ta.DatetimeComplete);
        Assert.True(ta.DatetimeComplete >= ta.DatetimeStart);
        Assert.Equal(TrialState.Pruned, s.GetTrial(b).State);
        Assert.Null(s.GetTrial(b).Values);
        Assert.Equal(TrialState.Fail, s.GetTrial(c).State);
    }

    [Fact]
    public void SetRunning_ClaimsOnlyWaitingTrials()
    {
        var s = NewStorage();
        int study = s.CreateNewStudy([StudyDirection.Minimize], "claim");
        int running = s.CreateNewTrial(study);
        int waiting = s.CreateNewTrial(study, Trials.Create(state: TrialState.Waiting));
        Assert.False(s.SetTrialStateValues(running, TrialState.Running));
        Assert.True(s.SetTrialStateValues(waiting, TrialState.Running));
        Assert.False(s.SetTrialStateValues(waiting, TrialState.Running));
        var t = s.GetTrial(waiting);
        Assert.Equal(TrialState.Running, t.State);
        Assert.NotNull(t.DatetimeStart);
    }

    [Fact]
    public void PopWaitingTrial_ClaimsOldestFirst_ThenNull()
    {
        var s = NewStorage();
        int study = s.CreateNewStudy([StudyDirection.Minimize], "pop");
        Assert.Null(s.PopWaitingTrialId(study));
        int w1 = s.CreateNewTrial(study, Trials.Create(state: TrialState.Waiting));
        s.CreateNewTrial(study);
        int w2 = s.CreateNewTrial(study, Trials.Create(state: TrialState.Waiting));
        Assert.Equal(w1, s.PopWaitingTrialId(study));
        Assert.Equal(w2, s.PopWaitingTrialId(study));
        Assert.Null(s.PopWaitingTrialId(study));
        Assert.All(s.GetAllTrials(study), t => Assert.Equal(TrialState.Running, t.State));
    }

    [Fact]
    public void PopWaitingTrial_FromManyThreads_ClaimsEachTrialExactlyOnce()
    {
        var s = NewStorage();
        int study = s.CreateNewStudy([StudyDirection.Minimize], "race");
        const int Waiting = 24;
        for (int i = 0; i < Waiting; i++)
        {
            s.CreateNewTrial(study, Trials.Create(state: TrialState.Waiting));
        }

        var claimed = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, 6, new ParallelOptions { MaxDegreeOfParallelism = 6 }, _ =>
        {
            while (s.PopWaitingTrialId(study) is { } id)
            {
                claimed.Add(id);
            }
        });
        Assert.Equal(Waiting, claimed.Count);
        Assert.Equal(Waiting, claimed.Distinct().Count());
    }

    [Fact]
    public void IntermediateValues_OverwriteSameStep_AndKeepNaNAndInfinities()
    {
        var s = NewStorage();
        int study = s.CreateNewStudy([StudyDirection.Minimize], "iv");
        int id = s.CreateNewTrial(study);
        s.SetTrialIntermediateValue(id, 2, 1.0);
        s.SetTrialIntermediateValue(id, 0, double.NaN);
        s.SetTrialIntermediateValue(id, 1, double.NegativeInfinity);
        s.SetTrialIntermediateValue(id, 2, 0.25);
        var iv = s.GetTrial(id).IntermediateValues;
        Assert.Equal([0, 1, 2], iv.Keys);
        Assert.True(double.IsNaN(iv[0]));
        Assert.Equal(double.NegativeInfinity, iv[1]);
        Assert.Equal(0.25, iv[2]);
    }

    [Fact]
    public void TrialAttributes_SetAndOverwrite()
    {
        var s = NewStorage();
        int study = s.CreateNewStudy([StudyDirection.Minimize], "ta");
        int id = s.CreateNewTrial(study);
        s.SetTrialUserAttr(id, "k", "v1");
        s.SetTrialUserAttr(id, "k", "v2");
        s.SetTrialUserAttr(id, "n", null);
        s.SetTrialSystemAttr(id, "constraints:c", 0.5);
        var t = s.GetTrial(id);
        Assert.Equal("v2", t.UserAttrs["k"]);
        Assert.Null(t.UserAttrs["n"]);
        Assert.Equal(0.5, t.SystemAttrs["constraints:c"]);
        Assert.Equal(0.5, t.Constraints["c"]);
    }

    [Fact]
    public void GetAllTrialsAndCounts_FilterByState()
    {
        var s = NewStorage();
        int study = s.CreateNewStudy([StudyDirection.Minimize], "filter");
        int a = s.CreateNewTrial(study);
        s.CreateNewTrial(study);
        int c = s.CreateNewTrial(study);
        s.SetTrialStateValues(a, TrialState.Complete, [1]);
        s.SetTrialStateValues(c, TrialState.Fail);
        Assert.Equal(3, s.GetNTrials(study));
        Assert.Equal(1, s.GetNTrials(study, [TrialState.Complete]));
        Assert.Equal(2, s.GetNTrials(study, [TrialState.Complete, TrialState.Fail]));
        Assert.Equal(0, s.GetNTrials(study, [TrialState.Waiting]));
        Assert.Equal([0, 2], s.GetAllTrials(study, [TrialState.Complete, TrialState.Fail]).Select(t => t.Number));
        Assert.Equal([1], s.GetAllTrials(study, [TrialState.Running]).Select(t => t.Number));
    }

    [Fact]
    public void BestTrial_FollowsDirection_InfinityAndTies()
    {
        var s = NewStorage();
        int min = s.CreateNewStudy([StudyDirection.Minimize], "min");
        int max = s.CreateNewStudy([StudyDirection.Maximize], "max");
        Assert.Equal("No trials are completed yet.", Assert.Throws<InvalidOperationException>(() => s.GetBestTrial(min)).Message);
        foreach (double v in new[] { 3.0, -1.0, 7.0, -1.0 })
        {
            s.SetTrialStateValues(s.CreateNewTrial(min), TrialState.Complete, [v]);
            s.SetTrialStateValues(s.CreateNewTrial(max), TrialState.Complete, [v]);
        }

        s.SetTrialStateValues(s.CreateNewTrial(min), TrialState.Fail);
        Assert.Equal(1, s.GetBestTrial(min).Number);
        Assert.Equal(2, s.GetBestTrial(max).Number);
        s.SetTrialStateValues(s.CreateNewTrial(max), TrialState.Complete, [double.PositiveInfinity]);
        s.SetTrialStateValues(s.CreateNewTrial(min), TrialState.Complete, [double.NegativeInfinity]);
        Assert.Equal(double.PositiveInfinity, s.GetBestTrial(max).Values![0]);
        Assert.Equal(double.NegativeInfinity, s.GetBestTrial(min).Values![0]);
        int multi = s.CreateNewStudy([StudyDirection.Minimize, StudyDirection.Minimize], "multi");
        s.SetTrialStateValues(s.CreateNewTrial(multi), TrialState.Complete, [1, 2]);
        Assert.Throws<InvalidOperationException>(() => s.GetBestTrial(multi));
    }

    [Fact]
    public void CreateTrial_FromManyThreads_GivesUniqueContiguousNumbers()
    {
        var s = NewStorage();
        int study = s.CreateNewStudy([StudyDirection.Minimize], "threads");
        var ids = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, 60, new ParallelOptions { MaxDegreeOfParallelism = 6 }, _ =>
        {
            int id = s.CreateNewTrial(study);
            s.SetTrialParam(id, "x", 1, X);
            s.SetTrialStateValues(id, TrialState.Complete, [id]);
            ids.Add(id);
        });
        var trials = s.GetAllTrials(study);
        Assert.Equal(60, trials.Count);
        Assert.Equal(Enumerable.Range(0, 60), trials.Select(t => t.Number));
        Assert.Equal(ids.Order(), trials.Select(t => t.TrialId).Order());
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
    }

    // ----- through the study API -----

    [Fact]
    public void Study_OptimizeLoadCopySummariesAndDelete()
    {
        var s = NewStorage();
        var study = Study.Create(new StudyOptions { Storage = s, StudyName = "api", Sampler = new RandomSampler(seed: 3) });
        study.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 2.0 });
        study.SetUserAttr("owner", "tests");
        study.Optimize(t => Math.Pow(t.SuggestFloat("x", -10, 10) - 2, 2) + t.SuggestInt("k", 0, 3), new OptimizeOptions { NTrials = 12, Concurrency = 2 });
        Assert.Equal(12, study.Trials.Count);
        Assert.Equal(2.0, study.Trials[0].Params["x"]);

        var loaded = Study.Load("api", s);
        Assert.Equal(study.StudyId, loaded.StudyId);
        Assert.Equal(study.BestValue, loaded.BestValue);
        Assert.Equal(study.BestParams["x"], loaded.BestParams["x"]);

        var memory = new InMemoryStorage();
        var copy = Study.Copy("api", s, memory);
        Assert.Equal(study.Trials.Select(t => t.Values?[0]), copy.Trials.Select(t => t.Values?[0]));
        Assert.Equal("tests", copy.UserAttrs["owner"]);
        var back = Study.Copy("api", memory, s, "api-copy");
        Assert.Equal(12, back.Trials.Count);
        Assert.Equal(study.Trials.Select(t => t.Params["x"]), back.Trials.Select(t => t.Params["x"]));

        var summaries = Study.GetAllStudySummaries(s);
        Assert.Equal(["api", "api-copy"], summaries.Select(x => x.StudyName));
        Assert.Equal(12, summaries[0].NTrials);
        Assert.Equal(study.BestValue, summaries[0].BestTrial!.Values![0]);
        Assert.Equal(["api", "api-copy"], Study.GetAllStudyNames(s));

        Study.Delete("api", s);
        Assert.Equal(["api-copy"], Study.GetAllStudyNames(s));
        Assert.Throws<KeyNotFoundException>(() => Study.Load("api", s));
    }

    [Fact]
    public void Study_AskTellWithPrunedAndFailedTrials()
    {
        var s = NewStorage();
        var study = Study.Create(new StudyOptions { Storage = s, StudyName = "ask", Direction = StudyDirection.Maximize });
        var t1 = study.Ask();
        t1.SuggestCategorical("c", new[] { "u", "v" });
        t1.Report(0.5, 0);
        t1.Report(0.75, 1);
        var pruned = study.Tell(t1, state: TrialState.Pruned);
        Assert.Equal(TrialState.Pruned, pruned.State);
        Assert.Equal([0.75], pruned.Values);
        var t2 = study.Ask();
        var failed = study.Tell(t2, [double.NaN]);
        Assert.Equal(TrialState.Fail, failed.State);
        var t3 = study.Ask(new Dictionary<string, Distribution> { ["x"] = X });
        study.Tell(t3, 4.0);
        Assert.Equal(2, study.BestTrial.Number);
        Assert.Throws<ArgumentException>(() => study.Tell(t3, 5.0));
        Assert.Equal([TrialState.Pruned, TrialState.Fail, TrialState.Complete], study.Trials.Select(t => t.State));
    }

    /// <summary>
    /// Every write of a trial is stored before its state, also when the background flush of queued writes (every
    /// 100 ms on the storages that write behind) races the trial's tell: the objectives take about the flush
    /// interval, and each write is checked from a storage instance opened afterwards.
    /// </summary>
    [Fact]
    public void EveryWriteOfATrial_IsStoredWithItsState_UnderARacingFlush()
    {
        const int Trials = 48;
        var s = NewStorage();
        var study = Study.Create(new StudyOptions { Storage = s, StudyName = "racing-flush", Sampler = new RandomSampler(seed: 7) });
        string big = new('a', 64 * 1024);
        study.Optimize(
            trial =>
            {
                var t = (Trial)trial;
                double x = t.SuggestFloat("x", -10, 10);
                int n = t.SuggestInt("n", 1, 100);
                for (int step = 0; step < 3; step++)
                {
                    t.Report(x + step, step);
                    t.SetUserAttr("u" + step.ToString(System.Globalization.CultureInfo.InvariantCulture), t.Number * 10 + step);
                    Thread.Sleep(25 + ((t.Number * 7 + step * 3) % 11));
                }

                // The last writes land just before the tell, about when the flush of the first ones runs.
                t.SetUserAttr("big", big + t.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));
                t.SetSystemAttr("sys", t.Number);
                t.Report(-x, 3);
                return x * x + n;
            },
            new OptimizeOptions
            {
                NTrials = Trials,
                Concurrency = 4,
            });

        var reader = OpenForVerification(s);
        var stored = reader.GetAllTrials(reader.GetStudyIdFromName("racing-flush"));
        Assert.Equal(Trials, stored.Count);
        var missing = new List<string>();
        foreach (var t in stored)
        {
            Assert.Equal(TrialState.Complete, t.State);
            var problems = new List<string>();
            double x = t.Params.TryGetValue("x", out object? px) ? (double)px! : double.NaN;
            foreach (string name in new[] { "x", "n" })
            {
                if (!t.Params.ContainsKey(name))
                {
                    problems.Add("param " + name);
                }
            }

            for (int step = 0; step < 3; step++)
            {
                string key = "u" + step.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (!t.IntermediateValues.TryGetValue(step, out double v) || v != x + step)
                {
                    problems.Add("intermediate " + step.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                if (!t.UserAttrs.TryGetValue(key, out object? u) || Convert.ToInt64(u, System.Globalization.CultureInfo.InvariantCulture) != t.Number * 10 + step)
                {
                    problems.Add("user attr " + key);
                }
            }

            if (!t.IntermediateValues.TryGetValue(3, out double last) || last != -x)
            {
                problems.Add("intermediate 3");
            }

            if (!t.UserAttrs.TryGetValue("big", out object? b) || (string?)b != big + t.Number.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                problems.Add("user attr big");
            }

            if (!t.SystemAttrs.TryGetValue("sys", out object? sys) || Convert.ToInt64(sys, System.Globalization.CultureInfo.InvariantCulture) != t.Number)
            {
                problems.Add("system attr sys");
            }

            if (problems.Count > 0)
            {
                missing.Add($"trial {t.Number}: {string.Join(", ", problems)}");
            }
        }

        Assert.True(missing.Count == 0, "writes lost: " + string.Join("; ", missing));
    }

    /// <summary>
    /// Names and keys are checked where they are set, with the same rules on every storage: at most 512 characters
    /// (code points, as Optuna's VARCHAR(512) columns count them), no NUL, no unpaired surrogate. A refused name
    /// leaves the trial running and updatable, and the longest valid names are stored exactly.
    /// </summary>
    [Fact]
    public void InvalidNamesAndKeys_AreRefusedWhereTheyAreSet_AndTheTrialGoesOn()
    {
        var s = NewStorage();
        var study = Study.Create(new StudyOptions { Storage = s, StudyName = "names" });
        string longest = string.Concat(Enumerable.Repeat("\U0001F600", 512)); // 512 characters, 1024 UTF-16 units
        string tooLong = new('k', 513);
        string[] invalid = [tooLong, "nul\0key", "lone\uD800surrogate", "low\uDC00first", "end\uD83D"];
        var trial = study.Ask();
        foreach (string bad in invalid)
        {
            var e1 = Assert.Throws<ArgumentException>(() => trial.SetUserAttr(bad, 1));
            Assert.Equal("key", e1.ParamName);
            Assert.Contains("user attribute key", e1.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => trial.SuggestFloat(bad, 0, 1));
            Assert.Throws<ArgumentException>(() => s.SetTrialSystemAttr(trial.TrialId, bad, 1));
            Assert.Throws<ArgumentException>(() => study.SetUserAttr(bad, 1));
            Assert.Throws<ArgumentException>(() => s.SetStudySystemAttr(study.StudyId, bad, 1));
            Assert.Throws<ArgumentException>(() => s.CreateNewStudy([StudyDirection.Minimize], bad));
        }

        Assert.Contains("513 characters long; storages accept at most 512", Assert.Throws<ArgumentException>(() => trial.SetUserAttr(tooLong, 1)).Message, StringComparison.Ordinal);
        Assert.Contains("contains a NUL character (at index 3)", Assert.Throws<ArgumentException>(() => trial.SetUserAttr("nul\0key", 1)).Message, StringComparison.Ordinal);
        Assert.Contains("unpaired UTF-16 surrogate (U+D800 at index 4)", Assert.Throws<ArgumentException>(() => trial.SetUserAttr("lone\uD800surrogate", 1)).Message, StringComparison.Ordinal);
        var template = Trials.Create(state: TrialState.Complete, value: 1, userAttrs: new Dictionary<string, object?> { [tooLong] = 1 });
        Assert.Throws<ArgumentException>(() => study.AddTrial(template));

        trial.SetUserAttr(longest, "v");
        trial.SetUserAttr("k", "nul\0 and lone \uD800 in a value are escaped JSON");
        double x = trial.SuggestFloat(longest, 0, 1);
        study.Tell(trial, x);
        var reader = OpenForVerification(s);
        var stored = reader.GetAllTrials(reader.GetStudyIdFromName("names"));
        var t = Assert.Single(stored);
        Assert.Equal(TrialState.Complete, t.State);
        Assert.Equal("v", t.UserAttrs[longest]);
        Assert.Equal("nul\0 and lone \uD800 in a value are escaped JSON", t.UserAttrs["k"]);
        Assert.Equal(x, t.Params[longest]);
    }

    /// <summary>The storage to check stored data with: a new instance on the same backend where there is one.</summary>
    /// <param name="written">The storage the data was written with (disposed by persistent storages first).</param>
    /// <returns>The storage to read.</returns>
    protected virtual IStorage OpenForVerification(IStorage written) => written;

    /// <summary>Asserts two times are equal up to the microsecond (the resolution of every persistent storage).</summary>
    /// <param name="expected">The expected time.</param>
    /// <param name="actual">The actual time.</param>
    protected static void AssertClose(DateTime expected, DateTime? actual)
    {
        Assert.NotNull(actual);
        Assert.True(Math.Abs((expected - actual.Value).TotalMilliseconds) < 0.002, $"expected {expected:O}, got {actual:O}");
    }
}
