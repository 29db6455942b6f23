using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Mlops.Local.Toolchain;
using Mlops.Scoring.Scoring;
using Mlops.Scoring.Telemetry;
using Mlops.Scoring.Tests;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Mlops.ScoringBench;

/// <summary>
/// <c>split</c>: where a request's server time goes, without HTTP. Times each stage of /score on the same bodies
/// the load test sends (parse with <see cref="ScoreRequestParser"/>, one ONNX Runtime call through
/// <see cref="OnnxModel"/>, the answer through <see cref="ScoreResponseWriter"/>, the request's telemetry through
/// <see cref="ScoringMetrics"/> with the OpenTelemetry SDK listening) and the ML.NET peer's scoring.
/// Each stage runs in timed rounds after a warm-up; the median round is reported, in microseconds per request.
/// </summary>
internal static class SplitBenchmark
{
    private const int Rounds = 7;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Args.Double(args, "--seconds", 1.0);
        using var model = await BenchModel.TrainAsync(ToolchainDirectory.Locate(), Args.OptionalInt(args, "--iterations"));
        var signature = FlightsTestModel.Signature;
        using var onnx = new OnnxModel("flights", "1", await File.ReadAllBytesAsync(model.ModelOnnx), signature);
        var peer = new PeerScorer(model.ModelZip, signature);
        var parser = new ScoreRequestParser(signature, 1_000);
        var rows = model.Model.Holdout;
        // The bodies wrk sends, in the same turn: each timed call takes the next one. Timing one body over and over
        // would flatter the tree models: the branch predictor learns that row's path through every tree.
        var singles = BenchModel.SingleRowBodies(rows).Select(Encoding.UTF8.GetBytes).ToArray();
        var batches = BenchModel.BatchBodies(rows).Select(Encoding.UTF8.GetBytes).ToArray();
        // Telemetry as the app records it: the OpenTelemetry SDK listening to the meter (a reader that exports nowhere).
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(ScoringMetrics.MeterName)
            .AddReader(new BaseExportingMetricReader(new NoExporter())));
        await using var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<MeterProvider>();
        using var telemetry = new ScoringMetrics(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            new ModelIdentity("flights", "1", "bench", signature));
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using var writer = new Utf8JsonWriter(buffer);

        // The first call of Measure runs its loop in on-stack-replacement code, which timed the first stage 4x too
        // slow: that first call times nothing.
        Measure(static () => { }, 0.1);

        var results = new List<(string Stage, double Single, double Batch)>();
        foreach (var (stage, make) in new (string, Func<byte[][], Action>)[]
        {
            ("parse (ScoreRequestParser)", bodies => InTurn(bodies, body => body, body => parser.Parse(body, out _))),
            ("inference: ONNX Runtime, one call", bodies => InTurn(bodies, body => parser.Parse(body, out _), columns => onnx.Score(columns))),
            ("answer (ScoreResponseWriter)", bodies => InTurn(bodies, body => Scored(body), request =>
            {
                buffer.ResetWrittenCount();
                writer.Reset(buffer);
                ScoreResponseWriter.Write(writer, "flights", "1", request.Scored, 0, request.Columns.Count, request.IsBatch);
                writer.Flush();
            })),
            ("telemetry (RecordScored + RecordRequest)", bodies => InTurn(bodies, body => Scored(body), request =>
            {
                telemetry.RecordScored(request.Columns, new ScoredRows(request.Scored, 0, request.Columns.Count));
                telemetry.RecordRequest("success", 0.25);
            })),
            ("peer: ML.NET PredictionEngine per row", bodies => InTurn(bodies, body => parser.Parse(body, out _), columns => peer.Score(columns))),
        })
        {
            results.Add((stage, Measure(make(singles), seconds), Measure(make(batches), seconds)));
        }

        // The fixed cost of a call, shared out as the micro-batcher does: 16 single rows merged into one call, each
        // call the next 16 of the 256 bodies; and, to show what a benchmark of one repeated input would report,
        // the first 16 in every call.
        var merged = Enumerable.Range(0, 16).Select(b => FeatureColumns.Concat(signature,
            [.. singles.Skip(b * 16).Take(16).Select(body => parser.Parse(body, out _))])).ToArray();
        var mergedPerRow = Measure(InTurn(merged, m => m, m => onnx.Score(m)), seconds) / 16;
        var repeatedPerRow = Measure(() => onnx.Score(merged[0]), seconds) / 16;
        var singleRepeated = Measure(() => onnx.Score(parser.Parse(singles[0], out _)), seconds);

        Console.WriteLine($"Server time per request (µs, median of {Rounds} rounds of {seconds / Rounds:F2} s; {Environment.ProcessorCount} processor(s); " +
            $"{singles.Length} single-row and {batches.Length} 100-row bodies in turn)");
        Console.WriteLine($"| stage | single row | 100-row batch |");
        Console.WriteLine($"|---|---:|---:|");
        foreach (var (stage, one, hundred) in results)
        {
            Console.WriteLine($"| {stage} | {one:F2} | {hundred:F2} |");
        }

        Console.WriteLine($"| inference: 16 single rows merged into one call, per row | {mergedPerRow:F2} | |");
        Console.WriteLine($"| (same input every call: one ONNX Runtime call; 16 merged rows, per row) | {singleRepeated:F2}; {repeatedPerRow:F2} | |");
        var parseShare = results[0].Batch / (results[0].Batch + results[1].Batch);
        Console.WriteLine($"100-row batch: parse {results[0].Batch:F1} µs vs inference {results[1].Batch:F1} µs (parse is {parseShare:P0} of parse+inference)");
        return 0;

        (FeatureColumns Columns, bool IsBatch, ScoredBatch Scored) Scored(byte[] body)
        {
            var columns = parser.Parse(body, out var isBatch);
            return (columns, isBatch, onnx.Score(columns));
        }
    }

    /// <summary>An operation that takes the next of <paramref name="inputs"/> (prepared once by <paramref name="prepare"/>) on every call.</summary>
    private static Action InTurn<TInput, TPrepared>(TInput[] inputs, Func<TInput, TPrepared> prepare, Action<TPrepared> operation)
    {
        var prepared = inputs.Select(prepare).ToArray();
        var next = 0;
        return () =>
        {
            operation(prepared[next]);
            next = next + 1 == prepared.Length ? 0 : next + 1;
        };
    }

    /// <summary>Microseconds per call: the median of <see cref="Rounds"/> timed rounds after a warm-up round of at least 2 s.</summary>
    private static double Measure(Action operation, double seconds)
    {
        var roundTicks = (long)(Stopwatch.Frequency * seconds / Rounds);
        var perCall = new double[Rounds];
        for (var round = -1; round < Rounds; round++)
        {
            var calls = 0L;
            var start = Stopwatch.GetTimestamp();
            // The warm-up round is long enough for tiered compilation to reach optimised code (ML.NET's most of all).
            var ticks = round < 0 ? Math.Max(roundTicks, 2 * Stopwatch.Frequency) : roundTicks;
            long now;
            do
            {
                for (var i = 0; i < 16; i++)
                {
                    operation();
                }

                calls += 16;
                now = Stopwatch.GetTimestamp();
            }
            while (now - start < ticks);
            if (round >= 0)
            {
                perCall[round] = (now - start) * 1e6 / Stopwatch.Frequency / calls;
            }
        }

        Array.Sort(perCall);
        return perCall[Rounds / 2];
    }

    /// <summary>Collects like any exporter and drops the result: only the recording cost on the request path is timed.</summary>
    private sealed class NoExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}
