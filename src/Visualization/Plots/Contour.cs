using Sharptune.Visualization.Rendering;

namespace Sharptune.Visualization.Plots;

internal sealed record ContourAxisInfo(string Name, (double Low, double High) Range, bool IsLog, bool IsCat, List<object> Indices, List<object?> Values)
{
    /// <summary>Gets the bin edges when the axis is binned (large studies), else null.</summary>
    public double[]? BinEdges { get; init; }

    public int IndexOf(object value)
    {
        if (BinEdges is { } edges)
        {
            double v = PlotSupport.ToDouble(value);
            int bin = Array.BinarySearch(edges, v);
            bin = bin >= 0 ? bin : ~bin - 1;
            return Math.Clamp(bin, 0, edges.Length - 2) + 1;
        }

        return Indices.FindIndex(i => Equals(i, value) || (PlotSupport.IsNumber(i) && PlotSupport.IsNumber(value) && PlotSupport.ToDouble(i) == PlotSupport.ToDouble(value)));
    }
}

internal sealed record SubContourInfo(ContourAxisInfo XAxis, ContourAxisInfo YAxis, Dictionary<(int X, int Y), double> ZValues, List<bool> Constraints);

internal sealed record ContourInfo(List<string> SortedParams, List<List<SubContourInfo>> SubPlotInfos, bool ReverseScale, string TargetName);

/// <summary>Optuna's contour plot: the target over each pair of parameters.</summary>
internal static class Contour
{
    private const double PaddingRatio = 0.05;

    public static ContourInfo GetInfo(Study study, IReadOnlyList<string>? @params, Func<FrozenTrial, double>? target, string targetName, int? maxGrid = null)
    {
        PlotSupport.CheckPlotArgs([study], target);
        var trials = PlotSupport.FilterNonfinite(study.GetTrials([TrialState.Complete]), target);
        var allParams = new HashSet<string>(trials.SelectMany(t => t.Params.Keys));
        List<string> sorted;
        if (trials.Count == 0)
        {
            sorted = [];
        }
        else if (@params is null)
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

        var axes = sorted.ToDictionary(p => p, p => AxisInfo(trials, p, maxGrid));
        var subs = new List<List<SubContourInfo>>();
        if (sorted.Count == 2)
        {
            subs.Add([SubInfo(study, trials, axes[sorted[0]], axes[sorted[1]], target)]);
        }
        else
        {
            foreach (string y in sorted)
            {
                subs.Add(sorted.Select(x => SubInfo(study, trials, axes[x], axes[y], target)).ToList());
            }
        }

        return new ContourInfo(sorted, subs, target is not null || study.Direction == StudyDirection.Minimize, targetName);
    }

    private static SubContourInfo SubInfo(Study study, List<FrozenTrial> trials, ContourAxisInfo xaxis, ContourAxisInfo yaxis, Func<FrozenTrial, double>? target)
    {
        if (xaxis.Name == yaxis.Name || xaxis.Indices.Count < 2 || yaxis.Indices.Count < 2)
        {
            return new SubContourInfo(xaxis, yaxis, [], []);
        }

        var z = new Dictionary<(int, int), double>();
        bool minimize = !study.IsMultiObjective && study.Direction == StudyDirection.Minimize;
        for (int i = 0; i < trials.Count; i++)
        {
            var t = trials[i];
            if (!t.Params.ContainsKey(xaxis.Name) || !t.Params.ContainsKey(yaxis.Name))
            {
                continue;
            }

            int xi = xaxis.IndexOf(xaxis.Values[i]!);
            int yi = yaxis.IndexOf(yaxis.Values[i]!);
            double value = PlotSupport.TargetOrValue(t, target);
            if (!z.TryGetValue((xi, yi), out double existing) || target is not null)
            {
                z[(xi, yi)] = value;
            }
            else
            {
                z[(xi, yi)] = minimize ? Math.Min(existing, value) : Math.Max(existing, value);
            }
        }

        return new SubContourInfo(xaxis, yaxis, z, trials.Select(PlotSupport.Feasible).ToList());
    }

