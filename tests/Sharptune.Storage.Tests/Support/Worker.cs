using System.Diagnostics;
using System.Reflection;

namespace Sharptune.Storages.Tests.Support;

/// <summary>Starts the worker program (tests/Sharptune.Storage.Worker) as a separate process.</summary>
internal sealed class Worker : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly System.Text.StringBuilder _errors = new();
    private readonly object _lock = new();

    private Worker(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_lock)
                {
                    _lines.Add(e.Data);
                    Monitor.PulseAll(_lock);
                }
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_lock)
                {
                    _errors.AppendLine(e.Data);
                }
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static string WorkerDll
    {
        get
        {
            string path = typeof(Worker).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WorkerPath").Value!;
            return File.Exists(path) ? Path.GetFullPath(path) : throw new FileNotFoundException("The worker program is not built.", path);
        }
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static Worker Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(WorkerDll);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DOTNET_TieredPGO"] = "0";
        return new Worker(Process.Start(psi)!);
    }

    /// <summary>Waits for an output line starting with a prefix and returns it.</summary>
    public string WaitForLine(string prefix, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_lock)
        {
            while (true)
            {
                foreach (string line in _lines)
                {
                    if (line.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return line;
                    }
                }

                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || (_process.HasExited && !Monitor.Wait(_lock, 100)))
                {
                    throw new TimeoutException($"The worker did not print '{prefix}' within {timeout}. Output: {string.Join(" | ", _lines)} Errors: {_errors}");
                }

                Monitor.Wait(_lock, left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
            }
        }
    }

    /// <summary>Waits for the worker to exit and asserts success.</summary>
    public void WaitForSuccess(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The worker did not finish within {timeout}. Output: {string.Join(" | ", _lines)} Errors: {_errors}");
        }

        _process.WaitForExit();
        lock (_lock)
        {
            Assert.True(_process.ExitCode == 0, $"The worker exited with {_process.ExitCode}. Output: {string.Join(" | ", _lines)} Errors: {_errors}");
        }
    }

    /// <summary>Kills the worker with SIGKILL (no cleanup of any kind runs).</summary>
    public void KillHard()
    {
        using var kill = Process.Start("kill", ["-9", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
