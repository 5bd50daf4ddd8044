
namespace Sharptune.Storages;

public sealed partial class RdbStorage
{
    /// <summary>
    /// Claims the oldest WAITING trial or creates a new RUNNING one, in one round trip in the common case:
    /// <list type="bullet">
    /// <item>PostgreSQL (batches): the study row is locked (so the next number is computed after every earlier creation
    /// committed), the waiting scan of <see cref="PopWaitingTrialId"/> runs, and an insert guarded by "the scan finds
    /// nothing WAITING" follows — one batch, one implicit transaction. Only when something is waiting does a claim
    /// follow.</item>
    /// <item>SQLite (one writer at a time): one statement, an insert guarded by "no trial above the scan's watermark is
    /// unfinished and no watched trial is WAITING" — exactly when a scan would find nothing to claim and nothing new to
    /// watch. When the guard fails (other processes are running trials) the storage scans and creates, as before, until
    /// a scan sees no other process's trial running.</item>
    /// </list>
    /// </summary>
    /// <param name="studyId">The study id.</param>
    /// <returns>The claimed or created trial id.</returns>
    public int ClaimOrCreateTrial(int studyId)
    {
        var cache = GetCache(studyId);
        int[] watched;
        int watermark;
        bool slow;
        lock (cache.Lock)
        {
            watched = [.. cache.ScanUnfinished];
            watermark = cache.WaitingWatermark;
            slow = watched.Length > 256 || (Dialect.SerializesWriters && !cache.FastAsk);
        }

        if (slow)
        {
            return PopWaitingTrialId(studyId) ?? CreateNewTrial(studyId);
        }

        int slots = watched.Length == 0 ? 0 : (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)watched.Length);
        DateTime now = Now();
        (int Id, int Number)? created;
        List<int>? candidates = null;
        if (!Dialect.SerializesWriters)
        {
            var batched = Run<(List<(int Id, TrialState State)> Scan, (int Id, int Number)? Created)?>(
                c => c.Connection.CanCreateBatch ? ScanAndInsertLocked(c, studyId, now, watermark, slots, watched) : null);
            if (batched is not { } b)
            {
                return PopWaitingTrialId(studyId) ?? CreateNewTrial(studyId);
            }

            lock (cache.Lock)
            {
                candidates = FoldScan(cache, b.Scan, null);
            }

            created = b.Created;
        }
        else
        {
            created = Run(c => InsertUnlessWaiting(c, studyId, now, watermark, slots, watched));
        }

        if (created is not { } k)
        {
            if (candidates is not null)
            {
                // The batch's scan found trials waiting: claim one (or scan again if others won them all).
                return Claim(candidates) ?? PopWaitingTrialId(studyId) ?? CreateNewTrial(studyId);
            }

            if (Dialect.SerializesWriters)
            {
                // Other processes are running trials (or one is waiting): scan from now on until they are gone.
                lock (cache.Lock)
                {
                    cache.FastAsk = false;
                }
            }

            // A missing study is reported by the slow path.
            return PopWaitingTrialId(studyId) ?? CreateNewTrial(studyId);
        }

        lock (cache.Lock)
        {
            // Every trial up to the new one is finished or watched: what a scan would have concluded. The new trial is
            // watched while it runs (a running trial may be put back to WAITING), until this instance finishes it.
            cache.WaitingWatermark = Math.Max(cache.WaitingWatermark, k.Id);
            cache.ScanUnfinished.Add(k.Id);
        }

