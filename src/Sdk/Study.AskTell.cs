using System.Collections.ObjectModel;
using Sharptune.Internal;
using Sharptune.Samplers;
using Sharptune.Storages;

namespace Sharptune;

/// <content>Trials: enqueue, add, ask and tell, and the writes samplers and pruners make through a live trial.</content>
public sealed partial class Study
{
    /// <summary>
    /// Sets a system attribute of a trial on behalf of a sampler or pruner. When <paramref name="trial"/> is a
    /// snapshot of a live trial of this process, the write goes through that trial, which then knows its own
    /// attributes without reading them back; otherwise it goes to the storage.
    /// </summary>
    /// <param name="trial">The trial, as the sampler or pruner received it.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value (JSON-compatible).</param>
    internal void SetTrialSystemAttr(FrozenTrial trial, string key, object? value)
    {
        if (trial.Live is { } live && ReferenceEquals(live.Study.Storage, Storage) && !live.HasFinished)
        {
            live.SetSystemAttr(key, value);
        }
        else
        {
            Storage.SetTrialSystemAttr(trial.TrialId, key, value);
        }
    }



    /// <summary>
    /// Enqueues a WAITING trial whose parameters are fixed (Optuna's <c>enqueue_trial</c>); the next ask claims it.
    /// Parameters not listed are sampled as usual.
    /// </summary>
    /// <param name="params">The fixed parameter values (external representation).</param>
    /// <param name="userAttrs">User attributes of the trial.</param>
    /// <param name="skipIfExists">Skip when a trial with the same parameters exists.</param>
    public void EnqueueTrial(IReadOnlyDictionary<string, object?> @params, IReadOnlyDictionary<string, object?>? userAttrs = null, bool skipIfExists = false)
    {
        if (@params is null)
        {
            throw new ArgumentNullException(nameof(@params), "params must be a dictionary.");
        }

        if (skipIfExists && ShouldSkipEnqueue(@params))
        {
            Log.EnqueueSkipped(Logger, PyFormat.Repr(@params));
            return;
        }

        var fixedParams = new Dictionary<string, object?>(@params);
        AddTrial(Sharptune.Trials.Create(
            state: TrialState.Waiting,
            systemAttrs: new Dictionary<string, object?> { ["fixed_params"] = fixedParams },
            userAttrs: userAttrs));
    }

    private bool ShouldSkipEnqueue(IReadOnlyDictionary<string, object?> @params)
    {
        foreach (var trial in Trials)
        {
            IReadOnlyDictionary<string, object?> trialParams =
                trial.SystemAttrs.TryGetValue("fixed_params", out object? fp) && fp is IReadOnlyDictionary<string, object?> d ? d
                : fp is IDictionary<string, object?> d2 ? new ReadOnlyDictionary<string, object?>(d2)
                : trial.Params;
            if (trialParams.Count != @params.Count || !@params.Keys.All(trialParams.ContainsKey))
            {
                continue;
            }

            bool allRepeated = true;
            foreach (var (name, value) in @params)
            {
                object? existing = trialParams[name];
                bool repeated;
                if (!SameKind(value, existing))
                {
                    // Optuna 5: a value of another type (1 against 1.0, a choice against a float) is never a repeat.
                    repeated = false;
                }
                else if (IsReal(value))
                {
                    // np.isclose(value, existing, atol=0, equal_nan=True): relative tolerance 1e-5 of the existing value.
                    double a = PyJson.ToDouble(value);
                    double b = PyJson.ToDouble(existing);
                    repeated = a == b || (double.IsNaN(a) && double.IsNaN(b)) || Math.Abs(a - b) <= 1e-5 * Math.Abs(b);
                }
                else
                {
                    repeated = CategoricalDistribution.ChoiceEquals(value, existing) && (value is null) == (existing is null) && (value?.GetType() == existing?.GetType() || (value is string && existing is Enum) || (value is Enum && existing is string));
                }

                if (!repeated)
                {
                    allRepeated = false;
                    break;
                }
            }

            if (allRepeated)
            {
                return true;
            }
        }

        return false;

        static bool IsReal(object? o) => o is double or float or decimal or bool || (o is not null && PyFormat.IsInteger(o));

        // Python's isinstance(value, type(existing)) for the types parameters take (bool is an int there).
        static bool SameKind(object? value, object? existing) => existing switch
        {
            null => value is null,
            bool => value is bool,
            double or float or decimal => value is double or float or decimal,
            _ when PyFormat.IsInteger(existing) => value is bool || (value is not null && PyFormat.IsInteger(value)),
            string or Enum => value is string or Enum,
            _ => value is not null && existing.GetType().IsInstanceOfType(value),
        };
    }

