using System.Diagnostics;
using System.Globalization;
using CsvHelper;
using Mlops.Local.Samples;
using Mlops.Local.Toolchain;
using Mlops.Pipeline.Data;
using Mlops.Pipeline.Data.Contracts;
using Mlops.Pipeline.Data.Readers;
using nietras.SeparatedValues;

// Validation and profiling throughput against a bare parse of the same files by the same reader, on the flights
// CSVs that `mlops data samples --source 3m` writes. Every case runs in its own child process so that its peak
// RSS (VmHWM) is its own. Usage (Release):
//   dotnet run -c Release --project bench/DataBench -- --dir DIR --contract samples/flights/contract.json
// Internal: --case NAME --files F1,F2,...
var arguments = Arguments.Parse(args);
if (args.Length >= 4 && args[0] == "--golden")
{
    await Golden.WriteAsync(args[1], args[2], args[3], args[4..]);
    return 0;
}

if (arguments.Case is { } caseName)
{
    await Cases.RunAsync(caseName, arguments.Files, arguments.Contract);
    return 0;
}

string[] sixMonths = ["2001-01", "2001-02", "2001-03", "2001-04", "2001-05", "2001-06"];
if (!sixMonths.All(m => File.Exists(Path.Combine(arguments.Dir, FlightsSampleData.FileName(m)))))
{
    // The same code as `mlops data samples --source 3m --months 2001-01 ... 2001-06`: every row of flights-3m.parquet.
    var toolchain = ToolchainDirectory.Locate();
    await new NodeToolchain(toolchain).EnsureInstalledAsync();
    await FlightsSampleData.WriteMonthlyCsvAsync(FlightsSource.ReadAsync(FlightsSource.PathOf(toolchain, FlightsSourceKind.Flights3m)), arguments.Dir, sixMonths);
}

var months = sixMonths.Select(m => Path.Combine(arguments.Dir, FlightsSampleData.FileName(m))).ToArray();

var sets = new (string Name, string[] Files)[] { ("1M", months[..2]), ("3M", months[..6]) };
string[] cases = ["sep-raw", "csvhelper-raw", "bare-parse", "read-rows", "read-batches", "validate", "profile", "validate+profile"];
Console.WriteLine($"| data | case | rows | seconds | rows/s | vs bare parse | CPU s | peak RSS MB |");
Console.WriteLine($"|---|---|---:|---:|---:|---:|---:|---:|");
foreach (var (name, files) in sets)
{
    var results = new Dictionary<string, Result>();
    foreach (var benchCase in cases)
    {
        // Best of three: the machine is shared; the minimum is the least disturbed run.
        var best = Enumerable.Range(0, arguments.Repeat).Select(_ => RunChild(benchCase, files, arguments.Contract)).MinBy(r => r.Seconds)!;
        results[benchCase] = best;
        var baseline = results.GetValueOrDefault("bare-parse");
        var ratio = baseline is null ? "" : (best.Rows / best.Seconds / (baseline.Rows / baseline.Seconds)).ToString("P0", CultureInfo.InvariantCulture);
        Console.WriteLine($"| {name} | {benchCase} | {best.Rows:N0} | {best.Seconds:F2} | {best.Rows / best.Seconds:N0} | {ratio} | {best.CpuSeconds:F2} | {best.PeakKb / 1024.0:F0} |");
    }
}

return 0;

static Result RunChild(string benchCase, string[] files, string contract)
{
    var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
    var entry = typeof(Cases).Assembly.Location;
    if (!Environment.ProcessPath!.EndsWith("DataBench", StringComparison.Ordinal))
    {
        start.ArgumentList.Add(entry);
    }

    foreach (var argument in new[] { "--case", benchCase, "--files", string.Join(',', files), "--contract", contract })
    {
        start.ArgumentList.Add(argument);
    }

    using var process = Process.Start(start)!;
    var output = process.StandardOutput.ReadToEnd().Trim().Split(' ');
    process.WaitForExit();
    if (process.ExitCode != 0 || output.Length != 4)
    {
        throw new InvalidOperationException($"case {benchCase} failed: {string.Join(' ', output)}");
    }

    return new Result(
        long.Parse(output[0], CultureInfo.InvariantCulture),
        double.Parse(output[1], CultureInfo.InvariantCulture),
        long.Parse(output[2], CultureInfo.InvariantCulture),
        double.Parse(output[3], CultureInfo.InvariantCulture));
}

