using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text.Json;
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

            var body = await ReadBodyAsync(context, settings.MaxRequestBytes);
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
                columns = new ScoreRequestParser(serving.Model.Signature, settings.MaxRowsPerRequest).Parse(body.Value.Span, out isBatch);
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
                : serving.Model.Score(columns);
            serving.Metrics.RecordScored(columns, scored);
            await WriteScoresAsync(context, serving, scored, isBatch);
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

    private static async Task WriteScoresAsync(HttpContext context, ServingModel serving, ScoredBatch scored, bool isBatch)
    {
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        ScoreResponseWriter.Write(writer, serving.Model.Name, serving.Model.Version, scored, 0, scored.Values.Length, isBatch);
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary>A pooled buffer holding the body, or null when the body exceeds the limit.</summary>
    private static async Task<PooledBody?> ReadBodyAsync(HttpContext context, int limit)
    {
        if (context.Request.ContentLength > limit)
        {
            return null;
        }

        var reader = context.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(context.RequestAborted);
            if (read.Buffer.Length > limit)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                return null;
            }

            if (read.IsCompleted)
            {
                var length = (int)read.Buffer.Length;
                var array = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
                read.Buffer.CopyTo(array);
                reader.AdvanceTo(read.Buffer.End);
                return new PooledBody(array, length);
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private readonly record struct PooledBody(byte[] Array, int Length)
    {
        public ReadOnlySpan<byte> Span => Array.AsSpan(0, Length);

        public void Return() => ArrayPool<byte>.Shared.Return(Array);
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
