using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Sharptune.Storages.Journal;

/// <summary>When <see cref="JournalFileBackend"/> forces its writes to stable storage (fsync).</summary>
public enum JournalFileSync
{
    /// <summary>
    /// <see cref="EveryAppend"/> on a network file system (NFS, SMB, …), where a record must reach the server before
    /// the lock is released for other machines to see it; <see cref="TrialEnd"/> on a local file system, where
    /// every process shares the page cache. The default.
    /// </summary>
    Auto = 0,

    /// <summary>
    /// After the records that change a study or finish a trial (and everything written before them). The other
    /// records reach the operating system at once, so other processes see them and they survive a crash of the
    /// process, and become durable with the next synced record. Local file systems only.
    /// </summary>
    TrialEnd = 1,

    /// <summary>After every record, as Python Optuna does: slowest; needed on network file systems.</summary>
    EveryAppend = 2,

    /// <summary>Never: fastest; a crash of the process loses nothing, a power loss may lose the last records. Local file systems only.</summary>
    Never = 3,
}

/// <summary>
/// A journal in a file, one compact JSON record per line (Optuna's <c>JournalFileBackend</c>). Writers take the
/// lock <c>&lt;path&gt;.lock</c> (<see cref="JournalFileSymlinkLock"/> by default, as Python Optuna; both Python
/// locks and both .NET locks exclude each other), so Python and .NET processes may share the file, also over NFS. A last line cut short by a crash is
/// ignored when reading and removed by the next writer; everything before it is kept. Heartbeats are kept as
/// files in the directory <c>&lt;path&gt;.heartbeat</c>, which Python Optuna ignores.
/// </summary>
public sealed class JournalFileBackend : IJournalBackend, IJournalHeartbeatBackend
{
    private const int MaxKeptWriteBuffer = 1 << 20;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly IJournalFileLock _lock;
    private readonly JournalFileSync _sync;
    private readonly SafeFileHandle _handle;
    private readonly Lock _threadLock = new();
    private readonly string _heartbeatDirectory;
    private readonly List<string> _pending = [];
    private long _readOffset;
    private long _readLogNumber;
    private byte[] _buffer = new byte[64 * 1024];
    private byte[] _writeBuffer = new byte[4 * 1024];
    private bool _disposed;
    private bool _lockLingering;
    private bool _pendingAtEnd;
    private Timer? _lingerTimer;

