using System.Diagnostics;
using Microsoft.Extensions.Options;
using Mlops.Scoring.Model;
using Mlops.Scoring.Scoring;

namespace Mlops.Scoring.Hosting;

/// <summary>The HTTP surface: <c>POST /score</c>, health, <c>GET /model</c>, <c>GET /metrics</c>.</summary>
public static class ScoringEndpoints
{
    public const string ModelNameHeader = "x-model-name";
    public const string ModelVersionHeader = "x-model-version";

    public static WebApplication MapScoringEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/score", ScoreAsync);
        app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
        app.MapGet("/health/ready", (ModelHost host, IOptions<ScoringOptions> options) => host.Serving is { } serving
            ? Results.Ok(new { status = "ready", model = serving.Model.Name, version = serving.Model.Version, slot = options.Value.SlotName })
            : Results.Json(new { status = "not-ready", reason = host.NotReadyReason, slot = options.Value.SlotName }, statusCode: 503));
        app.MapGet("/model", (ModelHost host) => host.Serving is { } serving
            ? Results.Ok(new
            {
                model = serving.Model.Name,
                version = serving.Model.Version,
                registeredAt = serving.RegisteredAt,
                task = serving.Model.Signature.Task,
                features = serving.Model.Signature.Features,
            })
            : NotReady(host));
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private static async Task ScoreAsync(HttpContext context, ModelHost host, IOptions<ScoringOptions> options)
    {
        var started = Stopwatch.GetTimestamp();
        var settings = options.Value;
        if (host.Serving is not { } serving)
        {
            await NotReady(host).ExecuteAsync(context);
            return;
        }

        context.Response.Headers[ModelNameHeader] = serving.Model.Name;
        context.Response.Headers[ModelVersionHeader] = serving.Model.Version;
        // Anything that escapes below is an unexpected server error (500 ProblemDetails from the exception handler).
        var outcome = "error";
        try
        {
            if (settings.Faults.Enabled && await FaultInjection.ApplyAsync(settings.Faults, context.RequestAborted))
            {
                outcome = "fault";
                await Problem(context, StatusCodes.Status500InternalServerError, "Injected fault",
                    "The fault switch (Scoring:Faults) failed this request on purpose.");
                return;
            }

            var body = await RequestBody.ReadAsync(context, settings.MaxRequestBytes);
            if (body is null)
            {
                outcome = "bad_request";
                await Problem(context, StatusCodes.Status413PayloadTooLarge, "Request body too large",
                    $"The body is larger than {settings.MaxRequestBytes} bytes (Scoring:MaxRequestBytes); send fewer rows per request.");
                return;
            }

            FeatureColumns columns;
            bool isBatch;
            try
            {
                columns = serving.Parser.Parse(body.Value.Span, out isBatch);
            }
            catch (ScoringRequestException ex)
            {
                outcome = "bad_request";
                await Problem(context, StatusCodes.Status400BadRequest, "Invalid scoring request", ex.Message, ex);
                return;
            }
            finally
            {
                body.Value.Return();
            }

            var scored = serving.Batcher is { } batcher && columns.Count <= settings.Batching.MaxRowsPerRequest
                ? await batcher.ScoreAsync(columns, context.RequestAborted)
                : new ScoredRows(serving.Model.Score(columns), 0, columns.Count);
            serving.Metrics.RecordScored(columns, scored);
            await ScoreResponseWriter.WriteAsync(context.Response, serving.Model.Name, serving.Model.Version, scored, isBatch, context.RequestAborted);
            outcome = "success";
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            outcome = "aborted";
        }
        finally
        {
            serving.Metrics.RecordRequest(outcome, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private static IResult NotReady(ModelHost host) => Results.Problem(
        title: "Model not ready", detail: host.NotReadyReason, statusCode: StatusCodes.Status503ServiceUnavailable);

    private static Task Problem(HttpContext context, int status, string title, string detail, ScoringRequestException? at = null)
    {
        var extensions = new Dictionary<string, object?>();
        if (at is not null)
        {
            extensions["location"] = at.Location;
            if (at.Row is { } row) { extensions["row"] = row; }
            if (at.Field is { } field) { extensions["field"] = field; }
        }

        return Results.Problem(title: title, detail: detail, statusCode: status, extensions: extensions).ExecuteAsync(context);
    }
}
