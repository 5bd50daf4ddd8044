using ScottPlot;

namespace Sharptune.Visualization.Rendering;

/// <summary>Draws a 3-D scatter as a fixed oblique view in a 2-D ScottPlot plot (box, axis titles, end ticks).</summary>
internal sealed class Projection3D(PanelSpec panel)
{
    private const double Azimuth = -0.75;
    private const double Elevation = 0.45;
    private (double Min, double Max) _x, _y, _z;

    public void Draw(Plot plot, IEnumerable<ScatterSpec> traces)
    {
        var list = traces.ToList();
        _x = Range(list.SelectMany(t => t.X ?? []));
        _y = Range(list.SelectMany(t => t.Y ?? []));
        _z = Range(list.SelectMany(t => t.Z ?? []));
        var grey = new Color(0x99, 0x99, 0x99);
        int[][] edges = [[0, 1], [0, 2], [0, 4], [1, 3], [1, 5], [2, 3], [2, 6], [3, 7], [4, 5], [4, 6], [5, 7], [6, 7]];
        foreach (var e in edges)
        {
            var a = Corner(e[0]);
            var b = Corner(e[1]);
            var line = plot.Add.Line(a.X, a.Y, b.X, b.Y);
            line.LineColor = grey;
            line.LineWidth = 1;
        }

        Label(plot, panel.X.Title, Project(0.5, -0.12, 0), $"{ImageRenderer.Format(_x.Min)} → {ImageRenderer.Format(_x.Max)}");
        Label(plot, panel.Y.Title, Project(1.12, 0.5, 0), $"{ImageRenderer.Format(_y.Min)} → {ImageRenderer.Format(_y.Max)}");
        Label(plot, panel.Z?.Title, Project(-0.08, 0, 0.5), $"{ImageRenderer.Format(_z.Min)} → {ImageRenderer.Format(_z.Max)}");
        foreach (var t in list)
        {
            if (t.X is null || t.Y is null || t.Z is null)
            {
                continue;
            }

            var pts = Enumerable.Range(0, t.X.Count).Select(i => Project(Norm(t.X[i], _x), Norm(t.Y[i], _y), Norm(t.Z[i], _z))).ToArray();
            IReadOnlyList<string> colors = t.PointColors ?? ScaleColors(t) ?? Enumerable.Repeat(t.Color ?? Palette.Cycle[0], pts.Length).ToArray();
            foreach (var group in Enumerable.Range(0, pts.Length).GroupBy(i => colors[i]))
            {
                var idx = group.ToArray();
                var m = plot.Add.Markers(idx.Select(i => pts[i].X).ToArray(), idx.Select(i => pts[i].Y).ToArray(), MarkerShape.FilledCircle, 6, ImageRenderer.ToColor(group.Key));
                if (t.MarkerLineColor is not null)
                {
                    m.MarkerLineColor = ImageRenderer.ToColor(t.MarkerLineColor);
                    m.MarkerLineWidth = 0.5f;
                }
            }
        }

        plot.Axes.Frameless();
        plot.HideGrid();
        plot.Axes.SetLimits(-1.05, 1.05, -0.75, 1.0);
        plot.Legend.IsVisible = false;
    }

    private static string[]? ScaleColors(ScatterSpec t)
    {
        if (t.ColorValues is null || t.Scale is null || t.ColorValues.Count == 0)
        {
            return null;
        }

        double min = t.ColorValues.Min(), max = t.ColorValues.Max();
        return t.ColorValues.Select(v =>
        {
            double f = max > min ? (v - min) / (max - min) : 0.5;
            return t.Scale.Sample(t.ReverseScale ? 1 - f : f).ToCss();
        }).ToArray();
    }

    private static void Label(Plot plot, string? title, Coordinates at, string range)
    {
        var text = plot.Add.Text($"{title}\n{range}", at);
        text.LabelFontSize = 11;
        text.LabelFontColor = new Color(0x44, 0x44, 0x44);
        text.LabelAlignment = Alignment.MiddleCenter;
    }

    private Coordinates Corner(int i) => Project(i & 1, (i >> 1) & 1, (i >> 2) & 1);

    private static Coordinates Project(double x, double y, double z)
    {
        double cx = x - 0.5, cy = y - 0.5, cz = z - 0.5;
        double px = (cx * Math.Cos(Azimuth)) - (cy * Math.Sin(Azimuth));
        double depth = (cx * Math.Sin(Azimuth)) + (cy * Math.Cos(Azimuth));
        double py = (depth * Math.Sin(Elevation)) + (cz * Math.Cos(Elevation));
        return new Coordinates(px * 1.25, py * 1.1);
    }

    private static double Norm(double v, (double Min, double Max) r) => r.Max > r.Min ? (v - r.Min) / (r.Max - r.Min) : 0.5;

    private static (double, double) Range(IEnumerable<double> values)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in values)
        {
            if (double.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        return double.IsFinite(min) ? (min, max) : (0, 1);
    }
}
