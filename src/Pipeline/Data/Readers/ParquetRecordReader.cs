using Parquet;
using Parquet.Schema;

namespace Mlops.Pipeline.Data.Readers;

/// <summary>
/// Parquet, row group by row group with one buffer per column (reading a whole file untyped peaks at gigabytes).
/// Parquet needs to seek, so a forward-only stream (a blob download, gzip) is first spooled to a temporary file.
/// </summary>
internal sealed class ParquetRecordReader : IRecordReader
{
    private readonly ParquetReader _reader;
    private readonly Stream _stream;
    private readonly string? _spoolPath;
    private readonly DataField[] _fields;
    private readonly ColumnBuffer[] _buffers;
    private int _rowGroup = -1;
    private int _rowInGroup;
    private int _rowsInGroup;

    private ParquetRecordReader(ParquetReader reader, Stream stream, string? spoolPath)
    {
        _reader = reader;
        _stream = stream;
        _spoolPath = spoolPath;
        _fields = [.. reader.Schema.Fields.OfType<DataField>().Where(f => !f.IsArray)];
        _buffers = new ColumnBuffer[_fields.Length];
        Columns = [.. _fields.Select(f => f.Name)];
    }

    public IReadOnlyList<string> Columns { get; }

    public long RecordNumber { get; private set; }

    public ReadProblem? Failure { get; private set; }

    public string? RecordProblem => null;

    public static async Task<IRecordReader> OpenAsync(Stream stream, CancellationToken cancellationToken)
    {
        string? spoolPath = null;
        if (!stream.CanSeek)
        {
            spoolPath = Path.Combine(Path.GetTempPath(), $"mlops-parquet-{Guid.NewGuid():N}.parquet");
            var spool = new FileStream(spoolPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            try
            {
                await using (stream)
                {
                    await stream.CopyToAsync(spool, cancellationToken);
                }

                spool.Position = 0;
            }
            catch
            {
                await spool.DisposeAsync();
                throw;
            }

            stream = spool;
        }

        try
        {
            var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken);
            return new ParquetRecordReader(reader, stream, spoolPath);
        }
        catch (Exception ex) when (RecordReaders.IsDataError(ex))
        {
            await stream.DisposeAsync();
            return new FailedRecordReader($"not a readable Parquet file: {ex.Message}");
        }
    }

    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (Failure is not null)
        {
            return false;
        }

        while (_rowInGroup >= _rowsInGroup)
        {
            if (_rowGroup + 1 >= _reader.RowGroupCount)
            {
                return false;
            }

            _rowGroup++;
            try
            {
                await LoadRowGroupAsync(cancellationToken);
            }
            catch (Exception ex) when (RecordReaders.IsDataError(ex))
            {
                Failure = new ReadProblem($"row group {_rowGroup}: {ex.Message}", RecordNumber);
                return false;
            }
        }

        _rowInGroup++;
        RecordNumber++;
        return true;
    }

    public RawField GetField(int column) => _buffers[column].Get(_rowInGroup - 1);

    private async Task LoadRowGroupAsync(CancellationToken cancellationToken)
    {
        using var group = _reader.OpenRowGroupReader(_rowGroup);
        var count = checked((int)group.RowCount);
        for (var i = 0; i < _fields.Length; i++)
        {
            _buffers[i] = await ColumnBuffer.ReadAsync(group, _fields[i], count, cancellationToken);
        }

        _rowsInGroup = count;
        _rowInGroup = 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync();
        await _stream.DisposeAsync();
        _ = _spoolPath; // deleted on close (FileOptions.DeleteOnClose)
    }

    /// <summary>One row group's values of one column, as the raw kinds the contract binder understands.</summary>
    private abstract class ColumnBuffer
    {
        public abstract RawField Get(int row);

        public static async ValueTask<ColumnBuffer> ReadAsync(ParquetRowGroupReader group, DataField field, int count, CancellationToken cancellationToken)
        {
            var type = field.ClrType;
            if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
            {
                var values = new string?[count];
                await group.ReadAsync(field, values, cancellationToken: cancellationToken);
                return new TextBuffer(values);
            }

            if (type == typeof(bool))
            {
                var values = new bool?[count];
                await group.ReadAsync<bool>(field, values, cancellationToken: cancellationToken);
                return new BooleanBuffer(values);
            }

            if (type == typeof(DateTime))
            {
                var values = new DateTime?[count];
                await group.ReadAsync<DateTime>(field, values, cancellationToken: cancellationToken);
                return new DateTimeBuffer(values);
            }

            if (type == typeof(long))
            {
                return await NumbersAsync<long>(group, field, count, v => v, cancellationToken);
            }

            if (type == typeof(int))
            {
                return await NumbersAsync<int>(group, field, count, v => v, cancellationToken);
            }

            if (type == typeof(double))
            {
                return await NumbersAsync<double>(group, field, count, v => v, cancellationToken);
            }

            if (type == typeof(float))
            {
                return await NumbersAsync<float>(group, field, count, v => v, cancellationToken);
            }

            if (type == typeof(decimal))
            {
                return await NumbersAsync<decimal>(group, field, count, v => (double)v, cancellationToken);
            }

            if (type == typeof(short))
            {
                return await NumbersAsync<short>(group, field, count, v => v, cancellationToken);
            }

            return new UnsupportedBuffer($"(Parquet type {type.Name})");
        }

        private static async ValueTask<ColumnBuffer> NumbersAsync<T>(ParquetRowGroupReader group, DataField field, int count, Func<T, double> toDouble, CancellationToken cancellationToken)
            where T : struct
        {
            var values = new T?[count];
            await group.ReadAsync<T>(field, values, cancellationToken: cancellationToken);
            var numbers = new double?[count];
            for (var i = 0; i < count; i++)
            {
                numbers[i] = values[i] is { } v ? toDouble(v) : null;
            }

            return new NumberBuffer(numbers);
        }
    }

    private sealed class TextBuffer(string?[] values) : ColumnBuffer
    {
        public override RawField Get(int row) => values[row] is { Length: > 0 } text ? new RawField(RawKind.Text, text) : new RawField(RawKind.Null);
    }

    private sealed class BooleanBuffer(bool?[] values) : ColumnBuffer
    {
        public override RawField Get(int row) => values[row] is { } b ? new RawField(RawKind.Boolean, boolean: b) : new RawField(RawKind.Null);
    }

    private sealed class DateTimeBuffer(DateTime?[] values) : ColumnBuffer
    {
        public override RawField Get(int row) => values[row] is { } d ? new RawField(RawKind.DateTime, dateTime: d) : new RawField(RawKind.Null);
    }

    private sealed class NumberBuffer(double?[] values) : ColumnBuffer
    {
        public override RawField Get(int row) => values[row] is { } n ? new RawField(RawKind.Number, number: n) : new RawField(RawKind.Null);
    }

    private sealed class UnsupportedBuffer(string description) : ColumnBuffer
    {
        public override RawField Get(int row) => new(RawKind.Other, description);
    }
}
