using Npgsql;

namespace Sharptune.Storages.Tests.Support;

/// <summary>A PostgreSQL schema of its own for one test (selected through the URL's <c>options=-csearch_path=…</c>), dropped on disposal.</summary>
internal sealed class PostgresSchema : IDisposable
{
    private readonly string _adminConnectionString;

    public PostgresSchema()
    {
        string baseUrl = TestServers.RequirePostgres();
        Name = "t_" + Guid.NewGuid().ToString("N")[..16];
        _adminConnectionString = Sharptune.Storages.Postgres.PostgresUrl.ToConnectionString(baseUrl);
        Execute($"CREATE SCHEMA {Name}");
        // connect_timeout=15 (Npgsql's own default; Sharptune's is 5 s): test workers start together on loaded machines.
        Url = baseUrl + (baseUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "options=-csearch_path%3D" + Name + "&connect_timeout=15";
    }

    public string Name { get; }

    /// <summary>Gets a URL whose connections use the schema (readable by psycopg2 as well).</summary>
    public string Url { get; }

    public void Execute(string sql)
    {
        using var c = new NpgsqlConnection(_adminConnectionString);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        try
        {
            NpgsqlConnection.ClearAllPools();
            Execute($"DROP SCHEMA IF EXISTS {Name} CASCADE");
        }
        catch (NpgsqlException)
        {
            // The server went away; nothing to clean.
        }
    }
}
