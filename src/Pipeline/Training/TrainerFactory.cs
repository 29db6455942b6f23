using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using Mlops.Pipeline.Data.Profiling;
using Mlops.Pipeline.Data.Readers;

namespace Mlops.Pipeline.Training;

/// <summary>The ML.NET pipeline a spec describes: features from the layout, then the trainer with its options.</summary>
internal static class TrainerFactory
{
    public const string NumericFeatures = "NumericFeatures";
    public const string Features = "Features";

    public static IEstimator<ITransformer> Build(MLContext ml, TrainingSpec spec, FeatureLayout layout, DataProfile profile)
    {
        var parts = new List<string>();
        IEstimator<ITransformer>? chain = null;
        var numeric = layout.NumericNames.ToArray();
        if (numeric.Length > 0)
        {
            chain = Append(chain, ml.Transforms.Concatenate(NumericFeatures, numeric));
            if (spec.Features.Normalize)
            {
                // Only the numeric block: normalising one-hot slots too would turn off LightGbm's categorical splits.
                chain = Append(chain, ml.Transforms.NormalizeMinMax(NumericFeatures));
            }

            parts.Add(NumericFeatures);
        }

        foreach (var name in layout.CategoricalNames)
        {
            // The one-hot slots are the most frequent training values (the profile's top K), not the first ones seen.
            var categories = profile.Column(name)?.Categorical?.Categories.Take(spec.Features.MaxCategories).Select(c => new CategoryRow { Value = c.Value })
                ?? [];
            var keyData = ml.Data.LoadFromEnumerable(categories.ToList());
            chain = Append(chain, ml.Transforms.Categorical.OneHotEncoding(
                $"{name}_onehot", name, keyData: keyData, maximumNumberOfKeys: spec.Features.MaxCategories));
            parts.Add($"{name}_onehot");
        }

        chain = Append(chain, ml.Transforms.Concatenate(Features, [.. parts]));
        return chain.Append(CreateTrainer(ml, spec));
    }

    private static IEstimator<ITransformer> CreateTrainer(MLContext ml, TrainingSpec spec)
    {
        var h = spec.Trainer.Hyperparameters;
        int? Int(string key) => h.TryGetValue(key, out var v) ? (int)v : null;
        double? Real(string key) => h.TryGetValue(key, out var v) ? v : null;
        var binary = spec.Task == TrainingTask.BinaryClassification;
        switch (spec.Trainer.Name)
        {
            case "LightGbm":
                var iterations = Int("numberOfIterations") ?? 100;
                var leaves = Int("numberOfLeaves") ?? 31;
                var minLeaf = Int("minimumExampleCountPerLeaf") ?? 20;
                var maxBins = Int("maximumBinCountPerFeature") ?? 255;
                var threads = Int("numberOfThreads");
                // LightGbm's own categorical splits (picked up from one-hot slots) export to ONNX trees with feature
                // id -1, which ONNX Runtime refuses to load (seen on 500k flights rows). One-hot slots as plain
                // features export and score identically.
                return binary
                    ? ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
                    {
                        LabelColumnName = FeatureLayout.LabelColumn,
                        FeatureColumnName = Features,
                        NumberOfIterations = iterations,
                        NumberOfLeaves = leaves,
                        LearningRate = Real("learningRate"),
                        MinimumExampleCountPerLeaf = minLeaf,
                        MaximumBinCountPerFeature = maxBins,
                        NumberOfThreads = threads,
                        Seed = spec.Seed,
                        Verbose = false,
                        UseCategoricalSplit = false,
                    })
                    : ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
                    {
                        LabelColumnName = FeatureLayout.LabelColumn,
                        FeatureColumnName = Features,
                        NumberOfIterations = iterations,
                        NumberOfLeaves = leaves,
                        LearningRate = Real("learningRate"),
                        MinimumExampleCountPerLeaf = minLeaf,
                        MaximumBinCountPerFeature = maxBins,
                        NumberOfThreads = threads,
                        Seed = spec.Seed,
                        Verbose = false,
                        UseCategoricalSplit = false,
                    });
            case "FastTree":
                var trees = Int("numberOfTrees") ?? 100;
                var treeLeaves = Int("numberOfLeaves") ?? 20;
                var treeMinLeaf = Int("minimumExampleCountPerLeaf") ?? 10;
                var rate = Real("learningRate") ?? 0.2;
                return binary
                    ? ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
                    {
                        LabelColumnName = FeatureLayout.LabelColumn,
                        FeatureColumnName = Features,
                        NumberOfTrees = trees,
                        NumberOfLeaves = treeLeaves,
                        MinimumExampleCountPerLeaf = treeMinLeaf,
                        LearningRate = rate,
                        NumberOfThreads = Int("numberOfThreads"),
                        Seed = spec.Seed,
                    })
                    : ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
                    {
                        LabelColumnName = FeatureLayout.LabelColumn,
                        FeatureColumnName = Features,
                        NumberOfTrees = trees,
                        NumberOfLeaves = treeLeaves,
                        MinimumExampleCountPerLeaf = treeMinLeaf,
                        LearningRate = rate,
                        NumberOfThreads = Int("numberOfThreads"),
                        Seed = spec.Seed,
                    });
            default:
                return ml.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options
                {
                    LabelColumnName = FeatureLayout.LabelColumn,
                    FeatureColumnName = Features,
                    L2Regularization = (float?)Real("l2Regularization"),
                    L1Regularization = (float?)Real("l1Regularization"),
                    MaximumNumberOfIterations = Int("maximumNumberOfIterations"),
                    ConvergenceTolerance = (float)(Real("convergenceTolerance") ?? 0.1),
                    // More than one thread makes SDCA's result depend on scheduling.
                    NumberOfThreads = 1,
                });
        }
    }

    private static IEstimator<ITransformer> Append(IEstimator<ITransformer>? chain, IEstimator<ITransformer> next) =>
        chain is null ? next : chain.Append(next);

    private sealed class CategoryRow
    {
        public string Value { get; set; } = "";
    }
}
