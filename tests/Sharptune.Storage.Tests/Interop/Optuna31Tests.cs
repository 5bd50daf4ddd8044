using System.Diagnostics;
using Sharptune.Storages.Tests.Support;

namespace Sharptune.Storages.Tests.Interop;

/// <summary>
/// The Optuna 3.1 caveat, pinned with Debian's Optuna 3.1 (<c>/usr/bin/python3</c>): Optuna 3.0/3.1 open only a
/// database whose Alembic revision equals their newest one (<c>v3.0.0.d</c>), so a database Sharptune creates (Optuna
/// 3.2+'s <c>v3.2.0.a</c>, as Optuna 5 creates it) needs <c>skip_compatibility_check=True</c> there, while a database
/// Optuna 3.1 created stays at its revision when Sharptune writes to it and opens in Optuna 3.1 without it.
/// </summary>
public sealed class Optuna31Tests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void DatabaseCreatedByOptuna31_StaysOpenableByIt_AfterSharptuneWrites()
    {
        string python = TestServers.RequirePython();
        string path = _dir.File("from31.db");
        string version = Run(python, $"import optuna; optuna.create_study(study_name='s', storage='sqlite:///{path}'); print(optuna.__version__)");
        if (!version.StartsWith("3.0", StringComparison.Ordinal) && !version.StartsWith("3.1", StringComparison.Ordinal))
        {
            Assert.Skip($"The caveat concerns Optuna 3.0/3.1; {python} has Optuna {version}.");
        }

        using (var storage = new RdbStorage("sqlite:///" + path))
        {
            Assert.Equal("v3.0.0.d", storage.SchemaRevision);
            var study = Study.Load("s", storage);
            study.Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 3);
        }

        Assert.Equal("3", Run(python, $"import optuna; print(len(optuna.load_study(study_name='s', storage='sqlite:///{path}').trials))"));
    }

    [Fact]
    public void DatabaseCreatedBySharptune_NeedsTheSkipInOptuna31()
    {
        string python = TestServers.RequirePython();
        string path = _dir.File("fromsharptune.db");
        using (var storage = new RdbStorage("sqlite:///" + path))
        {
            Study.Create(new StudyOptions { Storage = storage, StudyName = "s" }).Optimize(t => t.SuggestFloat("x", 0, 1), nTrials: 2);
        }

        string version = Run(python, "import optuna; print(optuna.__version__)");
        if (!version.StartsWith("3.0", StringComparison.Ordinal) && !version.StartsWith("3.1", StringComparison.Ordinal))
        {
            Assert.Skip($"The caveat concerns Optuna 3.0/3.1; {python} has Optuna {version}.");
        }

        string refused = Run(python, $"import optuna\ntry:\n    optuna.load_study(study_name='s', storage='sqlite:///{path}')\n    print('opened')\nexcept RuntimeError as e:\n    print('refused' if 'no longer compatible' in str(e) else str(e))");
        Assert.Equal("refused", refused);
        Assert.Equal("2", Run(python, $"import optuna; s = optuna.storages.RDBStorage('sqlite:///{path}', skip_compatibility_check=True); print(len(optuna.load_study(study_name='s', storage=s).trials))"));
    }

    private static string Run(string python, string code)
    {
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(code);
        psi.Environment.Remove("PYTHONPATH");
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"python failed ({p.ExitCode}): {stderr.Result}");
        return stdout.Trim().Split('\n')[^1].Trim();
    }
}
