using Sharptune.Visualization.Rendering;

namespace Sharptune.Visualization.Plots;

internal enum ValueState
{
    Feasible,
    Infeasible,
    Incomplete,
}

internal sealed record ValuesInfo(double[] Values, double[]? Stds, string LabelName, ValueState[] States);

internal sealed record OptimizationHistoryInfo(int[] TrialNumbers, ValuesInfo ValuesInfo, ValuesInfo? BestValuesInfo);

/// <summary>Optuna's optimization history: each trial's value and the best value so far.</summary>
internal static class OptimizationHistory
{
    public static List<OptimizationHistoryInfo> GetInfo(IReadOnlyList<Study> studies, Func<FrozenTrial, double>? target, string targetName, bool errorBar)
    {
        PlotSupport.CheckPlotArgs(studies, target);
        var infos = new List<OptimizationHistoryInfo>();
        foreach (var study in studies)
        {
            var trials = study.Trials;
            string label = studies.Count == 1 ? targetName : $"{targetName} of {study.StudyName}";
            var values = new double[trials.Count];
            var states = new ValueState[trials.Count];
            for (int i = 0; i < trials.Count; i++)
            {
                var t = trials[i];
                if (t.State != TrialState.Complete)
                {
                    values[i] = double.NaN;
                    states[i] = ValueState.Incomplete;
                    continue;
                }

                states[i] = t.Constraints.Values.All(x => x <= 0.0) ? ValueState.Feasible : ValueState.Infeasible;
                values[i] = PlotSupport.TargetOrValue(t, target);
            }

            ValuesInfo? best = null;
            if (target is null)
            {
                bool minimize = study.Direction == StudyDirection.Minimize;
                var bests = new double[values.Length];
                double acc = minimize ? double.PositiveInfinity : double.NegativeInfinity;
                for (int i = 0; i < values.Length; i++)
                {
                    double v = states[i] == ValueState.Feasible ? values[i] : acc;
                    // numpy's minimum/maximum.accumulate propagate NaN.
                    acc = double.IsNaN(v) || double.IsNaN(acc) ? double.NaN : minimize ? Math.Min(acc, v) : Math.Max(acc, v);
                    bests[i] = acc;
                }

                best = new ValuesInfo(bests, null, studies.Count == 1 ? "Best Value" : $"Best Value of {study.StudyName}", states);
            }

            infos.Add(new OptimizationHistoryInfo(trials.Select(t => t.Number).ToArray(), new ValuesInfo(values, null, label, states), best));
        }

        int feasible = infos.Sum(i => i.ValuesInfo.States.Count(s => s == ValueState.Feasible));
        int infeasible = infos.Sum(i => i.ValuesInfo.States.Count(s => s == ValueState.Infeasible));
        if (feasible + infeasible == 0)
        {
            infos.Clear();
        }

        if (!errorBar)
        {
            return infos;
        }

        if (infos.Count == 0 || feasible == 0)
        {
            return [];
        }

        int maxTrial = infos.SelectMany(i => i.TrialNumbers).Max() + 1;
        (int[] Numbers, ValuesInfo Info) Aggregate(string label, bool useBest)
        {
            var vals = Enumerable.Range(0, maxTrial).Select(_ => new List<double>()).ToArray();
            var sts = Enumerable.Range(0, maxTrial).Select(_ => new List<ValueState>()).ToArray();
            foreach (var info in infos)
            {
                var vi = useBest ? info.BestValuesInfo! : info.ValuesInfo;
                for (int k = 0; k < info.TrialNumbers.Length; k++)
                {
                    int n = info.TrialNumbers[k];
                    double v = vi.Values[k];
                    if (!double.IsInfinity(v) && (useBest || vi.States[k] == ValueState.Feasible))
                    {
                        vals[n].Add(v);
                    }

                    sts[n].Add(vi.States[k]);
                }
            }

            var numbers = new List<int>();
            var states = new List<ValueState>();
            var means = new List<double>();
            var stds = new List<double>();
            for (int n = 0; n < maxTrial; n++)
            {
                if (sts[n].Contains(ValueState.Feasible))
                {
                    states.Add(ValueState.Feasible);
                    numbers.Add(n);
                    double mean = vals[n].Count == 0 ? double.NaN : vals[n].Average();
                    means.Add(mean);
                    stds.Add(vals[n].Count == 0 ? double.NaN : Math.Sqrt(vals[n].Sum(v => (v - mean) * (v - mean)) / vals[n].Count));
                }
                else
                {
                    states.Add(ValueState.Infeasible);
                }
            }

            return (numbers.ToArray(), new ValuesInfo(means.ToArray(), stds.ToArray(), label, states.ToArray()));
        }

        var (ebNumbers, ebValues) = Aggregate(targetName, false);
        ValuesInfo? ebBest = target is null ? Aggregate("Best Value", true).Info : null;
        return [new OptimizationHistoryInfo(ebNumbers, ebValues, ebBest)];
    }

