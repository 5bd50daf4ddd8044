using Sharptune.Visualization.Rendering;

namespace Sharptune.Visualization.Plots;

internal sealed record SliceSubplotInfo(string ParamName, List<object?> X, List<double> Y, List<int> TrialNumbers, bool IsLog, bool IsNumerical, List<bool> Constraints, IReadOnlyList<object?>? XLabels);

internal sealed record SlicePlotInfo(string TargetName, List<SliceSubplotInfo> Subplots);

/// <summary>Optuna's slice plot: the target against each parameter.</summary>
internal static class Slice
{
    public static SlicePlotInfo GetInfo(Study study, IReadOnlyList<string>? @params, Func<FrozenTrial, double>? target, string targetName)
    {
        PlotSupport.CheckPlotArgs([study], target);
        var trials = PlotSupport.FilterNonfinite(study.GetTrials([TrialState.Complete]), target);
        if (trials.Count == 0)
        {
            return new SlicePlotInfo(targetName, []);
        }

        var allParams = new HashSet<string>(trials.SelectMany(t => t.Params.Keys));
        var distributions = new Dictionary<string, Distribution>();
        foreach (var t in trials)
        {
            foreach (var (name, d) in t.Distributions)
            {
                distributions.TryAdd(name, d);
            }
        }

        List<string> sorted;
        if (@params is null)
        {
            sorted = allParams.Order(StringComparer.Ordinal).ToList();
        }
        else
        {
            foreach (string p in @params)
            {
                if (!allParams.Contains(p))
                {
                    throw new ArgumentException($"Parameter {p} does not exist in your study.", nameof(@params));
                }
            }

            sorted = @params.Distinct().Order(StringComparer.Ordinal).ToList();
        }

        var subplots = new List<SliceSubplotInfo>();
        foreach (string p in sorted)
        {
            var info = new SliceSubplotInfo(p, [], [], [], PlotSupport.IsLogScale(trials, p), distributions[p] is not CategoricalDistribution, [], (distributions[p] as CategoricalDistribution)?.Choices);
            foreach (var t in trials)
            {
                if (!t.Params.TryGetValue(p, out object? x))
                {
                    continue;
                }

                info.X.Add(x);
                info.Y.Add(PlotSupport.TargetOrValue(t, target));
                info.TrialNumbers.Add(t.Number);
                info.Constraints.Add(PlotSupport.Feasible(t));
            }

            subplots.Add(info);
        }

        return new SlicePlotInfo(targetName, subplots);
    }

    public static FigureSpec Build(SlicePlotInfo info, int maxPoints)
    {
        int n = info.Subplots.Count;
        var fig = n <= 1 ? FigureSpec.Single("Slice Plot") : FigureSpec.Grid("Slice Plot", 1, n);
        if (n == 0)
        {
            return fig;
        }

        if (n > 3)
        {
            fig.Width = 300 * n;
        }

        bool showScale = true;
        maxPoints = PlotSupport.PanelBudget(maxPoints, n);
        for (int col = 0; col < n; col++)
        {
            var sub = info.Subplots[col];
            var panel = fig.Panels[col];
            panel.X.Title = sub.ParamName;
            if (col == 0)
            {
                panel.Y.Title = info.TargetName;
            }

            if (!sub.IsNumerical)
            {
                panel.X.Kind = AxisKind.Category;
                panel.X.Categories = sub.XLabels!.Select(PlotSupport.PyRepr).ToList();
            }
            else if (sub.IsLog)
            {
                panel.X.Kind = AxisKind.Log;
            }

            var feasible = new List<int>();
            var infeasible = new List<int>();
            for (int k = 0; k < sub.X.Count; k++)
            {
                if (sub.IsNumerical && sub.X[k] is null)
                {
                    continue;
                }

                (sub.Constraints[k] ? feasible : infeasible).Add(k);
            }

            if (!sub.IsNumerical)
            {
                // Optuna groups the points by category, in the order of the choices.
                var order = sub.XLabels!.Select((label, i) => (label, i)).ToList();
                int Rank(int k) => order.FindIndex(o => CategoricalDistribution.ChoiceEquals(o.label, sub.X[k]));
                feasible = feasible.OrderBy(Rank).ToList();
                infeasible = infeasible.OrderBy(Rank).ToList();
            }

            var pick = PlotSupport.Decimate(feasible.Count, maxPoints);
            var shown = pick is null ? feasible : pick.Select(j => feasible[j]).ToList();
            if (pick is not null)
            {
                fig.Subtitle = PlotSupport.SampleNote(shown.Count, feasible.Count);
            }

            fig.Traces.Add(Points(sub, shown, col, feasibleTrace: true, showScale));
            showScale = false;
            if (infeasible.Count > 0)
            {
                var ipick = PlotSupport.Decimate(infeasible.Count, maxPoints);
                fig.Traces.Add(Points(sub, ipick is null ? infeasible : ipick.Select(j => infeasible[j]).ToList(), col, feasibleTrace: false, false));
            }
        }

        return fig;
    }

    private static ScatterSpec Points(SliceSubplotInfo sub, List<int> idx, int panel, bool feasibleTrace, bool showScale) => new()
    {
        Panel = panel,
        X = sub.IsNumerical ? idx.Select(k => PlotSupport.ToDouble(sub.X[k])).ToArray() : null,
        XText = sub.IsNumerical ? null : idx.Select(k => PlotSupport.PyRepr(sub.X[k])).ToArray(),
        Y = idx.Select(k => sub.Y[k]).ToArray(),
        Name = feasibleTrace ? "Feasible Trial" : "Infeasible Trial",
        ShowLegend = false,
        ColorValues = feasibleTrace ? idx.Select(k => (double)sub.TrialNumbers[k]).ToArray() : null,
        Scale = feasibleTrace ? Palette.Blues : null,
        ColorBar = feasibleTrace && showScale ? new ColorBarSpec { Title = "Trial", X = 1.0 } : null,
        Color = feasibleTrace ? null : Palette.Infeasible,
        MarkerLineColor = feasibleTrace ? "Grey" : null,
        MarkerLineWidth = 0.5,
    };
}
