namespace Sharptune.Visualization.Rendering;

/// <summary>How an axis maps data to positions.</summary>
internal enum AxisKind
{
    Linear,
    Log,
    Category,
    Date,
}

/// <summary>One axis of a panel: a subset of plotly's axis attributes that both renderers understand.</summary>
internal sealed class AxisSpec
{
    public string? Title { get; set; }

    public AxisKind Kind { get; set; } = AxisKind.Linear;

    /// <summary>The visible range in data units (for a log axis: the values, not their logarithms).</summary>
    public (double Low, double High)? Range { get; set; }

    /// <summary>The categories in display order (category axes).</summary>
    public IReadOnlyList<string>? Categories { get; set; }

    public IReadOnlyList<double>? TickValues { get; set; }

    public IReadOnlyList<string>? TickText { get; set; }

    public bool Visible { get; set; } = true;

    public bool ShowGrid { get; set; } = true;

    public bool ZeroLine { get; set; } = true;

    public bool FixedRange { get; set; }

    /// <summary>Whether tick labels are drawn (inner panels of a pairs matrix share those of the outer ones).</summary>
    public bool ShowTickLabels { get; set; } = true;
}

/// <summary>A cell of the figure's grid (row and column from 0), with its axes.</summary>
internal sealed class PanelSpec
{
    public int Row { get; init; }

    public int Column { get; init; }

    public AxisSpec X { get; } = new();

    public AxisSpec Y { get; } = new();

    /// <summary>Set for a 3-D scene (x, y and z).</summary>
    public AxisSpec? Z { get; set; }

    /// <summary>Whether the panel stays empty (the diagonal of a pairs matrix).</summary>
    public bool Blank { get; set; }
}

/// <summary>A colour scale as plotly writes it: stops from 0 to 1 with CSS colours.</summary>
internal sealed record ColorScale(string Name, IReadOnlyList<(double Stop, Rgb Color)> Stops)
{
    public Rgb Sample(double t)
    {
        if (double.IsNaN(t))
        {
            t = 0.5;
        }

        t = Math.Clamp(t, 0.0, 1.0);
        for (int i = 1; i < Stops.Count; i++)
        {
            if (t <= Stops[i].Stop)
            {
                var (s0, c0) = Stops[i - 1];
                var (s1, c1) = Stops[i];
                double f = s1 > s0 ? (t - s0) / (s1 - s0) : 0.0;
                return Rgb.Lerp(c0, c1, f);
            }
        }

        return Stops[^1].Color;
    }
}

