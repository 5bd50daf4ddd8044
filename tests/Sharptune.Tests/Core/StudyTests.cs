using Sharptune.Samplers;
using Sharptune.Storages;
using Sharptune.Tests.Support;

namespace Sharptune.Tests.Core;

public class StudyTests
{
    private static Study NewStudy(StudyOptions? o = null)
    {
        o ??= new StudyOptions();
        o.Sampler ??= new RandomSampler(seed: 7);
        return Study.Create(o);
    }

    [Fact]
    public void CreateGivesAnAutomaticNameAndMinimizeByDefault()
    {
        var study = NewStudy();
        Assert.StartsWith("no-name-", study.StudyName);
        Assert.True(Guid.TryParse(study.StudyName["no-name-".Length..], out _));
        Assert.Equal([StudyDirection.Minimize], study.Directions);
        Assert.Equal(StudyDirection.Minimize, study.Direction);
    }

    [Fact]
    public void CreateRejectsBadDirections()
    {
        Assert.StartsWith("Specify only one of StudyOptions.Direction and StudyOptions.Directions.",
            Assert.Throws<ArgumentException>(() => Study.Create(new StudyOptions { Direction = StudyDirection.Minimize, Directions = [StudyDirection.Maximize] })).Message);
        Assert.StartsWith("Please set either 'minimize' or 'maximize' to direction. You specified NotSet.",
            Assert.Throws<ArgumentException>(() => Study.Create(new StudyOptions { Direction = StudyDirection.NotSet })).Message);
        Assert.StartsWith("The number of objectives must be greater than 0.",
            Assert.Throws<ArgumentException>(() => Study.Create(new StudyOptions { Directions = [] })).Message);
    }

