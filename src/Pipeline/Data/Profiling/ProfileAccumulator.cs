using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Mlops.Pipeline.Data.Contracts;
using Mlops.Pipeline.Data.Readers;

namespace Mlops.Pipeline.Data.Profiling;

/// <summary>
/// Builds a <see cref="DataProfile"/> from rows seen once, in memory bounded by the options (not by the row count).
/// With a reference layout (edges, categories) it only counts. Without one it learns the layout: numeric values are
/// counted exactly per distinct value up to a limit, so edges and counts come out of one pass; past the limit
/// edges come from a seeded reservoir sample and <see cref="NeedsCountingPass"/> asks for a second pass.
/// </summary>
public sealed class ProfileAccumulator
{
    private static readonly ulong TrueHash = CategoryIndex.Hash("true");
    private static readonly ulong FalseHash = CategoryIndex.Hash("false");

    private readonly DataContract _contract;
    private readonly ProfileOptions _options;
    private readonly long[] _nulls;
    private readonly long[] _invalid;
    private readonly NumericColumn?[] _numeric;
    private readonly CategoricalColumn?[] _categorical;

    // The profiled (feature) columns, for rows whose values are all valid: no state to look at, only values to count.
    private readonly (int Index, NumericColumn Column)[] _numericFeatures;
    private readonly (int Index, CategoricalColumn Column)[] _categoricalFeatures;
    private long _rows;
    private long _usableRows;
    private LabelAndTimeTally _labelAndTime;

    /// <summary>A reference profile (learns edges and categories from the data).</summary>
    public ProfileAccumulator(DataContract contract, ProfileOptions? options = null)
        : this(contract, options ?? new ProfileOptions(), layout: null)
    {
    }

    /// <summary>A profile of current data on <paramref name="reference"/>'s layout: same edges, same categories.</summary>
    public ProfileAccumulator(DataContract contract, DataProfile reference)
        : this(contract, new ProfileOptions(), layout: reference ?? throw new ArgumentNullException(nameof(reference)))
    {
    }

    private ProfileAccumulator(DataContract contract, ProfileOptions options, DataProfile? layout)
    {
        _contract = contract ?? throw new ArgumentNullException(nameof(contract));
        _options = options;
        var count = contract.Columns.Count;
        _nulls = new long[count];
        _invalid = new long[count];
        _numeric = new NumericColumn?[count];
        _categorical = new CategoricalColumn?[count];
        _labelAndTime = new LabelAndTimeTally(contract);
        foreach (var i in contract.FeatureIndexes)
        {
            var column = contract.Columns[i];
            var reference = layout?.Column(column.Name);
            if (layout is not null && reference is null)
            {
                throw new ArgumentException($"The reference profile has no column '{column.Name}'.", nameof(layout));
            }

            if (column.IsNumeric)
            {
                _numeric[i] = reference?.Numeric is { } numeric
                    ? NumericColumn.WithEdges(numeric.Edges)
                    : NumericColumn.Learning(options, seed: options.Seed + i);
            }
            else if (column.IsDiscrete)
            {
                _categorical[i] = reference?.Categorical is { } categorical
                    ? CategoricalColumn.WithCategories(categorical.Categories.Select(c => c.Value))
                    : CategoricalColumn.Learning(options.MaxCategories);
            }
        }

        _numericFeatures = [.. _numeric.Select((c, i) => (i, c)).Where(p => p.c is not null).Select(p => (p.i, p.c!))];
        _categoricalFeatures = [.. _categorical.Select((c, i) => (i, c)).Where(p => p.c is not null).Select(p => (p.i, p.c!))];
    }

    /// <summary>True when some numeric column had more distinct values than could be counted exactly in this pass.</summary>
    public bool NeedsCountingPass => _numeric.Any(n => n is { Overflowed: true });

    public void Observe(DataRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        ObserveRow(row);
    }

    /// <summary>Every row of <paramref name="batch"/>, as <see cref="Observe(DataRow)"/> would one by one.</summary>
    // Called once per batch, so tiered compilation would leave its hot loop in slow early code for most of a run.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Observe(DataRowBatch batch)
    {
        foreach (var row in batch.Rows)
        {
            ObserveRow(row);
        }
    }

    private void ObserveRow(DataRow row)
    {
        _rows++;
        var values = row.Values;
        if (row.AllValid)
        {
            // The usual row: nothing null or invalid to count, so only the profiled columns are looked at.
            _usableRows++;
            foreach (var (i, numeric) in _numericFeatures)
            {
                numeric.Add(values[i].Number);
            }

            foreach (var (i, categorical) in _categoricalFeatures)
            {
                Add(categorical, values[i]);
            }
        }
        else
        {
            if (row.IsUsable)
            {
                _usableRows++;
            }

            for (var i = 0; i < values.Length; i++)
            {
                ref readonly var value = ref values[i];
                switch (value.State)
                {
                    case FieldState.Valid:
                        if (_numeric[i] is { } numeric)
                        {
                            numeric.Add(value.Number);
                        }
                        else if (_categorical[i] is { } categorical)
                        {
                            Add(categorical, value);
                        }

                        break;
                    case FieldState.Null:
                        _nulls[i]++;
                        break;
                    default:
                        _invalid[i]++;
                        break;
                }
            }
        }

        _labelAndTime.Observe(values);
    }

    /// <summary>Counts a valid categorical or boolean value.</summary>
    private static void Add(CategoricalColumn categorical, in FieldValue value)
    {
        if (value.Category is { } category)
        {
            categorical.Add(category, value.TextHash, value.CategoryId);
        }
        else
        {
            categorical.Add(value.Boolean ? "true" : "false", value.Boolean ? TrueHash : FalseHash);
        }
    }

    /// <summary>The edges learned so far, for a counting pass (<see cref="NeedsCountingPass"/>).</summary>
    internal DataProfile LayoutForCountingPass() => Build();

    public DataProfile Build()
    {
        var columns = new List<ColumnProfile>(_contract.Columns.Count);
        for (var i = 0; i < _contract.Columns.Count; i++)
        {
            var column = _contract.Columns[i];
            columns.Add(new ColumnProfile(
                column.Name, column.Type, column.Role, _nulls[i], _invalid[i],
                _numeric[i]?.Build(_options.Bins), _categorical[i]?.Build()));
        }

        return new DataProfile
        {
            Contract = JsonNode.Parse(_contract.Json, documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!,
            Rows = _rows,
            UsableRows = _usableRows,
            Label = _contract.Label is { Type: ColumnType.Boolean } label ? new LabelProfile(label.Name, _labelAndTime.Positives, _labelAndTime.Negatives) : null,
            Time = _contract.TimeIndex >= 0 ? new TimeProfile(_contract.Columns[_contract.TimeIndex].Name, _labelAndTime.TimeMin, _labelAndTime.TimeMax) : null,
            Columns = columns,
        };
    }
}
