using Sharptune.Cli.Tests.Support;

namespace Sharptune.Cli.Tests;

/// <summary>The plot command writes Sharptune.Visualization's figures as HTML, PNG and SVG.</summary>
public sealed class PlotTests
{
    [Fact]
    public void WritesHtmlPngAndSvg()
    {
        using var s = new StorageCase("sqlite");
        string journal = s.Dir.FixtureJournal();
        Assert.Equal(0, Tool.Run("copy", "--storage", journal, "--study-name", "single", "--to-storage", s.Url).ExitCode);
        Assert.Equal(0, Tool.Run("copy", "--storage", journal, "--study-name", "multi", "--to-storage", s.Url).ExitCode);

        string html = s.Dir.File("history.html");
        s.Ok("plot", "optimization-history", "--study-name", "single", "-o", html);
        Assert.Contains("plotly", File.ReadAllText(html), StringComparison.OrdinalIgnoreCase);

        string png = s.Dir.File("slice.png");
        s.Ok("plot", "slice", "--study-name", "single", "-o", png, "--width", "600", "--height", "400");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);

        string svg = s.Dir.File("pareto.svg");
        s.Ok("plot", "pareto-front", "--study-name", "multi", "-o", svg);
        Assert.Contains("<svg", File.ReadAllText(svg), StringComparison.Ordinal);

        var badExtension = s.Run("plot", "slice", "--study-name", "single", "-o", s.Dir.File("x.pdf"));
        Assert.Equal($"Error: --output must end with .html, .png or .svg, got '{s.Dir.File("x.pdf")}'.\n", badExtension.Err);
        var noReference = s.Run("plot", "hypervolume-history", "--study-name", "multi", "-o", s.Dir.File("hv.html"));
        Assert.Equal("Error: hypervolume-history needs --reference-point, one value per objective.\n", noReference.Err);
        s.Ok("plot", "hypervolume-history", "--study-name", "multi", "-o", s.Dir.File("hv.html"), "--reference-point", "10", "-10");
        var unknown = s.Run("plot", "pie", "--study-name", "single", "-o", html);
        Assert.Equal(2, unknown.ExitCode);
    }
}
