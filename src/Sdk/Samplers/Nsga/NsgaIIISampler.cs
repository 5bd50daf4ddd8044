using MathNet.Numerics.LinearAlgebra;
using Sharptune.Samplers.Nsga;

namespace Sharptune.Samplers;

/// <summary>
/// NSGA-III (Optuna's <c>NSGAIIISampler</c>): NSGA-II whose last, partially admitted front is chosen by niche
/// preservation around reference points (a Das–Dennis lattice by default) instead of crowding distance, which
/// keeps many-objective fronts well spread. Everything else — generations, tournaments, crossover, mutation,
/// constraints — is shared with <see cref="NsgaIISampler"/>.
/// </summary>
public sealed class NsgaIIISampler : GeneticSampler
{
    private const double InfMarginCoefficient = 3;

    private readonly int _dividingParameter;
    private double[][]? _referencePoints;

    /// <summary>Initializes a new instance of the <see cref="NsgaIIISampler"/> class.</summary>
    /// <param name="populationSize">The number of individuals per generation (at least 2).</param>
    /// <param name="mutation">The mutation; <see langword="null"/> redraws a mutated parameter uniformly.</param>
    /// <param name="mutationProb">The probability of mutating each parameter; <see langword="null"/> means 1 / max(1, number of parameters).</param>
    /// <param name="crossover">The crossover; <see langword="null"/> means <see cref="UniformCrossover"/> with <paramref name="swappingProb"/>.</param>
    /// <param name="crossoverProb">The probability of breeding a child by crossover rather than copying a parent.</param>
    /// <param name="swappingProb">The probability of taking a categorical gene from the second parent.</param>
    /// <param name="seed">The seed; <see langword="null"/> for a random one.</param>
    /// <param name="referencePoints">Reference points, one coordinate per objective; <see langword="null"/> for the Das–Dennis lattice.</param>
    /// <param name="dividingParameter">The number of divisions of the Das–Dennis lattice.</param>
    /// <param name="elitePopulationSelectionStrategy">Replaces the elite selection.</param>
    /// <param name="childGenerationStrategy">Replaces the child generation.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or probability is out of range.</exception>
    public NsgaIIISampler(
        int populationSize = 50,
        IMutation? mutation = null,
        double? mutationProb = null,
        ICrossover? crossover = null,
        double crossoverProb = 0.9,
        double swappingProb = 0.5,
        int? seed = null,
        IReadOnlyList<double[]>? referencePoints = null,
        int dividingParameter = 3,
        Func<Study, IReadOnlyList<FrozenTrial>, IReadOnlyList<FrozenTrial>>? elitePopulationSelectionStrategy = null,
        Func<Study, IReadOnlyDictionary<string, Distribution>, IReadOnlyList<FrozenTrial>, IReadOnlyDictionary<string, double>>? childGenerationStrategy = null)
        : base("NSGAIIISampler", populationSize, mutation, mutationProb, crossover, crossoverProb, swappingProb, seed, elitePopulationSelectionStrategy, childGenerationStrategy)
    {
        if (dividingParameter < 1 && referencePoints is null)
        {
            throw new ArgumentOutOfRangeException(nameof(dividingParameter), dividingParameter, "dividingParameter must be a positive integer.");
        }

        _dividingParameter = dividingParameter;
        _referencePoints = referencePoints?.Select(p => (double[])p.Clone()).ToArray();
    }

    /// <summary>
    /// Generates the Das–Dennis lattice: every multiset of <paramref name="dividingParameter"/> objectives, each
    /// coordinate being how often its objective occurs.
    /// </summary>
    /// <param name="nObjectives">The number of objectives.</param>
    /// <param name="dividingParameter">The number of divisions.</param>
    /// <returns>The reference points.</returns>
    internal static double[][] DasDennisPoints(int nObjectives, int dividingParameter)
    {
        var points = new List<double[]>();
        var combo = new int[dividingParameter];
        void Recurse(int pos, int start)
        {
            if (pos == dividingParameter)
            {
                var p = new double[nObjectives];
                foreach (int c in combo)
                {
                    p[c] += 1;
                }

                points.Add(p);
                return;
            }

            for (int i = start; i < nObjectives; i++)
            {
                combo[pos] = i;
                Recurse(pos + 1, i);
            }
        }

        Recurse(0, 0);
        return [.. points];
    }

