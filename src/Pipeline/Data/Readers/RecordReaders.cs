using System.Text;

namespace Mlops.Pipeline.Data.Readers;

/// <summary>
/// Opens the right reader for a part. Looks at the first bytes before trusting the name, so a Parquet file named
/// <c>.csv</c> or a gzip file without <c>.gz</c> gets a clear <see cref="IRecordReader.Failure"/> instead of garbage.
/// </summary>
public static class RecordReaders
{
    /// <summary>Strict UTF-8: invalid bytes raise <see cref="DecoderFallbackException"/>, which the readers report.</summary>
    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly byte[] ParquetMagic = "PAR1"u8.ToArray();

    public static async Task<IRecordReader> OpenAsync(DataPart part, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(part);
        if (!DataFormats.TryDetect(part.Name, out var format))
        {
            return new FailedRecordReader($"'{part.Name}': unknown format (name it .csv, .jsonl, .json or .parquet, optionally .gz)");
        }

        Stream stream;
        try
        {
            stream = await part.OpenAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new FailedRecordReader($"'{part.Name}': cannot open: {ex.Message}");
        }

        try
        {
            var peekable = new PeekableStream(stream);
            var head = await peekable.PeekAsync(64, cancellationToken);
            var isGzip = head.Length >= 2 && head.Span[0] == 0x1f && head.Span[1] == 0x8b;
            if (format.Gzip != isGzip)
            {
                await peekable.DisposeAsync();
                return new FailedRecordReader(format.Gzip
                    ? $"'{part.Name}': named .gz but is not gzip-compressed"
                    : $"'{part.Name}': is gzip-compressed but its name does not end in .gz");
            }

            Stream content = peekable;
            if (isGzip)
            {
                content = new PeekableStream(new VerifiedGzipStream(peekable));
                head = await ((PeekableStream)content).PeekAsync(64, cancellationToken);
            }

            if (Mismatch(format.Format, head.Span) is { } mismatch)
            {
                await content.DisposeAsync();
                return new FailedRecordReader($"'{part.Name}': {mismatch}");
            }

            return format.Format switch
            {
                DataFormat.Csv => await CsvRecordReader.OpenAsync(content, cancellationToken),
                DataFormat.JsonLines => await JsonLinesRecordReader.OpenAsync(content, cancellationToken),
                DataFormat.JsonArray => await JsonArrayRecordReader.OpenAsync(content, cancellationToken),
                _ => await ParquetRecordReader.OpenAsync(content, cancellationToken),
            };
        }
        catch (Exception ex) when (IsDataError(ex))
        {
            await stream.DisposeAsync();
            return new FailedRecordReader($"'{part.Name}': {Describe(ex)}");
        }
    }

    /// <summary>Exceptions that mean "the bytes are bad", as opposed to bugs: these become reported problems.</summary>
    internal static bool IsDataError(Exception ex) =>
        ex is IOException or InvalidDataException or DecoderFallbackException or System.Text.Json.JsonException
            or FormatException or NotSupportedException or InvalidOperationException or ArgumentException or OverflowException
            or IndexOutOfRangeException;

    internal static string Describe(Exception ex) => ex switch
    {
        DecoderFallbackException => "invalid UTF-8",
        InvalidDataException => $"corrupt or truncated compressed data ({ex.Message})",
        _ => ex.Message,
    };

    private static string? Mismatch(DataFormat format, ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty)
        {
            return format == DataFormat.Parquet ? "empty: not a Parquet file" : null;
        }

        var looksParquet = head.StartsWith(ParquetMagic);
        if (format == DataFormat.Parquet)
        {
            return looksParquet ? null : "not a Parquet file (it does not start with PAR1)";
        }

        if (looksParquet)
        {
            return $"is a Parquet file, not {format}";
        }

        var text = head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? head[3..] : head;
        var first = text.IndexOfAnyExcept(" \t\r\n"u8);
        if (first < 0)
        {
            return null;
        }

        var c = text[first];
        return format switch
        {
            DataFormat.Csv when c is (byte)'[' or (byte)'{' => "looks like JSON, not CSV",
            DataFormat.JsonArray when c != '[' => $"is not a JSON array (it starts with '{(char)c}')",
            DataFormat.JsonLines when c != '{' => $"is not JSON Lines (it starts with '{(char)c}', not an object)",
            _ => null,
        };
    }
}

/// <summary>A reader that never had a record: the part could not be opened or is not what its name says.</summary>
internal sealed class FailedRecordReader(string message) : IRecordReader
{
    public IReadOnlyList<string> Columns => [];

    public long RecordNumber => 0;

    public ReadProblem? Failure { get; } = new(message, 0);

    public string? RecordProblem => null;

    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(false);

    public RawField GetField(int column) => new(RawKind.Missing);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
