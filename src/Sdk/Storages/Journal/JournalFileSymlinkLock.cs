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
        _watch = new StaleLockWatch(LockFile, gracePeriod) { OwnerOf = LockOwner.OfSymlinkLock };
        _owner = LockOwner.Current is { } me ? _target + ".owner-" + me + "-" + Interlocked.Increment(ref s_instances).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static int s_instances;

    private readonly string? _owner;
    private bool _ownerLinked;

    /// <summary>Gets the path of the lock.</summary>
    public string LockFile { get; }

    /// <summary>Gets the time after which an unchanged lock is considered stale, or <see langword="null"/> when it never is.</summary>
    public TimeSpan? GracePeriod => _watch.GracePeriod;

    /// <inheritdoc/>
    public void Acquire()
    {
        string target = _target;
        if (_owner is not null)
        {
            // The lock points to this process's owner link, which points to the journal: Python's os.stat of the
            // lock still reaches the journal, and the link's name tells other processes on this machine who holds it.
            if (!_ownerLinked)
            {
                try
                {
                    File.CreateSymbolicLink(_owner, Path.GetFileName(_target));
                }
                catch (IOException) when (new FileInfo(_owner).LinkTarget == Path.GetFileName(_target))
                {
                    // Left by an earlier instance of this process.
                }

                _ownerLinked = true;
            }

            target = _owner;
        }

        _watch.Acquire(() =>
        {
            try
            {
                File.CreateSymbolicLink(LockFile, target);
                return true;
            }
            catch (IOException e) when (e is not DirectoryNotFoundException and not PathTooLongException)
            {
                return false;
            }
        });
    }

    /// <inheritdoc/>
    public void Release() => _watch.Remove();

    /// <summary>Removes this process's owner link (when the journal is closed; the lock is not held then).</summary>
    internal void RemoveOwnerLink()
    {
        if (_owner is not null && _ownerLinked)
        {
            _ownerLinked = false;
            File.Delete(_owner);
        }
    }
}

/// <summary>
/// The owner of a journal lock: boot id, process id and process start time (Linux), as the name of the owner link
/// <c>&lt;journal&gt;.owner-&lt;boot id&gt;-&lt;pid&gt;-&lt;start&gt;-&lt;instance&gt;</c> the lock points to. A process on the same
/// machine (same boot id) removes a lock whose owner process is gone at once, instead of after the grace period.
/// </summary>
internal static class LockOwner
{
    private static readonly Lazy<string?> BootId = new(() => ReadTrimmed("/proc/sys/kernel/random/boot_id"));

    private static readonly Lazy<string?> Me = new(() =>
        BootId.Value is { } boot && StartTime(Environment.ProcessId) is { } start
            ? $"{boot}-{Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)}-{start}"
            : null);

    /// <summary>Gets the owner id of this process, or <see langword="null"/> where it can not be known (not Linux).</summary>
    public static string? Current => Me.Value;

    /// <summary>
    /// Reads who holds a symbolic-link lock: the path of the owner link when its owner process is known to be gone
    /// (same boot, no process with that id and start time), otherwise <see langword="null"/>.
    /// </summary>
    public static string? OfSymlinkLock(string lockFile)
    {
        string? target;
        try
        {
            target = new FileInfo(lockFile).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }

        const string Marker = ".owner-";
        int at = target?.LastIndexOf(Marker, StringComparison.Ordinal) ?? -1;
        if (target is null || at < 0 || BootId.Value is not { } boot)
        {
            return null;
        }

        // <boot id>-<pid>-<start>-<instance>
        string owner = target[(at + Marker.Length)..];
        string[] parts = owner.Split('-');
        if (parts.Length < 4 || !owner.StartsWith(boot + "-", StringComparison.Ordinal) ||
            !int.TryParse(parts[^3], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid))
        {
            return null;
        }

        string start = parts[^2];
        return StartTime(pid) == start ? null : target;
    }

    /// <summary>The start time of a process (field 22 of <c>/proc/&lt;pid&gt;/stat</c>, clock ticks since boot), or <see langword="null"/> when there is none.</summary>
    private static string? StartTime(int pid)
    {
        string? stat = ReadTrimmed($"/proc/{pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}/stat");
        if (stat is null)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
        string[] rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return rest.Length > 19 ? rest[19] : null;
    }

    private static string? ReadTrimmed(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
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
            throw new ArgumentOutOfRangeException(nameof(gracePeriod), grace, "gracePeriod must be a positive time span or Timeout.InfiniteTimeSpan.");
        }

        LockFile = lockFile;
        _lockFileNative = System.Text.Encoding.UTF8.GetBytes(lockFile + "\0");
        GracePeriod = grace == Timeout.InfiniteTimeSpan ? null : grace;
    }

    public string LockFile { get; }

    public TimeSpan? GracePeriod { get; }

    /// <summary>Gets the reader of a lock's owner: the owner link of a lock whose owner process is gone, or <see langword="null"/>.</summary>
    public Func<string, string?>? OwnerOf { get; init; }

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
                    if (OwnerOf?.Invoke(LockFile) is { } deadOwner)
                    {
                        // The lock's owner process on this machine is gone (killed): its lock is removed at once.
                        Trace.TraceWarning($"The lock file {LockFile} belongs to a process that no longer runs. Releasing it.");
                        RemoveDeadLock(deadOwner);
                        seen = null;
                        continue;
                    }
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

    /// <summary>Removes a lock whose owner is gone, if it still points to that owner, and the owner's link.</summary>
    private void RemoveDeadLock(string ownerLink)
    {
        try
        {
            if (new FileInfo(LockFile).LinkTarget == ownerLink)
            {
                File.Delete(LockFile);
            }

            File.Delete(Path.IsPathRooted(ownerLink) ? ownerLink : Path.Combine(Path.GetDirectoryName(LockFile)!, ownerLink));
        }
        catch (IOException)
        {
            // Removed or replaced meanwhile.
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
