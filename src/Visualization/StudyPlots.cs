using Sharptune.Visualization.Plots;

namespace Sharptune.Visualization;

/// <summary>
/// Optuna's plots for studies (<c>optuna.visualization</c>): each method returns a <see cref="Figure"/> to save as
/// offline HTML, PNG or SVG, or to serve as plotly JSON.
/// </summary>
/// <remarks>
/// The arguments and their errors follow Optuna 5: a multi-objective study needs a <c>Target</c> (except where a
/// plot handles several objectives itself), and unknown parameter names are rejected. Large studies are drawn
/// from a sample of their trials (<see cref="PlotOptions.MaxPoints"/>), which the figure's <see cref="Figure.Note"/>
/// states.
/// </remarks>
public static class StudyPlots
{
    /// <summary>Plots each trial's value and the best value so far (Optuna's <c>plot_optimization_history</c>).</summary>
    /// <param name="study">The study.</param>
    /// <param name="options">Target, target name and error bars.</param>
    /// <returns>The figure.</returns>
    /// <exception cref="ArgumentException">The study is multi-objective and no target is given.</exception>
    public static Figure PlotOptimizationHistory(this Study study, OptimizationHistoryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        return PlotOptimizationHistory([study], options);
    }

    /// <summary>Plots the optimization histories of several studies together, or their mean with error bars.</summary>
    /// <param name="studies">The studies.</param>
    /// <param name="options">Target, target name and error bars.</param>
    /// <returns>The figure.</returns>
    /// <exception cref="ArgumentException">A study is multi-objective and no target is given.</exception>
    public static Figure PlotOptimizationHistory(this IReadOnlyList<Study> studies, OptimizationHistoryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(studies);
        options ??= new OptimizationHistoryOptions();
        options.Validate();
        var info = OptimizationHistory.GetInfo(studies, options.Target, options.TargetName, options.ErrorBar);
        return new Figure(OptimizationHistory.Build(info, options.TargetName, options.MaxPoints));
    }

    /// <summary>Plots the intermediate values (learning curves) of the trials (Optuna's <c>plot_intermediate_values</c>).</summary>
    /// <param name="study">The study.</param>
    /// <param name="options">How many curves at most.</param>
    /// <returns>The figure.</returns>
    public static Figure PlotIntermediateValues(this Study study, IntermediateValuesOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        options ??= new IntermediateValuesOptions();
        options.Validate();
        if (options.MaxTrials < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxTrials, "MaxTrials must be positive.");
        }

