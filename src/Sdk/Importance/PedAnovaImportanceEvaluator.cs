using System.Globalization;
using Sharptune.Internal;

namespace Sharptune.Importance;

/// <summary>
/// PED-ANOVA (Optuna's <c>PedAnovaImportanceEvaluator</c>, its default evaluator since v5): the importance of a
/// parameter is the Pearson divergence between a Parzen estimator (Scott's bandwidth, on a grid of at most 50
/// cells) of the trials in the top <see cref="TargetQuantile"/> and one of the trials in the top
/// <see cref="RegionQuantile"/>. It is deterministic and needs no model fit.
/// </summary>
/// <remarks>
/// <para>
/// Conditional parameters are assessed too (conditional PED-ANOVA): the region trials are split into regimes by the
/// parameter's distribution (absent being one regime), each regime with at least two trials contributes its
/// divergence weighted by its share of target and region trials.
/// </para>
/// <para>
/// Lower values are better: the study's direction is used for the objective value, while a <c>target</c> is
/// always minimized (negate a value that is maximized). On a multi-objective study without a target, the top
/// trials are chosen as multi-objective TPE chooses them (non-domination rank, then greedy hypervolume subset
/// selection), so the importances explain reaching the Pareto front.
/// </para>
/// <para>
/// References: PED-ANOVA (Watanabe et al., IJCAI 2023, arXiv:2304.10255); conditional PED-ANOVA (KDD 2026,
/// arXiv:2601.20800).
/// </para>
/// </remarks>
public sealed class PedAnovaImportanceEvaluator : IImportanceEvaluator
{
    private const string QuantileMessage = "condition 0.0 < `target_quantile` < `region_quantile` <= 1.0 must be satisfied";

    /// <summary>The number of grid cells a continuous range is discretized into.</summary>
    private const int GridSteps = 50;

    /// <summary>The weight of the uniform prior kernel of each Parzen estimator.</summary>
    private const double PriorWeight = 1.0;

    /// <summary>The number of region trials a regime of a conditional parameter needs to count.</summary>
    private const int MinTrialsInRegime = 2;

    /// <summary>Initializes a new instance of the <see cref="PedAnovaImportanceEvaluator"/> class.</summary>
    /// <param name="targetQuantile">
    /// The top fraction of trials whose distribution is examined (γ′ in the paper): 0.1 asks which parameters mattered
    /// to reach the best 10%.
    /// </param>
    /// <param name="regionQuantile">
    /// The top fraction of trials that defines the region the importance is measured in (γ): 1.0 is the whole
    /// space, 0.5 the region where trials reached the best half.
    /// </param>
    /// <param name="evaluateOnLocal">
    /// Compare with the distribution of the region trials (the importance during the optimization, robust to a
    /// search space changed midway); <see langword="false"/> compares with the uniform distribution over the search
    /// space (then <paramref name="regionQuantile"/> has no effect).
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">0 &lt; <paramref name="targetQuantile"/> &lt; <paramref name="regionQuantile"/> ≤ 1 does not hold.</exception>
    public PedAnovaImportanceEvaluator(double targetQuantile = 0.1, double regionQuantile = 1.0, bool evaluateOnLocal = true)
    {
        if (!(targetQuantile > 0.0 && targetQuantile < regionQuantile && regionQuantile <= 1.0))
        {
            throw new ArgumentOutOfRangeException(
                targetQuantile > 0.0 && targetQuantile < 1.0 ? nameof(regionQuantile) : nameof(targetQuantile), QuantileMessage);
        }

        TargetQuantile = targetQuantile;
        RegionQuantile = regionQuantile;
        EvaluateOnLocal = evaluateOnLocal;
    }

    /// <summary>Gets the top fraction of trials whose distribution is examined (default 0.1).</summary>
    public double TargetQuantile { get; }

    /// <summary>Gets the top fraction of trials that defines the region (default 1.0: the whole search space).</summary>
    public double RegionQuantile { get; }

