using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Sharptune.Storages.Postgres;
using Sharptune.Storages.Redis;
using StackExchange.Redis;

namespace Sharptune.Storages.Tests.Hardening;

/// <summary>
/// Issue #14, item 7: a malformed URL gives one <see cref="ArgumentException"/> that says what is wrong and shows
/// the masked URL; an unreachable server fails within the connect timeout, naming its host and port.
/// </summary>
public sealed class UrlErrorTests
{
    [Theory]
    [InlineData("postgresql://u:Secret1@[::1/db", "its IPv6 host has no closing ']'", "postgresql://u:***@[::1/db")]
    [InlineData("postgresql://u:Secret1@h/db?connect_timeout=abc", "connect_timeout 'abc' is not a whole number of seconds", "postgresql://u:***@h/db?connect_timeout=abc")]
    [InlineData("postgresql://u:Secret1@h/db?connect_timeout=99999", "connect_timeout '99999'", "postgresql://u:***@h/db?connect_timeout=99999")]
    [InlineData("postgresql://u:Se/cret1@h:abc/db", "the port 'abc' is not a number from 1 to 65535", "postgresql://u:***@h:abc/db")]
    [InlineData("postgresql://u:Secret1@h:70000/db", "the port '70000'", "postgresql://u:***@h:70000/db")]
    [InlineData("postgresql://u:Secret1@h:/db", "the port ''", "postgresql://u:***@h:/db")]
    [InlineData("postgresql://u:Secret1@[::1]x/db", "the text 'x/db' after the host", "postgresql://u:***@[::1]x/db")]
    [InlineData("postgresql://u:Secret1@h/db?sslmode=maybe", "unknown sslmode 'maybe'", "postgresql://u:***@h/db?sslmode=maybe")]
    [InlineData("postgresql://u:Secret1@h/db?port=0", "the port '0'", "postgresql://u:***@h/db?port=0")]
    [InlineData("postgresql://u:Secret1@h/db?password=Secret1", "the argument 'password=***' is not supported", "postgresql://u:***@h/db?password=***")]
    [InlineData("postgresql://u:Secret1@[]/db", "its IPv6 host between '[' and ']' is empty", "postgresql://u:***@[]/db")]
    [InlineData("redis://:Secret1@h:port/0", "the port 'port'", "redis://***@h:port/0")]
    [InlineData("redis://:Secret1@h/abc", "the database 'abc' is not a number", "redis://***@h/abc")]
    [InlineData("redis://:Secret1@[::1/0", "its IPv6 host has no closing ']'", "redis://***@[::1/0")]
    [InlineData("redis://h/0?socket_connect_timeout=-1", "socket_connect_timeout '-1'", "redis://h/0?socket_connect_timeout=-1")]
    [InlineData("redis://h/0?db=1", "the argument 'db=1' is not supported", "redis://h/0?db=1")]
    [InlineData("sqlite:///x.db?timeout=abc", "Invalid timeout 'timeout=abc'", "sqlite:///x.db?timeout=abc")]
    [InlineData("sqlite:///x.db?timeout=1e300", "Invalid timeout 'timeout=1e300'", "sqlite:///x.db?timeout=1e300")]
    [InlineData("sqlite://u:Secret1@/x.db", "has a host or user part", "sqlite://u:***@/x.db")]
    [InlineData("post gres://h/db", "Unknown storage URL scheme 'post gres'", "post gres://h/db")]
    public void MalformedUrls_GiveOneArgumentExceptionWithTheMaskedUrl(string url, string what, string masked)
    {
        var e = Assert.Throws<ArgumentException>(() => StorageFactory.FromUrl(url));
        Assert.Equal(typeof(ArgumentException), e.GetType());
        Assert.Contains(what, e.Message, StringComparison.Ordinal);
        Assert.Contains(masked, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret1", e.ToString(), StringComparison.Ordinal);
        Assert.Null(e.InnerException);
    }

    [Fact]
    public void PostgresUrlWithoutConnectTimeout_UsesFiveSeconds()
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString("postgresql://u:p@h/db"));
        Assert.Equal(5, b.Timeout);
        b = new Npgsql.NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString("postgresql://u:p@h/db?connect_timeout=2"));
        Assert.Equal(2, b.Timeout);
    }

    [Fact]
    public void SilentPostgresServer_FailsWithinTheConnectTimeoutNamingTheEndpoint()
    {
        using var silent = new SilentServer();
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<StorageInternalException>(() => PostgresStorage.Open($"postgresql://u:Secret1@127.0.0.1:{silent.Port}/db?connect_timeout=1"));
        watch.Stop();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
        Assert.Contains($"Cannot connect to the PostgreSQL server at 127.0.0.1:{silent.Port}", e.Message, StringComparison.Ordinal);
        Assert.Contains("connect timeout 1 s", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret1", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RefusedPostgresPort_FailsAtOnceNamingTheEndpoint()
    {
        int port = FreePort();
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<StorageInternalException>(() => PostgresStorage.Open($"Host=127.0.0.1;Port={port};Username=u;Password=Secret1"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Contains($"Cannot connect to the PostgreSQL server at 127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret1", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void SilentRedisServer_FailsWithinTheConnectTimeoutNamingTheEndpoint()
    {
        using var silent = new SilentServer();
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<RedisConnectionException>(() => new JournalRedisBackend($"redis://:Secret1@127.0.0.1:{silent.Port}/0?socket_connect_timeout=1"));
        watch.Stop();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
        Assert.Contains($"Cannot connect to the Redis server at 127.0.0.1:{silent.Port}", e.Message, StringComparison.Ordinal);
        Assert.Contains("within the connect timeout of 1 s", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret1", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RefusedRedisPort_FailsWithinTheDefaultTimeoutNamingTheEndpoint()
    {
        int port = FreePort();
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<RedisConnectionException>(() => new JournalRedisBackend($"redis://127.0.0.1:{port}/0"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5.5), $"took {watch.Elapsed}");
        Assert.Contains($"Cannot connect to the Redis server at 127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>A TCP server on 127.0.0.1 that accepts connections and never answers.</summary>
    private sealed class SilentServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Socket> _accepted = [];
        private readonly CancellationTokenSource _stop = new();

        public SilentServer()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _ = Task.Run(async () =>
            {
                try
                {
                    while (!_stop.IsCancellationRequested)
                    {
                        var socket = await _listener.AcceptSocketAsync(_stop.Token);
                        lock (_accepted)
                        {
                            _accepted.Add(socket);
                        }
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    // Stopped.
                }
            });
        }

        public int Port { get; }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_accepted)
            {
                foreach (var s in _accepted)
                {
                    s.Dispose();
                }
            }

            _stop.Dispose();
        }
    }
}
