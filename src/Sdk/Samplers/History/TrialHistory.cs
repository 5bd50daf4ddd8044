namespace Sharptune.Samplers.History;

/// <summary>
/// The trials of a study as its samplers see them: one incremental reader per <see cref="Study"/> object, so the
/// cost of reading trials does not grow with the study. Finished trials are immutable, so each is learnt once: the
/// trials this process runs are handed over by the study when they finish (write-through, no read back), and only
/// the trials of other workers are read from the storage (the new ones, then the unfinished ones again at each
/// refresh). The search spaces of the finished trials are tracked beside them (<see cref="Spaces"/>).
/// <para>
/// The rule: <b>samplers see the pruner's view.</b> The study a sampler receives is the one
/// <see cref="Pruners.IPruner.FilterStudy"/> returns (HyperbandPruner's bracket, for instance), and a view's history
/// holds only the trials its filter keeps, read through the history of the study it was made from. Samplers get
/// their trials from <see cref="Study.History"/> of the study they are given, never from the storage.
/// </para>
/// Thread-safe.
/// </summary>
internal sealed class TrialHistory
{
    /// <summary>Above this many trials to read, one bulk read is cheaper than reading them one by one.</summary>
    private const int BulkReadThreshold = 64;

    private readonly Lock _lock = new();
    private readonly Study _study;
    private readonly TrialHistory? _parent;
    private readonly Func<FrozenTrial, FrozenTrial?>? _map;
    private readonly List<FrozenTrial> _finished = [];
    private readonly Dictionary<object, object> _samplerStates = [];

    // Root only: trial ids by number, the numbers not known finished, and the trials this process finished.
    private readonly List<int> _trialIds = [];
    private readonly List<int> _pending = [];
    private readonly Dictionary<int, FrozenTrial> _finishedHere = [];

    private IReadOnlyList<FrozenTrial> _running = [];
    private bool _read; // set by the first Refresh: until a sampler reads the history, it records nothing
    private int _parentCursor;
    private int _lastRefreshFor = -1;

    /// <summary>Initializes the history of a study (not a view).</summary>
    /// <param name="study">The study.</param>
    public TrialHistory(Study study)
    {
        _study = study;
    }

    /// <summary>Initializes the history of a view: the trials of <paramref name="parent"/> that <paramref name="map"/> keeps.</summary>
    /// <param name="view">The view.</param>
    /// <param name="parent">The history of the study the view was made from.</param>
    /// <param name="map">Maps a trial to what the view shows, or <see langword="null"/> to leave it out.</param>
    public TrialHistory(Study view, TrialHistory parent, Func<FrozenTrial, FrozenTrial?> map)
    {
        _study = view;
        _parent = parent;
        _map = map;
    }

    /// <summary>Gets the search spaces of the finished trials.</summary>
    public SearchSpaceTracker Spaces { get; } = new();

    /// <summary>Gets the number of trial numbers known (every trial of the study, not only the view's).</summary>
    public int KnownTrials
    {
        get
        {
            if (_parent is not null)
            {
                return _parent.KnownTrials;
            }

            lock (_lock)
            {
                return _trialIds.Count;
            }
        }
    }

    /// <summary>Gets the number of finished trials learnt so far.</summary>
    public int FinishedCount
    {
        get
        {
            lock (_lock)
            {
                return _finished.Count;
            }
        }
    }

    /// <summary>Gets the unfinished trials other than the one refreshed for, as of the last <see cref="Refresh"/>, by number.</summary>
    public IReadOnlyList<FrozenTrial> Running
    {
        get
        {
            lock (_lock)
            {
                return _running;
            }
        }
    }

    /// <summary>
    /// Returns the state a sampler keeps for this history, creating it on first use: derived state lives as long
    /// as the study object it was derived from.
    /// </summary>
    /// <typeparam name="T">The state type.</typeparam>
    /// <param name="owner">The sampler (or part of one) that owns the state.</param>
    /// <param name="create">Creates the state.</param>
    /// <returns>The state.</returns>
    public T StateFor<T>(object owner, Func<TrialHistory, T> create)
        where T : class
    {
        lock (_lock)
        {
            if (!_samplerStates.TryGetValue(owner, out object? state))
            {
                state = create(this);
                _samplerStates[owner] = state;
            }

            return (T)state;
        }
    }

    /// <summary>
    /// <see cref="StateFor{T}(object, Func{TrialHistory, T})"/> with an argument for the factory, so that a caller
    /// passes a static lambda and allocates no closure on every call.
    /// </summary>
    /// <typeparam name="T">The state type.</typeparam>
    /// <typeparam name="TArg">The factory's argument type.</typeparam>
    /// <param name="owner">The sampler (or part of one) that owns the state.</param>
    /// <param name="arg">The factory's argument.</param>
    /// <param name="create">Creates the state.</param>
    /// <returns>The state.</returns>
    public T StateFor<T, TArg>(object owner, TArg arg, Func<TrialHistory, TArg, T> create)
        where T : class
    {
        lock (_lock)
        {
            if (!_samplerStates.TryGetValue(owner, out object? state))
            {
                state = create(this, arg);
                _samplerStates[owner] = state;
            }

            return (T)state;
        }
    }

