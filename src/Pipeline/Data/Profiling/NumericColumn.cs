namespace Mlops.Pipeline.Data.Profiling;

/// <summary>One numeric feature of a profile being built: counts per fixed bin, or the values needed to place the bins.</summary>
internal sealed class NumericColumn
{
    private readonly double[]? _edges;
    private readonly long[]? _binCounts;
    private readonly ProfileOptions? _options;
    private ValueCounts? _exact;
    private readonly double[]? _reservoir;
    private readonly Random? _random;
    private long _count;
    private double _sum;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    private NumericColumn(double[]? edges, ProfileOptions? options, int seed)
    {
        _edges = edges;
        _options = options;
        if (edges is not null)
        {
            _binCounts = new long[edges.Length + 1];
        }
        else
        {
            _exact = new ValueCounts();
            _reservoir = new double[options!.ReservoirSize];
            _random = new Random(seed);
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
                _exact = null; // from here on only the reservoir places the edges
            }
        }

        // Algorithm R: every value seen so far has the same chance to be in the reservoir.
        if (_count <= _reservoir!.Length)
        {
            _reservoir[_count - 1] = value;
        }
        else
        {
            var slot = _random!.NextInt64(_count);
            if (slot < _reservoir.Length)
            {
                _reservoir[slot] = value;
            }
        }
    }

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
    /// small array per value instead of a dictionary lookup.
    /// </summary>
    private sealed class ValueCounts
    {
        private ulong[] _keys = new ulong[256];
        private double[] _values = new double[256];
        private long[] _counts = new long[256]; // 0: empty slot

        public int Count { get; private set; }

        public void Add(double value)
        {
            var key = value == 0 ? 0UL : (ulong)BitConverter.DoubleToInt64Bits(value);
            var mask = _keys.Length - 1;
            var slot = Slot(key, mask);
            while (_counts[slot] != 0)
            {
                if (_keys[slot] == key)
                {
                    _counts[slot]++;
                    return;
                }

                slot = (slot + 1) & mask;
            }

            (_keys[slot], _values[slot], _counts[slot]) = (key, value, 1);
            Count++;
            if (Count * 2 > _keys.Length)
            {
                Grow();
            }
        }

        public IEnumerable<KeyValuePair<double, long>> Pairs()
        {
            for (var i = 0; i < _keys.Length; i++)
            {
                if (_counts[i] != 0)
                {
                    yield return new KeyValuePair<double, long>(_values[i], _counts[i]);
                }
            }
        }

        private void Grow()
        {
            var (keys, values, counts) = (_keys, _values, _counts);
            (_keys, _values, _counts) = (new ulong[keys.Length * 2], new double[keys.Length * 2], new long[keys.Length * 2]);
            var mask = _keys.Length - 1;
            for (var i = 0; i < keys.Length; i++)
            {
                if (counts[i] == 0)
                {
                    continue;
                }

                var slot = Slot(keys[i], mask);
                while (_counts[slot] != 0)
                {
                    slot = (slot + 1) & mask;
                }

                (_keys[slot], _values[slot], _counts[slot]) = (keys[i], values[i], counts[i]);
            }
        }

        private static int Slot(ulong key, int mask) => (int)((key * 0x9E3779B97F4A7C15UL) >> 40) & mask;
    }
}
