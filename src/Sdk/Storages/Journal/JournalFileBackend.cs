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
        try
        {
            CheckIsJournal(path);
        }
        catch
        {
            _handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Refuses a file that is not a journal: a non-empty file must begin with a record (<c>{"op_code":</c>, with the
    /// whitespace Optuna 3 writes), so that no byte the journal did not write is ever truncated or overwritten.
    /// </summary>
    private void CheckIsJournal(string path)
    {
        Span<byte> head = stackalloc byte[64];
        int n = RandomAccess.Read(_handle, head, 0);
        if (n > 0 && !IsRecordStart(head[..n]))
        {
            throw new ArgumentException(
                $"The file '{path}' is not an Optuna journal: it does not begin with a journal record ({{\"op_code\": …). A journal file is never truncated or overwritten; choose a new path or an existing journal.",
                nameof(path));
        }
    }

    /// <summary>
    /// Whether bytes are the start of a journal record, or a prefix of one cut short: <c>{</c>, <c>"op_code"</c>
    /// and <c>:</c> with optional whitespace between them.
    /// </summary>
    internal static bool IsRecordStart(ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<byte> key = "\"op_code\""u8;
        int i = 0;
        int stage = 0; // 0: before '{', 1: before the key, 2: in the key, 3: before ':', 4: done
        int k = 0;
        while (i < bytes.Length && stage < 4)
        {
            byte b = bytes[i];
            switch (stage)
            {
                case 0 or 1 or 3 when b is (byte)' ' or (byte)'\t' or (byte)'\r':
                    i++;
                    continue;
                case 0:
                    if (b != (byte)'{')
                    {
                        return false;
                    }

                    stage = 1;
                    break;
                case 1 or 2:
                    if (b != key[k])
                    {
                        return false;
                    }

                    k++;
                    stage = k == key.Length ? 3 : 2;
                    break;
                default:
                    if (b != (byte)':')
                    {
                        return false;
                    }

                    stage = 4;
                    break;
            }

            i++;
        }

        return true;
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
        CheckHeartbeatDirectory(create: true);
        try
        {
            // O_CREAT | O_EXCL: never opens through a symbolic link planted at the path.
            File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete).Dispose();
        }
        catch (IOException) when (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            // Recorded before.
        }

        if (new FileInfo(path).LinkTarget is not null)
        {
            throw new StorageInternalException($"The heartbeat file {path} is a symbolic link; heartbeat files are never written through links.");
        }

        File.SetLastWriteTimeUtc(path, now);
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<int, TimeSpan> GetHeartbeatAges(IReadOnlyCollection<int> trialIds)
    {
        ArgumentNullException.ThrowIfNull(trialIds);
        var result = new Dictionary<int, TimeSpan>();
        if (!CheckHeartbeatDirectory(create: false))
        {
            return result;
        }

        var now = DateTime.UtcNow;
        foreach (int id in trialIds)
        {
            var info = new FileInfo(HeartbeatPath(id));
            if (info.Exists && info.LinkTarget is null)
            {
                result[id] = now - info.LastWriteTimeUtc;
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public void RemoveHeartbeat(int trialId)
    {
        if (!CheckHeartbeatDirectory(create: false))
        {
            // No heartbeat was ever recorded.
            return;
        }

        try
        {
            File.Delete(HeartbeatPath(trialId));
        }
        catch (DirectoryNotFoundException)
        {
            // Removed meanwhile.
        }
    }

    /// <summary>
    /// Checks that the heartbeat directory is a real directory, not a symbolic link (files named by trial id would
    /// otherwise be created and deleted wherever it points, e.g. on a shared directory); creates it when asked.
    /// </summary>
    /// <returns>Whether the directory exists.</returns>
    private bool CheckHeartbeatDirectory(bool create)
    {
        var info = new DirectoryInfo(_heartbeatDirectory);
        if (info.LinkTarget is null && !info.Exists && File.Exists(_heartbeatDirectory))
        {
            throw new StorageInternalException($"The heartbeat directory {_heartbeatDirectory} is a file, not a directory.");
        }

        if (info.LinkTarget is null && !info.Exists)
        {
            if (!create)
            {
                return false;
            }

            Directory.CreateDirectory(_heartbeatDirectory);
            info = new DirectoryInfo(_heartbeatDirectory);
        }

        if (info.LinkTarget is not null)
        {
            throw new StorageInternalException($"The heartbeat directory {_heartbeatDirectory} is a symbolic link (to {info.LinkTarget}); heartbeat files are never created or deleted through links. Remove the link.");
        }

        return true;
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
            if (_lock is JournalFileSymlinkLock symlinkLock)
            {
                try
                {
                    symlinkLock.RemoveOwnerLink();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Left behind: harmless, removed by whoever finds this process gone.
                }
            }
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
        long keep = 0;
        var chunk = new byte[4096];
        while (pos > 0)
        {
            int n = (int)Math.Min(chunk.Length, pos);
            pos -= n;
            RandomAccess.Read(_handle, chunk.AsSpan(0, n), pos);
            int i = chunk.AsSpan(0, n).LastIndexOf((byte)'\n');
            if (i >= 0)
            {
                keep = pos + i + 1;
                break;
            }
        }

        // Only the start of a record cut short is the journal's own: anything else was written by someone else
        // and is never removed (Python Optuna would append after it, making both unreadable).
        Span<byte> head = stackalloc byte[64];
        int read = RandomAccess.Read(_handle, head[..(int)Math.Min(head.Length, length - keep)], keep);
        if (!IsRecordStart(head[..read]))
        {
            throw new StorageInternalException(
                $"The journal {FilePath} ends with {length - keep} bytes after its last line break that are not the start of a journal record; nothing is appended and nothing is truncated. Remove those bytes, or end them with a line break if they are a record.");
        }

        RandomAccess.SetLength(_handle, keep);
        return keep;
    }
}
