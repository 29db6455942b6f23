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
        using var model = await BenchModel.TrainAsync(ToolchainDirectory.Locate());
        var signature = FlightsTestModel.Signature;
        using var onnx = new OnnxModel("flights", "1", await File.ReadAllBytesAsync(model.ModelOnnx), signature);
        var peer = new PeerScorer(model.ModelZip, signature);
        var parser = new ScoreRequestParser(signature, 1_000);
        var rows = model.Model.Holdout;
        var single = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(BenchModel.RequestRow(rows[0])));
        var batch = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(rows.Take(100).Select(BenchModel.RequestRow)));
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

        var results = new List<(string Stage, double Single, double Batch)>();
        foreach (var (stage, make) in new (string, Func<byte[], Action>)[]
        {
            ("parse (ScoreRequestParser)", body => () => parser.Parse(body, out _)),
            ("inference: ONNX Runtime, one call", body =>
            {
                var columns = parser.Parse(body, out _);
                return () => onnx.Score(columns);
            }),
            ("answer (ScoreResponseWriter)", body =>
            {
                var columns = parser.Parse(body, out var isBatch);
                var scored = onnx.Score(columns);
                return () =>
                {
                    buffer.ResetWrittenCount();
                    writer.Reset(buffer);
                    ScoreResponseWriter.Write(writer, "flights", "1", scored, 0, columns.Count, isBatch);
                    writer.Flush();
                };
            }),
            ("telemetry (RecordScored + RecordRequest)", body =>
            {
                var columns = parser.Parse(body, out _);
                var scored = onnx.Score(columns);
                return () =>
                {
                    telemetry.RecordScored(columns, new ScoredRows(scored, 0, columns.Count));
                    telemetry.RecordRequest("success", 0.25);
                };
            }),
            ("peer: ML.NET PredictionEngine per row", body =>
            {
                var columns = parser.Parse(body, out _);
                return () => peer.Score(columns);
            }),
        })
        {
            results.Add((stage, Measure(make(single), seconds), Measure(make(batch), seconds)));
        }

        // The fixed cost of a call, shared out: 16 single rows merged into one call, as the micro-batcher does.
        var sixteen = Enumerable.Range(0, 16).Select(i => parser.Parse(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(BenchModel.RequestRow(rows[i]))), out _)).ToArray();
        var merged = Measure(() => onnx.Score(FeatureColumns.Concat(signature, sixteen)), seconds) / 16;

        Console.WriteLine($"Server time per request (µs, median of {Rounds} rounds of {seconds / Rounds:F2} s; {Environment.ProcessorCount} processor(s))");
        Console.WriteLine($"| stage | single row | 100-row batch |");
        Console.WriteLine($"|---|---:|---:|");
        foreach (var (stage, one, hundred) in results)
        {
            Console.WriteLine($"| {stage} | {one:F2} | {hundred:F2} |");
        }

        Console.WriteLine($"| inference: 16 single rows merged into one call, per row | {merged:F2} | |");
        var parseShare = results[0].Batch / (results[0].Batch + results[1].Batch);
        Console.WriteLine($"100-row batch: parse {results[0].Batch:F1} µs vs inference {results[1].Batch:F1} µs (parse is {parseShare:P0} of parse+inference)");
        return 0;
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
