using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Sharptune.Artifacts;
using Sharptune.Storages;

namespace Sharptune.Dashboard;

/// <summary>Writes the API's JSON documents (snake_case names as optuna-dashboard's API; non-finite numbers as strings).</summary>
internal static class DashboardJson
{
    private static readonly JsonSerializerOptions AttrOptions = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string StateName(TrialState state) => state switch
    {
        TrialState.Running => "Running",
        TrialState.Complete => "Complete",
        TrialState.Pruned => "Pruned",
        TrialState.Fail => "Fail",
        TrialState.Waiting => "Waiting",
        _ => state.ToString(),
    };

    public static string DirectionName(StudyDirection direction) => direction switch
    {
        StudyDirection.Minimize => "minimize",
        StudyDirection.Maximize => "maximize",
        _ => "not_set",
    };

    public static void Number(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumberValue(value);
        }
        else
        {
            w.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    public static void Number(Utf8JsonWriter w, string name, double? value)
    {
        w.WritePropertyName(name);
        if (value is { } v)
        {
            Number(w, v);
        }
        else
        {
            w.WriteNullValue();
        }
    }

    public static void Date(Utf8JsonWriter w, string name, DateTime? value)
    {
        if (value is { } d)
        {
            w.WriteString(name, DateTime.SpecifyKind(d, d.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : d.Kind).ToString("O", CultureInfo.InvariantCulture));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    public static void Value(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null:
                w.WriteNullValue();
                break;
            case double d:
                Number(w, d);
                break;
            case float f:
                Number(w, f);
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case int i:
                w.WriteNumberValue(i);
                break;
            case long l:
                w.WriteNumberValue(l);
                break;
            case JsonElement e:
                e.WriteTo(w);
                break;
            default:
                if (JsonSerializer.IsReflectionEnabledByDefault)
                {
                    SerializeByReflection(w, value);
                }
                else
                {
                    Composite(w, value);
                }

                break;
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Runs only where reflection-based serialization is enabled (off in trimmed and Native AOT apps).")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Runs only where reflection-based serialization is enabled (off in trimmed and Native AOT apps).")]
    private static void SerializeByReflection(Utf8JsonWriter w, object value) =>
        JsonSerializer.Serialize(w, value, value.GetType(), AttrOptions);

    /// <summary>Without reflection (trimmed and Native AOT apps): maps and sequences element by element, other values as text.</summary>
    private static void Composite(Utf8JsonWriter w, object value)
    {
        switch (value)
        {
            case System.Collections.IDictionary map:
                w.WriteStartObject();
                foreach (System.Collections.DictionaryEntry entry in map)
                {
                    w.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                    Value(w, entry.Value);
                }

                w.WriteEndObject();
                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                w.WriteStartObject();
                foreach (var (key, item) in pairs)
                {
                    w.WritePropertyName(key);
                    Value(w, item);
                }

                w.WriteEndObject();
                break;
            case System.Collections.IEnumerable items:
                w.WriteStartArray();
                foreach (object? item in items)
                {
                    Value(w, item);
                }

                w.WriteEndArray();
                break;
            case IConvertible number when number.GetTypeCode() is >= TypeCode.SByte and <= TypeCode.Decimal:
                Number(w, number.ToDouble(CultureInfo.InvariantCulture));
                break;
            default:
                w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    public static void Attrs(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, object?> attrs, bool skipDashboardKeys = false)
    {
        w.WriteStartObject(name);
        foreach (var (key, value) in attrs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (skipDashboardKeys && key.StartsWith("dashboard:", StringComparison.Ordinal))
            {
                continue;
            }

            w.WritePropertyName(key);
            Value(w, value);
        }

        w.WriteEndObject();
    }

    /// <summary>Writes <c>"artifacts": [{artifact_id, filename, mimetype, encoding}]</c> from the <c>artifacts:</c> system attributes.</summary>
    public static void Artifacts(Utf8JsonWriter w, IReadOnlyDictionary<string, object?> systemAttrs)
    {
        w.WriteStartArray("artifacts");
        foreach (var meta in ArtifactMetas(systemAttrs))
        {
            w.WriteStartObject();
            w.WriteString("artifact_id", meta.ArtifactId);
            w.WriteString("filename", meta.FileName);
            w.WriteString("mimetype", meta.MimeType);
            w.WriteString("encoding", meta.Encoding);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>The artifact metadata in <c>artifacts:</c> system attributes; attributes that do not hold metadata are skipped.</summary>
    public static IEnumerable<ArtifactMeta> ArtifactMetas(IReadOnlyDictionary<string, object?> systemAttrs)
    {
        foreach (var (key, value) in systemAttrs)
        {
            if (!key.StartsWith(Artifact.AttrPrefix, StringComparison.Ordinal) || value is not string json)
            {
                continue;
            }

            ArtifactMeta meta;
            try
            {
                meta = Artifact.FromJson(json);
            }
            catch (FormatException)
            {
                continue;
            }

            yield return meta;
        }
    }

    public static void Directions(Utf8JsonWriter w, IReadOnlyList<StudyDirection> directions)
    {
        w.WriteStartArray("directions");
        foreach (var d in directions)
        {
            w.WriteStringValue(DirectionName(d));
        }

        w.WriteEndArray();
    }

    /// <summary>
    /// Writes a trial as a row of the page's table (the <c>view=rows</c> form): id, number, state, values, duration,
    /// params as <c>{name: value}</c> and user attributes; about a quarter of the full form's bytes.
    /// </summary>
    public static void TrialRow(Utf8JsonWriter w, FrozenTrial t)
    {
        w.WriteStartObject();
        w.WriteNumber("trial_id", t.TrialId);
        w.WriteNumber("number", t.Number);
        w.WriteString("state", StateName(t.State));
        TrialValues(w, t.Values);

        Number(w, "duration_seconds", t.Duration?.TotalSeconds);
        w.WriteStartObject("params");
        foreach (var (name, value) in t.Params)
        {
            w.WritePropertyName(name);
            Value(w, value);
        }

        w.WriteEndObject();
        Attrs(w, "user_attrs", t.UserAttrs);
        w.WriteEndObject();
    }

    /// <summary>Writes a trial's <c>values</c>: an array of numbers, or null while it has none.</summary>
    private static void TrialValues(Utf8JsonWriter w, IReadOnlyList<double>? values)
    {
        w.WritePropertyName("values");
        if (values is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartArray();
        foreach (double v in values)
        {
            Number(w, v);
        }

        w.WriteEndArray();
    }

    public static void Trial(Utf8JsonWriter w, FrozenTrial t, int studyId, IReadOnlyDictionary<string, object?> studySystemAttrs)
    {
        w.WriteStartObject();
        w.WriteNumber("trial_id", t.TrialId);
        w.WriteNumber("study_id", studyId);
        w.WriteNumber("number", t.Number);
        w.WriteString("state", StateName(t.State));
        TrialValues(w, t.Values);

        Date(w, "datetime_start", t.DatetimeStart);
        Date(w, "datetime_complete", t.DatetimeComplete);
        Number(w, "duration_seconds", t.Duration?.TotalSeconds);
        w.WriteStartArray("params");
        foreach (var (name, value) in t.Params.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WritePropertyName("param_external_value");
            Value(w, value);
            w.WriteString("param_external_type", value switch
            {
                string => "string",
                bool => "bool",
                null => "null",
                _ => "number",
            });
            w.WritePropertyName("param_internal_value");
            Number(w, t.InternalParams[name]);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("intermediate_values");
        foreach (var (step, value) in t.IntermediateValues.OrderBy(p => p.Key))
        {
            w.WriteStartObject();
            w.WriteNumber("step", step);
            w.WritePropertyName("value");
            Number(w, value);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        Attrs(w, "user_attrs", t.UserAttrs);
        Attrs(w, "system_attrs", t.SystemAttrs);
        w.WriteStartArray("constraints");
        foreach (var (name, value) in t.Constraints)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            Number(w, "value", value);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (t.Constraints.Count > 0)
        {
            w.WriteBoolean("feasible", t.Constraints.Values.All(c => c <= 0));
        }
        else
        {
            w.WriteNull("feasible");
        }

        Artifacts(w, t.SystemAttrs);
        var note = DashboardNotes.Get(studySystemAttrs, t.TrialId);
        w.WriteStartObject("note");
        w.WriteNumber("version", note.Version);
        w.WriteString("body", note.Body);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
