using Microsoft.ML;
using Microsoft.ML.Data;
using Mlops.Pipeline.Data.Readers;

namespace Mlops.Pipeline.Training;

/// <summary>
/// An ML.NET <see cref="IDataView"/> over a data set read under its contract, streaming: every cursor reads the
/// files again from the start, so a trainer's passes never hold the rows in memory. Only usable rows (valid label,
/// valid or allowed-null features) that the split admits are seen.
/// </summary>
internal sealed class ContractDataView : IDataView
{
    private readonly DataSet _data;
    private readonly FeatureLayout _layout;
    private readonly Func<DataRow, bool> _include;
    private readonly bool _withLabel;
    private readonly long? _rowCount;

    public ContractDataView(DataSet data, FeatureLayout layout, Func<DataRow, bool> include, bool withLabel, long? rowCount = null)
    {
        _data = data;
        _layout = layout;
        _include = include;
        _withLabel = withLabel;
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

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly ContractDataView _view;
        private readonly IEnumerator<DataRow> _rows;
        private readonly float[] _numbers;
        private readonly ReadOnlyMemory<char>[] _texts;
        private bool _label;
        private float _labelValue;
        private long _position = -1;

        public Cursor(ContractDataView view)
        {
            _view = view;
            _rows = new ContractReader(view._data, view._layout.Contract).ReadAsync().ToBlockingEnumerable().GetEnumerator();
            _numbers = new float[view._layout.Inputs.Count];
            _texts = new ReadOnlyMemory<char>[view._layout.Inputs.Count];
        }

        public override DataViewSchema Schema => _view.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override bool MoveNext()
        {
            while (_rows.MoveNext())
            {
                var row = _rows.Current;
                if (!row.IsUsable || !_view._include(row))
                {
                    continue;
                }

                var inputs = _view._layout.Inputs;
                for (var i = 0; i < inputs.Count; i++)
                {
                    if (inputs[i].Kind == InputKind.Categorical)
                    {
                        _texts[i] = FeatureLayout.Category(inputs[i], row).AsMemory();
                    }
                    else
                    {
                        _numbers[i] = FeatureLayout.Numeric(inputs[i], row);
                    }
                }

                ref readonly var label = ref row[_view._layout.Contract.LabelIndex];
                _label = label.Boolean;
                _labelValue = (float)label.Number;
                _position++;
                return true;
            }

            return false;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            var index = column.Index;
            if (index == _view._layout.Inputs.Count)
            {
                return _view._layout.Task == TrainingTask.BinaryClassification
                    ? (ValueGetter<TValue>)(Delegate)(ValueGetter<bool>)((ref bool value) => value = _label)
                    : (ValueGetter<TValue>)(Delegate)(ValueGetter<float>)((ref float value) => value = _labelValue);
            }

            return _view._layout.Inputs[index].Kind == InputKind.Categorical
                ? (ValueGetter<TValue>)(Delegate)(ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = _texts[index])
                : (ValueGetter<TValue>)(Delegate)(ValueGetter<float>)((ref float value) => value = _numbers[index]);
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _rows.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
