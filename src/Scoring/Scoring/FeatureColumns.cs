using Mlops.Scoring.Model;

namespace Mlops.Scoring.Scoring;

/// <summary>
/// Parsed request rows stored column by column, ready to become ONNX tensors without another copy:
/// numbers and booleans as floats, categories as strings, datetimes as the parts the model uses.
/// </summary>
public sealed class FeatureColumns
{
    private readonly float[][] _numeric;
    private readonly string[][] _text;
    private readonly DateTime[][] _dates;

    public FeatureColumns(ModelSignature signature, int capacity)
    {
        Signature = signature;
        Capacity = capacity;
        var features = signature.Features;
        _numeric = new float[features.Count][];
        _text = new string[features.Count][];
        _dates = new DateTime[features.Count][];
        for (var i = 0; i < features.Count; i++)
        {
            switch (features[i].Type)
            {
                case FeatureType.Categorical: _text[i] = new string[capacity]; break;
                case FeatureType.DateTime: _dates[i] = new DateTime[capacity]; break;
                default: _numeric[i] = new float[capacity]; break;
            }
        }
    }

    public ModelSignature Signature { get; }

    public int Capacity { get; private set; }

    public int Count { get; set; }

    /// <summary>Makes room for more rows, keeping those already read.</summary>
    public void Grow(int capacity)
    {
        for (var f = 0; f < Signature.Features.Count; f++)
        {
            if (_numeric[f] is not null) { Array.Resize(ref _numeric[f], capacity); }
            if (_text[f] is not null) { Array.Resize(ref _text[f], capacity); }
            if (_dates[f] is not null) { Array.Resize(ref _dates[f], capacity); }
        }

        Capacity = capacity;
    }

    public float[] Numeric(int feature) => _numeric[feature];

    public string[] Text(int feature) => _text[feature];

    public DateTime[] Dates(int feature) => _dates[feature];

    /// <summary>One batch holding these rows, then those: how concurrent requests become one ONNX Runtime call.</summary>
    public static FeatureColumns Concat(ModelSignature signature, IReadOnlyList<FeatureColumns> parts)
    {
        var merged = new FeatureColumns(signature, parts.Sum(p => p.Count));
        var offset = 0;
        foreach (var part in parts)
        {
            for (var f = 0; f < signature.Features.Count; f++)
            {
                switch (signature.Features[f].Type)
                {
                    case FeatureType.Categorical: Array.Copy(part._text[f], 0, merged._text[f], offset, part.Count); break;
                    case FeatureType.DateTime: Array.Copy(part._dates[f], 0, merged._dates[f], offset, part.Count); break;
                    default: Array.Copy(part._numeric[f], 0, merged._numeric[f], offset, part.Count); break;
                }
            }

            offset += part.Count;
        }

        merged.Count = offset;
        return merged;
    }
}
