using Mlops.Pipeline.Data.Contracts;

namespace Mlops.Pipeline.Data.Readers;

/// <summary>
/// Consecutive rows of a data set, handed over together by <see cref="ContractReader.ReadBatchesAsync"/> so that a
/// consumer loops over them synchronously. The reader reuses the batch and its rows for the next batch: copy a row
/// with <see cref="DataRow.Clone"/> to keep it.
/// </summary>
public sealed class DataRowBatch
{
    /// <summary>Rows per batch unless the caller asks otherwise: large enough that the per-batch step is noise, small enough to stay in cache.</summary>
    public const int DefaultCapacity = 512;

    private readonly DataRow[] _rows;

    internal DataRowBatch(DataContract contract, int capacity)
    {
        _rows = new DataRow[capacity];
        for (var i = 0; i < capacity; i++)
        {
            _rows[i] = new DataRow(contract);
        }
    }

    /// <summary>Most rows a batch holds.</summary>
    public int Capacity => _rows.Length;

    /// <summary>Rows in this batch (at least 1).</summary>
    public int Count { get; internal set; }

    /// <summary>The rows of this batch, in data set order.</summary>
    public ReadOnlySpan<DataRow> Rows => _rows.AsSpan(0, Count);

    /// <summary>The row slot after the last filled one.</summary>
    internal DataRow Next() => _rows[Count];
}
