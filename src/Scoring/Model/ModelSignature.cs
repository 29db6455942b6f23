using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mlops.Scoring.Model;

/// <summary>
/// What the scoring app needs to know about a model, written by training into the candidate package
/// (<c>candidate.json</c> → manifest <c>candidate.signature</c>): the request fields, how each ONNX input is made
/// from them, the outputs, and the bins for input and prediction telemetry (from the training profile).
/// </summary>
public sealed record ModelSignature
{
    /// <summary>"binaryClassification" (probability + label) or "regression" (value).</summary>
    public required string Task { get; init; }

    /// <summary>Request fields, keyed by the data contract's feature names.</summary>
    public required IReadOnlyList<SignatureFeature> Features { get; init; }

    /// <summary>ONNX inputs in the order the session expects, each made from one request field.</summary>
    public required IReadOnlyList<SignatureInput> Inputs { get; init; }

    /// <summary>ONNX output names: probability and label (binary) or score (regression).</summary>
    public required SignatureOutputs Outputs { get; init; }

    /// <summary>Bins for telemetry, from the training profile; empty means no input histograms.</summary>
    public SignatureTelemetry Telemetry { get; init; } = new();

    public bool IsBinary => Task == BinaryClassification;

    public const string BinaryClassification = "binaryClassification";

    public const string Regression = "regression";

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Checks internal consistency; the message names the field at fault.</summary>
    public void Validate()
    {
        if (Task is not (BinaryClassification or Regression))
        {
            throw new InvalidDataException($"signature.task is '{Task}'; expected '{BinaryClassification}' or '{Regression}'.");
        }

        var features = Features.ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach (var input in Inputs)
        {
            if (!features.TryGetValue(input.Feature, out var feature))
            {
                throw new InvalidDataException($"signature.inputs '{input.Name}' is made from '{input.Feature}', which is not a feature.");
            }

            if (input.Derive is not null && feature.Type != FeatureType.DateTime)
            {
                throw new InvalidDataException($"signature.inputs '{input.Name}' derives '{input.Derive}' from '{input.Feature}', which is not a datetime.");
            }
        }

        if (IsBinary ? Outputs.Probability is null || Outputs.Label is null : Outputs.Score is null)
        {
            throw new InvalidDataException($"signature.outputs lacks the outputs of a {Task} model.");
        }
    }
}

// The names are the data contract's column types, so "Integer" is meant.
#pragma warning disable CA1720
public enum FeatureType
{
    Number,
    Integer,
    Boolean,
    Categorical,
    DateTime,
}
#pragma warning restore CA1720

public sealed record SignatureFeature
{
    public required string Name { get; init; }

    [JsonConverter(typeof(JsonStringEnumConverter<FeatureType>))]
    public required FeatureType Type { get; init; }

    /// <summary>Format of a datetime field, e.g. "yyyy-MM-dd HH:mm".</summary>
    public string? Format { get; init; }
}

/// <summary>Which part of a datetime an input carries.</summary>
public enum DatePart
{
    Hour,
    DayOfWeek,
    Month,
}

public sealed record SignatureInput
{
    public required string Name { get; init; }

    public required string Feature { get; init; }

    /// <summary>For a datetime feature: the part fed to the model as a float.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<DatePart>))]
    public DatePart? Derive { get; init; }
}

public sealed record SignatureOutputs
{
    public string? Probability { get; init; }

    public string? Label { get; init; }

    public string? Score { get; init; }
}

public sealed record SignatureTelemetry
{
    /// <summary>Upper edges of the numeric bins per feature (a value v falls in the first bin with v ≤ edge; last bin open).</summary>
    public IReadOnlyDictionary<string, double[]> NumericBins { get; init; } = new Dictionary<string, double[]>();

    /// <summary>The categories counted by name per feature; every other value counts as "other".</summary>
    public IReadOnlyDictionary<string, string[]> Categories { get; init; } = new Dictionary<string, string[]>();

    /// <summary>Upper edges of the prediction bins (probability or value).</summary>
    public double[] PredictionBins { get; init; } = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
}
