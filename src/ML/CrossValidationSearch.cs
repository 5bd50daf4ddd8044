using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;

namespace Sharptune.ML;

/// <summary>
/// Hyperparameter search over an ML.NET pipeline by k-fold cross-validation (in the spirit of Optuna's
/// <c>OptunaSearchCV</c>): each trial suggests a <typeparamref name="TConfig"/>, builds its estimator, fits it on
/// the training part of every fold and scores the held-out part with the metric. The trial's value is the mean
/// over the folds; after each fold the running mean is reported as the intermediate value at step
/// <c>fold index</c>, so the study's pruner can stop a poor configuration after its first folds.
/// </summary>
/// <typeparam name="TConfig">The search space: an attribute search space (<see cref="ISearchSpace{TSelf}"/>).</typeparam>
/// <remarks>
/// <para>
/// The folds are drawn once, with <see cref="CrossValidationSearchOptions.Seed"/>, and shared by every trial.
/// Each trial records Optuna's <c>OptunaSearchCV</c> user attributes: <c>split{k}_test_score</c> for every fold
/// evaluated, <c>mean_test_score</c>, <c>std_test_score</c> and <c>mean_fit_time</c> (seconds per fold).
/// </para>
/// <para>
/// The search may be shared by threads (e.g. <c>study.Optimize&lt;TConfig&gt;(search.Objective, nJobs: 2)</c>)
/// when the estimator factory is thread-safe; each fold's data is read-only.
/// </para>
/// </remarks>
public sealed class CrossValidationSearch<TConfig>
    where TConfig : ISearchSpace<TConfig>
{
    private readonly MLContext _mlContext;
    private readonly IDataView _data;
    private readonly Func<TConfig, IEstimator<ITransformer>> _createEstimator;
    private readonly CrossValidationSearchOptions _options;
    private readonly IReadOnlyList<(IDataView TrainSet, IDataView TestSet)> _folds;

    /// <summary>Creates a search and draws its folds.</summary>
    /// <param name="mlContext">The ML context (its catalogs evaluate the metric).</param>
    /// <param name="data">All the data: the folds split it, and the final model is refit on it.</param>
    /// <param name="createEstimator">Builds the whole pipeline (featurization and trainer) for a configuration.</param>
    /// <param name="metric">The metric; its direction is the study's direction.</param>
    /// <param name="options">The folds and columns, or <see langword="null"/> for 5 folds with seed 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 folds.</exception>
    /// <exception cref="ArgumentException">A column that draws the folds is not in <paramref name="data"/>.</exception>
    public CrossValidationSearch(
        MLContext mlContext,
        IDataView data,
        Func<TConfig, IEstimator<ITransformer>> createEstimator,
        MLMetric metric,
        CrossValidationSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(createEstimator);
        ArgumentNullException.ThrowIfNull(metric);
        options ??= new CrossValidationSearchOptions();
        if (options.NumberOfFolds < 2)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options),
                options.NumberOfFolds,
                "k-fold cross-validation requires at least one train/test split by setting NumberOfFolds=2 or more, " +
                $"got NumberOfFolds={options.NumberOfFolds}.");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(options.LabelColumnName, nameof(options));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.GroupIdColumnName, nameof(options));

        string? samplingKey = options.SamplingKeyColumnName;
        if (samplingKey is null && metric.Task == MLTask.Ranking)
        {
            samplingKey = options.GroupIdColumnName;
            if (data.Schema.GetColumnOrNull(samplingKey) is null)
            {
                throw new ArgumentException(
                    $"Ranking folds keep the rows of a group together, but the group column '{samplingKey}' is not in " +
                    "the data; set GroupIdColumnName, or SamplingKeyColumnName to the data column that identifies the group.",
                    nameof(options));
            }
        }
        else if (samplingKey is not null && data.Schema.GetColumnOrNull(samplingKey) is null)
        {
            throw new ArgumentException(
                $"The sampling key column '{samplingKey}' is not in the data.", nameof(options));
        }

        _mlContext = mlContext;
        _data = data;
        _createEstimator = createEstimator;
        _options = options;
        Metric = metric;
        var folds = mlContext.Data.CrossValidationSplit(data, options.NumberOfFolds, samplingKey, options.Seed);
        _folds = options.CacheFolds
            ? [.. folds.Select(f => (mlContext.Data.Cache(f.TrainSet), mlContext.Data.Cache(f.TestSet)))]
            : [.. folds.Select(f => (f.TrainSet, f.TestSet))];
    }

    /// <summary>Gets the metric.</summary>
    public MLMetric Metric { get; }

    /// <summary>Gets the number of folds.</summary>
    public int NumberOfFolds => _folds.Count;

    /// <summary>
    /// Gets or sets a callback that receives each completed trial's configuration refit on all the data, while the
    /// trial is still running (so it can record attributes, or save the model, e.g. as the trial's artifact). When
    /// set, every completed trial costs one more fit; pruned trials are not refit. <see langword="null"/> by default.
    /// </summary>
    public Action<ITrial, TConfig, ITransformer>? TrialModelFitted { get; set; }

    /// <summary>
    /// Creates a study for this search: the direction is the metric's, the metric name is recorded, the rest comes
    /// from <paramref name="options"/> (storage, sampler, pruner, name, <see cref="StudyOptions.LoadIfExists"/>).
    /// </summary>
    /// <param name="options">The study options, or <see langword="null"/> for an in-memory study.</param>
    /// <returns>The study.</returns>
    /// <exception cref="ArgumentException">The options set a direction other than the metric's, or several directions; or a loaded study has another direction.</exception>
    public Study CreateStudy(StudyOptions? options = null)
    {
        options ??= new StudyOptions();
        if (options.Directions is not null)
        {
            throw new ArgumentException(
                $"A cross-validation search optimizes the single metric '{Metric.Name}'; do not set Directions.", nameof(options));
        }

        if (options.Direction is { } d && d != Metric.Direction)
        {
            throw new ArgumentException(
                $"The metric '{Metric.Name}' is {Lower(Metric.Direction)}d, but the options set the direction {Lower(d)}; " +
                "leave Direction unset to take the metric's.", nameof(options));
        }

        var study = Study.Create(new StudyOptions
        {
            StudyName = options.StudyName,
            Storage = options.Storage,
            StorageUrl = options.StorageUrl,
            Sampler = options.Sampler,
            Pruner = options.Pruner,
            Direction = Metric.Direction,
            LoadIfExists = options.LoadIfExists,
            LoggerFactory = options.LoggerFactory,
        });
        CheckStudy(study);
        return study;
    }

    /// <summary>
    /// Runs <paramref name="nTrials"/> trials (or until <paramref name="timeout"/>) in a new study made by
    /// <see cref="CreateStudy"/>, then refits the best configuration on all the data.
    /// </summary>
    /// <param name="studyOptions">The study options, or <see langword="null"/> for an in-memory study.</param>
    /// <param name="nTrials">Trials to run; <see langword="null"/> runs until the timeout.</param>
    /// <param name="timeout">No new trial starts after this time.</param>
    /// <param name="refit">Whether the best configuration is refit on all the data (<see cref="CrossValidationSearchResult{TConfig}.Model"/>).</param>
    /// <returns>The study, the best trial and configuration, and the refit model.</returns>
    /// <exception cref="InvalidOperationException">No trial completed.</exception>
    public CrossValidationSearchResult<TConfig> Optimize(StudyOptions? studyOptions, int? nTrials = null, TimeSpan? timeout = null, bool refit = true)
    {
        var study = CreateStudy(studyOptions);
        return Optimize(study, nTrials, timeout, callbacks: null, refit);
    }

    /// <summary>
    /// Runs <paramref name="nTrials"/> trials (or until <paramref name="timeout"/>) in <paramref name="study"/>, then
    /// refits the best configuration on all the data. The study may hold earlier trials of the same search (e.g.
    /// loaded from a storage): the best of all of them wins.
    /// </summary>
    /// <param name="study">A single-objective study whose direction is the metric's.</param>
    /// <param name="nTrials">Trials to run; <see langword="null"/> runs until the timeout.</param>
    /// <param name="timeout">No new trial starts after this time.</param>
    /// <param name="callbacks">Run after each trial with the finished trial.</param>
    /// <param name="refit">Whether the best configuration is refit on all the data (<see cref="CrossValidationSearchResult{TConfig}.Model"/>).</param>
    /// <returns>The study, the best trial and configuration, and the refit model.</returns>
    /// <exception cref="ArgumentException">The study is multi-objective or its direction is not the metric's.</exception>
    /// <exception cref="InvalidOperationException">No trial completed.</exception>
    public CrossValidationSearchResult<TConfig> Optimize(
        Study study,
        int? nTrials = null,
        TimeSpan? timeout = null,
        IReadOnlyList<Action<Study, FrozenTrial>>? callbacks = null,
        bool refit = true)
    {
        ArgumentNullException.ThrowIfNull(study);
        CheckStudy(study);
        if (study.MetricNames is null)
        {
            study.SetMetricNames([Metric.Name]);
        }

        study.Optimize<TConfig>(Objective, new OptimizeOptions { NTrials = nTrials, Timeout = timeout, Callbacks = callbacks ?? [] });
        var best = study.BestTrial;
        var config = TConfig.FromParams(best.Params);
        return new CrossValidationSearchResult<TConfig>(study, best, config, refit ? Fit(config) : null);
    }

    /// <summary>
    /// The objective of a trial: cross-validates <paramref name="config"/>, reporting the running mean after each
    /// fold and stopping when the pruner says so; returns the mean over the folds. Use it directly with
    /// <c>study.Optimize&lt;TConfig&gt;(search.Objective)</c> or ask-and-tell.
    /// </summary>
    /// <param name="config">The configuration.</param>
    /// <param name="trial">The trial that suggested it.</param>
    /// <returns>The cross-validated metric.</returns>
    /// <exception cref="TrialPrunedException">The pruner stopped the trial after a fold.</exception>
    public double Objective(TConfig config, ITrial trial)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(trial);
        var result = Run(CreateEstimator(config), trial);
        if (TrialModelFitted is { } callback)
        {
            callback(trial, config, Fit(config));
        }

        return result.Mean;
    }

    /// <summary>Cross-validates a configuration on the search's folds, outside any study.</summary>
    /// <param name="config">The configuration.</param>
    /// <returns>The metric on every fold.</returns>
    public CrossValidationResult CrossValidate(TConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Run(CreateEstimator(config), trial: null);
    }

    /// <summary>
    /// Cross-validates any estimator on the search's folds, outside any study: e.g. the trainer with ML.NET's
    /// default hyperparameters, to measure what the search gained.
    /// </summary>
    /// <param name="estimator">The estimator (the whole pipeline).</param>
    /// <returns>The metric on every fold.</returns>
    public CrossValidationResult CrossValidate(IEstimator<ITransformer> estimator)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        return Run(estimator, trial: null);
    }

    /// <summary>Fits a configuration's estimator on all the data.</summary>
    /// <param name="config">The configuration.</param>
    /// <returns>The trained model.</returns>
    public ITransformer Fit(TConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return CreateEstimator(config).Fit(_data);
    }

    private IEstimator<ITransformer> CreateEstimator(TConfig config) =>
        _createEstimator(config) ?? throw new InvalidOperationException("The estimator factory returned null.");

    private CrossValidationResult Run(IEstimator<ITransformer> estimator, ITrial? trial)
    {
        var values = new List<double>(_folds.Count);
        var fitTime = TimeSpan.Zero;
        double sum = 0;
        for (int k = 0; k < _folds.Count; k++)
        {
            var started = Stopwatch.GetTimestamp();
            var fold = _folds[k];
            var predictions = estimator.Fit(fold.TrainSet).Transform(fold.TestSet);
            double value = Metric.Evaluate(new MLMetricContext(_mlContext, predictions, _options.LabelColumnName, _options.GroupIdColumnName));
            fitTime += Stopwatch.GetElapsedTime(started);
            values.Add(value);
            sum += value;
            if (trial is null)
            {
                continue;
            }

            trial.SetUserAttr(Invariant($"split{k}_test_score"), value);
            trial.Report(sum / values.Count, k);
            if (k < _folds.Count - 1 && trial.ShouldPrune())
            {
                SetSummary(trial, new CrossValidationResult(Metric, values, fitTime));
                throw new TrialPrunedException(Invariant($"Trial was pruned at fold {k}."));
            }
        }

        var result = new CrossValidationResult(Metric, values, fitTime);
        if (trial is not null)
        {
            SetSummary(trial, result);
        }

        return result;
    }

    private static void SetSummary(ITrial trial, CrossValidationResult result)
    {
        trial.SetUserAttr("mean_test_score", result.Mean);
        trial.SetUserAttr("std_test_score", result.StandardDeviation);
        trial.SetUserAttr("mean_fit_time", result.FitTime.TotalSeconds / result.FoldValues.Count);
    }

    private void CheckStudy(Study study)
    {
        if (study.IsMultiObjective)
        {
            throw new ArgumentException(
                $"A cross-validation search optimizes the single metric '{Metric.Name}', but the study has {study.Directions.Count} objectives.",
                nameof(study));
        }

        if (study.Direction != Metric.Direction)
        {
            throw new ArgumentException(
                $"The metric '{Metric.Name}' is {Lower(Metric.Direction)}d, but the study '{study.StudyName}' is set to {Lower(study.Direction)}.",
                nameof(study));
        }
    }

    private static string Lower(StudyDirection direction) => direction.ToString().ToLowerInvariant();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
