using System.Text;
using Sharptune.Storages.Journal;
using Sharptune.Storages.Tests.Support;

namespace Sharptune.Storages.Tests.Journal;

/// <summary>
/// Journal files: bytes the journal did not write are never truncated or overwritten, helper files are never
/// reached through symbolic links, and replay is as strict as Optuna 5's (which opens a file with an unreadable last
/// line, errors on a malformed record anywhere else, and skips Rustuna's DISCARD_TRIALS).
/// </summary>
public sealed class JournalHardeningTests : IDisposable
{
    private const string CreateStudyA = "{\"op_code\":0,\"worker_id\":\"w-1\",\"study_name\":\"a\",\"directions\":[1]}\n";
    private const string CreateTrial0 = "{\"op_code\":4,\"worker_id\":\"w-1\",\"study_id\":0,\"datetime_start\":\"2026-01-02T03:04:05.000006+00:00\"}\n";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("hello world")]
    [InlineData("line one\nline two\n")]
    [InlineData("[1,2,3]\n")]
    [InlineData("{\"a\": 1}")]
    public void AFileThatIsNotAJournal_IsRefused_AndKeptByteForByte(string content)
    {
        string path = _dir.File("notes.txt");
        File.WriteAllText(path, content);
        var e = Assert.Throws<ArgumentException>(() => new JournalStorage(path));
        Assert.Contains("is not an Optuna journal", e.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Fact]
    public void OptunaThreeRecords_WithSpaces_AreAJournal()
    {
        string path = _dir.File("optuna3.log");
        File.WriteAllText(path, "{\"op_code\": 0, \"worker_id\": \"w-1\", \"study_name\": \"a\", \"directions\": [1]}\n");
        using var s = new JournalStorage(path);
        Assert.Equal(0, s.GetStudyIdFromName("a"));
        s.CreateNewTrial(0);
    }

    [Fact]
    public void ForeignBytesAfterTheLastLineBreak_AreNeverTruncated_AndWritesAreRefused()
    {
        string path = _dir.File("tail.log");
        string content = CreateStudyA + "written by someone else, no line break";
        File.WriteAllText(path, content);
        using var s = new JournalStorage(path);
        Assert.Equal(0, s.GetStudyIdFromName("a")); // reading works, as in Optuna
        var e = Assert.Throws<StorageInternalException>(() => s.CreateNewTrial(0));
        Assert.Contains("38 bytes after its last line break that are not the start of a journal record", e.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"op_")]
    [InlineData("{\"op_code\":6,\"worker_id\":\"dead\",\"trial_id\":0,\"sta")]
    [InlineData("{\"op_code\": 6, \"worker_id\": \"de")]
    public void ATornRecordAtTheEnd_IsStillRepaired(string torn)
    {
        string path = _dir.File("torn.log");
        File.WriteAllText(path, CreateStudyA + torn);
        using (var s = new JournalStorage(path))
        {
            s.CreateNewTrial(0);
        }

        string after = File.ReadAllText(path);
        Assert.StartsWith(CreateStudyA + "{\"op_code\":4,", after, StringComparison.Ordinal);
        Assert.EndsWith("\n", after, StringComparison.Ordinal);
    }

    [Fact]
    public void HeartbeatDirectoryThatIsASymlink_IsRefused_AndNothingIsCreatedWhereItPoints()
    {
        string path = _dir.File("hb.log");
        string elsewhere = _dir.File("elsewhere");
        Directory.CreateDirectory(elsewhere);
        Directory.CreateSymbolicLink(path + ".heartbeat", elsewhere);
        using var s = new JournalStorage(path, new JournalStorageOptions { HeartbeatInterval = TimeSpan.FromSeconds(60) });
        int study = s.CreateNewStudy([StudyDirection.Minimize], "hb");
        int t = s.CreateNewTrial(study);
        var e = Assert.Throws<StorageInternalException>(() => s.RecordHeartbeat(t));
        Assert.Contains("is a symbolic link", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(elsewhere));
        File.WriteAllText(Path.Combine(elsewhere, t.ToString(System.Globalization.CultureInfo.InvariantCulture)), "victim");
        Assert.Throws<StorageInternalException>(() => s.SetTrialStateValues(t, TrialState.Complete, [1]));
        Assert.Equal("victim", File.ReadAllText(Path.Combine(elsewhere, t.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void HeartbeatFileThatIsASymlink_IsRefused_AndItsTargetIsNotTouched()
    {
        string path = _dir.File("hbfile.log");
        string victim = _dir.File("victim.txt");
        File.WriteAllText(victim, "victim");
        var before = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(victim, before);
        Directory.CreateDirectory(path + ".heartbeat");
        File.CreateSymbolicLink(Path.Combine(path + ".heartbeat", "0"), victim);
        using var s = new JournalStorage(path, new JournalStorageOptions { HeartbeatInterval = TimeSpan.FromSeconds(60) });
        int study = s.CreateNewStudy([StudyDirection.Minimize], "hb");
        int t = s.CreateNewTrial(study);
        Assert.Equal(0, t);
        Assert.Throws<StorageInternalException>(() => s.RecordHeartbeat(t));
        Assert.Equal(before, File.GetLastWriteTimeUtc(victim));
        Assert.Equal("victim", File.ReadAllText(victim));
    }

    [Fact]
    public void AnInvalidLastLine_IsIgnoredAsInOptuna_WritesAreRefused_AndARecordAfterItIsAnError()
    {
        string path = _dir.File("last.log");
        File.WriteAllText(path, CreateStudyA + "{\"op_code\":4,\"worker_id\":\"w-1\",\"stu\n");
        using (var s = new JournalStorage(path))
        {
            Assert.Equal(0, s.GetStudyIdFromName("a"));
            var e = Assert.Throws<StorageInternalException>(() => s.CreateNewTrial(0));
            Assert.Contains("last record (record 2) is not valid JSON", e.Message, StringComparison.Ordinal);
        }

        File.AppendAllText(path, CreateTrial0);
        var error = Assert.Throws<StorageInternalException>(() => new JournalStorage(path));
        Assert.Contains("invalid record 2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"op_code\":\"4\",\"worker_id\":\"w-2\",\"study_id\":0,\"datetime_start\":null}", "must be an integer, not a string ('4')")]
    [InlineData("[1,2,3]", "a record is a JSON object, not an array")]
    [InlineData("\"op_code\"", "a record is a JSON object, not a string")]
    [InlineData("{\"op_code\":99,\"worker_id\":\"w-2\"}", "Unknown op_code 99")]
    [InlineData("{\"op_code\":null,\"worker_id\":\"w-2\"}", "must be an integer, not null")]
    [InlineData("{\"worker_id\":\"w-2\"}", "has no 'op_code'")]
    [InlineData("{\"op_code\":4,\"worker_id\":\"w-2\"}", "has no 'study_id'")]
    public void MalformedRecords_AreErrorsAsInOptuna(string record, string message)
    {
        string path = _dir.File("malformed.log");
        File.WriteAllText(path, CreateStudyA + record + "\n" + CreateTrial0);
        var e = Assert.Throws<StorageInternalException>(() => new JournalStorage(path));
        Assert.Contains("invalid record 2", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IntegralFloatOpCodes_AreReadAsPythonComparesThem()
    {
        string path = _dir.File("float-op.log");
        File.WriteAllText(path, CreateStudyA + "{\"op_code\":4.0,\"worker_id\":\"w-2\",\"study_id\":0,\"datetime_start\":null}\n");
        using var s = new JournalStorage(path);
        Assert.Single(s.GetAllTrials(0));
    }

    [Fact]
    public void DiscardTrials_OfOptuna5_IsSkipped_AndTheStudyGoesOn()
    {
        // Optuna 5's test_ignore_discard_trial_operation: the record changes nothing for Optuna (only Rustuna acts on it).
        string path = _dir.File("discard.log");
        int first;
        using (var s = new JournalStorage(path))
        {
            var study = Study.Create(new StudyOptions { Storage = s, StudyName = "d" });
            var t1 = study.Ask();
            study.Tell(t1, t1.SuggestFloat("x", -10, 10));
            first = t1.Number;
        }

        File.AppendAllText(path, "{\"op_code\":10,\"worker_id\":\"rustuna-1\",\"trial_ids\":[0]}\n");
        using (var s = new JournalStorage(path))
        {
            var study = Study.Load("d", s);
            var t2 = study.Ask();
            study.Tell(t2, t2.SuggestFloat("x", -10, 10));
            Assert.Equal([first, t2.Number], study.Trials.Select(t => t.Number));
            Assert.All(study.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        }

        Assert.Contains("\"op_code\":10", File.ReadAllText(path, Encoding.UTF8), StringComparison.Ordinal);
    }

    [Fact]
    public void Timestamps_AreWrittenInUtc_AndNaiveOldOnesAreLocalTime_AsOptuna5ReadsThem()
    {
        var tokyo = TimeZoneInfo.CreateCustomTimeZone("test+9", TimeSpan.FromHours(9), "test+9", "test+9");
        var utc = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(60);
        Assert.Equal(utc, JournalStorage.ParseDate("2026-01-02T03:04:05.000006+00:00", tokyo));
        Assert.Equal(utc, JournalStorage.ParseDate("2026-01-02T12:04:05.000006+09:00", tokyo));
        Assert.Equal(utc, JournalStorage.ParseDate("2026-01-02T12:04:05.000006", tokyo)); // Optuna < 5: naive local time
        Assert.Equal(utc.AddHours(9), JournalStorage.ParseDate("2026-01-02T12:04:05.000006", TimeZoneInfo.Utc));
        Assert.Equal(DateTimeKind.Utc, JournalStorage.ParseDate("2026-01-02T12:04:05", tokyo).Kind);

        string path = _dir.File("utc.log");
        using (var s = new JournalStorage(path))
        {
            s.CreateNewTrial(s.CreateNewStudy([StudyDirection.Minimize], "utc"));
        }

        Assert.Matches("\"datetime_start\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00\"", File.ReadAllText(path));
    }
}

/// <summary>The journal lock names its owner (boot id, pid, start time), so a dead owner's lock is removed at once on the same machine.</summary>
public sealed class JournalLockOwnerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TheLockPointsToAnOwnerLink_ThatReachesTheJournal_AsPythonsStatNeeds()
    {
        string path = _dir.File("owner.log");
        var symlinkLock = new JournalFileSymlinkLock(path);
        using (var s = new JournalStorage(new JournalFileBackend(path, symlinkLock)))
        {
            s.CreateNewStudy([StudyDirection.Minimize], "o");
            symlinkLock.Acquire();
            string owner = new FileInfo(symlinkLock.LockFile).LinkTarget!;
            Assert.Matches(@"\.owner-[0-9a-f-]{36}-" + Environment.ProcessId + @"-\d+-\d+$", owner);
            Assert.Equal(Path.GetFullPath(path), new FileInfo(symlinkLock.LockFile).ResolveLinkTarget(returnFinalTarget: true)!.FullName);
            symlinkLock.Release();
        }

        Assert.Empty(Directory.GetFiles(_dir.Path, "owner.log.owner-*")); // removed when the journal is closed
    }

    [Fact]
    public void ALockOfAProcessThatIsGone_IsRemovedAtOnce_NotAfterTheGracePeriod()
    {
        string path = _dir.File("dead.log");
        File.WriteAllText(path, string.Empty);
        string dead = FakeOwner(path, LiveChild(exitAtOnce: true));
        File.CreateSymbolicLink(path + ".lock", dead);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var s = new JournalStorage(new JournalFileBackend(path, new JournalFileSymlinkLock(path, TimeSpan.FromSeconds(30))));
        s.CreateNewStudy([StudyDirection.Minimize], "after-dead-owner");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.False(File.Exists(dead) || new FileInfo(dead).LinkTarget is not null);
    }

    [Fact]
    public void ALockOfALiveProcess_IsHonouredUntilTheGracePeriod()
    {
        string path = _dir.File("live.log");
        File.WriteAllText(path, string.Empty);
        using var child = System.Diagnostics.Process.Start("sleep", "30")!;
        try
        {
            File.CreateSymbolicLink(path + ".lock", FakeOwner(path, child.Id));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var s = new JournalStorage(new JournalFileBackend(path, new JournalFileSymlinkLock(path, TimeSpan.FromMilliseconds(700))));
            s.CreateNewStudy([StudyDirection.Minimize], "after-grace");
            Assert.True(clock.Elapsed > TimeSpan.FromMilliseconds(650), $"took {clock.Elapsed}");
        }
        finally
        {
            child.Kill();
        }
    }

    private static int LiveChild(bool exitAtOnce)
    {
        using var p = System.Diagnostics.Process.Start("true")!;
        p.WaitForExit();
        Assert.True(exitAtOnce);
        return p.Id;
    }

    /// <summary>An owner link as a Sharptune process with <paramref name="pid"/> on this boot would create it.</summary>
    private static string FakeOwner(string journal, int pid)
    {
        string boot = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        string start = "1";
        string stat = $"/proc/{pid}/stat";
        if (File.Exists(stat))
        {
            string text = File.ReadAllText(stat);
            start = text[(text.LastIndexOf(')') + 2)..].Split(' ')[19];
        }

        string owner = $"{journal}.owner-{boot}-{pid}-{start}-1";
        File.CreateSymbolicLink(owner, Path.GetFileName(journal));
        return owner;
    }
}