    internal static ContourAxisInfo AxisInfo(List<FrozenTrial> trials, string name, int? maxGrid)
    {
        bool numerical = PlotSupport.IsNumerical(trials, name);
        var values = trials.Select(t => t.Params.TryGetValue(name, out object? v) ? numerical ? v : PlotSupport.PyStr(v) : null).ToList();
        var present = values.Where(v => v is not null).Cast<object>().ToList();
        double low, high;
        bool isLog = false, isCat = false;
        if (PlotSupport.IsLogScale(trials, name))
        {
            double min = present.Min(PlotSupport.ToDouble), max = present.Max(PlotSupport.ToDouble);
            double pad = (Math.Log10(max) - Math.Log10(min)) * PaddingRatio;
            low = Math.Pow(10, Math.Log10(min) - pad);
            high = Math.Pow(10, Math.Log10(max) + pad);
            isLog = true;
        }
        else if (numerical)
        {
            double min = present.Min(PlotSupport.ToDouble), max = present.Max(PlotSupport.ToDouble);
            double pad = (max - min) * PaddingRatio;
            low = min - pad;
            high = max + pad;
        }
        else
        {
            int span = values.Distinct().Count() - 1;
            if (values.Contains(null))
            {
                span--;
            }

            double pad = span * PaddingRatio;
            low = -pad;
            high = span + pad;
            isCat = true;
        }

        List<object> indices = numerical
            ? present.Select(PlotSupport.ToDouble).Distinct().Order().Select(d => (object)d).ToList()
            : present.Cast<string>().Distinct().Order(StringComparer.Ordinal).Cast<object>().ToList();
        if (indices.Count < 2)
        {
            return new ContourAxisInfo(name, (low, high), isLog, isCat, indices, values);
        }

        double[]? edges = null;
        if (numerical && maxGrid is { } g && indices.Count > g)
        {
            // Large studies: group the values into g equal bins (in log space for a log axis), placed at bin centres.
            double a = isLog ? Math.Log10(PlotSupport.ToDouble(indices[0])) : PlotSupport.ToDouble(indices[0]);
            double b = isLog ? Math.Log10(PlotSupport.ToDouble(indices[^1])) : PlotSupport.ToDouble(indices[^1]);
            edges = new double[g + 1];
            indices = [];
            for (int k = 0; k <= g; k++)
            {
                double e = a + ((b - a) * k / g);
                edges[k] = isLog ? Math.Pow(10, e) : e;
            }

            edges[0] = double.NegativeInfinity;
            edges[^1] = double.PositiveInfinity;
            for (int k = 0; k < g; k++)
            {
                double c = a + ((b - a) * (k + 0.5) / g);
                indices.Add(isLog ? Math.Pow(10, c) : c);
            }
        }

        if (numerical)
        {
            indices.Insert(0, low);
            indices.Add(high);
        }

        return new ContourAxisInfo(name, (low, high), isLog, isCat, indices, values) { BinEdges = edges };
    }

    public static FigureSpec Build(ContourInfo info, int maxPoints, bool binned)
    {
        var p = info.SortedParams;
        if (p.Count <= 1)
        {
            return FigureSpec.Single("Contour Plot");
        }

        FigureSpec fig;
        bool showScale = true;
        maxPoints = PlotSupport.PanelBudget(maxPoints, p.Count == 2 ? 1 : p.Count * (p.Count - 1));
        if (p.Count == 2)
        {
            fig = FigureSpec.Single("Contour Plot");
            var sub = info.SubPlotInfos[0][0];
            ApplyAxes(fig.Panels[0], sub, p[0], p[1]);
            AddSub(fig, 0, sub, info, ref showScale, maxPoints);
        }
        else
        {
            fig = FigureSpec.Grid("Contour Plot", p.Count, p.Count);
            for (int xi = 0; xi < p.Count; xi++)
            {
                for (int yi = 0; yi < p.Count; yi++)
                {
                    var sub = info.SubPlotInfos[yi][xi];
                    var panel = fig.Panel(yi, xi);
                    int index = fig.Panels.IndexOf(panel);
                    ApplyAxes(panel, sub, xi == 0 ? null : string.Empty, yi == p.Count - 1 ? null : string.Empty);
                    // The diagonal stays blank: its neighbours carry the labels the blank cell would have had.
                    int n = p.Count;
                    bool xOutside = yi == n - 1 || (yi == n - 2 && xi == n - 1);
                    bool yOutside = xi == 0 || (xi == 1 && yi == 0);
                    panel.X.ShowTickLabels = xOutside;
                    panel.Y.ShowTickLabels = yOutside;
                    panel.X.Title = xOutside ? p[xi] : null;
                    panel.Y.Title = yOutside ? p[yi] : null;
                    if (p[xi] == p[yi])
                    {
                        panel.Blank = true;
                        continue;
                    }

                    AddSub(fig, index, sub, info, ref showScale, maxPoints);
                }
            }
        }

        if (binned)
        {
            fig.Subtitle = (fig.Subtitle is null ? string.Empty : fig.Subtitle + "; ") + "numeric axes grouped into bins (best value per cell)";
        }

        return fig;
    }

