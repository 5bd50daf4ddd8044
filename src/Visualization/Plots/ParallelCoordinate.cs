using System.Globalization;
using Sharptune.Visualization.Rendering;

namespace Sharptune.Visualization.Plots;

internal sealed record DimensionInfo(string Label, double[] Values, (double Low, double High) Range, bool IsLog, bool IsCat, List<double> TickVals, List<string> TickText, bool HasMissing = false);

internal sealed record ParallelCoordinateInfo(
    List<DimensionInfo> DimsObjectives,
    List<DimensionInfo> DimsParams,
    bool ReverseScale,
    string ColorbarTitle,
    double[] ColorValues,
    bool IsRankColor,
    int[] DrawOrder,
    bool[]? Feasibility);

/// <summary>Optuna's parallel coordinate plot: one polyline per trial across the objective(s) and the parameters.</summary>
internal static class ParallelCoordinate
{
    private const string MissingLabel = "None";

    public static ParallelCoordinateInfo GetInfo(Study study, IReadOnlyList<string>? @params, Func<FrozenTrial, double>? target, string targetName)
    {
        bool hasCustomTarget = target is not null;
        bool multi = target is null && study.IsMultiObjective;
        if (!multi)
        {
            PlotSupport.CheckPlotArgs([study], target);
        }

        var trials = study.GetTrials([TrialState.Complete]).ToList();
        trials = multi
            ? trials.Where(t => t.Values is not null && t.Values.Count == study.Directions.Count && t.Values.All(double.IsFinite)).ToList()
            : PlotSupport.FilterNonfinite(trials, target);
        var allParams = new HashSet<string>(trials.SelectMany(t => t.Params.Keys));
        if (@params is not null)
        {
            foreach (string p in @params)
            {
                if (!allParams.Contains(p))
                {
                    throw new ArgumentException($"Parameter {p} does not exist in your study.", nameof(@params));
                }
            }

            allParams = [.. @params];
        }

        var sortedParams = allParams.Order(StringComparer.Ordinal).ToList();
        List<DimensionInfo> objectiveDims;
        double[] colorValues;
        int[] drawOrder;
        string colorbarTitle;
        bool reverseScale;
        if (multi)
        {
            var labels = study.MetricNames ?? Enumerable.Range(0, study.Directions.Count).Select(i => $"Objective {i}").ToList();
            objectiveDims = labels.Select((label, k) => Numerical(label, trials.Select(t => t.Values![k]).ToArray())).ToList();
            var loss = new double[trials.Count, study.Directions.Count];
            for (int i = 0; i < trials.Count; i++)
            {
                for (int k = 0; k < study.Directions.Count; k++)
                {
                    loss[i, k] = study.Directions[k] == StudyDirection.Maximize ? -trials[i].Values![k] : trials[i].Values![k];
                }
            }

            int[] ranks = trials.Count == 0 ? [] : NonDominatedSorting.Ranks(loss);
            colorValues = ranks.Select(r => (double)r).ToArray();
            drawOrder = Enumerable.Range(0, ranks.Length).OrderBy(i => ranks[i]).Reverse().ToArray();
            colorbarTitle = "Pareto Rank";
            reverseScale = true;
        }
        else
        {
            var objectives = trials.Select(t => PlotSupport.TargetOrValue(t, target)).ToArray();
            objectiveDims = [Numerical(targetName, objectives)];
            colorValues = objectives;
            drawOrder = Enumerable.Range(0, trials.Count).ToArray();
            colorbarTitle = targetName;
            reverseScale = hasCustomTarget || study.Direction == StudyDirection.Minimize;
        }

        if (objectiveDims.Count == 0)
        {
            objectiveDims = [Numerical(targetName, [])];
        }

        if (trials.Count == 0)
        {
            return new ParallelCoordinateInfo(objectiveDims, [], reverseScale, colorbarTitle, colorValues, multi, drawOrder, null);
        }

        bool[]? feasibility = trials.Any(t => t.Constraints.Count > 0)
            ? trials.Select(t => t.Constraints.Count > 0 && t.Constraints.Values.All(c => c <= 0.0)).ToArray()
            : null;
        var numericCatIndices = new List<int>();
        var dims = new List<DimensionInfo>();
        int dimIndex = objectiveDims.Count;
        foreach (string p in sortedParams)
        {
            var values = trials.Select(t => (Has: t.Params.TryGetValue(p, out object? v), Value: v)).ToList();
            bool isCategorical = trials.Any(t => t.Distributions.TryGetValue(p, out var d) && d is CategoricalDistribution);
            bool hasMissing = values.Any(v => !v.Has);
            DimensionInfo dim;
            if (PlotSupport.IsLogScale(trials, p))
            {
                var valid = values.Where(v => v.Has).Select(v => Math.Log10(PlotSupport.ToDouble(v.Value))).ToList();
                double min = valid.Min(), max = valid.Max();
                var tickvals = Enumerable.Range((int)Math.Ceiling(min), Math.Max(0, (int)Math.Floor(max) - (int)Math.Ceiling(min) + 1)).Select(i => (double)i).ToList();
                if (!tickvals.Contains(min))
                {
                    tickvals.Insert(0, min);
                }

                if (!tickvals.Contains(max))
                {
                    tickvals.Add(max);
                }

                double? missing = hasMissing ? MissingValue(min, max) : null;
                var transformed = values.Select(v => v.Has ? Math.Log10(PlotSupport.ToDouble(v.Value)) : missing!.Value).ToArray();
                if (missing is { } mv)
                {
                    tickvals.Insert(0, mv);
                }

                var ticktext = (hasMissing ? new List<string> { MissingLabel } : []).Concat(tickvals.Skip(hasMissing ? 1 : 0).Select(x => G3(Math.Pow(10, x)))).ToList();
                dim = new DimensionInfo(Truncate(p), transformed, (missing ?? min, max), true, false, tickvals, ticktext, hasMissing);
            }
            else if (isCategorical)
            {
                var valid = values.Where(v => v.Has).Select(v => v.Value).ToList();
                var vocab = new List<object?>();
                int VocabIndex(object? v)
                {
                    int i = vocab.FindIndex(x => CategoricalDistribution.ChoiceEquals(x, v));
                    if (i < 0)
                    {
                        vocab.Add(v);
                        i = vocab.Count - 1;
                    }

                    return i;
                }

                List<string> ticktext;
                if (PlotSupport.IsNumerical(trials, p))
                {
                    foreach (object? v in valid.OrderBy(PlotSupport.ToDouble))
                    {
                        VocabIndex(v);
                    }

                    ticktext = vocab.OrderBy(PlotSupport.ToDouble).Select(PlotSupport.PyStr).ToList();
                    numericCatIndices.Add(dimIndex);
                }
                else
                {
                    foreach (object? v in valid)
                    {
                        VocabIndex(v);
                    }

                    ticktext = vocab.Select(PlotSupport.PyStr).ToList();
                }

                int offset = hasMissing ? 1 : 0;
                var cat = values.Select(v => v.Has ? (double)(VocabIndex(v.Value) + offset) : 0.0).ToArray();
                if (hasMissing)
                {
                    ticktext = ticktext.Select(t => t == MissingLabel ? $"{t} (value)" : t).ToList();
                }

                dim = new DimensionInfo(Truncate(p), cat, (cat.Min(), cat.Max()), false, true,
                    Enumerable.Range(0, vocab.Count + offset).Select(i => (double)i).ToList(),
                    (hasMissing ? new List<string> { MissingLabel } : []).Concat(ticktext).ToList(), hasMissing);
            }
            else
            {
                var valid = values.Where(v => v.Has).Select(v => PlotSupport.ToDouble(v.Value)).ToList();
                double min = valid.Min(), max = valid.Max();
                double? missing = hasMissing ? MissingValue(min, max) : null;
                var numbers = values.Select(v => v.Has ? PlotSupport.ToDouble(v.Value) : missing!.Value).ToArray();
                var validTicks = min == max ? [min] : Edf.Linspace(min, max, 5).ToList();
                dim = new DimensionInfo(Truncate(p), numbers, (missing ?? min, max), false, false,
                    missing is { } mv ? [mv, .. validTicks] : [],
                    hasMissing ? [MissingLabel, .. validTicks.Select(G3)] : [], hasMissing);
            }

            dims.Add(dim);
            dimIndex++;
        }

        var plotDims = dims;
        if (numericCatIndices.Count > 0)
        {
            var all = objectiveDims.Concat(plotDims).ToList();
            // numpy lexsort with the first listed key as the primary one (stable).
            var idx = Enumerable.Range(0, trials.Count).ToArray();
            IOrderedEnumerable<int> ordered = idx.OrderBy(i => all[numericCatIndices[0]].Values[i]);
            foreach (int k in numericCatIndices.Skip(1))
            {
                int key = k;
                ordered = ordered.ThenBy(i => all[key].Values[i]);
            }

            idx = ordered.ToArray();
            var updated = all.Select(d => d with { Values = idx.Select(i => d.Values[i]).ToArray() }).ToList();
            objectiveDims = updated.Take(objectiveDims.Count).ToList();
            plotDims = updated.Skip(objectiveDims.Count).ToList();
            colorValues = idx.Select(i => colorValues[i]).ToArray();
            if (feasibility is not null)
            {
                feasibility = idx.Select(i => feasibility[i]).ToArray();
            }

            if (multi)
            {
                var cv = colorValues;
                drawOrder = Enumerable.Range(0, trials.Count).OrderByDescending(i => cv[i]).ToArray();
            }
        }

        return new ParallelCoordinateInfo(objectiveDims, plotDims, reverseScale, colorbarTitle, colorValues, multi, drawOrder, feasibility);
    }

