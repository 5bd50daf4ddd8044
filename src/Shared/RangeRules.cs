using System;
using System.Globalization;

namespace Sharptune;

/// <summary>
/// Optuna's rules for numeric ranges, in one place: <c>low &lt;= high</c>; a positive step; a log range starts above
/// zero (at one or more for integers); a log range has no step (step 1 for integers); and a range the step does not
/// divide has its high bound lowered to the last grid point. This file is compiled into the core (where
/// <c>FloatDistribution</c> and <c>IntDistribution</c> throw on a broken rule) and into the generator
/// and the analyzers (which report it at compile time), so the three agree; each keeps its own messages.
/// </summary>
/// <remarks>Compiled for netstandard2.0 as well: no API newer than that.</remarks>
internal static class RangeRules
{
    /// <summary>The condition a log-scaled float range's low bound must meet, as the messages name it.</summary>
    public const string FloatLogLowCondition = "low > 0";

    /// <summary>The condition a log-scaled integer range's low bound must meet, as the messages name it.</summary>
    public const string IntLogLowCondition = "low >= 1";

    /// <summary>Returns whether <c>low &lt;= high</c> is broken.</summary>
    public static bool LowAboveHigh(double low, double high) => low > high;

    /// <summary>Returns whether <c>low &lt;= high</c> is broken.</summary>
    public static bool LowAboveHigh(long low, long high) => low > high;

    /// <summary>Returns whether a float step breaks <c>step &gt; 0</c> (NaN does).</summary>
    public static bool StepNotPositive(double step) => !(step > 0);

    /// <summary>Returns whether an integer step breaks <c>step &gt; 0</c>.</summary>
    public static bool StepNotPositive(long step) => step <= 0;

    /// <summary>Returns whether a float range is both log-scaled and stepped (Optuna allows one or the other).</summary>
    public static bool FloatStepWithLog(bool log, bool hasStep) => log && hasStep;

    /// <summary>Returns whether an integer range is log-scaled with a step other than 1.</summary>
    public static bool IntStepWithLog(bool log, long step) => log && step != 1;

    /// <summary>Returns whether a log-scaled float range breaks <see cref="FloatLogLowCondition"/>.</summary>
    public static bool FloatLogLowTooSmall(bool log, double low) => log && low <= 0.0;

    /// <summary>Returns whether a log-scaled integer range breaks <see cref="IntLogLowCondition"/>.</summary>
    public static bool IntLogLowTooSmall(bool log, long low) => log && low < 1;

    /// <summary>
    /// The high bound Optuna uses for a float range not divisible by <paramref name="step"/>: the last grid point,
    /// computed in decimal (Python's <c>Decimal(str(x))</c>) when the three numbers allow it; otherwise in binary,
    /// where a result within 1e-12 (relative) of <paramref name="high"/> keeps <paramref name="high"/>.
    /// </summary>
    public static double AdjustedHigh(double low, double high, double step)
    {
        if (TryDecimal(low, out decimal l) && TryDecimal(high, out decimal h) && TryDecimal(step, out decimal s))
        {
            decimal r = h - l;
            return r % s != 0m ? (double)((decimal.Floor(r / s) * s) + l) : high;
        }

        double n = Math.Floor((high - low) / step);
        double adjusted = (n * step) + low;
        return Math.Abs(adjusted - high) <= 1e-12 * Math.Max(1, Math.Abs(high)) ? high : adjusted;
    }

    /// <summary>The high bound Optuna uses for an integer range not divisible by <paramref name="step"/>.</summary>
    public static long AdjustedHigh(long low, long high, long step) => ((high - low) % step) != 0 ? ((high - low) / step * step) + low : high;

    /// <summary>Converts a double to <see cref="decimal"/> through its shortest round-trip text, as Python's <c>Decimal(str(x))</c>.</summary>
    public static bool TryDecimal(double value, out decimal result)
    {
        if (!double.IsNaN(value) && !double.IsInfinity(value) && Math.Abs(value) < 1e27 && (value == 0 || Math.Abs(value) > 1e-18))
        {
            return decimal.TryParse(value.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out result);
        }

        result = 0;
        return false;
    }
}
