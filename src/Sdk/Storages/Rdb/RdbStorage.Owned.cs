using System.Collections.ObjectModel;

namespace Sharptune.Storages;

public sealed partial class RdbStorage
{
    /// <summary>How long a write to a running trial of this instance may wait before a background flush sends it.</summary>
    internal static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(100);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, OwnedTrial> _owned = new();
    private readonly Lock _flushLock = new();
    private Timer? _flushTimer;
    private int _flushScheduled;
    private bool _closing;

    private enum PendingKind
    {
        Param,
        Intermediate,
        UserAttr,
        SystemAttr,
    }

    /// <summary>
    /// Starts tracking a RUNNING trial this instance created. Its parameters, intermediate values and attributes
    /// are kept in a local copy, so that reading the trial back costs no query, and are written behind: with the
    /// trial's state in one durable transaction, with its heartbeat, or by a background flush at most
    /// <see cref="FlushDelay"/> later, whichever comes first. These are the persistence guarantees of Optuna's
    /// <c>_CachedStorage</c>: a crash of the process may lose the last writes of a trial that was still running,
    /// never a trial's state, and every write of a trial is stored before its state is.
    /// </summary>
    private void Own(int trialId, int studyId, int number, DateTime start) =>
        _owned[trialId] = new OwnedTrial(trialId, studyId, number, start);

    /// <summary>
    /// Stops tracking a trial and returns its writes not yet sent. A flush or heartbeat that is sending earlier writes
    /// of the trial is waited for first, so that those are stored (or back in the queue) before the caller writes
    /// the trial's state: every write of a trial is stored before its state.
    /// </summary>
    private List<PendingWrite>? Disown(int trialId) => Disown(trialId, out _);

    private List<PendingWrite>? Disown(int trialId, out OwnedTrial? disowned)
    {
        disowned = null;
        if (!_owned.TryRemove(trialId, out var owned))
        {
            return null;
        }

        disowned = owned;
        owned.Sending.Wait();
        try
        {
            lock (owned.Lock)
            {
                owned.Closed = true;
                if (owned.Pending.Count == 0)
                {
                    return null;
                }

                var pending = new List<PendingWrite>(owned.Pending);
                owned.Pending.Clear();
                return pending;
            }
        }
        finally
        {
            owned.Sending.Release();
        }
    }

    /// <summary>
    /// Tracks a trial again after its finishing transaction failed (the database was unreachable, the value was
    /// refused): its writes go back to the queue, so that marking it failed next still stores them first.
    /// </summary>
    private void Reown(OwnedTrial owned, List<PendingWrite>? pending)
    {
        lock (owned.Lock)
        {
            owned.Closed = false;
            if (pending is not null)
            {
                owned.Pending.InsertRange(0, pending);
            }
        }

        _owned[owned.TrialId] = owned;
    }

    /// <summary>
    /// Applies a write to the local copy of a trial this instance owns and queues it unless
    /// <paramref name="apply"/> says it changes nothing stored; false when the trial is not owned.
    /// </summary>
    private bool TryDefer(int trialId, PendingWrite write, Func<OwnedTrial, bool> apply)
    {
        if (!_owned.TryGetValue(trialId, out var owned))
        {
            return false;
        }

        lock (owned.Lock)
        {
            if (owned.Closed)
            {
                return false;
            }

            if (!apply(owned))
            {
                return true;
            }

            owned.Frozen = null;
            owned.Pending.Add(write);
        }

        ScheduleFlush();
        return true;
    }

    private FrozenTrial? OwnedSnapshot(int trialId)
    {
        if (!_owned.TryGetValue(trialId, out var owned))
        {
            return null;
        }

        lock (owned.Lock)
        {
            return owned.Closed ? null : owned.Frozen ??= owned.Freeze();
        }
    }

