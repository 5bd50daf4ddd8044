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

        var regionIsTarget = TargetMask(regionTrials, targetTrials);
        double quantile = (double)targetTrials.Count / regionTrials.Count;
        var importances = new List<KeyValuePair<string, double>>(names.Count);

        // Every parameter's distribution and value in each region trial (one pass over the trials), then buffers shared
        // by the parameters: the regime of each region trial, the values of one regime's region and target trials.
        int regionCount = regionTrials.Count;
        var (columnDistributions, columnValues) = ReadColumns(regionTrials, names);
        var regimeOf = new int[regionCount];
        var regionValues = new double[regionCount];
        var targetValues = new double[regionCount];
        var regimes = new List<Distribution?>();
        var regimeSizes = new List<int>();
        for (int column = 0; column < names.Count; column++)
        {
            string name = names[column];
            var distributions = columnDistributions[column];
            var values = columnValues[column];
            GroupRegimes(study, name, distributions, regimeOf, regimes, regimeSizes);
            double importance = 0;
            for (int r = 0; r < regimes.Count; r++)
            {
                if (regimeSizes[r] < MinTrialsInRegime || regimes[r] is not { IsSingle: false } distribution)
                {
                    continue;
                }

                // The parameter's values in the regime's region trials, then in its target trials.
                int regionSize = 0, targetCount = 0;
                for (int k = 0; k < regionCount; k++)
                {
                    if (regimeOf[k] == r)
                    {
                        regionValues[regionSize++] = values[k];
                        if (regionIsTarget[k])
                        {
                            targetValues[targetCount++] = values[k];
                        }
                    }
                }

                if (targetCount == 0)
                {
                    continue;
                }

                double alpha = (double)targetCount / targetTrials.Count;
                double beta = (double)regionSize / regionCount;
                importance += alpha * alpha / beta
                    * PearsonDivergence(distribution, targetValues.AsSpan(0, targetCount), regionValues.AsSpan(0, regionSize));
            }

            importances.Add(new(name, importance * quantile * quantile));
        }

        return ImportanceInputs.SortDescending(importances);
    }

    /// <summary>Which region trials are target trials (both lists keep the trials' order, the target ones within the region).</summary>
    private static bool[] TargetMask(List<FrozenTrial> regionTrials, List<FrozenTrial> targetTrials)
    {
        var mask = new bool[regionTrials.Count];
        int j = 0;
        for (int i = 0; i < mask.Length && j < targetTrials.Count; i++)
        {
            if (ReferenceEquals(regionTrials[i], targetTrials[j]))
            {
                mask[i] = true;
                j++;
            }
        }

        if (j == targetTrials.Count)
        {
            return mask;
        }

        // Not an ordered subset (a multi-objective selection may order or choose differently): match by reference.
        var isTarget = new HashSet<FrozenTrial>(targetTrials, ReferenceEqualityComparer.Instance);
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = isTarget.Contains(regionTrials[i]);
        }

        return mask;
    }

    /// <summary>
    /// Each named parameter's distribution in each trial (null: absent) and internal value (NaN: absent), by column in
    /// the order of <paramref name="names"/>, from one pass over each trial's parameters.
    /// </summary>
    private static (Distribution?[][] Distributions, double[][] Values) ReadColumns(List<FrozenTrial> trials, List<string> names)
    {
        int count = trials.Count;
        var distributions = new Distribution?[names.Count][];
        var values = new double[names.Count][];
        for (int c = 0; c < names.Count; c++)
        {
            distributions[c] = new Distribution?[count];
            values[c] = new double[count];
            values[c].AsSpan().Fill(double.NaN);
        }

        Dictionary<string, int>? columnOf = null;
        for (int i = 0; i < count; i++)
        {
            var trial = trials[i];
            var internalParams = trial.InternalParams;
            using var valueEntries = internalParams.GetEnumerator();
            int k = 0;
            foreach (var (name, distribution) in trial.Distributions)
            {
                // Both dictionaries of a trial mostly list the parameters in one order, and a parameter mostly sits at
                // the place of its column.
                bool inStep = valueEntries.MoveNext() && string.Equals(valueEntries.Current.Key, name, StringComparison.Ordinal);
                int column = k < names.Count && string.Equals(names[k], name, StringComparison.Ordinal) ? k : -1;
                k++;
                if (column < 0)
                {
                    columnOf ??= ColumnIndex(names);
                    if (!columnOf.TryGetValue(name, out column))
                    {
                        continue;
                    }
                }

                distributions[column][i] = distribution;
                values[column][i] = inStep ? valueEntries.Current.Value : internalParams[name];
            }
        }

        return (distributions, values);
    }

    private static Dictionary<string, int> ColumnIndex(List<string> names)
    {
        var index = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
        for (int c = 0; c < names.Count; c++)
        {
            index.TryAdd(names[c], c);
        }

        return index;
    }

    /// <summary>
    /// Groups the region trials into regimes by the parameter's distribution (null: absent), in order of first
    /// appearance; warns, as Optuna does, when a regime has fewer trials than Optuna's minimum (it is then skipped).
    /// </summary>
    private static void GroupRegimes(Study study, string name, Distribution?[] distributions, int[] regimeOf,
        List<Distribution?> regimes, List<int> sizes)
    {
        regimes.Clear();
        sizes.Clear();
        int last = -1;
        for (int i = 0; i < distributions.Length; i++)
        {
            var distribution = distributions[i];
            int index = last >= 0 && ReferenceEquals(regimes[last], distribution) ? last : -1;
            for (int r = 0; index < 0 && r < regimes.Count; r++)
            {
                if (ReferenceEquals(regimes[r], distribution) || regimes[r] == distribution)
                {
                    index = r;
                }
            }

            if (index < 0)
            {
                index = regimes.Count;
                regimes.Add(distribution);
                sizes.Add(0);
            }

            regimeOf[i] = index;
            sizes[index]++;
            last = index;
        }

        foreach (int size in sizes)
        {
            if (size < MinTrialsInRegime)
            {
                Log.Warning(study.Logger, string.Create(CultureInfo.InvariantCulture,
                    $"Some regimes for parameter `{name}` have less than {MinTrialsInRegime} trials. The importance of the parameter may be inaccurate."));
                break;
            }
        }
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
            int k = 0;
            foreach (string name in trial.Distributions.Keys)
            {
                // Trials mostly hold the same parameters in the same order: skip the hash set for a known name at
                // its usual place.
                if (!(k < all.Count && string.Equals(all[k], name, StringComparison.Ordinal)) && present.Add(name))
                {
                    all.Add(name);
                }

                k++;
            }
        }

        if (names is null)
        {
            return all;
        }

        var missing = new List<string>();
        foreach (string name in names)
        {
            if (!present.Contains(name))
            {
                missing.Add(name);
            }
        }

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