/// <summary>An RGB colour with components 0–255 (fractions allowed, as plotly's interpolation gives).</summary>
internal readonly record struct Rgb(double R, double G, double B)
{
    public static Rgb Lerp(Rgb a, Rgb b, double f) => new(a.R + ((b.R - a.R) * f), a.G + ((b.G - a.G) * f), a.B + ((b.B - a.B) * f));

    public string ToCss() => FormattableString.Invariant($"rgb({Math.Round(R)},{Math.Round(G)},{Math.Round(B)})");

    public static Rgb Parse(string css)
    {
        if (css.StartsWith('#'))
        {
            string h = css[1..];
            if (h.Length == 3)
            {
                h = string.Concat(h.Select(c => new string(c, 2)));
            }

            return new(Convert.ToInt32(h[..2], 16), Convert.ToInt32(h[2..4], 16), Convert.ToInt32(h[4..6], 16));
        }

        int open = css.IndexOf('(');
        if (open < 0)
        {
            return NamedColors.TryGetValue(css, out var named) ? named : new Rgb(0, 0, 0);
        }

        double[] parts = css[(open + 1)..css.IndexOf(')')].Split(',').Select(p => double.Parse(p.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new(parts[0], parts[1], parts[2]);
    }

    private static readonly Dictionary<string, Rgb> NamedColors = new(StringComparer.OrdinalIgnoreCase)
    {
        ["black"] = new(0, 0, 0),
        ["white"] = new(255, 255, 255),
        ["grey"] = new(128, 128, 128),
        ["gray"] = new(128, 128, 128),
        ["blue"] = new(0, 0, 255),
        ["red"] = new(255, 0, 0),
        ["orange"] = new(255, 165, 0),
        ["green"] = new(0, 128, 0),
    };
}

/// <summary>A colour bar next to the plot.</summary>
internal sealed class ColorBarSpec
{
    public string? Title { get; set; }

    public IReadOnlyList<double>? TickValues { get; set; }

    public IReadOnlyList<string>? TickText { get; set; }

    /// <summary>Horizontal position in paper units (plotly's colorbar.x), when several bars stand side by side.</summary>
    public double? X { get; set; }
}

/// <summary>A trace: one plotly data entry.</summary>
internal abstract class TraceSpec
{
    public int Panel { get; set; }

    public string? Name { get; set; }

    public bool ShowLegend { get; set; } = true;

    public string? HoverTemplate { get; set; }

    /// <summary>One hover template per point (instead of <see cref="HoverTemplate"/>).</summary>
    public IReadOnlyList<string>? HoverTemplates { get; set; }

    public IReadOnlyList<string>? HoverText { get; set; }

    /// <summary>Whether hover is turned off (plotly hoverinfo "skip").</summary>
    public bool NoHover { get; set; }
}

/// <summary>Markers, lines or both; 2-D or 3-D.</summary>
internal sealed class ScatterSpec : TraceSpec
{
    public bool Markers { get; set; } = true;

    public bool Lines { get; set; }

    public IReadOnlyList<double>? X { get; set; }

    /// <summary>Category labels on x (instead of <see cref="X"/>).</summary>
    public IReadOnlyList<string>? XText { get; set; }

    public IReadOnlyList<double>? Y { get; set; }

    public IReadOnlyList<string>? YText { get; set; }

    public IReadOnlyList<double>? Z { get; set; }

    /// <summary>The line or marker colour (CSS).</summary>
    public string? Color { get; set; }

    /// <summary>A colour per point (CSS), overriding <see cref="Color"/>.</summary>
    public IReadOnlyList<string>? PointColors { get; set; }

    /// <summary>Values mapped through <see cref="Scale"/> (plotly marker.color numbers).</summary>
    public IReadOnlyList<double>? ColorValues { get; set; }

    public ColorScale? Scale { get; set; }

    public bool ReverseScale { get; set; }

    public double? ColorMin { get; set; }

    public double? ColorMax { get; set; }

    public ColorBarSpec? ColorBar { get; set; }

    public double MarkerSize { get; set; } = 6;

    public string? MarkerLineColor { get; set; }

    public double MarkerLineWidth { get; set; }

    public double LineWidth { get; set; } = 2;

    public bool Dotted { get; set; }

    public double Opacity { get; set; } = 1;

    public IReadOnlyList<double>? ErrorY { get; set; }

    /// <summary>Fill down to the previous trace (plotly fill "tonexty"), with this colour.</summary>
    public string? FillToPrevious { get; set; }

    /// <summary>Lines are drawn as separate polylines split at NaN values (plotly connectgaps false).</summary>
    public bool GapsSplitLines { get; set; }
}

/// <summary>Horizontal bars.</summary>
internal sealed class BarSpec : TraceSpec
{
    /// <summary>The bar lengths (milliseconds on a date axis).</summary>
    public required IReadOnlyList<double> Lengths { get; init; }

    /// <summary>The bar positions on y as numbers.</summary>
    public IReadOnlyList<double>? Positions { get; init; }

    /// <summary>The bar positions on y as category labels.</summary>
    public IReadOnlyList<string>? PositionText { get; init; }

    /// <summary>Where each bar starts on a date axis.</summary>
    public IReadOnlyList<DateTime>? DateBase { get; init; }

    public required string Color { get; init; }

    /// <summary>Labels drawn outside the bar ends.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>The bar's place among the bar traces of its panel drawn side by side (plotly's grouped bars).</summary>
    public int GroupIndex { get; init; }

    /// <summary>The number of bar traces drawn side by side.</summary>
    public int GroupCount { get; init; } = 1;
}

/// <summary>A filled contour on a rectilinear grid (rows follow y).</summary>
internal sealed class ContourSpec : TraceSpec
{
    public IReadOnlyList<double>? X { get; init; }

    public IReadOnlyList<string>? XText { get; init; }

    public IReadOnlyList<double>? Y { get; init; }

    public IReadOnlyList<string>? YText { get; init; }

    /// <summary>z[row (y index), column (x index)], NaN where unknown.</summary>
    public required double[,] Z { get; init; }

    public required ColorScale Scale { get; init; }

    public bool ReverseScale { get; init; }

    public ColorBarSpec? ColorBar { get; set; }
}

/// <summary>Text placed at data coordinates of a panel.</summary>
internal sealed record AnnotationSpec(int Panel, double X, double Y, string Text, double XShift, double FontSize, string Color);

/// <summary>A line segment in data coordinates, under the traces.</summary>
internal sealed record LineShapeSpec(int Panel, double X0, double Y0, double X1, double Y1, string Color, double Width);

/// <summary>The whole figure: grid of panels, traces, decorations.</summary>
internal sealed class FigureSpec
{
    public required string Title { get; set; }

    /// <summary>A second line under the title (decimation notes).</summary>
    public string? Subtitle { get; set; }

    public int Rows { get; init; } = 1;

    public int Columns { get; init; } = 1;

    public List<PanelSpec> Panels { get; } = [];

    public List<TraceSpec> Traces { get; } = [];

    public List<AnnotationSpec> Annotations { get; } = [];

    public List<LineShapeSpec> Shapes { get; } = [];

    public bool? ShowLegend { get; set; }

    public bool LegendHorizontalTop { get; set; }

    public bool WhiteBackground { get; set; }

    public int? Width { get; set; }

    public int? Height { get; set; }

    public static FigureSpec Single(string title)
    {
        var f = new FigureSpec { Title = title };
        f.Panels.Add(new PanelSpec());
        return f;
    }

    public static FigureSpec Grid(string title, int rows, int columns)
    {
        var f = new FigureSpec { Title = title, Rows = rows, Columns = columns };
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                var panel = new PanelSpec { Row = r, Column = c };
                if (rows > 1)
                {
                    // A pairs matrix: one column per x parameter, one row per y parameter, labels on the outside.
                    panel.X.ShowTickLabels = r == rows - 1;
                    panel.Y.ShowTickLabels = c == 0;
                }

                f.Panels.Add(panel);
            }
        }

        return f;
    }

    public PanelSpec Panel(int row, int column) => Panels[(row * Columns) + column];
}
