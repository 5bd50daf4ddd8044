using System.Collections.Concurrent;

namespace Sharptune.Internal;

/// <summary>
/// Reuses the distribution instance of the previous suggestion of a name when the arguments are the same, so a
/// study of many trials holds one distribution object per parameter instead of one per trial.
/// </summary>
internal sealed class DistributionCache
{
    private readonly ConcurrentDictionary<string, Distribution> _last = new(StringComparer.Ordinal);

    public FloatDistribution Float(string name, double low, double high, bool log, double? step)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_last.TryGetValue(name, out var d) && d is FloatDistribution f && f.IsMadeOf(low, high, log, step))
        {
            return f;
        }

        var created = new FloatDistribution(low, high, log, step);
        _last[name] = created;
        return created;
    }

    public IntDistribution Int(string name, long low, long high, bool log, long step)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_last.TryGetValue(name, out var d) && d is IntDistribution i && i.IsMadeOf(low, high, log, step))
        {
            return i;
        }

        var created = new IntDistribution(low, high, log, step);
        _last[name] = created;
        return created;
    }
}
