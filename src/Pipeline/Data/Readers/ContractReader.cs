using System.Runtime.CompilerServices;
using Mlops.Pipeline.Data.Contracts;

namespace Mlops.Pipeline.Data.Readers;

/// <summary>What reading one part found out about its shape.</summary>
public sealed record PartSummary(
    string Name,
    IReadOnlyList<string> Columns,
    IReadOnlyList<string> MissingColumns,
    IReadOnlyList<string> DuplicatedColumns,
    IReadOnlyList<string> ExtraColumns,
    ReadProblem? Failure,
    long Records)
{
    /// <summary>The part's rows were not read because its columns do not match the contract.</summary>
    public bool Skipped => MissingColumns.Count > 0 || DuplicatedColumns.Count > 0;
}

/// <summary>A value worth showing in a report: where it is (part, record number) and what it was.</summary>
public sealed record RecordExample(string Source, long Row, string Value);

/// <summary>
/// Reads a data set under a contract: every part in order, each record bound to typed values, in one forward pass
/// with bounded memory. Shape problems (missing or duplicated columns, a part that is not its format, broken
/// quoting) never throw: they end up in <see cref="Parts"/> and <see cref="MalformedExamples"/> for the validator.
/// Call <see cref="ReadAsync"/> again for another pass.
/// </summary>
public sealed class ContractReader(DataSet dataSet, DataContract contract)
{
    public const int MaxExamples = 5;

    private readonly List<PartSummary> _parts = [];
    private readonly List<RecordExample> _malformedExamples = [];

    public DataSet DataSet { get; } = dataSet ?? throw new ArgumentNullException(nameof(dataSet));

    public DataContract Contract { get; } = contract ?? throw new ArgumentNullException(nameof(contract));

    /// <summary>Parts read so far in the current (or last) pass.</summary>
    public IReadOnlyList<PartSummary> Parts => _parts;

    /// <summary>Records that could not be split into fields (wrong field count, a JSON line that is not an object).</summary>
    public long MalformedRecords { get; private set; }

    public IReadOnlyList<RecordExample> MalformedExamples => _malformedExamples;

