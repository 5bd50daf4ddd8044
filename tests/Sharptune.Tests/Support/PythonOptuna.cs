using System.Diagnostics;
using Sharptune.Internal;

namespace Sharptune.Tests.Support;

/// <summary>
/// Runs a Python script with Optuna: Debian's (<c>SHARPTUNE_PYTHON</c>, default <c>/usr/bin/python3</c>), or
/// Optuna 5 from source (<c>SHARPTUNE_OPTUNA_SOURCE</c>, else <c>/tmp/optuna</c> or <c>/work/optuna-src</c> when
/// they hold Optuna). A missing Python or Optuna fails the test.
/// </summary>
public static class PythonOptuna
{
    /// <summary>Gets "system", plus "source" when an Optuna source tree is present.</summary>
    public static TheoryData<string> Variants
    {
        get
        {
            var data = new TheoryData<string> { "system" };
            if (Source() is not null)
            {
                data.Add("source");
            }

            return data;
        }
    }

    /// <summary>Runs the script and parses its standard output as JSON.</summary>
    /// <param name="variant">"system" or "source".</param>
    /// <param name="script">The script path.</param>
    /// <param name="args">Its arguments.</param>
    /// <returns>The parsed output.</returns>
    public static IDictionary<string, object?> RunJson(string variant, string script, params string[] args)
    {
        string python = Environment.GetEnvironmentVariable("SHARPTUNE_PYTHON") ?? "/usr/bin/python3";
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (variant == "source")
        {
            psi.Environment["PYTHONPATH"] = Source() ?? throw new InvalidOperationException("No Optuna source tree.");
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {python}.");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "python did not finish");
        Assert.True(process.ExitCode == 0, $"{python} {script} failed ({process.ExitCode}); Python with Optuna is required (run .ci/setup): {stderr.Result}");
        return (IDictionary<string, object?>)PyJson.Parse(stdout.Trim())!;
    }

    private static string? Source()
    {
        string?[] candidates = [Environment.GetEnvironmentVariable("SHARPTUNE_OPTUNA_SOURCE"), "/tmp/optuna", "/work/optuna-src"];
        return candidates.FirstOrDefault(d => d is not null && File.Exists(Path.Combine(d, "optuna", "version.py")));
    }
}
