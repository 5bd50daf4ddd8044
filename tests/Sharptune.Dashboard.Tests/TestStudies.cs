using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Sharptune.Samplers;
using Sharptune.Storages;

namespace Sharptune.Dashboard.Tests;

/// <summary>Seeded studies shared by the tests: "single" (12 finished trials and one running) and "multi" (two objectives).</summary>
internal static class TestStudies
{
    public const int SingleFinished = 12;

    public static InMemoryStorage Create()
    {
        var storage = new InMemoryStorage();
        var single = Study.Create(new StudyOptions { StudyName = "single", Storage = storage, Sampler = new RandomSampler(seed: 1) });
        for (int i = 0; i < SingleFinished; i++)
        {
            var trial = single.Ask();
            double x = trial.SuggestFloat("x", -5, 5);
            string c = trial.SuggestCategorical("c", ["a", "b"]);
            double value = (x * x) + (c == "a" ? 0 : 1);
            trial.Report(value + 1, 0);
            trial.Report(value, 1);
            if (i == 3)
            {
                single.Tell(trial, null, TrialState.Pruned);
            }
            else if (i == 4)
            {
                single.Tell(trial, null, TrialState.Fail);
            }
            else
            {
                single.Tell(trial, value);
            }
        }

        single.Ask().SuggestFloat("x", -5, 5); // trial 12 stays running

        var multi = Study.Create(new StudyOptions { StudyName = "multi", Storage = storage, Directions = [StudyDirection.Minimize, StudyDirection.Maximize], Sampler = new RandomSampler(seed: 2) });
        for (int i = 0; i < 6; i++)
        {
            var trial = multi.Ask();
            double a = trial.SuggestFloat("a", 0, 1);
            double b = trial.SuggestFloat("b", 0, 1);
            multi.Tell(trial, [a + b, a - b]);
        }

        return storage;
    }

    public static int StudyId(IStorage storage, string name) => storage.GetStudyIdFromName(name);

    /// <summary>The sample app (samples/DashboardApp) over <paramref name="storage"/>, without its demo study.</summary>
    public static WebApplicationFactory<Program> App(IStorage storage, bool allowWrites = false) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Dashboard:DemoStudy", "false");
            b.UseSetting("Dashboard:AllowWrites", allowWrites ? "true" : "false");
            b.ConfigureServices(s => s.AddSingleton(storage));
        });
}