    /// <summary>Adds a finished (or WAITING) trial after validating it (Optuna's <c>add_trial</c>).</summary>
    /// <param name="trial">The trial, e.g. from <see cref="Sharptune.Trials.Create"/> or another study.</param>
    /// <exception cref="ArgumentException">The trial is invalid or has the wrong number of values.</exception>
    public void AddTrial(FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        trial.Validate();
        if (trial.Values is not null && trial.Values.Count != Directions.Count)
        {
            throw new ArgumentException(
                $"The added trial has {trial.Values.Count} values, which is different from the number of objectives {Directions.Count} in the study (determined by Study.directions).",
                nameof(trial));
        }

        Storage.CreateNewTrial(StudyId, trial);
    }

    /// <summary>Adds several trials (Optuna's <c>add_trials</c>).</summary>
    /// <param name="trials">The trials.</param>
    public void AddTrials(IEnumerable<FrozenTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        foreach (var t in trials)
        {
            AddTrial(t);
        }
    }

    /// <summary>
    /// Starts a trial for the ask-and-tell interface (Optuna's <c>ask</c>): claims an enqueued trial or creates a
    /// new RUNNING one.
    /// </summary>
    /// <param name="fixedDistributions">Parameters to suggest at once, by name.</param>
    /// <returns>The trial.</returns>
    public Trial Ask(IReadOnlyDictionary<string, Distribution>? fixedDistributions = null)
    {
        ThrowIfView("Ask");
        if (Storage is InMemoryStorage memory)
        {
            // One lock for the claim or creation and what the live trial needs of it.
            int id = memory.ClaimOrCreateTrial(StudyId, out int number, out DateTime? started, out var table);
            return StartTrial(id, fixedDistributions, table, number, started);
        }

        int trialId = Storage.ClaimOrCreateTrial(StudyId);
        return StartTrial(trialId, fixedDistributions);
    }

    /// <summary>
    /// Asks for a trial in an optimize loop: an enqueued one, or a new one when the <see cref="MaxTrialsCallback"/>
    /// cap (if any) leaves room, decided atomically by the storage; <see langword="null"/> when the cap is reached.
    /// </summary>
    internal Trial? AskWithinLimit(MaxTrialsCallback? gate)
    {
        if (gate is null)
        {
            return Ask();
        }

        int? trialId = Storage.PopWaitingTrialId(StudyId) ?? Storage.CreateNewTrialWithinLimit(StudyId, gate.NTrials, gate.GateStates);
        return trialId is { } id ? StartTrial(id, null) : null;
    }

    // newTable, newNumber and newStart: what InMemoryStorage.ClaimOrCreateTrial read of a trial that holds nothing yet.
    private Trial StartTrial(
        int trialId, IReadOnlyDictionary<string, Distribution>? fixedDistributions, ParamTable? newTable = null, int newNumber = 0, DateTime? newStart = null)
    {
        try
        {
            // A trial the in-memory storage has just created holds nothing yet: no snapshot of it is read.
            if (newTable is null && Storage is InMemoryStorage memory && memory.TryGetNewTrial(trialId, out newNumber, out newStart, out var table))
            {
                newTable = table;
            }

            // Under RandomSampler, which reads no trial, the live trial reads the storage's parameter table instead of
            // keeping a copy: a Random trial is mostly plumbing, and the copy was a third of what it allocated. Under
            // the samplers that read the trials, it keeps its own: measured with TPE, sharing made a long process's
            // runs about 5% slower through the garbage collector (the same speed with collections held off), for no
            // gain in the first run.
            var trial = newTable is not null
                ? new Trial(this, trialId, newNumber, newStart, SnapshotFreeSampler is not null ? newTable : null)
                : new Trial(this, Storage.GetTrial(trialId));
            if (fixedDistributions is not null)
            {
                foreach (var (name, dist) in fixedDistributions)
                {
                    trial.Suggest(name, dist);
                }
            }

            return trial;
        }
        catch
        {
            // Unlike Optuna, a trial whose start fails (the sampler's BeforeTrial, an invalid fixed distribution) is
            // not left RUNNING: it is stored FAIL before the exception propagates.
            try
            {
                Storage.SetTrialStateValues(trialId, TrialState.Fail);
            }
            catch (Exception cleanup) when (cleanup is UpdateFinishedTrialException or StorageInternalException)
            {
                // Already finished, or the storage is gone: nothing more can be done here.
            }

            throw;
        }
    }

