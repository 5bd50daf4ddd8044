using Sharptune.Importance;

namespace Sharptune.Tests.Importance;

public sealed class FanovaTests
{
    /// <summary>
    /// The marginal variance by the definition Optuna's implementation follows: for every cell of the grid the
    /// tree's thresholds cut along the group, walk the tree with the cell's midpoint, following the group's splits and
    /// both children of every other split, and average the reached leaves weighted by their volume along the other
    /// features; then the variance over the cells weighted by their volume.
    /// </summary>
    private static double ReferenceMarginalVariance(RegressionTree tree, (double Low, double High)[] bounds, int[] group)
    {
        int d = bounds.Length;
        var grids = group.Select(f =>
        {
            var cuts = Enumerable.Range(0, tree.NodeCount).Where(n => tree.Left[n] >= 0 && tree.Feature[n] == f)
                .Select(n => tree.Threshold[n]).Distinct().Order().ToList();
            return new[] { bounds[f].Low }.Concat(cuts).Append(bounds[f].High).ToArray();
        }).ToArray();
        var values = new List<double>();
        var weights = new List<double>();
        var index = new int[group.Length];
        while (true)
        {
            var point = new double[d];
            double size = 1;
            for (int j = 0; j < group.Length; j++)
            {
                var b = grids[j];
                point[group[j]] = 0.5 * (b[index[j]] + b[index[j] + 1]);
                size *= b[index[j] + 1] - b[index[j]];
            }

            double valueSum = 0, weightSum = 0;
            var stack = new Stack<(int Node, double[] Low, double[] High)>();
            stack.Push((0, bounds.Select(b => b.Low).ToArray(), bounds.Select(b => b.High).ToArray()));
            while (stack.Count > 0)
            {
                var (node, low, high) = stack.Pop();
                if (tree.Left[node] < 0)
                {
                    double volume = 1;
                    for (int f = 0; f < d; f++)
                    {
                        if (!group.Contains(f))
                        {
                            volume *= high[f] - low[f];
                        }
                    }

                    valueSum += volume * tree.Value[node];
                    weightSum += volume;
                    continue;
                }

                int feature = tree.Feature[node];
                double t = tree.Threshold[node];
                var lh = (double[])high.Clone();
                lh[feature] = t;
                var rl = (double[])low.Clone();
                rl[feature] = t;
                if (group.Contains(feature))
                {
                    stack.Push(point[feature] <= t ? (tree.Left[node], low, lh) : (tree.Right[node], rl, high));
                }
                else
                {
                    stack.Push((tree.Left[node], low, lh));
                    stack.Push((tree.Right[node], rl, high));
                }
            }

            values.Add(valueSum / weightSum);
            weights.Add(weightSum * size);
            int k = group.Length - 1;
            while (k >= 0 && ++index[k] == grids[k].Length - 1)
            {
                index[k] = 0;
                k--;
            }

            if (k < 0)
            {
                break;
            }
        }

        double mean = values.Zip(weights, (v, w) => v * w).Sum() / weights.Sum();
        return values.Zip(weights, (v, w) => w * (v - mean) * (v - mean)).Sum() / weights.Sum();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void MarginalVarianceEqualsTheTreeWalkDefinition(int seed)
    {
        // Two numeric features and a three-choice categorical (one-hot columns 2..4), a target using all of them.
        var random = new Random(seed);
        int rows = 150;
        var x = new double[rows * 5];
        var y = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double a = random.NextDouble() * 4 - 2, b = random.Next(0, 11);
            int c = random.Next(3);
            x[i * 5] = a;
            x[(i * 5) + 1] = b;
            x[(i * 5) + 2 + c] = 1;
            y[i] = (a * a) + (0.3 * b) + (c == 1 ? 2 : 0) + (a * (c == 2 ? 1 : 0)) + (0.1 * random.NextDouble());
        }

        var bounds = new (double, double)[] { (-2, 2), (0, 10), (0, 1), (0, 1), (0, 1) };
        var forest = RegressionForest.Fit(x, y, rows, 5, 4, 64, seed);
        foreach (var tree in forest.Trees)
        {
            var fanova = new FanovaTree(tree, bounds);
            foreach (var group in new[] { new[] { 0 }, new[] { 1 }, new[] { 2, 3, 4 }, new[] { 3 } })
            {
                double expected = ReferenceMarginalVariance(tree, bounds, group);
                Assert.Equal(expected, fanova.MarginalVariance(group), 1e-9 * Math.Max(1, expected));
            }

            // The marginal along every feature at once is the prediction itself: its variance is the tree's.
            Assert.Equal(fanova.Variance, ReferenceMarginalVariance(tree, bounds, [0, 1, 2, 3, 4]), 1e-9 * Math.Max(1, fanova.Variance));
        }
    }

    private static Study Linear(int nTrials, int directions = 1)
    {
        var study = Study.Create(new StudyOptions
        {
            Sampler = new Samplers.RandomSampler(seed: 11),
            Directions = [.. Enumerable.Repeat(StudyDirection.Minimize, directions)],
        });
        if (directions == 1)
        {
            study.Optimize(t => (3 * t.SuggestFloat("x", 0, 1)) + t.SuggestFloat("y", 0, 1) + (0 * t.SuggestInt("z", 0, 4)), nTrials: nTrials);
        }
        else
        {
            study.Optimize(t => [t.SuggestFloat("x", 0, 1), t.SuggestFloat("y", 0, 1)], nTrials: nTrials);
        }

        return study;
    }

