using MathNet.Numerics;

namespace Sharptune.Samplers.Tpe;

/// <summary>
/// The standard normal distribution truncated to [a, b], computed in log space so that the tails stay accurate:
/// log-CDF, log of the mass of an interval, log-pdf, and the inverse CDF. Special functions come from
/// MathNet.Numerics (<c>Erf</c>, <c>Erfc</c>, <c>ErfcInv</c>, <c>Log1p</c>, <c>Expm1</c>).
/// </summary>
internal static class TruncatedNormal
{
    /// <summary>log(√(2π)).</summary>
    public const double LogSqrt2Pi = 0.91893853320467274178;

    private const double InvSqrt2 = 0.70710678118654752440;
    private const double Sqrt2 = 1.41421356237309504880;

    /// <summary>The standard normal CDF Φ(a), accurate in both tails.</summary>
    /// <param name="a">The argument.</param>
    /// <returns>Φ(a).</returns>
    public static double Ndtr(double a)
    {
        double x = a * InvSqrt2;
        if (x < -InvSqrt2)
        {
            return 0.5 * SpecialFunctions.Erfc(-x);
        }

        if (x < InvSqrt2)
        {
            return 0.5 + (0.5 * SpecialFunctions.Erf(x));
        }

        return 1.0 - (0.5 * SpecialFunctions.Erfc(x));
    }

    /// <summary>log Φ(a), accurate far into the left tail (asymptotic series below −20).</summary>
    /// <param name="a">The argument.</param>
    /// <returns>log Φ(a).</returns>
    public static double LogNdtr(double a)
    {
        if (a > 6)
        {
            return SpecialFunctions.Log1p(-Ndtr(-a));
        }

        if (a > -20)
        {
            return Math.Log(Ndtr(a));
        }

        if (double.IsNegativeInfinity(a))
        {
            return double.NegativeInfinity;
        }

        // log Φ(a) = −a²/2 − log(−a) − log √(2π) + log(1 − 1/a² + 3/a⁴ − 15/a⁶ + …).
        double logLhs = (-0.5 * a * a) - Math.Log(-a) - LogSqrt2Pi;
        double lastTotal = 0.0;
        double rhs = 1.0;
        double numerator = 1.0;
        double denomFactor = 1.0;
        double denomCons = 1.0 / (a * a);
        double sign = 1.0;
        for (int i = 1; Math.Abs(lastTotal - rhs) > double.Epsilon && i < 200; i++)
        {
            lastTotal = rhs;
            sign = -sign;
            denomFactor *= denomCons;
            numerator *= (2 * i) - 1;
            rhs += sign * numerator * denomFactor;
        }

        return logLhs + Math.Log(rhs);
    }

    /// <summary>The log-density of the standard normal distribution.</summary>
    /// <param name="x">The argument.</param>
    /// <returns>log φ(x).</returns>
    public static double NormLogPdf(double x) => (-0.5 * x * x) - LogSqrt2Pi;

    /// <summary>log(Φ(b) − Φ(a)), the log of the standard normal mass of [a, b], stable in both tails.</summary>
    /// <param name="a">The lower end.</param>
    /// <param name="b">The upper end (≥ a).</param>
    /// <returns>The log mass (−∞ when a = b).</returns>
    public static double LogGaussMass(double a, double b)
    {
        if (b <= 0)
        {
            return LogDiff(LogNdtr(b), LogNdtr(a));
        }

        if (a > 0)
        {
            // The right tail is inaccurate: use the symmetry and work in the left tail.
            return LogDiff(LogNdtr(-a), LogNdtr(-b));
        }

        // a ≤ 0 < b: the mass is at least Φ(b) − 1/2, subtract both tails from 1.
        return SpecialFunctions.Log1p(-Ndtr(a) - Ndtr(-b));
    }

    /// <summary>
    /// The inverse CDF of the standard normal truncated to [a, b]: the c with Φ(c) = Φ(a) + q (Φ(b) − Φ(a)).
    /// </summary>
    /// <param name="q">The quantile in [0, 1].</param>
    /// <param name="a">The lower end.</param>
    /// <param name="b">The upper end.</param>
    /// <returns>The point, in [a, b] up to rounding; NaN when a = b.</returns>
    public static double Ppf(double q, double a, double b) => Ppf(q, a, b, LogGaussMass(a, b));

