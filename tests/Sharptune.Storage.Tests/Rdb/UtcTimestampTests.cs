using System.Globalization;
using Microsoft.Data.Sqlite;
using Sharptune.Storages.Tests.Support;

namespace Sharptune.Storages.Tests.Rdb;

/// <summary>RDB times as Optuna 5 keeps them: naive UTC in the DATETIME columns, read back as UTC.</summary>
public sealed class UtcTimestampTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TrialTimes_AreStoredAsNaiveUtc_AndStoredValuesAreReadAsUtc()
    {
        string path = _dir.File("utc.db");
        DateTime before = DateTime.UtcNow.AddSeconds(-1);
        using (var storage = new RdbStorage("sqlite:///" + path))
        {
            int study = storage.CreateNewStudy([StudyDirection.Minimize], "utc");
            int t = storage.CreateNewTrial(study);
            storage.SetTrialStateValues(t, TrialState.Complete, [1]);
        }

        DateTime after = DateTime.UtcNow.AddSeconds(1);
        using (var c = new SqliteConnection("Data Source=" + path))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT datetime_start, datetime_complete FROM trials";
            using (var r = cmd.ExecuteReader())
            {
                Assert.True(r.Read());
                foreach (int i in new[] { 0, 1 })
                {
                    string text = r.GetString(i);
                    Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$", text); // naive: no offset
                    var stored = DateTime.ParseExact(text, "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
                    Assert.InRange(stored, before, after); // the clock time is UTC's
                }
            }

            // A trial written by another program with a naive time: Optuna 5 reads the column as UTC.
            cmd.CommandText = "INSERT INTO trials (number, study_id, state, datetime_start, datetime_complete) VALUES (1, 1, 'RUNNING', '2026-01-02 03:04:05.000006', NULL)";
            cmd.ExecuteNonQuery();
        }

        using var reopened = new RdbStorage("sqlite:///" + path);
        var read = reopened.GetAllTrials(reopened.GetStudyIdFromName("utc"))[1].DatetimeStart!.Value;
        Assert.Equal(DateTimeKind.Utc, read.Kind);
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(60), read);
    }
}
