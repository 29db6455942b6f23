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
string[] cases = ["sep-raw", "csvhelper-raw", "bare-parse", "validate", "profile", "validate+profile"];
Console.WriteLine($"| data | case | rows | seconds | rows/s | vs bare parse | peak RSS MB |");
Console.WriteLine($"|---|---|---:|---:|---:|---:|---:|");
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
        Console.WriteLine($"| {name} | {benchCase} | {best.Rows:N0} | {best.Seconds:F2} | {best.Rows / best.Seconds:N0} | {ratio} | {best.PeakKb / 1024.0:F0} |");
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
    if (process.ExitCode != 0 || output.Length != 3)
    {
        throw new InvalidOperationException($"case {benchCase} failed: {string.Join(' ', output)}");
    }

    return new Result(long.Parse(output[0], CultureInfo.InvariantCulture), double.Parse(output[1], CultureInfo.InvariantCulture), long.Parse(output[2], CultureInfo.InvariantCulture));
}

internal sealed record Result(long Rows, double Seconds, long PeakKb);

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

internal static class Cases
{
    public static async Task RunAsync(string name, string[] files, string contractPath)
    {
        var contract = await DataContractParser.LoadAsync(contractPath);
        var data = new DataSet(files.Select(DataPart.FromFile));
        var clock = Stopwatch.StartNew();
        var rows = name switch
        {
            "sep-raw" => SepRaw(files),
            "csvhelper-raw" => CsvHelperRaw(files),
            "bare-parse" => await BareParseAsync(data),
            "validate" => Rows(await DataInspector.ValidateAsync(data, contract)),
            "profile" => (await DataInspector.ProfileAsync(data, contract)).Rows,
            "validate+profile" => (await DataInspector.InspectAsync(data, contract)).Profile.Rows,
            _ => throw new ArgumentException($"unknown case {name}"),
        };
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows} {seconds:F3} {PeakRssKb()}"));
    }

    private static long Rows(Mlops.Pipeline.Data.Validation.ValidationReport report)
    {
        if (!report.Passed)
        {
            Console.Error.WriteLine(string.Join("; ", report.Failures.Select(f => $"{f.Rule} {f.Column} {f.Observed} {f.Limit}")));
        }

        return report.Find("rows.min")!.Observed!.GetValue<long>() + report.Find("rows.min")!.Count!.Value;
    }

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
