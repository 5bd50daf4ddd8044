using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using Sharptune.Storages.Tests.Support;

namespace Sharptune.Storages.Tests.Interop;

/// <summary>
/// The schema Sharptune creates is the one Python Optuna creates: the same SQLite DDL text, and on PostgreSQL the
/// same columns, types, enum labels, constraints and indexes. (Optuna before 3.2 lacks the index on
/// <c>trials.study_id</c>; that is the only difference allowed.)
/// </summary>
public sealed class SchemaParityTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<IDisposable> _cleanup = [];

    public void Dispose()
    {
        foreach (var c in _cleanup)
        {
            c.Dispose();
        }

        _dir.Dispose();
    }

    [Fact]
    public void Sqlite_SameDdlAsPythonOptuna()
    {
        string mine = _dir.File("sharptune.db");
        string theirs = _dir.File("optuna.db");
        new RdbStorage("sqlite:///" + mine).Dispose();
        CreateWithPython("sqlite:///" + theirs);
        var expected = Ddl(theirs);
        var actual = Ddl(mine);
        if (!expected.ContainsKey("ix_trials_study_id"))
        {
            actual.Remove("ix_trials_study_id");
        }

        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, sql) in expected)
        {
            Assert.Equal(sql, actual[name]);
        }
    }

    [Fact]
    public void Postgres_SameTablesTypesConstraintsAndIndexesAsPythonOptuna()
    {
        var mine = new PostgresSchema();
        var theirs = new PostgresSchema();
        _cleanup.Add(mine);
        _cleanup.Add(theirs);
        ((IDisposable)StorageFactory.FromUrl(mine.Url)).Dispose();
        CreateWithPython(theirs.Url);
        var expected = Describe(theirs.Name);
        var actual = Describe(mine.Name);
        if (!expected.Contains("index ix_trials_study_id: CREATE INDEX ix_trials_study_id ON trials USING btree (study_id)"))
        {
            actual.Remove("index ix_trials_study_id: CREATE INDEX ix_trials_study_id ON trials USING btree (study_id)");
        }

        Assert.Equal(expected, actual);
    }

    private static void CreateWithPython(string url)
    {
        string python = TestServers.RequirePython();
        var psi = new ProcessStartInfo(python) { RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import sys, optuna; optuna.storages.RDBStorage(sys.argv[1])");
        psi.ArgumentList.Add(url);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
    }

    private static Dictionary<string, string> Ddl(string path)
    {
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name";
        using var r = cmd.ExecuteReader();
        var result = new Dictionary<string, string>();
        while (r.Read())
        {
            result[r.GetString(0)] = r.GetString(1);
        }

        return result;
    }

    private static List<string> Describe(string schema)
    {
        using var c = new NpgsqlConnection(Sharptune.Storages.Postgres.PostgresUrl.ToConnectionString(TestServers.PostgresUrl));
        c.Open();
        var lines = new List<string>();
        void Query(string sql, Func<NpgsqlDataReader, string> line)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            cmd.Parameters.AddWithValue("s", schema);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                lines.Add(line(r).Replace(schema + ".", string.Empty, StringComparison.Ordinal));
            }
        }

        Query(
            "SELECT table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, coalesce(character_maximum_length, 0), coalesce(column_default, '') FROM information_schema.columns WHERE table_schema = @s ORDER BY table_name, ordinal_position",
            r => $"column {r.GetString(0)}.{r.GetString(1)} #{r.GetInt32(2)} {r.GetString(3)} {r.GetString(4)} null={r.GetString(5)} len={r.GetInt32(6)} default={r.GetString(7)}");
        Query(
            "SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = @s GROUP BY t.typname ORDER BY t.typname",
            r => $"enum {r.GetString(0)}: {r.GetString(1)}");
        Query(
            "SELECT conrelid::regclass::text, conname, contype::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = (SELECT oid FROM pg_namespace WHERE nspname = @s) ORDER BY 1, 2",
            r => $"constraint {r.GetString(0)}.{r.GetString(1)} {r.GetString(2)} {r.GetString(3)}");
        Query(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = @s ORDER BY indexname",
            r => $"index {r.GetString(0)}: {r.GetString(1)}");
        Query(
            "SELECT sequence_name, data_type, start_value, increment FROM information_schema.sequences WHERE sequence_schema = @s ORDER BY sequence_name",
            r => $"sequence {r.GetString(0)} {r.GetString(1)} {r.GetString(2)} {r.GetString(3)}");
        return lines;
    }
}
