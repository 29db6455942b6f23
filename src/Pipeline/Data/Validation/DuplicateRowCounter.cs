using System.Runtime.CompilerServices;
namespace Mlops.Pipeline.Data.Validation;

/// <summary>
/// The share of rows that repeat an earlier row, in bounded memory. Exact while the data set has at most
/// <see cref="Capacity"/> distinct rows; beyond that it keeps only rows whose hash falls into a shrinking slice of
/// the hash space (distinct sampling, Gibbons 2001). Copies of a row share its hash, so they are always kept or
/// dropped together and the slice's duplicate share is an unbiased estimate of the whole. Deterministic: the hash is.
/// </summary>
/// <remarks>
/// The row hashes are already well mixed, so the table is open addressing on their low bits with parallel arrays
/// (one probe, usually one cache line, per row) rather than a <see cref="Dictionary{TKey, TValue}"/> of entries.
/// </remarks>
internal sealed class DuplicateRowCounter
{
    public const int DefaultCapacity = 1 << 18;

    private Entry[] _table = new Entry[1024]; // Count 0: empty slot
    private Entry[] _survivors = []; // re-sampling's buffer

    // Where each kept row first appeared, by Entry.First, only while report examples are still wanted (the first
    // MaxExamples duplicates; usually found early): appended in insertion order, compacted when re-sampling drops
    // entries, let go once the examples are complete. Kept out of the table so that its entries are 16 bytes.
    private (int Part, long Row)[] _firsts = new (int, long)[256];
    private int _firstCount;
    private int _distinct;
    private ulong _touched; // keeps the loads of Touch alive
    private int _level;
    private long _sampledRows;
    private long _sampledDuplicates;

    public DuplicateRowCounter(int capacity = DefaultCapacity)
    {
        Capacity = capacity;
    }

    public int Capacity { get; }

    public long Rows { get; private set; }

    public List<(int Part, long Row, int FirstPart, long FirstRow)> Examples { get; } = [];

    public bool IsExact => _level == 0;

    /// <summary>Estimated number of rows that repeat an earlier one (exact while <see cref="IsExact"/>).</summary>
    public long Duplicates => _sampledRows == 0 ? 0 : (long)Math.Round((double)_sampledDuplicates / _sampledRows * Rows);

    public double Fraction => _sampledRows == 0 ? 0 : (double)_sampledDuplicates / _sampledRows;

    /// <summary>
    /// Loads the table slots <paramref name="hashes"/> will probe, all at once: the loads are independent, so their
    /// cache misses overlap, and the <see cref="Observe"/> calls that follow find the slots in cache. The table is
    /// megabytes of randomly addressed slots: one miss after the other was most of this counter's cost.
    /// </summary>
    // Called once per batch, so tiered compilation would leave its hot loop in slow early code for most of a run.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Touch(ReadOnlySpan<ulong> hashes)
    {
        var table = _table;
        var mask = table.Length - 1;
        var shift = 64 - _level;
        ulong touched = 0;
        foreach (var hash in hashes)
        {
            if (_level == 0 || hash >> shift == 0)
            {
                touched ^= table[(int)hash & mask].Hash;
            }
        }

        _touched ^= touched;
    }

    public void Observe(ulong hash, int part, long row)
    {
        Rows++;
        if (_level > 0 && hash >> (64 - _level) != 0)
        {
            return;
        }

        ObserveSampled(hash, part, row);
    }

    /// <summary>
    /// <see cref="Observe(ulong, int, long)"/> for consecutive rows: <paramref name="hashes"/>, and each row's part and
    /// record number. Once the counter samples, most rows are passed over here without a call.
    /// </summary>
    // Called once per batch, so tiered compilation would leave its hot loop in slow early code for most of a run.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Observe(ReadOnlySpan<ulong> hashes, ReadOnlySpan<int> parts, ReadOnlySpan<Readers.DataRow> rows)
    {
        for (var i = 0; i < hashes.Length; i++)
        {
            Rows++;
            var hash = hashes[i];
            if (_level == 0 || hash >> (64 - _level) == 0)
            {
                ObserveSampled(hash, parts[i], rows[i].RecordNumber);
            }
        }
    }

