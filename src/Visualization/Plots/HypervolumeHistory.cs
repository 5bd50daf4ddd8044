using Sharptune.Visualization.Rendering;

namespace Sharptune.Visualization.Plots;

internal sealed record HypervolumeHistoryInfo(int[] TrialNumbers, double[] Values);

/// <summary>Optuna's hypervolume history: the hypervolume of the feasible Pareto front after each completed trial.</summary>
internal static class HypervolumeHistory
{
    public static void Check(Study study, IReadOnlyList<double> referencePoint)
    {
        ArgumentNullException.ThrowIfNull(referencePoint);
        if (!study.IsMultiObjective)
        {
            throw new ArgumentException("Study must be multi-objective. For single-objective optimization, please use PlotOptimizationHistory instead.", nameof(study));
        }

        if (referencePoint.Count != study.Directions.Count)
        {
            throw new ArgumentException("The dimension of the reference point must be the same as the number of objectives.", nameof(referencePoint));
        }
    }

    public static HypervolumeHistoryInfo GetInfo(Study study, IReadOnlyList<double> referencePoint)
    {
        Check(study, referencePoint);
        var completed = study.GetTrials([TrialState.Complete]);
        int m = study.Directions.Count;
        var signs = study.Directions.Select(d => d == StudyDirection.Minimize ? 1.0 : -1.0).ToArray();
        var reference = referencePoint.Select((r, i) => signs[i] * r).ToArray();
        var numbers = new List<int>();
        var values = new List<double>();
        var front = new List<double[]>();
        double hv = 0;
        foreach (var t in completed)
        {
            numbers.Add(t.Number);
            if (t.Constraints.Values.Any(c => c > 0.0))
            {
                values.Add(hv);
                continue;
            }

            var v = t.Values!.Select((x, i) => signs[i] * x).ToArray();
            if (front.Any(f => f.Zip(v).All(p => p.First <= p.Second)))
            {
                values.Add(hv);
                continue;
            }

            if (v.Zip(reference).Any(p => p.First > p.Second))
            {
                values.Add(hv);
                continue;
            }

            double box = 1;
            for (int i = 0; i < m; i++)
            {
                box *= reference[i] - v[i];
            }

            hv += box;
            if (front.Count > 0)
            {
                var limited = new double[front.Count, m];
                for (int r = 0; r < front.Count; r++)
                {
                    for (int i = 0; i < m; i++)
                    {
                        limited[r, i] = Math.Max(front[r][i], v[i]);
                    }
                }

                hv -= Hypervolume.Compute(limited, reference);
                front = front.Where(f => f.Zip(v).Any(p => p.First < p.Second)).ToList();
            }

            front.Add(v);
            values.Add(hv);
        }

        return new HypervolumeHistoryInfo(numbers.ToArray(), values.ToArray());
    }

    public static FigureSpec Build(HypervolumeHistoryInfo info, int maxPoints)
    {
        var fig = FigureSpec.Single("Hypervolume History Plot");
        fig.Panels[0].X.Title = "Trial";
        fig.Panels[0].Y.Title = "Hypervolume";
        var (x, y) = OptimizationHistory.CompressSteps(info.TrialNumbers, info.Values);
        bool markers = info.Values.Length <= maxPoints;
        if (!markers)
        {
            fig.Subtitle = $"{info.Values.Length:N0} trials: the line is exact, markers are left out";
        }

        fig.Traces.Add(new ScatterSpec { X = markers ? info.TrialNumbers.Select(n => (double)n).ToArray() : x, Y = markers ? info.Values : y, Lines = true, Markers = markers, Color = Palette.Cycle[0] });
        return fig;
    }
}