    /// <summary>Writes queued writes of one trial with the given connection (inside the caller's transaction).</summary>
    /// <param name="c">The connection, inside a write transaction.</param>
    /// <param name="trialId">The trial.</param>
    /// <param name="pending">The queued writes, in order.</param>
    /// <param name="finishing">
    /// Whether the transaction also finishes the trial with a guarded update (which rolls everything back if the
    /// trial is no longer updatable): on SQLite the parameters then go in multi-row statements without a state check
    /// each (PostgreSQL finishes a trial in one batch instead, <see cref="FinishInBatch"/>).
    /// </param>
    private void WritePending(RdbConnection c, int trialId, List<PendingWrite> pending, bool finishing = false)
    {
        List<PendingWrite>? batch = null;
        foreach (var w in pending)
        {
            if (finishing && c.Raw is not null && w.Kind == PendingKind.Param)
            {
                (batch ??= new List<PendingWrite>(pending.Count)).Add(w);
                if (batch.Count == Sql.MaxParamsPerInsert)
                {
                    InsertParams(c, trialId, batch);
                }

                continue;
            }

            if (batch is { Count: > 0 })
            {
                // Keep the order of the writes (the first value of a parameter set twice wins).
                InsertParams(c, trialId, batch);
            }

            if (c.Raw is { } raw)
            {
                var statement = w.Kind switch
                {
                    PendingKind.Param => raw.Statement(_sql.InsertParam).Bind("@name", w.Name).Bind("@value", w.Value).Bind("@dist", w.Json),
                    PendingKind.Intermediate => raw.Statement(_sql.UpsertIntermediate).Bind("@step", w.Step).Bind("@value", w.Value).Bind("@type", w.Json),
                    PendingKind.UserAttr => raw.Statement(_sql.UpsertTrialUserAttr).Bind("@key", w.Name).Bind("@value", w.Json),
                    _ => raw.Statement(_sql.UpsertTrialSystemAttr).Bind("@key", w.Name).Bind("@value", w.Json),
                };
                ExpectRows(statement.Bind("@t", trialId).Execute(), 1, trialId);
                continue;
            }

            int rows = w.Kind switch
            {
                PendingKind.Param => c.Command(_sql.InsertParam).With("@t", trialId).With("@name", w.Name).With("@value", w.Value).With("@dist", w.Json).ExecuteNonQuery(),
                PendingKind.Intermediate => c.Command(_sql.UpsertIntermediate).With("@t", trialId).With("@step", w.Step).With("@value", w.Value).With("@type", w.Json).ExecuteNonQuery(),
                PendingKind.UserAttr => c.Command(_sql.UpsertTrialUserAttr).With("@t", trialId).With("@key", w.Name).With("@value", w.Json).ExecuteNonQuery(),
                _ => c.Command(_sql.UpsertTrialSystemAttr).With("@t", trialId).With("@key", w.Name).With("@value", w.Json).ExecuteNonQuery(),
            };
            ExpectRows(rows, 1, trialId);
        }

        if (batch is { Count: > 0 })
        {
            InsertParams(c, trialId, batch);
        }
    }

    /// <summary>Inserts a run of parameters with one prepared SQLite statement, and empties the run.</summary>
    private void InsertParams(RdbConnection c, int trialId, List<PendingWrite> batch)
    {
        var statement = c.Raw!.Statement(_sql.InsertParams(batch.Count)).Bind("@t", trialId);
        for (int i = 0; i < batch.Count; i++)
        {
            var w = batch[i];
            statement.Bind(ParamNames.N[i], w.Name).Bind(ParamNames.V[i], w.Value).Bind(ParamNames.D[i], w.Json);
        }

        ExpectRows(statement.Execute(), batch.Count, trialId);
        batch.Clear();
    }

    /// <summary>
    /// Checks the row count of a write of a trial: every queued write stores exactly one row (a parameter is queued
    /// once), so fewer rows mean the trial is no longer updatable (another worker finished it, or it was deleted).
    /// Such a write is an error, never silently dropped.
    /// </summary>
    private static void ExpectRows(int rows, int expected, int trialId)
    {
        if (rows < expected)
        {
            throw new WriteRejectedException(trialId);
        }
    }

    /// <summary>A queued write of a trial stored no row: the trial is no longer RUNNING or WAITING in the database.</summary>
    private sealed class WriteRejectedException(int trialId) : Exception($"A write of trial {trialId} changed no row: the trial is no longer updatable.")
    {
        public int TrialId { get; } = trialId;
    }

