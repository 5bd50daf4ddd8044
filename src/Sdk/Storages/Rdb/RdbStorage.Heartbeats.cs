
namespace Sharptune.Storages;

public sealed partial class RdbStorage
{
    /// <summary>Records the heartbeat of a trial, together with the trial's queued writes.</summary>
    /// <param name="trialId">The trial id.</param>
    public void RecordHeartbeat(int trialId)
    {
        List<PendingWrite>? pending = null;
        _owned.TryGetValue(trialId, out var owned);
        owned?.Sending.Wait();
        try
        {
            if (owned is not null)
            {
                lock (owned.Lock)
                {
                    if (!owned.Closed && owned.Pending.Count > 0)
                    {
                        pending = [.. owned.Pending];
                        owned.Pending.Clear();
                    }
                }
            }

            Write(durable: false, c =>
            {
                if (pending is not null)
                {
                    WritePending(c, trialId, pending);
                }

                c.Command(_sql.RecordHeartbeat).With("@t", trialId).ExecuteNonQuery();
            });
        }
        catch (WriteRejectedException) when (owned is not null)
        {
            // Another worker finished the trial: its writes can not be stored.
            Abandon(owned);
            ThrowIfNotUpdatable(trialId);
            throw new StorageInternalException($"A write of trial_id {trialId} changed no row in {Dialect.DisplayName}.");
        }
        catch when (pending is not null && owned is not null)
        {
            lock (owned.Lock)
            {
                owned.Pending.InsertRange(0, pending);
            }

            throw;
        }
        finally
        {
            owned?.Sending.Release();
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<int> GetStaleTrialIds(int studyId)
    {
        double grace = GracePeriod.TotalSeconds;
        return Run(c =>
        {
            var ids = new List<int>();
            using var r = c.Command(_sql.StaleTrials).With("@s", studyId).With("@grace", grace).ExecuteReader();
            while (r.Read())
            {
                ids.Add(r.GetInt32(0));
            }

            return (IReadOnlyList<int>)ids;
        });
    }
}
