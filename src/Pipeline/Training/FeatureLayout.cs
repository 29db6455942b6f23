using Mlops.Pipeline.Data.Contracts;
using Mlops.Pipeline.Data.Readers;

namespace Mlops.Pipeline.Training;

/// <summary>How one model input is made from a contract column.</summary>
public enum InputKind
{
    /// <summary>A number, integer or boolean (0/1) as a float; missing values are NaN.</summary>
    Numeric,

    /// <summary>A category as text, one-hot encoded inside the model; missing is the empty string.</summary>
    Categorical,

    /// <summary>One part (hour, day of week, month) of a datetime, as a float.</summary>
    DatePart,
}

/// <summary>One column the model takes: also the name of its ONNX input.</summary>
public sealed record ModelInput(string Name, InputKind Kind, int ContractIndex, DatePart? Part = null);

/// <summary>
/// The model's inputs, derived from the contract and the spec: one per numeric, boolean and categorical feature
/// (named as in the contract), and one per chosen date part (<c>date_hour</c>). ML.NET and ONNX use the same names,
/// so the scoring app can build ONNX inputs straight from request fields.
/// </summary>
public sealed class FeatureLayout
{
    public const string LabelColumn = "Label";

    private static readonly string[] ReservedNames = ["Label", "Features", "Score", "Probability", "PredictedLabel", "NumericFeatures"];

    public FeatureLayout(TrainingSpec spec, DataContract contract)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(contract);
        Contract = contract;
        Task = spec.Task;
        var inputs = new List<ModelInput>();
        foreach (var column in TrainingSpecParser.FeatureColumns(spec, contract))
        {
            var index = contract.IndexOf(column.Name);
            switch (column.Type)
            {
                case ColumnType.Categorical: inputs.Add(new ModelInput(column.Name, InputKind.Categorical, index)); break;
                case ColumnType.DateTime: break; // only through features.dateParts
                default: inputs.Add(new ModelInput(column.Name, InputKind.Numeric, index)); break;
            }
        }

        foreach (var (name, parts) in spec.Features.DateParts.OrderBy(p => contract.IndexOf(p.Key)))
        {
            foreach (var part in parts)
            {
                inputs.Add(new ModelInput($"{name}_{part.ToString().ToLowerInvariant()}", InputKind.DatePart, contract.IndexOf(name), part));
            }
        }

        foreach (var input in inputs)
        {
            if (ReservedNames.Contains(input.Name, StringComparer.OrdinalIgnoreCase))
            {
                throw new TrainingSpecException("features", $"the column name '{input.Name}' is reserved by the trainer; rename it in the contract.");
            }
        }

        Inputs = inputs;
    }

    public DataContract Contract { get; }

    public TrainingTask Task { get; }

    public IReadOnlyList<ModelInput> Inputs { get; }

    public IEnumerable<string> NumericNames => Inputs.Where(i => i.Kind != InputKind.Categorical).Select(i => i.Name);

    public IEnumerable<string> CategoricalNames => Inputs.Where(i => i.Kind == InputKind.Categorical).Select(i => i.Name);

    /// <summary>The value of input <paramref name="input"/> for a row, as ML.NET and ONNX Runtime take it.</summary>
    public static float Numeric(ModelInput input, DataRow row)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(row);
        ref readonly var value = ref row[input.ContractIndex];
        if (!value.IsValid)
        {
            return float.NaN;
        }

        return input.Part switch
        {
            DatePart.Hour => value.Time.Hour,
            DatePart.DayOfWeek => (float)value.Time.DayOfWeek,
            DatePart.Month => value.Time.Month,
            _ => (float)value.Number,
        };
    }

    public static string Category(ModelInput input, DataRow row)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(row);
        return row[input.ContractIndex] is { IsValid: true, Category: { } category } ? category : "";
    }
}
