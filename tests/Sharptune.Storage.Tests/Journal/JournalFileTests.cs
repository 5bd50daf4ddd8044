using System.Text;
using Sharptune.Internal;
using Sharptune.Storages.Journal;
using Sharptune.Storages.Tests.Support;

namespace Sharptune.Storages.Tests.Journal;

public sealed class JournalFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Records_AreOptunaOpCodeLines_WithNaNAndInfinityTokens()
    {
        string path = _dir.File("format.log");
        using (var s = new JournalStorage(path))
        {
            int study = s.CreateNewStudy([StudyDirection.Minimize, StudyDirection.Maximize], "fmt");
            s.SetStudyUserAttr(study, "k", new List<object?> { 1, "two" });
            int t = s.CreateNewTrial(study);
            s.SetTrialParam(t, "x", 0.25, new FloatDistribution(0, 1));
            s.SetTrialIntermediateValue(t, 3, double.NaN);
            s.SetTrialSystemAttr(t, "s", null);
            s.SetTrialStateValues(t, TrialState.Complete, [double.PositiveInfinity, double.NegativeInfinity]);
        }

        string[] lines = File.ReadAllLines(path);
        Assert.Equal(7, lines.Length);
        Assert.All(lines, l => Assert.Equal(l, PyJson.Serialize(PyJson.Parse(l), compact: true))); // Python's json.dumps(separators=(",", ":"))
        var records = lines.Select(l => (IDictionary<string, object?>)PyJson.Parse(l)!).ToList();
        Assert.Equal([0L, 2L, 4L, 5L, 7L, 9L, 6L], records.Select(r => r["op_code"]));
        Assert.All(records, r => Assert.Matches(@"^[0-9a-f-]{36}-\d+$", (string)r["worker_id"]!));
        Assert.Equal("{\"op_code\":0,\"worker_id\":\"" + records[0]["worker_id"] + "\",\"study_name\":\"fmt\",\"directions\":[1,2]}", lines[0]);
        Assert.Matches(@"""datetime_start"":""\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00""", lines[2]);
        Assert.Equal("{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": null, \"low\": 0.0, \"high\": 1.0, \"log\": false}}", records[3]["distribution"]);
        Assert.EndsWith("\"step\":3,\"intermediate_value\":NaN}", lines[4], StringComparison.Ordinal);
        Assert.Contains("\"state\":1,\"values\":[Infinity,-Infinity],\"datetime_complete\":\"", lines[6], StringComparison.Ordinal);
    }

    [Fact]
    public void OwnRecords_AreAppliedWithoutParsing_AndGiveTheStateAFreshReplayGives()
    {
        string path = _dir.File("own.log");
        var x = new FloatDistribution(-5, 5);
        var c = new CategoricalDistribution(["a", "b", null]);
        using var a = new JournalStorage(path);
        int study = a.CreateNewStudy([StudyDirection.Minimize, StudyDirection.Maximize], "own");

        // Alone on the file: the trial records come back as written and are not parsed.
        long parsed = a.RecordsParsed;
        for (int i = 0; i < 4; i++)
        {
            int t = a.CreateNewTrial(study);
            a.SetTrialParam(t, "x", (0.1 * i) + 1e-13, x);
            a.SetTrialParam(t, "c", i % 3, c);
            a.SetTrialStateValues(t, i == 3 ? TrialState.Fail : TrialState.Complete, i == 3 ? null : [1.0 / 3 * i, i == 2 ? double.PositiveInfinity : -0.0]);
        }

        int limited = Assert.NotNull(a.CreateNewTrialWithinLimit(study, 100, [TrialState.Complete]));
        a.SetTrialStateValues(limited, TrialState.Pruned);
        Assert.Equal(parsed, a.RecordsParsed);

        // Another writer in between: what follows its records is read back from the file.
        using var other = new JournalStorage(path);
        var sharing = Study.Load("own", other);
        sharing.EnqueueTrial(new Dictionary<string, object?> { ["x"] = 1.5 });
        int next = a.CreateNewTrial(study);
        a.SetTrialParam(next, "x", 2.5, x);
        int claimed = Assert.NotNull(a.PopWaitingTrialId(study));
        a.SetTrialIntermediateValue(claimed, 1, double.NaN);
        a.SetTrialUserAttr(claimed, "u", new[] { 1, 2 });
        a.SetTrialStateValues(claimed, TrialState.Complete, [double.NegativeInfinity, 7]);
        a.SetTrialStateValues(next, TrialState.Complete, [0.5, 0.25]);
        Assert.True(a.RecordsParsed > parsed);

        var written = a.GetAllTrials(study);
        using var fresh = new JournalStorage(path);
        var replayed = fresh.GetAllTrials(study);
        Assert.Equal(7, written.Count);
        TrialAssert.Same(replayed, written);

        string firstCreate = File.ReadLines(path).First(l => l.Contains("\"op_code\":4", StringComparison.Ordinal));
        string iso = written[0].DatetimeStart!.Value.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("\"datetime_start\":\"" + iso + "+00:00\"", firstCreate, StringComparison.Ordinal);
        Assert.Equal(DateTimeKind.Utc, written[0].DatetimeStart!.Value.Kind);
        Assert.Equal(0, written[0].DatetimeStart!.Value.Ticks % 10); // microseconds, as the record's text has them
        Assert.Equal((TrialState.Complete, 1), (written[5].State, written[5].IntermediateValues.Count)); // the enqueued trial, claimed
        Assert.NotNull(written[5].DatetimeStart);
    }

    [Fact]
    public void PythonStyleRecords_AreReplayedWithOptunasRules()
    {
        string path = _dir.File("python.log");
        const string W = "11111111-2222-3333-4444-555555555555-140000";
        string[] lines =
        [
            $"{{\"op_code\": 0, \"worker_id\": \"{W}\", \"study_name\": \"py\", \"directions\": [2]}}",
            $"{{\"op_code\": 0, \"worker_id\": \"{W}\", \"study_name\": \"py\", \"directions\": [1]}}",
            $"{{\"op_code\": 4, \"worker_id\": \"{W}\", \"study_id\": 0, \"datetime_start\": \"2023-01-02T03:04:05.123456\"}}",
            $"{{\"op_code\": 5, \"worker_id\": \"{W}\", \"trial_id\": 0, \"param_name\": \"x\", \"param_value_internal\": 1, \"distribution\": \"{{\\\"name\\\": \\\"IntDistribution\\\", \\\"attributes\\\": {{\\\"log\\\": false, \\\"step\\\": 1, \\\"low\\\": 0, \\\"high\\\": 3}}}}\"}}",
            $"{{\"op_code\": 7, \"worker_id\": \"{W}\", \"trial_id\": 0, \"step\": 0, \"intermediate_value\": -Infinity}}",
            $"{{\"op_code\": 6, \"worker_id\": \"{W}\", \"trial_id\": 0, \"state\": 1, \"values\": [Infinity], \"datetime_complete\": \"2023-01-02T03:04:06.123456\"}}",
            $"{{\"op_code\": 8, \"worker_id\": \"{W}\", \"trial_id\": 0, \"user_attr\": {{\"late\": 1}}}}",
            $"{{\"op_code\": 10, \"worker_id\": \"{W}\", \"study_id\": 0, \"trial_ids\": [0]}}",
            $"{{\"op_code\": 4, \"worker_id\": \"{W}\", \"study_id\": 7, \"datetime_start\": null}}",
            $"{{\"op_code\": 4, \"worker_id\": \"{W}\", \"study_id\": 0, \"datetime_start\": null, \"state\": 4, \"value\": null, \"values\": null, \"distributions\": {{}}, \"params\": {{}}, \"user_attrs\": {{}}, \"system_attrs\": {{\"fixed_params\": {{\"x\": 2}}}}, \"intermediate_values\": {{\"2\": 0.5}}}}",
        ];
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        using var s = new JournalStorage(path);
        var study = Assert.Single(s.GetAllStudies());
        Assert.Equal(StudyDirection.Maximize, study.Direction);
        var trials = s.GetAllTrials(study.StudyId);
        Assert.Equal(2, trials.Count);
        var t0 = trials[0];
        Assert.Equal(TrialState.Complete, t0.State);
        Assert.Equal([double.PositiveInfinity], t0.Values);
        Assert.Equal(1L, t0.Params["x"]);
        Assert.Equal(double.NegativeInfinity, t0.IntermediateValues[0]);
        Assert.Empty(t0.UserAttrs);
        Assert.Equal(TimeSpan.FromSeconds(1), t0.Duration);
        Assert.Equal(TrialState.Waiting, trials[1].State);
        Assert.Equal(1, trials[1].TrialId);
        Assert.Equal(0.5, trials[1].IntermediateValues[2]);
        Assert.Equal(1, s.PopWaitingTrialId(study.StudyId));
    }

    [Fact]
    public void TruncatedLastLine_IsIgnored_ThenRemovedByTheNextWriter()
    {
        string path = _dir.File("torn.log");
        using (var s = new JournalStorage(path))
        {
            int study = s.CreateNewStudy([StudyDirection.Minimize], "torn");
            int t = s.CreateNewTrial(study);
            s.SetTrialStateValues(t, TrialState.Complete, [1.5]);
        }

        string complete = File.ReadAllText(path);
        File.AppendAllText(path, "{\"op_code\":4,\"worker_id\":\"dead\",\"study_id\":0,\"datetime_st");
        using (var s = new JournalStorage(path))
        {
            int study = s.GetStudyIdFromName("torn");
            Assert.Equal([1.5], Assert.Single(s.GetAllTrials(study)).Values);
            int t = s.CreateNewTrial(study);
            s.SetTrialStateValues(t, TrialState.Complete, [2.5]);
        }

        string after = File.ReadAllText(path);
        Assert.StartsWith(complete, after, StringComparison.Ordinal);
        Assert.DoesNotContain("dead", after, StringComparison.Ordinal);
        Assert.All(after.TrimEnd('\n').Split('\n'), l => PyJson.Parse(l));
        using var again = new JournalStorage(path);
        Assert.Equal([1.5, 2.5], again.GetAllTrials(0).Select(t => t.Values![0]));
    }

    [Fact]
    public void CorruptRecordInTheMiddle_IsReportedWithItsPosition()
    {
        string path = _dir.File("corrupt.log");
        File.WriteAllText(path, "{\"op_code\":0,\"worker_id\":\"w\",\"study_name\":\"a\",\"directions\":[1]}\n{not json}\n{\"op_code\":0,\"worker_id\":\"w\",\"study_name\":\"b\",\"directions\":[1]}\n");
        var e = Assert.Throws<StorageInternalException>(() => new JournalStorage(path));
        Assert.Contains("record 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordsOfOtherWorkers_ThatAreInvalid_AreIgnored_OwnOnesThrow()
    {
        string path = _dir.File("invalid.log");
        using var s = new JournalStorage(path);
        int study = s.CreateNewStudy([StudyDirection.Minimize], "inv");
        int t = s.CreateNewTrial(study);
        s.SetTrialStateValues(t, TrialState.Complete, [1]);
        File.AppendAllText(path, $"{{\"op_code\":5,\"worker_id\":\"other-1\",\"trial_id\":{t},\"param_name\":\"x\",\"param_value_internal\":0.5,\"distribution\":\"{{\\\"name\\\": \\\"FloatDistribution\\\", \\\"attributes\\\": {{\\\"step\\\": null, \\\"low\\\": 0.0, \\\"high\\\": 1.0, \\\"log\\\": false}}}}\"}}\n");
        File.AppendAllText(path, "{\"op_code\":0,\"worker_id\":\"other-1\",\"study_name\":\"inv\",\"directions\":[2]}\n");
        Assert.Empty(s.GetTrial(t).Params);
        Assert.Single(s.GetAllStudies());
        Assert.Throws<UpdateFinishedTrialException>(() => s.SetTrialUserAttr(t, "k", 1));
        Assert.Throws<DuplicatedStudyException>(() => s.CreateNewStudy([StudyDirection.Minimize], "inv"));
    }

    [Fact]
    public void StaleLockFile_IsRemovedAfterTheGracePeriod()
    {
        string path = _dir.File("stale.log");
        File.WriteAllText(path + ".lock", string.Empty);
        var backend = new JournalFileBackend(path, new JournalFileOpenLock(path, TimeSpan.FromMilliseconds(400)));
        using var s = new JournalStorage(backend);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        s.CreateNewStudy([StudyDirection.Minimize], "after-stale");
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(5));
        Assert.True(LockGoneWithin(path, TimeSpan.FromSeconds(2))); // kept at most JournalFileBackend.LockLinger after a study change
    }

    [Fact]
    public void LockLingersAfterAFinishingRecord_ForTheNextAppendOnly()
    {
        string path = _dir.File("linger.log");
        var counting = new CountingLock(new JournalFileSymlinkLock(path));
        using var backend = new JournalFileBackend(path, counting) { LockLinger = TimeSpan.FromMinutes(1) };
        backend.AppendLogs(["{\"op_code\":0,\"worker_id\":\"a\",\"study_name\":\"s\",\"directions\":[1]}"], durable: true);
        Assert.Equal((1, 0), (counting.Acquired, counting.Released));
        Assert.NotNull(new FileInfo(path + ".lock").LinkTarget); // still held

        // The next append uses the held lock and releases it, as it does not finish anything.
        backend.AppendLogs(["{\"op_code\":1,\"worker_id\":\"a\",\"study_id\":0}"], durable: false);
        Assert.Equal((1, 1), (counting.Acquired, counting.Released));
        Assert.True(LockGoneWithin(path, TimeSpan.Zero));

        // Without a next append the lock goes when the linger ends; another writer then appends.
        backend.LockLinger = TimeSpan.FromMilliseconds(20);
        backend.AppendLogs(["{\"op_code\":1,\"worker_id\":\"a\",\"study_id\":0}"], durable: true);
        Assert.True(LockGoneWithin(path, TimeSpan.FromSeconds(5)));
        Assert.Equal((2, 2), (counting.Acquired, counting.Released));
        using (var other = new JournalFileBackend(path))
        {
            other.AppendLogs(["{\"op_code\":1,\"worker_id\":\"b\",\"study_id\":0}"], durable: false);
        }

        Assert.Equal(4, backend.ReadLogs(0).Count);

        // Disposing a backend while its lock lingers releases it.
        backend.LockLinger = TimeSpan.FromMinutes(1);
        backend.AppendLogs(["{\"op_code\":1,\"worker_id\":\"a\",\"study_id\":0}"], durable: true);
        Assert.NotNull(new FileInfo(path + ".lock").LinkTarget);
        backend.Dispose();
        Assert.True(LockGoneWithin(path, TimeSpan.Zero));
        Assert.Equal((3, 3), (counting.Acquired, counting.Released));
    }

    [Fact]
    public void ReadAfterOwnAppend_SkipsTheFile_OnlyWhenNothingUnreadPrecededIt()
    {
        string path = _dir.File("after.log");
        static string R(int i) => "{\"op_code\":1,\"worker_id\":\"w\",\"study_id\":" + i + "}";
        using var a = new JournalFileBackend(path);
        using var b = new JournalFileBackend(path);
        a.AppendLogs([R(1)], durable: false);
        Assert.Equal([R(1)], a.ReadLogsAfterAppend(0));

        // Another writer appends after a's records: they come with a's next read, plain reads always look.
        a.AppendLogs([R(2)], durable: false);
        b.AppendLogs([R(3)], durable: false);
        Assert.Equal([R(2)], a.ReadLogsAfterAppend(1));
        Assert.Equal([R(3)], a.ReadLogs(2));
        a.AppendLogs([R(4)], durable: false);
        b.AppendLogs([R(5)], durable: false);
        Assert.Equal([R(4), R(5)], a.ReadLogs(3));

        // Another writer's records before a's: the read after the append returns both, from the file.
        b.AppendLogs([R(6)], durable: false);
        a.AppendLogs([R(7)], durable: false);
        Assert.Equal([R(6), R(7)], a.ReadLogsAfterAppend(5));
    }

    [Fact]
    public void RecordsLargerThanTheKeptWriteBuffer_AreWrittenWhole()
    {
        string path = _dir.File("large.log");
        string big = "{\"op_code\":2,\"worker_id\":\"w\",\"study_id\":0,\"user_attr\":{\"k\":\"" + new string('é', 700_000) + "\"}}";
        using var backend = new JournalFileBackend(path);
        backend.AppendLogs(["{\"op_code\":1,\"worker_id\":\"w\",\"study_id\":0}", big], durable: false);
        backend.AppendLogs(["{\"op_code\":1,\"worker_id\":\"w\",\"study_id\":1}"], durable: false);
        using var reader = new JournalFileBackend(path);
        var logs = reader.ReadLogs(0);
        Assert.Equal(3, logs.Count);
        Assert.Equal(big, logs[1]);
        Assert.Equal(Encoding.UTF8.GetByteCount(big) + 2 + (2 * "{\"op_code\":1,\"worker_id\":\"w\",\"study_id\":0}".Length) + 1, new FileInfo(path).Length);
    }

    [Fact]
    public void ReleasingALockThatIsNotHeld_Fails()
    {
        string path = _dir.File("unheld.log");
        foreach (IJournalFileLock l in new IJournalFileLock[] { new JournalFileSymlinkLock(path), new JournalFileOpenLock(path) })
        {
            l.Acquire();
            l.Release();
            var e = Assert.Throws<InvalidOperationException>(l.Release);
            Assert.Equal($"Error: did not possess lock {path}.lock.", e.Message);
        }
    }

    private sealed class CountingLock(IJournalFileLock inner) : IJournalFileLock
    {
        public int Acquired { get; private set; }

        public int Released { get; private set; }

        public void Acquire()
        {
            inner.Acquire();
            Acquired++;
        }

        public void Release()
        {
            // Counted before the lock file goes, so that a test that sees the lock gone sees the count too.
            Released++;
            inner.Release();
        }
    }

    private static bool LockGoneWithin(string path, TimeSpan limit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (File.Exists(path + ".lock") || new FileInfo(path + ".lock").LinkTarget is not null)
        {
            if (clock.Elapsed > limit)
            {
                return false;
            }

            Thread.Sleep(1);
        }

        return true;
    }

    [Fact]
    public async Task SymlinkAndOpenLocks_ExcludeEachOther()
    {
        var ct = TestContext.Current.CancellationToken;
        string path = _dir.File("locks.log");
        File.WriteAllText(path, string.Empty);
        var symlink = new JournalFileSymlinkLock(path);
        var open = new JournalFileOpenLock(path);
        symlink.Acquire();
        Assert.NotNull(new FileInfo(path + ".lock").LinkTarget);
        var other = Task.Run(
            () =>
            {
                open.Acquire();
                open.Release();
            },
            ct);
        await Task.Delay(300, ct);
        Assert.False(other.IsCompleted);
        symlink.Release();
        await other.WaitAsync(TimeSpan.FromSeconds(5), ct);
        Assert.False(File.Exists(path + ".lock"));
        Assert.Throws<InvalidOperationException>(open.Release);
    }

    [Fact]
    public void ConcurrentWriters_OnOneFile_KeepEveryRecord()
    {
        string path = _dir.File("writers.log");
        var storages = Enumerable.Range(0, 4).Select(_ => new JournalStorage(path)).ToList();
        try
        {
            int study = storages[0].CreateNewStudy([StudyDirection.Minimize], "w");
            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            {
                for (int k = 0; k < 20; k++)
                {
                    int t = storages[i].CreateNewTrial(study);
                    storages[i].SetTrialStateValues(t, TrialState.Complete, [k]);
                }
            });
            using var check = new JournalStorage(path);
            var trials = check.GetAllTrials(study);
            Assert.Equal(Enumerable.Range(0, 80), trials.Select(t => t.Number));
            Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
            Assert.Equal(1 + 160, File.ReadAllLines(path).Length);
        }
        finally
        {
            storages.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void AutoSync_IsTrialEndOnALocalFileSystem_AndExplicitChoicesAreKept()
    {
        using var local = new JournalFileBackend(_dir.File("auto.log"));
        Assert.False(JournalFileBackend.IsNetworkFileSystem(_dir.File("auto.log")));
        Assert.Equal(JournalFileSync.TrialEnd, local.Sync);
        using var every = new JournalFileBackend(_dir.File("every.log"), sync: JournalFileSync.EveryAppend);
        Assert.Equal(JournalFileSync.EveryAppend, every.Sync);
    }

    [Fact]
    public void HeartbeatsNeedABackendThatKeepsThem()
    {
        var e = Assert.Throws<ArgumentException>(() => new JournalStorage(new ListBackend(), new JournalStorageOptions { HeartbeatInterval = TimeSpan.FromSeconds(1) }));
        Assert.Contains(nameof(IJournalHeartbeatBackend), e.Message, StringComparison.Ordinal);
        using var plain = new JournalStorage(new ListBackend());
        var study = Study.Create(new StudyOptions { Storage = plain });
        study.Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 3);
        Assert.Equal(3, study.Trials.Count);
    }

    /// <summary>A backend in a list: the minimal implementation a third party would write.</summary>
    private sealed class ListBackend : IJournalBackend
    {
        private readonly List<string> _logs = [];

        public IReadOnlyList<string> ReadLogs(long logNumberFrom) => _logs.Skip((int)logNumberFrom).ToList();

        public void AppendLogs(IReadOnlyList<string> logs, bool durable) => _logs.AddRange(logs);

        public bool TryAppendLogs(IReadOnlyList<string> logs, long expectedLogNumber, bool durable)
        {
            if (_logs.Count != expectedLogNumber)
            {
                return false;
            }

            _logs.AddRange(logs);
            return true;
        }

        public void Dispose()
        {
        }
    }
}
