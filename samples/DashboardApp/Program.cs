// A web app that hosts the Sharptune dashboard at /sharptune next to its own endpoints, and (for the demo) runs a
// study in the background so the dashboard has trials arriving live.
//
//   dotnet run --project samples/DashboardApp                 -> http://127.0.0.1:5080/sharptune/
//   dotnet run --project samples/DashboardApp -- --Dashboard:AllowWrites=true   (notes and tell; loopback only)
using Sharptune;
using Sharptune.Dashboard;
using Sharptune.Storages;

var builder = WebApplication.CreateBuilder(args);
string storageUrl = builder.Configuration["Dashboard:Storage"] ?? "sqlite:///dashboard-sample.db";
builder.Services.AddSingleton<IStorage>(_ => StorageFactory.FromUrl(storageUrl));
builder.Services.AddAntiforgery();
builder.Services.AddHostedService<DemoStudy>();

var app = builder.Build();
app.MapGet("/", () => Results.Redirect("/sharptune/"));
app.MapSharptuneDashboard("/sharptune", app.Services.GetRequiredService<IStorage>(), options =>
{
    options.AllowWrites = app.Configuration.GetValue("Dashboard:AllowWrites", false);
    options.Title = "Sharptune Dashboard (sample)";
});
app.Run();

/// <summary>The app's entry point (public for WebApplicationFactory in the dashboard tests).</summary>
public partial class Program;

/// <summary>Tunes a two-parameter function with pruning, one trial every ~0.3 s, in the app's storage.</summary>
internal sealed class DemoStudy(IStorage storage, IConfiguration configuration, ILogger<DemoStudy> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Dashboard:DemoStudy", true))
        {
            return;
        }

        var study = Study.Create(new StudyOptions
        {
            StudyName = "demo-quadratic",
            Storage = storage,
            LoadIfExists = true,
            Sampler = new Sharptune.Samplers.TpeSampler(seed: 7),
            Pruner = new Sharptune.Pruners.MedianPruner(),
        });
        logger.LogInformation("Demo study {Name} has {Count} trials.", study.StudyName, study.Trials.Count);
        while (!stoppingToken.IsCancellationRequested && study.Trials.Count < 400)
        {
            var trial = study.Ask();
            double x = trial.SuggestFloat("x", -10, 10);
            int y = trial.SuggestInt("y", -5, 5);
            string kernel = trial.SuggestCategorical("kernel", ["linear", "rbf", "poly"]);
            double value = ((x - 2) * (x - 2)) + (y * y) + (kernel == "rbf" ? 0 : 3);
            bool pruned = false;
            for (int step = 0; step < 5; step++)
            {
                trial.Report(value * (1 + (2.0 / (step + 1))), step);
                if (trial.ShouldPrune())
                {
                    pruned = true;
                    break;
                }

                await Task.Delay(100, stoppingToken);
            }

            study.Tell(trial, pruned ? null : [value], pruned ? TrialState.Pruned : TrialState.Complete);
        }
    }
}
