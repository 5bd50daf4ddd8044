using Microsoft.Extensions.Logging;

namespace Sharptune.Storages;

/// <summary>
/// Records the heartbeat of one running trial: once at once, then every interval on a dedicated background thread
/// until disposed (Optuna's <c>HeartbeatThread</c>). A dedicated thread keeps beating when the thread pool is
/// starved by blocking work. A failed recording is logged and retried at the next tick.
/// </summary>
internal sealed class HeartbeatScope : IDisposable
{
    private readonly IHeartbeatStorage _storage;
    private readonly int _trialId;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly ManualResetEventSlim _stop = new(false);
    private readonly Thread _thread;

    private HeartbeatScope(IHeartbeatStorage storage, int trialId, TimeSpan interval, ILogger logger)
    {
        _storage = storage;
        _trialId = trialId;
        _interval = interval;
        _logger = logger;
        Beat();
        _thread = new Thread(Run) { IsBackground = true, Name = $"Sharptune heartbeat (trial {trialId})" };
        _thread.Start();
    }

    /// <summary>Starts the heartbeat of a trial when the storage has heartbeats on; returns <see langword="null"/> otherwise.</summary>
    public static HeartbeatScope? Start(IStorage storage, int trialId, ILogger logger) =>
        storage is IHeartbeatStorage { HeartbeatInterval: { } interval } hb ? new HeartbeatScope(hb, trialId, interval, logger) : null;

    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
    }

    private void Run()
    {
        while (!_stop.Wait(_interval))
        {
            Beat();
        }
    }

    private void Beat()
    {
        try
        {
            _storage.RecordHeartbeat(_trialId);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.HeartbeatFailed(_logger, _trialId, e);
        }
    }
}
