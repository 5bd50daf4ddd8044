using Sharptune.Visualization.Rendering;

namespace Sharptune.Visualization.Plots;

internal sealed record EdfLineInfo(string StudyName, double[] YValues);

internal sealed record EdfInfo(List<EdfLineInfo> Lines, double[] XValues);

/// <summary>Optuna's empirical distribution function plot.</summary>
internal static class Edf
{
    public const int SamplesXAxis = 100;

    public static EdfInfo GetInfo(IReadOnlyList<Study> studies, Func<FrozenTrial, double>? target)
    {
        PlotSupport.CheckPlotArgs(studies, target);
        if (studies.Count == 0)
        {
            return new EdfInfo([], []);
        }

        var all = new List<(string Name, double[] Values)>();
        foreach (var study in studies)
        {
            var trials = PlotSupport.FilterNonfinite(study.GetTrials([TrialState.Complete]), target);
            all.Add((study.StudyName, trials.Select(t => PlotSupport.TargetOrValue(t, target)).ToArray()));
        }

        if (all.All(a => a.Values.Length == 0))
        {
            return new EdfInfo([], []);
        }

        double min = all.SelectMany(a => a.Values).Min();
        double max = all.SelectMany(a => a.Values).Max();
        var xs = Linspace(min, max, SamplesXAxis);
        var lines = new List<EdfLineInfo>();
        foreach (var (name, values) in all)
        {
            var sorted = (double[])values.Clone();
            Array.Sort(sorted);
            var ys = new double[xs.Length];
            for (int i = 0; i < xs.Length; i++)
            {
                // Count of values <= x (upper bound in the sorted array); 0/0 stays NaN as in numpy.
                int lo = 0, hi = sorted.Length;
                while (lo < hi)
                {
                    int mid = (lo + hi) / 2;
                    if (sorted[mid] <= xs[i])
                    {
                        lo = mid + 1;
                    }
                    else
                    {
                        hi = mid;
                    }
                }

                ys[i] = (double)lo / sorted.Length;
            }

            lines.Add(new EdfLineInfo(name, ys));
        }

        return new EdfInfo(lines, xs);
    }

    /// <summary>numpy's linspace (the last value is exactly <paramref name="stop"/>).</summary>
    internal static double[] Linspace(double start, double stop, int num)
    {
        var result = new double[num];
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++)
        {
            result[i] = start + (i * step);
        }

        if (num > 1)
        {
            result[^1] = stop;
        }

        return result;
    }

    public static FigureSpec Build(EdfInfo info, string targetName)
    {
        var fig = FigureSpec.Single("Empirical Distribution Function Plot");
        fig.Panels[0].X.Title = targetName;
        fig.Panels[0].Y.Title = "Cumulative Probability";
        if (info.Lines.Count == 0)
        {
            return fig;
        }

        fig.Panels[0].Y.Range = (0, 1);
        for (int i = 0; i < info.Lines.Count; i++)
        {
            fig.Traces.Add(new ScatterSpec { X = info.XValues, Y = info.Lines[i].YValues, Name = info.Lines[i].StudyName, Markers = false, Lines = true, Color = Palette.CycleColor(i) });
        }

        return fig;
    }
}
