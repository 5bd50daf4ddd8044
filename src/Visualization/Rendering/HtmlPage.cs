using System.Net;
using System.Text;

namespace Sharptune.Visualization.Rendering;

/// <summary>A self-contained HTML page: plotly.js inlined from the embedded resource, the figure JSON inlined.</summary>
internal static class HtmlPage
{
    private static readonly Lazy<string> PlotlyScript = new(LoadPlotly);

    /// <summary>The plotly.js bundle embedded in this assembly.</summary>
    public static string PlotlyJs => PlotlyScript.Value;

    public static void Write(FigureSpec figure, TextWriter writer)
    {
        string json = PlotlyJson.Write(figure);
        int width = figure.Width ?? Math.Max(900, (figure.Columns * 220) + 200);
        int height = figure.Height ?? Math.Max(600, (figure.Rows * 220) + 160);
        writer.Write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
        writer.Write(WebUtility.HtmlEncode(figure.Title));
        writer.Write("</title>\n<style>html,body{margin:0;padding:0;background:#fff;font-family:sans-serif}#plot{width:100%;min-width:");
        writer.Write(width);
        writer.Write("px;height:");
        writer.Write(height);
        writer.Write("px}</style>\n<script>");
        // "</script" cannot occur inside a script element; the bundle escapes it already, the check keeps it so.
        writer.Write(PlotlyJs.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase));
        writer.Write("</script>\n</head>\n<body>\n<div id=\"plot\"></div>\n<script id=\"figure-json\" type=\"application/json\">");
        writer.Write(json.Replace("</", "<\\/", StringComparison.Ordinal));
        writer.Write("</script>\n<script>\n(function () {\n  var figure = JSON.parse(document.getElementById('figure-json').textContent);\n");
        writer.Write("  Plotly.newPlot('plot', figure.data, figure.layout, {responsive: true, displaylogo: false});\n})();\n</script>\n</body>\n</html>\n");
    }

    public static string ToString(FigureSpec figure)
    {
        var sb = new StringBuilder(PlotlyJs.Length + 1_000_000);
        using var writer = new StringWriter(sb);
        Write(figure, writer);
        return sb.ToString();
    }

    private static string LoadPlotly()
    {
        using var stream = typeof(HtmlPage).Assembly.GetManifestResourceStream("Sharptune.Visualization.plotly.min.js")
            ?? throw new InvalidOperationException("The plotly.js bundle is missing from Sharptune.Visualization (the build embeds it from npm's plotly.js-dist-min).");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
