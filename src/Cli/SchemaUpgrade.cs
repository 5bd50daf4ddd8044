using System.Data.Common;
using Sharptune.Storages;

namespace Sharptune.Cli;

/// <summary>
/// <c>storage upgrade</c>: brings an RDB storage of Optuna 3.0/3.1 (Alembic <c>v3.0.0.d</c>) to the head revision
/// <c>v3.2.0.a</c>, with the one change Optuna's migration makes (the index <c>trials_study_id_key</c>).
/// </summary>
internal static class SchemaUpgrade
{
    /// <summary>What the upgrade found or did.</summary>
    public enum Outcome
    {
        /// <summary>The schema already is at the head revision.</summary>
        UpToDate,

        /// <summary>The schema was upgraded.</summary>
        Upgraded,

        /// <summary>The revision is newer than this version knows.</summary>
        Unknown,
    }

    /// <summary>Upgrades the schema of the database a URL names.</summary>
    /// <param name="url">An RDB URL (sqlite or postgresql).</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="CliException">The URL names no RDB storage, it holds no Optuna schema, or its revision is older than this tool upgrades.</exception>
    public static Outcome Run(string url)
    {
        RdbDialect dialect;
        try
        {
            dialect = StorageFactory.CreateDialect(url);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"Invalid RDBStorage URL: {e.Message[..^(e.ParamName is null ? 0 : $" (Parameter '{e.ParamName}')".Length)]}", e);
        }

        using (dialect)
        {
            var connection = dialect.OpenConnection(durable: true);
            try
            {
                using var transaction = connection.BeginTransaction();
                if (Scalar(connection, transaction, dialect.TableExistsSql, "alembic_version") is null)
                {
                    throw new CliException($"The storage {dialect.DisplayName} holds no Optuna schema (no alembic_version table): nothing to upgrade.");
                }

                string? revision = Scalar(connection, transaction, "SELECT version_num FROM alembic_version", null) as string;
                if (revision == RdbSchema.HeadRevision)
                {
                    return Outcome.UpToDate;
                }

                if (revision == RdbSchema.CompatibleRevision)
                {
                    Execute(connection, transaction, "CREATE INDEX IF NOT EXISTS trials_study_id_key ON trials (study_id)");
                    Execute(connection, transaction, $"UPDATE alembic_version SET version_num = '{RdbSchema.HeadRevision}'");
                    transaction.Commit();
                    return Outcome.Upgraded;
                }

                if (revision is not null && Array.IndexOf(RdbSchema.KnownRevisions, revision) >= 0)
                {
                    throw new CliException(
                        $"The storage {dialect.DisplayName} uses the schema revision {revision} (Optuna before 3.0); Sharptune upgrades from {RdbSchema.CompatibleRevision} (Optuna 3.0 and 3.1) only. Upgrade it with Optuna's `optuna storage upgrade` first.");
                }

                return Outcome.Unknown;
            }
            finally
            {
                dialect.CloseConnection(connection);
                connection.Dispose();
            }
        }
    }

    private static object? Scalar(DbConnection connection, DbTransaction transaction, string sql, string? name)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        if (name is not null)
        {
            var p = command.CreateParameter();
            p.ParameterName = "@name";
            p.Value = name;
            command.Parameters.Add(p);
        }

        return command.ExecuteScalar() is var v && v is DBNull ? null : v;
    }

    private static void Execute(DbConnection connection, DbTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
