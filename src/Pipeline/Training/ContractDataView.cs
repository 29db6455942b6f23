using Microsoft.ML;
using Microsoft.ML.Data;
using Mlops.Pipeline.Data.Readers;

namespace Mlops.Pipeline.Training;

/// <summary>
/// An ML.NET <see cref="IDataView"/> over a data set read under its contract. Streaming: every cursor reads the
/// files again from the start, so a trainer's passes never hold the rows in memory. Or, when the split's pass could
/// keep the model inputs within its budget (<see cref="InputCache"/>), every cursor reads that one side of the cache:
/// the same rows in the same order, without parsing the files again. Only usable rows (valid label, valid or
/// allowed-null features) that the split admits are seen.
/// </summary>
internal sealed class ContractDataView : IDataView
{
    private readonly DataSet? _data;
    private readonly FeatureLayout _layout;
    private readonly Func<DataRow, bool>? _include;
    private readonly InputCache? _cache;
    private readonly bool _holdout;
    private readonly long? _rowCount;

    public ContractDataView(DataSet data, FeatureLayout layout, Func<DataRow, bool> include, bool withLabel, long? rowCount = null)
        : this(layout, withLabel, rowCount)
    {
        _data = data;
        _include = include;
    }

    /// <summary>One side (<paramref name="holdout"/> or training) of the rows an <see cref="InputCache"/> holds.</summary>
    public ContractDataView(InputCache cache, FeatureLayout layout, bool holdout, bool withLabel, long? rowCount = null)
        : this(layout, withLabel, rowCount)
    {
        _cache = cache;
        _holdout = holdout;
    }

    private ContractDataView(FeatureLayout layout, bool withLabel, long? rowCount)
    {
        _layout = layout;
        _rowCount = rowCount;
        var builder = new DataViewSchema.Builder();
        foreach (var input in layout.Inputs)
        {
            builder.AddColumn(input.Name, input.Kind == InputKind.Categorical ? TextDataViewType.Instance : NumberDataViewType.Single);
        }

        if (withLabel)
        {
            builder.AddColumn(FeatureLayout.LabelColumn, layout.Task == TrainingTask.BinaryClassification ? BooleanDataViewType.Instance : NumberDataViewType.Single);
        }

        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _rowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        _cache is null ? new StreamingCursor(this) : new CachedCursor(this, _cache);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    /// <summary>Reads the files under the contract, one pass per cursor.</summary>
    private sealed class StreamingCursor(ContractDataView view) : Cursor(view)
    {
        private readonly IEnumerator<DataRow> _rows = new ContractReader(view._data!, view._layout.Contract).ReadAsync().ToBlockingEnumerable().GetEnumerator();

        protected override bool Next()
        {
            while (_rows.MoveNext())
            {
                var row = _rows.Current;
                if (!row.IsUsable || !View._include!(row))
                {
                    continue;
                }

                var inputs = View._layout.Inputs;
                for (var i = 0; i < inputs.Count; i++)
                {
                    if (inputs[i].Kind == InputKind.Categorical)
                    {
                        Texts[i] = FeatureLayout.Category(inputs[i], row).AsMemory();
                    }
                    else
                    {
                        Numbers[i] = FeatureLayout.Numeric(inputs[i], row);
                    }
                }

                ref readonly var label = ref row[View._layout.Contract.LabelIndex];
                LabelBoolean = label.Boolean;
                LabelValue = (float)label.Number;
                return true;
            }

            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _rows.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>Walks the cache, skipping the other side's rows.</summary>
    private sealed class CachedCursor(ContractDataView view, InputCache cache) : Cursor(view)
    {
        private long _row = -1;

        protected override bool Next()
        {
            var inputs = View._layout.Inputs;
            while (++_row < cache.Count)
            {
                if (cache.IsHoldout(_row) != View._holdout)
                {
                    continue;
                }

                for (var i = 0; i < inputs.Count; i++)
                {
                    if (inputs[i].Kind == InputKind.Categorical)
                    {
                        Texts[i] = cache.Category(i, _row).AsMemory();
                    }
                    else
                    {
                        Numbers[i] = cache.Number(i, _row);
                    }
                }

                LabelBoolean = cache.Label(_row);
                LabelValue = cache.LabelValue(_row);
                return true;
            }

            return false;
        }
    }

    private abstract class Cursor : DataViewRowCursor
    {
        private long _position = -1;

        protected Cursor(ContractDataView view)
        {
            View = view;
            Numbers = new float[view._layout.Inputs.Count];
            Texts = new ReadOnlyMemory<char>[view._layout.Inputs.Count];
        }

        protected ContractDataView View { get; }

        protected float[] Numbers { get; }

        protected ReadOnlyMemory<char>[] Texts { get; }

        protected bool LabelBoolean { get; set; }

        protected float LabelValue { get; set; }

        public override DataViewSchema Schema => View.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override bool MoveNext()
        {
            if (!Next())
            {
                return false;
            }

            _position++;
            return true;
        }

        /// <summary>Fills the current row's values; false at the end.</summary>
        protected abstract bool Next();

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            var index = column.Index;
            if (index == View._layout.Inputs.Count)
            {
                return View._layout.Task == TrainingTask.BinaryClassification
                    ? (ValueGetter<TValue>)(Delegate)(ValueGetter<bool>)((ref bool value) => value = LabelBoolean)
                    : (ValueGetter<TValue>)(Delegate)(ValueGetter<float>)((ref float value) => value = LabelValue);
            }

            return View._layout.Inputs[index].Kind == InputKind.Categorical
                ? (ValueGetter<TValue>)(Delegate)(ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = Texts[index])
                : (ValueGetter<TValue>)(Delegate)(ValueGetter<float>)((ref float value) => value = Numbers[index]);
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

    }
}