        return new Figure(IntermediateValues.Build(IntermediateValues.GetInfo(study), options.MaxTrials));
    }

    /// <summary>Plots the target against each parameter (Optuna's <c>plot_slice</c>).</summary>
    /// <param name="study">The study.</param>
    /// <param name="options">Parameters, target and target name.</param>
    /// <returns>The figure.</returns>
    /// <exception cref="ArgumentException">The study is multi-objective and no target is given, or a parameter does not exist.</exception>
    public static Figure PlotSlice(this Study study, SliceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        options ??= new SliceOptions();
        options.Validate();
        var info = Slice.GetInfo(study, options.Params, options.Target, options.TargetName);
        return new Figure(Slice.Build(info, options.MaxPoints));
    }

    /// <summary>Plots the target as a contour over each pair of parameters (Optuna's <c>plot_contour</c>).</summary>
    /// <param name="study">The study.</param>
    /// <param name="options">Parameters, target, target name and grid size.</param>
    /// <returns>The figure.</returns>
    /// <exception cref="ArgumentException">The study is multi-objective and no target is given, or a parameter does not exist.</exception>
    public static Figure PlotContour(this Study study, ContourOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        options ??= new ContourOptions();
        options.Validate();
        if (options.MaxGridSize < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxGridSize, "MaxGridSize must be at least 2.");
        }

        var info = Contour.GetInfo(study, options.Params, options.Target, options.TargetName, options.MaxGridSize);
        bool binned = info.SubPlotInfos.SelectMany(r => r).Any(s => s.XAxis.BinEdges is not null || s.YAxis.BinEdges is not null);
        return new Figure(Contour.Build(info, options.MaxPoints, binned));
    }

    /// <summary>Plots each trial as a line across the objective(s) and the parameters (Optuna's <c>plot_parallel_coordinate</c>).</summary>
    /// <param name="study">The study; a multi-objective study without target shows every objective, coloured by Pareto rank.</param>
    /// <param name="options">Parameters, target, target name and line count.</param>
    /// <returns>The figure.</returns>
    /// <exception cref="ArgumentException">A parameter does not exist.</exception>
    public static Figure PlotParallelCoordinate(this Study study, ParallelCoordinateOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        options ??= new ParallelCoordinateOptions();
        options.Validate();
        if (options.MaxLines < 10)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxLines, "MaxLines must be at least 10.");
        }

        var info = ParallelCoordinate.GetInfo(study, options.Params, options.Target, options.TargetName);
        return new Figure(ParallelCoordinate.Build(info, options.MaxLines));
    }

    /// <summary>Plots the trials over each pair of parameters, coloured by the rank of their target (Optuna's <c>plot_rank</c>).</summary>
    /// <param name="study">The study.</param>
    /// <param name="options">Parameters, target and target name.</param>
    /// <returns>The figure.</returns>
    /// <exception cref="ArgumentException">The study is multi-objective and no target is given, or a parameter does not exist.</exception>
    public static Figure PlotRank(this Study study, RankOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        options ??= new RankOptions();
        options.Validate();
        var info = Rank.GetInfo(study, options.Params, options.Target, options.TargetName);
        return new Figure(Rank.Build(info, options.MaxPoints));
    }

    /// <summary>
    /// Plots the importance of each parameter for the target (Optuna's <c>plot_param_importances</c>); a
    /// multi-objective study without target gets one group of bars per objective.
    /// </summary>
    /// <param name="study">The study.</param>
    /// <param name="options">Evaluator, parameters, target and target name.</param>
    /// <returns>The figure.</returns>
    /// <exception cref="ArgumentException">A parameter does not exist in the study's completed trials.</exception>
    public static Figure PlotParamImportances(this Study study, ParamImportancesOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        options ??= new ParamImportancesOptions();
        options.Validate();
        var infos = ParamImportances.GetInfos(study, options.Evaluator, options.Params, options.Target, options.TargetName);
        return new Figure(ParamImportances.Build(infos, study));
    }

    /// <summary>Plots the empirical distribution function of the target (Optuna's <c>plot_edf</c>).</summary>
    /// <param name="study">The study.</param>
    /// <param name="options">Target and target name.</param>
    /// <returns>The figure.</returns>
    /// <exception cref="ArgumentException">The study is multi-objective and no target is given.</exception>
    public static Figure PlotEdf(this Study study, EdfOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        return PlotEdf([study], options);
    }

    /// <summary>Plots the empirical distribution functions of several studies on one axis.</summary>
    /// <param name="studies">The studies.</param>
    /// <param name="options">Target and target name.</param>
    /// <returns>The figure.</returns>
    /// <exception cref="ArgumentException">A study is multi-objective and no target is given.</exception>
    public static Figure PlotEdf(this IReadOnlyList<Study> studies, EdfOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(studies);
        options ??= new EdfOptions();
        options.Validate();
        return new Figure(Edf.Build(Edf.GetInfo(studies, options.Target), options.TargetName));
    }

    /// <summary>Plots the Pareto front of a study with 2 or 3 objectives (Optuna's <c>plot_pareto_front</c>).</summary>
    /// <param name="study">The study.</param>
    /// <param name="options">Target names, dominated trials, targets.</param>
    /// <returns>The figure.</returns>
    /// <exception cref="ArgumentException">The study or the targets do not give 2 or 3 values, or the names do not match them.</exception>
    public static Figure PlotParetoFront(this Study study, ParetoFrontOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        options ??= new ParetoFrontOptions();
        options.Validate();
        var info = ParetoFront.GetInfo(study, options.TargetNames, options.IncludeDominatedTrials, options.Targets);
        return new Figure(ParetoFront.Build(info, options.MaxPoints));
    }

    /// <summary>Plots the hypervolume of the feasible Pareto front after each completed trial (Optuna's <c>plot_hypervolume_history</c>).</summary>
    /// <param name="study">A multi-objective study.</param>
    /// <param name="referencePoint">The reference point, one value per objective.</param>
    /// <param name="options">Drawing settings.</param>
    /// <returns>The figure.</returns>
    /// <exception cref="ArgumentException">The study is single-objective, or the reference point has the wrong length.</exception>
    public static Figure PlotHypervolumeHistory(this Study study, IReadOnlyList<double> referencePoint, HypervolumeHistoryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        options ??= new HypervolumeHistoryOptions();
        options.Validate();
        return new Figure(HypervolumeHistory.Build(HypervolumeHistory.GetInfo(study, referencePoint), options.MaxPoints));
    }

    /// <summary>Plots each trial as a bar from its start to its end, coloured by state (Optuna's <c>plot_timeline</c>).</summary>
    /// <param name="study">The study.</param>
    /// <param name="options">How many recent trials.</param>
    /// <returns>The figure.</returns>
    /// <exception cref="ArgumentException"><see cref="TimelineOptions.NRecentTrials"/> is not positive.</exception>
    public static Figure PlotTimeline(this Study study, TimelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        options ??= new TimelineOptions();
        Timeline.Check(options.NRecentTrials);
        options.Validate();
        return new Figure(Timeline.Build(Timeline.GetInfo(study, options.NRecentTrials, DateTime.UtcNow), options.MaxPoints));
    }
}
