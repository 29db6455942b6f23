namespace Mlops.Pipeline.Data.Profiling;

/// <summary>One numeric feature of a profile being built: counts per fixed bin, or the values needed to place the bins.</summary>
internal sealed class NumericColumn
{
    private readonly double[]? _edges;
    private readonly long[]? _binCounts;
    private readonly ProfileOptions? _options;
    private readonly int _seed;
    private ValueCounts? _exact;
    private double[]? _reservoir; // made when the exact counts overflow
    private Random? _random;
    private long _nextSampled; // the value count at which the reservoir next takes a value (Algorithm L)
    private double _threshold; // Algorithm L's W: the largest random key among the reservoir's values
    private long _count;
    private double _sum;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    private NumericColumn(double[]? edges, ProfileOptions? options, int seed)
    {
        _edges = edges;
        _options = options;
        _seed = seed;
        if (edges is not null)
        {
            _binCounts = new long[edges.Length + 1];
        }
        else
        {
            _exact = new ValueCounts();
        }
    }

    public static NumericColumn WithEdges(IReadOnlyList<double> edges) => new([.. edges], null, 0);

    public static NumericColumn Learning(ProfileOptions options, int seed) => new(null, options, seed);

    /// <summary>More distinct values than could be counted exactly: the edges come from the reservoir, the counts need another pass.</summary>
    public bool Overflowed => _edges is null && _exact is null;

    public void Add(double value)
    {
        _count++;
        _sum += value;
        if (value < _min)
        {
            _min = value;
        }

        if (value > _max)
        {
            _max = value;
        }

        if (_binCounts is not null)
        {
            _binCounts[BinOf(_edges!, value)]++;
            return;
        }

        if (_exact is not null)
        {
            _exact.Add(value);
            if (_exact.Count > _options!.ExactDistinctLimit)
            {
                StartSampling(); // from here on only the reservoir places the edges
            }

            return;
        }

        Sample(value);
    }

    /// <summary>
    /// A uniform sample of the values seen so far, kept in a reservoir once the exact counts overflow. Values before
    /// the reservoir is full go in; after that Algorithm L (Li 1994) draws how many values to skip before the next one
    /// goes in, so the generator is called about k·log(n/k) times over n values, not once per value.
    /// </summary>
    private void Sample(double value)
    {
        var reservoir = _reservoir!;
        if (_count <= reservoir.Length)
        {
            reservoir[_count - 1] = value;
            if (_count == reservoir.Length)
            {
                _threshold = Math.Exp(Math.Log(Uniform()) / reservoir.Length);
                _nextSampled = _count + Skip();
            }

            return;
        }

        if (_count == _nextSampled)
        {
            reservoir[_random!.Next(reservoir.Length)] = value;
            _threshold *= Math.Exp(Math.Log(Uniform()) / reservoir.Length);
            _nextSampled = _count + Skip();
        }
    }

    /// <summary>
    /// The exact counts of the <see cref="_count"/> values so far overflowed: turns them into the reservoir state a
    /// reservoir kept from the start would have. With at most k values, every value is in it. With more, a uniform
    /// k-subset of the values (Floyd's algorithm on their positions in the counts), and Algorithm L's threshold W and
    /// next position drawn by running its skips over the values already seen: in the random-key view of reservoir
    /// sampling, which values are kept and the largest kept key are independent, so both may be drawn separately.
    /// </summary>
    private void StartSampling()
    {
        var counts = _exact!;
        _exact = null;
        var size = _options!.ReservoirSize;
        _random = new Random(_seed);
        _reservoir = new double[size];
        var seen = _count;
        if (seen <= size)
        {
            var filled = 0;
            foreach (var (value, count) in counts.Pairs())
            {
                _reservoir.AsSpan(filled, (int)count).Fill(value);
                filled += (int)count;
            }

            if (seen == size)
            {
                _threshold = Math.Exp(Math.Log(Uniform()) / size);
                _nextSampled = seen + Skip();
            }

            return;
        }

        // Floyd: k distinct positions out of [0, seen), each k-subset equally likely, with k draws.
        var chosen = new HashSet<long>(size);
        for (var j = seen - size; j < seen; j++)
        {
            var position = _random.NextInt64(j + 1);
            chosen.Add(chosen.Contains(position) ? j : position);
        }

        var positions = chosen.ToArray();
        Array.Sort(positions);
        var next = 0;
        var start = 0L;
        foreach (var (value, count) in counts.Pairs())
        {
            var end = start + count;
            while (next < positions.Length && positions[next] < end)
            {
                _reservoir[next++] = value;
            }

            start = end;
        }

        // Algorithm L from the full reservoir at value k up to the values already seen; the first position past them is the next to sample.
        _threshold = Math.Exp(Math.Log(Uniform()) / size);
        var sampled = (long)size + Skip();
        while (sampled <= seen)
        {
            _threshold *= Math.Exp(Math.Log(Uniform()) / size);
            sampled += Skip();
        }

        _nextSampled = sampled;
    }

