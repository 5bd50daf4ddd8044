using System.Globalization;
using System.Text;
using ScottPlot;
using SkiaSharp;

namespace Sharptune.Visualization.Rendering;

/// <summary>Renders a <see cref="FigureSpec"/> with ScottPlot: one ScottPlot plot per panel, composed on one canvas.</summary>
internal static class ImageRenderer
{
    private const float TitleSize = 18f;
    private const float ColorBarWidth = 80f;
    private const int ColorLevels = 48;

    public static byte[] RenderPng(FigureSpec figure, int width, int height)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException("SkiaSharp could not create a raster surface.");
        Draw(figure, surface.Canvas, width, height);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static string RenderSvg(FigureSpec figure, int width, int height)
    {
        using var stream = new MemoryStream();
        using (var canvas = SKSvgCanvas.Create(SKRect.Create(width, height), stream))
        {
            Draw(figure, canvas, width, height);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Draw(FigureSpec figure, SKCanvas canvas, int width, int height)
    {
        canvas.Clear(SKColors.White);
        float top = figure.Subtitle is null ? 44 : 60;
        var colorBars = figure.Traces
            .Select(t => t switch
            {
                ScatterSpec { ColorBar: { } b, Scale: { } s } sc => (Bar: b, Scale: s, Reverse: sc.ReverseScale, Range: ColorRange(sc)),
                ContourSpec { ColorBar: { } b } c => (Bar: b, Scale: c.Scale, Reverse: c.ReverseScale, Range: ContourRange(c)),
                _ => default,
            })
            .Where(b => b.Bar is not null)
            .ToList();
        var barWidths = colorBars.Select(b => ColorBarExtent(b.Bar, b.Range)).ToList();
        float right = width - barWidths.Sum();
        float cellWidth = right / figure.Columns;
        float cellHeight = (height - top) / figure.Rows;
        foreach (var panel in figure.Panels)
        {
            if (panel.Blank)
            {
                continue;
            }

            int index = figure.Panels.IndexOf(panel);
            var plot = BuildPanel(figure, index, cellWidth, cellHeight);
            float x0 = panel.Column * cellWidth;
            float y0 = top + (panel.Row * cellHeight);
            // Each panel renders into its own clipped, translated region (a ScottPlot render clears its canvas).
            canvas.Save();
            canvas.Translate(x0, y0);
            canvas.ClipRect(SKRect.Create(0, 0, cellWidth, cellHeight));
            plot.Render(canvas, (int)Math.Floor(cellWidth), (int)Math.Floor(cellHeight));
            canvas.Restore();
        }

        DrawTitle(figure, canvas, width);

        float barX = right;
        for (int i = 0; i < colorBars.Count; i++)
        {
            var (bar, scale, reverse, range) = colorBars[i];
            DrawColorBar(canvas, bar, scale, reverse, range, barX, top + 20, height - 40);
            barX += barWidths[i];
        }
    }

    private static void DrawTitle(FigureSpec figure, SKCanvas canvas, int width)
    {
        using var font = new SKFont(SKTypeface.Default, TitleSize);
        using var paint = new SKPaint { Color = new SKColor(0x2a, 0x3f, 0x5f), IsAntialias = true };
        canvas.DrawText(figure.Title, 16, 30, SKTextAlign.Left, font, paint);
        if (figure.Subtitle is not null)
        {
            using var small = new SKFont(SKTypeface.Default, 12);
            paint.Color = new SKColor(0x55, 0x55, 0x55);
            canvas.DrawText(figure.Subtitle, 16, 50, SKTextAlign.Left, small, paint);
        }
    }

    private static void DrawColorBar(SKCanvas canvas, ColorBarSpec bar, ColorScale scale, bool reverse, (double Min, double Max) range, float x, float top, float bottom)
    {
        using var paint = new SKPaint { IsAntialias = true };
        using var font = new SKFont(SKTypeface.Default, 11);
        float barTop = top + 28;
        float barLeft = x + 10;
        float barWidth = 16;
        int steps = 128;
        float stepHeight = (bottom - barTop) / steps;
        for (int i = 0; i < steps; i++)
        {
            double t = 1.0 - ((i + 0.5) / steps);
            var c = scale.Sample(reverse ? 1 - t : t);
            paint.Color = new SKColor((byte)Math.Round(c.R), (byte)Math.Round(c.G), (byte)Math.Round(c.B));
            canvas.DrawRect(barLeft, barTop + (i * stepHeight), barWidth, stepHeight + 0.6f, paint);
        }

        paint.Color = new SKColor(0x44, 0x44, 0x44);
        if (bar.Title is not null)
        {
            canvas.DrawText(Shorten(bar.Title, 24), x + 4, top + 16, SKTextAlign.Left, font, paint);
        }

        IReadOnlyList<double> ticks;
        IReadOnlyList<string> labels;
        if (bar.TickValues is not null)
        {
            ticks = bar.TickValues;
            labels = bar.TickText ?? bar.TickValues.Select(Format).ToList();
        }
        else
        {
            ticks = NiceTicks(range.Min, range.Max, 6);
            labels = ticks.Select(Format).ToList();
        }

        for (int i = 0; i < ticks.Count; i++)
        {
            double f = range.Max > range.Min ? (ticks[i] - range.Min) / (range.Max - range.Min) : 0.5;
            if (f < -1e-9 || f > 1 + 1e-9)
            {
                continue;
            }

            float y = bottom - (float)(f * (bottom - barTop));
            canvas.DrawLine(barLeft + barWidth, y, barLeft + barWidth + 3, y, paint);
            canvas.DrawText(Shorten(labels[i], 24), barLeft + barWidth + 5, y + 4, SKTextAlign.Left, font, paint);
        }
    }

    /// <summary>The width a colour bar needs: its title or its bar plus the longest tick label.</summary>
    private static float ColorBarExtent(ColorBarSpec bar, (double Min, double Max) range)
    {
        using var font = new SKFont(SKTypeface.Default, 11);
        var labels = bar.TickText ?? (bar.TickValues ?? NiceTicks(range.Min, range.Max, 6)).Select(Format).ToList();
        float ticks = labels.Count == 0 ? 0 : labels.Max(l => font.MeasureText(Shorten(l, 24)));
        float title = bar.Title is null ? 0 : font.MeasureText(Shorten(bar.Title, 24));
        return Math.Max(Math.Max(ColorBarWidth, title + 16), 10 + 16 + 5 + ticks + 12);
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static (double, double) ColorRange(ScatterSpec s)
    {
        var finite = s.ColorValues?.Where(double.IsFinite).ToList() ?? [];
        double min = s.ColorMin ?? (finite.Count > 0 ? finite.Min() : 0);
        double max = s.ColorMax ?? (finite.Count > 0 ? finite.Max() : 1);
        return (min, max);
    }

    private static (double, double) ContourRange(ContourSpec c)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in c.Z)
        {
            if (double.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        return double.IsFinite(min) ? (min, max) : (0, 1);
    }

    private static Plot BuildPanel(FigureSpec figure, int index, float width, float height)
    {
        var panel = figure.Panels[index];
        var plot = new Plot();
        plot.FigureBackground.Color = Colors.Transparent;
        plot.DataBackground.Color = Colors.White;
        plot.Grid.MajorLineColor = new Color(0xe5, 0xe5, 0xe5);
        float fontScale = Math.Clamp(Math.Min(width / 700f, height / 450f), 0.6f, 1f);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 12 * fontScale;
        plot.Axes.Left.TickLabelStyle.FontSize = 12 * fontScale;
        plot.Axes.Bottom.Label.FontSize = 14 * fontScale;
        plot.Axes.Left.Label.FontSize = 14 * fontScale;
        if (panel.Z is not null)
        {
            new Projection3D(panel).Draw(plot, figure.Traces.Where(t => t.Panel == index).OfType<ScatterSpec>());
            return plot;
        }

        var xMap = new AxisMap(panel.X, figure.Traces.Where(t => t.Panel == index), isX: true);
        var yMap = new AxisMap(panel.Y, figure.Traces.Where(t => t.Panel == index), isX: false);
        foreach (var shape in figure.Shapes.Where(s => s.Panel == index))
        {
            var line = plot.Add.Line(xMap.Map(shape.X0), yMap.Map(shape.Y0), xMap.Map(shape.X1), yMap.Map(shape.Y1));
            line.LineColor = ToColor(shape.Color);
            line.LineWidth = (float)shape.Width;
        }

        ScottPlot.Plottables.Scatter? previousLine = null;
        IReadOnlyList<double>? previousYs = null;
        IReadOnlyList<double>? previousXs = null;
        bool anyLegend = false;
        foreach (var trace in figure.Traces.Where(t => t.Panel == index))
        {
            switch (trace)
            {
                case ContourSpec c:
                    AddContour(plot, c, xMap, yMap);
                    break;
                case BarSpec b:
                    anyLegend |= AddBars(plot, b, xMap, yMap);
                    break;
                case ScatterSpec s:
                    var xs = Coordinates(s.X, s.XText, xMap);
                    var ys = Coordinates(s.Y, s.YText, yMap);
                    if (s.FillToPrevious is not null && previousYs is not null && previousXs is not null && previousXs.Count == xs.Length)
                    {
                        var fill = plot.Add.FillY(xs, ys, previousYs.ToArray());
                        fill.FillColor = ToColor(s.FillToPrevious);
                        fill.LineWidth = 0;
                    }

                    if (s.Lines && xs.Length > 0)
                    {
                        previousLine = AddLines(plot, s, xs, ys);
                        if (s.ShowLegend && s.Name is not null && previousLine is not null)
                        {
                            previousLine.LegendText = s.Name;
                            anyLegend = true;
                        }
                    }

                    if (s.Markers && xs.Length > 0)
                    {
                        anyLegend |= AddMarkers(plot, s, xs, ys);
                    }

                    if (s.ErrorY is not null && xs.Length > 0)
                    {
                        var err = plot.Add.ErrorBar(xs, ys, s.ErrorY.ToArray());
                        err.Color = ToColor(s.Color ?? Palette.Cycle[0]).WithAlpha(0.7);
                    }

                    previousXs = xs;
                    previousYs = ys;
                    break;
            }
        }

        foreach (var a in figure.Annotations.Where(a => a.Panel == index))
        {
            var text = plot.Add.Text(a.Text, xMap.Map(a.X), yMap.Map(a.Y));
            text.LabelFontSize = (float)a.FontSize * fontScale;
            text.LabelFontColor = ToColor(a.Color);
            text.LabelAlignment = Alignment.MiddleRight;
            text.OffsetX = (float)a.XShift;
            text.LabelBackgroundColor = Colors.White.WithAlpha(0.75);
        }

        if (figure.Rows > 1)
        {
            // Same margins in every cell of a matrix, so that the inner panels (without tick labels) line up.
            plot.Layout.Fixed(new PixelPadding((66 * fontScale) + 14, 8, (34 * fontScale) + 8, 8));
        }

        xMap.Apply(plot, plot.Axes.Bottom, bottom: true);
        yMap.Apply(plot, plot.Axes.Left, bottom: false);
        if (!panel.X.ShowGrid)
        {
            plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        }

        if (!panel.Y.ShowGrid)
        {
            plot.Grid.YAxisStyle.MajorLineStyle.Width = 0;
        }

        bool showLegend = figure.ShowLegend ?? true;
        if (anyLegend && showLegend)
        {
            plot.Legend.IsVisible = true;
            // Bars grow from the left up to the right edge: their legend goes to the lower right, out of their way.
            plot.Legend.Alignment = figure.Traces.Any(t => t.Panel == index && t is BarSpec { DateBase: null }) ? Alignment.LowerRight : Alignment.UpperRight;
            plot.Legend.FontSize = 11 * fontScale;
        }
        else
        {
            plot.Legend.IsVisible = false;
        }

        return plot;
    }

    private static double[] Coordinates(IReadOnlyList<double>? numbers, IReadOnlyList<string>? texts, AxisMap map)
    {
        if (texts is not null)
        {
            return texts.Select(map.MapCategory).ToArray();
        }

        if (numbers is null)
        {
            return [];
        }

        var result = new double[numbers.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = map.Map(numbers[i]);
        }

        return result;
    }

    private static ScottPlot.Plottables.Scatter? AddLines(Plot plot, ScatterSpec s, double[] xs, double[] ys)
    {
        ScottPlot.Plottables.Scatter? first = null;
        var color = ToColor(s.Color ?? Palette.Cycle[0]).WithAlpha(s.Opacity);
        int start = 0;
        for (int i = 0; i <= xs.Length; i++)
        {
            if (i == xs.Length || !double.IsFinite(xs[i]) || !double.IsFinite(ys[i]))
            {
                if (i - start >= 1)
                {
                    var line = plot.Add.ScatterLine(xs[start..i], ys[start..i], color);
                    line.LineWidth = (float)Math.Max(1, s.LineWidth);
                    line.LinePattern = s.Dotted ? LinePattern.Dotted : LinePattern.Solid;
                    line.MarkerSize = 0;
                    first ??= line;
                }

                start = i + 1;
            }
        }

        return first;
    }

    private static bool AddMarkers(Plot plot, ScatterSpec s, double[] xs, double[] ys)
    {
        float size = (float)Math.Max(4, s.MarkerSize);
        var lineColor = s.MarkerLineColor is null ? (Color?)null : ToColor(s.MarkerLineColor);
        string[]? colors = s.PointColors?.ToArray();
        if (colors is null && s.ColorValues is not null && s.Scale is not null)
        {
            var (min, max) = ColorRange(s);
            colors = new string[s.ColorValues.Count];
            for (int i = 0; i < colors.Length; i++)
            {
                double t = max > min ? (s.ColorValues[i] - min) / (max - min) : 0.5;
                t = Math.Round(t * ColorLevels) / ColorLevels;
                colors[i] = s.Scale.Sample(s.ReverseScale ? 1 - t : t).ToCss();
            }
        }

        bool legend = false;
        if (colors is null)
        {
            var m = plot.Add.Markers(xs, ys, MarkerShape.FilledCircle, size, ToColor(s.Color ?? Palette.Cycle[0]));
            Outline(plot, m, lineColor, s.MarkerLineWidth);
            if (s.ShowLegend && s.Name is not null && !s.Lines)
            {
                m.LegendText = s.Name;
                legend = true;
            }

            return legend;
        }

        foreach (var group in Enumerable.Range(0, xs.Length).GroupBy(i => colors[i]))
        {
            var idx = group.ToArray();
            var m = plot.Add.Markers(idx.Select(i => xs[i]).ToArray(), idx.Select(i => ys[i]).ToArray(), MarkerShape.FilledCircle, size, ToColor(group.Key));
            Outline(plot, m, lineColor, s.MarkerLineWidth);
        }

        return false;
    }

    private static void Outline(Plot plot, ScottPlot.Plottables.Markers m, Color? color, double width)
    {
        if (color is { } c && width > 0)
        {
            // A filled circle has no outline in ScottPlot: an open circle of the outline colour goes on top.
            var ring = plot.Add.Markers(m.Data.GetScatterPoints().ToArray(), MarkerShape.OpenCircle, m.MarkerSize, c.WithAlpha(0.8));
            ring.MarkerLineWidth = (float)Math.Max(0.6, width);
        }
    }

    private static bool AddBars(Plot plot, BarSpec b, AxisMap xMap, AxisMap yMap)
    {
        var bars = new List<Bar>(b.Lengths.Count);
        for (int i = 0; i < b.Lengths.Count; i++)
        {
            double position = b.PositionText is not null ? yMap.MapCategory(b.PositionText[i]) : yMap.Map(b.Positions![i]);
            double size = 0.8 / b.GroupCount;
            position += (b.GroupIndex - ((b.GroupCount - 1) / 2.0)) * size;
            double start = b.DateBase is not null ? b.DateBase[i].ToOADate() : 0;
            double end = b.DateBase is not null ? start + (b.Lengths[i] / 86_400_000.0) : b.Lengths[i];
            bars.Add(new Bar
            {
                Position = position,
                ValueBase = start,
                Value = end,
                FillColor = ToColor(b.Color),
                LineWidth = 0,
                Size = size,
                Orientation = Orientation.Horizontal,
                Label = b.Labels?[i] ?? string.Empty,
            });
        }

        var plottable = plot.Add.Bars(bars);
        plottable.Horizontal = true;
        if (b.Labels is not null)
        {
            plottable.ValueLabelStyle.FontSize = 11;
        }

        if (b.ShowLegend && b.Name is not null)
        {
            plottable.LegendText = b.Name;
            return true;
        }

        return false;
    }

    private static void AddContour(Plot plot, ContourSpec c, AxisMap xMap, AxisMap yMap)
    {
        double[] xs = Coordinates(c.X, c.XText, xMap);
        double[] ys = Coordinates(c.Y, c.YText, yMap);
        if (xs.Length < 2 || ys.Length < 2)
        {
            return;
        }

        double[,] z = GridFill.FillGaps(c.Z);
        var (min, max) = ContourRange(c);
        const int Resolution = 160;
        double x0 = xs.Min(), x1 = xs.Max(), y0 = ys.Min(), y1 = ys.Max();
        var raster = new double[Resolution, Resolution];
        for (int r = 0; r < Resolution; r++)
        {
            double y = y1 - ((r + 0.5) * (y1 - y0) / Resolution);
            for (int k = 0; k < Resolution; k++)
            {
                double x = x0 + ((k + 0.5) * (x1 - x0) / Resolution);
                raster[r, k] = GridFill.Bilinear(xs, ys, z, x, y);
            }
        }

        var heatmap = plot.Add.Heatmap(raster);
        heatmap.Extent = new CoordinateRect(x0, x1, y0, y1);
        heatmap.Colormap = new ScaleColormap(c.Scale, c.ReverseScale);
        heatmap.ManualRange = new ScottPlot.Range(min, max);
        heatmap.Smooth = true;
    }

    internal static Color ToColor(string css)
    {
        var rgb = Rgb.Parse(css);
        return new Color((byte)Math.Round(rgb.R), (byte)Math.Round(rgb.G), (byte)Math.Round(rgb.B));
    }

    internal static string Format(double v) =>
        Math.Abs(v) >= 1e5 || (Math.Abs(v) < 1e-3 && v != 0) ? v.ToString("0.##e0", CultureInfo.InvariantCulture) : v.ToString("0.###", CultureInfo.InvariantCulture);

    internal static List<double> NiceTicks(double min, double max, int count)
    {
        if (!(max > min))
        {
            return [min];
        }

        double raw = (max - min) / count;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2.0, 2.5, 5.0, 10.0 }.Select(m => m * magnitude).First(s => s >= raw);
        var ticks = new List<double>();
        for (double t = Math.Ceiling(min / step) * step; t <= max + (step * 1e-9); t += step)
        {
            ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        }

        return ticks;
    }

    /// <summary>A ScottPlot colormap that samples a plotly colour scale.</summary>
    private sealed class ScaleColormap(ColorScale scale, bool reverse) : IColormap
    {
        public string Name => scale.Name;

        public Color GetColor(double position)
        {
            var c = scale.Sample(reverse ? 1 - position : position);
            return new Color((byte)Math.Round(c.R), (byte)Math.Round(c.G), (byte)Math.Round(c.B));
        }
    }
}