    /// <summary>Returns the finished trials learnt from position <paramref name="from"/> on, in the order they were learnt.</summary>
    /// <param name="from">The number of finished trials the caller has already seen.</param>
    /// <returns>The new finished trials.</returns>
    public FrozenTrial[] FinishedSince(int from)
    {
        lock (_lock)
        {
            if (from >= _finished.Count)
            {
                return [];
            }

            var fresh = new FrozenTrial[_finished.Count - from];
            _finished.CopyTo(from, fresh, 0, fresh.Length);
            return fresh;
        }
    }

    /// <summary>Returns the finished trials in <paramref name="state"/> learnt so far, ordered by number (as the storage lists them).</summary>
    /// <param name="state">The state to keep.</param>
    /// <returns>The trials.</returns>
    public List<FrozenTrial> FinishedInNumberOrder(TrialState state)
    {
        lock (_lock)
        {
            var result = new List<FrozenTrial>(_finished.Count);
            foreach (var t in _finished)
            {
                if (t.State == state)
                {
                    result.Add(t);
                }
            }

            result.Sort(static (a, b) => a.Number.CompareTo(b.Number));
            return result;
        }
    }

    /// <summary>Records that this process started a trial (its number is then known without a read).</summary>
    /// <param name="number">The trial number.</param>
    /// <param name="trialId">The trial id.</param>
    internal void OnStarted(int number, int trialId)
    {
        lock (_lock)
        {
            if (_read && number == _trialIds.Count)
            {
                _trialIds.Add(trialId);
                _pending.Add(number);
            }
        }
    }

    /// <summary>
    /// Gets a value indicating whether a sampler has read the history (before that, <see cref="OnFinished"/> records
    /// nothing, and callers need not build the finished trial for it).
    /// </summary>
    internal bool IsRead => Volatile.Read(ref _read);

    /// <summary>Records a trial this process has just stored finished, so it is learnt without a read.</summary>
    /// <param name="trial">The finished trial.</param>
    internal void OnFinished(FrozenTrial trial)
    {
        lock (_lock)
        {
            if (_read && trial.Number < _trialIds.Count && _trialIds[trial.Number] == trial.TrialId)
            {
                _finishedHere[trial.Number] = trial;
                _lastRefreshFor = -1;
            }
        }
    }

    /// <summary>
    /// Learns the trials that finished since the last call. Asking again for the same trial with nothing finished
    /// in this process meanwhile does not read the storage (a trial's suggestions share one read).
    /// </summary>
    /// <param name="currentNumber">The trial being sampled (not read, not listed as running), or −1.</param>
    public void Refresh(int currentNumber = -1)
    {
        if (_parent is not null)
        {
            RefreshView(currentNumber);
            return;
        }

        lock (_lock)
        {
            if (currentNumber >= 0 && currentNumber == _lastRefreshFor)
            {
                return;
            }

            _lastRefreshFor = currentNumber;
            _read = true;
            var storage = _study.Storage;
            int studyId = _study.StudyId;
            int total = storage.GetNTrials(studyId);
            int foreignPending = _pending.Count - _finishedHere.Count - (currentNumber >= 0 ? 1 : 0);
            IReadOnlyList<FrozenTrial>? all = null;
            if (total > _trialIds.Count && total - _trialIds.Count + foreignPending > BulkReadThreshold)
            {
                all = storage.GetAllTrials(studyId);
                total = all.Count;
            }

            for (int number = _trialIds.Count; number < total; number++)
            {
                _trialIds.Add(all is not null ? all[number].TrialId : storage.GetTrialIdFromStudyIdTrialNumber(studyId, number));
                _pending.Add(number);
            }

            List<FrozenTrial>? running = null;
            int kept = 0;
            for (int i = 0; i < _pending.Count; i++)
            {
                int number = _pending[i];
                if (number == currentNumber)
                {
                    _pending[kept++] = number;
                    continue;
                }

                if (!_finishedHere.Remove(number, out var trial))
                {
                    trial = all is not null ? all[number] : storage.GetTrial(_trialIds[number]);
                }

                if (trial.State.IsFinished())
                {
                    Learn(trial);
                    continue;
                }

                if (trial.State == TrialState.Running)
                {
                    (running ??= []).Add(trial);
                }

                _pending[kept++] = number;
            }

            _pending.RemoveRange(kept, _pending.Count - kept);
            _running = running ?? (IReadOnlyList<FrozenTrial>)[];
        }
    }

    private void RefreshView(int currentNumber)
    {
        var parent = _parent!;
        parent.Refresh(currentNumber);
        var fresh = parent.FinishedSince(_parentCursor);
        var parentRunning = parent.Running;
        lock (_lock)
        {
            _parentCursor += fresh.Length;
            foreach (var t in fresh)
            {
                if (_map!(t) is { } mine)
                {
                    Learn(mine);
                }
            }

            List<FrozenTrial>? running = null;
            foreach (var t in parentRunning)
            {
                if (_map!(t) is { } mine)
                {
                    (running ??= []).Add(mine);
                }
            }

            _running = running ?? (IReadOnlyList<FrozenTrial>)[];
        }
    }

    private void Learn(FrozenTrial trial)
    {
        _finished.Add(trial);
        Spaces.Add(trial);
    }
}
