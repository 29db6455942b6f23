using Microsoft.ML;
using Microsoft.ML.Data;

namespace Mlops.Pipeline.Training;

/// <summary>One bin of predicted probability: how many rows, what the model said on average, what happened.</summary>
public sealed record CalibrationBin(double Low, double High, long Count, double MeanPredicted, double ObservedRate);

/// <summary>Holdout metrics by name (see <see cref="MetricNames"/>), and for binary models the calibration table.</summary>
public sealed record EvaluationResult(IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<CalibrationBin> Calibration, long Rows);

internal static class Evaluator
{
    private const int CalibrationBins = 10;

    /// <summary>Scores <paramref name="holdout"/> with <paramref name="model"/> and measures it.</summary>
    public static EvaluationResult Evaluate(MLContext ml, ITransformer model, IDataView holdout, TrainingTask task) =>
        EvaluateScored(ml, model.Transform(holdout), task);

    /// <summary>Measures an already scored holdout (for instance one cached once for evaluation and parity).</summary>
    public static EvaluationResult EvaluateScored(MLContext ml, IDataView scored, TrainingTask task)
    {
        if (task == TrainingTask.Regression)
        {
            var r = ml.Regression.Evaluate(scored, FeatureLayout.LabelColumn);
            return new EvaluationResult(
                new Dictionary<string, double> { [MetricNames.Rmse] = r.RootMeanSquaredError, [MetricNames.Mae] = r.MeanAbsoluteError, [MetricNames.RSquared] = r.RSquared },
                [], CountRows(scored));
        }

        var b = ml.BinaryClassification.Evaluate(scored, FeatureLayout.LabelColumn);
        var (calibration, rows) = Calibrate(scored);
        var metrics = new Dictionary<string, double>
        {
            [MetricNames.Auc] = b.AreaUnderRocCurve,
            [MetricNames.Accuracy] = b.Accuracy,
            [MetricNames.Precision] = b.PositivePrecision,
            [MetricNames.Recall] = b.PositiveRecall,
            [MetricNames.F1] = b.F1Score,
            [MetricNames.LogLoss] = b.LogLoss,
            [MetricNames.CalibrationError] = calibration.Sum(bin => bin.Count * Math.Abs(bin.MeanPredicted - bin.ObservedRate)) / Math.Max(1, rows),
        };
        return new EvaluationResult(metrics, calibration, rows);
    }

    private static (IReadOnlyList<CalibrationBin> Bins, long Rows) Calibrate(IDataView scored)
    {
        var counts = new long[CalibrationBins];
        var predicted = new double[CalibrationBins];
        var positives = new long[CalibrationBins];
        var (probabilityColumn, labelColumn) = (scored.Schema["Probability"], scored.Schema[FeatureLayout.LabelColumn]);
        using var cursor = scored.GetRowCursor([probabilityColumn, labelColumn]);
        var probability = cursor.GetGetter<float>(probabilityColumn);
        var label = cursor.GetGetter<bool>(labelColumn);
        float p = 0;
        bool y = false;
        long rows = 0;
        while (cursor.MoveNext())
        {
            probability(ref p);
            label(ref y);
            var bin = Math.Clamp((int)(p * CalibrationBins), 0, CalibrationBins - 1);
            counts[bin]++;
            predicted[bin] += p;
            positives[bin] += y ? 1 : 0;
            rows++;
        }

        return ([.. Enumerable.Range(0, CalibrationBins).Select(i => new CalibrationBin(
            (double)i / CalibrationBins, (double)(i + 1) / CalibrationBins, counts[i],
            counts[i] == 0 ? 0 : predicted[i] / counts[i], counts[i] == 0 ? 0 : (double)positives[i] / counts[i]))], rows);
    }

    private static long CountRows(IDataView view)
    {
        using var cursor = view.GetRowCursor([]);
        long rows = 0;
        while (cursor.MoveNext())
        {
            rows++;
        }

        return rows;
    }
}
