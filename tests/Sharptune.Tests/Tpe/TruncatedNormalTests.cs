using Sharptune.Samplers.Tpe;

namespace Sharptune.Tests.Tpe;

/// <summary>Expected values were computed with Optuna 5's <c>_truncnorm</c> module (SciPy's algorithms).</summary>
public class TruncatedNormalTests
{
    private static readonly double[] A = [-40, -10, -3, -0.5, 0.2, 2, 5, 30];
    private static readonly double[] B = [-39, -9, 3, 0.5, 0.3, 8, 40, 31];

    [Fact]
    public void LogGaussMassIsAccurateInBothTails()
    {
        double[] expected =
        [
            -7.6508315656437765e+02, -4.3628216632280818e+01, -2.7034470854759812e-03, -9.5991633369562224e-01,
            -3.2531641905748110e+00, -3.7831843336820588e+00, -1.5064998393988724e+01, -4.5432124395634321e+02,
        ];
        for (int i = 0; i < A.Length; i++)
        {
            AssertRelative(expected[i], TruncatedNormal.LogGaussMass(A[i], B[i]), 1e-12);
        }
    }

    [Fact]
    public void PpfInvertsTheTruncatedCdf()
    {
        double[] q = [1e-12, 0.01, 0.3, 0.5, 0.9, 0.999999, 0.25, 0.75];
        double[] expected =
        [
            -3.9701717958644295e+01, -9.4917322380479234e+00, -5.2284816543378876e-01, -1.2241960676768570e-16,
            2.8988071174469093e-01, 5.4680542439919453e+00, 5.0551834053591369e+00, 3.0046123260403519e+01,
        ];
        for (int i = 0; i < q.Length; i++)
        {
            double x = TruncatedNormal.Ppf(q[i], A[i], B[i]);
            Assert.InRange(x, A[i], B[i]);
            Assert.Equal(expected[i], x, 1e-9);
        }
    }

    [Fact]
    public void PpfEndpointsAndDegenerateInterval()
    {
        Assert.Equal(-1.0, TruncatedNormal.Ppf(0, -1, 2));
        Assert.Equal(2.0, TruncatedNormal.Ppf(1, -1, 2));
        Assert.True(double.IsNaN(TruncatedNormal.Ppf(0.5, 1, 1)));
    }

    [Fact]
    public void LogNdtrUsesTheAsymptoticSeriesInTheFarTail()
    {
        double[] a = [-50, -25, -20.5, -5, 0, 3, 7, 12];
        double[] expected =
        [
            -1.2548313611394199e+03, -3.1663940800802021e+02, -2.1406672896326381e+02, -1.5064998393988724e+01,
            -6.9314718055994529e-01, -1.3508099647482027e-03, -1.2798125438858350e-12, -1.7764821120777020e-33,
        ];
        for (int i = 0; i < a.Length; i++)
        {
            AssertRelative(expected[i], TruncatedNormal.LogNdtr(a[i]), 1e-12);
        }
    }

    [Fact]
    public void LogPdfMatchesScipy()
    {
        double[] x = [-39.5, -9.2, 0, 0.1, 0.25, 3, 10, 30.5];
        double[] expected =
        [
            -15.960781968827064, 0.38927809907615085, -0.9162350861191967, 0.03597780049094956,
            2.3029756573701383, -1.6357541995226135, -35.85394013921595, -11.722694576861443,
        ];
        for (int i = 0; i < x.Length; i++)
        {
            AssertRelative(expected[i], TruncatedNormal.LogPdf(x[i], A[i], B[i]), 1e-11);
        }

        Assert.Equal(double.NegativeInfinity, TruncatedNormal.LogPdf(3.5, -3, 3));
    }

    [Fact]
    public void NdtriExpInvertsLogNdtrEverywhere()
    {
        double[] y = [-1000, -700.5, -50, -3, -0.5, -1e-3, -1e-10];
        double[] expected = [-44.6157477319694, -37.308474207082895, -9.674825283612357, -1.646921720527715, 0.27028802073873576, 3.0903807869170454, 6.361340902411736];
        for (int i = 0; i < y.Length; i++)
        {
            AssertRelative(expected[i], TruncatedNormal.NdtriExp(y[i]), 1e-9);
            AssertRelative(y[i], TruncatedNormal.LogNdtr(TruncatedNormal.NdtriExp(y[i])), 1e-8);
        }
    }

    private static void AssertRelative(double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");
}
