using System.Text;
using Sharptune.Visualization.Rendering;

namespace Sharptune.Visualization;

/// <summary>
/// A plot of a study, ready to be written as an interactive offline HTML page (plotly.js embedded), as plotly
/// figure JSON (for a page that already loads plotly.js), or as a PNG or SVG image.
/// </summary>
/// <remarks>Instances are immutable and may be rendered from several threads.</remarks>
public sealed class Figure
{
    /// <summary>The default image width in pixels.</summary>
    public const int DefaultWidth = 900;

    /// <summary>The default image height in pixels.</summary>
    public const int DefaultHeight = 600;

    internal Figure(FigureSpec spec)
    {
        Spec = spec;
    }

    internal FigureSpec Spec { get; }

    /// <summary>Gets the plot title (Optuna's title for the plot, e.g. "Optimization History Plot").</summary>
    public string Title => Spec.Title;

    /// <summary>
    /// Gets the note under the title when the plot shows a sample of the trials (large studies), or
    /// <see langword="null"/> when every trial is drawn.
    /// </summary>
    public string? Note => Spec.Subtitle;

    /// <summary>Gets the number of traces (plotly data entries) of the figure.</summary>
    public int TraceCount => Spec.Traces.Count;

    /// <summary>Returns the figure as plotly figure JSON: <c>{"data": [...], "layout": {...}}</c>, for <c>Plotly.newPlot</c>.</summary>
    /// <returns>The JSON text (UTF-8 when written to a stream).</returns>
    public string ToPlotlyJson() => PlotlyJson.Write(Spec);

    /// <summary>Writes the plotly figure JSON to a stream (UTF-8).</summary>
    /// <param name="stream">The destination; left open.</param>
    public void WritePlotlyJson(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        PlotlyJson.Write(Spec, stream);
    }

    /// <summary>Returns a complete HTML page that draws the figure with the embedded plotly.js, with no network access.</summary>
    /// <returns>The HTML text.</returns>
    public string ToHtml() => HtmlPage.ToString(Spec);

    /// <summary>Writes the figure as a self-contained HTML page (works offline: plotly.js is inlined).</summary>
    /// <param name="path">The file to create or overwrite.</param>
    public void SaveHtml(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), bufferSize: 1 << 16);
        HtmlPage.Write(Spec, writer);
    }

    /// <summary>Renders the figure as a PNG image.</summary>
    /// <param name="path">The file to create or overwrite.</param>
    /// <param name="width">The width in pixels; by default 900, or wider for a figure of many panels.</param>
    /// <param name="height">The height in pixels; by default 600, or taller for a figure of many panels.</param>
    public void SavePng(string path, int? width = null, int? height = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllBytes(path, ToPng(width, height));
    }

    /// <summary>Renders the figure as PNG bytes.</summary>
    /// <param name="width">The width in pixels; by default 900, or wider for a figure of many panels.</param>
    /// <param name="height">The height in pixels; by default 600, or taller for a figure of many panels.</param>
    /// <returns>The encoded PNG image.</returns>
    public byte[] ToPng(int? width = null, int? height = null)
    {
        var (w, h) = Size(width, height);
        return ImageRenderer.RenderPng(Spec, w, h);
    }

    /// <summary>Renders the figure as an SVG image.</summary>
    /// <param name="path">The file to create or overwrite.</param>
    /// <param name="width">The width in pixels; by default 900, or wider for a figure of many panels.</param>
    /// <param name="height">The height in pixels; by default 600, or taller for a figure of many panels.</param>
    public void SaveSvg(string path, int? width = null, int? height = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllText(path, ToSvg(width, height), new UTF8Encoding(false));
    }

    /// <summary>Renders the figure as SVG text.</summary>
    /// <param name="width">The width in pixels; by default 900, or wider for a figure of many panels.</param>
    /// <param name="height">The height in pixels; by default 600, or taller for a figure of many panels.</param>
    /// <returns>The SVG document.</returns>
    public string ToSvg(int? width = null, int? height = null)
    {
        var (w, h) = Size(width, height);
        return ImageRenderer.RenderSvg(Spec, w, h);
    }

    private (int Width, int Height) Size(int? width, int? height)
    {
        if (width is <= 0 || height is <= 0)
        {
            throw new ArgumentOutOfRangeException(width is <= 0 ? nameof(width) : nameof(height), "The image size must be positive.");
        }

        int w = width ?? Spec.Width ?? Math.Max(DefaultWidth, Spec.Columns * 260);
        int h = height ?? Spec.Height ?? Math.Max(DefaultHeight, (Spec.Rows * 240) + 80);
        return (w, h);
    }
}
