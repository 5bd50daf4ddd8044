using Sharptune.Visualization.Rendering;

namespace Sharptune.Visualization.Plots;

internal sealed record TimelineBarInfo(int Number, DateTime Start, DateTime Complete, TrialState State, FrozenTrial Trial, bool Infeasible)
{
    /// <summary>Gets Optuna's hover text (made on demand: large studies draw a sample).</summary>
    public string HoverText => PlotSupport.HoverText(Trial);
}

/// <summary>Optuna's timeline: one bar per trial from its start to its end, coloured by state.</summary>
internal static class Timeline
{
    private static readonly (TrialState State, string Name, string Color)[] States =
    [
        (TrialState.Complete, "COMPLETE", "blue"),
        (TrialState.Fail, "FAIL", "red"),
        (TrialState.Pruned, "PRUNED", "orange"),
        (TrialState.Running, "RUNNING", "green"),
        (TrialState.Waiting, "WAITING", "gray"),
    ];

    public static void Check(int? nRecentTrials)
    {
        if (nRecentTrials is <= 0)
        {
            throw new ArgumentException("nRecentTrials must be a positive integer or null.", nameof(nRecentTrials));
        }
    }

    public static List<TimelineBarInfo> GetInfo(Study study, int? nRecentTrials, DateTime now)
    {
        Check(nRecentTrials);
        var all = study.Trials;
        TimeSpan? maxRun = null;
        foreach (var t in all)
        {
            if (t.DatetimeStart is { } s && t.DatetimeComplete is { } c && (maxRun is null || c - s > maxRun))
            {
                maxRun = c - s;
            }
        }

        var running = all.Where(t => t.State == TrialState.Running).ToList();
        bool runningRecent = maxRun is null ? running.Count > 0 : running.Any(t => t.DatetimeStart is { } s && now - s < 5 * maxRun.Value);
        DateTime maxDatetime = runningRecent ? now : all.Where(t => t.DatetimeComplete is not null).Select(t => t.DatetimeComplete!.Value).DefaultIfEmpty(now).Max();
        var small = TimeSpan.FromSeconds(1);
        IEnumerable<FrozenTrial> trials = all;
        if (nRecentTrials is { } n)
        {
            trials = all.Skip(Math.Max(0, all.Count - n));
        }

        var bars = new List<TimelineBarInfo>();
        foreach (var t in trials)
        {
            DateTime start = t.DatetimeStart ?? maxDatetime;
            DateTime complete = t.State == TrialState.Running ? maxDatetime + small : t.DatetimeComplete ?? start + small;
            bars.Add(new TimelineBarInfo(t.Number, start, complete, t.State, t, t.Constraints.Values.Any(c => c > 0)));
        }

        return bars;
    }

    public static FigureSpec Build(List<TimelineBarInfo> bars, int maxPoints)
    {
        var fig = FigureSpec.Single("Timeline Plot");
        fig.Panels[0].X.Title = "Datetime";
        fig.Panels[0].X.Kind = AxisKind.Date;
        fig.Panels[0].Y.Title = "Trial";
        fig.ShowLegend = true;
        var pick = PlotSupport.Decimate(bars.Count, maxPoints);
        if (pick is not null)
        {
            fig.Subtitle = PlotSupport.SampleNote(pick.Length, bars.Count);
            bars = pick.Select(i => bars[i]).ToList();
        }

        foreach (var (state, name, color) in States.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            if (state == TrialState.Complete)
            {
                Add(fig, bars.Where(b => b.State == state && b.Infeasible).ToList(), Palette.Infeasible, "INFEASIBLE");
                Add(fig, bars.Where(b => b.State == state && !b.Infeasible).ToList(), color, name);
            }
            else
            {
                Add(fig, bars.Where(b => b.State == state).ToList(), color, name);
            }
        }

        return fig;
    }

    private static void Add(FigureSpec fig, List<TimelineBarInfo> bars, string color, string name)
    {
        if (bars.Count == 0)
        {
            return;
        }

        fig.Traces.Add(new BarSpec
        {
            Name = name,
            Lengths = bars.Select(b => (b.Complete - b.Start).TotalMilliseconds).ToArray(),
            Positions = bars.Select(b => (double)b.Number).ToArray(),
            DateBase = bars.Select(b => b.Start).ToArray(),
            Color = color,
            HoverText = bars.Select(b => b.HoverText).ToArray(),
            HoverTemplate = "%{text}<extra>" + name + "</extra>",
        });
    }
}
