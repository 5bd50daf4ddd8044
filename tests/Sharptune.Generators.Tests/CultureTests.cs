using System.Globalization;

namespace Sharptune.Generators.Tests;

/// <summary>Generated literals do not depend on the culture of the machine that builds.</summary>
public class CultureTests
{
    [Fact]
    public void LiteralsAreInvariantUnderAFinnishCulture()
    {
        var finnish = CultureInfo.GetCultureInfo("fi-FI");
        if (finnish.NumberFormat.NegativeSign != "\u2212")
        {
            Assert.Skip("No ICU culture data here: fi-FI does not use U+2212.");
        }

        const string source = """
            using Sharptune;
            namespace Demo;
            public partial class Signed
            {
                [FloatParam(-2.5, 1.25, Step = 0.25)] public double X { get; set; }
                [IntParam(-10, -2)] public int N { get; set; }
                [Categorical(-0.5, 1e-7)] public double C { get; set; } = -0.5;
            }
            """;
        string Generate() => TestCompiler.Run(source).Result.GeneratedTrees.Single().ToString();

        string invariant = Generate();
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = finnish;
            Assert.Equal(invariant, Generate());
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }

        Assert.Contains("-2.5d, 1.25d", invariant, StringComparison.Ordinal);
        Assert.Contains("trial.SuggestInt(\"N\", -10, -2, 1, false)", invariant, StringComparison.Ordinal);
        Assert.Contains("{ -0.5d, 1E-07d }", invariant, StringComparison.Ordinal);
    }
}
