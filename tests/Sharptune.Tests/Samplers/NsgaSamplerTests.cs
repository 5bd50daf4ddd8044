using Sharptune.Internal;
using Sharptune.Samplers;
using Sharptune.Samplers.Nsga;
using static Sharptune.Tests.SamplerTests.SamplerTestKit;

namespace Sharptune.Tests.SamplerTests;

public class NsgaSamplerTests
{
    private static readonly StudyDirection[] TwoMin = [StudyDirection.Minimize, StudyDirection.Minimize];

    [Fact]
    public void ArgumentErrorsCarryOptunasMessages()
    {
        static string Message(Action a) => Assert.ThrowsAny<ArgumentException>(a).Message;
        Assert.StartsWith("populationSize must be greater than or equal to 2.", Message(() => new NsgaIISampler(populationSize: 1)), StringComparison.Ordinal);
        Assert.StartsWith("mutationProb must be null or a value within the range [0.0, 1.0].", Message(() => new NsgaIISampler(mutationProb: 1.5)), StringComparison.Ordinal);
        Assert.StartsWith("crossoverProb must be a value within the range [0.0, 1.0].", Message(() => new NsgaIISampler(crossoverProb: -0.1)), StringComparison.Ordinal);
        Assert.StartsWith("swappingProb must be a value within the range [0.0, 1.0].", Message(() => new NsgaIISampler(swappingProb: 2)), StringComparison.Ordinal);
        Assert.StartsWith(
            "Using SPXCrossover, the population size should be greater than or equal to 3. The specified populationSize is 2.",
            Message(() => new NsgaIISampler(populationSize: 2, crossover: new SpxCrossover())),
            StringComparison.Ordinal);
        Assert.StartsWith("populationSize must be greater than or equal to 2.", Message(() => new NsgaIIISampler(populationSize: 0)), StringComparison.Ordinal);
        Assert.StartsWith("dividingParameter must be a positive integer.", Message(() => new NsgaIIISampler(dividingParameter: 0)), StringComparison.Ordinal);
        Assert.StartsWith("eta must be greater than or equal to 0.0.", Message(() => new SbxCrossover(eta: -1)), StringComparison.Ordinal);
        Assert.StartsWith("uniformCrossoverProb must be in the range [0.0, 1.0].", Message(() => new VsbxCrossover(uniformCrossoverProb: 3)), StringComparison.Ordinal);
        Assert.StartsWith("useChildGeneProb must be in the range (0.0, 1.0].", Message(() => new SbxCrossover(useChildGeneProb: 0)), StringComparison.Ordinal);
        Assert.StartsWith("swappingProb must be a value within the range [0.0, 1.0].", Message(() => new UniformCrossover(-1)), StringComparison.Ordinal);
        Assert.StartsWith("eta must be a non-negative value.", Message(() => new PolynomialMutation(-2)), StringComparison.Ordinal);
    }

