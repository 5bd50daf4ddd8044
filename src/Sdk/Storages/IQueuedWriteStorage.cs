namespace Sharptune.Storages;

/// <summary>A storage that queues the writes of running trials (write-behind) and can drop them.</summary>
internal interface IQueuedWriteStorage
{
    /// <summary>
    /// Drops the queued, unsent writes of a trial, so that its state can still be stored when one of them is what
    /// the database refuses (the optimize loops then mark the trial FAIL instead of leaving it RUNNING).
    /// </summary>
    /// <param name="trialId">The trial.</param>
    void DiscardQueuedWrites(int trialId);
}
