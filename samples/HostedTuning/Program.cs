// A tuning service on the Generic Host: the study is configured in appsettings.json, stored in SQLite
// (hosted-tuning.db in the current directory), and its objective is a class with injected services.
//   dotnet run --project samples/HostedTuning
// Press Ctrl+C to stop: running trials see the cancellation and no trial is left RUNNING. Run it again and the
// study resumes where it stopped, until it holds 40 finished (COMPLETE or PRUNED) trials.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sharptune.Hosting;
using Sharptune.Samples.HostedTuning;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory, // appsettings.json is copied next to the program
});
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);

// 1. The services the objective uses: a data set (singleton) and a trainer (one per trial).
builder.Services.AddSingleton<Dataset>();
builder.Services.AddScoped<Trainer>();

// 2. Sharptune: options from the "Sharptune" section; one study whose objective is resolved per trial.
builder.Services.AddSharptune().AddStudy<TrainingConfig, TrainingObjective>("training");

// 3. Progress for the console, from the IStudyMonitor; a health check other services could expose.
builder.Services.AddHostedService<ProgressReporter>();
builder.Services.AddHealthChecks().AddSharptune();
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

using var host = builder.Build();
await host.StartAsync();
await host.WaitForShutdownAsync();

// 4. The outcome, read from the monitor before the host is disposed.
var status = host.Services.GetRequiredService<IStudyMonitor>().GetStatus("training");
var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
Console.WriteLine($"Study 'training' {status.State}: {status.TrialsFinished} trials stored; this run {status.TrialsCompleted} complete, {status.TrialsPruned} pruned, {status.TrialsFailed} failed. Health: {health.Status}.");
if (status.BestValue is { } best)
{
    Console.WriteLine($"Best loss {best:F5} (trial {status.BestTrialNumber}): {string.Join(", ", status.BestParams!.Select(p => $"{p.Key}={p.Value}"))}");
}
