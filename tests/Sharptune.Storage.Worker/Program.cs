// Storage worker for the distributed and crash tests:
//   Sharptune.Storage.Worker <storage> <study> optimize <maxComplete> [heartbeatSeconds graceSeconds]
//   Sharptune.Storage.Worker <storage> <study> trials <n>
//   Sharptune.Storage.Worker <storage> <study> hang <completeFirst> <heartbeatSeconds> <graceSeconds>
// <storage> is a storage URL or journal:<path>. "optimize" runs until the study holds <maxComplete> COMPLETE
// trials (MaxTrialsCallback). "trials" runs n trials with plain asks. "hang" completes <completeFirst> trials, then prints "HANG <number>" and blocks in
// the next trial until killed.
using System.Globalization;
using Sharptune;
using Sharptune.Samplers;
using Sharptune.Storages;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: worker <storage> <study> optimize|hang <n> [heartbeatSeconds graceSeconds]");
    return 2;
}

string spec = args[0];
string studyName = args[1];
string mode = args[2];
int n = int.Parse(args[3], CultureInfo.InvariantCulture);
StorageOptions? options = null;
if (args.Length >= 6)
{
    options = spec.StartsWith("journal:", StringComparison.Ordinal) || spec.StartsWith("redis", StringComparison.Ordinal)
        ? new JournalStorageOptions()
        : new RdbStorageOptions();
    options.HeartbeatInterval = TimeSpan.FromSeconds(double.Parse(args[4], CultureInfo.InvariantCulture));
    options.GracePeriod = TimeSpan.FromSeconds(double.Parse(args[5], CultureInfo.InvariantCulture));
}

// Make sure the optional storage packages are loaded (their module initializers register the URL schemes).
Sharptune.Storages.Postgres.PostgresStorage.Register();
Sharptune.Storages.Redis.RedisJournal.Register();

IStorage storage = spec.StartsWith("journal:", StringComparison.Ordinal)
    ? new JournalStorage(spec["journal:".Length..], (JournalStorageOptions?)options)
    : StorageFactory.FromUrl(spec, options);
var study = Study.Create(new StudyOptions { Storage = storage, StudyName = studyName, LoadIfExists = true, Sampler = new RandomSampler() });
Console.WriteLine("READY");
Console.Out.Flush();

switch (mode)
{
    case "optimize":
        study.Optimize(
            t =>
            {
                double x = t.SuggestFloat("x", -5, 5);
                double y = t.SuggestFloat("y", -5, 5);
                Thread.Sleep(1);
                return (x * x) + (y * y);
            },
            new OptimizeOptions
            {
                Callbacks = [new MaxTrialsCallback(n)],
            });
        break;
    case "trials":
        // Plain asks (no cap): each worker runs n trials, claiming enqueued ones when there are any.
        study.Optimize(
            t =>
            {
                double x = t.SuggestFloat("x", -5, 5);
                Thread.Sleep(2);
                return x * x;
            },
            nTrials: n);
        break;
    case "hang":
        int done = 0;
        study.Optimize(
            t =>
            {
                double x = t.SuggestFloat("x", -5, 5);
                t.Report(x, 0);
                if (done++ >= n)
                {
                    Console.WriteLine($"HANG {t.Number}");
                    Console.Out.Flush();
                    Thread.Sleep(Timeout.Infinite);
                }

                return x * x;
            });
        break;
    default:
        Console.Error.WriteLine($"unknown mode {mode}");
        return 2;
}

(storage as IDisposable)?.Dispose();
Console.WriteLine("DONE");
return 0;
