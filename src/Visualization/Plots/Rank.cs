using System.Globalization;
using Sharptune.Visualization.Rendering;

namespace Sharptune.Visualization.Plots;

internal sealed record RankAxisInfo(string Name, (double Low, double High) Range, bool IsLog, bool IsCat);

internal sealed record RankSubplotInfo(RankAxisInfo XAxis, RankAxisInfo YAxis, List<object?> Xs, List<object?> Ys, List<FrozenTrial> Trials, double[] Zs, Rgb[] Colors);

internal sealed record RankPlotInfo(List<string> Params, List<List<RankSubplotInfo>> SubPlotInfos, string TargetName, double[] Zs, Rgb[] Colors, bool HasCustomTarget);

/// <summary>Optuna's rank plot: trials over each pair of parameters, coloured by the rank of their target value.</summary>
internal static class Rank
{
    private const double PaddingRatio = 0.05;

    public static RankPlotInfo GetInfo(Study study, IReadOnlyList<string>? @params, Func<FrozenTrial, double>? target, string targetName)
    {
        PlotSupport.CheckPlotArgs([study], target);
        var trials = study.GetTrials([TrialState.Complete]).ToList();
        var allParams = new HashSet<string>(trials.SelectMany(t => t.Params.Keys));
        List<string> ps;
        if (trials.Count == 0)
        {
            ps = [];
        }
        else if (@params is null)
        {
            ps = allParams.Order(StringComparer.Ordinal).ToList();
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

            ps = @params.ToList();
        }

        var values = trials.Select(t => PlotSupport.TargetOrValue(t, target)).ToArray();
        var ranks = AveragedOrder(values);
        var colors = trials.Count >= 2 ? ranks.Select(r => RankColor(r / (trials.Count - 1))).ToArray() : [RankColor(0.5)];
        // Optuna greys the infeasible trials in its shared colour array.
        for (int i = 0; i < trials.Count && ps.Count > 0; i++)
        {
            if (trials[i].Constraints.Values.Any(c => c > 0.0))
            {
                colors[i] = new Rgb(204, 204, 204);
            }
        }
        var axes = ps.Distinct().ToDictionary(p => p, p => AxisInfo(trials, p));
        var subs = new List<List<RankSubplotInfo>>();
        if (ps.Count == 2)
        {
            subs.Add([SubInfo(trials, values, colors, axes, ps[0], ps[1])]);
        }
        else
        {
            foreach (string y in ps)
            {
                subs.Add(ps.Select(x => SubInfo(trials, values, colors, axes, x, y)).ToList());
            }
        }

        return new RankPlotInfo(ps, subs, targetName, values, colors, target is not null);
    }

    /// <summary>The position of each value in the sorted values, ties getting the mean of their positions.</summary>
    internal static double[] AveragedOrder(double[] data)
    {
        var sorted = (double[])data.Clone();
        Array.Sort(sorted);
        var result = new double[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            int lo = LowerBound(sorted, data[i]);
            int hi = lo;
            while (hi < sorted.Length && (sorted[hi] == data[i]))
            {
                hi++;
            }

            // NaN equals nothing (numpy): the mean over no index is NaN.
            result[i] = hi > lo ? (lo + hi - 1) / 2.0 : double.NaN;
        }

        return result;
    }

    private static int LowerBound(double[] sorted, double v)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (sorted[mid] < v)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>
    /// plotly's <c>sample_colorscale("RdYlBu_r", t)</c>: linear between the two stops around t in 0–1 colour
    /// fractions, then each channel times 255 rounded half to even from its shortest decimal form.
    /// </summary>
    internal static Rgb RankColor(double t)
    {
        if (double.IsNaN(t))
        {
            return new Rgb(double.NaN, double.NaN, double.NaN);
        }

        var stops = Palette.RdYlBuReversed.Stops;
        int high = 0;
        while (high < stops.Count && stops[high].Stop < t)
        {
            high++;
        }

        int low = high - 1 < 0 ? stops.Count - 1 : high - 1;
        high = Math.Min(high, stops.Count - 1);
        double interpolant = (t - stops[low].Stop) / (stops[high].Stop - stops[low].Stop);
        double Channel(double a, double b)
        {
            double lo = a / 255.0, hi = b / 255.0;
            double v = (lo + (interpolant * (hi - lo))) * 255.0;
            return (double)Math.Round(decimal.Parse(v.ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture), MidpointRounding.ToEven);
        }

        var (cl, ch) = (stops[low].Color, stops[high].Color);
        return new Rgb(Channel(cl.R, ch.R), Channel(cl.G, ch.G), Channel(cl.B, ch.B));
    }

    private static RankSubplotInfo SubInfo(List<FrozenTrial> trials, double[] values, Rgb[] colors, Dictionary<string, RankAxisInfo> axes, string x, string y)
    {
        var xaxis = axes[x];
        var yaxis = axes[y];
        var ids = new List<int>();
        var shownColors = new List<Rgb>();
        for (int i = 0; i < trials.Count; i++)
        {
            if (trials[i].Params.ContainsKey(x) && trials[i].Params.ContainsKey(y))
            {
                ids.Add(i);
                shownColors.Add(trials[i].Constraints.Values.Any(c => c > 0.0) ? new Rgb(204, 204, 204) : colors[i]);
            }
        }

        return new RankSubplotInfo(xaxis, yaxis, ids.Select(i => trials[i].Params[x]).ToList(), ids.Select(i => trials[i].Params[y]).ToList(),
            ids.Select(i => trials[i]).ToList(), ids.Select(i => values[i]).ToArray(), shownColors.ToArray());
    }

