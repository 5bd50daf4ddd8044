using Microsoft.Extensions.Logging;
using Sharptune.Internal;
using Sharptune.Pruners;
using Sharptune.Tests.Support;

namespace Sharptune.Tests.Pruners;

/// <summary>Intermediate vectors of multi-objective trials: <c>Report(IReadOnlyList&lt;double&gt;, int)</c>.</summary>
public class VectorReportTests
{
    private static Study TwoObjectives(IPruner? pruner = null, ILoggerFactory? loggerFactory = null) => Study.Create(new StudyOptions
    {
        Directions = [StudyDirection.Minimize, StudyDirection.Maximize],
        Pruner = pruner ?? new NopPruner(),
        LoggerFactory = loggerFactory,
    });

    [Fact]
    public void VectorsAreStoredAsOptunaCompatibleSystemAttributesAndReadBack()
    {
        var study = TwoObjectives();
        var trial = study.Ask();
        trial.Report([0.5, 0.25], 3);
        trial.Report(new List<double> { double.NaN, double.PositiveInfinity }, 1);
        var frozen = study.Storage.GetTrial(trial.TrialId);

        Assert.Equal([1, 3], frozen.IntermediateVectors.Keys);
        Assert.Equal([0.5, 0.25], frozen.IntermediateVectors[3]);
        Assert.True(double.IsNaN(frozen.IntermediateVectors[1][0]));
        Assert.Empty(frozen.IntermediateValues);
        Assert.Null(frozen.LastStep);

        // One system attribute per step, a JSON list of floats as Python's json module writes it.
        Assert.Equal("[0.5, 0.25]", PyJson.Serialize(frozen.SystemAttrs["intermediate_values:3"]));
        Assert.Equal("[NaN, Infinity]", PyJson.Serialize(frozen.SystemAttrs["intermediate_values:1"]));
        var csv = new StringWriter();
        study.ExportCsv(csv);
        Assert.Contains("system_attrs_intermediate_values:3", csv.ToString(), StringComparison.Ordinal);

        // A storage that parsed the JSON back (lists of doubles or integers) gives the same vectors.
        var parsed = Trials.Create(TrialState.Complete, values: [1, 2], systemAttrs: new Dictionary<string, object?>
        {
            ["intermediate_values:2"] = PyJson.Parse("[1, 2.5]"),
            ["intermediate_values:x"] = PyJson.Parse("[1, 2]"),
            ["intermediate_values:4"] = "not a list",
        });
        Assert.Equal([2], parsed.IntermediateVectors.Keys);
        Assert.Equal([1.0, 2.5], parsed.IntermediateVectors[2]);
    }

