using System.Text.Json;
using System.Xml.Linq;
using SkiaSharp;

namespace Sharptune.Visualization.Tests;

/// <summary>PNG and SVG files open, have the asked size and are not blank; the HTML embeds plotly.js and the figure.</summary>
public sealed class RenderTests
{
    [Theory]
    [MemberData(nameof(PlotCatalog.All), MemberType = typeof(PlotCatalog))]
    public void PngHasTheSizeAndVisibleContent(string name)
    {
        byte[] png = PlotCatalog.Make(name).ToPng(640, 480);
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal(640, bitmap.Width);
        Assert.Equal(480, bitmap.Height);
        // Count the pixels that are neither white nor near-white, over the whole image and inside the plot area.
        int inked = 0, colored = 0;
        for (int y = 0; y < bitmap.Height; y += 2)
        {
            for (int x = 0; x < bitmap.Width; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red < 235 || c.Green < 235 || c.Blue < 235)
                {
                    inked++;
                }

                if (Math.Max(c.Red, Math.Max(c.Green, c.Blue)) - Math.Min(c.Red, Math.Min(c.Green, c.Blue)) > 40)
                {
                    colored++;
                }
            }
        }

        Assert.True(inked > 1500, $"{name}: only {inked} inked pixels");
        Assert.True(colored > 100, $"{name}: only {colored} coloured pixels (no data drawn?)");
    }

    [Theory]
    [InlineData("history")]
    [InlineData("contour")]
    [InlineData("parallel")]
    [InlineData("pareto-3d")]
    public void SvgIsWellFormedWithTheSize(string name)
    {
        string svg = PlotCatalog.Make(name).ToSvg(800, 500);
        var doc = XDocument.Parse(svg);
        Assert.Equal("svg", doc.Root!.Name.LocalName);
        Assert.Equal("800", doc.Root.Attribute("width")?.Value);
        Assert.Equal("500", doc.Root.Attribute("height")?.Value);
        Assert.True(doc.Descendants().Count() > 100, "the SVG holds almost nothing");
        Assert.Contains(doc.Descendants(), e => e.Name.LocalName == "text");
    }

    [Fact]
    public void FilesAreWritten()
    {
        var figure = PlotCatalog.Make("history");
        string folder = Directory.CreateTempSubdirectory("sharptune-files-").FullName;
        figure.SaveHtml(Path.Combine(folder, "a.html"));
        figure.SavePng(Path.Combine(folder, "a.png"));
        figure.SaveSvg(Path.Combine(folder, "a.svg"));
        Assert.Equal(figure.ToHtml(), File.ReadAllText(Path.Combine(folder, "a.html")));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(folder, "a.png"))[..4]);
        Assert.StartsWith("<?xml", File.ReadAllText(Path.Combine(folder, "a.svg")), StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void HtmlEmbedsPlotlyAndTheFigureAndLoadsNothing()
    {
        var figure = PlotCatalog.Make("slice");
        string html = figure.ToHtml();
        Assert.Contains("plotly.js v3.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script src", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(figure.ToPlotlyJson().Replace("</", "<\\/", StringComparison.Ordinal), html, StringComparison.Ordinal);
    }

    [Fact]
    public void PlotlyJsonIsAFigureWithDataAndLayout()
    {
        var figure = PlotCatalog.Make("contour-pair");
        using var doc = JsonDocument.Parse(figure.ToPlotlyJson());
        var data = doc.RootElement.GetProperty("data");
        Assert.Equal(figure.TraceCount, data.GetArrayLength());
        Assert.Equal("contour", data[0].GetProperty("type").GetString());
        Assert.Equal("Contour Plot", doc.RootElement.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("log", doc.RootElement.GetProperty("layout").GetProperty("xaxis").GetProperty("type").GetString());
        using var stream = new MemoryStream();
        figure.WritePlotlyJson(stream);
        Assert.Equal(figure.ToPlotlyJson(), System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void EmptyStudiesGiveEmptyFiguresThatStillRender()
    {
        var empty = Fixtures.Study("empty");
        foreach (var figure in new[] { empty.PlotOptimizationHistory(), empty.PlotSlice(), empty.PlotContour(), empty.PlotParallelCoordinate(), empty.PlotEdf(), empty.PlotRank(), empty.PlotTimeline(), empty.PlotIntermediateValues() })
        {
            Assert.Equal(0, figure.TraceCount);
            Assert.NotEmpty(figure.ToPng(300, 200));
            Assert.Contains("\"data\":[]", figure.ToPlotlyJson(), StringComparison.Ordinal);
        }
    }
}