    /// <summary>The inverse CDF of the truncated standard normal when log(Φ(b) − Φ(a)) is known.</summary>
    /// <param name="q">The quantile in [0, 1].</param>
    /// <param name="a">The lower end.</param>
    /// <param name="b">The upper end.</param>
    /// <param name="logMass">log(Φ(b) − Φ(a)).</param>
    /// <returns>The point.</returns>
    public static double Ppf(double q, double a, double b, double logMass)
    {
        if (a == b)
        {
            return double.NaN;
        }

        if (q <= 0)
        {
            return a;
        }

        if (q >= 1)
        {
            return b;
        }

        if (a > -30 && b < 30)
        {
            return PpfLinear(q, a, b, Ndtr(a), Ndtr(-b), Math.Exp(logMass));
        }

        double x;
        if (a < 0)
        {
            x = NdtriExp(LogAddExp(LogNdtr(a), Math.Log(q) + logMass));
        }
        else
        {
            // Flip to the left tail, where log Φ is accurate.
            x = -NdtriExp(LogAddExp(LogNdtr(-b), SpecialFunctions.Log1p(-q) + logMass));
        }

        return Math.Clamp(x, a, b);
    }

    /// <summary>
    /// The inverse CDF of the truncated standard normal in linear space, exact enough when no CDF value underflows
    /// (a &gt; −30 and b &lt; 30): Φ(x) = Φ(a) + q·mass, inverted on the side where the probability is small, the
    /// complement computed as Φ(−b) + (1 − q)·mass without cancellation.
    /// </summary>
    /// <param name="q">The quantile in [0, 1].</param>
    /// <param name="a">The lower end.</param>
    /// <param name="b">The upper end.</param>
    /// <param name="phiA">Φ(a).</param>
    /// <param name="phiNegB">Φ(−b).</param>
    /// <param name="mass">Φ(b) − Φ(a).</param>
    /// <returns>The point, clamped to [a, b].</returns>
    private static double PpfLinear(double q, double a, double b, double phiA, double phiNegB, double mass)
    {
        if (q <= 0)
        {
            return a;
        }

        if (q >= 1)
        {
            return b;
        }

        double p = phiA + (q * mass);
        double x = p <= 0.5
            ? -Sqrt2 * SpecialFunctions.ErfcInv(2 * p)
            : Sqrt2 * SpecialFunctions.ErfcInv(2 * (phiNegB + ((1 - q) * mass)));
        return Math.Clamp(x, a, b);
    }

    /// <summary>The inverse of <see cref="LogNdtr"/>: the x with log Φ(x) = y.</summary>
    /// <param name="y">A log-probability (≤ 0).</param>
    /// <returns>x.</returns>
    public static double NdtriExp(double y)
    {
        if (y >= 0)
        {
            return double.PositiveInfinity;
        }

        if (double.IsNegativeInfinity(y))
        {
            return double.NegativeInfinity;
        }

        if (y > -700)
        {
            double p = Math.Exp(y);
            if (p <= 0.5)
            {
                return -Sqrt2 * SpecialFunctions.ErfcInv(2 * p);
            }

            // 1 − p computed without cancellation.
            return Sqrt2 * SpecialFunctions.ErfcInv(-2 * SpecialFunctions.Expm1(y));
        }

        // Deep left tail (p below the double range of ErfcInv's argument): Newton's method on log Φ, starting
        // from the asymptotic log Φ(x) ≈ −x²/2 − log √(2π).
        double x = -Math.Sqrt(-2.0 * (y + LogSqrt2Pi));
        for (int i = 0; i < 100; i++)
        {
            double logNdtrX = LogNdtr(x);
            double dx = (logNdtrX - y) * Math.Exp(logNdtrX - NormLogPdf(x));
            x -= dx;
            if (Math.Abs(dx) < 1e-12 * Math.Abs(x))
            {
                break;
            }
        }

        return x;
    }

    /// <summary>The log-density of the standard normal truncated to [a, b] (−∞ outside, NaN when a = b).</summary>
    /// <param name="x">The argument.</param>
    /// <param name="a">The lower end.</param>
    /// <param name="b">The upper end.</param>
    /// <returns>The log-density.</returns>
    public static double LogPdf(double x, double a, double b)
    {
        if (a == b)
        {
            return double.NaN;
        }

        if (x < a || x > b)
        {
            return double.NegativeInfinity;
        }

        return NormLogPdf(x) - LogGaussMass(a, b);
    }

    /// <summary>log(exp(p) + exp(q)) without overflow.</summary>
    /// <param name="p">The first log value.</param>
    /// <param name="q">The second log value.</param>
    /// <returns>The log of the sum.</returns>
    public static double LogAddExp(double p, double q)
    {
        if (double.IsNegativeInfinity(p))
        {
            return q;
        }

        if (double.IsNegativeInfinity(q))
        {
            return p;
        }

        double max = Math.Max(p, q);
        return max + SpecialFunctions.Log1p(Math.Exp(-Math.Abs(p - q)));
    }

    /// <summary>log(exp(p) − exp(q)) for p ≥ q.</summary>
    private static double LogDiff(double p, double q) => p + SpecialFunctions.Log1p(-Math.Exp(q - p));
}