/// <summary>One run: rows, wall seconds, peak RSS, and CPU seconds of every thread (JIT included), steadier than wall time on a shared machine.</summary>
internal sealed record Result(long Rows, double Seconds, long PeakKb, double CpuSeconds);

internal sealed record Arguments(string? Case, string[] Files, string Dir, string Contract, int Repeat)
{
    public static Arguments Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return new Arguments(
            Value("--case"),
            Value("--files")?.Split(',') ?? [],
            Value("--dir") ?? Path.Combine(Path.GetTempPath(), "flights3m"),
            Value("--contract") ?? "samples/flights/contract.json",
            int.Parse(Value("--repeat") ?? "3", CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// Validation and profiling alone, stage by stage, on batches read once and held in memory: steady-state costs per
/// row without the reading, the parse or tiered compilation's warm-up (a breakdown by hand, not in the table). The
/// held rows are read cold (hundreds of MB), so a stage that reads whole rows looks dearer than in a real pass, where
/// the batch was just written and is still in cache.
/// </summary>
internal static class Stages
{
    private const int BatchSize = 128;

    public static async Task<long> RunAsync(DataSet data, DataContract contract)
    {
        var batches = new List<DataRowBatch>();
        await foreach (var batch in new ContractReader(data, contract).ReadBatchesAsync(BatchSize))
        {
            var copy = new DataRowBatch(contract, BatchSize);
            foreach (var row in batch.Rows)
            {
                row.CopyTo(copy.Next());
                copy.Count++;
            }

            batches.Add(copy);
        }

        var rows = batches.Sum(b => (long)b.Count);
        var noDuplicates = DataContractParser.Parse(contract.Json.Replace("\"maxDuplicateRowFraction\": 0.01,", "", StringComparison.Ordinal));
        var stages = new (string Name, Action Run)[]
        {
            ("validate", () => Each(new Mlops.Pipeline.Data.Validation.ValidationAccumulator(contract).Observe)),
            ("validate-nodup", () => Each(new Mlops.Pipeline.Data.Validation.ValidationAccumulator(noDuplicates).Observe)),
            ("profile", () => Each(new Mlops.Pipeline.Data.Profiling.ProfileAccumulator(contract).Observe)),
        };
        foreach (var (name, run) in stages)
        {
            var best = double.MaxValue;
            for (var i = 0; i < 7; i++)
            {
                var clock = Stopwatch.StartNew();
                run();
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }

            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-16} {best * 1e9 / rows,6:F1} ns/row"));
        }

        return rows;

        void Each(Action<DataRowBatch> observe)
        {
            foreach (var batch in batches)
            {
                observe(batch);
            }
        }
    }
}

internal static class Cases
{
    public static async Task RunAsync(string name, string[] files, string contractPath)
    {
        var contract = await DataContractParser.LoadAsync(contractPath);
        var data = new DataSet(files.Select(DataPart.FromFile));
        var cpu = Environment.CpuUsage.TotalTime;
        var clock = Stopwatch.StartNew();
        var rows = name switch
        {
            "sep-raw" => SepRaw(files),
            "csvhelper-raw" => CsvHelperRaw(files),
            "bare-parse" => await BareParseAsync(data),
            "validate" => Rows(await DataInspector.ValidateAsync(data, contract)),
            "profile" => (await DataInspector.ProfileAsync(data, contract)).Rows,
            "validate+profile" => (await DataInspector.InspectAsync(data, contract)).Profile.Rows,
            "read-rows" => await ReadRowsAsync(data, contract),
            "read-batches" => await ReadBatchesAsync(data, contract),

            // Not in the table; for a breakdown by hand.
            "validate-nodup" => Rows(await DataInspector.ValidateAsync(data, WithoutDuplicateRule(contract))),
            "profile-only" => await ProfileOnlyAsync(data, contract),
            "stages" => await Stages.RunAsync(data, contract),
            _ => throw new ArgumentException($"unknown case {name}"),
        };
        var seconds = clock.Elapsed.TotalSeconds;
        var cpuSeconds = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows} {seconds:F3} {PeakRssKb()} {cpuSeconds:F3}"));
    }

    private static long Rows(Mlops.Pipeline.Data.Validation.ValidationReport report)
    {
        if (!report.Passed)
        {
            Console.Error.WriteLine(string.Join("; ", report.Failures.Select(f => $"{f.Rule} {f.Column} {f.Observed} {f.Limit}")));
        }

        return report.Find("rows.min")!.Observed!.GetValue<long>() + report.Find("rows.min")!.Count!.Value;
    }

    /// <summary>Typed rows one by one, as the trainer reads them (<see cref="ContractReader.ReadAsync"/>), nothing checked.</summary>
    private static async Task<long> ReadRowsAsync(DataSet data, DataContract contract)
    {
        long rows = 0;
        await foreach (var row in new ContractReader(data, contract).ReadAsync())
        {
            rows += row.Values.Length > 0 ? 1 : 0;
        }

        return rows;
    }

    /// <summary>Typed rows in batches (<see cref="ContractReader.ReadBatchesAsync"/>, what validation and profiling read), nothing checked.</summary>
    private static async Task<long> ReadBatchesAsync(DataSet data, DataContract contract)
    {
        long rows = 0;
        await foreach (var batch in new ContractReader(data, contract).ReadBatchesAsync())
        {
            rows += batch.Count;
        }

        return rows;
    }

    private static async Task<long> ProfileOnlyAsync(DataSet data, DataContract contract)
    {
        var profile = new Mlops.Pipeline.Data.Profiling.ProfileAccumulator(contract);
        await foreach (var batch in new ContractReader(data, contract).ReadBatchesAsync())
        {
            foreach (var row in batch.Rows)
            {
                profile.Observe(row);
            }
        }

        return profile.Build().Rows;
    }

    private static DataContract WithoutDuplicateRule(DataContract contract) =>
        DataContractParser.Parse(contract.Json.Replace("\"maxDuplicateRowFraction\": 0.01,", "", StringComparison.Ordinal));

    /// <summary>The baseline: the pipeline's own reader (Sep + quoting checks + strict UTF-8), every field touched, nothing typed.</summary>
    private static async Task<long> BareParseAsync(DataSet data)
    {
        long rows = 0, characters = 0;
        foreach (var part in data.Parts)
        {
            await using var reader = await RecordReaders.OpenAsync(part);
            var columns = reader.Columns.Count;
            while (await reader.ReadAsync())
            {
                rows++;
                for (var i = 0; i < columns; i++)
                {
                    characters += reader.GetField(i).Text.Length;
                }
            }
        }

        GC.KeepAlive(characters);
        return rows;
    }

    private static long SepRaw(string[] files)
    {
        long rows = 0, characters = 0;
        foreach (var file in files)
        {
            using var reader = Sep.Reader(o => o with { Sep = new Sep(','), Unescape = true }).FromFile(file);
            foreach (var row in reader)
            {
                rows++;
                for (var i = 0; i < row.ColCount; i++)
                {
                    characters += row[i].Span.Length;
                }
            }
        }

        GC.KeepAlive(characters);
        return rows;
    }

    /// <summary>CsvHelper 34 (its new UTF-8 reader), every field touched as its unescaped UTF-8 bytes: a fair-to-generous comparison.</summary>
    private static long CsvHelperRaw(string[] files)
    {
        long rows = 0, bytes = 0;
        foreach (var file in files)
        {
            using var reader = CsvReader.FromFile(file, CsvReaderOptions.Default, FileOptions.SequentialScan);
            reader.ReadHeader();
            while (reader.Read())
            {
                rows++;
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    bytes += reader.GetSpan(i).Length;
                }
            }
        }

        GC.KeepAlive(bytes);
        return rows;
    }