    public static FigureSpec Build(List<OptimizationHistoryInfo> infos, string targetName, int maxPoints)
    {
        var fig = FigureSpec.Single("Optimization History Plot");
        fig.Panels[0].X.Title = "Trial";
        fig.Panels[0].Y.Title = targetName;
        int color = 0;
        var notes = new List<string>();
        foreach (var (numbers, values, best) in infos)
        {
            string c = Palette.CycleColor(color);
            string bestColor = Palette.CycleColor(color + 1);
            color += 2;
            List<int> feasibleIdx = [], infeasibleIdx = [];
            for (int k = 0; k < numbers.Length && k < values.States.Length; k++)
            {
                if (values.Stds is not null)
                {
                    feasibleIdx.Add(k);
                }
                else if (values.States[k] == ValueState.Feasible)
                {
                    feasibleIdx.Add(k);
                }
                else if (values.States[k] == ValueState.Infeasible)
                {
                    infeasibleIdx.Add(k);
                }
            }

            // Optuna reads the values by trial number (they coincide with the position for one study).
            double ValueAt(int k) => values.Stds is null ? values.Values[numbers[k]] : values.Values[k];

            // Large studies: sample the markers, but keep every trial that improved the best value.
            var improvements = new List<int>();
            if (best is not null && values.Stds is null)
            {
                for (int j = 0; j < feasibleIdx.Count; j++)
                {
                    int k = feasibleIdx[j];
                    if (k == 0 || best.Values[k] != best.Values[k - 1])
                    {
                        improvements.Add(j);
                    }
                }
            }

            int total = feasibleIdx.Count;
            var pick = PlotSupport.Decimate(total, maxPoints, improvements);
            var shown = pick is null ? feasibleIdx : pick.Select(j => feasibleIdx[j]).ToList();
            string name = values.LabelName;
            if (pick is not null)
            {
                name += $" ({shown.Count:N0} of {total:N0} shown)";
                notes.Add(PlotSupport.SampleNote(shown.Count, total) + "; the best-value line is exact");
            }

            fig.Traces.Add(new ScatterSpec
            {
                X = shown.Select(k => (double)numbers[k]).ToArray(),
                Y = shown.Select(ValueAt).ToArray(),
                ErrorY = values.Stds,
                Name = name,
                Color = c,
            });
            if (best is not null)
            {
                var (bx, by) = CompressSteps(numbers, best.Values);
                fig.Traces.Add(new ScatterSpec { X = bx, Y = by, Name = best.LabelName, Markers = false, Lines = true, Color = bestColor });
                if (best.Stds is not null)
                {
                    fig.Traces.Add(new ScatterSpec
                    {
                        X = numbers.Select(n => (double)n).ToArray(),
                        Y = best.Values.Zip(best.Stds, (v, s) => v + s).ToArray(),
                        Markers = false,
                        Lines = true,
                        LineWidth = 0.01,
                        ShowLegend = false,
                        Color = "rgba(255,0,0,0.2)",
                    });
                    fig.Traces.Add(new ScatterSpec
                    {
                        X = numbers.Select(n => (double)n).ToArray(),
                        Y = best.Values.Zip(best.Stds, (v, s) => v - s).ToArray(),
                        Markers = false,
                        Lines = false,
                        ShowLegend = false,
                        FillToPrevious = "rgba(255,0,0,0.2)",
                    });
                }
            }

            var infeasPick = PlotSupport.Decimate(infeasibleIdx.Count, maxPoints);
            var infeasShown = infeasPick is null ? infeasibleIdx : infeasPick.Select(j => infeasibleIdx[j]).ToList();
            fig.Traces.Add(new ScatterSpec
            {
                X = infeasShown.Select(k => (double)numbers[k]).ToArray(),
                Y = infeasShown.Select(ValueAt).ToArray(),
                Name = "Infeasible Trial",
                Color = Palette.Infeasible,
                ShowLegend = false,
            });
        }

        if (notes.Count > 0)
        {
            fig.Subtitle = notes[0];
        }

        return fig;
    }

    /// <summary>
    /// Drops the points inside runs of equal values, keeping each run's first and last point: the polyline through
    /// the kept points is the same as through all of them.
    /// </summary>
    internal static (double[] X, double[] Y) CompressSteps(int[] numbers, double[] values)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (int k = 0; k < values.Length; k++)
        {
            bool sameAsPrevious = k > 0 && Same(values[k], values[k - 1]);
            bool sameAsNext = k < values.Length - 1 && Same(values[k], values[k + 1]);
            if (!(sameAsPrevious && sameAsNext))
            {
                xs.Add(numbers[k]);
                ys.Add(values[k]);
            }
        }

        return (xs.ToArray(), ys.ToArray());

        static bool Same(double a, double b) => a == b || (double.IsNaN(a) && double.IsNaN(b));
    }
}