    private static void ApplyAxes(PanelSpec panel, SubContourInfo sub, string? xTitle, string? yTitle)
    {
        Apply(panel.X, sub.XAxis);
        Apply(panel.Y, sub.YAxis);
        panel.X.Title = xTitle ?? sub.XAxis.Name;
        panel.Y.Title = yTitle ?? sub.YAxis.Name;

        static void Apply(AxisSpec axis, ContourAxisInfo info)
        {
            axis.Range = info.Range;
            axis.Kind = info.IsLog ? AxisKind.Log : info.IsCat ? AxisKind.Category : AxisKind.Linear;
            if (info.IsCat)
            {
                axis.Categories = info.Indices.Cast<string>().ToList();
                axis.Range = null;
            }
        }
    }

    private static void AddSub(FigureSpec fig, int panel, SubContourInfo sub, ContourInfo info, ref bool showScale, int maxPoints)
    {
        if (sub.XAxis.Indices.Count < 2 || sub.YAxis.Indices.Count < 2 || sub.ZValues.Count == 0)
        {
            return;
        }

        var z = new double[sub.YAxis.Indices.Count, sub.XAxis.Indices.Count];
        for (int r = 0; r < z.GetLength(0); r++)
        {
            for (int c = 0; c < z.GetLength(1); c++)
            {
                z[r, c] = double.NaN;
            }
        }

        foreach (var ((x, y), v) in sub.ZValues)
        {
            z[y, x] = v;
        }

        fig.Traces.Add(new ContourSpec
        {
            Panel = panel,
            X = sub.XAxis.IsCat ? null : sub.XAxis.Indices.Select(PlotSupport.ToDouble).ToArray(),
            XText = sub.XAxis.IsCat ? sub.XAxis.Indices.Cast<string>().ToArray() : null,
            Y = sub.YAxis.IsCat ? null : sub.YAxis.Indices.Select(PlotSupport.ToDouble).ToArray(),
            YText = sub.YAxis.IsCat ? sub.YAxis.Indices.Cast<string>().ToArray() : null,
            Z = z,
            Scale = Palette.Blues,
            ReverseScale = info.ReverseScale,
            ColorBar = showScale ? new ColorBarSpec { Title = info.TargetName } : null,
            NoHover = true,
            ShowLegend = false,
        });
        showScale = false;
        var feasible = new List<int>();
        var infeasible = new List<int>();
        for (int i = 0; i < sub.XAxis.Values.Count; i++)
        {
            if (sub.XAxis.Values[i] is not null && sub.YAxis.Values[i] is not null)
            {
                (sub.Constraints[i] ? feasible : infeasible).Add(i);
            }
        }

        foreach (var (list, ok) in new[] { (feasible, true), (infeasible, false) })
        {
            var pick = PlotSupport.Decimate(list.Count, maxPoints);
            var shown = pick is null ? list : pick.Select(k => list[k]).ToList();
            if (pick is not null && ok)
            {
                fig.Subtitle = PlotSupport.SampleNote(shown.Count, list.Count) + " as markers";
            }

            fig.Traces.Add(new ScatterSpec
            {
                Panel = panel,
                X = sub.XAxis.IsCat ? null : shown.Select(i => PlotSupport.ToDouble(sub.XAxis.Values[i])).ToArray(),
                XText = sub.XAxis.IsCat ? shown.Select(i => (string)sub.XAxis.Values[i]!).ToArray() : null,
                Y = sub.YAxis.IsCat ? null : shown.Select(i => PlotSupport.ToDouble(sub.YAxis.Values[i])).ToArray(),
                YText = sub.YAxis.IsCat ? shown.Select(i => (string)sub.YAxis.Values[i]!).ToArray() : null,
                Color = ok ? "black" : Palette.Infeasible,
                MarkerLineColor = "Gray",
                MarkerLineWidth = list.Count > 500 ? 0.5 : 2.0,
                MarkerSize = list.Count > 500 ? 4 : 6,
                Name = ok ? "Feasible Trial" : "Infeasible Trial",
                ShowLegend = false,
            });
        }
    }
}
