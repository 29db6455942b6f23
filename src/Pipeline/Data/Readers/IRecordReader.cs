namespace Mlops.Pipeline.Data.Readers;

/// <summary>
/// Reads one part record by record. Malformed input never escapes as an exception: reading stops and
/// <see cref="Failure"/> says what and where; a single malformed record is skipped and counted with its example.
/// </summary>
public interface IRecordReader : IAsyncDisposable
{
    /// <summary>Field names in file order (CSV header, keys of the first JSON object, Parquet schema).</summary>
    IReadOnlyList<string> Columns { get; }

    /// <summary>1-based number of the current record within the part (the CSV header is not a record).</summary>
    long RecordNumber { get; }

    /// <summary>Set when reading stopped early because the input is malformed.</summary>
    ReadProblem? Failure { get; }

    /// <summary>Set when the current record is malformed (wrong field count, not an object); its fields are not readable.</summary>
    string? RecordProblem { get; }

    /// <summary>Moves to the next record; false at the end or on a fatal <see cref="Failure"/>.</summary>
    ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>Field <paramref name="column"/> (an index into <see cref="Columns"/>) of the current record.</summary>
    RawField GetField(int column);
}

/// <summary>Why reading stopped: a message a person can act on, and the record where it happened (0: before any record).</summary>
public sealed record ReadProblem(string Message, long RecordNumber);
