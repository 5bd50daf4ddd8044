namespace Sharptune.Internal;

/// <summary>
/// The standard error stream shared by the default log handler and the progress bar: on a terminal, a line written
/// while a progress bar is shown goes above the bar, which is drawn again below it.
/// </summary>
internal static class ConsoleSink
{
    private static readonly Lock Gate = new();
    private static string? _status;

    /// <summary>Gets or sets the writer (standard error unless a test replaces it).</summary>
    internal static TextWriter Output { get; set; } = Console.Error;

    /// <summary>Gets or sets a value indicating whether <see cref="Output"/> is a terminal that understands ANSI escapes.</summary>
    internal static bool IsTerminal { get; set; } = !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb";

    /// <summary>Writes a line (above the progress bar, if one is shown).</summary>
    /// <param name="line">The text.</param>
    public static void WriteLine(string line)
    {
        lock (Gate)
        {
            if (_status is null)
            {
                Output.WriteLine(line);
            }
            else
            {
                Output.Write("\r\u001b[2K" + line + Environment.NewLine + _status);
            }

            Output.Flush();
        }
    }

    /// <summary>Draws the status line in place (terminal only), or removes it when <paramref name="status"/> is <see langword="null"/>.</summary>
    /// <param name="status">The status text, or <see langword="null"/>.</param>
    /// <param name="keep">When removing: leave the last status on screen and end its line.</param>
    public static void SetStatus(string? status, bool keep = false)
    {
        lock (Gate)
        {
            if (status is not null)
            {
                Output.Write("\r\u001b[2K" + status);
            }
            else if (_status is not null)
            {
                Output.Write(keep ? Environment.NewLine : "\r\u001b[2K");
            }

            _status = status;
            Output.Flush();
        }
    }
}
