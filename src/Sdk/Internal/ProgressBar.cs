using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Sharptune.Internal;

/// <summary>
/// The progress of an optimize loop on the standard error stream (Optuna's <c>show_progress_bar</c>): trials
/// done of the budget (or time used of the timeout), elapsed time, estimated time left, trials per second and the
/// best value. On a terminal one line is redrawn in place ten times a second; when the stream is redirected a plain
/// line is written every <see cref="PlainInterval"/> and at the end. Trials update counters only: the drawing runs
/// on a timer, so a fast study is not slowed by its bar.
/// </summary>
internal sealed class ProgressBar : IDisposable
{
    /// <summary>How often a plain line is written when the output is not a terminal.</summary>
    internal static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan TerminalInterval = TimeSpan.FromMilliseconds(100);
    private readonly Lock _gate = new();
    private readonly int? _nTrials;
    private readonly TimeSpan? _timeout;
    private readonly StudyDirection? _direction;
    private readonly Func<TimeSpan> _elapsed;
    private readonly bool _terminal;
    private readonly Timer _timer;
    private int _done;
    private int _bestNumber = -1;
    private double _bestValue;
    private TimeSpan _lastPlain;
    private bool _closed;

    private ProgressBar(int? nTrials, TimeSpan? timeout, StudyDirection? direction, FrozenTrial? best, Func<TimeSpan> elapsed, bool terminal)
    {
        _nTrials = nTrials;
        _timeout = timeout;
        _direction = direction;
        _elapsed = elapsed;
        _terminal = terminal;
        if (best is { Values: [double v] })
        {
            _bestNumber = best.Number;
            _bestValue = v;
        }

        if (terminal)
        {
            // Drawn at once, so that a line logged before the first tick already goes above the bar.
            ConsoleSink.SetStatus(Render(Snapshot(), TerminalWidth()));
        }

        var period = terminal ? TerminalInterval : TimeSpan.FromSeconds(1);
        _timer = new Timer(_ => Tick(), null, period, period);
    }

    /// <summary>Starts a bar for a loop, or returns <see langword="null"/> when it is not shown.</summary>
    /// <param name="show">Whether the bar was asked for.</param>
    /// <param name="study">The study.</param>
    /// <param name="nTrials">The trial budget of the loop.</param>
    /// <param name="timeout">The timeout of the loop.</param>
    /// <returns>The bar, or <see langword="null"/>.</returns>
    public static ProgressBar? Start(bool show, Study study, int? nTrials, TimeSpan? timeout)
    {
        if (!show)
        {
            return null;
        }

        if (nTrials is null && timeout is null)
        {
            Log.Warning(study.Logger, "Progress bar won't be displayed because OptimizeOptions.NTrials and OptimizeOptions.Timeout are null.");
            return null;
        }

        StudyDirection? direction = study.Directions.Count == 1 ? study.Directions[0] : null;
        FrozenTrial? best = null;
        if (direction is not null)
        {
            try
            {
                best = study.BestTrial;
            }
            catch (InvalidOperationException)
            {
                // No completed trial yet.
            }
        }

        var clock = Stopwatch.StartNew();
        return new ProgressBar(nTrials, timeout, direction, best, () => clock.Elapsed, ConsoleSink.IsTerminal);
    }

    /// <summary>Counts a finished trial of the loop.</summary>
    /// <param name="trial">The trial.</param>
    public void OnTrialFinished(FrozenTrial trial)
    {
        lock (_gate)
        {
            _done++;
            if (_direction is { } d && trial.State == TrialState.Complete && trial.Values is [double v] &&
                (_bestNumber < 0 || (d == StudyDirection.Minimize ? v < _bestValue : v > _bestValue)))
            {
                _bestNumber = trial.Number;
                _bestValue = v;
            }
        }
    }

