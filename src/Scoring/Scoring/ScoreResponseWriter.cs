using System.Buffers;
using System.Text.Json;

namespace Mlops.Scoring.Scoring;

/// <summary>
/// Writes the answer of <c>POST /score</c>: <c>{"model","version", probability+label | value}</c> for one row,
/// <c>{"model","version","predictions":[...]}</c> for a batch. Property names are encoded once.
/// </summary>
public static class ScoreResponseWriter
{
    private static readonly JsonEncodedText ModelName = JsonEncodedText.Encode("model");
    private static readonly JsonEncodedText VersionName = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText PredictionsName = JsonEncodedText.Encode("predictions");
    private static readonly JsonEncodedText ProbabilityName = JsonEncodedText.Encode("probability");
    private static readonly JsonEncodedText LabelName = JsonEncodedText.Encode("label");
    private static readonly JsonEncodedText ValueName = JsonEncodedText.Encode("value");

    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? t_cached;

    /// <summary>
    /// Writes the answer as the response body with its Content-Length: serialised into a per-thread buffer and writer
    /// (no allocation per request), then copied into the response in one piece.
    /// </summary>
    public static Task WriteAsync(HttpResponse response, string model, string version, ScoredRows scored, bool isBatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        var (buffer, writer) = t_cached ??= (new ArrayBufferWriter<byte>(1024), new Utf8JsonWriter(Stream.Null));
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        Write(writer, model, version, scored.Batch, scored.Offset, scored.Count, isBatch);
        writer.Flush();
        writer.Reset(Stream.Null);
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        response.BodyWriter.Write(buffer.WrittenSpan);
        if (buffer.Capacity > 64 * 1024)
        {
            // Keep no large buffer per thread after a big batch.
            t_cached = null;
        }

        var flushed = response.BodyWriter.FlushAsync(cancellationToken);
        return flushed.IsCompletedSuccessfully ? Task.CompletedTask : flushed.AsTask();
    }

    /// <summary>Writes rows <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="count"/> of <paramref name="scored"/>.</summary>
    public static void Write(Utf8JsonWriter writer, string model, string version, ScoredBatch scored, int offset, int count, bool isBatch)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(scored);
        writer.WriteStartObject();
        writer.WriteString(ModelName, model);
        writer.WriteString(VersionName, version);
        if (isBatch)
        {
            writer.WriteStartArray(PredictionsName);
            for (var row = offset; row < offset + count; row++)
            {
                writer.WriteStartObject();
                WritePrediction(writer, scored, row);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }
        else
        {
            WritePrediction(writer, scored, offset);
        }

        writer.WriteEndObject();
    }

    private static void WritePrediction(Utf8JsonWriter writer, ScoredBatch scored, int row)
    {
        if (scored.Labels is { } labels)
        {
            writer.WriteNumber(ProbabilityName, scored.Values[row]);
            writer.WriteBoolean(LabelName, labels[row]);
        }
        else
        {
            writer.WriteNumber(ValueName, scored.Values[row]);
        }
    }
}
