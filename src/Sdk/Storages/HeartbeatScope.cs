using Microsoft.Extensions.Logging;

namespace Sharptune.Storages;

/// <summary>
/// Records the heartbeat of one running trial: once at once, then every interval on a timer until disposed
/// (Optuna's <c>HeartbeatThread</c>). A failed recording is logged and retried at the next tick.
/// </summary>
internal sealed class HeartbeatScope : IDisposable
{
    private readonly IHeartbeatStorage _storage;
    private readonly int _trialId;
    private readonly ILogger _logger;
    private readonly Timer _timer;
    private readonly Lock _lock = new();
    private bool _stopped;

    private HeartbeatScope(IHeartbeatStorage storage, int trialId, TimeSpan interval, ILogger logger)
    {
        _storage = storage;
        _trialId = trialId;
        _logger = logger;
        Beat();
        _timer = new Timer(static s => ((HeartbeatScope)s!).Beat(), this, interval, interval);
    }

    /// <summary>Starts the heartbeat of a trial when the storage has heartbeats on; returns <see langword="null"/> otherwise.</summary>
    public static HeartbeatScope? Start(IStorage storage, int trialId, ILogger logger) =>
        storage is IHeartbeatStorage { HeartbeatInterval: { } interval } hb ? new HeartbeatScope(hb, trialId, interval, logger) : null;

    public void Dispose()
    {
        lock (_lock)
        {
            _stopped = true;
        }

        using var done = new ManualResetEvent(false);
        if (_timer.Dispose(done))
        {
            done.WaitOne();
        }
    }

    private void Beat()
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            try
            {
                _storage.RecordHeartbeat(_trialId);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.LogWarning(e, "Failed to record the heartbeat of trial {TrialId}; retrying at the next interval.", _trialId);
            }
        }
    }
}
