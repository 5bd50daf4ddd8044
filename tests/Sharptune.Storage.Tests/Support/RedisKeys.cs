using StackExchange.Redis;

namespace Sharptune.Storages.Tests.Support;

/// <summary>Removes the Redis keys of test journals.</summary>
internal static class RedisKeys
{
    public static void Delete(IEnumerable<string> prefixes)
    {
        var list = prefixes.ToList();
        if (list.Count == 0)
        {
            return;
        }

        using var m = ConnectionMultiplexer.Connect(TestServers.RedisConfiguration);
        var db = m.GetDatabase();
        var server = m.GetServers()[0];
        foreach (string prefix in list)
        {
            foreach (var key in server.Keys(pattern: prefix + ":*"))
            {
                db.KeyDelete(key);
            }
        }
    }
}
