using System.Collections.ObjectModel;
using Sharptune.Internal;
using Sharptune.Samplers.History;

namespace Sharptune.Samplers.Tpe;

/// <summary>
/// What the TPE sampler derives from one study's <see cref="TrialHistory"/>, kept incrementally: each call learns
/// only the trials that finished since the previous one. Holds the parameter columns, the orderings used to split
/// trials into below and above, and the RUNNING trials for the constant liar; the search spaces are the history's.
/// Not thread-safe: the sampler serializes access.
/// </summary>
internal sealed class TpeStudyState
{
    /// <summary>The key prefix of relative parameters published by RUNNING trials (Optuna's <c>tpe:relative_params</c>).</summary>
    public const string RelativeParamsKey = "tpe:relative_params";

    /// <summary>The chunk length of published relative parameters (RDB storages limit system attributes to 2,045 characters).</summary>
    public const int SystemAttrMaxLength = 2045;

    private readonly TrialHistory _history;
    private readonly Dictionary<int, IReadOnlyDictionary<string, double>> _ownRelative = [];
    private readonly Dictionary<int, IReadOnlyDictionary<string, object?>> _parsedRelative = [];

    // Single objective: orderings of the split buckets (key, trial number).
    private readonly SortedEntryList _complete = new();
    private readonly List<(double Key1, double Key2, int Number)> _pruned = [];
    private readonly SortedEntryList _infeasible = new();

    // Multi-objective: feasible COMPLETE trials in number order with their loss vectors.
    private readonly List<int> _moNumbers = [];
    private readonly List<double[]> _moLoss = [];

    private IReadOnlyDictionary<string, Distribution>? _intersectionSource;
    private IReadOnlyDictionary<string, Distribution>? _intersectionView;
    private int _historyCursor;

    private int _splitVersion = -1;
    private int _lastRefreshFor = -1;
    private bool[] _isBelow = [];
    private int _isBelowCount;
    private int[] _below = [];
    private int _belowCount;
    private readonly List<int> _belowScratch = [];
    private readonly List<int> _membershipChanges = [];
    private readonly List<IncrementalAbove> _aboves = [];

    /// <summary>Initializes a new instance of the <see cref="TpeStudyState"/> class.</summary>
    /// <param name="study">The study (or the pruner's view of it) whose history the state follows.</param>
    /// <param name="history">The history of <paramref name="study"/>.</param>
    public TpeStudyState(Study study, TrialHistory history)
    {
        _history = history;
        var directions = study.Directions;
        Maximize = new bool[directions.Count];
        for (int i = 0; i < directions.Count; i++)
        {
            Maximize[i] = directions[i] == StudyDirection.Maximize;
        }
    }

