using Sharptune.Samplers;
using Sharptune.Storages;
using Sharptune.Tests.Support;

namespace Sharptune.Tests.Core;

/// <summary>
/// Pins how many times one trial of an optimize loop calls the storage: its claim (and the one read of what was
/// claimed), its parameter writes, its sampler's writes and reads, and its final state; never a read of itself.
/// A new call on the trial path fails these tests, so the count cannot creep back.
/// </summary>
public sealed class StorageCallsPerTrialTests(ITestOutputHelper output)
{
    private const int Trials = 20;

    public static TheoryData<string> Kinds => ["memory", "sqlite"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RandomSamplerTrialCallsTheStorageEightTimes(string kind)
    {
        using var scope = new StorageScope(kind);
        var storage = new CountingStorage(scope.Storage);
        var study = Study.Create(new StudyOptions { Storage = storage, Sampler = new RandomSampler(seed: 1) });
        _ = study.Directions; // read once per study object
        storage.Reset();

        study.Optimize(Sphere, nTrials: Trials);

        // Claim, read the claimed trial, five parameters, the final state.
        AssertPerTrial(storage, new() { ["ClaimOrCreateTrial"] = 1, ["GetTrial"] = 1, ["SetTrialParam"] = 5, ["SetTrialStateValues"] = 1 });
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TpeSamplerTrialCallsTheStorageTenTimes(string kind)
    {
        using var scope = new StorageScope(kind);
        var storage = new CountingStorage(scope.Storage);
        var study = Study.Create(new StudyOptions { Storage = storage, Sampler = new TpeSampler(seed: 1, nStartupTrials: 5) });
        study.Optimize(Sphere, nTrials: 10);
        storage.Reset();

        study.Optimize(Sphere, nTrials: Trials);

        // As Random, plus the constant liar publishing the trial's relative point (one system attribute), and the
        // trial history asking how many trials the study holds (to notice trials of other workers); the trials
        // this process finished are handed to the history, not read back.
        AssertPerTrial(storage, new() { ["ClaimOrCreateTrial"] = 1, ["GetNTrials"] = 1, ["GetTrial"] = 1, ["SetTrialParam"] = 5, ["SetTrialStateValues"] = 1, ["SetTrialSystemAttr"] = 1 });
    }

    [Fact]
    public void CallbacksAndLoggingReadNothingBack()
    {
        var storage = new CountingStorage(new InMemoryStorage());
        var study = Study.Create(new StudyOptions { Storage = storage, Sampler = new RandomSampler(seed: 2) });
        _ = study.Directions; // read once per study object
        storage.Reset();
        var seen = new List<FrozenTrial>();

        study.Optimize(Sphere, new OptimizeOptions { NTrials = Trials, Callbacks = [(_, t) => seen.Add(t)] });

        AssertPerTrial(storage, new() { ["ClaimOrCreateTrial"] = 1, ["GetTrial"] = 1, ["SetTrialParam"] = 5, ["SetTrialStateValues"] = 1 });
        var stored = study.Trials;
        Assert.Equal(Trials, seen.Count);
        for (int i = 0; i < Trials; i++)
        {
            Assert.Equal(stored[i].Number, seen[i].Number);
            Assert.Equal(TrialState.Complete, seen[i].State);
            Assert.Equal(stored[i].Values, seen[i].Values);
            Assert.Equal(stored[i].Params, seen[i].Params);
            Assert.Equal(stored[i].SystemAttrs, seen[i].SystemAttrs);
        }
    }

    private static double Sphere(ITrial trial)
    {
        double sum = 0;
        for (int i = 0; i < 5; i++)
        {
            double x = trial.SuggestFloat("x" + i, -5, 5);
            sum += x * x;
        }

        return sum;
    }

    private void AssertPerTrial(CountingStorage storage, Dictionary<string, int> expectedPerTrial)
    {
        var counts = storage.Counts;
        output.WriteLine(string.Join(", ", counts.Select(p => $"{p.Key}={p.Value / (double)Trials}")));
        var perTrial = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, count) in counts)
        {
            if (name == nameof(IStorage.RemoveSession))
            {
                continue; // once per optimize call, not per trial
            }

            Assert.True(count % Trials == 0, $"{name} was called {count} times in {Trials} trials.");
            perTrial[name] = count / Trials;
        }

        Assert.Equal(new SortedDictionary<string, int>(expectedPerTrial, StringComparer.Ordinal), perTrial);
    }

    private sealed class StorageScope : IDisposable
    {
        private readonly string? _path;

        public StorageScope(string kind)
        {
            if (kind == "memory")
            {
                Storage = new InMemoryStorage();
                return;
            }

            _path = Path.Combine(Path.GetTempPath(), $"sharptune-calls-{Guid.NewGuid():N}.db");
            Storage = StorageFactory.FromUrl("sqlite:///" + _path);
        }

        public IStorage Storage { get; }

        public void Dispose()
        {
            (Storage as IDisposable)?.Dispose();
            if (_path is not null)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                File.Delete(_path);
            }
        }
    }
}
