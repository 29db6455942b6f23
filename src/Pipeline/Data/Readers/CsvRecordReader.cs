using nietras.SeparatedValues;

namespace Mlops.Pipeline.Data.Readers;

/// <summary>
/// CSV with a header row, RFC 4180 quoting, comma-separated, strict UTF-8, on Sep (chosen by measurement: see
/// docs/ARCHITECTURE.md). Sep is lenient about quotes, so quoting is checked here: a quoted field must close,
/// and nothing may follow its closing quote.
/// </summary>
internal sealed class CsvRecordReader : IRecordReader
{
    private static readonly SepReaderOptions Options = new(new Sep(','))
    {
        HasHeader = false, // the header is read as a record, so duplicated names are ours to report, not an exception
        Unescape = false, // quoting is validated and unescaped here (Sep silently accepts an unterminated quote)
        DisableColCountCheck = true, // a short or long row is a reported problem, not an exception
        DisableFastFloat = true,
    };

    private readonly SepReader _reader;
    private readonly StreamReader _text;
    private char[][] _unquoted = [];
    private int[] _unquotedLength = [];
    private bool[] _isUnquoted = [];

    private CsvRecordReader(SepReader reader, StreamReader text)
    {
        _reader = reader;
        _text = text;
    }

    public IReadOnlyList<string> Columns { get; private set; } = [];

    public long RecordNumber { get; private set; }

    public ReadProblem? Failure { get; private set; }

    public string? RecordProblem { get; private set; }

    public static async Task<IRecordReader> OpenAsync(Stream stream, CancellationToken cancellationToken)
    {
        var text = new StreamReader(stream, RecordReaders.StrictUtf8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var sep = await Options.FromAsync(text, cancellationToken);
        var reader = new CsvRecordReader(sep, text);
        await reader.ReadHeaderAsync(cancellationToken);
        return reader;
    }

    private async Task ReadHeaderAsync(CancellationToken cancellationToken)
    {
        if (!await MoveAsync(cancellationToken))
        {
            Failure ??= new ReadProblem("empty: no header row", 0);
            return;
        }

        var row = _reader.Current;
        var names = new string[row.ColCount];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = Unquote(row[i].Span, out var problem) ?? row[i].ToString();
            if (problem is not null)
            {
                Failure = new ReadProblem($"header: {problem}", 0);
            }
        }

        Columns = names;
        _unquoted = new char[names.Length][];
        _unquotedLength = new int[names.Length];
        _isUnquoted = new bool[names.Length];
    }

    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (Failure is not null || !await MoveAsync(cancellationToken))
        {
            return false;
        }

        RecordNumber++;
        RecordProblem = null;
        Array.Clear(_isUnquoted);
        var row = _reader.Current;
        // Quoting first: an unterminated quote also swallows separators, so the field count would hide the real cause.
        for (var i = 0; i < Math.Min(row.ColCount, Columns.Count); i++)
        {
            var span = row[i].Span;
            if (span.IsEmpty || span[0] != '"')
            {
                if (span.Contains('"'))
                {
                    RecordProblem = $"column '{Columns[i]}': a quote inside an unquoted field";
                }

                continue;
            }

            if (!TryUnquoteInto(i, span))
            {
                if (span.ContainsAny('\n', '\r'))
                {
                    // An opened quote that never closes swallows every following line: nothing after it can be trusted.
                    Failure = new ReadProblem($"unterminated quoted field in column '{Columns[i]}' (record {RecordNumber}, line {row.LineNumberFrom})", RecordNumber);
                    return false;
                }

                RecordProblem = $"column '{Columns[i]}': text after a closing quote";
            }
        }

        if (row.ColCount != Columns.Count)
        {
            RecordProblem = $"{row.ColCount} fields where the header has {Columns.Count}";
        }

        return true;
    }

    public RawField GetField(int column)
    {
        ReadOnlySpan<char> span;
        if (_isUnquoted[column])
        {
            span = _unquoted[column].AsSpan(0, _unquotedLength[column]);
            return new RawField(RawKind.Text, span);
        }

        span = _reader.Current[column].Span;
        return span.IsEmpty ? new RawField(RawKind.Null) : new RawField(RawKind.Text, span);
    }

    /// <summary>What <see cref="GetField"/> says, without building a <see cref="RawField"/>: the text, or null for an empty unquoted field.</summary>
    internal ReadOnlySpan<char> GetText(int column, out bool isNull)
    {
        if (_isUnquoted[column])
        {
            isNull = false;
            return _unquoted[column].AsSpan(0, _unquotedLength[column]);
        }

        var span = _reader.Current[column].Span;
        isNull = span.IsEmpty;
        return span;
    }

    private async ValueTask<bool> MoveAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _reader.MoveNextAsync(cancellationToken);
        }
        catch (Exception ex) when (RecordReaders.IsDataError(ex))
        {
            Failure = new ReadProblem($"{RecordReaders.Describe(ex)} after record {RecordNumber}", RecordNumber);
            return false;
        }
    }

    private bool TryUnquoteInto(int column, ReadOnlySpan<char> quoted)
    {
        var buffer = _unquoted[column];
        if (buffer is null || buffer.Length < quoted.Length)
        {
            buffer = _unquoted[column] = new char[Math.Max(quoted.Length, 32)];
        }

        var length = 0;
        for (var i = 1; i < quoted.Length; i++)
        {
            var c = quoted[i];
            if (c != '"')
            {
                buffer[length++] = c;
                continue;
            }

            if (i == quoted.Length - 1)
            {
                _unquotedLength[column] = length;
                _isUnquoted[column] = true;
                return true;
            }

            if (quoted[i + 1] != '"')
            {
                return false;
            }

            buffer[length++] = '"';
            i++;
        }

        return false;
    }

    private static string? Unquote(ReadOnlySpan<char> span, out string? problem)
    {
        problem = null;
        if (span.IsEmpty || span[0] != '"')
        {
            return span.ToString();
        }

        if (span.Length < 2 || span[^1] != '"')
        {
            problem = "unterminated quoted field";
            return null;
        }

        var inner = span[1..^1].ToString();
        if (inner.Replace("\"\"", "", StringComparison.Ordinal).Contains('"', StringComparison.Ordinal))
        {
            problem = "a lone quote inside a quoted field";
            return null;
        }

        return inner.Replace("\"\"", "\"", StringComparison.Ordinal);
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _text.Dispose();
        return ValueTask.CompletedTask;
    }
}
