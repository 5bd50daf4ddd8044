using System.Collections;

namespace Sharptune.Storages;

/// <summary>
/// Re-enqueues a trial that was failed because its heartbeat went stale (Optuna's
/// <c>RetryFailedTrialCallback</c> / <c>RetryHeartbeatStaleTrialCallback</c>): the copy is WAITING, keeps the
/// parameters, distributions and user attributes (and, optionally, the intermediate values), and records in its
/// system attributes <c>failed_trial</c> (the number of the first trial of the retry series) and
/// <c>retry_history</c> (every number of the series so far). Use it as
/// <see cref="StorageOptions.StaleTrialCallback"/>.
/// </summary>
public sealed class RetryFailedTrialCallback
{
    private readonly int? _maxRetry;
    private readonly bool _inheritIntermediateValues;

    /// <summary>Initializes a new instance of the <see cref="RetryFailedTrialCallback"/> class.</summary>
    /// <param name="maxRetry">How many times a trial may be retried; <see langword="null"/> retries forever.</param>
    /// <param name="inheritIntermediateValues">Whether the retry keeps the reported intermediate values.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRetry"/> is negative.</exception>
    public RetryFailedTrialCallback(int? maxRetry = null, bool inheritIntermediateValues = false)
    {
        if (maxRetry is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRetry), maxRetry, "maxRetry must be null or a non-negative integer.");
        }

        _maxRetry = maxRetry;
        _inheritIntermediateValues = inheritIntermediateValues;
    }

    /// <summary>Enqueues the retry of a failed trial unless it was retried <c>maxRetry</c> times already.</summary>
    /// <param name="study">The study.</param>
    /// <param name="trial">The trial that was failed.</param>
    public void Invoke(Study study, FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        var systemAttrs = new Dictionary<string, object?>(trial.SystemAttrs.Count + 2)
        {
            ["failed_trial"] = (long)trial.Number,
            ["retry_history"] = new List<object?>(),
        };
        foreach (var (k, v) in trial.SystemAttrs)
        {
            systemAttrs[k] = v;
        }

        var history = new List<object?>();
        if (systemAttrs["retry_history"] is IEnumerable previous and not string)
        {
            foreach (object? n in previous)
            {
                history.Add(n);
            }
        }

        history.Add((long)trial.Number);
        systemAttrs["retry_history"] = history;
        if (_maxRetry is { } max && max < history.Count)
        {
            return;
        }

        study.AddTrial(Sharptune.Trials.Create(
            state: TrialState.Waiting,
            @params: trial.Params,
            distributions: trial.Distributions,
            userAttrs: trial.UserAttrs,
            systemAttrs: systemAttrs,
            intermediateValues: _inheritIntermediateValues ? trial.IntermediateValues : null));
    }

    /// <summary>Returns the number of the first trial of the retry series, or <see langword="null"/> for a trial that is not a retry.</summary>
    /// <param name="trial">The trial.</param>
    /// <returns>The number of the original trial.</returns>
    public static int? RetriedTrialNumber(FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return trial.SystemAttrs.TryGetValue("failed_trial", out object? v) && v is not null ? (int)Internal.PyJson.ToDouble(v) : null;
    }

    /// <summary>Returns the numbers of the earlier trials of the retry series, oldest first (empty for a trial that is not a retry).</summary>
    /// <param name="trial">The trial.</param>
    /// <returns>The retry history.</returns>
    public static IReadOnlyList<int> RetryHistory(FrozenTrial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var result = new List<int>();
        if (trial.SystemAttrs.TryGetValue("retry_history", out object? v) && v is IEnumerable list and not string)
        {
            foreach (object? n in list)
            {
                result.Add((int)Internal.PyJson.ToDouble(n));
            }
        }

        return result;
    }

    /// <summary>Converts the callback to the delegate <see cref="StorageOptions.StaleTrialCallback"/> takes.</summary>
    /// <param name="callback">The callback.</param>
    public static implicit operator Action<Study, FrozenTrial>(RetryFailedTrialCallback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return callback.Invoke;
    }
}
