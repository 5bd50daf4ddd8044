using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Sharptune.Artifacts;
using Sharptune.Storages;
using Sharptune.Visualization;

namespace Sharptune.Dashboard;

/// <summary>The handlers of the JSON API (documented in docs/dashboard-api.md).</summary>
internal sealed class DashboardApi(IStorage storage, DashboardOptions options)
{
    private readonly StudySnapshots _snapshots = new(storage, TimeSpan.FromMilliseconds(options.PollIntervalMilliseconds));

    /// <summary>The plots of a single-objective study, in page order.</summary>
    internal static readonly string[] SingleObjectivePlots =
        ["history", "importance", "intermediate", "parallel_coordinate", "contour", "slice", "edf", "rank", "timeline"];

    /// <summary>The plots of a multi-objective study, in page order (the per-objective plots take <c>?objective=i</c>).</summary>
    internal static readonly string[] MultiObjectivePlots =
        ["pareto_front", "history", "importance", "parallel_coordinate", "contour", "slice", "edf", "rank", "timeline"];

    private const string ReadOnlyReason =
        "The dashboard is read-only: writes need DashboardOptions.AllowWrites (and pass its WritePolicy when set).";

    public IResult Meta() => Json(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("api_version", DashboardEndpointRouteBuilderExtensions.ApiVersion);
        w.WriteString("title", options.Title);
        w.WriteBoolean("allow_writes", options.AllowWrites);
        w.WriteNumber("poll_interval_ms", options.PollIntervalMilliseconds);
        w.WriteBoolean("artifact_is_available", options.ArtifactStore is not null);
        w.WriteEndObject();
    });

    public IResult Studies() => Json(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("study_summaries");
        foreach (var study in storage.GetAllStudies().OrderBy(s => s.StudyId))
        {
            var trials = _snapshots.Get(study.StudyId, fresh: true).Trials;
            w.WriteStartObject();
            w.WriteNumber("study_id", study.StudyId);
            w.WriteString("study_name", study.StudyName);
            DashboardJson.Directions(w, study.Directions);
            w.WriteNumber("n_trials", trials.Count);
            var counts = new int[Enum.GetValues<TrialState>().Max(s => (int)s) + 1];
            DateTime? start = null, last = null;
            foreach (var t in trials)
            {
                counts[(int)t.State]++;
                if (t.DatetimeStart is { } s && (start is null || s < start))
                {
                    start = s;
                }

                foreach (var d in (ReadOnlySpan<DateTime?>)[t.DatetimeStart, t.DatetimeComplete])
                {
                    if (d is { } v && (last is null || v > last))
                    {
                        last = v;
                    }
                }
            }

            w.WriteStartObject("trial_counts");
            foreach (var state in Enum.GetValues<TrialState>())
            {
                w.WriteNumber(DashboardJson.StateName(state), counts[(int)state]);
            }

            w.WriteEndObject();
            DashboardJson.Number(w, "best_value", BestValue(study.Directions, trials));
            DashboardJson.Date(w, "datetime_start", start);
            DashboardJson.Date(w, "last_activity", last);
            DashboardJson.Attrs(w, "user_attrs", study.UserAttrs);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    public IResult Study(int studyId, int after, string? view)
    {
        if (after < 0)
        {
            return Error(StatusCodes.Status400BadRequest, "The 'after' cursor must be a non-negative trial number.");
        }

        if (view is not (null or "full" or "rows"))
        {
            return Error(StatusCodes.Status400BadRequest, $"Unknown view '{view}'; use 'full' (the default) or 'rows'.");
        }

        bool rows = view == "rows";

        return WithStudy(studyId, name =>
        {
            var directions = storage.GetStudyDirections(studyId);
            var systemAttrs = storage.GetStudySystemAttrs(studyId);
            var trials = _snapshots.Get(studyId, fresh: true).Trials;
            return Json(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("study_id", studyId);
                w.WriteString("name", name);
                DashboardJson.Directions(w, directions);
                w.WritePropertyName("objective_names");
                if (systemAttrs.TryGetValue("study:metric_names", out object? names) && names is not null)
                {
                    DashboardJson.Value(w, names);
                }
                else
                {
                    w.WriteNullValue();
                }

                w.WriteNumber("n_trials", trials.Count);
                w.WriteNumber("after", after);
                w.WriteStartArray("trials");
                for (int i = Math.Min(after, trials.Count); i < trials.Count; i++)
                {
                    if (rows)
                    {
                        DashboardJson.TrialRow(w, trials[i]);
                    }
                    else
                    {
                        DashboardJson.Trial(w, trials[i], studyId, systemAttrs);
                    }
                }

                w.WriteEndArray();
                w.WriteStartArray("plots");
                foreach (string plot in directions.Count > 1 ? MultiObjectivePlots : SingleObjectivePlots)
                {
                    w.WriteStringValue(plot);
                }

                w.WriteEndArray();
                Note(w, DashboardNotes.Get(systemAttrs, null));
                DashboardJson.Artifacts(w, systemAttrs);
                DashboardJson.Attrs(w, "user_attrs", storage.GetStudyUserAttrs(studyId));
                DashboardJson.Attrs(w, "system_attrs", systemAttrs, skipDashboardKeys: true);
                w.WriteEndObject();
            });
        });
    }

    public IResult Trial(int studyId, int number) => WithStudy(studyId, _ =>
    {
        FrozenTrial trial;
        try
        {
            trial = storage.GetTrial(storage.GetTrialIdFromStudyIdTrialNumber(studyId, number));
        }
        catch (KeyNotFoundException)
        {
            return Error(StatusCodes.Status404NotFound, $"The study {studyId} has no trial number {number}.");
        }

        var systemAttrs = storage.GetStudySystemAttrs(studyId);
        return Json(w => DashboardJson.Trial(w, trial, studyId, systemAttrs));
    });

    public IResult Plot(int studyId, string plotType, int objective) => WithStudy(studyId, name =>
    {
        int n = storage.GetStudyDirections(studyId).Count;
        if (objective < 0 || objective >= n)
        {
            return Error(StatusCodes.Status400BadRequest, $"The objective index must be in [0, {n}), got {objective}.");
        }

        if (!MultiObjectivePlots.Contains(plotType) && !SingleObjectivePlots.Contains(plotType))
        {
            return Error(StatusCodes.Status404NotFound, $"Unknown plot type '{plotType}'; the plot types are {string.Join(", ", MultiObjectivePlots.Union(SingleObjectivePlots))}.");
        }

        var snapshot = _snapshots.Get(studyId, fresh: false);
        byte[] json;
        try
        {
            json = _snapshots.Figure(snapshot, plotType, n > 1 && plotType != "pareto_front" ? objective : 0, () =>
                Encoding.UTF8.GetBytes(Draw(Sharptune.Study.Load(name, new SnapshotStorage(storage, snapshot)), plotType, objective).ToPlotlyJson()));
        }
        catch (ArgumentException e)
        {
            return Error(StatusCodes.Status400BadRequest, e.Message);
        }
        catch (InvalidOperationException e)
        {
            return Error(StatusCodes.Status400BadRequest, e.Message);
        }

        return new JsonBytesResult(json, StatusCodes.Status200OK, _snapshots.ETag(snapshot));
    });

    /// <summary>
    /// Draws one plot. Importances use PED-ANOVA, as optuna-dashboard does (fast on large studies; the target of
    /// a maximized objective is negated because PED-ANOVA minimizes a target).
    /// </summary>
    private static Figure Draw(Study study, string plotType, int objective)
    {
        int n = study.Directions.Count;

        string targetName = study.MetricNames is { } metrics ? metrics[objective] : n > 1 ? $"Objective {objective}" : "Objective Value";
        Func<FrozenTrial, double>? target = n > 1 ? t => t.Values![objective] : null;
        Func<FrozenTrial, double>? importanceTarget = n == 1 ? null
            : study.Directions[objective] == StudyDirection.Maximize ? t => -t.Values![objective] : target;
        return plotType switch
            {
                "history" => study.PlotOptimizationHistory(new OptimizationHistoryOptions { Target = target, TargetName = targetName }),
                "importance" => study.PlotParamImportances(new ParamImportancesOptions { Target = importanceTarget, TargetName = targetName, Evaluator = new Sharptune.Importance.PedAnovaImportanceEvaluator() }),
                "intermediate" => study.PlotIntermediateValues(),
                "parallel_coordinate" => study.PlotParallelCoordinate(new ParallelCoordinateOptions { Target = target, TargetName = targetName }),
                "contour" => study.PlotContour(new ContourOptions { Target = target, TargetName = targetName }),
                "slice" => study.PlotSlice(new SliceOptions { Target = target, TargetName = targetName }),
                "edf" => study.PlotEdf(new EdfOptions { Target = target, TargetName = targetName }),
                "rank" => study.PlotRank(new RankOptions { Target = target, TargetName = targetName }),
                "timeline" => study.PlotTimeline(),
                "pareto_front" => study.PlotParetoFront(new ParetoFrontOptions { TargetNames = study.MetricNames }),
                _ => throw new ArgumentException($"Unknown plot type '{plotType}'."),
            };
    }

    public IResult Csv(int studyId, string? state, string? filters)
    {
        TrialFilter trialFilter;
        try
        {
            trialFilter = TrialFilter.Parse(filters);
        }
        catch (FormatException e)
        {
            return Error(StatusCodes.Status400BadRequest, e.Message);
        }

        TrialState? stateFilter = null;
        if (!string.IsNullOrEmpty(state))
        {
            if (!Enum.TryParse(state, ignoreCase: true, out TrialState parsed) || !Enum.IsDefined(parsed) || int.TryParse(state, out _))
            {
                return Error(StatusCodes.Status400BadRequest, $"Unknown trial state '{state}'; use Running, Complete, Pruned, Fail or Waiting.");
            }

            stateFilter = parsed;
        }

        return WithStudy(studyId, name =>
        {
            var study = Sharptune.Study.Load(name, storage);
            if (stateFilter is not null || !trialFilter.IsEmpty)
            {
                study = study.WithTrialFilter(t => (stateFilter is not { } f || t.State == f) && trialFilter.Passes(t));
            }

            var text = new StringWriter(CultureInfo.InvariantCulture);
            study.ExportCsv(text);
            string fileName = string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
            return Results.File(Encoding.UTF8.GetBytes(text.ToString()), "text/csv; charset=utf-8", $"{fileName}-trials.csv");
        });
    }

    public IResult AntiforgeryToken(HttpContext context)
    {
        if (!options.AllowWrites)
        {
            return Error(StatusCodes.Status403Forbidden, ReadOnlyReason);
        }

        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("header_name", tokens.HeaderName);
            w.WriteString("token", tokens.RequestToken);
            w.WriteEndObject();
        });
    }

    public async Task<IResult> SaveNote(HttpContext context, int studyId, int? trialId)
    {
        if (await CheckWrite(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        JsonElement body;
        try
        {
            body = await ReadBody(context).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return Error(StatusCodes.Status400BadRequest, "The request body must be JSON: " + e.Message);
        }

        if (!body.TryGetProperty("version", out var ver) || ver.ValueKind != JsonValueKind.Number || !ver.TryGetInt32(out int version) || version < 1 ||
            !body.TryGetProperty("body", out var text) || text.ValueKind != JsonValueKind.String)
        {
            return Error(StatusCodes.Status400BadRequest, "A note is {\"version\": <saved version + 1>, \"body\": \"<markdown>\"}.");
        }

        return WithStudy(studyId, _ =>
        {
            if (trialId is { } id && storage.GetAllTrials(studyId).All(t => t.TrialId != id))
            {
                return Error(StatusCodes.Status404NotFound, $"The study {studyId} has no trial with id {id}.");
            }

            if (!DashboardNotes.TrySave(storage, studyId, trialId, version, text.GetString()!))
            {
                var current = DashboardNotes.Get(storage, studyId, trialId);
                return Json(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("reason", "The note was updated by someone else; reload it before saving.");
                    Note(w, current);
                    w.WriteEndObject();
                }, StatusCodes.Status409Conflict);
            }

            return Json(w =>
            {
                w.WriteStartObject();
                Note(w, DashboardNotes.Get(storage, studyId, trialId));
                w.WriteEndObject();
            });
        });
    }

    public async Task<IResult> Tell(HttpContext context, int studyId, int number)
    {
        if (await CheckWrite(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        JsonElement body;
        try
        {
            body = await ReadBody(context).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return Error(StatusCodes.Status400BadRequest, "The request body must be JSON: " + e.Message);
        }

        string? stateText = body.TryGetProperty("state", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        TrialState? state = stateText switch
        {
            "Complete" => TrialState.Complete,
            "Pruned" => TrialState.Pruned,
            "Fail" => TrialState.Fail,
            _ => null,
        };
        if (state is null)
        {
            return Error(StatusCodes.Status400BadRequest, "The state must be \"Complete\", \"Pruned\" or \"Fail\".");
        }

        List<double>? values = null;
        if (body.TryGetProperty("values", out var v) && v.ValueKind != JsonValueKind.Null)
        {
            if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.Number))
            {
                return Error(StatusCodes.Status400BadRequest, "The values must be an array of numbers.");
            }

            values = v.EnumerateArray().Select(x => x.GetDouble()).ToList();
        }

        return WithStudy(studyId, name =>
        {
            var study = Sharptune.Study.Load(name, storage);
            var trial = study.Trials.FirstOrDefault(t => t.Number == number);
            if (trial is null)
            {
                return Error(StatusCodes.Status404NotFound, $"The study {studyId} has no trial number {number}.");
            }

            if (trial.State != TrialState.Running)
            {
                return Error(StatusCodes.Status400BadRequest, $"Trial {number} is already finished with state {DashboardJson.StateName(trial.State)}: only a running trial can be told.");
            }

            FrozenTrial told;
            try
            {
                told = study.Tell(number, state == TrialState.Complete ? values : null, state);
            }
            catch (ArgumentException e)
            {
                return Error(StatusCodes.Status400BadRequest, e.Message);
            }
            catch (InvalidOperationException e)
            {
                return Error(StatusCodes.Status400BadRequest, e.Message);
            }

            return Json(w => DashboardJson.Trial(w, told, studyId, storage.GetStudySystemAttrs(studyId)));
        });
    }

    public async Task<IResult> DeleteStudy(HttpContext context, int studyId)
    {
        if (await CheckWrite(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        string name;
        IReadOnlyList<FrozenTrial> trials;
        IReadOnlyDictionary<string, object?> systemAttrs;
        try
        {
            name = storage.GetStudyNameFromId(studyId);
            trials = storage.GetAllTrials(studyId);
            systemAttrs = storage.GetStudySystemAttrs(studyId);
        }
        catch (KeyNotFoundException)
        {
            return Error(StatusCodes.Status404NotFound, $"No study with id {studyId}.");
        }

        if (await ReadOptionalBody(context).ConfigureAwait(false) is not { } body)
        {
            return Error(StatusCodes.Status400BadRequest, "The request body must be JSON, e.g. {\"remove_associated_artifacts\": true}, or empty.");
        }

        bool removeArtifacts = !(body.ValueKind == JsonValueKind.Object && body.TryGetProperty("remove_associated_artifacts", out var remove) && remove.ValueKind == JsonValueKind.False);
        int removed = 0;
        if (options.ArtifactStore is { } store && removeArtifacts)
        {
            // As optuna-dashboard: the contents go first, so a failure leaves the study (and its listing) in place.
            foreach (var meta in trials.SelectMany(t => DashboardJson.ArtifactMetas(t.SystemAttrs)).Concat(DashboardJson.ArtifactMetas(systemAttrs)))
            {
                try
                {
                    await store.RemoveAsync(meta.ArtifactId, context.RequestAborted).ConfigureAwait(false);
                    removed++;
                }
                catch (ArtifactNotFoundException)
                {
                }
            }
        }

        try
        {
            storage.DeleteStudy(studyId);
        }
        catch (KeyNotFoundException)
        {
            return Error(StatusCodes.Status404NotFound, $"No study with id {studyId}.");
        }

        _snapshots.Forget(studyId);
        return Json(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("study_id", studyId);
            w.WriteString("study_name", name);
            w.WriteNumber("n_trials", trials.Count);
            w.WriteNumber("removed_artifacts", removed);
            w.WriteEndObject();
        });
    }

    public async Task<IResult> RenameStudy(HttpContext context, int studyId)
    {
        if (await CheckWrite(context).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        if (await ReadOptionalBody(context).ConfigureAwait(false) is not { ValueKind: JsonValueKind.Object } body ||
            !body.TryGetProperty("study_name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
        {
            return Error(StatusCodes.Status400BadRequest, "A rename is {\"study_name\": \"<new name>\"}.");
        }

        string newName = nameElement.GetString()!;
        if (string.IsNullOrWhiteSpace(newName))
        {
            return Error(StatusCodes.Status400BadRequest, "The new study name must not be empty.");
        }

        int newId;
        try
        {
            newId = StudyRename.Rename(storage, studyId, newName);
        }
        catch (KeyNotFoundException)
        {
            return Error(StatusCodes.Status404NotFound, $"No study with id {studyId}.");
        }
        catch (DuplicatedStudyException)
        {
            return Error(StatusCodes.Status409Conflict, $"A study named '{newName}' already exists.");
        }
        catch (InvalidOperationException e)
        {
            return Error(StatusCodes.Status409Conflict, e.Message);
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException)
        {
            return Error(StatusCodes.Status400BadRequest, "This storage cannot rename the study: " + e.Message);
        }

        _snapshots.Forget(studyId);
        return Json(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("study_id", newId);
            w.WriteString("study_name", newName);
            w.WriteNumber("previous_study_id", studyId);
            w.WriteEndObject();
        });
    }

    public async Task<IResult> DownloadArtifact(HttpContext context, int studyId, int? trialId, string artifactId)
    {
        if (options.ArtifactStore is not { } store)
        {
            return Error(StatusCodes.Status404NotFound, "The dashboard has no artifact store (DashboardOptions.ArtifactStore).");
        }

        IReadOnlyDictionary<string, object?> attrs;
        try
        {
            storage.GetStudyNameFromId(studyId);
            if (trialId is { } id)
            {
                var trial = storage.GetTrial(id);
                if (storage.GetTrialIdFromStudyIdTrialNumber(studyId, trial.Number) != id)
                {
                    return Error(StatusCodes.Status404NotFound, $"The study {studyId} has no trial with id {id}.");
                }

                attrs = trial.SystemAttrs;
            }
            else
            {
                attrs = storage.GetStudySystemAttrs(studyId);
            }
        }
        catch (KeyNotFoundException e)
        {
            return Error(StatusCodes.Status404NotFound, e.Message);
        }

        // Only an artifact listed on that study or trial is served: the id alone does not open the store.
        var meta = DashboardJson.ArtifactMetas(attrs).FirstOrDefault(m => m.ArtifactId == artifactId);
        if (meta is null)
        {
            return Error(StatusCodes.Status404NotFound, $"No artifact '{artifactId}' is listed on this {(trialId is null ? "study" : "trial")}.");
        }

        Stream content;
        try
        {
            content = await store.OpenReadAsync(meta.ArtifactId, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ArtifactNotFoundException)
        {
            return Error(StatusCodes.Status404NotFound, $"The artifact store has no content for '{meta.ArtifactId}' ({meta.FileName}).");
        }

        return new ArtifactResult(content, meta);
    }

    private static async Task<JsonElement?> ReadOptionalBody(HttpContext context)
    {
        if (context.Request.ContentLength == 0 || (context.Request.ContentLength is null && !context.Request.Headers.ContainsKey("Transfer-Encoding")))
        {
            return default(JsonElement);
        }

        try
        {
            return await ReadBody(context).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Note(Utf8JsonWriter w, DashboardNote note)
    {
        w.WriteStartObject("note");
        w.WriteNumber("version", note.Version);
        w.WriteString("body", note.Body);
        w.WriteEndObject();
    }

    private static async Task<JsonElement> ReadBody(HttpContext context)
    {
        using var document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
        return document.RootElement.Clone();
    }

    private static double? BestValue(IReadOnlyList<StudyDirection> directions, IReadOnlyList<FrozenTrial> trials)
    {
        if (directions.Count != 1)
        {
            return null;
        }

        double? best = null;
        foreach (var t in trials)
        {
            if (t.State == TrialState.Complete && t.Values is [double v] && !double.IsNaN(v) &&
                (best is null || (directions[0] == StudyDirection.Maximize ? v > best : v < best)))
            {
                best = v;
            }
        }

        return best;
    }

    private static IResult Error(int status, string reason) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("reason", reason);
        w.WriteEndObject();
    }, status);

    private static IResult Json(Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            write(w);
        }

        return new JsonBytesResult(buffer.ToArray(), status);
    }

    private async Task<IResult?> CheckWrite(HttpContext context)
    {
        if (!options.AllowWrites)
        {
            return Error(StatusCodes.Status403Forbidden, ReadOnlyReason);
        }

        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException e)
        {
            return Error(StatusCodes.Status400BadRequest, "The anti-forgery token is missing or invalid (GET api/v1/antiforgery, then send it in its header): " + e.Message);
        }

        return null;
    }

    private IResult WithStudy(int studyId, Func<string, IResult> action)
    {
        string name;
        try
        {
            name = storage.GetStudyNameFromId(studyId);
        }
        catch (KeyNotFoundException)
        {
            return Error(StatusCodes.Status404NotFound, $"No study with id {studyId}.");
        }

        try
        {
            return action(name);
        }
        catch (KeyNotFoundException e)
        {
            return Error(StatusCodes.Status404NotFound, e.Message);
        }
    }

    /// <summary>An artifact's content as a download (never rendered by the browser on the dashboard's origin).</summary>
    private sealed class ArtifactResult(Stream content, ArtifactMeta meta) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            await using (content.ConfigureAwait(false))
            {
                var headers = httpContext.Response.Headers;
                httpContext.Response.ContentType = meta.MimeType;
                if (meta.Encoding is { Length: > 0 } encoding)
                {
                    headers.ContentEncoding = encoding;
                }

                var disposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment");
                disposition.SetHttpFileName(meta.FileName);
                headers.ContentDisposition = disposition.ToString();
                headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
                headers.CacheControl = "no-store";
                await content.CopyToAsync(httpContext.Response.Body, httpContext.RequestAborted).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A JSON body; with an entity tag, a request whose If-None-Match has it gets 304 and no body.</summary>
    private sealed class JsonBytesResult(byte[] body, int status, string? etag = null) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            if (etag is not null)
            {
                httpContext.Response.Headers.ETag = etag;
                httpContext.Response.Headers.CacheControl = "no-cache";
                if (httpContext.Request.Headers.IfNoneMatch.Contains(etag))
                {
                    httpContext.Response.StatusCode = StatusCodes.Status304NotModified;
                    return Task.CompletedTask;
                }
            }
            else
            {
                httpContext.Response.Headers.CacheControl = "no-store";
            }

            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentLength = body.Length;
            return httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
        }
    }
}