    private void ObserveSampled(ulong hash, int part, long row)
    {
        _sampledRows++;
        var table = _table;
        var mask = table.Length - 1;
        var slot = (int)hash & mask;
        while (table[slot].Count != 0)
        {
            ref var entry = ref table[slot];
            if (entry.Hash == hash)
            {
                _sampledDuplicates++;
                entry.Count++;
                if (Examples.Count < Readers.ContractReader.MaxExamples)
                {
                    var (firstPart, firstRow) = _firsts[entry.First];
                    Examples.Add((part, row, firstPart, firstRow));
                    if (Examples.Count == Readers.ContractReader.MaxExamples)
                    {
                        (_firsts, _firstCount) = ([], 0); // no more examples: first positions are no longer needed
                    }
                }

                return;
            }

            slot = (slot + 1) & mask;
        }

        var first = 0;
        if (Examples.Count < Readers.ContractReader.MaxExamples)
        {
            if (_firstCount == _firsts.Length)
            {
                Array.Resize(ref _firsts, _firsts.Length * 2);
            }

            _firsts[_firstCount] = (part, row);
            first = _firstCount++;
        }

        table[slot] = new Entry { Hash = hash, Count = 1, First = first };
        _distinct++;
        if (_distinct > Capacity && _level < 63)
        {
            while (_distinct > Capacity && _level < 63)
            {
                _level++;
                Rebuild(_table.Length, _level);
            }

            // What the kept slice saw: every sampled row is in exactly one kept count.
            _sampledRows = 0;
            _sampledDuplicates = 0;
            foreach (var entry in _table)
            {
                _sampledRows += entry.Count;
                _sampledDuplicates += entry.Count > 0 ? entry.Count - 1 : 0;
            }
        }

        if (_distinct * 2 > _table.Length)
        {
            Rebuild(_table.Length * 2, _level);
        }
    }

    /// <summary>Re-inserts the entries sampled at <paramref name="level"/> (hash's top <paramref name="level"/> bits zero) into a table of <paramref name="size"/> slots.</summary>
    // Runs a few times per data set over up to half a million entries: too seldom for tiered compilation to optimize it in time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Rebuild(int size, int level)
    {
        // Entries are taken in slot order: their new home slots come in (nearly) ascending order too, so the
        // re-insertion walks the table forward instead of jumping around it. Growing inserts straight from the old
        // table; re-sampling in place first copies the survivors into a buffer kept for the next time (fresh
        // megabytes on every rebuild cost more in page faults than the copying).
        var old = _table;
        ReadOnlySpan<Entry> source;
        if (size == old.Length)
        {
            if (_survivors.Length < _distinct)
            {
                _survivors = new Entry[_distinct];
            }

            var count = 0;
            var wantFirsts = Examples.Count < Readers.ContractReader.MaxExamples;
            var firsts = wantFirsts ? new (int, long)[Math.Max(256, _distinct)] : [];
            foreach (var entry in old)
            {
                if (entry.Count != 0 && (level == 0 || entry.Hash >> (64 - level) == 0))
                {
                    var survivor = entry;
                    if (wantFirsts)
                    {
                        // Dropped entries' first positions go: the list stays as long as the table's entries.
                        firsts[count] = _firsts[entry.First];
                        survivor.First = count;
                    }

                    _survivors[count++] = survivor;
                }
            }

            (_firsts, _firstCount) = (firsts, wantFirsts ? count : 0);

            Array.Clear(old);
            source = _survivors.AsSpan(0, count);
        }
        else
        {
            _table = new Entry[size];
            source = old;
        }

        var table = _table;
        var mask = size - 1;
        var distinct = 0;
        foreach (ref readonly var entry in source)
        {
            if (entry.Count == 0 || (level > 0 && entry.Hash >> (64 - level) != 0))
            {
                continue;
            }

            var slot = (int)entry.Hash & mask;
            while (table[slot].Count != 0)
            {
                slot = (slot + 1) & mask;
            }

            table[slot] = entry;
            distinct++;
        }

        _distinct = distinct;
    }

    /// <summary>
    /// A distinct row: its hash, how often it was seen, and where it first appeared (an index into the first positions,
    /// while those are kept). 16 bytes: the table is megabytes probed at random, so its size is its cost (cache misses,
    /// fresh pages when it grows, the bytes a rebuild walks).
    /// </summary>
    private struct Entry
    {
        public ulong Hash;
        public int Count;
        public int First;
    }
}
