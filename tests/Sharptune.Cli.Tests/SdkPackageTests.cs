using System.IO.Compression;
using System.Reflection.PortableExecutable;
using Sharptune.Cli.Tests.Support;

namespace Sharptune.Cli.Tests;

/// <summary>
/// The Release package of the core library carries a ReadyToRun image (eng/ReadyToRun.targets) that a user's
/// application restores and runs, while the build output stays an ordinary IL assembly.
/// </summary>
public sealed class SdkPackageTests
{
    [Fact]
    public void ReleasePackageCarriesAReadyToRunImageThatAnApplicationRuns()
    {
        using var dir = new TempDir();
        string repo = Path.GetFullPath(Tool.Metadata("RepositoryRoot"));
        string feed = dir.File("feed");
        var env = Tool.DotnetEnvironment(dir);

        // A Release build of the library and its analyzers from a clean clone takes a while on a busy CI machine.
        // The global package cache restores the library's own dependencies; only the application gets a cache of its own.
        var pack = Tool.Process("dotnet", ["pack", Path.Combine(repo, "src", "Sdk", "Sharptune.csproj"), "-c", "Release", "-o", feed], repo, timeoutSeconds: 900);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        string package = Assert.Single(Directory.GetFiles(feed, "Sharptune.*.nupkg"));
        string version = Path.GetFileNameWithoutExtension(package)["Sharptune.".Length..];

        using (var zip = ZipFile.OpenRead(package))
        {
            var entry = Assert.Single(zip.Entries, e => e.FullName == "lib/net10.0/Sharptune.dll");
            using var image = new MemoryStream();
            using (var s = entry.Open())
            {
                s.CopyTo(image);
            }

            image.Position = 0;
            using var pe = new PEReader(image);
            Assert.True(pe.HasMetadata);
            Assert.True(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, "lib/net10.0/Sharptune.dll is not a ReadyToRun image");
            Assert.Contains(zip.Entries, e => e.FullName == "lib/net10.0/Sharptune.xml");
        }

        using (var pe = new PEReader(File.OpenRead(Path.Combine(repo, "src", "Sdk", "bin", "Release", "net10.0", "Sharptune.dll"))))
        {
            Assert.Equal(0, pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size);
        }

        // An application that references the package as a user's does, run in a fresh process.
        string app = dir.File("app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Sharptune" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Sharptune;
            using Sharptune.Samplers;

            var study = Study.Create(new StudyOptions { Sampler = new TpeSampler(seed: 1) });
            study.Optimize(t => { double x = t.SuggestFloat("x", -5, 5); return (x - 2) * (x - 2); }, nTrials: 40);
            System.Console.WriteLine(study.Trials.Count + " " + (study.BestValue < 0.5 ? "ok" : "bad " + study.BestValue));
            System.Console.WriteLine(typeof(Study).Assembly.Location);
            """);

        // The repository's Directory.Build.props must not apply to the application: it lives in a temp folder.
        var run = Tool.Process("dotnet", ["run", "--project", Path.Combine(app, "App.csproj")], app, env, timeoutSeconds: 600);
        Assert.True(run.ExitCode == 0, run.ToString());
        string[] lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("40 ok", lines[0]);

        // The assembly the application loaded is the package's image.
        using var loaded = new PEReader(File.OpenRead(lines[1].Trim()));
        Assert.True(loaded.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0);
    }
}
