// The scoring benchmark host (see README.md). Three commands; serve and split take --iterations N to train the
// model with N trees instead of the sample spec's 100 (how ONNX Runtime's cost per row scales with the model):
//   serve --port P --out DIR   Azurite + registry + flights model (trained with ML.NET as the tests do), the real
//                              scoring app on 127.0.0.1:P with /bench/floor and /bench/peer beside /score, and
//                              request bodies for wrk written to DIR. Runs until Ctrl+C / SIGTERM.
//   split [--seconds S]        In-process split of server time for a single row and a 100-row batch:
//                              parse, inference (ONNX Runtime), response writing; and the ML.NET peer.
//   report RESULTS             Medians and ratios of the wrk runs that run.sh collected.
using Mlops.ScoringBench;

return args.FirstOrDefault() switch
{
    "serve" => await BenchServer.RunAsync(args[1..]),
    "split" => await SplitBenchmark.RunAsync(args[1..]),
    "report" => Report.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ScoringBench serve --port P --out DIR [--iterations N] | split [--seconds S] [--iterations N] | report RESULTS");
    return 2;
}
