using System.Buffers;
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
        return Score([columns], columns.Count);
    }

    /// <summary>
    /// Scores the rows of every part, in order, in one ONNX Runtime call: how the micro-batcher merges concurrent
    /// requests. The tensors are made straight from the parts, so the rows are copied once, into the tensors.
    /// </summary>
    public ScoredBatch Score(IReadOnlyList<FeatureColumns> parts, int rows)
    {
        ArgumentNullException.ThrowIfNull(parts);
        // ONNX Runtime aborts the process (std::terminate) on some empty string tensors: never send one.
        var total = 0;
        for (var p = 0; p < parts.Count; p++)
        {
            total += parts[p].Count;
        }

        if (rows <= 0 || rows != total)
        {
            throw new ArgumentException(rows <= 0 ? "There are no rows to score." : "The row count does not match the parts.", nameof(rows));
        }

        long[] shape = [rows, 1];
        var inputs = new OrtValue[_inputNames.Length];
        var rented = new float[]?[_inputNames.Length];
        try
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                inputs[i] = CreateInput(parts, i, rows, shape, ref rented[i]);
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

            foreach (var array in rented)
            {
                if (array is not null)
                {
                    ArrayPool<float>.Shared.Return(array);
                }
            }
        }
    }

    private OrtValue CreateInput(IReadOnlyList<FeatureColumns> parts, int input, int n, long[] shape, ref float[]? rented)
    {
        var feature = _inputFeature[input];
        switch (Signature.Features[feature].Type)
        {
            case FeatureType.Categorical:
                var strings = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
                var index = 0;
                foreach (var columns in parts)
                {
                    var text = columns.Text(feature);
                    for (var row = 0; row < columns.Count; row++)
                    {
                        strings.StringTensorSetElementAt(text[row].AsSpan(), index++);
                    }
                }

                return strings;
            case FeatureType.DateTime:
                rented = ArrayPool<float>.Shared.Rent(n);
                var at = 0;
                var datePart = Signature.Inputs[input].Derive;
                foreach (var columns in parts)
                {
                    var dates = columns.Dates(feature);
                    for (var row = 0; row < columns.Count; row++)
                    {
                        rented[at++] = datePart switch
                        {
                            DatePart.Hour => dates[row].Hour,
                            DatePart.DayOfWeek => (float)dates[row].DayOfWeek,
                            DatePart.Month => dates[row].Month,
                            _ => throw new InvalidDataException($"Input '{_inputNames[input]}' needs a date part."),
                        };
                    }
                }

                return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, rented.AsMemory(0, n), shape);
            default:
                if (parts.Count == 1)
                {
                    return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, parts[0].Numeric(feature).AsMemory(0, n), shape);
                }

                rented = ArrayPool<float>.Shared.Rent(n);
                var offset = 0;
                foreach (var columns in parts)
                {
                    columns.Numeric(feature).AsSpan(0, columns.Count).CopyTo(rented.AsSpan(offset));
                    offset += columns.Count;
                }

                return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, rented.AsMemory(0, n), shape);
        }
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