    /// <summary>
    /// Gets the trial numbers whose place in the split may have changed, in order: each COMPLETE or PRUNED trial
    /// when it is learnt, and each trial that entered or left the below set at a split. A reader keeps its position
    /// (<see cref="MembershipChangeCount"/>) and rechecks the trials listed after it.
    /// </summary>
    /// <param name="from">The position read up to.</param>
    /// <returns>The numbers listed since.</returns>
    public ReadOnlySpan<int> MembershipChangesSince(int from) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_membershipChanges)[from..];

    /// <summary>Gets the length of the list of <see cref="MembershipChangesSince"/>.</summary>
    public int MembershipChangeCount => _membershipChanges.Count;

    /// <summary>Gets the above mixtures kept so far, one per space.</summary>
    public IReadOnlyList<IncrementalAbove> Aboves => _aboves;

    /// <summary>Gets the above mixture kept for a space (all continuous), created on first use.</summary>
    /// <param name="dims">The dimensions.</param>
    /// <param name="settings">The estimator options.</param>
    /// <returns>The mixture.</returns>
    public IncrementalAbove AboveFor(TpeDimension[] dims, ParzenSettings settings)
    {
        TrimMembershipChanges();

        // The most recently used last; at most MaxKeptMixtures are kept (a study whose spaces keep changing would
        // otherwise keep one per space).
        for (int i = _aboves.Count - 1; i >= 0; i--)
        {
            var above = _aboves[i];
            if (above.Matches(dims, settings))
            {
                if (i != _aboves.Count - 1)
                {
                    _aboves.RemoveAt(i);
                    _aboves.Add(above);
                }

                return above;
            }
        }

        if (_aboves.Count == MaxKeptMixtures)
        {
            _aboves.RemoveAt(0);
        }

        var created = new IncrementalAbove(dims, settings);
        _aboves.Add(created);
        return created;
    }

    /// <summary>
    /// Keeps the list of membership changes short: past <see cref="MaxMembershipChanges"/> entries, its older half is
    /// dropped; a kept mixture that had not read that far makes a full pass at its next use.
    /// </summary>
    private void TrimMembershipChanges()
    {
        int count = _membershipChanges.Count;
        if (count <= MaxMembershipChanges)
        {
            return;
        }

        int drop = count / 2;
        _membershipChanges.RemoveRange(0, drop);
        foreach (var above in _aboves)
        {
            above.MembershipChangesDropped(drop);
        }
    }

    /// <summary>Gets or sets the length past which the list of membership changes loses its older half (tests lower it).</summary>
    internal int MaxMembershipChanges { get; set; } = 1 << 16;

    /// <summary>The most above mixtures kept at once (one per space; the least recently used goes first).</summary>
    internal const int MaxKeptMixtures = 8;

    /// <summary>Gets whether each objective is maximized.</summary>
    public bool[] Maximize { get; }

    /// <summary>Gets a value indicating whether the study has several objectives.</summary>
    public bool IsMultiObjective => Maximize.Length > 1;

    /// <summary>Gets the number of trial numbers seen.</summary>
    public int KnownTrials => _history.KnownTrials;

    /// <summary>Gets the number of finished trials ingested (any finished state); changes whenever the split may change.</summary>
    public int FinishedVersion { get; private set; }

    /// <summary>Gets the number of COMPLETE and PRUNED trials.</summary>
    public int CompleteOrPrunedCount { get; private set; }

    /// <summary>Gets the COMPLETE and PRUNED trial numbers, ascending.</summary>
    public List<int> Eligible { get; } = [];

    /// <summary>Gets the columns by parameter name.</summary>
    public Dictionary<string, ParamColumn> Columns { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the RUNNING trials as of the last <see cref="Refresh"/>, ascending by number.</summary>
    public List<FrozenTrial> Running { get; } = [];

    /// <summary>Gets the trial numbers of the below set of the last split, ascending.</summary>
    public ReadOnlySpan<int> Below => _below.AsSpan(0, _belowCount);

    /// <summary>Gets, by trial number, whether the trial is in the below set of the last split.</summary>
    public ReadOnlySpan<bool> IsBelow => _isBelow.AsSpan(0, _isBelowCount);

    /// <summary>Learns, from the study's history, the trials that finished since the previous call.</summary>
    /// <param name="currentNumber">The trial being sampled (RUNNING, not read and not listed in <see cref="Running"/>), or −1.</param>
    public void Refresh(int currentNumber = -1)
    {
        _lastRefreshFor = currentNumber;
        _history.Refresh(currentNumber);
        var fresh = _history.FinishedSince(_historyCursor);
        _historyCursor += fresh.Length;
        foreach (var trial in fresh)
        {
            Ingest(trial);
        }

        Running.Clear();
        Running.AddRange(_history.Running);
    }

    /// <summary>
    /// Returns whether the last read was made for this trial, and forgets it, so that a sampling that directly
    /// follows the search-space inference of the same trial does not read the study twice.
    /// </summary>
    /// <param name="currentNumber">The trial number.</param>
    /// <returns>Whether the state is as fresh as that read.</returns>
    public bool JustRefreshedFor(int currentNumber)
    {
        bool fresh = currentNumber >= 0 && _lastRefreshFor == currentNumber;
        _lastRefreshFor = -1;
        return fresh;
    }

    private void Ingest(FrozenTrial trial)
    {
        FinishedVersion++;
        _ownRelative.Remove(trial.Number);
        _parsedRelative.Remove(trial.Number);
        if (trial.State is not (TrialState.Complete or TrialState.Pruned))
        {
            return;
        }

        CompleteOrPrunedCount++;
        int number = trial.Number;
        // Trials mostly finish in number order: appended; otherwise inserted in place.
        int pos = Eligible.Count;
        while (pos > 0 && Eligible[pos - 1] > number)
        {
            pos--;
        }

        Eligible.Insert(pos, number);
        _membershipChanges.Add(number);

        foreach (var (name, value) in trial.InternalParams)
        {
            if (!Columns.TryGetValue(name, out var column))
            {
                column = new ParamColumn(trial.Distributions[name]);
                Columns[name] = column;
            }

            column.Add(number, value);
        }

        double violation = TrialDomination.Penalty(trial); // Optuna's _get_infeasible_trial_score
        if (violation > 0)
        {
            _infeasible.Insert(violation, number);
        }
        else if (trial.State == TrialState.Complete)
        {
            if (IsMultiObjective)
            {
                var loss = new double[Maximize.Length];
                for (int i = 0; i < loss.Length; i++)
                {
                    loss[i] = Maximize[i] ? -trial.Values![i] : trial.Values![i];
                }

                int at = _moNumbers.BinarySearch(number);
                _moNumbers.Insert(~at, number);
                _moLoss.Insert(~at, loss);
            }
            else
            {
                double v = trial.Values![0];
                _complete.Insert(Maximize[0] ? -v : v, number);
            }
        }
        else
        {
            var (k1, k2) = PrunedKey(trial);
            var entry = (k1, k2, number);
            int at = _pruned.BinarySearch(entry);
            _pruned.Insert(at < 0 ? ~at : at, entry);
        }
    }

    /// <summary>
    /// The order of PRUNED trials (Optuna's <c>_get_pruned_trial_score</c>): deeper first, then by the last
    /// intermediate value (negated when maximizing; NaN last); a trial that reported nothing comes last.
    /// </summary>
    private (double, double) PrunedKey(FrozenTrial trial)
    {
        if (trial.LastStep is not { } step)
        {
            return (1, 0.0);
        }

        double v = trial.IntermediateValues[step];
        if (double.IsNaN(v))
        {
            return (-step, double.PositiveInfinity);
        }

        return (-step, Maximize[0] ? -v : v);
    }

    /// <summary>Gets the intersection search space of COMPLETE and PRUNED trials (sorted by name, single-valued distributions removed).</summary>
    /// <returns>The space.</returns>
    public IReadOnlyDictionary<string, Distribution> IntersectionSpace()
    {
        var source = _history.Spaces.Intersection(includePruned: true);
        if (!ReferenceEquals(source, _intersectionSource))
        {
            _intersectionView = SortedSpace.From(source, static d => !d.IsSingle);
            _intersectionSource = source;
        }

        return _intersectionView!;
    }

    /// <summary>Gets the group-decomposed search spaces, each sorted by name (single-valued distributions kept).</summary>
    /// <returns>The groups.</returns>
    public IReadOnlyList<IReadOnlyDictionary<string, Distribution>> GroupSpaces() => _history.Spaces.Groups();

    /// <summary>Remembers the relative parameters this process sampled for a RUNNING trial.</summary>
    /// <param name="number">The trial number.</param>
    /// <param name="internalParams">The internal values.</param>
    public void SetOwnRelative(int number, IReadOnlyDictionary<string, double> internalParams) => _ownRelative[number] = internalParams;

    /// <summary>
    /// Gets the internal value of a parameter of a RUNNING trial: its own suggestion if made, otherwise the relative
    /// value it was given (kept in memory, or published by another process in system attributes).
    /// </summary>
    /// <param name="trial">The running trial.</param>
    /// <param name="name">The parameter name.</param>
    /// <param name="distribution">The distribution of the space being sampled.</param>
    /// <param name="includeRelative">Whether relative parameters count (multivariate mode).</param>
    /// <param name="value">The internal value.</param>
    /// <returns>Whether the value is known.</returns>
    public bool TryGetRunningParam(FrozenTrial trial, string name, Distribution distribution, bool includeRelative, out double value)
    {
        if (trial.InternalParams.TryGetValue(name, out value))
        {
            return true;
        }

        if (!includeRelative)
        {
            return false;
        }

        if (_ownRelative.TryGetValue(trial.Number, out var own))
        {
            return own.TryGetValue(name, out value);
        }

        if (!_parsedRelative.TryGetValue(trial.Number, out var parsed))
        {
            parsed = ParsePublished(trial);
            if (parsed is null)
            {
                return false;
            }

            _parsedRelative[trial.Number] = parsed;
        }

        if (!parsed.TryGetValue(name, out object? external))
        {
            return false;
        }

        try
        {
            value = distribution.ToInternalRepr(external);
            return distribution is not CategoricalDistribution || value >= 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static IReadOnlyDictionary<string, object?>? ParsePublished(FrozenTrial trial)
    {
        if (!trial.SystemAttrs.ContainsKey(RelativeParamsKey + ":0"))
        {
            return null;
        }

        var text = new System.Text.StringBuilder();
        for (int i = 0; trial.SystemAttrs.TryGetValue(RelativeParamsKey + ":" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), out object? chunk) && chunk is string s && s.Length > 0; i++)
        {
            text.Append(s);
        }

        try
        {
            return PyJson.Parse(text.ToString()) is IDictionary<string, object?> d ? new Dictionary<string, object?>(d, StringComparer.Ordinal) : null;
        }
        catch (FormatException)
        {
            // Another worker may be writing the chunks right now: use the trial's own parameters only.
            return null;
        }
    }

    /// <summary>
    /// Splits the COMPLETE and PRUNED trials into below (the best n_below: COMPLETE by value, then PRUNED by depth and
    /// last value, then infeasible by violation) and above; recomputed only when a trial has finished.
    /// </summary>
    /// <param name="gamma">The gamma function.</param>
    public void EnsureSplit(Func<int, int> gamma)
    {
        if (_splitVersion == FinishedVersion)
        {
            return;
        }

        int nBelow = gamma(CompleteOrPrunedCount);
        if (nBelow < 0)
        {
            throw new ArgumentException($"The `gamma` function must return a non-negative integer, but got {nBelow}.");
        }

        var below = _belowScratch;
        below.Clear();
        if (IsMultiObjective)
        {
            SplitCompleteMultiObjective(nBelow, below);
        }
        else
        {
            for (int i = 0; i < _complete.Count && below.Count < nBelow; i++)
            {
                below.Add(_complete[i].Number);
            }
        }

        int remaining = nBelow - below.Count;
        for (int i = 0; i < _pruned.Count && remaining > 0; i++, remaining--)
        {
            below.Add(_pruned[i].Number);
        }

        for (int i = 0; i < _infeasible.Count && remaining > 0; i++, remaining--)
        {
            below.Add(_infeasible[i].Number);
        }

        below.Sort();

        // The trials that entered or left the below set (both lists are sorted).
        var old = Below;
        for (int i = 0, j = 0; i < old.Length || j < below.Count;)
        {
            if (j >= below.Count || (i < old.Length && old[i] < below[j]))
            {
                _membershipChanges.Add(old[i++]);
            }
            else if (i >= old.Length || below[j] < old[i])
            {
                _membershipChanges.Add(below[j++]);
            }
            else
            {
                i++;
                j++;
            }
        }

        // The table of the previous split is cleared and reused (grown by doubling), not allocated for every split.
        foreach (int number in Below)
        {
            _isBelow[number] = false;
        }

        if (_isBelow.Length < KnownTrials)
        {
            Array.Resize(ref _isBelow, Math.Max(KnownTrials, 2 * _isBelow.Length));
        }

        _isBelowCount = KnownTrials;
        if (_below.Length < below.Count)
        {
            _below = new int[Math.Max(below.Count, 2 * _below.Length)];
        }

        below.CopyTo(_below);
        _belowCount = below.Count;
        foreach (int number in Below)
        {
            _isBelow[number] = true;
        }

        _splitVersion = FinishedVersion;
    }

    private void SplitCompleteMultiObjective(int nBelow, List<int> below)
    {
        int n = _moNumbers.Count;
        nBelow = Math.Min(nBelow, n);
        if (nBelow == 0)
        {
            return;
        }

        if (nBelow == n)
        {
            below.AddRange(_moNumbers);
            return;
        }

        int m = Maximize.Length;
        var loss = new double[n * m];
        for (int i = 0; i < n; i++)
        {
            Array.Copy(_moLoss[i], 0, loss, i * m, m);
        }

        // Whole non-domination ranks first, then a hypervolume subset of the rank that is cut (Optuna's split).
        foreach (int i in ParetoSelection.SelectBest(loss, n, m, nBelow))
        {
            below.Add(_moNumbers[i]);
        }
    }
}