    [Fact]
    public void DuplicateNamesFailUnlessLoadIfExists()
    {
        var storage = new InMemoryStorage();
        var first = NewStudy(new StudyOptions { StudyName = "s", Storage = storage });
        first.Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 3);
        var duplicated = Assert.Throws<DuplicatedStudyException>(() => Study.Create(new StudyOptions { StudyName = "s", Storage = storage }));
        Assert.Equal(
            "Another study with name 's' already exists. Please specify a name not in the storage, or reuse the existing one by setting `LoadIfExists` (for Study.Create) or the `--skip-if-exists` flag (for the command line).\nUse `Study.GetAllStudyNames(storage)` to list all the used names.",
            duplicated.Message);
        Assert.IsType<DuplicatedStudyException>(duplicated.InnerException);
        var again = Study.Create(new StudyOptions { StudyName = "s", Storage = storage, LoadIfExists = true });
        Assert.Equal(first.StudyId, again.StudyId);
        Assert.Equal(3, again.Trials.Count);
    }

    [Fact]
    public void LoadDeleteAndNames()
    {
        var storage = new InMemoryStorage();
        NewStudy(new StudyOptions { StudyName = "a", Storage = storage });
        Assert.Equal("a", Study.Load(null, storage).StudyName);
        NewStudy(new StudyOptions { StudyName = "b", Storage = storage, Directions = [StudyDirection.Minimize, StudyDirection.Maximize] });
        var ambiguous = Assert.Throws<ArgumentException>(() => Study.Load(null, storage));
        Assert.StartsWith("Could not determine the study name since the storage", ambiguous.Message);
        Assert.Contains("does not contain exactly 1 study. Specify `studyName` from ['a', 'b'].", ambiguous.Message);
        Assert.Equal(["a", "b"], Study.GetAllStudyNames(storage));
        Assert.Throws<KeyNotFoundException>(() => Study.Load("missing", storage));
        Study.Delete("a", storage);
        Assert.Equal(["b"], Study.GetAllStudyNames(storage));
        Assert.Throws<KeyNotFoundException>(() => Study.Delete("a", storage));
    }

    [Fact]
    public void CopyRenumbersTrialsAndKeepsAttributes()
    {
        var from = new InMemoryStorage();
        var to = new InMemoryStorage();
        var study = NewStudy(new StudyOptions { StudyName = "src", Storage = from, Direction = StudyDirection.Maximize });
        study.SetUserAttr("owner", "me");
        study.Optimize(t => t.SuggestInt("n", 0, 10), nTrials: 5);
        var copy = Study.Copy("src", from, to, "dst");
        Assert.Equal("dst", copy.StudyName);
        Assert.Equal(StudyDirection.Maximize, copy.Direction);
        Assert.Equal("me", copy.UserAttrs["owner"]);
        Assert.Equal(Enumerable.Range(0, 5), copy.Trials.Select(t => t.Number));
        Assert.Equal(study.Trials.Select(t => t.Params["n"]), copy.Trials.Select(t => t.Params["n"]));
        Assert.Equal(study.BestValue, copy.BestValue);
    }

    [Fact]
    public void SummariesReportCountsBestAndStart()
    {
        var storage = new InMemoryStorage();
        var s = NewStudy(new StudyOptions { StudyName = "x", Storage = storage });
        s.Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 4);
        var summary = Assert.Single(Study.GetAllStudySummaries(storage));
        Assert.Equal("x", summary.StudyName);
        Assert.Equal(4, summary.NTrials);
        Assert.Equal(s.BestTrial.Number, summary.BestTrial!.Number);
        Assert.Equal(s.Trials[0].DatetimeStart, summary.DatetimeStart);
        Assert.Null(Study.GetAllStudySummaries(storage, includeBestTrial: false)[0].BestTrial);

        // Optuna 5 removed the deprecated system_attrs from StudySummary.
        Assert.Null(typeof(StudySummary).GetProperty("SystemAttrs"));
    }

    [Fact]
    public void BestTrialErrors()
    {
        var study = NewStudy();
        Assert.Equal("No trials are completed yet.", Assert.Throws<InvalidOperationException>(() => study.BestTrial).Message);
        Assert.Equal("No trials are completed yet.", Assert.Throws<InvalidOperationException>(() => study.BestValue).Message);
        var multi = NewStudy(new StudyOptions { Directions = [StudyDirection.Minimize, StudyDirection.Minimize] });
        Assert.StartsWith("A single best trial cannot be retrieved from a multi-objective study.", Assert.Throws<InvalidOperationException>(() => multi.BestTrial).Message);
        Assert.Throws<InvalidOperationException>(() => multi.Direction);
        Assert.Empty(multi.BestTrials);
    }

    [Fact]
    public void BestTrialSkipsInfeasibleTrials()
    {
        var study = NewStudy();
        study.AddTrial(Trials.Create(value: 0.0, constraints: new Dictionary<string, double> { ["c"] = 1.0 }));
        Assert.Equal("No feasible trials are completed yet.", Assert.Throws<InvalidOperationException>(() => study.BestTrial).Message);
        study.AddTrial(Trials.Create(value: 5.0, constraints: new Dictionary<string, double> { ["c"] = -1.0 }));
        study.AddTrial(Trials.Create(value: 3.0, constraints: new Dictionary<string, double> { ["c"] = 0.0 }));
        Assert.Equal(2, study.BestTrial.Number);
        Assert.Equal(3.0, study.BestValue);
    }

    [Fact]
    public void BestTrialsIsTheParetoFront()
    {
        var study = NewStudy(new StudyOptions { Directions = [StudyDirection.Minimize, StudyDirection.Maximize] });
        study.AddTrial(Trials.Create(values: [1, 1]));
        study.AddTrial(Trials.Create(values: [2, 3]));
        study.AddTrial(Trials.Create(values: [2, 2])); // dominated by #1
        study.AddTrial(Trials.Create(values: [0, 0]));
        study.AddTrial(Trials.Create(values: [1, 1])); // duplicate of #0 stays on the front
        Assert.Equal([0, 1, 3, 4], study.BestTrials.Select(t => t.Number));
    }

    [Fact]
    public void AddTrialValidatesLikeOptuna()
    {
        var study = NewStudy();
        Assert.StartsWith("The added trial has 2 values, which is different from the number of objectives 1 in the study (determined by Study.directions).",
            Assert.Throws<ArgumentException>(() => study.AddTrial(Trials.Create(values: [1, 2]))).Message);
        Assert.StartsWith("values should be set for a complete trial.",
            Assert.Throws<ArgumentException>(() => Trials.Create(state: TrialState.Complete)).Message);
        Assert.StartsWith("Values should be null for a failed trial, but got [1.0].",
            Assert.Throws<ArgumentException>(() => Trials.Create(state: TrialState.Fail, value: 1.0)).Message);
        Assert.StartsWith("values should not contain NaN.",
            Assert.Throws<ArgumentException>(() => Trials.Create(value: double.NaN)).Message);
        Assert.StartsWith("Specify only one of value and values.",
            Assert.Throws<ArgumentException>(() => Trials.Create(value: 1, values: [1])).Message);
        Assert.StartsWith("The value 11.0 of parameter 'x' isn't contained in the distribution FloatDistribution(high=10.0, log=False, low=0.0, step=None).",
            Assert.Throws<ArgumentException>(() => Trials.Create(value: 1, @params: new Dictionary<string, object?> { ["x"] = 11.0 }, distributions: new Dictionary<string, Distribution> { ["x"] = new FloatDistribution(0, 10) })).Message);

        study.AddTrial(Trials.Create(value: 4, @params: new Dictionary<string, object?> { ["x"] = 2.0 }, distributions: new Dictionary<string, Distribution> { ["x"] = new FloatDistribution(0, 10) }));
        var t = Assert.Single(study.Trials);
        Assert.Equal(0, t.Number);
        Assert.Equal(2.0, t.Params["x"]);
        Assert.Equal(t.DatetimeStart, t.DatetimeComplete);
    }

    [Fact]
    public void UserAttributesAndMetricNames()
    {
        var study = NewStudy(new StudyOptions { Directions = [StudyDirection.Minimize, StudyDirection.Maximize] });
        study.SetUserAttr("k", new List<object?> { 1, "two" });
        Assert.Equal(new List<object?> { 1, "two" }, study.UserAttrs["k"]);
        Assert.Null(study.MetricNames);
        study.SetMetricNames(["loss", "acc"]);
        Assert.Equal(["loss", "acc"], study.MetricNames);
        Assert.StartsWith("The number of objectives must match the length of the metric names.",
            Assert.Throws<ArgumentException>(() => study.SetMetricNames(["only"])).Message);
    }

    [Fact]
    public void StopOutsideTheOptimizeLoopFails()
    {
        var study = NewStudy();
        Assert.Equal("`Study.stop` is supposed to be invoked inside an objective function or a callback.",
            Assert.Throws<InvalidOperationException>(study.Stop).Message);
    }

    [Fact]
    public void CsvExportHasTrialsDataframeColumns()
    {
        var study = NewStudy();
        study.Optimize(t =>
        {
            t.SetUserAttr("note", "a,b");
            return t.SuggestFloat("x", 0, 1) + t.SuggestInt("n", 1, 3);
        }, nTrials: 2);
        var w = new StringWriter();
        study.ExportCsv(w);
        var lines = w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("number,value,datetime_start,datetime_complete,duration,params_n,params_x,user_attrs_note,state", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.EndsWith(",\"a,b\",COMPLETE", lines[1]);
        Assert.StartsWith("0,", lines[1]);
        Assert.Matches(@"^0,[0-9.e+-]+,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6},\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6},0 days 00:00:00(\.\d{6})?,[123],", lines[1]);
    }

    [Fact]
    public void LogsUseOptunaTexts()
    {
        var logs = new TestLoggerFactory();
        var study = NewStudy(new StudyOptions { LoggerFactory = logs, StudyName = "logged" });
        study.Optimize(t => t.SuggestCategorical("c", ["a", "b"]) == "a" ? 1.0 : 2.0, nTrials: 1);
        study.Optimize(_ => double.NaN, nTrials: 1);
        study.Optimize((Func<ITrial, double>)(_ => throw new TrialPrunedException("too slow")), nTrials: 1);
        var m = logs.Messages;
        Assert.Contains("A new study created in memory with name: logged", m);
        Assert.Matches(@"^Trial 0 finished with value: [12]\.0 and parameters: \{'c': '[ab]'\}\. Best is trial 0 with value: [12]\.0\.$", m[1]);
        Assert.Contains("Trial 1 failed with parameters: {} because of the following error: The value nan is not acceptable.", m);
        Assert.Contains("Trial 1 failed with value nan.", m);
        Assert.Contains("Trial 2 pruned. too slow", m);
    }
}
