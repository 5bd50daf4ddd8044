using Sharptune.Importance;
using Sharptune.Visualization.Rendering;

namespace Sharptune.Visualization.Plots;

internal sealed record ImportancesInfo(List<double> ImportanceValues, List<string> ParamNames, List<string> ImportanceLabels, string TargetName);

/// <summary>Optuna's parameter importance plot: one horizontal bar per parameter (one group per objective).</summary>
internal static class ParamImportances
{
    public static List<ImportancesInfo> GetInfos(Study study, IImportanceEvaluator? evaluator, IReadOnlyList<string>? @params, Func<FrozenTrial, double>? target, string targetName)
    {
        var metricNames = study.MetricNames;
        if (target is not null || !study.IsMultiObjective)
        {
            string name = metricNames is not null && target is null ? metricNames[0] : targetName;
            return [GetInfo(study, evaluator, @params, target, name)];
        }

        int n = study.Directions.Count;
        var names = metricNames ?? Enumerable.Range(0, n).Select(i => $"{targetName} {i}").ToList();
        return names.Select((name, i) => GetInfo(study, evaluator, @params, t => t.Values![i], name)).ToList();
    }

    private static ImportancesInfo GetInfo(Study study, IImportanceEvaluator? evaluator, IReadOnlyList<string>? @params, Func<FrozenTrial, double>? target, string targetName)
    {
        PlotSupport.CheckPlotArgs([study], target);
        var trials = PlotSupport.FilterNonfinite(study.GetTrials([TrialState.Complete]), target);
        if (trials.Count == 0)
        {
            return new ImportancesInfo([], [], [], targetName);
        }

        var importances = Importance.Importance.Get(study, evaluator, @params, target).Reverse().ToList();
        var values = importances.Select(kv => kv.Value).ToList();
        return new ImportancesInfo(values, importances.Select(kv => kv.Key).ToList(),
            values.Select(v => v >= 0.01 ? v.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) : "<0.01").ToList(), targetName);
    }

    public static FigureSpec Build(List<ImportancesInfo> infos, Study study)
    {
        var fig = FigureSpec.Single("Hyperparameter Importances");
        fig.Panels[0].X.Title = "Hyperparameter Importance";
        fig.Panels[0].Y.Title = "Hyperparameter";
        fig.Panels[0].Y.Kind = AxisKind.Category;
        var shown = infos.Where(i => i.ImportanceValues.Count > 0).ToList();
        var distributions = new Dictionary<string, string>();
        foreach (var t in study.Trials)
        {
            foreach (var (name, d) in t.Distributions)
            {
                distributions.TryAdd(name, d.ClassName);
            }
        }

        for (int k = 0; k < shown.Count; k++)
        {
            var info = shown[k];
            fig.Traces.Add(new BarSpec
            {
                Lengths = info.ImportanceValues,
                PositionText = info.ParamNames,
                Labels = info.ImportanceLabels,
                Name = info.TargetName,
                Color = Palette.CycleColor(k),
                GroupIndex = k,
                GroupCount = shown.Count,
                HoverTemplates = info.ParamNames.Select((p, i) => $"{p} ({distributions.GetValueOrDefault(p, "Distribution")}): {PlotSupport.PyFloat(info.ImportanceValues[i])}<extra></extra>").ToList(),
            });
        }

        return fig;
    }
}
