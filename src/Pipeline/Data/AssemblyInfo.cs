using System.Runtime.CompilerServices;

// bench/DataBench times validation and profiling stage by stage on batches held in memory (its "stages" case).
[assembly: InternalsVisibleTo("DataBench")]
