using System.Diagnostics;

namespace Sharptune.Storages.Journal;

/// <summary>An inter-process lock that guards appends to a journal file.</summary>
public interface IJournalFileLock
{
    /// <summary>Blocks until the lock is held.</summary>
    void Acquire();

    /// <summary>Releases the lock.</summary>
    void Release();
}

/// <summary>
/// A lock held by creating <c>&lt;path&gt;.lock</c> exclusively (<c>O_CREAT | O_EXCL</c>) and released by deleting
/// it (Optuna's <c>JournalFileOpenLock</c>; the same file as Optuna's <c>JournalFileSymlinkLock</c>, so the two
/// exclude each other too). Works on NFSv3 and later. A lock file left by a killed process is removed once it has
/// not changed for the grace period.
/// </summary>
public sealed class JournalFileOpenLock : IJournalFileLock
{
    private static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(10);

    /// <summary>Initializes a new instance of the <see cref="JournalFileOpenLock"/> class.</summary>
    /// <param name="filePath">The journal file the lock protects; the lock file is <c>filePath + ".lock"</c>.</param>
    /// <param name="gracePeriod">How long an unchanged lock file is honoured before it is removed as stale (default 30 s); <see langword="null"/> waits forever.</param>
    /// <exception cref="ArgumentOutOfRangeException">The grace period is not positive.</exception>
    public JournalFileOpenLock(string filePath, TimeSpan? gracePeriod = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        gracePeriod ??= TimeSpan.FromSeconds(30);
        if (gracePeriod is { } g && g <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(gracePeriod), g, "The value of `grace_period` should be a positive integer.");
        }

        LockFile = filePath + ".lock";
        GracePeriod = gracePeriod;
    }

    /// <summary>Initializes a new instance of the <see cref="JournalFileOpenLock"/> class that never breaks a stale lock.</summary>
    /// <param name="filePath">The journal file the lock protects.</param>
    /// <returns>The lock.</returns>
    public static JournalFileOpenLock WithoutGracePeriod(string filePath)
    {
        var l = new JournalFileOpenLock(filePath);
        l.GracePeriod = null;
        return l;
    }

    /// <summary>Gets the path of the lock file.</summary>
    public string LockFile { get; }

    /// <summary>Gets the time after which an unchanged lock file is considered stale, or <see langword="null"/>.</summary>
    public TimeSpan? GracePeriod { get; private set; }

    /// <summary>Raised when a stale lock file was removed (for logging).</summary>
    public event Action<string>? StaleLockRemoved;

    /// <inheritdoc/>
    public void Acquire()
    {
        long lastChange = Stopwatch.GetTimestamp();
        long lastWarning = lastChange;
        DateTime? seenMtime = null;
        int spins = 0;
        double sleepMs = 0.05;
        while (true)
        {
            try
            {
                using (new FileStream(LockFile, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
                {
                }

                return;
            }
            catch (IOException e) when (e is not DirectoryNotFoundException and not PathTooLongException)
            {
                // Held by another writer (or released just now: try again).
            }

            if (GracePeriod is { } grace)
            {
                DateTime mtime;
                try
                {
                    mtime = File.GetLastWriteTimeUtc(LockFile);
                }
                catch (IOException)
                {
                    continue;
                }

                if (mtime != seenMtime)
                {
                    seenMtime = mtime;
                    lastChange = Stopwatch.GetTimestamp();
                }
                else if (Stopwatch.GetElapsedTime(lastChange) > grace)
                {
                    try
                    {
                        File.Delete(LockFile);
                        StaleLockRemoved?.Invoke(LockFile);
                    }
                    catch (IOException)
                    {
                        // Someone else removed or replaced it; try again.
                    }

                    lastChange = Stopwatch.GetTimestamp();
                    sleepMs = 0.05;
                    continue;
                }
            }

            if (Stopwatch.GetElapsedTime(lastWarning) > WarningInterval)
            {
                lastWarning = Stopwatch.GetTimestamp();
                System.Diagnostics.Trace.TraceWarning($"It is taking longer than {WarningInterval.TotalSeconds} seconds to acquire the lock file: {LockFile} Retrying...");
            }

            if (spins++ < 20)
            {
                Thread.Yield();
                continue;
            }

            Thread.Sleep(TimeSpan.FromMilliseconds(sleepMs));
            sleepMs = Math.Min(sleepMs * 2, 20);
        }
    }

    /// <inheritdoc/>
    public void Release()
    {
        try
        {
            File.Delete(LockFile);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"Error: did not possess lock {LockFile}.", e);
        }
    }
}
