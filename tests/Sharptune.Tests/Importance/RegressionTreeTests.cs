using Sharptune.Importance;
using Sharptune.Internal;

namespace Sharptune.Tests.Importance;

/// <summary>
/// The CART trees of the forests against scikit-learn's <c>DecisionTreeRegressor</c> (the trees of Optuna's forests)
/// on the recorded cases of <c>Data/importance_cases.json</c>: every node that does not depend on scikit-learn's random
/// feature order must have the same split (threshold to the bit), value, impurity and weight.
/// </summary>
public sealed class RegressionTreeTests
{
    public static TheoryData<string> CartCases
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (string name in Cart().Keys)
            {
                data.Add(name);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(CartCases))]
    public void SplitsLikeScikitLearn(string name)
    {
        var c = (OrderedDictionary<string, object?>)Cart()[name]!;
        var rowsList = ((List<object?>)c["x"]!).Cast<List<object?>>().ToList();
        int rows = rowsList.Count, features = rowsList[0].Count;
        var x = rowsList.SelectMany(r => r.Select(PyJson.ToDouble)).ToArray();
        var y = ((List<object?>)c["y"]!).Select(PyJson.ToDouble).ToArray();
        var weights = ((List<object?>)c["weights"]!).Select(w => checked((int)(long)w!)).ToArray();
        int maxDepth = c["max_depth"] is long d ? (int)d : int.MaxValue;
        var nodes = ((List<object?>)c["nodes"]!).Cast<OrderedDictionary<string, object?>>().ToList();
        int expectedCount = checked((int)(long)c["node_count"]!);

        foreach (int seed in new[] { 0, 1, 2 })
        {
            var tree = RegressionForest.FitTree(x, y, rows, features, weights, maxDepth, new Random(seed));
            foreach (var node in nodes)
            {
                string path = (string)node["path"]!;
                int id = 0;
                foreach (char step in path)
                {
                    id = step == 'L' ? tree.Left[id] : tree.Right[id];
                    Assert.True(id >= 0, $"{name} seed {seed}: no node at {path}");
                }

                string where = $"{name} seed {seed} node '{path}'";
                int feature = checked((int)(long)node["feature"]!);
                Assert.True(feature == tree.Feature[id], $"{where}: feature {tree.Feature[id]}, scikit-learn {feature}");
                if (feature >= 0)
                {
                    Assert.True(PyJson.ToDouble(node["threshold"]) == tree.Threshold[id], $"{where}: threshold {tree.Threshold[id]:R}, scikit-learn {PyJson.ToDouble(node["threshold"]):R}");
                }

                Assert.True(PyJson.ToDouble(node["weight"]) == tree.Weight[id], $"{where}: weight");
                Assert.True(Math.Abs(PyJson.ToDouble(node["value"]) - tree.Value[id]) <= 1e-12 * Math.Max(1, Math.Abs(tree.Value[id])), $"{where}: value {tree.Value[id]}");
                Assert.True(Math.Abs(PyJson.ToDouble(node["impurity"]) - tree.Impurity[id]) <= 1e-9, $"{where}: impurity {tree.Impurity[id]}");
            }

            if (nodes.Count == expectedCount)
            {
                // Every node is determined: the whole tree and its importances agree.
                Assert.Equal(expectedCount, tree.NodeCount);
                var importances = ((List<object?>)c["feature_importances"]!).Select(PyJson.ToDouble).ToArray();
                var actual = tree.FeatureImportances(features);
                for (int f = 0; f < features; f++)
                {
                    Assert.Equal(importances[f], actual[f], 12);
                }
            }
            else
            {
                // Ties broken differently still leave a tree of the same kind: leaves are pure or single samples.
                Assert.InRange(tree.NodeCount, 1, (2 * weights.Count(w => w > 0)) - 1);
            }
        }
    }

    [Fact]
    public void PredictsTheTrainingTargetsOfAFullTree()
    {
        var random = new Random(5);
        int rows = 50;
        var x = Enumerable.Range(0, rows * 2).Select(_ => random.NextDouble()).ToArray();
        var y = Enumerable.Range(0, rows).Select(i => x[2 * i] - (3 * x[(2 * i) + 1])).ToArray();
        var tree = RegressionForest.FitTree(x, y, rows, 2, Enumerable.Repeat(1, rows).ToArray(), int.MaxValue, new Random(1));
        for (int i = 0; i < rows; i++)
        {
            Assert.Equal(y[i], tree.Predict(x.AsSpan(2 * i, 2)), 12);
        }
    }

    [Fact]
    public void ConstantFeaturesOrTargetsGiveASingleLeaf()
    {
        var x = new double[] { 1, 1, 1, 1 };
        var y = new double[] { 1, 2, 3, 4 };
        var constantX = RegressionForest.FitTree(x, y, 4, 1, [1, 1, 1, 1], 64, new Random(0));
        Assert.Equal(1, constantX.NodeCount);
        Assert.Equal(2.5, constantX.Value[0]);
        var constantY = RegressionForest.FitTree([1, 2, 3, 4], [7, 7, 7, 7], 4, 1, [1, 1, 1, 1], 64, new Random(0));
        Assert.Equal(1, constantY.NodeCount);
    }

    [Fact]
    public void ForestWithTheSameSeedIsTheSame()
    {
        var random = new Random(9);
        int rows = 120;
        var x = Enumerable.Range(0, rows * 3).Select(_ => random.NextDouble()).ToArray();
        var y = Enumerable.Range(0, rows).Select(i => (4 * x[3 * i]) + x[(3 * i) + 1]).ToArray();
        var a = RegressionForest.Fit(x, y, rows, 3, 8, 64, seed: 3);
        var b = RegressionForest.Fit(x, y, rows, 3, 8, 64, seed: 3);
        var c = RegressionForest.Fit(x, y, rows, 3, 8, 64, seed: 4);
        Assert.Equal(a.FeatureImportances(), b.FeatureImportances());
        Assert.NotEqual(a.FeatureImportances(), c.FeatureImportances());
        var importances = a.FeatureImportances();
        Assert.Equal(1.0, importances.Sum(), 12);
        Assert.True(importances[0] > importances[1] && importances[1] > importances[2]);
    }

    private static OrderedDictionary<string, object?> Cart() =>
        (OrderedDictionary<string, object?>)((OrderedDictionary<string, object?>)PyJson.Parse(
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Importance", "Data", "importance_cases.json")))!)["cart"]!;
}
