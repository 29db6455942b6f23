using Microsoft.Extensions.Options;
using Mlops.Scoring.Hosting;
using Mlops.Scoring.Model;
using Mlops.Scoring.Scoring;

namespace Mlops.ScoringBench;

/// <summary>
/// Bench-only endpoints beside the real <c>POST /score</c>, reading the body and parsing it exactly as /score does
/// (the app's own <see cref="RequestBody"/>, <see cref="ScoreRequestParser"/> instance, <see cref="ScoreResponseWriter"/> and headers):
/// <c>/bench/floor</c> answers a constant (the HTTP floor), <c>/bench/peer</c> scores with pooled ML.NET
/// PredictionEngines (the .NET peer).
/// </summary>
internal sealed class BenchEndpoints
{
    private readonly int _maxRequestBytes;
    private readonly ScoredBatch _constant;
    private volatile Ready? _ready;

    private BenchEndpoints(ScoringOptions options)
    {
        _maxRequestBytes = options.MaxRequestBytes;
        _constant = new ScoredBatch(Enumerable.Repeat(0.5f, options.MaxRowsPerRequest).ToArray(), new bool[options.MaxRowsPerRequest]);
    }

    private sealed record Ready(ServingModel Serving, PeerScorer Peer);

    public static BenchEndpoints Map(WebApplication app)
    {
        var endpoints = new BenchEndpoints(app.Services.GetRequiredService<IOptions<ScoringOptions>>().Value);
        app.MapPost("/bench/floor", context => endpoints.HandleAsync(context, peer: false));
        app.MapPost("/bench/peer", context => endpoints.HandleAsync(context, peer: true));
        // How well /score merges requests: ONNX Runtime calls and requests through the micro-batcher so far.
        app.MapGet("/bench/batching", () => endpoints._ready?.Serving.Batcher is { } b
            ? Results.Text($"calls={b.Batches} batched={b.Requests}")
            : Results.Text("calls=0 batched=0"));
        return endpoints;
    }

    /// <summary>Called once the real app is serving: its parser is used as is; the peer's engine pool is made.</summary>
    public void SetReady(ServingModel serving, string modelZip) => _ready = new Ready(serving, new PeerScorer(modelZip, serving.Model.Signature));

    private async Task HandleAsync(HttpContext context, bool peer)
    {
        if (_ready is not { } ready)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        context.Response.Headers[ScoringEndpoints.ModelNameHeader] = ready.Serving.Model.Name;
        context.Response.Headers[ScoringEndpoints.ModelVersionHeader] = ready.Serving.Model.Version;
        var body = await RequestBody.ReadAsync(context, _maxRequestBytes);
        if (body is null)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        FeatureColumns columns;
        bool isBatch;
        try
        {
            columns = ready.Serving.Parser.Parse(body.Value.Span, out isBatch);
        }
        catch (ScoringRequestException)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        finally
        {
            body.Value.Return();
        }

        var scored = peer ? ready.Peer.Score(columns) : _constant;
        await ScoreResponseWriter.WriteAsync(context.Response, ready.Serving.Model.Name, ready.Serving.Model.Version,
            new ScoredRows(scored, 0, columns.Count), isBatch, context.RequestAborted);
    }
}
