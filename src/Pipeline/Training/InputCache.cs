using Mlops.Pipeline.Data.Readers;

namespace Mlops.Pipeline.Training;

/// <summary>
/// The model inputs of every usable row, in read order, held column by column in fixed-size chunks: a float per
/// numeric input, an interned category code per categorical input, the label and which side of the split the row is
/// on (about 22 bytes a row for flights, against hundreds for a row object). Filled during the split's pass, so the
/// trainer's passes (a normaliser, then LightGbm's several) and the holdout's (evaluation, parity) read memory
/// instead of parsing every file again. Bounded: <see cref="TryAdd"/> refuses rows beyond the byte budget, and the
/// caller then streams as before.
/// </summary>
internal sealed class InputCache
{
    private const int ChunkBits = 16;
    private const int ChunkSize = 1 << ChunkBits;
    private const int ChunkMask = ChunkSize - 1;

    private readonly IReadOnlyList<ModelInput> _inputs;
    private readonly int _labelIndex;
    private readonly bool _binary;
    private readonly long _budgetBytes;
    private readonly List<float[]>?[] _numbers;
    private readonly List<int[]>?[] _codes;
    private readonly List<string>?[] _categories;
    private readonly Dictionary<string, int>?[] _lookup;
    private readonly List<bool[]> _labels = [];
    private readonly List<float[]> _labelValues = [];
    private readonly List<bool[]> _holdout = [];
    private readonly int _bytesPerRow;
    private long _categoryBytes;

    public InputCache(FeatureLayout layout, long budgetBytes)
    {
        ArgumentNullException.ThrowIfNull(layout);
        _inputs = layout.Inputs;
        _labelIndex = layout.Contract.LabelIndex;
        _binary = layout.Task == TrainingTask.BinaryClassification;
        _budgetBytes = budgetBytes;
        var n = _inputs.Count;
        _numbers = new List<float[]>?[n];
        _codes = new List<int[]>?[n];
        _categories = new List<string>?[n];
        _lookup = new Dictionary<string, int>?[n];
        for (var i = 0; i < n; i++)
        {
            if (_inputs[i].Kind == InputKind.Categorical)
            {
                _codes[i] = [];
                _categories[i] = [];
                _lookup[i] = new Dictionary<string, int>(StringComparer.Ordinal);
            }
            else
            {
                _numbers[i] = [];
            }
        }

        _bytesPerRow = (4 * n) + (_binary ? 1 : 4) + 1;
    }

    /// <summary>The budget for a run: a third of the memory the GC may use (the heap hard limit, or the container's or machine's).</summary>
    public static long DefaultBudgetBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 3;

    public long Count { get; private set; }

    /// <summary>What the rows hold now, chunks rounded up.</summary>
    public long Bytes => (((Count + ChunkMask) >> ChunkBits) * ChunkSize * _bytesPerRow) + _categoryBytes;

    /// <summary>Adds a usable row; false (and nothing added) when the next chunk would pass the budget.</summary>
    public bool TryAdd(DataRow row, bool holdout)
    {
        ArgumentNullException.ThrowIfNull(row);
        var offset = (int)(Count & ChunkMask);
        if (offset == 0 && Bytes + ((long)ChunkSize * _bytesPerRow) > _budgetBytes)
        {
            return false;
        }

        var chunk = (int)(Count >> ChunkBits);
        for (var i = 0; i < _inputs.Count; i++)
        {
            if (_numbers[i] is { } numbers)
            {
                if (offset == 0)
                {
                    numbers.Add(new float[ChunkSize]);
                }

                numbers[chunk][offset] = FeatureLayout.Numeric(_inputs[i], row);
            }
            else
            {
                var codes = _codes[i]!;
                if (offset == 0)
                {
                    codes.Add(new int[ChunkSize]);
                }

                var category = FeatureLayout.Category(_inputs[i], row);
                if (!_lookup[i]!.TryGetValue(category, out var code))
                {
                    code = _categories[i]!.Count;
                    _lookup[i]!.Add(category, code);
                    _categories[i]!.Add(category);
                    _categoryBytes += 64 + (2L * category.Length);
                }

                codes[chunk][offset] = code;
            }
        }

        if (offset == 0)
        {
            _holdout.Add(new bool[ChunkSize]);
            if (_binary)
            {
                _labels.Add(new bool[ChunkSize]);
            }
            else
            {
                _labelValues.Add(new float[ChunkSize]);
            }
        }

        ref readonly var label = ref row[_labelIndex];
        if (_binary)
        {
            _labels[chunk][offset] = label.Boolean;
        }
        else
        {
            _labelValues[chunk][offset] = (float)label.Number;
        }

        _holdout[chunk][offset] = holdout;
        Count++;
        return true;
    }

    public void SetHoldout(long row, bool holdout) => _holdout[(int)(row >> ChunkBits)][row & ChunkMask] = holdout;

    public bool IsHoldout(long row) => _holdout[(int)(row >> ChunkBits)][row & ChunkMask];

    public float Number(int input, long row) => _numbers[input]![(int)(row >> ChunkBits)][row & ChunkMask];

    public string Category(int input, long row) => _categories[input]![_codes[input]![(int)(row >> ChunkBits)][row & ChunkMask]];

    public bool Label(long row) => _binary && _labels[(int)(row >> ChunkBits)][row & ChunkMask];

    public float LabelValue(long row) => _binary ? (Label(row) ? 1 : 0) : _labelValues[(int)(row >> ChunkBits)][row & ChunkMask];
}
