namespace Sharptune.Visualization.Tests;

/// <summary>One figure of every plot kind, made from the fixture studies.</summary>
internal static class PlotCatalog
{
    public static readonly string[] Names =
    [
        "history", "history-several", "history-error-bar", "intermediate", "slice", "slice-constrained", "contour", "contour-pair",
        "parallel", "parallel-multi", "edf", "rank", "rank-pair", "timeline", "pareto-2d", "pareto-3d", "pareto-constrained", "hypervolume",
        "importances", "importances-multi",
    ];

    public static Figure Make(string name) => name switch
    {
        "history" => Fixtures.Study("single").PlotOptimizationHistory(),
        "history-several" => new[] { Fixtures.Study("single"), Fixtures.Study("single-constrained") }.PlotOptimizationHistory(),
        "history-error-bar" => new[] { Fixtures.Study("single"), Fixtures.Study("single-max") }.PlotOptimizationHistory(new OptimizationHistoryOptions { ErrorBar = true }),
        "intermediate" => Fixtures.Study("single").PlotIntermediateValues(),
        "slice" => Fixtures.Study("single").PlotSlice(),
        "slice-constrained" => Fixtures.Study("single-constrained").PlotSlice(),
        "contour" => Fixtures.Study("single").PlotContour(),
        "contour-pair" => Fixtures.Study("maximize-numeric").PlotContour(new ContourOptions { Params = ["depth", "units"] }),
        "parallel" => Fixtures.Study("single-constrained").PlotParallelCoordinate(),
        "parallel-multi" => Fixtures.Study("multi2").PlotParallelCoordinate(),
        "edf" => new[] { Fixtures.Study("single"), Fixtures.Study("single-max") }.PlotEdf(),
        "rank" => Fixtures.Study("single").PlotRank(new RankOptions { Params = ["x", "lr", "kind"] }),
        "rank-pair" => Fixtures.Study("single-constrained").PlotRank(new RankOptions { Params = ["x", "lr"] }),
        "timeline" => Fixtures.Study("single").PlotTimeline(),
        "pareto-2d" => Fixtures.Study("multi2").PlotParetoFront(),
        "pareto-3d" => Fixtures.Study("multi3").PlotParetoFront(),
        "pareto-constrained" => Fixtures.Study("multi2-constrained").PlotParetoFront(),
        "hypervolume" => Fixtures.Study("multi2").PlotHypervolumeHistory([2.0, 2.0]),
        "importances" => Fixtures.Study("single").PlotParamImportances(),
        "importances-multi" => Fixtures.Study("multi3").PlotParamImportances(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>One figure per plot kind (the browser tests load each; loading plotly.js dominates their time).</summary>
    public static readonly string[] OnePerKind =
    [
        "history-error-bar", "intermediate", "slice-constrained", "contour", "parallel", "edf", "rank-pair", "timeline", "pareto-2d", "pareto-3d", "hypervolume", "importances-multi",
    ];

    public static TheoryData<string> All => new(Names);

    public static TheoryData<string> Kinds => new(OnePerKind);
}
