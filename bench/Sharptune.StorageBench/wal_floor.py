"""The disk work of one durable trial of the SQLite workload, without SQLite: the six WAL frames a trial writes
(two by the ask's insert, four by the tell, each a 24-byte header and a 4096-byte page, overwriting a 4 MB WAL as
SQLite does after a checkpoint) and the one fsync of the tell's commit. Prints ms per trial: the floor of any
SQLite storage that makes every tell durable on this disk.  Usage: python3 wal_floor.py [DIRECTORY]"""
import os, sys, tempfile, time

directory = sys.argv[1] if len(sys.argv) > 1 else tempfile.gettempdir()
path = os.path.join(directory, f'wal-floor-{os.getpid()}.bin')
fd = os.open(path, os.O_RDWR | os.O_CREAT)
try:
    os.pwrite(fd, b'\0' * (1 << 22), 0)
    os.fsync(fd)
    header, page = b'h' * 24, b'p' * 4096
    offset, n = 32, 1000
    start = time.perf_counter()
    for _ in range(n):
        for _ in range(6):
            os.pwrite(fd, header, offset)
            os.pwrite(fd, page, offset + 24)
            offset += 4120
        os.fsync(fd)
        if offset > 4_000_000:
            offset = 32
    elapsed = time.perf_counter() - start
    print(f'floor\tsqlite-wal-6-frames-1-fsync\t{n}\t{elapsed:.3f}s\t{elapsed / n * 1000:.3f}ms/trial', flush=True)
finally:
    os.close(fd)
    os.unlink(path)