    /// <summary>Initializes a new instance of the <see cref="JournalFileBackend"/> class.</summary>
    /// <param name="path">The journal file; created when absent (its directory must exist).</param>
    /// <param name="lockObject">The inter-process lock, or <see langword="null"/> for a <see cref="JournalFileSymlinkLock"/> on <paramref name="path"/>.</param>
    /// <param name="sync">When writes are forced to stable storage (<see cref="JournalFileSync.Auto"/>: after every record on a network file system, after study changes and finished trials on a local one).</param>
    /// <exception cref="ArgumentException">The path is empty or its directory does not exist.</exception>
    public JournalFileBackend(string path, IJournalFileLock? lockObject = null, JournalFileSync sync = JournalFileSync.Auto)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        string? directory = System.IO.Path.GetDirectoryName(full);
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new ArgumentException($"The directory of the journal file '{path}' does not exist.", nameof(path));
        }

        FilePath = full;
        _lock = lockObject ?? new JournalFileSymlinkLock(full);
        _sync = sync == JournalFileSync.Auto
            ? (IsNetworkFileSystem(full) ? JournalFileSync.EveryAppend : JournalFileSync.TrialEnd)
            : sync;
        _heartbeatDirectory = full + ".heartbeat";
        _handle = File.OpenHandle(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
    }

    /// <summary>Gets or sets how long the lock is kept after a finishing record for the next append of this process (1 ms; for tests).</summary>
    internal TimeSpan LockLinger { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Gets the full path of the journal file.</summary>
    public string FilePath { get; }

    /// <summary>Gets when writes are synced (<see cref="JournalFileSync.Auto"/> resolved for the file's file system).</summary>
    public JournalFileSync Sync => _sync;

    /// <inheritdoc/>
    public override string ToString() => FilePath;

    /// <inheritdoc/>
    public IReadOnlyList<string> ReadLogs(long logNumberFrom) => ReadLogs(logNumberFrom, afterAppend: false);

    /// <summary>
    /// Reads as <see cref="ReadLogs(long)"/>, right after an append of the caller: when that append found nothing
    /// unread before it, its records are returned without looking at the file again (records other writers append
    /// meanwhile follow them in the log and come with the next read).
    /// </summary>
    internal IReadOnlyList<string> ReadLogsAfterAppend(long logNumberFrom) => ReadLogs(logNumberFrom, afterAppend: true);

    private IReadOnlyList<string> ReadLogs(long logNumberFrom, bool afterAppend)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(logNumberFrom);
        lock (_threadLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (logNumberFrom != _readLogNumber - _pending.Count)
            {
                // Not the continuation of the last read: scan from the start.
                _pending.Clear();
                _pendingAtEnd = false;
                _readOffset = 0;
                _readLogNumber = 0;
            }

            var result = new List<string>(_pending.Count + 4);
            result.AddRange(_pending);
            _pending.Clear();
            if (afterAppend && _pendingAtEnd)
            {
                _pendingAtEnd = false;
                return Skip(result, logNumberFrom);
            }

            _pendingAtEnd = false;
            long length = RandomAccess.GetLength(_handle);
            if (length <= _readOffset)
            {
                return Skip(result, logNumberFrom);
            }

            int toRead = (int)Math.Min(length - _readOffset, int.MaxValue / 2);
            if (_buffer.Length < toRead)
            {
                _buffer = new byte[Math.Max(toRead, _buffer.Length * 2)];
            }

            int read = RandomAccess.Read(_handle, _buffer.AsSpan(0, toRead), _readOffset);
            int lineStart = 0;
            for (int i = 0; i < read; i++)
            {
                if (_buffer[i] != (byte)'\n')
                {
                    continue;
                }

                try
                {
                    result.Add(Utf8.GetString(_buffer, lineStart, i - lineStart));
                }
                catch (DecoderFallbackException e)
                {
                    throw new StorageInternalException($"The journal {FilePath} has an invalid record at byte {_readOffset + lineStart}.", e);
                }

                _readLogNumber++;
                lineStart = i + 1;
            }

            // Whatever follows the last line break is a record being written, or the tail of a crashed writer.
            _readOffset += lineStart;
            return Skip(result, logNumberFrom);
        }
    }

    /// <inheritdoc/>
    public void AppendLogs(IReadOnlyList<string> logs, bool durable) => Append(logs, expectedLogNumber: null, durable);

    /// <inheritdoc/>
    public bool TryAppendLogs(IReadOnlyList<string> logs, long expectedLogNumber, bool durable) => Append(logs, expectedLogNumber, durable);

    private bool Append(IReadOnlyList<string> logs, long? expectedLogNumber, bool durable)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (logs.Count == 0)
        {
            return true;
        }

        int size = 0;
        foreach (string log in logs)
        {
            if (log.Contains('\n', StringComparison.Ordinal))
            {
                throw new ArgumentException("A journal record cannot contain a line break.", nameof(logs));
            }

            size += Utf8.GetByteCount(log) + 1;
        }

        lock (_threadLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // The buffer is kept for the next append, up to 1 MiB (a larger batch gets its own).
            byte[] buffer = _writeBuffer.Length >= size ? _writeBuffer : new byte[Math.Max(size, _writeBuffer.Length * 2)];
            if (buffer.Length <= MaxKeptWriteBuffer)
            {
                _writeBuffer = buffer;
            }

            int at = 0;
            foreach (string log in logs)
            {
                at += Utf8.GetBytes(log, buffer.AsSpan(at));
                buffer[at++] = (byte)'\n';
            }

            var bytes = buffer.AsSpan(0, size);
            if (_lockLingering)
            {
                // Still held since the previous (finishing) append: the lock-file cycle is saved.
                _lockLingering = false;
            }
            else
            {
                _lock.Acquire();
            }

            bool linger = false;
            try
            {
                long end = RandomAccess.GetLength(_handle);
                if (end != _readOffset)
                {
                    end = DropTornTail(end);
                }

                if (expectedLogNumber is { } expected && (expected != _readLogNumber || end != _readOffset))
                {
                    return false;
                }

                RandomAccess.Write(_handle, bytes, end);
                if (end == _readOffset)
                {
                    // Nothing unread precedes these records: deliver them to the next read without reading them back.
                    _pending.AddRange(logs);
                    _readOffset += bytes.Length;
                    _readLogNumber += logs.Count;
                    _pendingAtEnd = true;
                }
                else
                {
                    _pendingAtEnd = false;
                }

                if (_sync == JournalFileSync.EveryAppend || (durable && _sync == JournalFileSync.TrialEnd))
                {
                    RandomAccess.FlushToDisk(_handle);
                }

                linger = durable;
            }
            finally
            {
                if (linger)
                {
                    Linger();
                }
                else
                {
                    _lock.Release();
                }
            }
        }

        return true;
    }

    /// <summary>
    /// After a record that finishes a trial (or changes a study) the lock is kept for at most
    /// <see cref="LockLinger"/>, because an optimize loop asks for its next trial at once: that append then takes no
    /// lock-file cycle of its own. The lock is free while objectives run, as without lingering, so other writers
    /// (Python ones too) get it as often as before; a crash while it lingers leaves a lock that the grace period removes,
    /// as a crash during an append does.
    /// </summary>
    private void Linger()
    {
        _lockLingering = true;
        _lingerTimer ??= new Timer(static s => ((JournalFileBackend)s!).EndLinger(), this, Timeout.Infinite, Timeout.Infinite);
        _lingerTimer.Change(LockLinger, Timeout.InfiniteTimeSpan);
    }

    private void EndLinger()
    {
        lock (_threadLock)
        {
            if (_lockLingering && !_disposed)
            {
                _lockLingering = false;
                _lock.Release();
            }
        }
    }

    /// <inheritdoc/>
    public void RecordHeartbeat(int trialId)
    {
        string path = HeartbeatPath(trialId);
        var now = DateTime.UtcNow;
        try
        {
            File.SetLastWriteTimeUtc(path, now);
        }
        catch (FileNotFoundException)
        {
            Directory.CreateDirectory(_heartbeatDirectory);
            File.WriteAllBytes(path, []);
            File.SetLastWriteTimeUtc(path, now);
        }
        catch (DirectoryNotFoundException)
        {
            Directory.CreateDirectory(_heartbeatDirectory);
            File.WriteAllBytes(path, []);
            File.SetLastWriteTimeUtc(path, now);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<int, TimeSpan> GetHeartbeatAges(IReadOnlyCollection<int> trialIds)
    {
        ArgumentNullException.ThrowIfNull(trialIds);
        var result = new Dictionary<int, TimeSpan>();
        var now = DateTime.UtcNow;
        foreach (int id in trialIds)
        {
            var info = new FileInfo(HeartbeatPath(id));
            if (info.Exists)
            {
                result[id] = now - info.LastWriteTimeUtc;
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public void RemoveHeartbeat(int trialId)
    {
        try
        {
            File.Delete(HeartbeatPath(trialId));
        }
        catch (DirectoryNotFoundException)
        {
            // No heartbeat was ever recorded.
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        lock (_threadLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _lingerTimer?.Dispose();
            if (_lockLingering)
            {
                _lockLingering = false;
                _lock.Release();
            }

            _handle.Dispose();
        }
    }

    /// <summary>Drops the records before <paramref name="logNumberFrom"/> (the first <c>_readLogNumber - result.Count</c> records precede the result).</summary>
    private List<string> Skip(List<string> result, long logNumberFrom)
    {
        long first = _readLogNumber - result.Count;
        if (first < logNumberFrom)
        {
            result.RemoveRange(0, (int)Math.Min(result.Count, logNumberFrom - first));
        }

        return result;
    }

    /// <summary>Finds whether a path lies on a network file system (the mount with the longest matching root).</summary>
    internal static bool IsNetworkFileSystem(string fullPath)
    {
        DriveInfo? best = null;
        try
        {
            foreach (var drive in DriveInfo.GetDrives())
            {
                string root = drive.RootDirectory.FullName;
                if (fullPath.StartsWith(root, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal) &&
                    (best is null || root.Length > best.RootDirectory.FullName.Length))
                {
                    best = drive;
                }
            }

            if (best is null)
            {
                return false;
            }

            if (best.DriveType == DriveType.Network)
            {
                return true;
            }

            string format = best.DriveFormat.ToUpperInvariant();
            return format.StartsWith("NFS", StringComparison.Ordinal) || format.StartsWith("SMB", StringComparison.Ordinal) ||
                format is "CIFS" or "AFS" or "CEPH" or "GLUSTERFS" or "LUSTRE" or "9P" or "FUSE.SSHFS" or "GPFS" or "BEEGFS";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unknown: sync every record, the safe choice.
            return true;
        }
    }

    private string HeartbeatPath(int trialId) =>
        System.IO.Path.Combine(_heartbeatDirectory, trialId.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Under the lock: when the file does not end with a line break, a writer died in the middle of a record; that
    /// record was never acknowledged, so it is cut off before appending (otherwise it would corrupt the next one).
    /// </summary>
    private long DropTornTail(long length)
    {
        if (length == 0)
        {
            return 0;
        }

        Span<byte> last = stackalloc byte[1];
        RandomAccess.Read(_handle, last, length - 1);
        if (last[0] == (byte)'\n')
        {
            return length;
        }

        long pos = length;
        var chunk = new byte[4096];
        while (pos > 0)
        {
            int n = (int)Math.Min(chunk.Length, pos);
            pos -= n;
            RandomAccess.Read(_handle, chunk.AsSpan(0, n), pos);
            int i = chunk.AsSpan(0, n).LastIndexOf((byte)'\n');
            if (i >= 0)
            {
                long keep = pos + i + 1;
                RandomAccess.SetLength(_handle, keep);
                return keep;
            }
        }

        RandomAccess.SetLength(_handle, 0);
        return 0;
    }
}
