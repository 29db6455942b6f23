using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Mlops.Scoring.Hosting;
using Mlops.Scoring.Model;
using Mlops.Scoring.Scoring;

namespace Mlops.ScoringBench;

/// <summary>
/// Bench-only endpoints beside the real <c>POST /score</c>, reading the body and parsing it exactly as /score does
/// (same <see cref="ScoreRequestParser"/>, same <see cref="ScoreResponseWriter"/>, same headers):
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

    private sealed record Ready(ServingModel Serving, ScoreRequestParser Parser, PeerScorer Peer);

    public static BenchEndpoints Map(WebApplication app)
    {
        var endpoints = new BenchEndpoints(app.Services.GetRequiredService<IOptions<ScoringOptions>>().Value);
        app.MapPost("/bench/floor", context => endpoints.HandleAsync(context, peer: false));
        app.MapPost("/bench/peer", context => endpoints.HandleAsync(context, peer: true));
        return endpoints;
    }

    /// <summary>Called once the real app is serving: the same parser settings and the peer's engine pool.</summary>
    public void SetReady(ServingModel serving, ScoringOptions options, string modelZip) => _ready = new Ready(
        serving,
        new ScoreRequestParser(serving.Model.Signature, options.MaxRowsPerRequest),
        new PeerScorer(modelZip, serving.Model.Signature));

    private async Task HandleAsync(HttpContext context, bool peer)
    {
        if (_ready is not { } ready)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        context.Response.Headers[ScoringEndpoints.ModelNameHeader] = ready.Serving.Model.Name;
        context.Response.Headers[ScoringEndpoints.ModelVersionHeader] = ready.Serving.Model.Version;
        var body = await ReadBodyAsync(context, _maxRequestBytes);
        if (body is null)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        FeatureColumns columns;
        bool isBatch;
        try
        {
            columns = ready.Parser.Parse(body.Value.Span, out isBatch);
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
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        ScoreResponseWriter.Write(writer, ready.Serving.Model.Name, ready.Serving.Model.Version, scored, 0, columns.Count, isBatch);
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary>As <c>ScoringEndpoints</c> reads the body: one pooled copy, or null when over the limit.</summary>
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
}