    private static long PeakRssKb()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// Writes the reports and profiles of the benchmark's code paths (validate, profile, both, against a reference; with
/// small profile options that force the counting pass and categorical overflow; on extra DATA:CONTRACT pairs such as a
/// file with bad rows), to diff an optimisation's output with the previous code's byte for byte:
///   DataBench --golden OUT_DIR MONTHS_DIR CONTRACT [DATA:CONTRACT ...]   (DATA "all" = every month).
/// </summary>
internal static class Golden
{
    public static async Task WriteAsync(string outDir, string monthsDir, string contractPath, string[] extra)
    {
        Directory.CreateDirectory(outDir);
        var contract = await DataContractParser.LoadAsync(contractPath);
        var months = Directory.GetFiles(monthsDir, "*.csv");
        var all = new DataSet(months.Select(DataPart.FromFile));
        var january = new DataSet(months.Where(m => m.Contains("-01", StringComparison.Ordinal)).Select(DataPart.FromFile));
        var clock = new FixedTime();
        var inspection = await DataInspector.InspectAsync(all, contract, timeProvider: clock);
        await File.WriteAllTextAsync(Path.Combine(outDir, "inspect-report.json"), inspection.Report.ToJson());
        await File.WriteAllTextAsync(Path.Combine(outDir, "inspect-profile.json"), inspection.Profile.ToJson());
        var reference = await DataInspector.ProfileAsync(january, contract);
        await File.WriteAllTextAsync(Path.Combine(outDir, "reference.json"), reference.ToJson());
        await File.WriteAllTextAsync(Path.Combine(outDir, "validate-ref.json"), (await DataInspector.ValidateAsync(all, contract, reference, clock)).ToJson());
        await File.WriteAllTextAsync(Path.Combine(outDir, "against.json"), (await DataInspector.ProfileAgainstAsync(all, reference)).ToJson());
        var small = new Mlops.Pipeline.Data.Profiling.ProfileOptions { ExactDistinctLimit = 100, MaxCategories = 50, ReservoirSize = 500 };
        foreach (var (name, file) in extra.Select((f, i) => ($"extra{i}", f)))
        {
            var (dataPath, contractFile) = (file.Split(':')[0], file.Split(':')[1]);
            var c = await DataContractParser.LoadAsync(contractFile);
            var data = dataPath == "all" ? all : DataSet.FromPath(dataPath);
            var i1 = await DataInspector.InspectAsync(data, c, reference: null, options: small, timeProvider: clock);
            await File.WriteAllTextAsync(Path.Combine(outDir, $"{name}-report.json"), i1.Report.ToJson());
            await File.WriteAllTextAsync(Path.Combine(outDir, $"{name}-profile.json"), i1.Profile.ToJson());
            var i2 = await DataInspector.InspectAsync(data, c, reference, timeProvider: clock);
            await File.WriteAllTextAsync(Path.Combine(outDir, $"{name}-report-ref.json"), i2.Report.ToJson());
            await File.WriteAllTextAsync(Path.Combine(outDir, $"{name}-profile-ref.json"), i2.Profile.ToJson());
            await File.WriteAllTextAsync(Path.Combine(outDir, $"{name}-against.json"), (await DataInspector.ProfileAgainstAsync(data, reference)).ToJson());
        }
    }

    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2001, 8, 1, 0, 0, 0, TimeSpan.Zero);
    }
}
