using Microsoft.Data.Sqlite;
using Sharptune.Storages.Tests.Support;

namespace Sharptune.Storages.Tests.Rdb;

public sealed class SqliteStorageTests : IDisposable
{
    private static readonly Distribution X = new FloatDistribution(-1, 1);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void NewDatabase_HasOptunasTablesVersionRowsAndWal()
    {
        string path = _dir.File("fresh.db");
        using (var storage = new RdbStorage("sqlite:///" + path))
        {
            Assert.Equal("v3.2.0.a", storage.SchemaRevision);
        }

        using var c = Open(path);
        Assert.Equal(
            ["alembic_version", "studies", "study_directions", "study_system_attributes", "study_user_attributes", "trial_heartbeats", "trial_intermediate_values", "trial_params", "trial_system_attributes", "trial_user_attributes", "trial_values", "trials", "version_info"],
            Column(c, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"));
        Assert.Equal(["ix_studies_study_name", "ix_trials_study_id"], Column(c, "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_%' ORDER BY name"));
        Assert.Equal(["1|12|sharptune-0.1.0"], Column(c, "SELECT version_info_id || '|' || schema_version || '|' || library_version FROM version_info"));
        Assert.Equal(["v3.2.0.a"], Column(c, "SELECT version_num FROM alembic_version"));
        Assert.Equal(["wal"], Column(c, "PRAGMA journal_mode"));
    }

    [Fact]
    public void StoredRows_UseOptunasEncoding()
    {
        string path = _dir.File("rows.db");
        using (var s = new RdbStorage("sqlite:///" + path))
        {
            int study = s.CreateNewStudy([StudyDirection.Maximize], "rows");
            int t = s.CreateNewTrial(study);
            s.SetTrialParam(t, "c", 1, new CategoricalDistribution(["a", "b"]));
            s.SetTrialIntermediateValue(t, 0, double.NaN);
            s.SetTrialIntermediateValue(t, 1, double.NegativeInfinity);
            s.SetTrialUserAttr(t, "u", new List<object?> { 1, "x" });
            s.SetTrialStateValues(t, TrialState.Complete, [double.PositiveInfinity]);
        }

        using var c = Open(path);
        Assert.Equal(["MAXIMIZE"], Column(c, "SELECT direction FROM study_directions"));
        Assert.Equal(["COMPLETE"], Column(c, "SELECT state FROM trials"));
        Assert.Equal(["|INF_POS"], Column(c, "SELECT ifnull(value, '') || '|' || value_type FROM trial_values"));
        Assert.Equal(["0||NAN", "1||INF_NEG"], Column(c, "SELECT step || '|' || ifnull(intermediate_value, '') || '|' || intermediate_value_type FROM trial_intermediate_values ORDER BY step"));
        Assert.Equal(["1.0|{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"a\", \"b\"]}}"], Column(c, "SELECT param_value || '|' || distribution_json FROM trial_params"));
        Assert.Equal(["[1, \"x\"]"], Column(c, "SELECT value_json FROM trial_user_attributes"));
        var start = Column(c, "SELECT datetime_start FROM trials")[0];
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$", start);
    }

    [Theory]
    [InlineData("v2.6.0.a", "optuna storage upgrade")]
    [InlineData("v3.0.0.c", "optuna storage upgrade")]
    [InlineData("v9.0.0.z", "Update Sharptune")]
    public void UnusableSchemaRevision_IsRefusedWithWhatToDo(string revision, string hint)
    {
        string path = _dir.File("old.db");
        new RdbStorage("sqlite:///" + path).Dispose();
        Execute(path, $"UPDATE alembic_version SET version_num = '{revision}'");
        var e = Assert.Throws<InvalidOperationException>(() => new RdbStorage("sqlite:///" + path));
        Assert.Contains(revision, e.Message, StringComparison.Ordinal);
        Assert.Contains(hint, e.Message, StringComparison.Ordinal);
        using var skipped = new RdbStorage("sqlite:///" + path, new RdbStorageOptions { SkipCompatibilityCheck = true });
        Assert.Equal(revision, skipped.SchemaRevision);
    }

    [Fact]
    public void Optuna31Revision_IsAcceptedAndLeftAsItIs()
    {
        string path = _dir.File("o31.db");
        new RdbStorage("sqlite:///" + path).Dispose();
        Execute(path, "UPDATE alembic_version SET version_num = 'v3.0.0.d'; DROP INDEX ix_trials_study_id");
        using (var s = new RdbStorage("sqlite:///" + path, new RdbStorageOptions { SkipTableCreation = true }))
        {
            Assert.Equal("v3.0.0.d", s.SchemaRevision);
            s.CreateNewStudy([StudyDirection.Minimize], "ok");
        }

        using var c = Open(path);
        Assert.Equal(["v3.0.0.d"], Column(c, "SELECT version_num FROM alembic_version"));
    }

    [Fact]
    public void ManyStorageInstances_WritingAtOnce_NeverSeeDatabaseIsLocked()
    {
        string url = "sqlite:///" + _dir.File("contention.db");
        var storages = Enumerable.Range(0, 6).Select(_ => new RdbStorage(url)).ToList();
        try
        {
            int study = storages[0].CreateNewStudy([StudyDirection.Minimize], "contention");
            Parallel.For(0, 6, new ParallelOptions { MaxDegreeOfParallelism = 6 }, w =>
            {
                var s = storages[w];
                for (int i = 0; i < 25; i++)
                {
                    int t = s.CreateNewTrial(study);
                    s.SetTrialParam(t, "x", 0.5, X);
                    s.SetTrialUserAttr(t, "w", w);
                    s.SetTrialStateValues(t, TrialState.Complete, [i]);
                    _ = s.GetAllTrials(study);
                }
            });
            var trials = storages[0].GetAllTrials(study);
            Assert.Equal(Enumerable.Range(0, 150), trials.Select(t => t.Number));
            Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        }
        finally
        {
            storages.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task WriteWaitsForAnotherProcessesLock_ThenSucceeds()
    {
        var ct = TestContext.Current.CancellationToken;
        string path = _dir.File("held.db");
        using var storage = new RdbStorage("sqlite:///" + path);
        int study = storage.CreateNewStudy([StudyDirection.Minimize], "held");
        using var holder = Open(path);
        using (var tx = holder.BeginTransaction(deferred: false))
        {
            var write = Task.Run(() => storage.CreateNewTrial(study), ct);
            await Task.Delay(400, ct);
            Assert.False(write.IsCompleted);
            tx.Commit();
            await write.WaitAsync(TimeSpan.FromSeconds(10), ct);
        }

        Assert.Single(storage.GetAllTrials(study));
    }

    [Fact]
    public void LockHeldLongerThanRetryTimeout_FailsWithAClearError()
    {
        string path = _dir.File("stuck.db");
        string url = $"sqlite:///{path}?timeout=0.05";
        using var storage = new RdbStorage(url, new RdbStorageOptions { RetryTimeout = TimeSpan.FromMilliseconds(300) });
        int study = storage.CreateNewStudy([StudyDirection.Minimize], "stuck");
        using var holder = Open(path);
        using var tx = holder.BeginTransaction(deferred: false);
        var e = Assert.Throws<StorageInternalException>(() => storage.CreateNewTrial(study));
        Assert.Contains("stayed locked", e.Message, StringComparison.Ordinal);
        Assert.IsType<SqliteException>(e.InnerException);
    }

    [Fact]
    public void FinishedTrialsAreReadOnce_ThenServedFromTheCache()
    {
        string url = "sqlite:///" + _dir.File("cache.db");
        using var a = new RdbStorage(url);
        using var b = new RdbStorage(url);
        int study = a.CreateNewStudy([StudyDirection.Minimize], "cache");
        for (int i = 0; i < 30; i++)
        {
            int t = a.CreateNewTrial(study);
            a.SetTrialParam(t, "x", 0.1, X);
            a.SetTrialStateValues(t, TrialState.Complete, [i]);
        }

        int running = a.CreateNewTrial(study);
        Assert.Equal(31, b.GetAllTrials(study).Count);
        long afterFirst = b.TrialsMaterialized;
        Assert.Equal(31, afterFirst);
        Assert.Equal(31, b.GetAllTrials(study).Count);
        Assert.Equal(afterFirst + 1, b.TrialsMaterialized); // only the running trial is read again
        a.SetTrialStateValues(running, TrialState.Complete, [-1]);
        a.CreateNewTrial(study);
        var trials = b.GetAllTrials(study);
        Assert.Equal(TrialState.Complete, trials[30].State);
        Assert.Equal(TrialState.Running, trials[31].State);
        Assert.Equal(afterFirst + 3, b.TrialsMaterialized);
        Assert.Equal(32, b.GetAllTrials(study).Count);
        Assert.Equal(afterFirst + 4, b.TrialsMaterialized); // the new running trial only
        Assert.Same(trials[0], b.GetTrial(trials[0].TrialId));
    }

    [Fact]
    public void OwnFinishedTrials_AreCachedAsWritten_WithoutReadingThemBack()
    {
        string url = "sqlite:///" + _dir.File("through.db");
        using var a = new RdbStorage(url);
        int study = a.CreateNewStudy([StudyDirection.Minimize], "through");
        for (int i = 0; i < 5; i++)
        {
            int t = a.CreateNewTrial(study);
            a.SetTrialParam(t, "x", 0.1 * i, X);
            a.SetTrialParam(t, "c", 1, new CategoricalDistribution(["a", "b", null]));
            a.SetTrialIntermediateValue(t, 3, double.NaN);
            a.SetTrialUserAttr(t, "u", new[] { 1, 2 });
            a.SetTrialUserAttr(t, "n", i);
            a.SetTrialSystemAttr(t, "s", "v");
            a.SetTrialStateValues(t, i == 4 ? TrialState.Fail : TrialState.Complete, i == 4 ? null : [i == 3 ? double.PositiveInfinity : i]);
        }

        var cached = a.GetAllTrials(study);
        Assert.Equal(0, a.TrialsMaterialized);

        // A second instance reads the same trials from the rows: equal in every field.
        using var b = new RdbStorage(url);
        var read = b.GetAllTrials(study);
        Assert.Equal(5, b.TrialsMaterialized);
        TrialAssert.Same(read, cached);
    }

    [Fact]
    public void ManyParameters_AreStoredInOrder_AndTheFirstValueOfARepeatedNameWins()
    {
        string url = "sqlite:///" + _dir.File("params.db");
        using (var a = new RdbStorage(url))
        {
            var study = Study.Create(new StudyOptions { Storage = a, StudyName = "p" });
            var trial = study.Ask();
            for (int i = 0; i < 75; i++)
            {
                a.SetTrialParam(trial.TrialId, "p" + i, i / 100.0, X);
            }

            a.SetTrialParam(trial.TrialId, "p7", 0.99, X);
            study.Tell(trial, 1.0);
        }

        using var b = new RdbStorage(url);
        var stored = b.GetAllTrials(b.GetStudyIdFromName("p"))[0];
        Assert.Equal(75, stored.Params.Count);
        for (int i = 0; i < 75; i++)
        {
            Assert.Equal(i / 100.0, (double)stored.Params["p" + i]!);
        }
    }

    [Fact]
    public void Ask_ClaimsTrialsEnqueuedBetweenAsks_ByThisOrAnotherInstance()
    {
        string url = "sqlite:///" + _dir.File("claim.db");
        using var a = new RdbStorage(url);
        using var b = new RdbStorage(url);
        var study = Study.Create(new StudyOptions { Storage = a, StudyName = "claim" });
        var other = Study.Load("claim", b);
        var first = study.Ask();
        study.Tell(first, 1.0);
        var second = study.Ask(); // created in one statement: nothing is waiting

        other.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 0.25 });
        var third = study.Ask(); // the other instance's enqueued trial, not a new one
        Assert.Equal(0.25, third.SuggestFloat("x", -1, 1));
        Assert.Equal(2, third.Number);
        study.Tell(second, 2.0);
        study.Tell(third, 3.0);

        // A running trial put back to WAITING through the storage is claimed again.
        var fourth = study.Ask();
        Assert.True(a.SetTrialStateValues(fourth.TrialId, TrialState.Waiting));
        Assert.Equal(fourth.TrialId, study.Ask().TrialId);
        Assert.Equal(TrialState.Running, b.GetTrial(fourth.TrialId).State);
        Assert.Equal(4, a.GetNTrials(study.StudyId));
    }

    [Fact]
    public void Tells_WaitForTheDisk_UnlessDurableCommitsIsOff()
    {
        string path = _dir.File("durable.db");
        using (var durable = new RdbStorage("sqlite:///" + path))
        {
            var study = Study.Create(new StudyOptions { Storage = durable, StudyName = "d", Sampler = new Samplers.RandomSampler(1) });
            long before = durable.DurableCommitCount;
            study.Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 5);
            Assert.Equal(before + 5, durable.DurableCommitCount); // one per tell; asks and parameters are not forced
        }

        using (var relaxed = new RdbStorage("sqlite:///" + path, new RdbStorageOptions { DurableCommits = false }))
        {
            var study = Study.Load("d", relaxed, new Samplers.RandomSampler(2));
            study.Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 5);
            Assert.Equal(0, relaxed.DurableCommitCount);
        }

        using var reader = new RdbStorage("sqlite:///" + path);
        Assert.Equal(10, reader.GetAllTrials(reader.GetStudyIdFromName("d"), [TrialState.Complete]).Count);
    }