    private static RankAxisInfo AxisInfo(List<FrozenTrial> trials, string name)
    {
        var axis = Contour.AxisInfo(trials, name, null);
        return new RankAxisInfo(name, axis.Range, axis.IsLog, axis.IsCat);
    }

    public static FigureSpec Build(RankPlotInfo info, int maxPoints)
    {
        var ps = info.Params;
        string title = $"Rank ({info.TargetName})";
        if (ps.Count == 0)
        {
            return FigureSpec.Single(title);
        }

        FigureSpec fig;
        maxPoints = PlotSupport.PanelBudget(maxPoints, ps.Count == 2 ? 1 : ps.Count * ps.Count);
        if (ps.Count == 2)
        {
            fig = FigureSpec.Single(title);
            Add(fig, 0, info.SubPlotInfos[0][0], info, maxPoints);
            fig.Panels[0].X.Title = ps[0];
            fig.Panels[0].Y.Title = ps[1];
        }
        else
        {
            fig = FigureSpec.Grid(title, ps.Count, ps.Count);
            for (int xi = 0; xi < ps.Count; xi++)
            {
                for (int yi = 0; yi < ps.Count; yi++)
                {
                    var panel = fig.Panel(yi, xi);
                    Add(fig, fig.Panels.IndexOf(panel), info.SubPlotInfos[yi][xi], info, maxPoints);
                    panel.X.Title = yi == ps.Count - 1 ? ps[xi] : null;
                    panel.Y.Title = xi == 0 ? ps[yi] : null;
                }
            }
        }

        var sorted = info.Zs.Where(double.IsFinite).Order().ToArray();
        string[] names = ["min.", "25%", "50%", "75%", "max."];
        double[] q = [0, 0.25, 0.5, 0.75, 1];
        fig.Traces.Add(new ScatterSpec
        {
            X = [double.NaN],
            Y = [double.NaN],
            Scale = Palette.RdYlBuReversed,
            ColorValues = [0.5],
            ColorMin = 0,
            ColorMax = 1,
            ColorBar = sorted.Length == 0 ? null : new ColorBarSpec { TickValues = q, TickText = q.Select((p, i) => $"{names[i]} ({G(Quantile(sorted, p))})").ToList() },
            ShowLegend = false,
            NoHover = true,
        });
        return fig;
    }

    private static double Quantile(double[] sorted, double p)
    {
        double pos = p * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (pos - lo));
    }

    /// <summary>Python's <c>f"{x:3g}"</c> (6 significant digits).</summary>
    private static string G(double x)
    {
        string s = x.ToString("G6", CultureInfo.InvariantCulture);
        return s.Contains('E') ? PlotSupport.PyFloat(double.Parse(s, CultureInfo.InvariantCulture)).Replace(".0e", "e", StringComparison.Ordinal) : s;
    }

    private static void Add(FigureSpec fig, int panel, RankSubplotInfo sub, RankPlotInfo info, int maxPoints)
    {
        var p = fig.Panels[panel];
        foreach (var (axis, spec) in new[] { (sub.XAxis, p.X), (sub.YAxis, p.Y) })
        {
            spec.Kind = axis.IsLog ? AxisKind.Log : axis.IsCat ? AxisKind.Category : AxisKind.Linear;
            spec.Range = axis.Range;
        }

        var pick = PlotSupport.Decimate(sub.Trials.Count, maxPoints);
        var idx = pick ?? Enumerable.Range(0, sub.Trials.Count).ToArray();
        if (pick is not null)
        {
            fig.Subtitle = PlotSupport.SampleNote(pick.Length, sub.Trials.Count);
        }

        fig.Traces.Add(new ScatterSpec
        {
            Panel = panel,
            X = sub.XAxis.IsCat ? null : idx.Select(i => PlotSupport.ToDouble(sub.Xs[i])).ToArray(),
            XText = sub.XAxis.IsCat ? idx.Select(i => PlotSupport.PyStr(sub.Xs[i])).ToArray() : null,
            Y = sub.YAxis.IsCat ? null : idx.Select(i => PlotSupport.ToDouble(sub.Ys[i])).ToArray(),
            YText = sub.YAxis.IsCat ? idx.Select(i => PlotSupport.PyStr(sub.Ys[i])).ToArray() : null,
            PointColors = idx.Select(i => sub.Colors[i].ToCss()).ToArray(),
            MarkerLineColor = "Grey",
            MarkerLineWidth = 0.5,
            ShowLegend = false,
            HoverText = idx.Select(i => HoverText(sub.Trials[i], sub.Zs[i], info)).ToArray(),
            HoverTemplate = "%{text}<extra></extra>",
        });
    }

    private static string HoverText(FrozenTrial trial, double value, RankPlotInfo info)
    {
        var lines = new List<string> { $"Trial #{trial.Number}" };
        lines.AddRange(trial.Params.Select(kv => $"{kv.Key}: {PlotSupport.PyStr(kv.Value)}"));
        lines.Add($"<b>{info.TargetName}: {PlotSupport.PyFloat(value)}</b>");
        if (info.HasCustomTarget && trial.Values is not null)
        {
            lines.AddRange(trial.Values.Select((v, i) => $"Objective #{i}: {PlotSupport.PyFloat(v)}"));
        }

        return string.Join("<br>", lines);
    }
}