    /// <summary>The parameter names of <see cref="Sql.InsertParams"/>, built once.</summary>
    private static class ParamNames
    {
        public static readonly string[] N = Names("@n");
        public static readonly string[] V = Names("@v");
        public static readonly string[] D = Names("@d");
        public static readonly string[] W = Names("@w", 256);
        public static readonly string[] U = Names("@u", 256);

        private static string[] Names(string prefix, int count = Sql.MaxParamsPerInsert)
        {
            var names = new string[count];
            for (int i = 0; i < names.Length; i++)
            {
                names[i] = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return names;
        }
    }

    private void ScheduleFlush()
    {
        if (Interlocked.Exchange(ref _flushScheduled, 1) != 0)
        {
            return;
        }

        lock (_flushLock)
        {
            if (_closing)
            {
                return;
            }

            _flushTimer ??= new Timer(static s => ((RdbStorage)s!).FlushInBackground(), this, Timeout.Infinite, Timeout.Infinite);
            _flushTimer.Change(FlushDelay, Timeout.InfiniteTimeSpan);
        }
    }

    private void FlushInBackground()
    {
        Volatile.Write(ref _flushScheduled, 0);
        try
        {
            FlushPending(waitForSenders: false);
        }
        catch (Exception e) when (e is StorageInternalException or ObjectDisposedException or InvalidOperationException)
        {
            // The database is unreachable or the storage closed: the writes went back to their queues and the next
            // write, heartbeat, state change or flush retries them.
        }
    }

    /// <summary>Sends every queued write of the trials this instance owns, in one transaction.</summary>
    internal void FlushPending() => FlushPending(waitForSenders: true);

    /// <summary>
    /// Sends every queued write of the trials this instance owns, in one transaction. A trial whose writes are
    /// being sent by another thread is waited for (<paramref name="waitForSenders"/>) or skipped (the background
    /// flush: the other sender is a heartbeat or the trial's own state change). A trial another worker finished
    /// meanwhile (its write stores no row) is dropped from the batch and no longer tracked: its next write or
    /// state change reports <see cref="UpdateFinishedTrialException"/>.
    /// </summary>
    private void FlushPending(bool waitForSenders)
    {
        var batches = new List<(OwnedTrial Trial, List<PendingWrite> Writes)>();
        var held = new List<OwnedTrial>();
        foreach (var owned in _owned.Values)
        {
            if (waitForSenders)
            {
                owned.Sending.Wait();
            }
            else if (!owned.Sending.Wait(0))
            {
                continue;
            }

            bool taken = false;
            lock (owned.Lock)
            {
                if (!owned.Closed && owned.Pending.Count > 0)
                {
                    batches.Add((owned, [.. owned.Pending]));
                    owned.Pending.Clear();
                    taken = true;
                }
            }

            if (taken)
            {
                held.Add(owned);
            }
            else
            {
                owned.Sending.Release();
            }
        }

        // Each sender keeps its trials' Sending gates until their writes are stored or back in their queues.
        try
        {
            while (batches.Count > 0)
            {
                try
                {
                    Write(durable: false, c =>
                    {
                        foreach (var (trial, writes) in batches)
                        {
                            WritePending(c, trial.TrialId, writes);
                        }
                    });
                    batches.Clear();
                }
                catch (WriteRejectedException rejected)
                {
                    // Rolled back: send the others again without the trial that is no longer updatable.
                    int i = batches.FindIndex(b => b.Trial.TrialId == rejected.TrialId);
                    var (trial, _) = batches[i];
                    batches.RemoveAt(i);
                    Abandon(trial);
                }
            }
        }
        catch
        {
            foreach (var (trial, writes) in batches)
            {
                lock (trial.Lock)
                {
                    trial.Pending.InsertRange(0, writes);
                }
            }

            throw;
        }
        finally
        {
            foreach (var trial in held)
            {
                trial.Sending.Release();
            }
        }
    }

    /// <inheritdoc/>
    void IQueuedWriteStorage.DiscardQueuedWrites(int trialId)
    {
        if (!_owned.TryGetValue(trialId, out var owned))
        {
            return;
        }

        owned.Sending.Wait();
        try
        {
            // No longer tracked either: the trial's local copy holds the dropped values, so it must not become the
            // cached trial when its state is written.
            Abandon(owned);
        }
        finally
        {
            owned.Sending.Release();
        }
    }