    [Fact]
    public void BadVectorReportsThrowAndRepeatedStepsAreIgnoredWithAWarning()
    {
        using var logs = new TestLoggerFactory();
        var study = TwoObjectives(loggerFactory: logs);
        var trial = study.Ask();
        var e = Assert.Throws<ArgumentException>(() => trial.Report([1.0, 2.0, 3.0], 0));
        Assert.StartsWith("The number of the reported values 3 did not match the number of the objectives 2.", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => trial.Report(null!, 0));
        var step = Assert.Throws<ArgumentOutOfRangeException>(() => trial.Report([1.0, 2.0], -1));
        Assert.StartsWith("`step=-1` must be non-negative.", step.Message, StringComparison.Ordinal);

        trial.Report([1.0, 2.0], 0);
        trial.Report([9.0, 9.0], 0);
        Assert.Equal([1.0, 2.0], study.Storage.GetTrial(trial.TrialId).IntermediateVectors[0]);
        Assert.Contains("The reported value is ignored because this `step` 0 is already reported.", logs.Messages);

        // The scalar Report keeps Optuna's refusal in multi-objective studies, with a pointer to the vector form.
        var scalar = Assert.Throws<NotSupportedException>(() => trial.Report(1.0, 1));
        Assert.StartsWith("Trial.report is not supported for multi-objective optimization.", scalar.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASingleValueVectorIsAScalarReportInASingleObjectiveStudy()
    {
        var study = Study.Create(new StudyOptions { Pruner = new NopPruner() });
        var trial = study.Ask();
        trial.Report([0.75], 2);
        Assert.Equal(0.75, study.Storage.GetTrial(trial.TrialId).IntermediateValues[2]);
        Assert.Empty(study.Storage.GetTrial(trial.TrialId).IntermediateVectors);
        Assert.Throws<ArgumentException>(() => trial.Report([1.0, 2.0], 3));
    }

    [Fact]
    public void APrunedMultiObjectiveTrialKeepsItsLastVectorUnlessItHasNaN()
    {
        var study = TwoObjectives();
        var trial = study.Ask();
        trial.Report([3.0, 4.0], 1);
        trial.Report([1.0, 2.0], 5);
        trial.Report([0.0, 0.0], 2);
        var pruned = study.Tell(trial, state: TrialState.Pruned);
        Assert.Equal([1.0, 2.0], pruned.Values);

        var withNaN = study.Ask();
        withNaN.Report([1.0, double.NaN], 0);
        Assert.Null(study.Tell(withNaN, state: TrialState.Pruned).Values);

        var silent = study.Ask();
        Assert.Null(study.Tell(silent, state: TrialState.Pruned).Values);
    }

    [Fact]
    public void ShouldPruneNeedsAPrunerThatSupportsSeveralObjectives()
    {
        var median = TwoObjectives(new SingleObjectivePruner()).Ask();
        var e = Assert.Throws<NotSupportedException>(() => median.ShouldPrune());
        Assert.StartsWith("Trial.should_prune is not supported for multi-objective optimization.", e.Message, StringComparison.Ordinal);

        var nop = TwoObjectives(new NopPruner()).Ask();
        nop.Report([1.0, 2.0], 0);
        Assert.False(nop.ShouldPrune());
    }

    [Fact]
    public void FixedTrialAndOtherTrialsAcceptVectors()
    {
        var fixedTrial = new FixedTrial(new Dictionary<string, object?>());
        fixedTrial.Report([1.0, 2.0], 0);
        Assert.False(fixedTrial.ShouldPrune());

        ITrial minimal = new MinimalTrial();
        minimal.Report([4.0], 3);
        Assert.Equal((4.0, 3), ((MinimalTrial)minimal).Last);
        Assert.Throws<NotSupportedException>(() => minimal.Report([1.0, 2.0], 0));
    }

    /// <summary>A pruner that keeps the default: single-objective only.</summary>
    private sealed class SingleObjectivePruner : IPruner
    {
        public bool Prune(Study study, FrozenTrial trial) => study.Direction == StudyDirection.Minimize;
    }

    /// <summary>An ITrial that implements only the scalar report: the interface's default takes single-value vectors.</summary>
    private sealed class MinimalTrial : ITrial
    {
        public (double, int) Last { get; private set; }

        public int Number => 0;

        public IReadOnlyDictionary<string, object?> Params => new Dictionary<string, object?>();

        public IReadOnlyDictionary<string, Distribution> Distributions => new Dictionary<string, Distribution>();

        public IReadOnlyDictionary<string, object?> UserAttrs => new Dictionary<string, object?>();

        public DateTime? DatetimeStart => null;

        public double SuggestFloat(string name, double low, double high, double? step = null, bool log = false) => low;

        public int SuggestInt(string name, int low, int high, int step = 1, bool log = false) => low;

        public long SuggestLong(string name, long low, long high, long step = 1, bool log = false) => low;

        public T SuggestCategorical<T>(string name, IReadOnlyList<T> choices) => choices[0];

        public void Report(double value, int step) => Last = (value, step);

        public bool ShouldPrune() => false;

        public void SetUserAttr(string key, object? value)
        {
        }

        public void SetConstraint(string key, double value)
        {
        }
    }
}
