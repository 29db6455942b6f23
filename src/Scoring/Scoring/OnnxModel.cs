using Microsoft.ML.OnnxRuntime;
using Mlops.Scoring.Model;

namespace Mlops.Scoring.Scoring;

/// <summary>Scores of one batch, in row order: probability and label (binary classification) or value (regression).</summary>
public sealed record ScoredBatch(float[] Values, bool[]? Labels);

/// <summary>
/// One ONNX Runtime session for one registered model version. <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// is thread-safe, so one instance serves every request.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly int[] _inputFeature;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly RunOptions _runOptions = new();

    public OnnxModel(string name, string version, byte[] onnx, ModelSignature signature, int intraOpThreads = 1)
    {
        ArgumentNullException.ThrowIfNull(signature);
        signature.Validate();
        Name = name;
        Version = version;
        Signature = signature;
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            // The models ML.NET exports trip a harmless shape-merge warning on load.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
        };
        _session = new InferenceSession(onnx, options);
        var featureIndex = signature.Features.Select((f, i) => (f.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        _inputFeature = [.. signature.Inputs.Select(i => featureIndex[i.Feature])];
        _inputNames = [.. signature.Inputs.Select(i => i.Name)];
        var missing = _inputNames.Except(_session.InputMetadata.Keys).ToList();
        if (missing.Count > 0 || _session.InputMetadata.Count != _inputNames.Length)
        {
            throw new InvalidDataException(
                $"The ONNX model's inputs ({string.Join(", ", _session.InputMetadata.Keys)}) do not match signature.inputs ({string.Join(", ", _inputNames)}).");
        }

        _outputNames = signature.IsBinary ? [signature.Outputs.Probability!, signature.Outputs.Label!] : [signature.Outputs.Score!];
        var unknownOutputs = _outputNames.Except(_session.OutputMetadata.Keys).ToList();
        if (unknownOutputs.Count > 0)
        {
            throw new InvalidDataException($"The ONNX model has no output {string.Join(", ", unknownOutputs)} (it has {string.Join(", ", _session.OutputMetadata.Keys)}).");
        }
    }

    public string Name { get; }

    public string Version { get; }

    public ModelSignature Signature { get; }

    /// <summary>Scores every row in one ONNX Runtime call.</summary>
    public ScoredBatch Score(FeatureColumns columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var n = columns.Count;
        // ONNX Runtime aborts the process (std::terminate) on some empty string tensors: never send one.
        if (n == 0)
        {
            throw new ArgumentException("There are no rows to score.", nameof(columns));
        }

        long[] shape = [n, 1];
        var inputs = new OrtValue[_inputNames.Length];
        try
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                inputs[i] = CreateInput(columns, i, n, shape);
            }

            using var outputs = _session.Run(_runOptions, _inputNames, inputs, _outputNames);
            var values = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            var labels = Signature.IsBinary ? outputs[1].GetTensorDataAsSpan<bool>().ToArray() : null;
            return new ScoredBatch(values, labels);
        }
        finally
        {
            foreach (var input in inputs)
            {
                input?.Dispose();
            }
        }
    }

    private OrtValue CreateInput(FeatureColumns columns, int input, int n, long[] shape)
    {
        var feature = _inputFeature[input];
        switch (Signature.Features[feature].Type)
        {
            case FeatureType.Categorical:
                var text = columns.Text(feature);
                var strings = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
                for (var row = 0; row < n; row++)
                {
                    strings.StringTensorSetElementAt(text[row].AsSpan(), row);
                }

                return strings;
            case FeatureType.DateTime:
                var dates = columns.Dates(feature);
                var parts = new float[n];
                var part = Signature.Inputs[input].Derive;
                for (var row = 0; row < n; row++)
                {
                    parts[row] = part switch
                    {
                        DatePart.Hour => dates[row].Hour,
                        DatePart.DayOfWeek => (float)dates[row].DayOfWeek,
                        DatePart.Month => dates[row].Month,
                        _ => throw new InvalidDataException($"Input '{_inputNames[input]}' needs a date part."),
                    };
                }

                return OrtValue.CreateTensorValueFromMemory(parts, shape);
            default:
                return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, columns.Numeric(feature).AsMemory(0, n), shape);
        }
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
