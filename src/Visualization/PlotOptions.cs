namespace Sharptune.Visualization;

/// <summary>Settings every plot shares.</summary>
public record PlotOptions
{
    /// <summary>
    /// Gets the most points (or lines, bars) a scatter-like trace draws. Larger studies are drawn from an evenly
    /// spaced sample of their trials (best values and Pareto-optimal trials are always kept, lines of best values
    /// stay exact), and the figure says so under its title. Default 5,000; a figure of several panels shares
    /// 1.5 times this among them (at least 500 each).
    /// </summary>
    public int MaxPoints { get; init; } = 5000;

    internal void Validate()
    {
        if (MaxPoints < 10)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPoints), MaxPoints, "MaxPoints must be at least 10.");
        }
    }
}

/// <summary>Settings of the plots that show one value per trial (Optuna's <c>target</c> and <c>target_name</c>).</summary>
public record TargetPlotOptions : PlotOptions
{
    /// <summary>
    /// Gets the value to plot for a trial; <see langword="null"/> plots the objective value. Required for a
    /// multi-objective study.
    /// </summary>
    public Func<FrozenTrial, double>? Target { get; init; }

    /// <summary>Gets the name of the target, shown on the axis, the colour bar and the legend.</summary>
    public string TargetName { get; init; } = "Objective Value";
}

/// <summary>Arguments of <see cref="StudyPlots.PlotOptimizationHistory(Study, OptimizationHistoryOptions?)"/>.</summary>
public sealed record OptimizationHistoryOptions : TargetPlotOptions
{
    /// <summary>Gets a value indicating whether several studies are drawn as their mean with standard-deviation error bars.</summary>
    public bool ErrorBar { get; init; }
}

/// <summary>Arguments of the plots that choose parameters (slice, contour, parallel coordinate, rank).</summary>
public record ParamsPlotOptions : TargetPlotOptions
{
    /// <summary>Gets the parameters to plot; <see langword="null"/> plots every parameter of the completed trials.</summary>
    public IReadOnlyList<string>? Params { get; init; }
}

/// <summary>Arguments of <see cref="StudyPlots.PlotSlice"/>.</summary>
public sealed record SliceOptions : ParamsPlotOptions;

/// <summary>Arguments of <see cref="StudyPlots.PlotContour"/>.</summary>
public sealed record ContourOptions : ParamsPlotOptions
{
    /// <summary>
    /// Gets the most distinct values per numeric axis of a contour grid; beyond it the values are grouped into this
    /// many equal bins (the best value per cell), which the figure notes. Default 100.
    /// </summary>
    public int MaxGridSize { get; init; } = 100;
}

/// <summary>Arguments of <see cref="StudyPlots.PlotParallelCoordinate"/>.</summary>
public sealed record ParallelCoordinateOptions : ParamsPlotOptions
{
    /// <summary>Gets the most trial lines drawn (a sample beyond it, always with the best trials). Default 1,000.</summary>
    public int MaxLines { get; init; } = 1000;
}

/// <summary>Arguments of <see cref="StudyPlots.PlotParamImportances"/>.</summary>
public sealed record ParamImportancesOptions : ParamsPlotOptions
{
    /// <summary>Gets the importance algorithm; <see langword="null"/> uses PED-ANOVA with its defaults (Optuna's default).</summary>
    public Sharptune.Importance.IImportanceEvaluator? Evaluator { get; init; }
}

/// <summary>Arguments of <see cref="StudyPlots.PlotRank"/>.</summary>
public sealed record RankOptions : ParamsPlotOptions;

/// <summary>Arguments of <see cref="StudyPlots.PlotEdf(Study, EdfOptions?)"/>.</summary>
public sealed record EdfOptions : TargetPlotOptions;

/// <summary>Arguments of <see cref="StudyPlots.PlotIntermediateValues"/>.</summary>
public sealed record IntermediateValuesOptions : PlotOptions
{
    /// <summary>Gets the most trial curves drawn (an evenly spaced sample beyond it). Default 500.</summary>
    public int MaxTrials { get; init; } = 500;
}

/// <summary>Arguments of <see cref="StudyPlots.PlotTimeline"/> (at most 2,000 bars by default: each carries its trial's details).</summary>
public sealed record TimelineOptions : PlotOptions
{
    /// <summary>Initializes a new instance of the <see cref="TimelineOptions"/> class.</summary>
    public TimelineOptions()
    {
        MaxPoints = 2000;
    }

    /// <summary>Gets the number of most recent trials to draw; <see langword="null"/> draws all.</summary>
    public int? NRecentTrials { get; init; }
}

/// <summary>Arguments of <see cref="StudyPlots.PlotParetoFront"/> (at most 3,000 dominated trials by default: each carries its trial's details).</summary>
public sealed record ParetoFrontOptions : PlotOptions
{
    /// <summary>Initializes a new instance of the <see cref="ParetoFrontOptions"/> class.</summary>
    public ParetoFrontOptions()
    {
        MaxPoints = 3000;
    }

    /// <summary>Gets the axis names; by default the study's metric names or "Objective 0", "Objective 1", ….</summary>
    public IReadOnlyList<string>? TargetNames { get; init; }

    /// <summary>Gets a value indicating whether dominated trials are drawn too (default true).</summary>
    public bool IncludeDominatedTrials { get; init; } = true;

    /// <summary>Gets the values to place on the axes (2 or 3 per trial); by default the objective values.</summary>
    public Func<FrozenTrial, IReadOnlyList<double>>? Targets { get; init; }
}

/// <summary>Arguments of <see cref="StudyPlots.PlotHypervolumeHistory"/>.</summary>
public sealed record HypervolumeHistoryOptions : PlotOptions;
