using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sharptune.Visualization.Rendering;

/// <summary>Writes a <see cref="FigureSpec"/> as plotly figure JSON (<c>{"data": [...], "layout": {...}}</c>).</summary>
internal static class PlotlyJson
{

    public static string Write(FigureSpec figure)
    {
        using var stream = new MemoryStream();
        Write(figure, stream);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    public static void Write(FigureSpec figure, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { SkipValidation = true });
        w.WriteStartObject();
        w.WriteStartArray("data");
        foreach (var trace in figure.Traces)
        {
            WriteTrace(w, figure, trace);
        }

        w.WriteEndArray();
        WriteLayout(w, figure);
        w.WriteEndObject();
        w.Flush();
    }

    private static string AxisSuffix(int panel) => panel == 0 ? string.Empty : (panel + 1).ToString(CultureInfo.InvariantCulture);

    private static void WriteTrace(Utf8JsonWriter w, FigureSpec figure, TraceSpec trace)
    {
        w.WriteStartObject();
        string suffix = AxisSuffix(trace.Panel);
        switch (trace)
        {
            case ScatterSpec s:
                w.WriteString("type", s.Z is null ? "scatter" : "scatter3d");
                w.WriteString("mode", s.Markers && s.Lines ? "lines+markers" : s.Lines ? "lines" : s.Markers ? "markers" : "none");
                WriteValues(w, "x", s.X, s.XText);
                WriteValues(w, "y", s.Y, s.YText);
                if (s.Z is not null)
                {
                    WriteNumbers(w, "z", s.Z);
                    w.WriteString("scene", trace.Panel == 0 ? "scene" : "scene" + suffix);
                }

                if (s.Lines)
                {
                    w.WriteStartObject("line");
                    if (s.Color is not null)
                    {
                        w.WriteString("color", s.Color);
                    }

                    w.WriteNumber("width", s.LineWidth);
                    if (s.Dotted)
                    {
                        w.WriteString("dash", "dot");
                    }

                    w.WriteEndObject();
                    w.WriteBoolean("connectgaps", !s.GapsSplitLines);
                }

                if (s.Markers)
                {
                    WriteMarker(w, s);
                }

                if (s.Opacity < 1)
                {
                    w.WriteNumber("opacity", s.Opacity);
                }

                if (s.ErrorY is not null)
                {
                    w.WriteStartObject("error_y");
                    w.WriteString("type", "data");
                    WriteNumbers(w, "array", s.ErrorY);
                    w.WriteBoolean("visible", true);
                    w.WriteEndObject();
                }

                if (s.FillToPrevious is not null)
                {
                    w.WriteString("fill", "tonexty");
                    w.WriteString("fillcolor", s.FillToPrevious);
                }

                break;
            case BarSpec b:
                w.WriteString("type", "bar");
                w.WriteString("orientation", "h");
                WriteNumbers(w, "x", b.Lengths);
                WriteValues(w, "y", b.Positions, b.PositionText);
                if (b.DateBase is not null)
                {
                    w.WriteStartArray("base");
                    foreach (var d in b.DateBase)
                    {
                        w.WriteStringValue(d.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture));
                    }

                    w.WriteEndArray();
                }

                w.WriteStartObject("marker");
                w.WriteString("color", b.Color);
                w.WriteEndObject();
                if (b.Labels is not null)
                {
                    WriteStrings(w, "text", b.Labels);
                    w.WriteString("textposition", "outside");
                    w.WriteBoolean("cliponaxis", false);
                }

                break;
            case ContourSpec c:
                w.WriteString("type", "contour");
                WriteValues(w, "x", c.X, c.XText);
                WriteValues(w, "y", c.Y, c.YText);
                w.WriteStartArray("z");
                for (int r = 0; r < c.Z.GetLength(0); r++)
                {
                    w.WriteStartArray();
                    for (int k = 0; k < c.Z.GetLength(1); k++)
                    {
                        WriteNumber(w, c.Z[r, k]);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndArray();
                WriteScale(w, c.Scale);
                w.WriteBoolean("reversescale", c.ReverseScale);
                w.WriteBoolean("connectgaps", true);
                w.WriteStartObject("contours");
                w.WriteString("coloring", "heatmap");
                w.WriteEndObject();
                w.WriteStartObject("line");
                w.WriteNumber("smoothing", 1.3);
                w.WriteEndObject();
                w.WriteString("hoverinfo", "none");
                w.WriteBoolean("showscale", c.ColorBar is not null);
                if (c.ColorBar is not null)
                {
                    WriteColorBar(w, c.ColorBar);
                }

                break;
        }

        if (trace.Z() is null && trace.Panel > 0)
        {
            w.WriteString("xaxis", "x" + suffix);
            w.WriteString("yaxis", "y" + suffix);
        }

        if (trace.Name is not null)
        {
            w.WriteString("name", trace.Name);
        }

        w.WriteBoolean("showlegend", trace.ShowLegend);
        if (trace.NoHover)
        {
            w.WriteString("hoverinfo", "skip");
        }
        else
        {
            if (trace.HoverText is not null)
            {
                WriteStrings(w, "text", trace.HoverText);
            }

            if (trace.HoverTemplates is not null)
            {
                WriteStrings(w, "hovertemplate", trace.HoverTemplates);
            }
            else if (trace.HoverTemplate is not null)
            {
                w.WriteString("hovertemplate", trace.HoverTemplate);
            }
        }

        w.WriteEndObject();
    }

    private static IReadOnlyList<double>? Z(this TraceSpec t) => (t as ScatterSpec)?.Z;

    private static void WriteMarker(Utf8JsonWriter w, ScatterSpec s)
    {
        w.WriteStartObject("marker");
        if (s.PointColors is not null)
        {
            WriteStrings(w, "color", s.PointColors);
        }
        else if (s.ColorValues is not null)
        {
            WriteNumbers(w, "color", s.ColorValues);
        }
        else if (s.Color is not null)
        {
            w.WriteString("color", s.Color);
        }

        if (s.Scale is not null)
        {
            WriteScale(w, s.Scale);
            w.WriteBoolean("reversescale", s.ReverseScale);
            if (s.ColorMin is { } cmin)
            {
                w.WriteNumber("cmin", cmin);
            }

            if (s.ColorMax is { } cmax)
            {
                w.WriteNumber("cmax", cmax);
            }

            w.WriteBoolean("showscale", s.ColorBar is not null);
            if (s.ColorBar is not null)
            {
                WriteColorBar(w, s.ColorBar);
            }
        }

        if (s.Z is null || s.MarkerSize != 6)
        {
            w.WriteNumber("size", s.Z is null ? s.MarkerSize : Math.Max(3, s.MarkerSize - 2));
        }

        if (s.MarkerLineColor is not null)
        {
            w.WriteStartObject("line");
            w.WriteString("color", s.MarkerLineColor);
            w.WriteNumber("width", s.MarkerLineWidth);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteColorBar(Utf8JsonWriter w, ColorBarSpec bar)
    {
        w.WriteStartObject("colorbar");
        if (bar.Title is not null)
        {
            w.WriteStartObject("title");
            w.WriteString("text", bar.Title);
            w.WriteEndObject();
        }

        if (bar.TickValues is not null)
        {
            WriteNumbers(w, "tickvals", bar.TickValues);
            if (bar.TickText is not null)
            {
                WriteStrings(w, "ticktext", bar.TickText);
            }
        }

        if (bar.X is { } x)
        {
            w.WriteNumber("x", x);
            w.WriteNumber("xpad", 40);
        }

        w.WriteEndObject();
    }

    private static void WriteScale(Utf8JsonWriter w, ColorScale scale)
    {
        w.WriteStartArray("colorscale");
        foreach (var (stop, color) in scale.Stops)
        {
            w.WriteStartArray();
            w.WriteNumberValue(stop);
            w.WriteStringValue(color.ToCss());
            w.WriteEndArray();
        }

        w.WriteEndArray();
    }

    private static void WriteLayout(Utf8JsonWriter w, FigureSpec figure)
    {
        w.WriteStartObject("layout");
        w.WriteStartObject("title");
        w.WriteString("text", figure.Subtitle is null ? figure.Title : $"{figure.Title}<br><sup>{figure.Subtitle}</sup>");
        w.WriteEndObject();
        w.WriteString("template", "none");
        if (figure.ShowLegend is { } showLegend)
        {
            w.WriteBoolean("showlegend", showLegend);
        }

        if (figure.LegendHorizontalTop)
        {
            w.WriteStartObject("legend");
            w.WriteString("orientation", "h");
            w.WriteNumber("x", 1);
            w.WriteString("xanchor", "right");
            w.WriteNumber("y", 1);
            w.WriteString("yanchor", "bottom");
            w.WriteEndObject();
        }

        w.WriteString("hovermode", "closest");
        if (figure.WhiteBackground)
        {
            w.WriteString("plot_bgcolor", "white");
        }

        if (figure.Width is { } width)
        {
            w.WriteNumber("width", width);
        }

        if (figure.Height is { } height)
        {
            w.WriteNumber("height", height);
        }

        for (int i = 0; i < figure.Panels.Count; i++)
        {
            var panel = figure.Panels[i];
            string suffix = AxisSuffix(i);
            var (xDomain, yDomain) = Domain(figure, panel);
            if (panel.Z is not null)
            {
                w.WriteStartObject("scene" + suffix);
                WriteAxis(w, "xaxis", panel.X, null, null, null);
                WriteAxis(w, "yaxis", panel.Y, null, null, null);
                WriteAxis(w, "zaxis", panel.Z, null, null, null);
                w.WriteEndObject();
                continue;
            }

            WriteAxis(w, "xaxis" + suffix, panel.X, xDomain, i == 0 ? null : "y" + suffix, panel.Blank);
            WriteAxis(w, "yaxis" + suffix, panel.Y, yDomain, i == 0 ? null : "x" + suffix, panel.Blank);
        }

        if (figure.Annotations.Count > 0)
        {
            w.WriteStartArray("annotations");
            foreach (var a in figure.Annotations)
            {
                string suffix = AxisSuffix(a.Panel);
                w.WriteStartObject();
                w.WriteNumber("x", a.X);
                w.WriteNumber("y", a.Y);
                w.WriteString("xref", "x" + suffix);
                w.WriteString("yref", "y" + suffix);
                w.WriteString("text", a.Text);
                w.WriteBoolean("showarrow", false);
                w.WriteString("xanchor", "right");
                w.WriteNumber("xshift", a.XShift);
                w.WriteStartObject("font");
                w.WriteNumber("size", a.FontSize);
                w.WriteString("color", a.Color);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (figure.Shapes.Count > 0)
        {
            w.WriteStartArray("shapes");
            foreach (var s in figure.Shapes)
            {
                string suffix = AxisSuffix(s.Panel);
                w.WriteStartObject();
                w.WriteString("type", "line");
                w.WriteString("xref", "x" + suffix);
                w.WriteString("yref", "y" + suffix);
                w.WriteNumber("x0", s.X0);
                w.WriteNumber("x1", s.X1);
                w.WriteNumber("y0", s.Y0);
                w.WriteNumber("y1", s.Y1);
                w.WriteStartObject("line");
                w.WriteString("color", s.Color);
                w.WriteNumber("width", s.Width);
                w.WriteEndObject();
                w.WriteString("layer", "below");
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static ((double, double) X, (double, double) Y) Domain(FigureSpec figure, PanelSpec panel)
    {
        // plotly's make_subplots spacing (0.2 / columns, 0.3 / rows), tighter when inner tick labels are hidden.
        double gapX = figure.Columns > 1 ? (figure.Rows > 1 ? 0.1 : 0.2) / figure.Columns : 0;
        double gapY = figure.Rows > 1 ? 0.12 / figure.Rows : 0;
        double w = (1.0 - (gapX * (figure.Columns - 1))) / figure.Columns;
        double h = (1.0 - (gapY * (figure.Rows - 1))) / figure.Rows;
        double x0 = panel.Column * (w + gapX);
        double yTop = 1.0 - (panel.Row * (h + gapY));
        return ((x0, Math.Min(1, x0 + w)), (Math.Max(0, yTop - h), yTop));
    }

    private static void WriteAxis(Utf8JsonWriter w, string name, AxisSpec axis, (double, double)? domain, string? anchor, bool? blank)
    {
        w.WriteStartObject(name);
        if (axis.Title is not null)
        {
            w.WriteStartObject("title");
            w.WriteString("text", axis.Title);
            w.WriteEndObject();
        }

        switch (axis.Kind)
        {
            case AxisKind.Log:
                w.WriteString("type", "log");
                break;
            case AxisKind.Category:
                w.WriteString("type", "category");
                if (axis.Categories is not null)
                {
                    w.WriteString("categoryorder", "array");
                    WriteStrings(w, "categoryarray", axis.Categories);
                }

                break;
            case AxisKind.Date:
                w.WriteString("type", "date");
                break;
            default:
                w.WriteString("type", "linear");
                break;
        }

        if (axis.Range is { } range)
        {
            w.WriteStartArray("range");
            if (axis.Kind == AxisKind.Log)
            {
                WriteNumber(w, Math.Log10(range.Low));
                WriteNumber(w, Math.Log10(range.High));
            }
            else
            {
                WriteNumber(w, range.Low);
                WriteNumber(w, range.High);
            }

            w.WriteEndArray();
        }

        if (axis.TickValues is not null)
        {
            w.WriteString("tickmode", "array");
            WriteNumbers(w, "tickvals", axis.TickValues);
            if (axis.TickText is not null)
            {
                WriteStrings(w, "ticktext", axis.TickText);
            }
        }

        if (!axis.Visible || blank == true)
        {
            w.WriteBoolean("visible", false);
        }

        w.WriteBoolean("showgrid", axis.ShowGrid);
        if (!axis.ShowTickLabels)
        {
            w.WriteBoolean("showticklabels", false);
        }

        w.WriteString("zerolinecolor", "#bbbbbb");
        w.WriteBoolean("zeroline", axis.ZeroLine && axis.ShowGrid);
        if (axis.FixedRange)
        {
            w.WriteBoolean("fixedrange", true);
        }

        if (axis.ShowGrid)
        {
            w.WriteString("gridcolor", "#e5e5e5");
        }

        w.WriteBoolean("automargin", true);
        if (domain is { } d)
        {
            w.WriteStartArray("domain");
            w.WriteNumberValue(Math.Round(d.Item1, 6));
            w.WriteNumberValue(Math.Round(d.Item2, 6));
            w.WriteEndArray();
        }

        if (anchor is not null)
        {
            w.WriteString("anchor", anchor);
        }

        w.WriteEndObject();
    }

    private static void WriteValues(Utf8JsonWriter w, string name, IReadOnlyList<double>? numbers, IReadOnlyList<string>? texts)
    {
        if (texts is not null)
        {
            WriteStrings(w, name, texts);
        }
        else if (numbers is not null)
        {
            WriteNumbers(w, name, numbers);
        }
    }

    private static void WriteNumbers(Utf8JsonWriter w, string name, IReadOnlyList<double> values)
    {
        w.WriteStartArray(name);
        foreach (double v in values)
        {
            WriteNumber(w, v);
        }

        w.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    /// <summary>Writes a number with the shortest round-trip form; NaN and infinities become null (plotly's gap).</summary>
    private static void WriteNumber(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumberValue(value);
        }
        else
        {
            w.WriteNullValue();
        }
    }
}
