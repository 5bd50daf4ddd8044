using Sharptune.Visualization.Rendering;

namespace Sharptune.Visualization.Plots;

internal sealed record ParetoFrontInfo(
    int NTargets,
    IReadOnlyList<string> TargetNames,
    List<(FrozenTrial Trial, IReadOnlyList<double> Values)> BestTrialsWithValues,
    List<(FrozenTrial Trial, IReadOnlyList<double> Values)> NonBestTrialsWithValues,
    List<(FrozenTrial Trial, IReadOnlyList<double> Values)> InfeasibleTrialsWithValues,
    int[] AxisOrder,
    bool IncludeDominatedTrials,
    bool HasConstraints);

/// <summary>Optuna's Pareto-front plot (2 or 3 targets).</summary>
internal static class ParetoFront
{
    public static ParetoFrontInfo GetInfo(Study study, IReadOnlyList<string>? targetNames, bool includeDominatedTrials, Func<FrozenTrial, IReadOnlyList<double>>? targets)
    {
        var feasible = new List<FrozenTrial>();
        var infeasible = new List<FrozenTrial>();
        bool hasConstraints = false;
        foreach (var t in study.GetTrials([TrialState.Complete]))
        {
            hasConstraints |= t.Constraints.Count > 0;
            (PlotSupport.Feasible(t) ? feasible : infeasible).Add(t);
        }

        var best = FrontOf(feasible, study.Directions);
        var bestSet = new HashSet<FrozenTrial>(best);
        var nonBest = includeDominatedTrials ? feasible.Where(t => !bestSet.Contains(t)).ToList() : [];
        if (targets is null && study.Directions.Count is not (2 or 3))
        {
            throw new ArgumentException(
                "PlotParetoFront only supports studies with 2 or 3 objectives when targets is null. Please use targets if your study has more than 3 objectives.",
                nameof(targets));
        }

        Func<FrozenTrial, IReadOnlyList<double>> f = targets ?? (t => t.Values!);
        List<(FrozenTrial, IReadOnlyList<double>)> With(List<FrozenTrial> trials) => trials.Select(t => (t, f(t) ?? throw new ArgumentException("targets should return a sequence of target values, but it returned null.", nameof(targets)))).ToList();
        var bestWith = With(best);
        var nonBestWith = With(nonBest);
        var infeasibleWith = With(infeasible);
        int? n = bestWith.Count > 0 ? bestWith[0].Item2.Count : infeasibleWith.Count > 0 ? infeasibleWith[0].Item2.Count : null;
        if (n is null)
        {
            if (targetNames is not null)
            {
                n = targetNames.Count;
            }
            else if (targets is null)
            {
                n = study.Directions.Count;
            }
            else
            {
                throw new ArgumentException("If targets is specified for an empty study, targetNames must be specified.", nameof(targets));
            }
        }

        if (n is not (2 or 3))
        {
            throw new ArgumentException($"PlotParetoFront only supports 2 or 3 targets, but {n} targets were given.", nameof(targets));
        }

        IReadOnlyList<string> names;
        if (targetNames is null)
        {
            names = study.MetricNames ?? Enumerable.Range(0, n.Value).Select(i => $"Objective {i}").ToList();
        }
        else if (targetNames.Count != n)
        {
            throw new ArgumentException($"The length of targetNames is supposed to be {n}.", nameof(targetNames));
        }
        else
        {
            names = targetNames;
        }

        return new ParetoFrontInfo(n.Value, names, bestWith, nonBestWith, infeasibleWith, Enumerable.Range(0, n.Value).ToArray(), includeDominatedTrials, hasConstraints);
    }

    /// <summary>The trials no other trial dominates, in their order (ties all kept).</summary>
    internal static List<FrozenTrial> FrontOf(List<FrozenTrial> trials, IReadOnlyList<StudyDirection> directions)
    {
        if (trials.Count == 0)
        {
            return [];
        }

        var loss = new double[trials.Count, directions.Count];
        for (int i = 0; i < trials.Count; i++)
        {
            for (int j = 0; j < directions.Count; j++)
            {
                double v = trials[i].Values![j];
                loss[i, j] = directions[j] == StudyDirection.Maximize ? -v : v;
            }
        }

        int[] ranks = NonDominatedSorting.Ranks(loss, nBelow: 1);
        return trials.Where((_, i) => ranks[i] == 0).ToList();
    }

    public static FigureSpec Build(ParetoFrontInfo info, int maxPoints)
    {
        var fig = FigureSpec.Single("Pareto-front Plot");
        var panel = fig.Panels[0];
        panel.X.Title = info.TargetNames[info.AxisOrder[0]];
        panel.Y.Title = info.TargetNames[info.AxisOrder[1]];
        if (info.NTargets == 3)
        {
            panel.Z = new AxisSpec { Title = info.TargetNames[info.AxisOrder[2]] };
        }

        var dominated = info.NonBestTrialsWithValues;
        var pick = PlotSupport.Decimate(dominated.Count, maxPoints);
        if (pick is not null)
        {
            fig.Subtitle = $"{pick.Length:N0} of {dominated.Count:N0} dominated trials drawn (evenly spaced sample); every Pareto-optimal trial is drawn";
            dominated = pick.Select(i => dominated[i]).ToList();
        }

        var infeasible = info.InfeasibleTrialsWithValues;
        var ipick = PlotSupport.Decimate(infeasible.Count, maxPoints);
        if (ipick is not null)
        {
            infeasible = ipick.Select(i => infeasible[i]).ToList();
        }

        if (info.HasConstraints)
        {
            fig.Traces.Add(Scatter(info, infeasible, "Infeasible Trial", infeasibleTrace: true, dominatedTrace: false));
        }

        fig.Traces.Add(Scatter(info, dominated, info.HasConstraints ? "Feasible Trial" : "Trial", false, dominatedTrace: true));
        fig.Traces.Add(Scatter(info, info.BestTrialsWithValues, "Best Trial", false, dominatedTrace: false));
        return fig;
    }

    private static ScatterSpec Scatter(ParetoFrontInfo info, List<(FrozenTrial Trial, IReadOnlyList<double> Values)> trials, string label, bool infeasibleTrace, bool dominatedTrace)
    {
        var s = new ScatterSpec
        {
            X = trials.Select(t => t.Values[info.AxisOrder[0]]).ToArray(),
            Y = trials.Select(t => t.Values[info.AxisOrder[1]]).ToArray(),
            Z = info.NTargets == 3 ? trials.Select(t => t.Values[info.AxisOrder[2]]).ToArray() : null,
            HoverText = trials.Select(t => PlotSupport.HoverText(t.Trial)).ToArray(),
            HoverTemplate = "%{text}<extra>" + label + "</extra>",
            ShowLegend = false,
            Name = label,
        };
        if (infeasibleTrace)
        {
            s.Color = Palette.Infeasible;
            return s;
        }

        s.MarkerLineColor = "Grey";
        s.MarkerLineWidth = 0.5;
        s.ColorValues = trials.Select(t => (double)t.Trial.Number).ToArray();
        s.Scale = dominatedTrace ? Palette.Blues : Palette.Reds;
        s.ColorBar = dominatedTrace
            ? new ColorBarSpec { Title = "Trial" }
            : new ColorBarSpec { Title = "Best Trial", X = info.IncludeDominatedTrials ? 1.1 : 1 };
        if (trials.Count == 0)
        {
            s.ColorBar = null;
        }

        return s;
    }
}
