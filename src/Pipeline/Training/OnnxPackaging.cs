using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace Mlops.Pipeline.Training;

/// <summary>How far ONNX Runtime's scores are from ML.NET's on the holdout; <see cref="Error"/> when ONNX Runtime could not run it.</summary>
public sealed record ParityResult(double MaxAbsoluteDifference, long Rows, long WorstRow, string? Error = null);

/// <summary>Exports the trained model to ONNX (only the inputs scoring needs, named outputs) and proves parity.</summary>
internal static class OnnxPackaging
{
    private const int ChunkRows = 8192;

    public static string[] OutputColumns(TrainingTask task) => task == TrainingTask.BinaryClassification ? ["Probability", "PredictedLabel"] : ["Score"];

    /// <summary>The ONNX model as bytes. <paramref name="sampleWithoutLabel"/> fixes the inputs: no label column.</summary>
    public static byte[] Export(MLContext ml, ITransformer model, IDataView sampleWithoutLabel, TrainingTask task)
    {
        using var stream = new MemoryStream();
        ml.Model.ConvertToOnnx(model, sampleWithoutLabel, stream, OutputColumns(task));
        return stream.ToArray();
    }

    /// <summary>
    /// Scores every holdout row with both ML.NET and ONNX Runtime (in chunks, one <c>Run</c> per chunk) and returns
    /// the largest absolute difference of probability (binary) or value (regression).
    /// </summary>
    public static ParityResult CheckParity(ITransformer model, IDataView holdout, byte[] onnx, FeatureLayout layout) =>
        CheckParityScored(model.Transform(holdout), onnx, layout);

    /// <summary>As <see cref="CheckParity"/>, on a holdout ML.NET has already scored (its inputs and score columns are read).</summary>
    public static ParityResult CheckParityScored(IDataView scored, byte[] onnx, FeatureLayout layout)
    {
        try
        {
            return Compare(scored, onnx, layout);
        }
        catch (OnnxRuntimeException ex)
        {
            // An exported model that ONNX Runtime cannot load or run fails parity: it could never be served.
            return new ParityResult(double.PositiveInfinity, 0, -1, ex.Message.Split('\n')[0]);
        }
    }

    private static ParityResult Compare(IDataView scored, byte[] onnx, FeatureLayout layout)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
        using var session = new InferenceSession(onnx, options);
        var scoreColumn = layout.Task == TrainingTask.BinaryClassification ? "Probability" : "Score";
        var outputName = scoreColumn + ".output";
        var inputs = layout.Inputs;
        using var cursor = scored.GetRowCursor([.. inputs.Select(i => scored.Schema[i.Name]), scored.Schema[scoreColumn]]);
        var numberGetters = inputs.Select(i => i.Kind == InputKind.Categorical ? null : cursor.GetGetter<float>(scored.Schema[i.Name])).ToArray();
        var textGetters = inputs.Select(i => i.Kind == InputKind.Categorical ? cursor.GetGetter<ReadOnlyMemory<char>>(scored.Schema[i.Name]) : null).ToArray();
        var score = cursor.GetGetter<float>(scored.Schema[scoreColumn]);
        var numbers = inputs.Select(i => i.Kind == InputKind.Categorical ? null : new float[ChunkRows]).ToArray();
        var texts = inputs.Select(i => i.Kind == InputKind.Categorical ? new string[ChunkRows] : null).ToArray();
        var expected = new float[ChunkRows];
        double worst = 0;
        long worstRow = -1, rows = 0;
        var filled = 0;
        while (true)
        {
            var more = cursor.MoveNext();
            if (more)
            {
                for (var i = 0; i < inputs.Count; i++)
                {
                    if (numberGetters[i] is { } getNumber)
                    {
                        getNumber(ref numbers[i]![filled]);
                    }
                    else
                    {
                        ReadOnlyMemory<char> text = default;
                        textGetters[i]!(ref text);
                        texts[i]![filled] = text.ToString();
                    }
                }

                score(ref expected[filled]);
                filled++;
            }

            if (filled == ChunkRows || (!more && filled > 0))
            {
                var actual = Run(session, inputs, numbers, texts, filled, outputName);
                for (var r = 0; r < filled; r++)
                {
                    var difference = Math.Abs((double)actual[r] - expected[r]);
                    if (difference > worst || double.IsNaN(difference))
                    {
                        worst = double.IsNaN(difference) ? double.PositiveInfinity : difference;
                        worstRow = rows + r;
                    }
                }

                rows += filled;
                filled = 0;
            }

            if (!more)
            {
                return new ParityResult(worst, rows, worstRow);
            }
        }
    }

    private static float[] Run(InferenceSession session, IReadOnlyList<ModelInput> inputs, float[]?[] numbers, string[]?[] texts, int rows, string outputName)
    {
        long[] shape = [rows, 1];
        var values = new OrtValue[inputs.Count];
        try
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                if (numbers[i] is { } column)
                {
                    values[i] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, column.AsMemory(0, rows), shape);
                }
                else
                {
                    var strings = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
                    for (var r = 0; r < rows; r++)
                    {
                        strings.StringTensorSetElementAt(texts[i]![r].AsSpan(), r);
                    }

                    values[i] = strings;
                }
            }

            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, [.. inputs.Select(i => i.Name)], values, [outputName]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            foreach (var value in values)
            {
                value?.Dispose();
            }
        }
    }
}
