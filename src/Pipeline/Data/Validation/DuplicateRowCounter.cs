namespace Mlops.Pipeline.Data.Validation;

/// <summary>
/// The share of rows that repeat an earlier row, in bounded memory. Exact while the data set has at most
/// <see cref="Capacity"/> distinct rows; beyond that it keeps only rows whose hash falls into a shrinking slice of
/// the hash space (distinct sampling, Gibbons 2001). Copies of a row share its hash, so they are always kept or
/// dropped together and the slice's duplicate share is an unbiased estimate of the whole. Deterministic: the hash is.
/// </summary>
internal sealed class DuplicateRowCounter(int capacity = DuplicateRowCounter.DefaultCapacity)
{
    public const int DefaultCapacity = 1 << 18;

    private readonly Dictionary<ulong, Entry> _seen = [];
    private int _level;
    private long _sampledRows;
    private long _sampledDuplicates;

    public int Capacity { get; } = capacity;

    public long Rows { get; private set; }

    public List<(int Part, long Row, int FirstPart, long FirstRow)> Examples { get; } = [];

    public bool IsExact => _level == 0;

    /// <summary>Estimated number of rows that repeat an earlier one (exact while <see cref="IsExact"/>).</summary>
    public long Duplicates => _sampledRows == 0 ? 0 : (long)Math.Round((double)_sampledDuplicates / _sampledRows * Rows);

    public double Fraction => _sampledRows == 0 ? 0 : (double)_sampledDuplicates / _sampledRows;

    public void Observe(ulong hash, int part, long row)
    {
        Rows++;
        if (_level > 0 && hash >> (64 - _level) != 0)
        {
            return;
        }

        _sampledRows++;
        if (_seen.TryGetValue(hash, out var entry))
        {
            _sampledDuplicates++;
            _seen[hash] = entry with { Count = entry.Count + 1 };
            if (Examples.Count < Readers.ContractReader.MaxExamples)
            {
                Examples.Add((part, row, entry.Part, entry.Row));
            }

            return;
        }

        _seen[hash] = new Entry(part, row, 1);
        while (_seen.Count > Capacity && _level < 63)
        {
            _level++;
            var level = _level;
            foreach (var key in _seen.Keys.Where(k => k >> (64 - level) != 0).ToList())
            {
                _seen.Remove(key);
            }

            _sampledRows = _seen.Values.Sum(e => (long)e.Count);
            _sampledDuplicates = _seen.Values.Sum(e => (long)e.Count - 1);
        }
    }

    private readonly record struct Entry(int Part, long Row, int Count);
}
