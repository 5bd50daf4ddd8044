using Microsoft.Extensions.Logging;
using Sharptune.Samplers;

namespace Sharptune.Tests.SamplerTests;

/// <summary>Objectives, spaces and a capturing logger shared by the sampler tests.</summary>
internal static class SamplerTestKit
{
    public static readonly string[] Colors = ["red", "green", "blue"];

    /// <summary>Every kind of parameter: continuous, log, stepped float, int, stepped int, log int, categorical.</summary>
    public static double Mixed(ITrial t)
    {
        double a = t.SuggestFloat("a", -3, 2);
        double b = t.SuggestFloat("b", 1e-3, 10, log: true);
        double c = t.SuggestFloat("c", 0, 1, step: 0.25);
        int d = t.SuggestInt("d", -4, 6);
        int e = t.SuggestInt("e", 0, 20, step: 5);
        int f = t.SuggestInt("f", 1, 64, log: true);
        string g = t.SuggestCategorical("g", Colors);
        return (a * a) + Math.Abs(Math.Log10(b)) + c + Math.Abs(d - 1) + (e / 10.0) + Math.Log2(f) + (g == "green" ? 0 : 1);
    }

    /// <summary>A conditional space: which parameters exist depends on a categorical.</summary>
    public static double Conditional(ITrial t)
    {
        string kind = t.SuggestCategorical("kind", ["linear", "tree"]);
        double shared = t.SuggestFloat("shared", 0, 1);
        if (kind == "linear")
        {
            return shared + Math.Pow(Math.Log10(t.SuggestFloat("lr", 1e-4, 1, log: true)) + 2, 2);
        }

        return shared + (Math.Pow(t.SuggestInt("depth", 1, 10) - 4, 2) / 10.0);
    }

    public static double Sphere(ITrial t, int dims = 3)
    {
        double s = 0;
        for (int i = 0; i < dims; i++)
        {
            double x = t.SuggestFloat("x" + i, -5, 5);
            s += (x - 1) * (x - 1);
        }

        return s;
    }

    public static double[] Zdt1(ITrial t, int dims = 5)
    {
        var x = new double[dims];
        for (int i = 0; i < dims; i++)
        {
            x[i] = t.SuggestFloat("x" + i, 0, 1);
        }

        double f1 = x[0];
        double g = 1 + (9 * x.Skip(1).Sum() / (dims - 1));
        return [f1, g * (1 - Math.Sqrt(f1 / g))];
    }

    /// <summary>
    /// Asserts that every parameter of every trial lies in its distribution (grid included) and, for continuous
    /// floats of transform-based samplers, strictly below high (Optuna clips those draws to nextafter(high)).
    /// </summary>
    public static void AssertParamsInside(Study study, bool strictHigh = true)
    {
        foreach (var t in study.Trials)
        {
            foreach (var (name, v) in t.InternalParams)
            {
                var dist = t.Distributions[name];
                Assert.True(dist.Contains(v), $"trial {t.Number}: {name}={v} outside {dist}");
                if (dist is FloatDistribution { Step: null } f && !f.IsSingle)
                {
                    Assert.True(v >= f.Low && (strictHigh ? v < f.High : v <= f.High), $"trial {t.Number}: {name}={v} not in [{f.Low}, {f.High})");
                }
            }
        }
    }

    /// <summary>The parameters of all trials, in order, for reproducibility checks.</summary>
    public static List<string> History(Study study) =>
        [.. study.Trials.Select(t => string.Join(";", t.Params.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")))];

    public static Study Create(ISampler sampler, params StudyDirection[] directions) =>
        Study.Create(new StudyOptions { Sampler = sampler, Directions = directions.Length == 0 ? null : directions });
}
