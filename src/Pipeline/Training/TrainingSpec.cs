using System.Text.Json.Serialization;

namespace Mlops.Pipeline.Training;

/// <summary>
/// How a model is trained and judged: written by users beside the data contract (samples/flights/training.json),
/// read strictly by <see cref="TrainingSpecParser"/>, recorded in every candidate it produces.
/// </summary>
public sealed record TrainingSpec
{
    /// <summary>The model (registry name) this spec trains.</summary>
    public required string Model { get; init; }

    public required TrainingTask Task { get; init; }

    public required TrainerSpec Trainer { get; init; }

    /// <summary>Seeds ML.NET, the random split and the trainers: same data, spec and seed give the same model.</summary>
    public int Seed { get; init; } = 42;

    public required SplitSpec Split { get; init; }

    public FeatureSpec Features { get; init; } = new();

    public GateSpec Gates { get; init; } = new();

    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    public string? Description { get; init; }
}

public enum TrainingTask
{
    BinaryClassification,
    Regression,
}

public sealed record TrainerSpec
{
    /// <summary>LightGbm, FastTree or SdcaLogisticRegression (binary); LightGbm or FastTree (regression).</summary>
    public required string Name { get; init; }

    /// <summary>Trainer options by ML.NET's option name, camelCase (numberOfIterations, numberOfLeaves, learningRate, ...).</summary>
    public IReadOnlyDictionary<string, double> Hyperparameters { get; init; } = new Dictionary<string, double>();
}

public enum SplitKind
{
    /// <summary>The latest rows by the contract's time column are the holdout: the model is judged on the future.</summary>
    Time,

    /// <summary>A seeded random share of rows is the holdout.</summary>
    Random,
}

public sealed record SplitSpec
{
    public required SplitKind Kind { get; init; }

    /// <summary>Share of rows held out (time: the latest ones). Exclusive with <see cref="HoldoutFrom"/>.</summary>
    public double? HoldoutFraction { get; init; }

    /// <summary>Time split only: rows at or after this instant are the holdout (e.g. "2001-06-01").</summary>
    public DateTime? HoldoutFrom { get; init; }
}

public sealed record FeatureSpec
{
    /// <summary>Contract feature columns to use; null means every column with role feature.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>One-hot columns per categorical at most (the most frequent values); the rest share "unknown".</summary>
    public int MaxCategories { get; init; } = 100;

    /// <summary>Min-max normalise the numeric features (needed by linear trainers; harmless to trees).</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Parts of datetime columns used as numeric features, e.g. { "date": ["hour", "dayOfWeek"] }.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<DatePart>> DateParts { get; init; } = new Dictionary<string, IReadOnlyList<DatePart>>();
}

public enum DatePart
{
    Hour,
    DayOfWeek,
    Month,
}

public sealed record GateSpec
{
    /// <summary>Absolute thresholds on holdout metrics.</summary>
    public IReadOnlyList<MetricThreshold> Absolute { get; init; } = [];

    /// <summary>How the candidate must compare with the champion scored on the same holdout.</summary>
    public IReadOnlyList<ChampionComparison> Champion { get; init; } = [];

    /// <summary>Largest absolute difference allowed between ML.NET and ONNX Runtime scores on the holdout.</summary>
    public double MaxParityDifference { get; init; } = 1e-5;
}

public sealed record MetricThreshold
{
    public required string Metric { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }
}

/// <summary>
/// MLflow's meaning: the candidate must beat the champion by at least <see cref="MinAbsoluteChange"/> (candidate −
/// champion, in the metric's better direction) and by at least <see cref="MinRelativeChange"/> of the champion's
/// value. Negative values are tolerances: −0.01 lets the candidate be worse by up to 0.01.
/// </summary>
public sealed record ChampionComparison
{
    public required string Metric { get; init; }

    public double? MinAbsoluteChange { get; init; }

    public double? MinRelativeChange { get; init; }
}