    /// <summary>Stops the bar and leaves its final state on the stream.</summary>
    public void Dispose()
    {
        _timer.Dispose();
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            var snapshot = Snapshot();
            if (_terminal)
            {
                ConsoleSink.SetStatus(Render(snapshot, TerminalWidth()));
                ConsoleSink.SetStatus(null, keep: true);
            }
            else
            {
                ConsoleSink.WriteLine(RenderPlain(snapshot));
            }
        }
    }

    private void Tick()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            var snapshot = Snapshot();
            if (_terminal)
            {
                ConsoleSink.SetStatus(Render(snapshot, TerminalWidth()));
            }
            else if (snapshot.Elapsed - _lastPlain >= PlainInterval)
            {
                _lastPlain = snapshot.Elapsed;
                ConsoleSink.WriteLine(RenderPlain(snapshot));
            }
        }
    }

    private Progress Snapshot() =>
        new(_done, _nTrials, _elapsed(), _timeout, _bestNumber < 0 ? null : _bestNumber, _bestValue);

    private static int TerminalWidth()
    {
        try
        {
            int w = Console.WindowWidth;
            return w > 0 ? w : 80;
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            return 80;
        }
    }

    /// <summary>Renders the one-line bar for a terminal of <paramref name="width"/> columns (the line stays shorter, so it never wraps).</summary>
    /// <param name="p">The progress.</param>
    /// <param name="width">The terminal width.</param>
    /// <returns>The line.</returns>
    internal static string Render(Progress p, int width)
    {
        var (fraction, head) = Head(p);
        string percent = Percent(fraction).PadLeft(4);
        int fixedWidth = 1 + head.Length + 1 + percent.Length + 3 + 1;
        string tail = " " + Details(p, compact: false);
        if (width - fixedWidth - tail.Length < 10)
        {
            // A narrow terminal: the short form keeps room for the bar.
            tail = " " + Details(p, compact: true);
        }

        int barWidth = Math.Min(40, width - fixedWidth - tail.Length);
        var sb = new StringBuilder(head).Append(' ').Append(percent);
        if (barWidth >= 6)
        {
            sb.Append(" |").Append(Bar(fraction, barWidth)).Append('|');
        }

        sb.Append(tail);
        return sb.Length < width ? sb.ToString() : sb.ToString(0, Math.Max(0, width - 1));
    }

    /// <summary>Renders the plain line written when the output is not a terminal.</summary>
    /// <param name="p">The progress.</param>
    /// <returns>The line.</returns>
    internal static string RenderPlain(Progress p)
    {
        var (fraction, head) = Head(p);
        return $"Progress: {head} ({Percent(fraction)}), {Details(p, compact: false)}";
    }

    private static string Percent(double fraction) => ((int)Math.Floor(fraction * 100)).ToString(CultureInfo.InvariantCulture) + "%";

    private static (double Fraction, string Head) Head(Progress p)
    {
        if (p.NTrials is { } n)
        {
            double fraction = n == 0 ? 1 : Math.Min(1, (double)p.Done / n);
            if (p.Timeout is { } t)
            {
                fraction = Math.Max(fraction, Math.Min(1, p.Elapsed / t));
            }

            string digits = n.ToString(CultureInfo.InvariantCulture);
            return (fraction, $"{p.Done.ToString(CultureInfo.InvariantCulture).PadLeft(digits.Length)}/{digits} trials");
        }

        var timeout = p.Timeout!.Value;
        double f = timeout <= TimeSpan.Zero ? 1 : Math.Min(1, p.Elapsed / timeout);
        return (f, $"{Interval(p.Elapsed)}/{Interval(timeout)}");
    }

    // "00:02 elapsed, 00:02 left, 12.47 trials/s, best 0.313028 (trial 15)"; with a timeout only, the trial count
    // comes first (the head shows the time). Compact: "00:02<00:02, 12.47/s, best 0.313028 (#15)".
    private static string Details(Progress p, bool compact)
    {
        double seconds = p.Elapsed.TotalSeconds;
        double rate = seconds > 0 ? p.Done / seconds : 0;
        var parts = new List<string>(5);
        if (p.NTrials is null)
        {
            parts.Add(p.Done == 1 ? "1 trial" : $"{p.Done.ToString(CultureInfo.InvariantCulture)} trials");
            parts.Add(compact ? "<" + Eta(p, rate) : Eta(p, rate) + " left");
        }
        else
        {
            string elapsed = p.Timeout is { } t ? $"{Interval(p.Elapsed)}/{Interval(t)}" : Interval(p.Elapsed);
            if (compact)
            {
                parts.Add(elapsed + "<" + Eta(p, rate));
            }
            else
            {
                parts.Add(elapsed + " elapsed");
                parts.Add(Eta(p, rate) + " left");
            }
        }

        string perSecond = compact ? "/s" : " trials/s";
        parts.Add(p.Done == 0 || rate == 0 ? "?" + perSecond
            : rate >= 1 ? rate.ToString(rate >= 100 ? "F0" : "F2", CultureInfo.InvariantCulture) + perSecond
            : (1 / rate).ToString("F2", CultureInfo.InvariantCulture) + (compact ? "s/trial" : " s/trial"));
        if (p.BestNumber is { } number)
        {
            string value = p.BestValue.ToString("G6", CultureInfo.InvariantCulture).Replace('E', 'e');
            string trial = number.ToString(CultureInfo.InvariantCulture);
            parts.Add(compact ? $"best {value} (#{trial})" : $"best {value} (trial {trial})");
        }

        return string.Join(", ", parts);
    }

    private static string Eta(Progress p, double rate)
    {
        TimeSpan? left = null;
        if (p.NTrials is { } n && (rate > 0 || p.Done >= n))
        {
            left = p.Done >= n ? TimeSpan.Zero : TimeSpan.FromSeconds((n - p.Done) / rate);
        }

        if (p.Timeout is { } t)
        {
            var timeLeft = t > p.Elapsed ? t - p.Elapsed : TimeSpan.Zero;
            left = left is { } l && l < timeLeft ? l : timeLeft;
        }

        return left is { } value ? Interval(value) : "?";
    }

    private static string Bar(double fraction, int width)
    {
        const string partials = " ▏▎▍▌▋▊▉";
        double cells = fraction * width;
        int full = (int)Math.Floor(cells);
        var sb = new StringBuilder(width);
        sb.Append('█', Math.Min(full, width));
        if (full < width)
        {
            sb.Append(partials[(int)Math.Floor((cells - full) * 8)]);
            sb.Append(' ', width - full - 1);
        }

        return sb.ToString();
    }

    /// <summary>Formats a duration as <c>MM:SS</c>, or <c>H:MM:SS</c> from one hour.</summary>
    /// <param name="t">The duration.</param>
    /// <returns>The text.</returns>
    internal static string Interval(TimeSpan t)
    {
        long s = (long)Math.Floor(t.TotalSeconds);
        long h = s / 3600;
        long m = s / 60 % 60;
        long sec = s % 60;
        return h > 0
            ? $"{h}:{m:00}:{sec:00}"
            : $"{m:00}:{sec:00}";
    }

    /// <summary>What a bar shows at one moment.</summary>
    /// <param name="Done">Trials finished in this loop.</param>
    /// <param name="NTrials">The trial budget, if any.</param>
    /// <param name="Elapsed">Time since the loop started.</param>
    /// <param name="Timeout">The timeout, if any.</param>
    /// <param name="BestNumber">The best trial's number (single objective), if any.</param>
    /// <param name="BestValue">The best value.</param>
    internal readonly record struct Progress(int Done, int? NTrials, TimeSpan Elapsed, TimeSpan? Timeout, int? BestNumber, double BestValue);
}
