using Sharptune.Importance;

namespace Sharptune.Tests.Importance;

public sealed class ImportanceGetTests
{
    private sealed class FixedEvaluator(params (string Name, double Value)[] values) : IImportanceEvaluator
    {
        public IReadOnlyList<string>? SeenParameters { get; private set; }

        public IReadOnlyDictionary<string, double> Evaluate(Study study, IReadOnlyList<string>? parameters = null, Func<FrozenTrial, double>? target = null)
        {
            SeenParameters = parameters;
            var result = new OrderedDictionary<string, double>();
            foreach (var (name, value) in values)
            {
                result.Add(name, value);
            }

            return result;
        }
    }

    private sealed class NullEvaluator : IImportanceEvaluator
    {
        public IReadOnlyDictionary<string, double> Evaluate(Study study, IReadOnlyList<string>? parameters = null, Func<FrozenTrial, double>? target = null) => null!;
    }

    [Fact]
    public void UsersEvaluatorIsNormalizedKeepingItsOrder()
    {
        var evaluator = new FixedEvaluator(("b", 3), ("a", 1));
        var result = Sharptune.Importance.Importance.Get(Study.Create(), evaluator, parameters: ["a", "b"]);
        Assert.Equal(["b", "a"], result.Keys.ToArray());
        Assert.Equal([0.75, 0.25], result.Values.ToArray());
        Assert.Equal(["a", "b"], evaluator.SeenParameters);
    }

    [Fact]
    public void AllZeroImportancesBecomeEqualShares()
    {
        var result = Sharptune.Importance.Importance.Get(Study.Create(), new FixedEvaluator(("a", 0), ("b", 0), ("c", 0), ("d", 0)));
        Assert.Equal([0.25, 0.25, 0.25, 0.25], result.Values.ToArray());
    }

    [Fact]
    public void ResultIsReadOnly()
    {
        var result = Sharptune.Importance.Importance.Get(Study.Create(), new FixedEvaluator(("a", 2)));
        var asDictionary = Assert.IsAssignableFrom<IDictionary<string, double>>(result);
        Assert.Throws<NotSupportedException>(() => asDictionary["a"] = 5);
    }

    [Fact]
    public void NullStudyIsRejected()
    {
        Assert.Throws<ArgumentNullException>(() => Sharptune.Importance.Importance.Get(null!));
    }

    [Fact]
    public void EvaluatorReturningNullIsReported()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Sharptune.Importance.Importance.Get(Study.Create(), new NullEvaluator()));
        Assert.Equal("NullEvaluator.Evaluate returned null.", ex.Message);
    }
}