    public static TheoryData<string> Forests => ["fanova", "mdi"];

    private static IImportanceEvaluator Create(string kind, int nTrees = 64, int maxDepth = 64, int? seed = 0) =>
        kind == "fanova" ? new FanovaImportanceEvaluator(nTrees, maxDepth, seed) : new MeanDecreaseImpurityImportanceEvaluator(nTrees, maxDepth, seed);

    [Fact]
    public void DefaultsAreOptunas()
    {
        var fanova = new FanovaImportanceEvaluator();
        Assert.Equal((64, 64, (int?)null), (fanova.NTrees, fanova.MaxDepth, fanova.Seed));
        var mdi = new MeanDecreaseImpurityImportanceEvaluator();
        Assert.Equal((64, 64, (int?)null), (mdi.NTrees, mdi.MaxDepth, mdi.Seed));
    }

    [Theory]
    [MemberData(nameof(Forests))]
    public void RanksTheStructureAndIsDeterministicWhenSeeded(string kind)
    {
        var study = Linear(150);
        var first = Sharptune.Importance.Importance.Get(study, Create(kind));
        Assert.Equal(["x", "y", "z"], first.Keys.ToArray());
        Assert.Equal(first.ToList(), Sharptune.Importance.Importance.Get(study, Create(kind)).ToList());
        Assert.NotEqual(first.ToList(), Sharptune.Importance.Importance.Get(study, Create(kind, seed: 1)).ToList());
    }

    [Theory]
    [MemberData(nameof(Forests))]
    public void MultiObjectiveStudyNeedsATarget(string kind)
    {
        var study = Linear(20, directions: 2);
        var ex = Assert.Throws<ArgumentException>(() => Sharptune.Importance.Importance.Get(study, Create(kind)));
        Assert.StartsWith(
            "If the study is multi-objective, please specify target. For example, use target: t => t.Values![0] for the first objective value.",
            ex.Message);
        var second = Sharptune.Importance.Importance.Get(study, Create(kind), target: t => t.Values![1]);
        Assert.Equal("y", second.Keys.First());
    }

    [Theory]
    [InlineData("fanova", 0, 64, "nTrees", "nTrees must be at least 1. Got 0 instead.")]
    [InlineData("mdi", -3, 64, "nTrees", "nTrees must be at least 1. Got -3 instead.")]
    [InlineData("fanova", 64, 0, "maxDepth", "maxDepth must be at least 1, or null. Got 0 instead.")]
    [InlineData("mdi", 64, -1, "maxDepth", "maxDepth must be at least 1, or null. Got -1 instead.")]
    public void RejectsBadForestSettings(string kind, int nTrees, int maxDepth, string parameter, string message)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Create(kind, nTrees, maxDepth));
        Assert.Equal(parameter, ex.ParamName);
        Assert.StartsWith(message, ex.Message);
    }

    [Fact]
    public void ConstantObjectiveHasNoVarianceToExplain()
    {
        var study = Study.Create(new StudyOptions { Sampler = new Samplers.RandomSampler(seed: 1) });
        study.Optimize(t => 0 * t.SuggestFloat("x", 0, 1), nTrials: 10);
        var ex = Assert.Throws<InvalidOperationException>(() => Sharptune.Importance.Importance.Get(study, new FanovaImportanceEvaluator(seed: 0)));
        Assert.Equal("Encountered zero total variance in all trees.", ex.Message);

        // Mean decrease impurity has no split to credit: all zeros, i.e. equal shares.
        var mdi = Sharptune.Importance.Importance.Get(study, new MeanDecreaseImpurityImportanceEvaluator(seed: 0));
        Assert.Equal(1.0, mdi["x"]);
    }

    [Theory]
    [MemberData(nameof(Forests))]
    public void DynamicSearchSpaceWithNamedParametersIsRejected(string kind)
    {
        var study = Study.Create(new StudyOptions { Sampler = new Samplers.RandomSampler(seed: 2) });
        study.Optimize(t => t.SuggestFloat("x", 0, t.Number < 5 ? 1 : 2), nTrials: 10);
        var ex = Assert.Throws<ArgumentException>(() => Sharptune.Importance.Importance.Get(study, Create(kind), parameters: ["x"]));
        Assert.StartsWith("Parameters importances cannot be assessed with dynamic search spaces if parameters are specified. Specified parameters: ['x'].", ex.Message);

        // Without names the changing parameter is not in the intersection search space: nothing to assess.
        Assert.Empty(Sharptune.Importance.Importance.Get(study, Create(kind)));
    }

    [Theory]
    [MemberData(nameof(Forests))]
    public void NamedParametersAreLabelledByName(string kind)
    {
        var study = Linear(150);
        var result = Sharptune.Importance.Importance.Get(study, Create(kind), parameters: ["z", "x"]);
        Assert.Equal(["x", "z"], result.Keys.ToArray());
        Assert.True(result["x"] > 0.9);
    }

    [Fact]
    public void EvaluatorsMayBeUsedFromManyThreads()
    {
        var study = Linear(200);
        var fanova = new FanovaImportanceEvaluator(nTrees: 8, seed: 5);
        var expected = fanova.Evaluate(study).ToList();
        Parallel.For(0, 6, _ => Assert.Equal(expected, fanova.Evaluate(study).ToList()));
    }
}