    [Fact]
    public void GenerationsAndParentCacheFollowOptunasBookkeeping()
    {
        var study = Create(new NsgaIISampler(populationSize: 5, seed: 1), TwoMin);
        study.Optimize(t => Zdt1(t), nTrials: 17);
        var generations = study.Trials.Select(t => (int)PyJson.ToDouble(t.SystemAttrs["NSGAIISampler:generation"])).ToArray();
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3], generations);

        // Parents of generation g are trial ids of the elite of generation g−1 and its parents.
        var parents1 = ((System.Collections.IEnumerable)study.SystemAttrs["NSGAIISampler:parent:1"]!).Cast<object?>().Select(PyJson.ToDouble).ToList();
        Assert.Equal(5, parents1.Count);
        Assert.All(parents1, id => Assert.InRange(id, 0, 4));
        var parents2 = ((System.Collections.IEnumerable)study.SystemAttrs["NSGAIISampler:parent:2"]!).Cast<object?>().Select(PyJson.ToDouble).ToList();
        Assert.Equal(5, parents2.Count);
        Assert.All(parents2, id => Assert.InRange(id, 0, 9));
    }

    [Fact]
    public void FailedTrialsDoNotFillAGeneration()
    {
        var study = Create(new NsgaIISampler(populationSize: 4, seed: 2), TwoMin);
        study.Optimize(t => t.Number % 2 == 1 ? throw new InvalidOperationException() : Zdt1(t), new OptimizeOptions { NTrials = 12, Catch = [typeof(InvalidOperationException)] });
        var completeGenerations = study.Trials.Where(t => t.State == TrialState.Complete)
            .Select(t => (int)PyJson.ToDouble(t.SystemAttrs["NSGAIISampler:generation"])).ToArray();
        Assert.Equal([0, 0, 0, 0, 1, 1], completeGenerations);
    }

    [Fact]
    public void Zdt1HypervolumeBeatsRandomSampling()
    {
        double Hv(ISampler sampler)
        {
            var study = Create(sampler, TwoMin);
            study.Optimize(t => Zdt1(t, 6), nTrials: 600);
            return ParetoMath.Hypervolume(study.BestTrials.Select(t => t.Values!.ToArray()).ToList(), [1.1, 11]);
        }

        double nsga = Hv(new NsgaIISampler(populationSize: 20, seed: 3));
        double random = Hv(new RandomSampler(3));
        Assert.True(nsga > random + 0.3, $"NSGA-II {nsga} vs random {random}");
    }

    public static TheoryData<string> Crossovers => new() { "uniform", "blx", "sbx", "vsbx", "spx", "undx" };

    private static ICrossover MakeCrossover(string name) => name switch
    {
        "uniform" => new UniformCrossover(),
        "blx" => new BlxAlphaCrossover(),
        "sbx" => new SbxCrossover(),
        "vsbx" => new VsbxCrossover(),
        "spx" => new SpxCrossover(),
        "undx" => new UndxCrossover(),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Crossovers))]
    public void EveryCrossoverBreedsChildrenInsideTheSpace(string name)
    {
        var study = Create(new NsgaIISampler(populationSize: 8, crossover: MakeCrossover(name), mutation: new PolynomialMutation(), seed: 4), TwoMin);
        study.Optimize(t => [Mixed(t), t.SuggestFloat("z", 0, 1)], nTrials: 60);
        AssertParamsInside(study);
        var a = Create(new NsgaIISampler(populationSize: 8, crossover: MakeCrossover(name), seed: 5), TwoMin);
        a.Optimize(t => Zdt1(t), nTrials: 40);
        var b = Create(new NsgaIISampler(populationSize: 8, crossover: MakeCrossover(name), seed: 5), TwoMin);
        b.Optimize(t => Zdt1(t), nTrials: 40);
        Assert.Equal(History(a), History(b));
    }

    [Theory]
    [MemberData(nameof(Crossovers))]
    public void CrossoversStayNearTheirParents(string name)
    {
        var study = Create(new RandomSampler(0), TwoMin);
        var rng = new MathNet.Numerics.Random.Xoshiro256StarStar(6, threadSafe: false);
        var crossover = MakeCrossover(name);
        (double, double)[] bounds = [(0, 1), (0, 1), (0, 1)];
        double[][] parents = [[0.4, 0.5, 0.6], [0.45, 0.55, 0.5], [0.5, 0.45, 0.55]];
        for (int k = 0; k < 200; k++)
        {
            var child = crossover.Crossover(parents.Take(crossover.ParentCount).ToArray(), rng, study, bounds);
            Assert.Equal(3, child.Length);
            Assert.All(child, v => Assert.InRange(v, 0.0, 1.0));
        }

        // Uniform crossover only copies genes.
        if (name == "uniform")
        {
            var child = crossover.Crossover(parents, rng, study, bounds);
            for (int i = 0; i < 3; i++)
            {
                Assert.Contains(child[i], new[] { parents[0][i], parents[1][i] });
            }
        }
    }

    [Fact]
    public void PolynomialMutationStaysInBoundsAndMovesLittleWithLargeEta()
    {
        var rng = new MathNet.Numerics.Random.Xoshiro256StarStar(7, threadSafe: false);
        var study = Create(new RandomSampler(0));
        var mutation = new PolynomialMutation(eta: 100);
        for (int k = 0; k < 500; k++)
        {
            double v = mutation.Mutate(0.3, rng, study, (0, 1));
            Assert.InRange(v, 0.0, 1.0);
            Assert.InRange(v, 0.1, 0.5);
        }

        Assert.Equal(0.5, mutation.Mutate(0.5, rng, study, (0.5, 0.5)));
    }

    [Fact]
    public void WithoutMutationMutatedParametersAreRedrawn()
    {
        var study = Create(new NsgaIISampler(populationSize: 4, mutationProb: 1.0, crossoverProb: 0, seed: 8), TwoMin);
        study.Optimize(t => Zdt1(t, 3), nTrials: 12);

        // Every gene mutates and is dropped, so later generations are uniformly random, not copies of parents.
        var parents = study.Trials.Take(4).Select(t => (double)t.Params["x0"]!).ToHashSet();
        Assert.DoesNotContain(study.Trials.Skip(4), t => parents.Contains((double)t.Params["x0"]!));
    }

    [Fact]
    public void ConstrainedDominationDrivesThePopulationFeasible()
    {
        var study = Create(new NsgaIISampler(populationSize: 10, seed: 9), TwoMin);
        study.Optimize(
            t =>
            {
                var v = Zdt1(t, 4);
                t.SetConstraint("x0>=0.6", 0.6 - (double)t.Params["x0"]!);
                return v;
            },
            nTrials: 200);
        double FeasibleShare(IEnumerable<FrozenTrial> ts) => ts.Average(t => t.IsFeasible ? 1.0 : 0.0);
        Assert.True(FeasibleShare(study.Trials.Skip(150)) > FeasibleShare(study.Trials.Take(10)) + 0.3);
        Assert.All(study.BestTrials, t => Assert.True(t.IsFeasible));
    }

    [Fact]
    public void NanConstraintsAreRejected()
    {
        var study = Create(new NsgaIISampler(populationSize: 2, seed: 10), TwoMin);
        var e = Assert.Throws<ArgumentException>(() => study.Optimize(
            t =>
            {
                var v = Zdt1(t, 2);
                ((Trial)t).SetSystemAttr("constraints", new List<object?> { double.NaN });
                return v;
            },
            nTrials: 4));
        Assert.Equal("NaN is not acceptable as constraint value.", e.Message);
    }

    [Fact]
    public void SingleObjectiveAndMaximizationWork()
    {
        var study = Study.Create(new StudyOptions { Sampler = new NsgaIISampler(populationSize: 10, seed: 11), Direction = StudyDirection.Maximize });
        study.Optimize(t => -Sphere(t), nTrials: 300);
        Assert.True(study.BestValue > -0.5, $"best {study.BestValue}");
    }

    [Fact]
    public void CustomStrategiesAreUsed()
    {
        int eliteCalls = 0, childCalls = 0;
        var sampler = new NsgaIISampler(
            populationSize: 3,
            seed: 12,
            elitePopulationSelectionStrategy: (s, pool) =>
            {
                eliteCalls++;
                return pool.Take(3).ToList();
            },
            childGenerationStrategy: (s, space, parents) =>
            {
                childCalls++;
                return new Dictionary<string, double> { ["x0"] = 0.25 };
            });
        var study = Create(sampler, TwoMin);
        study.Optimize(t => Zdt1(t, 2), nTrials: 9);
        Assert.Equal(2, eliteCalls);
        Assert.Equal(6, childCalls);
        Assert.All(study.Trials.Skip(3), t => Assert.Equal(0.25, (double)t.Params["x0"]!));
    }

    [Fact]
    public void DasDennisLatticeHasBinomiallyManyPointsSummingToTheDivisions()
    {
        var pts = NsgaIIISampler.DasDennisPoints(3, 3);
        Assert.Equal(10, pts.Length); // C(3 + 3 − 1, 3)
        Assert.All(pts, p => Assert.Equal(3.0, p.Sum()));
        Assert.Equal(pts.Length, pts.Select(p => string.Join(",", p)).Distinct().Count());
        Assert.Equal(15, NsgaIIISampler.DasDennisPoints(5, 2).Length); // C(6, 2)
    }

    [Fact]
    public void NsgaIIISpreadsAThreeObjectiveFront()
    {
        static double[] Dtlz2(ITrial t)
        {
            var x = Enumerable.Range(0, 6).Select(i => t.SuggestFloat("x" + i, 0, 1)).ToArray();
            double g = x.Skip(2).Sum(v => Math.Pow(v - 0.5, 2));
            return
            [
                (1 + g) * Math.Cos(x[0] * Math.PI / 2) * Math.Cos(x[1] * Math.PI / 2),
                (1 + g) * Math.Cos(x[0] * Math.PI / 2) * Math.Sin(x[1] * Math.PI / 2),
                (1 + g) * Math.Sin(x[0] * Math.PI / 2),
            ];
        }

        var dirs = new[] { StudyDirection.Minimize, StudyDirection.Minimize, StudyDirection.Minimize };
        var nsga3 = Create(new NsgaIIISampler(populationSize: 20, seed: 13), dirs);
        nsga3.Optimize(Dtlz2, nTrials: 240);
        var random = Create(new RandomSampler(13), dirs);
        random.Optimize(Dtlz2, nTrials: 240);
        double Hv(Study s) => ParetoMath.Hypervolume(s.BestTrials.Select(t => t.Values!.ToArray()).ToList(), [1.5, 1.5, 1.5]);
        Assert.True(Hv(nsga3) > Hv(random) + 0.05, $"NSGA-III {Hv(nsga3)} vs random {Hv(random)}");
    }

    [Fact]
    public void ReferencePointsMustMatchTheObjectives()
    {
        var study = Create(new NsgaIIISampler(populationSize: 2, referencePoints: [[1.0, 0, 0], [0, 1.0, 0]], seed: 14), TwoMin);
        var e = Assert.Throws<ArgumentException>(() => study.Optimize(t => Zdt1(t, 2), nTrials: 8));
        Assert.Equal("The dimension of reference points vectors must be the same as the number of objectives of the study.", e.Message);
    }

    [Theory]
    [InlineData(4, new[] { 0, 3, 8, 9 })]
    [InlineData(7, new[] { 0, 1, 3, 4, 8, 9, 11 })]
    public void EliteSelectionMatchesOptuna(int populationSize, int[] expected)
    {
        // Optuna 5's NSGAIIElitePopulationSelectionStrategy on the same trials (minimize, maximize), tie at trial 2/5.
        double[][] values =
        [
            [0.238, 0.544], [0.37, 0.604], [0.626, 0.066], [0.013, 0.837], [0.259, 0.234], [0.626, 0.066], [0.836, 0.476],
            [0.639, 0.151], [0.635, 0.868], [0.523, 0.741], [0.671, 0.064], [0.758, 0.591], [0.301, 0.031], [0.866, 0.473],
        ];
        var study = Study.Create(new StudyOptions { Directions = [StudyDirection.Minimize, StudyDirection.Maximize] });
        foreach (var v in values)
        {
            study.AddTrial(Trials.Create(values: v));
        }

        var elite = new NsgaIISampler(populationSize: populationSize).SelectElite(study, study.Trials);
        Assert.Equal(expected, elite.Select(t => t.Number).Order().ToArray());
    }
}