    /// <summary>
    /// Cuts the last admitted rank by niche preservation around the reference points. Runs under the engine lock
    /// (called from SampleRelative), so the engine's generator can be used.
    /// </summary>
    /// <inheritdoc/>
    private protected override IEnumerable<FrozenTrial> CutFront(Study study, List<FrozenTrial> elite, List<FrozenTrial> front, int count)
    {
        var directions = study.Directions;
        int m = directions.Count;
        _referencePoints ??= DasDennisPoints(m, _dividingParameter);
        if (_referencePoints.Length == 0 || _referencePoints.Any(p => p.Length != m))
        {
            throw new ArgumentException("The dimension of reference points vectors must be the same as the number of objectives of the study.");
        }

        var all = new List<FrozenTrial>(elite);
        all.AddRange(front);
        var objectives = NormalizeObjectives(ClipInfinities(TrialDomination.LossValues(all, directions)));
        var (closest, distance) = Associate(objectives, _referencePoints);
        return PreserveNiches(count, elite.Count, front, closest, distance, Rng);
    }

    private static double[][] ClipInfinities(List<double[]> loss)
    {
        int m = loss[0].Length;
        var matrix = loss.ToArray();
        for (int j = 0; j < m; j++)
        {
            double min = double.NaN, max = double.NaN;
            foreach (var row in matrix)
            {
                if (double.IsFinite(row[j]))
                {
                    min = double.IsNaN(min) ? row[j] : Math.Min(min, row[j]);
                    max = double.IsNaN(max) ? row[j] : Math.Max(max, row[j]);
                }
            }

            double margin = InfMarginCoefficient * (max - min);
            foreach (var row in matrix)
            {
                if (!double.IsNaN(min))
                {
                    row[j] = Math.Clamp(row[j], min - margin, max + margin);
                }
            }
        }

        return matrix;
    }

    /// <summary>
    /// Translates by the ideal point, finds extreme points by the achievement scalarizing function, and scales by
    /// the intercepts of the hyperplane through them (falling back to the per-objective maxima when degenerate).
    /// Unlike Optuna, which uses the raw values, the loss values (maximised objectives negated) are normalised, so
    /// the ideal point is the best point whatever the directions.
    /// </summary>
    private static double[][] NormalizeObjectives(double[][] matrix)
    {
        int n = matrix.Length, m = matrix[0].Length;
        for (int j = 0; j < m; j++)
        {
            double min = matrix.Min(r => r[j]);
            foreach (var row in matrix)
            {
                row[j] -= min;
            }
        }

        var extreme = new double[m][];
        for (int d = 0; d < m; d++)
        {
            double best = double.PositiveInfinity;
            int bestI = 0;
            for (int i = 0; i < n; i++)
            {
                double asf = double.NegativeInfinity;
                for (int j = 0; j < m; j++)
                {
                    asf = Math.Max(asf, matrix[i][j] * (j == d ? 1.0 : 1e6));
                }

                if (asf < best)
                {
                    best = asf;
                    bestI = i;
                }
            }

            extreme[d] = matrix[bestI];
        }

        double[] interceptsInv;
        var e = Matrix<double>.Build.DenseOfRowArrays(extreme);
        if (extreme.All(r => r.All(double.IsFinite)) && e.Rank() == m)
        {
            interceptsInv = e.Solve(Vector<double>.Build.Dense(m, 1.0)).ToArray();
        }
        else
        {
            interceptsInv = new double[m];
            for (int j = 0; j < m; j++)
            {
                double max = matrix.Max(r => r[j]);
                interceptsInv[j] = 1 / (max == 0 ? 1 : max);
            }
        }

        for (int j = 0; j < m; j++)
        {
            double s = double.IsFinite(interceptsInv[j]) ? interceptsInv[j] : 1;
            foreach (var row in matrix)
            {
                row[j] *= s;
            }
        }

        return matrix;
    }

