using Microsoft.ML;
using Microsoft.ML.Data;

namespace Sharptune.ML.Tests;

/// <summary>Small seeded data sets: a signal vector that predicts the label and a noise vector that does not.</summary>
internal static class SyntheticData
{
    public const int Width = 4;

    public sealed class BinaryRow
    {
        [VectorType(Width)] public float[] Features { get; set; } = [];
        [VectorType(Width)] public float[] Noise { get; set; } = [];
        public bool Label { get; set; }
    }

    public sealed class RegressionRow
    {
        [VectorType(Width)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    public sealed class MulticlassRow
    {
        [VectorType(Width)] public float[] Features { get; set; } = [];
        public string Class { get; set; } = "";
    }

    public sealed class RankingRow
    {
        [VectorType(Width)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
        public uint Query { get; set; }
    }

    public static IDataView Binary(MLContext ml, int rows = 240, int seed = 1)
    {
        var rng = new Random(seed);
        var data = new List<BinaryRow>(rows);
        for (int i = 0; i < rows; i++)
        {
            var x = Vector(rng);
            double logit = (2.0 * x[0]) - (1.5 * x[1]) + (x[2] * x[3]) + (0.5 * Gaussian(rng));
            data.Add(new BinaryRow { Features = x, Noise = Vector(rng), Label = logit > 0 });
        }

        return ml.Data.LoadFromEnumerable(data);
    }

    public static IDataView Regression(MLContext ml, int rows = 240, int seed = 2)
    {
        var rng = new Random(seed);
        var data = new List<RegressionRow>(rows);
        for (int i = 0; i < rows; i++)
        {
            var x = Vector(rng);
            data.Add(new RegressionRow { Features = x, Label = (float)((3 * x[0]) + (x[1] * x[1]) - x[2] + (0.3 * Gaussian(rng))) });
        }

        return ml.Data.LoadFromEnumerable(data);
    }

    public static IDataView Multiclass(MLContext ml, int rows = 240, int seed = 3)
    {
        var rng = new Random(seed);
        var data = new List<MulticlassRow>(rows);
        for (int i = 0; i < rows; i++)
        {
            var x = Vector(rng);
            double s = x[0] + (0.5 * x[1]) + (0.3 * Gaussian(rng));
            data.Add(new MulticlassRow { Features = x, Class = s < -0.5 ? "low" : s < 0.5 ? "mid" : "high" });
        }

        return ml.Data.LoadFromEnumerable(data);
    }

    public static IDataView Ranking(MLContext ml, int queries = 40, int perQuery = 8, int seed = 4)
    {
        var rng = new Random(seed);
        var data = new List<RankingRow>(queries * perQuery);
        for (uint q = 1; q <= queries; q++)
        {
            for (int i = 0; i < perQuery; i++)
            {
                var x = Vector(rng);
                double relevance = x[0] + (0.5 * x[1]) + (0.3 * Gaussian(rng));
                data.Add(new RankingRow { Features = x, Label = relevance < -0.5 ? 0 : relevance < 0.3 ? 1 : relevance < 1 ? 2 : 3, Query = q });
            }
        }

        return ml.Data.LoadFromEnumerable(data);
    }

    private static float[] Vector(Random rng)
    {
        var x = new float[Width];
        for (int j = 0; j < Width; j++)
        {
            x[j] = (float)Gaussian(rng);
        }

        return x;
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