    private static DimensionInfo Numerical(string label, double[] values) =>
        new(label, values, values.Length > 0 ? (values.Min(), values.Max()) : (0, 0), false, false, [], []);

    private static double MissingValue(double min, double max) => min == max ? min - 1.0 : min - ((max - min) * 0.12 / 0.88);

    internal static double[] Normalize(DimensionInfo dim, IReadOnlyList<double> values)
    {
        var (lo, hi) = dim.Range;
        return lo == hi ? values.Select(_ => 0.5).ToArray() : values.Select(v => (v - lo) / (hi - lo)).ToArray();
    }

    internal static (double Min, double Max) ColorRange(double[] values, bool rank)
    {
        if (rank)
        {
            return (-0.5, values.Max() + 0.5);
        }

        double min = values.Min(), max = values.Max();
        return min == max ? (min - 0.5, max + 0.5) : (min, max);
    }

    internal static Rgb[] LineColors(double[] values, double min, double max, bool reverse) =>
        values.Select(v =>
        {
            double t = min == max ? 0.5 : (v - min) / (max - min);
            return Palette.Blues.Sample(reverse ? 1.0 - t : t);
        }).ToArray();

    /// <summary>Python's <c>f"{x:.3g}"</c>.</summary>
    internal static string G3(double x)
    {
        if (x == 0)
        {
            return "0";
        }

        int exp = (int)Math.Floor(Math.Log10(Math.Abs(x)));
        double rounded = double.Parse(x.ToString("E2", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        exp = (int)Math.Floor(Math.Log10(Math.Abs(rounded)));
        if (exp < -4 || exp >= 3)
        {
            string m = (rounded / Math.Pow(10, exp)).ToString("0.##", CultureInfo.InvariantCulture);
            return $"{m}e{(exp < 0 ? "-" : "+")}{Math.Abs(exp):00}";
        }

        return rounded.ToString("0." + new string('#', Math.Max(0, 2 - exp)), CultureInfo.InvariantCulture);
    }

    private static string Truncate(string label) => label.Length < 20 ? label : label[..17] + "...";

    private static string FormatValue(DimensionInfo dim, double value)
    {
        for (int i = 0; i < dim.TickVals.Count && i < dim.TickText.Count; i++)
        {
            if (Math.Abs(value - dim.TickVals[i]) <= 1e-9 * Math.Max(Math.Abs(value), Math.Abs(dim.TickVals[i])))
            {
                return dim.TickText[i];
            }
        }

        return dim.IsLog ? G3(Math.Pow(10, value)) : G3(value);
    }

    public static FigureSpec Build(ParallelCoordinateInfo info, int maxLines)
    {
        var fig = FigureSpec.Single("Parallel Coordinate Plot");
        if (info.DimsParams.Count == 0 || info.DimsObjectives[0].Values.Length == 0)
        {
            return fig;
        }

        var dims = info.DimsObjectives.Concat(info.DimsParams).ToList();
        var (cmin, cmax) = ColorRange(info.ColorValues, info.IsRankColor);
        var normalized = dims.Select(d => Normalize(d, d.Values)).ToList();
        var colors = LineColors(info.ColorValues, cmin, cmax, info.ReverseScale);
        int n = info.ColorValues.Length;
        IEnumerable<int> order = info.DrawOrder;
        var pick = PlotSupport.Decimate(n, maxLines, BestTrials(info, maxLines / 10));
        if (pick is not null)
        {
            var chosen = new HashSet<int>(pick);
            order = order.Where(chosen.Contains);
            fig.Subtitle = PlotSupport.SampleNote(pick.Length, n, "trial lines") + ", the best trials always among them";
        }

        // Trials of similar colour share one trace (line pieces separated by gaps); better trials are drawn last.
        const int Levels = 24;
        var groups = new SortedDictionary<(int Level, bool Feasible), List<int>>();
        foreach (int i in order)
        {
            double t = cmax == cmin ? 0.5 : (info.ColorValues[i] - cmin) / (cmax - cmin);
            double goodness = info.ReverseScale ? 1 - t : t;
            int level = (int)Math.Round(goodness * (Levels - 1));
            bool feasible = info.Feasibility is null || info.Feasibility[i];
            if (!groups.TryGetValue((level, feasible), out var list))
            {
                groups[(level, feasible)] = list = [];
            }

            list.Add(i);
        }

        var xs = Enumerable.Range(0, dims.Count).Select(i => (double)i).ToArray();
        foreach (var ((level, feasible), members) in groups.OrderBy(g => g.Key.Level))
        {
            var x = new List<double>();
            var y = new List<double>();
            var hover = new List<string>();
            foreach (int i in members)
            {
                for (int d = 0; d < dims.Count; d++)
                {
                    x.Add(xs[d]);
                    y.Add(normalized[d][i]);
                    hover.Add($"{dims[d].Label}: {FormatValue(dims[d], dims[d].Values[i])}");
                }

                x.Add(double.NaN);
                y.Add(double.NaN);
                hover.Add(string.Empty);
            }

            double goodness = (double)level / (Levels - 1);
            fig.Traces.Add(new ScatterSpec
            {
                X = x,
                Y = y,
                Lines = true,
                Markers = false,
                GapsSplitLines = true,
                Color = Palette.Blues.Sample(goodness).ToCss(),
                LineWidth = 1.2,
                Dotted = !feasible,
                Opacity = 0.5,
                ShowLegend = false,
                HoverText = hover,
                HoverTemplate = "%{text}<extra></extra>",
            });
        }

        if (info.Feasibility is not null)
        {
            fig.Traces.Add(new ScatterSpec { X = [double.NaN], Y = [double.NaN], Lines = true, Markers = false, Color = "#2F3B52", LineWidth = 2, Name = "Feasible", NoHover = true });
            fig.Traces.Add(new ScatterSpec { X = [double.NaN], Y = [double.NaN], Lines = true, Markers = false, Color = "#2F3B52", LineWidth = 2, Dotted = true, Name = "Infeasible", NoHover = true });
        }

        var bar = new ColorBarSpec { Title = info.ColorbarTitle };
        if (info.IsRankColor)
        {
            bar.TickValues = Enumerable.Range(0, (int)info.ColorValues.Max() + 1).Select(i => (double)i).ToList();
        }

        fig.Traces.Add(new ScatterSpec
        {
            X = [double.NaN, double.NaN],
            Y = [double.NaN, double.NaN],
            ColorValues = [cmin, cmax],
            ColorMin = cmin,
            ColorMax = cmax,
            Scale = Palette.Blues,
            ReverseScale = info.ReverseScale,
            ColorBar = bar,
            ShowLegend = false,
            NoHover = true,
        });
        var panel = fig.Panels[0];
        panel.X.TickValues = xs;
        panel.X.TickText = dims.Select(d => d.Label).ToList();
        // Room left of the first axis for its tick labels and its name: the more axes share the width, the more of
        // an axis spacing that takes.
        panel.X.Range = (-Math.Max(0.2, 0.07 * dims.Count), dims.Count - 0.8);
        panel.X.ShowGrid = false;
        panel.X.ZeroLine = false;
        panel.Y.Range = (-0.08, 1.08);
        panel.Y.Visible = false;
        panel.Y.FixedRange = true;
        panel.Y.ShowGrid = false;
        fig.WhiteBackground = true;
        fig.LegendHorizontalTop = true;
        for (int d = 0; d < dims.Count; d++)
        {
            fig.Shapes.Add(new LineShapeSpec(0, d, 0, d, 1, "#888", 1));
            var dim = dims[d];
            List<double> tickValues;
            List<string> tickText;
            if (dim.TickVals.Count > 0)
            {
                tickValues = dim.TickVals;
                tickText = dim.TickText.Count > 0 ? dim.TickText : dim.TickVals.Select(G3).ToList();
            }
            else if (dim.Range.Low == dim.Range.High)
            {
                tickValues = [dim.Range.Low];
                tickText = [G3(dim.Range.Low)];
            }
            else
            {
                tickValues = Edf.Linspace(dim.Range.Low, dim.Range.High, 5).ToList();
                tickText = tickValues.Select(G3).ToList();
            }

            var norm = Normalize(dim, tickValues);
            for (int k = 0; k < norm.Length; k++)
            {
                fig.Annotations.Add(new AnnotationSpec(0, d, norm[k], tickText[k], -4, 10, "#555"));
            }
        }

        return fig;
    }

    private static IEnumerable<int> BestTrials(ParallelCoordinateInfo info, int count)
    {
        var idx = Enumerable.Range(0, info.ColorValues.Length);
        // Lower rank is better; for a single objective the direction decides (a reversed scale means minimize).
        return (info.IsRankColor || info.ReverseScale ? idx.OrderBy(i => info.ColorValues[i]) : idx.OrderByDescending(i => info.ColorValues[i])).Take(count);
    }
}
