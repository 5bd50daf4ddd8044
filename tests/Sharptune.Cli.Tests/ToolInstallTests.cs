using Sharptune.Cli.Tests.Support;

namespace Sharptune.Cli.Tests;

/// <summary>
/// The packed packages install with `dotnet tool install` (a local tool manifest, a local package folder as the only
/// source): the platform-specific package of this machine is chosen, and runs.
/// </summary>
public sealed class ToolInstallTests
{
    [Fact]
    public void PackedToolInstallsFromALocalFolderAndRuns()
    {
        using var dir = new TempDir();
        string repo = Path.GetFullPath(Tool.Metadata("RepositoryRoot"));
        string configuration = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(Tool.Metadata("CliDirectory")))!);
        var env = Tool.DotnetEnvironment(dir, ownHome: true);
        string feed = dir.File("feed");
        string project = Path.Combine(repo, "src", "Cli", "Sharptune.Cli.csproj");

        // The released package only names the platform packages (Sharptune.Cli.linux-x64, a Native AOT binary whose
        // native compilation takes minutes, and Sharptune.Cli.any): check that, then install the framework-dependent
        // tool packed without platform packages (what Sharptune.Cli.any holds), which packs from the build at hand.
        var pointer = Tool.Process("dotnet", ["pack", project, "-c", configuration, "--no-build", "-o", dir.File("pointer")], dir.Path, env);
        Assert.True(pointer.ExitCode == 0, pointer.ToString());
        string pointerPackage = Assert.Single(Directory.GetFiles(dir.File("pointer"), "Sharptune.Cli.*.nupkg"));
        using (var zip = System.IO.Compression.ZipFile.OpenRead(pointerPackage))
        {
            var settings = Assert.Single(zip.Entries, e => e.Name == "DotnetToolSettings.xml");
            using var reader = new StreamReader(settings.Open());
            string xml = reader.ReadToEnd();
            Assert.Contains("Sharptune.Cli.linux-x64", xml, StringComparison.Ordinal);
            Assert.Contains("Sharptune.Cli.any", xml, StringComparison.Ordinal);
            Assert.DoesNotContain(zip.Entries, e => e.Name.EndsWith(".dll", StringComparison.Ordinal));
        }

        var pack = Tool.Process("dotnet", ["pack", project, "-c", configuration, "--no-build", "-p:ToolPackageRuntimeIdentifiers=", "-o", feed], dir.Path, env);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        string package = Assert.Single(Directory.GetFiles(feed, "Sharptune.Cli.*.nupkg"));
        string version = Path.GetFileNameWithoutExtension(package)["Sharptune.Cli.".Length..];

        File.WriteAllText(dir.File("nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        Assert.Equal(0, Tool.Process("dotnet", ["new", "tool-manifest"], dir.Path, env).ExitCode);
        var install = Tool.Process("dotnet", ["tool", "install", "Sharptune.Cli", "--local", "--version", version, "--configfile", dir.File("nuget.config")], dir.Path, env);
        Assert.True(install.ExitCode == 0, install.ToString());
        string manifest = new[] { Path.Combine(dir.Path, "dotnet-tools.json"), Path.Combine(dir.Path, ".config", "dotnet-tools.json") }.First(File.Exists);
        Assert.Contains("\"sharptune\"", File.ReadAllText(manifest), StringComparison.Ordinal);

        var restored = Tool.Process("dotnet", ["tool", "restore", "--configfile", dir.File("nuget.config")], dir.Path, env);
        Assert.True(restored.ExitCode == 0, restored.ToString());
        var created = Tool.Process("dotnet", ["tool", "run", "sharptune", "create-study", "--storage", "sqlite:///installed.db", "--study-name", "installed"], dir.Path, env);
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal("installed\n", created.Out);
        var names = Tool.Process("dotnet", ["sharptune", "study-names", "--storage", "sqlite:///installed.db", "-f", "json"], dir.Path, env);
        Assert.Equal("[{\"name\": \"installed\"}]\n", names.Out);

        // One round of the README's ask/tell loop.
        string space = """{"x": {"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0, "log": false, "step": null}}}""";
        var asked = Tool.Process("dotnet", ["sharptune", "ask", "--storage", "sqlite:///installed.db", "--study-name", "installed", "--search-space", space, "-f", "value", "--flatten"], dir.Path, env);
        Assert.True(asked.ExitCode == 0, asked.ToString());
        string[] fields = asked.Out.TrimEnd('\n').Split(' ');
        Assert.Equal("0", fields[0]);
        double x = double.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(x, 0.0, 1.0);
        var told = Tool.Process("dotnet", ["sharptune", "tell", "--storage", "sqlite:///installed.db", "--study-name", "installed", "--trial-number", "0", "--values", "0.25"], dir.Path, env);
        Assert.True(told.ExitCode == 0, told.ToString());
        var best = Tool.Process("dotnet", ["sharptune", "best-trial", "--storage", "sqlite:///installed.db", "--study-name", "installed", "-f", "json"], dir.Path, env);
        Assert.Contains("\"value\": 0.25", best.Out, StringComparison.Ordinal);
    }
}
