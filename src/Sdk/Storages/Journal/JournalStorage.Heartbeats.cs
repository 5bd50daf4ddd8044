
namespace Sharptune.Storages;

public sealed partial class JournalStorage
{
    /// <inheritdoc/>
    public void RecordHeartbeat(int trialId)
    {
        if (_heartbeats is null)
        {
            throw new NotSupportedException($"The journal backend {_backend.GetType().Name} cannot keep heartbeats.");
        }

        lock (_lock)
        {
            if (TakeQueued(trialId, disown: false) is { } queued)
            {
                WriteAndSync(queued, WorkerId(), durable: false);
            }
        }

        _heartbeats.RecordHeartbeat(trialId);
    }

    /// <inheritdoc/>
    public IReadOnlyList<int> GetStaleTrialIds(int studyId)
    {
        if (_heartbeats is null)
        {
            return [];
        }

        var running = new List<int>();
        lock (_lock)
        {
            Sync(WorkerId());
            foreach (int id in _replay.GetStudy(studyId).TrialIds)
            {
                if (_replay.GetTrial(id).State == TrialState.Running)
                {
                    running.Add(id);
                }
            }
        }

        if (running.Count == 0)
        {
            return [];
        }

        var stale = new List<int>();
        var ages = _heartbeats.GetHeartbeatAges(running);
        foreach (int id in running)
        {
            if (ages.TryGetValue(id, out var age) && age > GracePeriod)
            {
                stale.Add(id);
            }
        }

        return stale;
    }

    // ----- helpers shared with the replay -----
}
