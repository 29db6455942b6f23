using System.Globalization;

namespace Mlops.ScoringBench;

/// <summary>
/// <c>report results.txt</c>: medians over the rounds of each scenario and endpoint, as a Markdown table, with
/// throughput ratios of every endpoint against the floor and the peer of the same scenario in the same run.
/// Lines: <c>scenario endpoint round rps=… p50_us=… p99_us=… requests=… errors=… non2xx=… cpu_s=… calls=… batched=…
/// calls_after=… batched_after=…</c> (server CPU seconds during the run; the micro-batcher's counters before and after).
/// </summary>
internal static class Report
{
    public static int Run(string[] args)
    {
        var runs = File.ReadLines(args[0]).Where(l => l.Length > 0).Select(Parse).ToList();
        Console.WriteLine($"| scenario | endpoint | rounds | req/s | rows/s | p50 ms | p99 ms | × floor | × peer | server CPU µs/req | requests per ONNX call | errors |");
        Console.WriteLine($"|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var scenario in runs.Select(r => r.Scenario).Distinct())
        {
            var medians = runs.Where(r => r.Scenario == scenario).GroupBy(r => r.Endpoint).ToDictionary(g => g.Key, g => (
                Rounds: g.Count(),
                Rps: Median(g.Select(r => r.Rps)),
                P50: Median(g.Select(r => r.P50Us)) / 1000,
                P99: Median(g.Select(r => r.P99Us)) / 1000,
                CpuUs: Median(g.Select(r => r.CpuUsPerRequest)),
                PerCall: Median(g.Select(r => r.RequestsPerCall)),
                Errors: g.Sum(r => r.Errors)));
            var rowsPerRequest = scenario.StartsWith("batch100", StringComparison.Ordinal) ? 100 : 1;
            foreach (var (endpoint, m) in medians)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {scenario} | {endpoint} | {m.Rounds} | {m.Rps:N0} | {m.Rps * rowsPerRequest:N0} | {m.P50:F2} | {m.P99:F2} | " +
                    $"{Ratio(m.Rps, medians, "floor")} | {Ratio(m.Rps, medians, "peer")} | {m.CpuUs:F1} | {(m.PerCall > 0 ? m.PerCall.ToString("F1", CultureInfo.InvariantCulture) : "–")} | {m.Errors} |"));
            }
        }

        return 0;
    }

    private static string Ratio(double rps, Dictionary<string, (int Rounds, double Rps, double P50, double P99, double CpuUs, double PerCall, long Errors)> medians, string baseline) =>
        medians.TryGetValue(baseline, out var b) && b.Rps > 0 ? (rps / b.Rps).ToString("F2", CultureInfo.InvariantCulture) : "–";

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static (string Scenario, string Endpoint, double Rps, double P50Us, double P99Us, double CpuUsPerRequest, double RequestsPerCall, long Errors) Parse(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var fields = parts.Skip(3).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
        var requests = fields["requests"];
        var cpuUs = fields.TryGetValue("cpu_s", out var cpu) && requests > 0 ? cpu * 1e6 / requests : 0;
        var calls = fields.GetValueOrDefault("calls_after") - fields.GetValueOrDefault("calls");
        var perCall = calls > 0 ? (fields.GetValueOrDefault("batched_after") - fields.GetValueOrDefault("batched")) / calls : 0;
        return (parts[0], parts[1], fields["rps"], fields["p50_us"], fields["p99_us"], cpuUs, perCall, (long)(fields["errors"] + fields["non2xx"]));
    }
}