    [Theory]
    [InlineData(2026, 11, 23, 21, 5, 9, 1234567)]
    [InlineData(1, 1, 1, 0, 0, 0, 0)]
    [InlineData(9999, 12, 31, 23, 59, 59, 9999999)]
    public void DateTimes_AreFormattedAsSqlAlchemyStoresThem(int y, int mo, int d, int h, int mi, int s, int ticks)
    {
        var t = new DateTime(y, mo, d, h, mi, s, DateTimeKind.Utc).AddTicks(ticks);
        Assert.Equal(t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture), SqliteDialect.FormatDateTime(t));
    }

    [Fact]
    public void IdsReusedAfterAnotherProcessDeletesAStudy_DoNotServeStaleCache()
    {
        string url = "sqlite:///" + _dir.File("reuse.db");
        using var a = new RdbStorage(url);
        using var b = new RdbStorage(url);
        int keep = a.CreateNewStudy([StudyDirection.Minimize], "keep");
        a.SetTrialStateValues(a.CreateNewTrial(keep), TrialState.Complete, [0]);
        int old = a.CreateNewStudy([StudyDirection.Minimize], "s");
        for (int i = 0; i < 3; i++)
        {
            a.SetTrialStateValues(a.CreateNewTrial(old), TrialState.Complete, [i]);
        }

        Assert.Equal(3, a.GetAllTrials(old).Count);

        // Another process deletes the newest study and creates one of the same name: SQLite gives it the same
        // study id and the same trial ids.
        b.DeleteStudy(b.GetStudyIdFromName("s"));
        int recreated = b.CreateNewStudy([StudyDirection.Maximize], "s");
        Assert.Equal(old, recreated);
        int t = b.CreateNewTrial(recreated);
        b.SetTrialParam(t, "x", 0.5, X);
        b.SetTrialStateValues(t, TrialState.Complete, [42]);
        int other = b.CreateNewStudy([StudyDirection.Minimize], "other");
        b.SetTrialStateValues(b.CreateNewTrial(other), TrialState.Complete, [7]);
        b.SetTrialStateValues(b.CreateNewTrial(other), TrialState.Complete, [8]);

        var study = Study.Load("s", a);
        Assert.Equal(StudyDirection.Maximize, study.Direction);
        Assert.Equal([42.0], study.Trials.Select(x => x.Values![0]));
        Assert.Equal(0.5, study.Trials[0].Params["x"]);
        Assert.Equal([7.0, 8.0], a.GetAllTrials(other).Select(x => x.Values![0]));
    }

    [Fact]
    public void MemoryDatabase_WorksThroughOneConnection()
    {
        using var s = (RdbStorage)StorageFactory.FromUrl("sqlite:///:memory:");
        var study = Study.Create(new StudyOptions { Storage = s });
        study.Optimize(t => t.SuggestFloat("x", 0, 1), new OptimizeOptions { NTrials = 20, Concurrency = 3 });
        Assert.Equal(20, study.Trials.Count);
    }

    private static SqliteConnection Open(string path)
    {
        var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        return c;
    }

    private static void Execute(string path, string sql)
    {
        using var c = Open(path);
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static List<string> Column(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var result = new List<string>();
        while (r.Read())
        {
            result.Add(Convert.ToString(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return result;
    }
}
