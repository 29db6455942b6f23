using System.Runtime.CompilerServices;

// bench/TrainingBench times the training pipeline's pieces (split, fit, evaluation) one by one.
[assembly: InternalsVisibleTo("TrainingBench")]