    /// <summary>Stops tracking a trial that is no longer updatable and drops its queued writes (which can not be stored).</summary>
    private void Abandon(OwnedTrial trial)
    {
        _owned.TryRemove(new KeyValuePair<int, OwnedTrial>(trial.TrialId, trial));
        lock (trial.Lock)
        {
            trial.Closed = true;
            trial.Pending.Clear();
        }
    }

    /// <summary>A queued write of a trial: a parameter (name, internal value, distribution JSON), an intermediate value (step, stored value, type) or an attribute (key, JSON).</summary>
    private readonly record struct PendingWrite(PendingKind Kind, string Name, int Step, double? Value, string? Json);

    /// <summary>The local copy of a RUNNING trial created by this instance.</summary>
    private sealed class OwnedTrial(int trialId, int studyId, int number, DateTime start)
    {
        public Lock Lock { get; } = new();

        /// <summary>Gets the gate held by the one thread that is sending (or about to send) writes taken from the queue.</summary>
        public SemaphoreSlim Sending { get; } = new(1, 1);

        public int TrialId { get; } = trialId;

        public int StudyId { get; } = studyId;

        public int Number { get; } = number;

        public DateTime Start { get; } = start;

        public bool Closed { get; set; }

        public List<PendingWrite> Pending { get; } = [];

        public Dictionary<string, double> Params { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Distribution> Distributions { get; } = new(StringComparer.Ordinal);

        public SortedList<int, double> Intermediate { get; } = [];

        public Dictionary<string, object?> UserAttrs { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, object?> SystemAttrs { get; } = new(StringComparer.Ordinal);

        public FrozenTrial? Frozen { get; set; }

        /// <summary>The trial as stored by its finishing transaction (the local copy is complete once the trial is closed).</summary>
        public FrozenTrial Finish(TrialState state, double[]? values, DateTime complete)
        {
            lock (Lock)
            {
                return new(
                    Number,
                    TrialId,
                    state,
                    values is null ? null : Array.AsReadOnly(values),
                    Start,
                    complete,
                    Params.Count == 0 ? FrozenTrial.EmptyInternal : new ReadOnlyDictionary<string, double>(Params),
                    Distributions.Count == 0 ? FrozenTrial.EmptyDistributions : new ReadOnlyDictionary<string, Distribution>(Distributions),
                    AsStored(UserAttrs),
                    AsStored(SystemAttrs),
                    Intermediate.Count == 0 ? FrozenTrial.EmptyIntermediate : new ReadOnlyDictionary<int, double>(Intermediate));
            }
        }

        /// <summary>Attribute values as a read of their JSON column gives them (lists for arrays, long for integers).</summary>
        private static IReadOnlyDictionary<string, object?> AsStored(Dictionary<string, object?> attrs)
        {
            if (attrs.Count == 0)
            {
                return FrozenTrial.EmptyAttrs;
            }

            var stored = new Dictionary<string, object?>(attrs.Count, StringComparer.Ordinal);
            foreach (var (key, value) in attrs)
            {
                stored[key] = value is null or string or bool or double or long ? value : Internal.PyJson.Parse(Internal.PyJson.Serialize(value));
            }

            return new ReadOnlyDictionary<string, object?>(stored);
        }

        public FrozenTrial Freeze() => new(
            Number,
            TrialId,
            TrialState.Running,
            null,
            Start,
            null,
            Params.Count == 0 ? FrozenTrial.EmptyInternal : new ReadOnlyDictionary<string, double>(new Dictionary<string, double>(Params)),
            Distributions.Count == 0 ? FrozenTrial.EmptyDistributions : new ReadOnlyDictionary<string, Distribution>(new Dictionary<string, Distribution>(Distributions)),
            UserAttrs.Count == 0 ? FrozenTrial.EmptyAttrs : new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?>(UserAttrs)),
            SystemAttrs.Count == 0 ? FrozenTrial.EmptyAttrs : new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?>(SystemAttrs)),
            Intermediate.Count == 0 ? FrozenTrial.EmptyIntermediate : new ReadOnlyDictionary<int, double>(new SortedList<int, double>(Intermediate)));
    }
}
