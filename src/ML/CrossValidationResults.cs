using Microsoft.ML;

namespace Sharptune.ML;

/// <summary>The metric of one estimator on every cross-validation fold.</summary>
public sealed class CrossValidationResult
{
    internal CrossValidationResult(MLMetric metric, IReadOnlyList<double> foldValues, TimeSpan fitTime)
    {
        Metric = metric;
        FoldValues = foldValues;
        double mean = foldValues.Average();
        Mean = mean;
        StandardDeviation = Math.Sqrt(foldValues.Sum(v => (v - mean) * (v - mean)) / foldValues.Count);
        FitTime = fitTime;
    }

    /// <summary>Gets the metric.</summary>
    public MLMetric Metric { get; }

    /// <summary>Gets the metric on the test set of each fold, in fold order.</summary>
    public IReadOnlyList<double> FoldValues { get; }

    /// <summary>Gets the mean of <see cref="FoldValues"/>: the cross-validated metric.</summary>
    public double Mean { get; }

    /// <summary>Gets the population standard deviation of <see cref="FoldValues"/>.</summary>
    public double StandardDeviation { get; }

    /// <summary>Gets the total time spent fitting and scoring the folds.</summary>
    public TimeSpan FitTime { get; }
}

/// <summary>The outcome of <see cref="CrossValidationSearch{TConfig}.Optimize(Study, int?, TimeSpan?, IReadOnlyList{Action{Study, FrozenTrial}}?, bool)"/>.</summary>
/// <typeparam name="TConfig">The search-space type.</typeparam>
public sealed class CrossValidationSearchResult<TConfig>
    where TConfig : ISearchSpace<TConfig>
{
    internal CrossValidationSearchResult(Study study, FrozenTrial bestTrial, TConfig bestConfig, ITransformer? model)
    {
        Study = study;
        BestTrial = bestTrial;
        BestConfig = bestConfig;
        Model = model;
    }

    /// <summary>Gets the study, with every trial of the search (and of earlier runs on the same storage).</summary>
    public Study Study { get; }

    /// <summary>Gets the best trial; its user attributes hold the fold scores (<c>split0_test_score</c>, …).</summary>
    public FrozenTrial BestTrial { get; }

    /// <summary>Gets the best trial's configuration.</summary>
    public TConfig BestConfig { get; }

    /// <summary>Gets the best trial's cross-validated metric (the mean over the folds).</summary>
    public double BestValue => BestTrial.Values![0];

    /// <summary>Gets the best configuration's estimator refit on all the data, or <see langword="null"/> when refitting was turned off.</summary>
    public ITransformer? Model { get; }
}
