using Sharptune.Visualization.Plots;
using Sharptune.Visualization.Rendering;

namespace Sharptune.Visualization.Tests;

/// <summary>Large studies are drawn from a sample, say so, and keep their exact best-value lines.</summary>
public sealed class LargeStudyTests
{
    private static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly Lazy<Study> Large = new(() => Build(6000));

    private static Study Build(int n)
    {
        var study = Study.Create();
        var rng = new Random(7);
        var dists = new Dictionary<string, Distribution> { ["a"] = new FloatDistribution(0, 1), ["b"] = new FloatDistribution(1e-3, 1, log: true) };
        for (int i = 0; i < n; i++)
        {
            double a = rng.NextDouble(), b = Math.Pow(10, -3 * rng.NextDouble());
            var state = i % 13 == 5 ? TrialState.Fail : TrialState.Complete;
            study.AddTrial(new FrozenTrial(i, state, state == TrialState.Complete ? [(a - 0.3) * (a - 0.3) + b] : null, Start.AddSeconds(i), Start.AddSeconds(i + 1),
                new Dictionary<string, object?> { ["a"] = a, ["b"] = b }, dists, null, null, null, 0));
        }

        return study;
    }

    [Fact]
    public void HistorySamplesTheMarkersAndKeepsTheBestLineExact()
    {
        var study = Large.Value;
        var figure = study.PlotOptimizationHistory(new OptimizationHistoryOptions { MaxPoints = 300 });
        var markers = (ScatterSpec)figure.Spec.Traces[0];
        var line = (ScatterSpec)figure.Spec.Traces[1];
        var info = OptimizationHistory.GetInfo([study], null, "Objective Value", false)[0];
        int improvements = info.BestValuesInfo!.Values.Where((v, k) => info.ValuesInfo.States[k] == ValueState.Feasible && (k == 0 || v != info.BestValuesInfo.Values[k - 1])).Count();
        Assert.Equal(Math.Max(300, improvements), markers.X!.Count);
        Assert.Contains("of 5,538", markers.Name, StringComparison.Ordinal);
        Assert.NotNull(figure.Note);
        Assert.Contains("best-value line is exact", figure.Note, StringComparison.Ordinal);
        Assert.True(line.X!.Count < 200, $"the best-value line kept {line.X!.Count} points");
        // The compressed polyline passes through every trial's exact best value.
        for (int k = 0; k < info.TrialNumbers.Length; k++)
        {
            double x = info.TrialNumbers[k];
            int j = 0;
            while (j < line.X.Count - 1 && line.X[j + 1] < x)
            {
                j++;
            }

            double y = line.X[j] == x ? line.Y![j] : line.Y![j] + ((line.Y[j + 1] - line.Y[j]) * (x - line.X[j]) / (line.X[j + 1] - line.X[j]));
            Assert.Equal(info.BestValuesInfo.Values[k], y, 12);
        }

        // Every trial that improved the best value is among the markers.
        var shown = markers.X.ToHashSet();
        for (int k = 0; k < info.TrialNumbers.Length; k++)
        {
            if (info.ValuesInfo.States[k] == ValueState.Feasible && (k == 0 || info.BestValuesInfo.Values[k] != info.BestValuesInfo.Values[k - 1]))
            {
                Assert.Contains((double)info.TrialNumbers[k], shown);
            }
        }
    }

    [Fact]
    public void ScatterPlotsAndLinesAreBoundedAndNoted()
    {
        var study = Large.Value;
        var slice = study.PlotSlice(new SliceOptions { MaxPoints = 400 });
        Assert.All(slice.Spec.Traces.OfType<ScatterSpec>(), t => Assert.True(t.X!.Count <= 400));
        Assert.Equal("400 of 5,538 trials drawn (evenly spaced sample)", slice.Note);
        var parallel = study.PlotParallelCoordinate(new ParallelCoordinateOptions { MaxLines = 100 });
        int lines = parallel.Spec.Traces.OfType<ScatterSpec>().Where(t => t.Lines).Sum(t => t.X!.Count(double.IsNaN));
        Assert.Equal(100, lines);
        Assert.Contains("trial lines drawn", parallel.Note, StringComparison.Ordinal);
        var contour = study.PlotContour(new ContourOptions { MaxGridSize = 20, MaxPoints = 300 });
        var grid = contour.Spec.Traces.OfType<ContourSpec>().Single();
        Assert.Equal(22, grid.Z.GetLength(0));
        Assert.Equal(22, grid.Z.GetLength(1));
        Assert.Contains("grouped into bins", contour.Note, StringComparison.Ordinal);
        var exact = study.PlotEdf();
        Assert.Null(exact.Note);
    }

    [Fact]
    public void BinnedContourKeepsTheBestValueOfEachCell()
    {
        var study = Large.Value;
        var info = Contour.GetInfo(study, null, null, "Objective Value", maxGrid: 10);
        var sub = info.SubPlotInfos[0][0];
        var trials = study.GetTrials([TrialState.Complete]);
        foreach (var ((x, y), z) in sub.ZValues)
        {
            double best = trials.Where(t => sub.XAxis.IndexOf(t.Params["a"]!) == x && sub.YAxis.IndexOf(t.Params["b"]!) == y).Min(t => t.Value!.Value);
            Assert.Equal(best, z);
        }

        Assert.Equal(100, sub.ZValues.Count);
    }
}
