namespace Sharptune.Cli.Tests.Support;

/// <summary>The three storages every command is tested on.</summary>
public sealed class StorageCase : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly PostgresSchema? _schema;

    public StorageCase(string kind)
    {
        Kind = kind;
        switch (kind)
        {
            case "sqlite":
                Url = "sqlite:///" + _dir.File("cli.db");
                break;
            case "journal":
                // A new journal file: created by the first command that names its class.
                Url = _dir.File("cli.journal");
                File.WriteAllText(Url, string.Empty);
                break;
            case "postgres":
                _schema = new PostgresSchema();
                Url = _schema.Url;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "sqlite, journal or postgres");
        }
    }

    public string Kind { get; }

    public string Url { get; }

    public TempDir Dir => _dir;

    public static TheoryData<string> All => new() { "sqlite", "journal", "postgres" };

    /// <summary>Runs a command against this storage.</summary>
    public CliResult Run(params string[] args) => Tool.Run([.. args, "--storage", Url]);

    /// <summary>Runs a command that must succeed and returns its standard output.</summary>
    public string Ok(params string[] args)
    {
        var r = Run(args);
        Assert.True(r.ExitCode == 0, string.Join(' ', args) + "\n" + r);
        return r.Out;
    }

    public void Dispose()
    {
        _schema?.Dispose();
        _dir.Dispose();
    }
}