    /// <summary>
    /// The well-formed records of every part whose columns match the contract, as typed rows. The same
    /// <see cref="DataRow"/> instance is reused for each row. For millions of rows prefer <see cref="ReadBatchesAsync"/>:
    /// one asynchronous step per batch instead of one per row.
    /// </summary>
    public async IAsyncEnumerable<DataRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // One reused row, as this method has always handed out: each batch row is copied into it.
        var row = new DataRow(Contract);
        await foreach (var batch in ReadBatchesAsync(DataRowBatch.DefaultCapacity, cancellationToken))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                batch.Rows[i].CopyTo(row);
                yield return row;
            }
        }
    }

    /// <summary>
    /// The same rows as <see cref="ReadAsync"/>, in the same order, handed over in batches of up to
    /// <paramref name="batchSize"/>: the consumer loops synchronously over <see cref="DataRowBatch.Rows"/>, which
    /// costs far less per row than an <see cref="IAsyncEnumerable{T}"/> step per row. The same batch instance and its
    /// rows are reused for the next batch: copy a row with <see cref="DataRow.Clone"/> to keep it. A batch can hold
    /// rows of several parts (each row has its <see cref="DataRow.Source"/>); it is never empty.
    /// </summary>
    public IAsyncEnumerable<DataRowBatch> ReadBatchesAsync(int batchSize = DataRowBatch.DefaultCapacity, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var batch = new DataRowBatch(Contract, batchSize);
        return ReadBatchesAsync(_ => ValueTask.FromResult(batch), cancellationToken);
    }

    /// <summary>
    /// Batches filled one after the other, each taken from <paramref name="rent"/> (empty, of the same capacity):
    /// a consumer on another thread can work on one batch while the next is read.
    /// </summary>
    internal async IAsyncEnumerable<DataRowBatch> ReadBatchesAsync(Func<CancellationToken, ValueTask<DataRowBatch>> rent, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        _parts.Clear();
        _malformedExamples.Clear();
        MalformedRecords = 0;
        var binder = new RowBinder(Contract);
        var batch = await rent(cancellationToken);
        batch.Count = 0;
        var batchSize = batch.Capacity;
        var map = new int[Contract.Columns.Count];
        foreach (var part in DataSet.Parts)
        {
            await using var reader = await RecordReaders.OpenAsync(part, cancellationToken);
            var (missing, duplicated, extra) = MapColumns(reader.Columns, map);
            var skip = reader.Failure is not null || missing.Count > 0 || duplicated.Count > 0;
            while (!skip)
            {
                // Most reads complete synchronously from the reader's buffer: only await the ones that do not.
                var pending = reader.ReadAsync(cancellationToken);
                if (!(pending.IsCompletedSuccessfully ? pending.Result : await pending))
                {
                    break;
                }

                if (Bind(reader, binder, map, part.Name, batch.Next()))
                {
                    batch.Count++;
                    if (batch.Count == batchSize)
                    {
                        yield return batch;
                        batch = await rent(cancellationToken);
                        batch.Count = 0;
                    }
                }
            }

            _parts.Add(new PartSummary(part.Name, reader.Columns, missing, duplicated, extra, reader.Failure, reader.RecordNumber));
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    /// <summary>Binds the reader's current record into <paramref name="row"/>; false (and counted) when the record is malformed.</summary>
    private bool Bind(IRecordReader reader, RowBinder binder, int[] map, string source, DataRow row)
    {
        if (reader.RecordProblem is { } problem)
        {
            MalformedRecords++;
            if (_malformedExamples.Count < MaxExamples)
            {
                _malformedExamples.Add(new RecordExample(source, reader.RecordNumber, problem));
            }

            return false;
        }

        if (!ReferenceEquals(row.Source, source))
        {
            row.Source = source; // batch rows are reused, so they usually hold this part's name already (no write barrier)
        }

        row.RecordNumber = reader.RecordNumber;
        var values = row.WritableValues;
        if (reader is CsvRecordReader csv)
        {
            // Every CSV field is text or null: bind the text directly.
            var allValid = true;
            for (var i = 0; i < values.Length; i++)
            {
                var text = csv.GetText(map[i], out var isNull);
                if (isNull)
                {
                    values[i] = FieldValue.Null;
                    allValid = false;
                    continue;
                }

                // The state is read from the returned value, not back from the row just written.
                var value = binder.BindText(i, text);
                allValid &= value.IsValid;
                values[i] = value;
            }

            if (allValid)
            {
                row.MarkAllValid();
            }

            return true;
        }

        var allTyped = true;
        for (var i = 0; i < values.Length; i++)
        {
            ref var value = ref values[i];
            value = binder.Bind(i, reader.GetField(map[i]));
            allTyped &= value.State == FieldState.Valid;
        }

        if (allTyped)
        {
            row.MarkAllValid();
        }

        return true;
    }

    private (List<string> Missing, List<string> Duplicated, List<string> Extra) MapColumns(IReadOnlyList<string> columns, int[] map)
    {
        var missing = new List<string>();
        var duplicated = new List<string>();
        var extra = new List<string>();
        if (columns.Count == 0)
        {
            return (missing, duplicated, extra); // the part failed to open; its failure says why
        }

        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            if (!firstIndex.TryAdd(columns[i], i) && !duplicated.Contains(columns[i]))
            {
                duplicated.Add(columns[i]);
            }

            if (Contract.IndexOf(columns[i]) < 0 && !extra.Contains(columns[i]))
            {
                extra.Add(columns[i]);
            }
        }

        for (var c = 0; c < Contract.Columns.Count; c++)
        {
            if (firstIndex.TryGetValue(Contract.Columns[c].Name, out var index))
            {
                map[c] = index;
            }
            else
            {
                map[c] = -1;
                missing.Add(Contract.Columns[c].Name);
            }
        }

        return (missing, duplicated, extra);
    }
}
