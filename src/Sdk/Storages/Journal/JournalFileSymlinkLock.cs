using System.Diagnostics;

namespace Sharptune.Storages.Journal;

/// <summary>
/// A lock held by creating the symbolic link <c>&lt;path&gt;.lock</c> → <c>&lt;path&gt;</c> and released by removing
/// it (Optuna's default <c>JournalFileSymlinkLock</c>, and the same file as Optuna's <c>JournalFileOpenLock</c>, so
/// every combination of Python and .NET writers excludes each other). Works on NFSv2 and later. A lock left by a
/// killed process is removed once it has not changed for the grace period (30 s by default).
/// </summary>
public sealed class JournalFileSymlinkLock : IJournalFileLock
{
    private readonly string _target;
    private readonly StaleLockWatch _watch;

    /// <summary>Initializes a new instance of the <see cref="JournalFileSymlinkLock"/> class.</summary>
    /// <param name="filePath">The journal file the lock protects; the lock is <c>filePath + ".lock"</c>.</param>
    /// <param name="gracePeriod">How long an unchanged lock is honoured before it is removed as stale (default 30 s); <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <exception cref="ArgumentOutOfRangeException">The grace period is not positive.</exception>
    public JournalFileSymlinkLock(string filePath, TimeSpan? gracePeriod = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        _target = Path.GetFullPath(filePath);
        LockFile = _target + ".lock";
        _watch = new StaleLockWatch(LockFile, gracePeriod);
    }

    /// <summary>Gets the path of the lock.</summary>
    public string LockFile { get; }

    /// <summary>Gets the time after which an unchanged lock is considered stale, or <see langword="null"/> when it never is.</summary>
    public TimeSpan? GracePeriod => _watch.GracePeriod;

    /// <inheritdoc/>
    public void Acquire() => _watch.Acquire(() =>
    {
        try
        {
            File.CreateSymbolicLink(LockFile, _target);
            return true;
        }
        catch (IOException e) when (e is not DirectoryNotFoundException and not PathTooLongException)
        {
            return false;
        }
    });

    /// <inheritdoc/>
    public void Release() => _watch.Remove();
}

/// <summary>The waiting loop shared by the journal file locks: backoff, warning, and removal of a stale lock.</summary>
internal sealed class StaleLockWatch
{
    private static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(10);

    /// <summary>The lock path as unlink(2) takes it (UTF-8, NUL-terminated), encoded once.</summary>
    private readonly byte[] _lockFileNative;

    public StaleLockWatch(string lockFile, TimeSpan? gracePeriod)
    {
        var grace = gracePeriod ?? TimeSpan.FromSeconds(30);
        if (grace != Timeout.InfiniteTimeSpan && grace <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(gracePeriod), grace, "The value of `grace_period` should be a positive integer.");
        }

        LockFile = lockFile;
        _lockFileNative = System.Text.Encoding.UTF8.GetBytes(lockFile + "\0");
        GracePeriod = grace == Timeout.InfiniteTimeSpan ? null : grace;
    }

    public string LockFile { get; }

    public TimeSpan? GracePeriod { get; }

    /// <summary>Removes the lock file; a missing one means the lock was not held.</summary>
    public void Remove()
    {
        string lockFile = LockFile;
        if (!OperatingSystem.IsWindows())
        {
            // One unlink(2), which tells whether the lock existed (File.Delete does not): this runs for every append.
            if (NativeMethods.Unlink(_lockFileNative) == 0)
            {
                return;
            }

            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            throw new InvalidOperationException(
                $"Error: did not possess lock {lockFile}.",
                new IOException(System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno), errno));
        }

        var info = new FileInfo(lockFile);
        if (!info.Exists && info.LinkTarget is null)
        {
            throw new InvalidOperationException($"Error: did not possess lock {lockFile}.");
        }

        try
        {
            File.Delete(lockFile);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"Error: did not possess lock {lockFile}.", e);
        }
    }

    /// <summary>Retries <paramref name="tryCreate"/> until it succeeds, removing the lock when it stays unchanged past the grace period.</summary>
    public void Acquire(Func<bool> tryCreate)
    {
        long lastChange = Stopwatch.GetTimestamp();
        long lastWarning = lastChange;
        DateTime? seen = null;
        int spins = 0;
        double sleepMs = 0.05;
        while (!tryCreate())
        {
            if (GracePeriod is { } grace)
            {
                DateTime? stamp = Stamp();
                if (stamp != seen)
                {
                    seen = stamp;
                    lastChange = Stopwatch.GetTimestamp();
                }
                else if (Stopwatch.GetElapsedTime(lastChange) > grace)
                {
                    Trace.TraceWarning($"The lock file {LockFile} has not been released for {grace.TotalSeconds} s. Forcibly releasing it.");
                    try
                    {
                        File.Delete(LockFile);
                    }
                    catch (IOException)
                    {
                        // Removed or replaced meanwhile.
                    }

                    lastChange = Stopwatch.GetTimestamp();
                    seen = null;
                    sleepMs = 0.05;
                    continue;
                }
            }

            if (Stopwatch.GetElapsedTime(lastWarning) > WarningInterval)
            {
                lastWarning = Stopwatch.GetTimestamp();
                Trace.TraceWarning($"It is taking longer than {WarningInterval.TotalSeconds} seconds to acquire the lock file: {LockFile} Retrying...");
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

    /// <summary>The identity of the current lock: its change time (a new lock differs from the stale one).</summary>
    private DateTime? Stamp()
    {
        try
        {
            var info = new FileInfo(LockFile);
            return info.Exists || info.LinkTarget is not null ? info.LastWriteTimeUtc : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}

/// <summary>The C library calls of the journal locks (Unix).</summary>
internal static class NativeMethods
{
    /// <summary>unlink(2): removes a name; 0 on success, −1 with errno set otherwise.</summary>
    /// <param name="path">The path, UTF-8, NUL-terminated.</param>
    /// <returns>0 or −1.</returns>
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "unlink", SetLastError = true)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    internal static extern int Unlink(byte[] path);
}