    /// <summary>Finishes a trial with one value (COMPLETE).</summary>
    /// <param name="trial">The trial returned by <see cref="Ask"/>.</param>
    /// <param name="value">The objective value.</param>
    /// <returns>The finished trial.</returns>
    public FrozenTrial Tell(ITrial trial, double value) => Tell(trial, [value]);

    /// <summary>
    /// Finishes a trial (Optuna's <c>tell</c>): with values and no state, COMPLETE when the values are valid and FAIL
    /// (with a warning) otherwise; with a state, exactly that state.
    /// </summary>
    /// <param name="trial">The trial returned by <see cref="Ask"/>.</param>
    /// <param name="values">The objective values, or <see langword="null"/>.</param>
    /// <param name="state">COMPLETE, PRUNED or FAIL, or <see langword="null"/> to infer it.</param>
    /// <param name="skipIfFinished">Return quietly when the trial has already finished.</param>
    /// <returns>The finished trial.</returns>
    /// <exception cref="ArgumentException">The state and values disagree, or the trial is not RUNNING.</exception>
    public FrozenTrial Tell(ITrial trial, IReadOnlyList<double>? values = null, TrialState? state = null, bool skipIfFinished = false)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (trial is not Trial live || live.Study.StudyId != StudyId || !ReferenceEquals(live.Study.Storage, Storage))
        {
            throw new ArgumentException("Trial must be a trial object or trial number.", nameof(trial));
        }

