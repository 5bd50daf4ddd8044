using Microsoft.Data.Sqlite;
using Sharptune.Storages.Tests.Support;

namespace Sharptune.Storages.Tests.Rdb;

/// <summary>
/// A storage failure at the tell of a trial (here: a database trigger that refuses one user attribute when the
/// trial's queued writes reach the database) leaves no trial RUNNING: the optimize loop marks it FAIL, the error
/// obeys <c>catch</c>, and <see cref="MaxTrialsCallback"/> counts exactly.
/// </summary>
public sealed class TellFailureTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<PostgresSchema> _schemas = [];

    public static TheoryData<string> Kinds => new() { "sqlite", "postgresql" };

    public void Dispose()
    {
        foreach (var s in _schemas)
        {
            s.Dispose();
        }

        _dir.Dispose();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RefusedWriteAtTell_FailsTheTrial_AndCatchKeepsTheLoopGoing(string kind)
    {
        using var storage = Open(kind);
        var study = Study.Create(new StudyOptions { Storage = storage, StudyName = "refused" });
        study.Optimize(Objective, new OptimizeOptions { NTrials = 6, Catch = [typeof(Exception)], Callbacks = [new MaxTrialsCallback(5)] });

        var trials = study.Trials;
        Assert.Equal(6, trials.Count);
        Assert.DoesNotContain(trials, t => t.State == TrialState.Running);
        Assert.Equal(TrialState.Fail, trials[2].State);
        Assert.Equal(5, trials.Count(t => t.State == TrialState.Complete));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RefusedWriteAtTell_WithoutCatch_EscapesOptimize_WithTheTrialFailed(string kind)
    {
        using var storage = Open(kind);
        var study = Study.Create(new StudyOptions { Storage = storage, StudyName = "refused" });
        var e = Assert.Throws<StorageInternalException>(() => study.Optimize(Objective, nTrials: 6));
        Assert.Contains("refused by the test trigger", e.Message, StringComparison.Ordinal);
        Assert.Equal([TrialState.Complete, TrialState.Complete, TrialState.Fail], study.Trials.Select(t => t.State));
        storage.Dispose();
        using var reopened = Reopen(kind);
        var stored = reopened.GetAllTrials(reopened.GetStudyIdFromName("refused"));
        Assert.Equal([TrialState.Complete, TrialState.Complete, TrialState.Fail], stored.Select(t => t.State));
    }

    private static double Objective(ITrial trial)
    {
        double x = trial.SuggestFloat("x", -1, 1);
        if (trial.Number == 2)
        {
            trial.SetUserAttr("refused", 1);
        }

        return x * x;
    }

    private RdbStorage Open(string kind)
    {
        if (kind == "sqlite")
        {
            string path = _dir.File("refused.db");
            new RdbStorage("sqlite:///" + path).Dispose();
            using (var c = new SqliteConnection("Data Source=" + path))
            {
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = "CREATE TRIGGER refuse BEFORE INSERT ON trial_user_attributes WHEN NEW.\"key\" = 'refused' BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END";
                cmd.ExecuteNonQuery();
            }

            return new RdbStorage("sqlite:///" + path);
        }

        var schema = new PostgresSchema();
        _schemas.Add(schema);
        ((IDisposable)StorageFactory.FromUrl(schema.Url)).Dispose();
        schema.Execute(
            $"CREATE FUNCTION {schema.Name}.refuse() RETURNS trigger AS $$ BEGIN IF NEW.key = 'refused' THEN RAISE EXCEPTION 'refused by the test trigger'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;" +
            $"CREATE TRIGGER refuse BEFORE INSERT ON {schema.Name}.trial_user_attributes FOR EACH ROW EXECUTE FUNCTION {schema.Name}.refuse();");
        return (RdbStorage)StorageFactory.FromUrl(schema.Url);
    }

    private RdbStorage Reopen(string kind) =>
        kind == "sqlite" ? new RdbStorage("sqlite:///" + _dir.File("refused.db")) : (RdbStorage)StorageFactory.FromUrl(_schemas[^1].Url);
}
