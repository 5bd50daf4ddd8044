namespace Sharptune.Pruners;

/// <summary>Rules and numerics shared by the pruners, reproducing Optuna's (and NumPy's) results bit for bit.</summary>
internal static class PrunerMath
{
    /// <summary>The state filter for COMPLETE trials, allocated once.</summary>
    public static readonly IReadOnlyCollection<TrialState> CompleteOnly = [TrialState.Complete];

    /// <summary>
    /// Optuna's <c>_is_first_in_interval_step</c>: true when no step other than <paramref name="step"/> was reported
    /// at or after the pruning step just below it, <c>⌊(step − warmup) / interval⌋ · interval + warmup</c>.
    /// </summary>
    /// <param name="step">The last reported step (≥ <paramref name="warmupSteps"/>).</param>
    /// <param name="steps">Every reported step of the trial.</param>
    /// <param name="warmupSteps">The warm-up steps.</param>
    /// <param name="intervalSteps">The interval, ≥ 1.</param>
    /// <returns>Whether the pruner should judge at this step.</returns>
    public static bool IsFirstInIntervalStep(int step, IEnumerable<int> steps, int warmupSteps, int intervalSteps)
    {
        long nearestLowerPruningStep = ((long)(step - warmupSteps) / intervalSteps * intervalSteps) + warmupSteps;
        int secondLastStep = -1;
        foreach (int s in steps)
        {
            if (s > secondLastStep && s != step)
            {
                secondLastStep = s;
            }
        }

        return secondLastStep < nearestLowerPruningStep;
    }

    /// <summary>NumPy's <c>nanmin</c> (or <c>nanmax</c>): NaN when every value is NaN.</summary>
    /// <param name="values">The values.</param>
    /// <param name="maximize">Whether to take the maximum.</param>
    /// <returns>The extreme value ignoring NaN.</returns>
    public static double NanBest(IEnumerable<double> values, bool maximize)
    {
        double best = double.NaN;
        foreach (double v in values)
        {
            if (double.IsNaN(v))
            {
                continue;
            }

            if (double.IsNaN(best) || (maximize ? v > best : v < best))
            {
                best = v;
            }
        }

        return best;
    }

    /// <summary>
    /// NumPy's <c>nanpercentile</c> with the default linear method, including its results for infinities (an
    /// interpolation that touches an infinity can give NaN). The span is reordered.
    /// </summary>
    /// <param name="values">The values; NaN are ignored.</param>
    /// <param name="percentile">The percentile in [0, 100].</param>
    /// <returns>The percentile, or NaN when no value is left.</returns>
    public static double NanPercentile(Span<double> values, double percentile)
    {
        int n = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsNaN(values[i]))
            {
                values[n++] = values[i];
            }
        }

        if (n == 0)
        {
            return double.NaN;
        }

        var sorted = values[..n];
        sorted.Sort();
        double quantile = percentile / 100.0;
        double virtualIndex = (n - 1) * quantile;
        int previous, next;
        double gamma;
        if (virtualIndex >= n - 1)
        {
            // NumPy clamps both indexes to the last element and keeps gamma = virtual index − (−1).
            previous = next = n - 1;
            gamma = virtualIndex + 1;
        }
        else
        {
            previous = (int)Math.Floor(virtualIndex);
            next = previous + 1;
            gamma = virtualIndex - previous;
        }

        return Lerp(sorted[previous], sorted[next], gamma);
    }

    /// <summary>NumPy's <c>_lerp</c>: <c>a + (b − a)·t</c>, computed from <c>b</c> when <c>t ≥ 0.5</c>.</summary>
    private static double Lerp(double a, double b, double t)
    {
        double diff = b - a;
        return t >= 0.5 ? b - (diff * (1 - t)) : a + (diff * t);
    }

    /// <summary>Validates the schedule arguments shared by the percentile-style pruners, with Optuna's messages.</summary>
    public static void CheckSchedule(int nStartupTrials, int nWarmupSteps, int intervalSteps, int nMinTrials)
    {
        Check(nStartupTrials >= 0, nameof(nStartupTrials), nStartupTrials,
            $"Number of startup trials cannot be negative, but got n_startup_trials={nStartupTrials}.");
        Check(nWarmupSteps >= 0, nameof(nWarmupSteps), nWarmupSteps,
            $"Number of warmup steps cannot be negative, but got n_warmup_steps={nWarmupSteps}.");
        Check(intervalSteps >= 1, nameof(intervalSteps), intervalSteps,
            $"Pruning interval steps must be at least 1, but got interval_steps={intervalSteps}.");
        Check(nMinTrials >= 1, nameof(nMinTrials), nMinTrials,
            $"Number of trials for pruning must be at least 1, but got n_min_trials={nMinTrials}.");
    }

    /// <summary>Validates an argument of a pruner constructor and throws Optuna's message.</summary>
    public static void Check(bool condition, string paramName, object? actualValue, string message)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(paramName, actualValue, message);
        }
    }
}
