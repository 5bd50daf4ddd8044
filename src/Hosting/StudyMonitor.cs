namespace Sharptune.Hosting;

/// <summary>The live state of one hosted study, updated by its runner and read by the monitor.</summary>
internal sealed class StudyTracker
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly HashSet<int> _running = [];
    private HostedStudyState _state = HostedStudyState.Pending;
    private Study? _study;
    private IReadOnlyList<StudyDirection> _directions = [];
    private int _finishedStored;
    private int _completed;
    private int _pruned;
    private int _failed;
    private int _consecutiveFailures;
    private int? _bestNumber;
    private double? _bestValue;
    private IReadOnlyDictionary<string, object?>? _bestParams;
    private int? _target;
    private int? _runBudget;
    private TimeSpan? _timeout;
    private int _concurrency = 1;
    private DateTimeOffset? _startedAt;
    private double _durationSum;
    private int _durationCount;
    private string? _lastError;

    public StudyTracker(string name, TimeProvider time)
    {
        Name = name;
        _time = time;
    }

    public string Name { get; }

    public Study? Study
    {
        get
        {
            lock (_lock)
            {
                return _study;
            }
        }
    }

    public HostedStudyState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    public int ConsecutiveFailures
    {
        get
        {
            lock (_lock)
            {
                return _consecutiveFailures;
            }
        }
    }

    /// <summary>Records the opened study and what earlier runs stored.</summary>
    public void Opened(Study study, int finishedStored, FrozenTrial? best)
    {
        lock (_lock)
        {
            _study = study;
            _directions = study.Directions;
            _finishedStored = finishedStored;
            if (best is not null)
            {
                _bestNumber = best.Number;
                _bestValue = best.Values![0];
                _bestParams = best.Params;
            }
        }
    }

    public void Disabled()
    {
        lock (_lock)
        {
            _state = HostedStudyState.Disabled;
        }
    }

    public void Begin(int? target, int? runBudget, TimeSpan? timeout, int concurrency)
    {
        lock (_lock)
        {
            _state = HostedStudyState.Running;
            _target = target;
            _runBudget = runBudget;
            _timeout = timeout;
            _concurrency = concurrency;
            _startedAt = _time.GetUtcNow();
        }
    }

    public void TrialStarted(int number)
    {
        lock (_lock)
        {
            _running.Add(number);
        }
    }

    /// <summary>Records a finished trial.</summary>
    /// <returns>Whether it is the new best, and how many trials have failed in a row.</returns>
    public (bool NewBest, int ConsecutiveFailures) TrialFinished(FrozenTrial trial)
    {
        lock (_lock)
        {
            _running.Remove(trial.Number);
            _finishedStored++;
            if (trial.Duration is { } d)
            {
                _durationSum += d.TotalSeconds;
                _durationCount++;
            }

            bool newBest = false;
            switch (trial.State)
            {
                case TrialState.Complete:
                    _completed++;
                    _consecutiveFailures = 0;
                    if (_directions.Count == 1 && trial.Values is [double v] && trial.IsFeasible &&
                        (_bestValue is not { } b || (_directions[0] == StudyDirection.Maximize ? v > b : v < b)))
                    {
                        _bestValue = v;
                        _bestNumber = trial.Number;
                        _bestParams = trial.Params;
                        newBest = true;
                    }

                    break;
                case TrialState.Pruned:
                    _pruned++;
                    _consecutiveFailures = 0;
                    break;
                case TrialState.Fail:
                    _failed++;
                    _consecutiveFailures++;
                    break;
            }

            return (newBest, _consecutiveFailures);
        }
    }

    /// <summary>Forgets a trial that never reached the finish callback (its outcome could not be stored).</summary>
    public void TrialLost(int number)
    {
        lock (_lock)
        {
            _running.Remove(number);
        }
    }

    public void End(HostedStudyState state, Exception? error = null)
    {
        lock (_lock)
        {
            _state = state;
            _lastError = error is null ? null : $"{error.GetType().Name}: {error.Message}";
        }
    }

    public (int Completed, int Pruned, int Failed) Counts()
    {
        lock (_lock)
        {
            return (_completed, _pruned, _failed);
        }
    }

    public StudyStatus Snapshot()
    {
        lock (_lock)
        {
            return new StudyStatus(
                Name,
                _state,
                _directions,
                _finishedStored,
                _completed,
                _pruned,
                _failed,
                _running.Count,
                _consecutiveFailures,
                _bestNumber,
                _bestValue,
                _bestParams,
                _target,
                _startedAt,
                EstimateTimeLeft(),
                _lastError);
        }
    }

    private TimeSpan? EstimateTimeLeft()
    {
        switch (_state)
        {
            case HostedStudyState.Completed or HostedStudyState.Stopped or HostedStudyState.Faulted:
                return TimeSpan.Zero;
            case not HostedStudyState.Running:
                return null;
        }

        if (_durationCount == 0)
        {
            return null;
        }

        double mean = _durationSum / _durationCount;
        double? left = null;
        if (_runBudget is { } budget)
        {
            int toFinish = Math.Max(0, budget - (_completed + _pruned + _failed));
            left = Math.Ceiling((double)toFinish / Math.Max(1, _concurrency)) * mean;
        }

        if (_timeout is { } timeout && _startedAt is { } start)
        {
            double untilDeadline = Math.Max(0, (start + timeout - _time.GetUtcNow()).TotalSeconds);

            // No trial starts after the deadline; the ones running then still finish.
            double byTimeout = untilDeadline + (_running.Count > 0 ? mean : 0);
            left = left is { } l ? Math.Min(l, byTimeout) : byTimeout;
        }

        return left is { } s ? TimeSpan.FromSeconds(s) : null;
    }
}

/// <summary>The <see cref="IStudyMonitor"/> of the registered studies.</summary>
internal sealed class StudyMonitor : IStudyMonitor
{
    private readonly Dictionary<string, StudyTracker> _trackers = new(StringComparer.Ordinal);

    public StudyMonitor(IEnumerable<StudyRegistration> registrations, TimeProvider time)
    {
        var names = new List<string>();
        foreach (var r in registrations)
        {
            _trackers[r.Name] = new StudyTracker(r.Name, time);
            names.Add(r.Name);
        }

        StudyNames = names;
    }

    public IReadOnlyList<string> StudyNames { get; }

    public IReadOnlyList<StudyStatus> GetStatuses() => StudyNames.Select(n => _trackers[n].Snapshot()).ToList();

    public StudyStatus GetStatus(string studyName) => Tracker(studyName).Snapshot();

    public Study? GetStudy(string studyName) => Tracker(studyName).Study;

    internal StudyTracker Tracker(string studyName)
    {
        ArgumentNullException.ThrowIfNull(studyName);
        return _trackers.TryGetValue(studyName, out var t)
            ? t
            : throw new KeyNotFoundException($"No hosted study is named '{studyName}'. Hosted studies: {string.Join(", ", StudyNames.Select(n => $"'{n}'"))}.");
    }
}