    /// <summary>Gets a value indicating whether importances are measured against the region trials (default) or the uniform distribution.</summary>
    public bool EvaluateOnLocal { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A named parameter appears in no COMPLETE trial.</exception>
    public IReadOnlyDictionary<string, double> Evaluate(Study study, IReadOnlyList<string>? parameters = null,
        Func<FrozenTrial, double>? target = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        var complete = ImportanceInputs.CompleteTrials(study);
        var names = ResolveParams(complete, ImportanceInputs.CheckNames(parameters));
        if (RegionQuantile != 1.0 && !EvaluateOnLocal)
        {
            Log.Warning(study.Logger, "If evaluateOnLocal is false, regionQuantile has no effect.");
        }

        var trials = new List<FrozenTrial>(complete.Count);
        foreach (var trial in complete)
        {
            if (target is not null ? double.IsFinite(target(trial)) : AllFinite(trial.Values!))
            {
                trials.Add(trial);
            }
        }

        if (trials.Count <= 1)
        {
            Log.Warning(study.Logger, "The number of trials is too small to compute importances. Parameter importances will be equal.");
            return ImportanceInputs.Zeros(names);
        }

        var targetTrials = TopQuantile(study, trials, TargetQuantile, target);
        var regionTrials = TopQuantile(study, trials, RegionQuantile, target);
        if (targetTrials.Count == regionTrials.Count)
        {
            Log.Warning(study.Logger, "Target and region quantiles select the same set of trials. Parameter importances will be equal.");
        }

        if (targetTrials.Count == 0)
        {
            return ImportanceInputs.Zeros(names);
        }

        var isTarget = new HashSet<FrozenTrial>(targetTrials, ReferenceEqualityComparer.Instance);
        var regionIsTarget = new bool[regionTrials.Count];
        for (int i = 0; i < regionIsTarget.Length; i++)
        {
            regionIsTarget[i] = isTarget.Contains(regionTrials[i]);
        }

        double quantile = (double)targetTrials.Count / regionTrials.Count;
        var importances = new List<KeyValuePair<string, double>>(names.Count);
        foreach (string name in names)
        {
            double importance = 0;
            foreach (var regime in Regimes(study, name, regionTrials))
            {
                if (regime.Distribution is not { IsSingle: false } distribution)
                {
                    continue;
                }

                // The parameter's values in the regime's region trials, then in its target trials.
                var region = regime.Values.ToArray();
                var top = new double[region.Length];
                int targetCount = 0;
                for (int k = 0; k < region.Length; k++)
                {
                    if (regionIsTarget[regime.Trials[k]])
                    {
                        top[targetCount++] = region[k];
                    }
                }

                if (targetCount == 0)
                {
                    continue;
                }

                double alpha = (double)targetCount / targetTrials.Count;
                double beta = (double)region.Length / regionTrials.Count;
                importance += alpha * alpha / beta * PearsonDivergence(distribution, top.AsSpan(0, targetCount), region);
            }

            importances.Add(new(name, importance * quantile * quantile));
        }

        return ImportanceInputs.SortDescending(importances);
    }

    private static bool AllFinite(IReadOnlyList<double> values)
    {
        for (int i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static List<string> ResolveParams(IReadOnlyList<FrozenTrial> complete, string[]? names)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        var all = new List<string>();
        foreach (var trial in complete)
        {
            foreach (string name in trial.Distributions.Keys)
            {
                if (present.Add(name))
                {
                    all.Add(name);
                }
            }
        }

        if (names is null)
        {
            return all;
        }

        var missing = names.Where(n => !present.Contains(n)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException(
                $"Study must contain at least one completed trial for each specified parameter. Missing parameters: {PyFormat.Repr(missing)}.",
                "parameters");
        }

        return [.. names];
    }

    private List<FrozenTrial> TopQuantile(Study study, List<FrozenTrial> trials, double quantile, Func<FrozenTrial, double>? target)
    {
        if (quantile == 1.0)
        {
            return trials;
        }

        if (study.IsMultiObjective && target is null)
        {
            return ParetoTopTrials.Select(trials, study.Directions, (int)Math.Ceiling(quantile * trials.Count));
        }

        bool lowerIsBetter = study.Directions[0] == StudyDirection.Minimize;
        if (target is not null)
        {
            Log.Warning(study.Logger,
                $"{nameof(PedAnovaImportanceEvaluator)} computes the importances of params to achieve low `target` values. If this is not what you want, please modify target, e.g., by multiplying the output by -1.");
            lowerIsBetter = true;
        }

        double sign = lowerIsBetter ? 1.0 : -1.0;
        var loss = new double[trials.Count];
        for (int i = 0; i < loss.Length; i++)
        {
            loss[i] = sign * ImportanceInputs.TargetOf(trials[i], target);
        }

        int cutoffIndex = (int)Math.Ceiling(quantile * loss.Length) - 1;
        var sorted = (double[])loss.Clone();
        Array.Sort(sorted);
        double cutoff = sorted[cutoffIndex];
        var top = new List<FrozenTrial>(cutoffIndex + 1);
        for (int i = 0; i < loss.Length; i++)
        {
            if (loss[i] <= cutoff)
            {
                top.Add(trials[i]);
            }
        }

        return top;
    }

    /// <summary>
    /// The region trials (by index, with the parameter's value) grouped by the parameter's distribution (null:
    /// absent), with Optuna's minimum size.
    /// </summary>
    private static List<(Distribution? Distribution, List<int> Trials, List<double> Values)> Regimes(Study study, string name, List<FrozenTrial> trials)
    {
        var regimes = new List<(Distribution? Distribution, List<int> Trials, List<double> Values)>();
        for (int i = 0; i < trials.Count; i++)
        {
            var distribution = trials[i].Distributions.GetValueOrDefault(name);
            int index = -1;
            for (int r = 0; r < regimes.Count; r++)
            {
                if (ReferenceEquals(regimes[r].Distribution, distribution) || regimes[r].Distribution == distribution)
                {
                    index = r;
                    break;
                }
            }

            if (index < 0)
            {
                index = regimes.Count;
                regimes.Add((distribution, [], []));
            }

            regimes[index].Trials.Add(i);
            regimes[index].Values.Add(distribution is null ? double.NaN : trials[i].InternalParams[name]);
        }

        if (regimes.Exists(r => r.Trials.Count < MinTrialsInRegime))
        {
            Log.Warning(study.Logger, string.Create(CultureInfo.InvariantCulture,
                $"Some regimes for parameter `{name}` have less than {MinTrialsInRegime} trials. The importance of the parameter may be inaccurate."));
            regimes.RemoveAll(r => r.Trials.Count < MinTrialsInRegime);
        }

        return regimes;
    }

    private double PearsonDivergence(Distribution distribution, ReadOnlySpan<double> targetValues, ReadOnlySpan<double> regionValues)
    {
        var top = ScottParzenGrid.Pdf(distribution, targetValues, GridSteps, PriorWeight);
        int size = top.Length;
        double[] local;
        if (EvaluateOnLocal)
        {
            local = ScottParzenGrid.Pdf(distribution, regionValues, GridSteps, PriorWeight);
        }
        else
        {
            local = new double[size];
            Array.Fill(local, 1.0 / size);
        }

        double divergence = 0;
        for (int i = 0; i < size; i++)
        {
            double p = top[i] + 1e-12;
            double q = EvaluateOnLocal ? local[i] + 1e-12 : local[i];
            double r = (p / q) - 1;
            divergence += q * r * r;
        }

        return divergence;
    }
}
