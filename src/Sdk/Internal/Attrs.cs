using System.Collections.ObjectModel;

namespace Sharptune.Internal;

/// <summary>Copy-on-write helpers for attribute dictionaries shared by immutable snapshots.</summary>
internal static class Attrs
{
    /// <summary>Returns a new read-only dictionary with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    public static IReadOnlyDictionary<string, object?> With(IReadOnlyDictionary<string, object?> attrs, string key, object? value)
    {
        var copy = new Dictionary<string, object?>(attrs.Count + 1, StringComparer.Ordinal);
        foreach (var (k, v) in attrs)
        {
            copy[k] = v;
        }

        copy[key] = value;
        return new ReadOnlyDictionary<string, object?>(copy);
    }
}