    /// <summary>Values to pass over, plus one, before the next one enters the reservoir: geometric with success chance W.</summary>
    private long Skip()
    {
        const long Never = long.MaxValue / 4;
        var skip = Math.Floor(Math.Log(Uniform()) / Math.Log(1 - _threshold));
        return double.IsNaN(skip) || skip >= Never ? Never : (long)Math.Max(0, skip) + 1;
    }

    /// <summary>A uniform draw in (0, 1], so its logarithm is finite.</summary>
    private double Uniform() => 1 - _random!.NextDouble();

    /// <summary>Bin of <paramref name="value"/> for bins (-inf, e0], (e0, e1], ..., (e_last, +inf): the number of edges below it.</summary>
    internal static int BinOf(double[] edges, double value)
    {
        int low = 0, high = edges.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (edges[middle] < value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    public NumericProfile Build(int bins)
    {
        double? min = _count > 0 ? _min : null;
        double? max = _count > 0 ? _max : null;
        double? mean = _count > 0 ? _sum / _count : null;
        if (_edges is not null)
        {
            return new NumericProfile(_edges, _binCounts!, min, max, mean);
        }

        if (_exact is not null)
        {
            var distribution = _exact.Pairs().OrderBy(p => p.Key).ToArray();
            var edges = QuantileEdges(distribution, _count, bins);
            var counts = new long[edges.Length + 1];
            foreach (var (value, count) in distribution)
            {
                counts[BinOf(edges, value)] += count;
            }

            return new NumericProfile(edges, counts, min, max, mean);
        }

        // Overflowed: edges from the sample; counts are filled in by the counting pass over the same data.
        var sample = _reservoir!.AsSpan(0, (int)Math.Min(_count, _reservoir!.Length)).ToArray();
        Array.Sort(sample);
        var sampleEdges = QuantileEdges([.. sample.Select(v => new KeyValuePair<double, long>(v, 1))], sample.Length, bins);
        return new NumericProfile(sampleEdges, new long[sampleEdges.Length + 1], min, max, mean);
    }

    /// <summary>
    /// Edge i (1 ≤ i &lt; bins) is the smallest value whose cumulative share reaches i/bins (the inverse of the
    /// empirical distribution function); repeated edges (heavy ties) are merged, so there may be fewer bins.
    /// </summary>
    internal static double[] QuantileEdges(IReadOnlyList<KeyValuePair<double, long>> sortedDistribution, long total, int bins)
    {
        var edges = new List<double>(bins);
        if (total == 0)
        {
            return [];
        }

        var cumulative = 0L;
        var next = 1;
        foreach (var (value, count) in sortedDistribution)
        {
            cumulative += count;
            while (next < bins && cumulative * (long)bins >= next * total)
            {
                if (edges.Count == 0 || edges[^1] != value)
                {
                    edges.Add(value);
                }

                next++;
            }
        }

        return [.. edges];
    }

    /// <summary>
    /// Counts per distinct value, as a <see cref="Dictionary{TKey, TValue}"/> of <see cref="double"/> would keep them
    /// (0.0 and -0.0 are one value, kept as the first seen), in open addressing on the value's bits: one probe in a
    /// small array of 24-byte entries (one cache line) per value instead of a dictionary lookup.
    /// </summary>
    private sealed class ValueCounts
    {
        private Entry[] _entries = new Entry[256]; // Count 0: empty slot

        public int Count { get; private set; }

        public void Add(double value)
        {
            var key = value == 0 ? 0UL : (ulong)BitConverter.DoubleToInt64Bits(value);
            var entries = _entries;
            var mask = entries.Length - 1;
            var slot = Slot(key, mask);
            while (entries[slot].Count != 0)
            {
                if (entries[slot].Key == key)
                {
                    entries[slot].Count++;
                    return;
                }

                slot = (slot + 1) & mask;
            }

            entries[slot] = new Entry { Key = key, Value = value, Count = 1 };
            Count++;
            if (Count * 2 > entries.Length)
            {
                Grow();
            }
        }

        public IEnumerable<KeyValuePair<double, long>> Pairs()
        {
            for (var i = 0; i < _entries.Length; i++)
            {
                if (_entries[i].Count != 0)
                {
                    yield return new KeyValuePair<double, long>(_entries[i].Value, _entries[i].Count);
                }
            }
        }

        private void Grow()
        {
            var old = _entries;
            var entries = _entries = new Entry[old.Length * 2];
            var mask = entries.Length - 1;
            foreach (var entry in old)
            {
                if (entry.Count == 0)
                {
                    continue;
                }

                var slot = Slot(entry.Key, mask);
                while (entries[slot].Count != 0)
                {
                    slot = (slot + 1) & mask;
                }

                entries[slot] = entry;
            }
        }

        private static int Slot(ulong key, int mask) => (int)((key * 0x9E3779B97F4A7C15UL) >> 40) & mask;

        private struct Entry
        {
            public ulong Key;
            public double Value;
            public long Count;
        }
    }
}