        TellCore(live, live.TrialId, values, state, skipIfFinished, suppressWarning: false, out _);
        return live.Finished ?? Storage.GetTrial(live.TrialId);
    }

    /// <summary>Finishes a trial given its number (Optuna's <c>tell</c> with an int).</summary>
    /// <param name="trialNumber">The trial number.</param>
    /// <param name="values">The objective values, or <see langword="null"/>.</param>
    /// <param name="state">COMPLETE, PRUNED or FAIL, or <see langword="null"/>.</param>
    /// <param name="skipIfFinished">Return quietly when the trial has already finished.</param>
    /// <returns>The finished trial.</returns>
    public FrozenTrial Tell(int trialNumber, IReadOnlyList<double>? values = null, TrialState? state = null, bool skipIfFinished = false)
    {
        int trialId;
        try
        {
            trialId = Storage.GetTrialIdFromStudyIdTrialNumber(StudyId, trialNumber);
        }
        catch (KeyNotFoundException e)
        {
            throw new ArgumentException($"Cannot tell for trial with number {trialNumber} since it has not been created.", nameof(trialNumber), e);
        }

        TellCore(null, trialId, values, state, skipIfFinished, suppressWarning: false, out _);
        return Storage.GetTrial(trialId);
    }

    /// <summary>
    /// Tells a trial: <paramref name="live"/> is this process's live trial (known without reading it back; it
    /// receives the finished trial in <see cref="Trial.Finished"/>), or <see langword="null"/> for a trial told by
    /// number, which is read once. Returns the state the trial finished in. <paramref name="single"/> is the optimize
    /// loop's single objective value (with <paramref name="values"/> and <paramref name="state"/> null): a plain
    /// completion of a single-objective trial then stores it without making an array of it.
    /// </summary>
    internal TrialState TellCore(
        Trial? live, int trialId, IReadOnlyList<double>? values, TrialState? state, bool skipIfFinished, bool suppressWarning, out string? failureMessage, double? single = null)
    {
        failureMessage = null;
        // The caller's list is copied below; an array made here is not.
        bool valuesOwned = false;
        // A live trial that has not finished is running: its snapshot is taken only when something reads it.
        var frozen = live is null ? Storage.GetTrial(trialId) : live.Finished;
        if (single is { } one && (live is null || frozen is not null || double.IsNaN(one) || ObjectiveCount != 1))
        {
            // Anything but a plain completion (a finished trial, NaN, several objectives) takes the path of a list.
            values = [one];
            valuesOwned = true;
            single = null;
        }

        if (frozen is not null && frozen.State.IsFinished() && skipIfFinished)
        {
            Log.TellSkipped(
                Logger, frozen.Number, values is null ? "null" : PyFormat.Repr(values), state is null ? "null" : "TrialState." + state.Value,
                frozen.Values is null ? "null" : PyFormat.Repr(frozen.Values), "TrialState." + frozen.State);
            return frozen.State;
        }

        if (frozen is not null && frozen.State != TrialState.Running)
        {
            throw new ArgumentException($"Cannot tell a trial in state TrialState.{frozen.State}.");
        }

        if (state == TrialState.Complete)
        {
            if (values is null)
            {
                throw new ArgumentException("No values were told. Values are required when state is TrialState.Complete.");
            }
        }
        else if (state is TrialState.Pruned or TrialState.Fail)
        {
            if (values is not null)
            {
                throw new ArgumentException("Values were told. Values cannot be specified when state is TrialState.Pruned or TrialState.Fail.");
            }
        }
        else if (state is not null)
        {
            throw new ArgumentException($"Cannot tell with state TrialState.{state.Value}.");
        }

        if (state == TrialState.Complete)
        {
            if (CheckValues(values!) is { } error)
            {
                throw new ArgumentException(error);
            }
        }
        else if (state == TrialState.Pruned)
        {
            // A pruned trial keeps its last intermediate value (Optuna); in a multi-objective study, its last
            // intermediate vector (see Trial.Report(IReadOnlyList<double>, int)).
            frozen ??= live!.ToFrozen();
            if (frozen.LastStep is { } last)
            {
                double v = frozen.IntermediateValues[last];
                if (CheckValues([v]) is null)
                {
                    values = [v];
                }
            }
            else if (frozen.IntermediateVectors.Count > 0)
            {
                var vector = frozen.IntermediateVectors[frozen.IntermediateVectors.Keys.Max()];
                if (CheckValues(vector) is null)
                {
                    values = vector;
                }
            }
        }
        else if (state is null)
        {
            failureMessage = single is not null ? null : values is null ? "The value None could not be cast to float." : CheckValues(values);
            if (failureMessage is null)
            {
                state = TrialState.Complete;
            }
            else
            {
                state = TrialState.Fail;
                values = null;
                if (!suppressWarning)
                {
                    Log.Warning(Logger, failureMessage);
                    failureMessage = null;
                }
            }
        }

        // The caller's list is copied, unless this method made it.
        IReadOnlyList<double>? finalValues = valuesOwned ? values : values?.ToArray();
        DateTime completed = DateTime.UtcNow;
        // Decided by the checks above (GetValueOrDefault rather than Value: Value is a generic call over this
        // assembly's enum, run as tier-0 code in a fresh process).
        TrialState finalState = state.GetValueOrDefault();
        try
        {
            try
            {
                // RandomSampler's AfterTrial does nothing: no snapshot for it.
                if (SnapshotFreeSampler is null)
                {
                    frozen ??= live!.ToFrozen();
                    Sampler.AfterTrial(Pruner.FilterStudy(this, frozen), frozen, finalState, finalValues ??= ListOf(single));
                }
            }
            finally
            {
                if (Storage is InMemoryStorage memory)
                {
                    // The final values are this method's own array (a copy), kept rather than copied again, or the
                    // single value; the stored completion time is the live trial's.
                    memory.SetTrialStateValues(trialId, finalState, finalValues, adopt: true, completed, finalValues is null ? single : null);
                }
                else
                {
                    Storage.SetTrialStateValues(trialId, finalState, finalValues ??= ListOf(single));
                }
            }
        }
        catch (UpdateFinishedTrialException) when (live is not null)
        {
            // Finished behind the live trial's back (told by number, or failed by another worker's heartbeat
            // check): answer as a tell of that stored trial does.
            var stored = Storage.GetTrial(trialId);
            live.Finished = stored;
            if (skipIfFinished)
            {
                return stored.State;
            }

            throw new ArgumentException($"Cannot tell a {stored.State.ToOptunaName()} trial.");
        }

        if (live is not null)
        {
            live.SetFinished(finalState, finalValues, completed, finalValues is null ? single : null);
            if (live.Study.History.IsRead)
            {
                live.Study.History.OnFinished(live.Finished!);
            }

            ParamLayout = live.SealParams();
        }

        return finalState;
    }

    private static double[]? ListOf(double? single) => single is { } value ? [value] : null;

    private string? CheckValues(IReadOnlyList<double> values)
    {
        // An array (the optimize loop's values) is read directly, not through the list interface.
        var array = values as double[];
        int count = array?.Length ?? values.Count;
        List<string>? errors = null;
        for (int i = 0; i < count; i++)
        {
            if (double.IsNaN(array is null ? values[i] : array[i]))
            {
                (errors ??= []).Add("The value nan is not acceptable");
            }
        }

        if (errors is not null)
        {
            return string.Join("; ", errors);
        }

        int objectives = ObjectiveCount;
        return count != objectives
            ? $"The number of the values {count} did not match the number of the objectives {objectives}"
            : null;
    }
}
