// Storage speed of Sharptune, in the workloads of /work/shared/bench/optuna_speed.py (random sampler, 5-dimensional
// sphere): wall time per trial of Study.Optimize, and trials per second for 4 worker processes on PostgreSQL.
//   dotnet run -c Release --project bench/Sharptune.StorageBench -- sqlite|sqlite-nondurable|journal|journal-everyappend|journal-never|memory|cache|tpe|tpe-sqlite|read|parse|bare [nondurable] [tpe]|postgres|postgres-1 [trials or url]
using System.Diagnostics;
using System.Globalization;
using Sharptune;
using Sharptune.Samplers;
using Sharptune.Storages;
using Sharptune.Storages.Journal;
using Sharptune.StorageBench;

string workload = args.Length > 0 ? args[0] : "sqlite";
int trials = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out int t) ? t : 1000;
string tmp = Path.Combine(Path.GetTempPath(), "sharptune-bench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(tmp);
try
{
    switch (workload)
    {
        case "bare":
            // The floor of a SQLite storage: the statements one trial runs (an ask's insert, a tell's parameters,
            // state, value and, with "tpe", TPE's constant-liar system attribute), prepared once on one connection,
            // with no storage logic; the tell's commit synced unless "nondurable" is given.
            Bare(Path.Combine(tmp, "b.db"), trials, durable: !args.Contains("nondurable"), systemAttr: args.Contains("tpe"));
            break;

        case "memory":
            Run("random-sphere5-memory", trials, new InMemoryStorage(), new RandomSampler(0));
            break;
        case "sqlite":
            Warmup(tmp);
            Run("random-sphere5-sqlite", trials, new RdbStorage($"sqlite:///{tmp}/o.db"), new RandomSampler(0));
            break;
        case "journal":
            Warmup(tmp);
            Run("random-sphere5-journal (fsync at trial end)", trials, new JournalStorage(new JournalFileBackend($"{tmp}/j.log")), new RandomSampler(0));
            break;
        case "journal-everyappend":
            Warmup(tmp);
            Run("random-sphere5-journal (fsync every record, as Optuna)", trials, new JournalStorage(new JournalFileBackend($"{tmp}/j.log", sync: JournalFileSync.EveryAppend)), new RandomSampler(0));
            break;
        case "journal-never":
            Warmup(tmp);
            Run("random-sphere5-journal (no fsync)", trials, new JournalStorage(new JournalFileBackend($"{tmp}/j.log", sync: JournalFileSync.Never)), new RandomSampler(0));
            break;
        case "cache":
            // Ask + tell with a sampler that reads the study's finished trials on every ask, as TPE does
            // (the TPE sampler has not landed yet): in memory, then on SQLite through the client-side cache.
            Warmup(tmp);
            double memory = Run("history-reading-memory", trials, new InMemoryStorage(), new HistoryReadingSampler(0), askTell: true);
            double sqlite = Run("history-reading-sqlite", trials, new RdbStorage($"sqlite:///{tmp}/c.db"), new HistoryReadingSampler(0), askTell: true);
            Console.WriteLine($"sqlite / memory = {sqlite / memory:0.00}");
            break;
        case "sqlite-nondurable":
            Warmup(tmp);
            Run("random-sphere5-sqlite (DurableCommits=false)", trials, new RdbStorage($"sqlite:///{tmp}/o.db", new RdbStorageOptions { DurableCommits = false }), new RandomSampler(0));
            break;
        case "tpe":
            // The issue's client-side-cache target: TPE ask + tell, 1000 trials, on SQLite within 2x of in memory.
            Warmup(tmp);
            double tpeMemory = Run("tpe-sphere5-memory", trials, new InMemoryStorage(), new TpeSampler(seed: 0), askTell: true);
            double tpeSqlite = Run("tpe-sphere5-sqlite", trials, new RdbStorage($"sqlite:///{tmp}/t.db"), new TpeSampler(seed: 0), askTell: true);
            double tpeRelaxed = Run("tpe-sphere5-sqlite (DurableCommits=false)", trials, new RdbStorage($"sqlite:///{tmp}/t2.db", new RdbStorageOptions { DurableCommits = false }), new TpeSampler(seed: 0), askTell: true);
            Console.WriteLine($"sqlite / memory = {tpeSqlite / tpeMemory:0.00} (durable tells), {tpeRelaxed / tpeMemory:0.00} (DurableCommits=false)");
            break;
        case "read":
            {
                using (var w = new RdbStorage($"sqlite:///{tmp}/r.db", new RdbStorageOptions { DurableCommits = false }))
                {
                    Study.Create(new StudyOptions { Storage = w, StudyName = "r", Sampler = new RandomSampler(0) }).Optimize(Sphere, nTrials: trials);
                }

                for (int rep = 0; rep < 3; rep++)
                {
                    var clock = Stopwatch.StartNew();
                    using var r = new RdbStorage($"sqlite:///{tmp}/r.db");
                    int n = r.GetAllTrials(r.GetStudyIdFromName("r")).Count;
                    Console.WriteLine($"sharptune\tread-all-{n}\t{clock.Elapsed.TotalMilliseconds:0.0} ms");
                }

                break;
            }

        case "parse":
            {
                // The journal records of one trial of the sphere workload, parsed as the replay does.
                string dir = Path.Combine(tmp, "p.log");
                using (var j = new JournalStorage(new JournalFileBackend(dir)))
                {
                    Study.Create(new StudyOptions { Storage = j, Sampler = new RandomSampler(0) }).Optimize(Sphere, nTrials: 20);
                }

                var lines = File.ReadAllLines(dir);
                Console.WriteLine($"{lines.Length} records, {lines.Sum(l => l.Length) / lines.Length} chars each on average");
                for (int rep = 0; rep < 3; rep++)
                {
                    var clock = Stopwatch.StartNew();
                    int n = 0;
                    for (int k = 0; k < 2000; k++)
                    {
                        foreach (var line in lines)
                        {
                            Sharptune.Internal.PyJson.Parse(line);
                            n++;
                        }
                    }

                    Console.WriteLine($"parse: {clock.Elapsed.TotalMilliseconds * 1000 / n:0.00} us/record");
                }

                break;
            }

        case "tpe-sqlite":
            Warmup(tmp);
            Run("tpe-sphere5-sqlite", trials, new RdbStorage($"sqlite:///{tmp}/t.db"), new TpeSampler(seed: 0), askTell: true);
            break;
        case "postgres":
            Postgres(args.Length > 1 ? args[1] : "postgresql://sharptune:sharptune@127.0.0.1:5432/sharptune_test", workers: 4, trialsPerWorker: 250);
            break;
        case "postgres-1":
            Postgres(args.Length > 1 ? args[1] : "postgresql://sharptune:sharptune@127.0.0.1:5432/sharptune_test", workers: 1, trialsPerWorker: 1000);
            break;
        case "postgres-worker":
            PostgresWorker(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
            break;
        default:
            Console.Error.WriteLine("unknown workload");
            return 2;
    }
}
finally
{
    Directory.Delete(tmp, recursive: true);
}

return 0;

static double Sphere(ITrial t)
{
    double s = 0;
    for (int i = 0; i < 5; i++)
    {
        double x = t.SuggestFloat("x" + i.ToString(CultureInfo.InvariantCulture), -5, 5);
        s += (x - 1) * (x - 1);
    }

    return s;
}

static void Warmup(string dir)
{
    // JIT the storage paths once, outside the measurement. The files stay until the process ends: deleting them here
    // would have the file system free (and discard) their blocks during the measurement.
    using (var s = new RdbStorage($"sqlite:///{dir}/warmup.db"))
    {
        Study.Create(new StudyOptions { Storage = s }).Optimize(Sphere, nTrials: 300);
    }

    using (var j = new JournalStorage(new JournalFileBackend($"{dir}/warmup.log")))
    {
        Study.Create(new StudyOptions { Storage = j }).Optimize(Sphere, nTrials: 300);
    }

    Study.Create().Optimize(Sphere, nTrials: 300);
}

static void Bare(string path, int n, bool durable, bool systemAttr)
{
    using (var storage = new RdbStorage("sqlite:///" + path))
    {
        storage.CreateNewStudy([StudyDirection.Minimize], "bare");
    }

    using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + path + ";Pooling=False");
    connection.Open();
    using var raw = new SqliteRaw(connection);
    raw.Statement("PRAGMA busy_timeout = 10000").Execute();
    var begin = raw.Statement("BEGIN IMMEDIATE");
    var commit = raw.Statement("COMMIT");

    // (SQLite applies a PRAGMA when it prepares it, too: prepare FULL first and leave the connection at NORMAL.)
    var full = durable ? raw.Statement("PRAGMA synchronous = FULL") : null;
    var normal = raw.Statement("PRAGMA synchronous = NORMAL");
    normal.Execute();
    var insertTrial = raw.Statement("INSERT INTO trials (number, study_id, state, datetime_start) VALUES (@n, 1, 'RUNNING', @start) RETURNING trial_id");
    var insertParams = raw.Statement("INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES (@t, 'x0', @v0, @d), (@t, 'x1', @v1, @d), (@t, 'x2', @v2, @d), (@t, 'x3', @v3, @d), (@t, 'x4', @v4, @d)");
    var finish = raw.Statement("UPDATE trials SET state = 'COMPLETE', datetime_complete = @complete WHERE trial_id = @t");
    var value = raw.Statement("INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (@t, 0, @value, 'FINITE')");
    var attr = raw.Statement("INSERT INTO trial_system_attributes (trial_id, \"key\", value_json) VALUES (@t, 'tpe:relative_params:0', @json)");
    string distribution = new FloatDistribution(-5, 5).ToJson();
    var random = new Random(0);
    for (int warm = 0; warm < 2; warm++)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
        {
            begin.Execute();
            insertTrial.Bind("@n", i).BindDateTime("@start", DateTime.UtcNow);
            insertTrial.Step();
            int id = insertTrial.Int32(0);
            insertTrial.Reset();
            commit.Execute();

            full?.Execute();

            begin.Execute();
            insertParams.Bind("@t", id).Bind("@d", distribution);
            for (int k = 0; k < 5; k++)
            {
                insertParams.Bind("@v" + k.ToString(CultureInfo.InvariantCulture), (random.NextDouble() * 10) - 5);
            }

            insertParams.Execute();
            if (systemAttr)
            {
                attr.Bind("@t", id).Bind("@json", "\"{\\\"x0\\\": 0.123456789, \\\"x1\\\": -1.23456789}\"").Execute();
            }

            finish.Bind("@t", id).BindDateTime("@complete", DateTime.UtcNow).Execute();
            value.Bind("@t", id).Bind("@value", random.NextDouble()).Execute();
            commit.Execute();
            if (durable)
            {
                normal.Execute();
            }
        }

        // The first pass starts from a new database, as the storage workloads do (its WAL grows at first); the second
        // finds the WAL at its full size and overwrites it.
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"bare\tsqlite-statements{(systemAttr ? "+system-attr" : string.Empty)}{(durable ? string.Empty : " (no sync)")}{(warm == 0 ? " new database" : " second 1000")}\t{n}\t{seconds:0.000}s\t{seconds / n * 1000:0.000}ms/trial");
    }
}