        _trialKeys[k.Id] = (studyId, k.Number);
        Own(k.Id, studyId, k.Number, now);
        return k.Id;
    }

    /// <summary>The guarded single-statement insert of <see cref="ClaimOrCreateTrial"/> on SQLite.</summary>
    private (int, int)? InsertUnlessWaiting(RdbConnection c, int studyId, DateTime now, int watermark, int slots, int[] watched)
    {
        string sql = _sql.InsertTrialUnlessWaiting(slots, runningBlocks: true);
        if (c.Raw is { } raw)
        {
            var statement = raw.Statement(sql).Bind("@s", studyId).Bind("@state", StateName(TrialState.Running))
                .BindDateTime("@start", now).Bind("@complete", (string?)null).Bind("@wm", watermark);
            for (int i = 0; i < slots; i++)
            {
                statement.Bind(ParamNames.W[i], i < watched.Length ? watched[i] : -1);
            }

            try
            {
                (int, int)? row = statement.Step() ? (statement.Int32(0), statement.Int32(1)) : null;
                while (statement.Step())
                {
                }

                return row;
            }
            finally
            {
                statement.Reset();
            }
        }

        var command = c.Command(sql).With("@s", studyId).With("@state", StateName(TrialState.Running))
            .WithDateTime(Dialect, "@start", now).WithDateTime(Dialect, "@complete", null).With("@wm", watermark);
        BindList(command, "@w", slots, watched);
        using var r = command.ExecuteReader();
        return r.Read() ? (r.GetInt32(0), r.GetInt32(1)) : null;
    }

    /// <summary>
    /// The batch of <see cref="ClaimOrCreateTrial"/> on an engine with concurrent writers: lock the study row, run the
    /// waiting scan, insert unless the scan's range holds a WAITING trial. Returns the scan's rows and the new trial.
    /// </summary>
    private (List<(int Id, TrialState State)> Scan, (int Id, int Number)? Created) ScanAndInsertLocked(
        RdbConnection c, int studyId, DateTime now, int watermark, int slots, int[] watched)
    {
        using var batch = c.Connection.CreateBatch();
        batch.Connection = c.Connection;
        var lockStudy = batch.CreateBatchCommand();
        lockStudy.CommandText = _sql.StudyExistsForUpdate;
        BatchParameter(lockStudy, "@s", studyId, System.Data.DbType.Int32);
        batch.BatchCommands.Add(lockStudy);
        var scan = batch.CreateBatchCommand();
        scan.CommandText = _sql.WaitingScan(slots);
        BatchParameter(scan, "@s", studyId, System.Data.DbType.Int32);
        BatchParameter(scan, "@wm", watermark, System.Data.DbType.Int32);
        var insert = batch.CreateBatchCommand();
        insert.CommandText = _sql.InsertTrialUnlessWaiting(slots, runningBlocks: false);
        BatchParameter(insert, "@s", studyId, System.Data.DbType.Int32);
        BatchParameter(insert, "@state", StateName(TrialState.Running), System.Data.DbType.String);
        BatchDateTime(insert, "@start", now);
        BatchDateTime(insert, "@complete", null);
        BatchParameter(insert, "@wm", watermark, System.Data.DbType.Int32);
        for (int i = 0; i < slots; i++)
        {
            int id = i < watched.Length ? watched[i] : -1;
            BatchParameter(scan, ParamNames.W[i], id, System.Data.DbType.Int32);
            BatchParameter(insert, ParamNames.W[i], id, System.Data.DbType.Int32);
        }

        batch.BatchCommands.Add(scan);
        batch.BatchCommands.Add(insert);
        using var r = batch.ExecuteReader();
        r.NextResult();
        var rows = new List<(int Id, TrialState State)>();
        while (r.Read())
        {
            rows.Add((r.GetInt32(0), ParseState(r.GetString(1))));
        }

        r.NextResult();
        (int, int)? created = r.Read() ? (r.GetInt32(0), r.GetInt32(1)) : null;
        return (rows, created);
    }

    /// <summary>
    /// Claims the oldest WAITING trial. One query reads the state of the trials created since the last call and of
    /// those it saw unfinished then (a WAITING trial is either), so the cost does not grow with the study; each
    /// candidate is claimed with a compare-and-set on its state, so exactly one worker wins it.
    /// </summary>
    /// <param name="studyId">The study id.</param>
    /// <returns>The claimed trial id, or <see langword="null"/> when none is waiting.</returns>
    public int? PopWaitingTrialId(int studyId)
    {
        var cache = GetCache(studyId);
        List<int>? candidates = null;
        lock (cache.Lock)
        {
            int[] watched = [.. cache.ScanUnfinished];
            int slots = watched.Length == 0 ? 0 : (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)watched.Length);
            int watermark = cache.WaitingWatermark;
            if (slots > 256)
            {
                foreach (int id in watched)
                {
                    watermark = Math.Min(watermark, id - 1);
                }

                slots = 0;
            }

            var rows = Run(c =>
            {
                var command = c.Command(_sql.WaitingScan(slots)).With("@s", studyId).With("@wm", watermark);
                BindList(command, "@w", slots, watched);
                var list = new List<(int Id, TrialState State)>();
                using (var r = command.ExecuteReader())
                {
                    while (r.Read())
                    {
                        list.Add((r.GetInt32(0), ParseState(r.GetString(1))));
                    }
                }

                if (list.Count == 0 && cache.WaitingWatermark < 0)
                {
                    EnsureStudy(c, studyId);
                }

                return list;
            });
            candidates = FoldScan(cache, rows, candidates);
            if (Dialect.SerializesWriters && !cache.FastAsk)
            {
                // Asks go back to the single-statement insert once no other process's trial is running.
                cache.FastAsk = cache.ScanUnfinished.All(_owned.ContainsKey);
            }
        }

        if (candidates is null)
        {
            return null;
        }

        // When every candidate was claimed by another worker meanwhile, look again.
        return Claim(candidates) ?? PopWaitingTrialId(studyId);
    }

    /// <summary>Claims the first of the WAITING trials another worker has not claimed meanwhile (a compare-and-set on each state).</summary>
    private int? Claim(List<int> candidates)
    {
        DateTime now = Now();
        foreach (int trialId in candidates)
        {
            int rows = Run(c => c.Command(_sql.ClaimWaiting).With("@t", trialId).WithDateTime(Dialect, "@start", now).ExecuteNonQuery());
            if (rows == 1)
            {
                return trialId;
            }
        }

        return null;
    }

    /// <summary>
    /// Folds the rows of a waiting scan into the study's scan state (under its lock): the watermark moves past every row,
    /// unfinished trials are watched, finished ones forgotten; WAITING ones are added to <paramref name="candidates"/>.
    /// </summary>
    private static List<int>? FoldScan(StudyCache cache, List<(int Id, TrialState State)> rows, List<int>? candidates)
    {
        foreach (var (id, state) in rows)
        {
            cache.WaitingWatermark = Math.Max(cache.WaitingWatermark, id);
            if (state.IsFinished())
            {
                cache.ScanUnfinished.Remove(id);
                continue;
            }

            cache.ScanUnfinished.Add(id);
            if (state == TrialState.Waiting)
            {
                (candidates ??= []).Add(id);
            }
        }

        return candidates;
    }
}
