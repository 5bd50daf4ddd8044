using Sharptune.Storages.Tests.Support;

namespace Sharptune.Storages.Tests.Rdb;

/// <summary>MaxTrialsCallback is exact with parallel workers (Optuna's may overshoot by one trial per worker).</summary>
public sealed class MaxTrialsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Kinds => new() { "memory", "sqlite", "journal" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ParallelWorkers_StopAtExactlyTheCap(string kind)
    {
        IStorage storage = kind switch
        {
            "memory" => new InMemoryStorage(),
            "sqlite" => new RdbStorage("sqlite:///" + _dir.File("cap.db")),
            _ => new JournalStorage(_dir.File("cap.log")),
        };
        try
        {
            var study = Study.Create(new StudyOptions { Storage = storage });
            study.Optimize(
                t =>
                {
                    Thread.Sleep(2);
                    return t.SuggestFloat("x", 0, 1);
                },
                new OptimizeOptions
                {
                    Concurrency = 4,
                    Callbacks = [new MaxTrialsCallback(30)],
                });
            Assert.Equal(30, study.Trials.Count(t => t.State == TrialState.Complete));
            Assert.Equal(30, study.Trials.Count);
        }
        finally
        {
            (storage as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public async Task AsyncWorkers_StopAtExactlyTheCap()
    {
        var study = Study.Create();
        await study.OptimizeAsync(
            async (t, ct) =>
            {
                await Task.Delay(2, ct);
                return t.SuggestFloat("x", 0, 1);
            },
            new OptimizeOptions { Concurrency = 4, Callbacks = [new MaxTrialsCallback(25)] },
            TestContext.Current.CancellationToken);
        Assert.Equal(25, study.Trials.Count);
    }

    [Fact]
    public void FailedTrialsDoNotCount_TheLoopGoesOnUntilTheCapOfCompleteTrials()
    {
        var study = Study.Create();
        study.Optimize(t => t.Number % 3 == 0 ? double.NaN : t.SuggestFloat("x", 0, 1), new OptimizeOptions { Callbacks = [new MaxTrialsCallback(10)] });
        Assert.Equal(10, study.Trials.Count(t => t.State == TrialState.Complete));
        Assert.Equal(15, study.Trials.Count);
    }
}
