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
/// it (Optuna's <c>JournalFileOpenLock</c>; the same file as <see cref="JournalFileSymlinkLock"/>, so the two exclude
/// each other too). For NFSv3 and later, and for file systems without symbolic links. A lock left by a killed
/// process is removed once it has not changed for the grace period (30 s by default).
/// </summary>
public sealed class JournalFileOpenLock : IJournalFileLock
{
    private readonly StaleLockWatch _watch;

    /// <summary>Initializes a new instance of the <see cref="JournalFileOpenLock"/> class.</summary>
    /// <param name="filePath">The journal file the lock protects; the lock file is <c>filePath + ".lock"</c>.</param>
    /// <param name="gracePeriod">How long an unchanged lock file is honoured before it is removed as stale (default 30 s); <see cref="Timeout.InfiniteTimeSpan"/> waits forever.</param>
    /// <exception cref="ArgumentOutOfRangeException">The grace period is not positive.</exception>
    public JournalFileOpenLock(string filePath, TimeSpan? gracePeriod = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        LockFile = Path.GetFullPath(filePath) + ".lock";
        _watch = new StaleLockWatch(LockFile, gracePeriod);
    }

    /// <summary>Gets the path of the lock file.</summary>
    public string LockFile { get; }

    /// <summary>Gets the time after which an unchanged lock file is considered stale, or <see langword="null"/> when it never is.</summary>
    public TimeSpan? GracePeriod => _watch.GracePeriod;

    /// <inheritdoc/>
    public void Acquire() => _watch.Acquire(() =>
    {
        try
        {
            File.OpenHandle(LockFile, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete).Dispose();
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