static double Run(string name, int n, IStorage storage, ISampler sampler, bool askTell = false)
{
    var study = Study.Create(new StudyOptions { Storage = storage, Sampler = sampler });
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    long allocated = GC.GetTotalAllocatedBytes(precise: true);
    var clock = Stopwatch.StartNew();
    if (askTell)
    {
        for (int i = 0; i < n; i++)
        {
            var trial = study.Ask();
            study.Tell(trial, Sphere(trial));
        }
    }
    else
    {
        study.Optimize(Sphere, nTrials: n);
    }

    double seconds = clock.Elapsed.TotalSeconds;
    double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
    long bytes = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / n;
    Console.WriteLine($"sharptune\t{name}\t{n}\t{seconds:0.000}s\t{seconds / n * 1000:0.000}ms/trial\t(cpu {cpuSeconds / n * 1000:0.000}ms/trial, {bytes} bytes allocated/trial)");
    (storage as IDisposable)?.Dispose();
    return seconds;
}

static void Postgres(string baseUrl, int workers, int trialsPerWorker)
{
    string schema = "bench_" + Guid.NewGuid().ToString("N")[..10];
    using (var admin = new Npgsql.NpgsqlConnection(Sharptune.Storages.Postgres.PostgresUrl.ToConnectionString(baseUrl)))
    {
        admin.Open();
        using var cmd = admin.CreateCommand();
        cmd.CommandText = $"CREATE SCHEMA {schema}";
        cmd.ExecuteNonQuery();
    }

    string url = baseUrl + "?options=-csearch_path%3D" + schema;
    try
    {
        using (var storage = Sharptune.Storages.Postgres.PostgresStorage.Open(url))
        {
            Study.Create(new StudyOptions { Storage = storage, StudyName = "bench" });
        }

        string self = Environment.ProcessPath!;
        string dll = typeof(Sharptune.StorageBench.HistoryReadingSampler).Assembly.Location;
        var clock = Stopwatch.StartNew();
        var procs = new List<Process>();
        for (int i = 0; i < workers; i++)
        {
            var psi = new ProcessStartInfo(self) { UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            {
                psi.ArgumentList.Add(dll);
            }

            psi.ArgumentList.Add("postgres-worker");
            psi.ArgumentList.Add(url);
            psi.ArgumentList.Add("bench");
            psi.ArgumentList.Add(trialsPerWorker.ToString(CultureInfo.InvariantCulture));
            procs.Add(Process.Start(psi)!);
        }

        foreach (var p in procs)
        {
            p.WaitForExit();
        }

        double seconds = clock.Elapsed.TotalSeconds;
        int total = workers * trialsPerWorker;
        Console.WriteLine($"sharptune\trandom-sphere5-postgres-{workers}workers\t{total}\t{seconds:0.000}s\t{total / seconds:0.0} trials/s (process start included)");
    }
    finally
    {
        using var admin = new Npgsql.NpgsqlConnection(Sharptune.Storages.Postgres.PostgresUrl.ToConnectionString(baseUrl));
        admin.Open();
        using var cmd = admin.CreateCommand();
        cmd.CommandText = $"DROP SCHEMA {schema} CASCADE";
        cmd.ExecuteNonQuery();
    }
}

static void PostgresWorker(string url, string studyName, int n)
{
    using var storage = Sharptune.Storages.Postgres.PostgresStorage.Open(url);
    var study = Study.Load(studyName, storage, new RandomSampler());
    var clock = Stopwatch.StartNew();
    study.Optimize(Sphere, nTrials: n);
    Console.WriteLine($"  worker {Environment.ProcessId}: {n} trials in {clock.Elapsed.TotalSeconds:0.000}s ({n / clock.Elapsed.TotalSeconds:0.0} trials/s)");
}
