namespace Sharptune.Storages;

/// <summary>Options of <see cref="JournalStorage"/>: the heartbeat settings of <see cref="StorageOptions"/>.</summary>
public sealed class JournalStorageOptions : StorageOptions
{
}
