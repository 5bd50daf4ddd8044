using System.Globalization;
using System.Text;

namespace Sharptune.Storages;

/// <summary>
/// The rules every storage applies to the names it stores — study names, parameter names and attribute keys — when
/// they are set, so that a name one storage accepts is accepted by all, and none is refused only later, when the
/// trial's writes reach the database: at most 512 characters (Unicode code points; the <c>VARCHAR(512)</c> columns
/// of Optuna's RDB schema), no NUL character (PostgreSQL can not store it in text) and no unpaired UTF-16 surrogate
/// (not encodable as UTF-8: SQLite would store a replacement character, PostgreSQL refuse it).
/// </summary>
internal static class StoredNames
{
    /// <summary>The longest name in characters (Optuna's <c>MAX_INDEXED_STRING_LENGTH</c>).</summary>
    public const int MaxLength = 512;

    /// <summary>Checks a study name.</summary>
    /// <param name="name">The name.</param>
    public static void CheckStudyName(string name) => Check(name, "study name", nameof(name));

    /// <summary>Checks a parameter name.</summary>
    /// <param name="name">The name.</param>
    public static void CheckParamName(string name) => Check(name, "parameter name", "paramName");

    /// <summary>Checks an attribute key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="kind">What the key names (<c>user attribute</c>, <c>system attribute</c>).</param>
    public static void CheckKey(string key, string kind) => Check(key, kind + " key", nameof(key));

    /// <summary>Checks the names and keys of a trial given as a template (<c>AddTrial</c>, enqueued trials).</summary>
    /// <param name="trial">The trial.</param>
    public static void CheckTemplate(FrozenTrial trial)
    {
        foreach (var name in trial.Distributions.Keys)
        {
            CheckParamName(name);
        }

        foreach (var key in trial.UserAttrs.Keys)
        {
            CheckKey(key, "user attribute");
        }

        foreach (var key in trial.SystemAttrs.Keys)
        {
            CheckKey(key, "system attribute");
        }
    }

    private static void Check(string value, string what, string parameter)
    {
        ArgumentNullException.ThrowIfNull(value, parameter);
        int characters = 0;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c == '\0')
            {
                throw new ArgumentException($"The {what} {Show(value)} contains a NUL character (at index {i}), which storages can not store.", parameter);
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new ArgumentException($"The {what} {Show(value)} contains an unpaired UTF-16 surrogate (U+{(int)c:X4} at index {i}), which is not valid Unicode text.", parameter);
            }

            characters++;
        }

        if (characters > MaxLength)
        {
            throw new ArgumentException($"The {what} {Show(value)} is {characters} characters long; storages accept at most {MaxLength} (the VARCHAR({MaxLength}) columns of Optuna's schema).", parameter);
        }
    }

    /// <summary>The value quoted for a message: control characters and surrogates escaped, cut after 40 characters.</summary>
    private static string Show(string value)
    {
        var sb = new StringBuilder("\"");
        int shown = Math.Min(value.Length, 40);
        for (int i = 0; i < shown; i++)
        {
            char c = value[i];
            if (char.IsControl(c) || char.IsSurrogate(c))
            {
                sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        sb.Append(value.Length > shown ? "\"…" : "\"");
        return sb.ToString();
    }
}
