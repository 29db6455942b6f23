using System.Globalization;
using System.Text.Json;

namespace Mlops.Pipeline.Data.Readers;

/// <summary>Fields of one JSON object, looked up by the part's column names (keys of its first object).</summary>
internal abstract class JsonRecordReader : IRecordReader
{
    private JsonElement _current;
    private string? _text;

    public IReadOnlyList<string> Columns { get; protected set; } = [];

    public long RecordNumber { get; protected set; }

    public ReadProblem? Failure { get; protected set; }

    public string? RecordProblem { get; protected set; }

    public abstract ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default);

    public abstract ValueTask DisposeAsync();

    /// <summary>Makes <paramref name="element"/> the current record; false (with <see cref="RecordProblem"/>) when it is not an object.</summary>
    protected bool SetCurrent(JsonElement element)
    {
        _current = element;
        if (element.ValueKind != JsonValueKind.Object)
        {
            RecordProblem = $"a JSON {element.ValueKind.ToString().ToLowerInvariant()}, not an object";
            return false;
        }

        RecordProblem = null;
        return true;
    }

    protected static string[] KeysOf(JsonElement element)
    {
        var keys = new List<string>();
        foreach (var property in element.EnumerateObject())
        {
            keys.Add(property.Name);
        }

        return [.. keys];
    }

    public RawField GetField(int column)
    {
        if (!_current.TryGetProperty(Columns[column], out var value))
        {
            return new RawField(RawKind.Missing);
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return new RawField(RawKind.Null);
            case JsonValueKind.True:
            case JsonValueKind.False:
                return new RawField(RawKind.Boolean, boolean: value.ValueKind == JsonValueKind.True);
            case JsonValueKind.Number:
                return value.TryGetDouble(out var number)
                    ? new RawField(RawKind.Number, value.GetRawText(), number)
                    : new RawField(RawKind.Text, value.GetRawText());
            case JsonValueKind.String:
                _text = value.GetString();
                return _text!.Length == 0 ? new RawField(RawKind.Null) : new RawField(RawKind.Text, _text);
            default:
                return new RawField(RawKind.Other, value.GetRawText());
        }
    }

    protected static string Describe(Exception ex) => RecordReaders.Describe(ex);

    protected static string Clip(string text) => text.Length <= 80 ? text : string.Create(CultureInfo.InvariantCulture, $"{text[..80]}… ({text.Length} chars)");
}

/// <summary>JSON Lines: one object per line. A bad line is a bad record; the lines after it are still read.</summary>
internal sealed class JsonLinesRecordReader : JsonRecordReader
{
    private readonly StreamReader _text;
    private JsonDocument? _document;

    private JsonLinesRecordReader(StreamReader text) => _text = text;

    public static async Task<IRecordReader> OpenAsync(Stream stream, CancellationToken cancellationToken)
    {
        var reader = new JsonLinesRecordReader(new StreamReader(stream, RecordReaders.StrictUtf8, true, 1 << 16));
        await reader.ReadFirstAsync(cancellationToken);
        return reader;
    }

    private bool _firstPending;

    private async Task ReadFirstAsync(CancellationToken cancellationToken)
    {
        // The first record fixes the columns; it is then served again as record 1.
        if (await ReadLineAsync(cancellationToken) && RecordProblem is null)
        {
            Columns = KeysOf(CurrentRoot);
            _firstPending = true;
        }
        else if (Failure is null)
        {
            Failure = new ReadProblem(RecordNumber == 0 ? "empty: no records" : $"the first record is not a JSON object: {RecordProblem}", RecordNumber);
        }
    }

    private JsonElement CurrentRoot => _document!.RootElement;

    public override async ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_firstPending)
        {
            _firstPending = false;
            return true;
        }

        return Failure is null && await ReadLineAsync(cancellationToken);
    }

    private async Task<bool> ReadLineAsync(CancellationToken cancellationToken)
    {
        string? line;
        try
        {
            do
            {
                line = await _text.ReadLineAsync(cancellationToken);
            }
            while (line is not null && string.IsNullOrWhiteSpace(line));
        }
        catch (Exception ex) when (RecordReaders.IsDataError(ex))
        {
            Failure = new ReadProblem($"{Describe(ex)} after record {RecordNumber}", RecordNumber);
            return false;
        }

        if (line is null)
        {
            return false;
        }

        RecordNumber++;
        _document?.Dispose();
        _document = null;
        try
        {
            _document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            RecordProblem = $"not valid JSON ({ex.Message.Split(" Path:", 2)[0]}): {Clip(line)}";
            return true;
        }

        SetCurrent(_document.RootElement);
        return true;
    }

    public override ValueTask DisposeAsync()
    {
        _document?.Dispose();
        _text.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A JSON array of objects, streamed element by element. Broken JSON ends the part: there is no next line to resume at.</summary>
internal sealed class JsonArrayRecordReader : JsonRecordReader
{
    private readonly Stream _stream;
    private readonly IAsyncEnumerator<JsonElement> _elements;
    private bool _firstPending;

    private JsonArrayRecordReader(Stream stream, CancellationToken cancellationToken)
    {
        _stream = stream;
        _elements = JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream, cancellationToken: cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    public static async Task<IRecordReader> OpenAsync(Stream stream, CancellationToken cancellationToken)
    {
        var reader = new JsonArrayRecordReader(stream, cancellationToken);
        if (await reader.MoveAsync())
        {
            if (reader.RecordProblem is null)
            {
                reader.Columns = KeysOf(reader._elements.Current);
                reader._firstPending = true;
            }
            else
            {
                reader.Failure = new ReadProblem($"the first record is not a JSON object: {reader.RecordProblem}", 1);
            }
        }
        else
        {
            reader.Failure ??= new ReadProblem("empty: no records", 0);
        }

        return reader;
    }

    public override async ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_firstPending)
        {
            _firstPending = false;
            return true;
        }

        return Failure is null && await MoveAsync();
    }

    private async ValueTask<bool> MoveAsync()
    {
        try
        {
            if (!await _elements.MoveNextAsync())
            {
                return false;
            }
        }
        catch (Exception ex) when (RecordReaders.IsDataError(ex))
        {
            Failure = new ReadProblem($"{Describe(ex)} after record {RecordNumber}", RecordNumber);
            return false;
        }

        RecordNumber++;
        SetCurrent(_elements.Current);
        return true;
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await _elements.DisposeAsync();
        }
        catch (Exception ex) when (RecordReaders.IsDataError(ex))
        {
            // Disposing a half-read enumerator of broken JSON may parse on; the break is already reported.
        }

        await _stream.DisposeAsync();
    }
}
