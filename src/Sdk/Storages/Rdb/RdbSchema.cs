namespace Sharptune.Storages;

/// <summary>Optuna's RDB schema identity: version 12, Alembic revisions.</summary>
internal static class RdbSchema
{
    /// <summary>The <c>version_info.schema_version</c> Optuna writes since v1.</summary>
    public const int SchemaVersion = 12;

    /// <summary>The Alembic head of Optuna 3.2 to 5 (adds the index on <c>trials.study_id</c>).</summary>
    public const string HeadRevision = "v3.2.0.a";

    /// <summary>The Alembic head of Optuna 3.0 and 3.1: the same tables, without the index on <c>trials.study_id</c>.</summary>
    public const string CompatibleRevision = "v3.0.0.d";

    /// <summary>Every Alembic revision of Optuna, oldest first.</summary>
    public static readonly string[] KnownRevisions =
        ["v0.9.0.a", "v1.2.0.a", "v1.3.0.a", "v2.4.0.a", "v2.6.0.a", "v3.0.0.a", "v3.0.0.b", "v3.0.0.c", "v3.0.0.d", "v3.2.0.a"];

    /// <summary>The <c>version_info.library_version</c> Sharptune writes.</summary>
    public static string LibraryVersion { get; } =
        "sharptune-" + (typeof(RdbSchema).Assembly.GetName().Version?.ToString(3) ?? "0");
}
