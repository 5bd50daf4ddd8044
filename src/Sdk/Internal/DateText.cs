namespace Sharptune.Internal;

/// <summary>Writes times as storages keep them, without a format parser: this runs for every trial.</summary>
internal static class DateText
{
    /// <summary>The length of <c>YYYY-MM-DD?HH:MM:SS.ffffff</c>.</summary>
    public const int Length = 26;

    /// <summary>Writes <c>YYYY-MM-DD?HH:MM:SS.ffffff</c> (the fraction truncated to microseconds).</summary>
    /// <param name="destination">At least <see cref="Length"/> characters.</param>
    /// <param name="t">The time, written as it is (convert to UTC first where UTC is meant).</param>
    /// <param name="separator">Between date and time: <c>' '</c> as SQLAlchemy stores it in SQLite, <c>'T'</c> for ISO 8601.</param>
    public static void Write(Span<char> destination, DateTime t, char separator)
    {
        Digits(destination[..4], t.Year);
        destination[4] = '-';
        Digits(destination.Slice(5, 2), t.Month);
        destination[7] = '-';
        Digits(destination.Slice(8, 2), t.Day);
        destination[10] = separator;
        Digits(destination.Slice(11, 2), t.Hour);
        destination[13] = ':';
        Digits(destination.Slice(14, 2), t.Minute);
        destination[16] = ':';
        Digits(destination.Slice(17, 2), t.Second);
        destination[19] = '.';
        Digits(destination.Slice(20, 6), (int)(t.Ticks % TimeSpan.TicksPerSecond / 10));
    }

    private static void Digits(Span<char> destination, int value)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }
}
