using Sharptune.Cli.Tests.Support;

namespace Sharptune.Cli.Tests;

/// <summary>The packed package installs with `dotnet tool install` (a local tool manifest, a local package folder as the only source) and runs.</summary>
public sealed class ToolInstallTests
{
    [Fact]
    public void PackedToolInstallsFromALocalFolderAndRuns()
    {
        using var dir = new TempDir();
        string repo = Path.GetFullPath(Tool.Metadata("RepositoryRoot"));
        string configuration = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(Tool.Metadata("CliDirectory")))!);
        var env = new Dictionary<string, string?>
        {
            // A package cache of its own, so that the package just packed is the one installed.
            ["NUGET_PACKAGES"] = dir.File("packages"),
            // A home of its own too: the SDK caches where each local tool version lives (~/.dotnet/toolResolverCache).
            ["DOTNET_CLI_HOME"] = dir.File("home"),
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        };
        string feed = dir.File("feed");
        var pack = Tool.Process("dotnet", ["pack", Path.Combine(repo, "src", "Cli", "Sharptune.Cli.csproj"), "-c", configuration, "--no-build", "-o", feed], dir.Path, env);
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
    }
}
