using Sharptune.Visualization.Rendering;

namespace Sharptune.Visualization.Plots;

internal sealed record IntermediateTrialInfo(int TrialNumber, List<(int Step, double Value)> SortedIntermediateValues, bool Feasible);

/// <summary>Optuna's intermediate values plot: the learning curve of each trial.</summary>
internal static class IntermediateValues
{
    public static List<IntermediateTrialInfo> GetInfo(Study study) =>
        study.GetTrials([TrialState.Pruned, TrialState.Complete, TrialState.Running])
            .Where(t => t.IntermediateValues.Count > 0)
            .Select(t => new IntermediateTrialInfo(t.Number, t.IntermediateValues.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value)).ToList(), PlotSupport.Feasible(t)))
            .ToList();

    public static FigureSpec Build(List<IntermediateTrialInfo> infos, int maxTrials)
    {
        var fig = FigureSpec.Single("Intermediate Values Plot");
        fig.Panels[0].X.Title = "Step";
        fig.Panels[0].Y.Title = "Intermediate Value";
        fig.ShowLegend = false;
        var pick = PlotSupport.Decimate(infos.Count, maxTrials);
        if (pick is not null)
        {
            fig.Subtitle = PlotSupport.SampleNote(pick.Length, infos.Count, "trial curves");
        }

        foreach (int i in pick ?? Enumerable.Range(0, infos.Count))
        {
            var t = infos[i];
            fig.Traces.Add(new ScatterSpec
            {
                X = t.SortedIntermediateValues.Select(s => (double)s.Step).ToArray(),
                Y = t.SortedIntermediateValues.Select(s => s.Value).ToArray(),
                Lines = true,
                Markers = t.SortedIntermediateValues.Count <= 10,
                MarkerSize = 5,
                LineWidth = 1.5,
                Color = t.Feasible ? Palette.CycleColor(t.TrialNumber) : "#CCCCCC",
                Name = $"Trial{t.TrialNumber}",
            });
        }

        return fig;
    }
}