    private static (int[] Closest, double[] Distance) Associate(double[][] objectives, double[][] referencePoints)
    {
        int n = objectives.Length, m = objectives[0].Length;
        var closest = new int[n];
        var distance = new double[n];
        for (int i = 0; i < n; i++)
        {
            double best = double.PositiveInfinity;
            int bestP = 0;
            for (int p = 0; p < referencePoints.Length; p++)
            {
                var w = referencePoints[p];
                double norm2 = 0, dot = 0;
                for (int j = 0; j < m; j++)
                {
                    norm2 += w[j] * w[j];
                    dot += objectives[i][j] * w[j];
                }

                double d2 = 0;
                for (int j = 0; j < m; j++)
                {
                    double diff = objectives[i][j] - (dot / norm2 * w[j]);
                    d2 += diff * diff;
                }

                double dist = Math.Sqrt(d2);
                if (dist < best)
                {
                    best = dist;
                    bestP = p;
                }
            }

            closest[i] = bestP;
            distance[i] = best;
        }

        return (closest, distance);
    }

    /// <summary>
    /// Picks <paramref name="target"/> members of the last front: repeatedly the reference point with the fewest
    /// associated elite members (random tie-break) gives up its closest candidate when it has no member yet, or a
    /// random one otherwise.
    /// </summary>
    private static List<FrozenTrial> PreserveNiches(int target, int eliteCount, List<FrozenTrial> front, int[] closest, double[] distance, Random rng)
    {
        var candidates = new Dictionary<int, List<(double Distance, int Index)>>();
        for (int i = 0; i < front.Count; i++)
        {
            int r = closest[eliteCount + i];
            if (!candidates.TryGetValue(r, out var list))
            {
                candidates[r] = list = [];
            }

            list.Add((distance[eliteCount + i], i));
        }

        var eliteCountPerPoint = new Dictionary<int, int>();
        for (int i = 0; i < eliteCount; i++)
        {
            eliteCountPerPoint[closest[i]] = eliteCountPerPoint.GetValueOrDefault(closest[i]) + 1;
        }

        var pointsByCount = new Dictionary<int, List<int>>();
        foreach (int r in candidates.Keys.Order())
        {
            int c = eliteCountPerPoint.GetValueOrDefault(r);
            if (!pointsByCount.TryGetValue(c, out var list))
            {
                pointsByCount[c] = list = [];
            }

            list.Add(r);
        }

        var shuffled = new HashSet<int>();
        var chosen = new List<FrozenTrial>(target);
        int count = -1;
        while (chosen.Count < target)
        {
            if (!pointsByCount.TryGetValue(count, out var atCount) || atCount.Count == 0)
            {
                count++;
                if (pointsByCount.TryGetValue(count, out var next))
                {
                    Shuffle(next, rng);
                }

                continue;
            }

            int point = atCount[^1];
            atCount.RemoveAt(atCount.Count - 1);
            var members = candidates[point];
            if (count > 0 && shuffled.Add(point))
            {
                Shuffle(members, rng);
            }
            else if (count == 0)
            {
                members.Sort((a, b) => b.CompareTo(a));
            }

            var picked = members[^1];
            members.RemoveAt(members.Count - 1);
            chosen.Add(front[picked.Index]);
            if (members.Count > 0)
            {
                if (!pointsByCount.TryGetValue(count + 1, out var up))
                {
                    pointsByCount[count + 1] = up = [];
                }

                up.Add(point);
            }
        }

        return chosen;
    }

    private static void Shuffle<T>(List<T> list, Random rng)
    {
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
