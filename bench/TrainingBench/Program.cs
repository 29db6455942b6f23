using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using Mlops.Local.Samples;
using Mlops.Local.Toolchain;
using Mlops.Pipeline.Data;
using Mlops.Pipeline.Data.Contracts;
using Mlops.Pipeline.Data.Readers;
using Mlops.Pipeline.Training;

// LightGbm training on flights-3m: the product's streaming pipeline (ModelTrainer's pieces, and the whole
// TrainAsync) under a managed-heap cap that emulates the smallest Flex Consumption instance, against the textbook
// pipeline (every row in a List<T>, LoadFromEnumerable) with the same features, trainer and hyperparameters.
// Train on January–May, holdout June: a time split with holdoutFrom 2001-06-01 on a data set of January–June, so
// the product runs exactly as `mlops train` would. Every case runs in its own child process (peak RSS = VmHWM).
// Usage (Release; see run.sh):
//   TrainingBench --dir DIR [--sizes 100k,1m,full] [--heap-limit 0x10000000] [--streaming] [--trainers]
// Internal: --case NAME --files F1,F2,... [--trainer NAME] [--split holdoutFrom|fraction]
var arguments = Arguments.Parse(args);
if (arguments.Case is { } caseName)
{
    var result = await Cases.RunAsync(arguments);
    Console.WriteLine(JsonSerializer.Serialize(result));
    return 0;
}

var sets = await BenchData.PrepareAsync(arguments.Dir);
Console.WriteLine($"heap cap for the product cases: DOTNET_GCHeapHardLimit={arguments.HeapLimit} ({Convert.ToInt64(arguments.HeapLimit, 16) / (1 << 20)} MB); " +
    $"OMP_WAIT_POLICY={Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "PASSIVE"}; {Environment.ProcessorCount} cores");
Console.WriteLine();
Console.WriteLine("| rows (train) | case | heap cap | checks s | split s | fit s | eval s | total s | fit vs textbook | holdout AUC | peak RSS MB | of 512 MB | cursors |");
Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var size in arguments.Sizes.Where(sets.ContainsKey))
{
    var files = sets[size];
    var textbook = Child.Run("textbook", files, arguments, heapLimit: null);
    Print(size, textbook, null, textbook);
    var product = Child.Run("product", files, arguments, arguments.HeapLimit);
    Print(size, product, arguments.HeapLimit, textbook);
    var whole = Child.Run("trainasync", files, arguments, arguments.HeapLimit);
    Print(size, whole, arguments.HeapLimit, textbook);
    if (arguments.Streaming)
    {
        // What a data set too big for the input cache costs: every pass parses the files again.
        Print(size, Child.Run("streaming", files, arguments, arguments.HeapLimit), arguments.HeapLimit, textbook);
    }
}

if (arguments.Trainers)
{
    // The evidence behind the sample spec's gate: January alone, time holdout = last 20 % (the sample spec's split).
    Console.WriteLine();
    Console.WriteLine("| data (January) | trainer | train rows | holdout rows | holdout AUC | total s |");
    Console.WriteLine("|---|---|---:|---:|---:|---:|");
    foreach (var (name, file) in new[] { ("flights-20k", sets["jan-20k"]), ("flights-3m", sets["jan-3m"]) })
    {
        foreach (var trainer in new[] { "LightGbm", "FastTree", "SdcaLogisticRegression" })
        {
            var r = Child.Run("trainer", file, arguments with { Trainer = trainer }, heapLimit: null);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {trainer} | {r.TrainRows:N0} | {r.HoldoutRows:N0} | {r.Auc:F3} | {r.Total:F1} |"));
        }
    }
}

return 0;

static void Print(string size, CaseResult r, string? heapLimit, CaseResult textbook)
{
    static string S(double? seconds) => seconds is { } s ? s.ToString("F2", CultureInfo.InvariantCulture) : "";
    var ratio = r.Fit / textbook.Fit;
    var cap = heapLimit is null ? "none" : $"{Convert.ToInt64(heapLimit, 16) / (1 << 20)} MB";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {size} ({r.TrainRows:N0}) | {r.Case} | {cap} | {S(r.Checks)} | {S(r.Split)} | {S(r.Fit)} | {S(r.Eval)} | {S(r.Total)} | {(r.Fit is null ? "" : $"{ratio:F2}x")} | {r.Auc:F4} | {r.PeakKb / 1024.0:F0} | {r.PeakKb / 1024.0 / 512:P0} | {r.Cursors} |"));
}

/// <summary>One case's numbers; times in seconds measured inside the child (JIT included, process start not).</summary>
internal sealed record CaseResult(
    string Case, long TrainRows, long HoldoutRows, double? Checks, double? Split, double? Load, double? Fit, double? Eval, double Total,
    double Auc, long PeakKb, int? Cursors);

internal sealed record Arguments(
    string? Case, string[] Files, string Dir, string Contract, string Spec, string[] Sizes, string HeapLimit, bool Trainers, bool Streaming, string? Trainer)
{
    public static Arguments Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return new Arguments(
            Value("--case"),
            Value("--files")?.Split(',') ?? [],
            Value("--dir") ?? Path.Combine(Path.GetTempPath(), "trainbench"),
            Path.GetFullPath(Value("--contract") ?? "samples/flights/contract.json"),
            Path.GetFullPath(Value("--spec") ?? "samples/flights/training.json"),
            (Value("--sizes") ?? "100k,1m,full").Split(','),
            Value("--heap-limit") ?? "0x10000000",
            args.Contains("--trainers"),
            args.Contains("--streaming"),
            Value("--trainer"));
    }
}

internal static class Child
{
    public static CaseResult Run(string benchCase, string[] files, Arguments arguments, string? heapLimit)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (!Environment.ProcessPath!.EndsWith("TrainingBench", StringComparison.Ordinal))
        {
            start.ArgumentList.Add(typeof(Child).Assembly.Location);
        }

        string[] childArgs = ["--case", benchCase, "--files", string.Join(',', files), "--contract", arguments.Contract, "--spec", arguments.Spec];
        foreach (var argument in arguments.Trainer is { } trainer ? [.. childArgs, "--trainer", trainer] : childArgs)
        {
            start.ArgumentList.Add(argument);
        }

        // LightGbm's OpenMP threads spin at every barrier by default; on a shared, oversubscribed machine that made
        // a 100k-row fit 3-5x slower and noisy. Passive waiting for every case alike (override by setting it).
        start.Environment["OMP_WAIT_POLICY"] = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "PASSIVE";
        start.Environment.Remove("DOTNET_GCHeapHardLimit");
        if (heapLimit is not null)
        {
            start.Environment["DOTNET_GCHeapHardLimit"] = heapLimit;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"case {benchCase} failed with exit code {process.ExitCode}: {output}");
        }

        return JsonSerializer.Deserialize<CaseResult>(output.Split('\n')[^1])!;
    }
}

internal static class BenchData
{
    private static readonly string[] SixMonths = ["2001-01", "2001-02", "2001-03", "2001-04", "2001-05", "2001-06"];

    /// <summary>
    /// full: every row of flights-3m, one CSV per month (as `mlops data samples --source 3m` writes them).
    /// 1m / 100k: a seeded uniform sample of 200,000 / 20,000 rows of each of January–May, plus all of June, so
    /// every size is judged on the same holdout. jan-3m / jan-20k: January of flights-3m / flights-20k.
    /// </summary>
    public static async Task<Dictionary<string, string[]>> PrepareAsync(string dir)
    {
        var toolchain = ToolchainDirectory.Locate();
        string Month(string set, string month) => Path.Combine(dir, set, FlightsSampleData.FileName(month));
        async Task WriteAsync(string set, FlightsSourceKind kind, string[] months, int? perMonth)
        {
            if (months.All(m => File.Exists(Month(set, m))))
            {
                return;
            }

            await new NodeToolchain(toolchain).EnsureInstalledAsync();
            await FlightsSampleData.WriteMonthlyCsvAsync(
                FlightsSource.ReadAsync(FlightsSource.PathOf(toolchain, kind)), Path.Combine(dir, set), months, perMonth);
        }

        await WriteAsync("full", FlightsSourceKind.Flights3m, SixMonths, null);
        await WriteAsync("1m", FlightsSourceKind.Flights3m, SixMonths[..5], 200_000);
        await WriteAsync("100k", FlightsSourceKind.Flights3m, SixMonths[..5], 20_000);
        await WriteAsync("jan-20k", FlightsSourceKind.Flights20k, SixMonths[..1], null);
        var june = Month("full", "2001-06");
        return new Dictionary<string, string[]>
        {
            ["100k"] = [.. SixMonths[..5].Select(m => Month("100k", m)), june],
            ["1m"] = [.. SixMonths[..5].Select(m => Month("1m", m)), june],
            ["full"] = [.. SixMonths.Select(m => Month("full", m))],
            ["jan-3m"] = [Month("full", "2001-01")],
            ["jan-20k"] = [Month("jan-20k", "2001-01")],
        };
    }
}

internal static class Cases
{
    private static readonly DateTime June = new(2001, 6, 1);

    public static async Task<CaseResult> RunAsync(Arguments arguments)
    {
        var contractJson = await File.ReadAllTextAsync(arguments.Contract);
        var contract = DataContractParser.Parse(contractJson);
        var data = new DataSet(arguments.Files.Select(DataPart.FromFile));
        var specNode = JsonNode.Parse(await File.ReadAllTextAsync(arguments.Spec))!.AsObject();
        if (arguments.Trainer is { } trainer)
        {
            // The per-trainer evidence keeps the sample spec's split (last 20 % of the time range) and each trainer's defaults.
            specNode["trainer"] = trainer == "LightGbm" ? specNode["trainer"]!.DeepClone() : new JsonObject { ["name"] = trainer };
        }
        else
        {
            specNode["split"] = new JsonObject { ["kind"] = "time", ["holdoutFrom"] = "2001-06-01T00:00:00" };
        }

        var specJson = specNode.ToJsonString();
        var spec = TrainingSpecParser.Parse(specJson, contract);
        var clock = Stopwatch.StartNew();
        var result = arguments.Case switch
        {
            "textbook" => Textbook(data, contract, spec, clock),
            "product" => await ProductAsync(data, contract, spec, clock, streaming: false),
            "streaming" => await ProductAsync(data, contract, spec, clock, streaming: true),
            "trainasync" or "trainer" => await TrainAsync(data, contract, contractJson, spec, specJson, clock, arguments.Case),
            _ => throw new ArgumentException($"unknown case {arguments.Case}"),
        };
        return result with { Total = clock.Elapsed.TotalSeconds, PeakKb = PeakRssKb() };
    }

    /// <summary>The product's pieces in TrainAsync's order, each timed: checks (validate + profile), split, fit, evaluation.</summary>
    private static async Task<CaseResult> ProductAsync(DataSet data, DataContract contract, TrainingSpec spec, Stopwatch clock, bool streaming)
    {
        var inspection = await DataInspector.InspectAsync(data, contract);
        var checks = clock.Elapsed.TotalSeconds;
        var layout = new FeatureLayout(spec, contract);
        var split = await HoldoutSplit.CreateAsync(data, contract, spec, layout, streaming ? 0 : InputCache.DefaultBudgetBytes, default);
        var splitEnd = clock.Elapsed.TotalSeconds;
        var ml = new MLContext(spec.Seed);
        var train = new CountingDataView(split.View(data, layout, holdout: false));
        var holdout = split.View(data, layout, holdout: true);
        var model = TrainerFactory.Build(ml, spec, layout, inspection.Profile).Fit(train);
        var fitEnd = clock.Elapsed.TotalSeconds;
        var metrics = Evaluator.EvaluateScored(ml, ModelTrainer.ScoreHoldout(ml, model, holdout, layout, cache: split.Cache is not null), spec.Task);
        var evalEnd = clock.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"input cache: {(split.Cache is { } c ? $"{c.Count:N0} rows, {c.Bytes / 1e6:F0} MB" : "none (streaming)")}");
        return new CaseResult(split.Cache is null ? "product (pieces), streaming" : "product (pieces), input cache", split.TrainRows, split.HoldoutRows, checks, splitEnd - checks, null, fitEnd - splitEnd, evalEnd - fitEnd, 0,
            metrics.Metrics[MetricNames.Auc], 0, train.Cursors);
    }

    private static async Task<CaseResult> TrainAsync(
        DataSet data, DataContract contract, string contractJson, TrainingSpec spec, string specJson, Stopwatch clock, string name)
    {
        var output = Path.Combine(Path.GetTempPath(), $"trainbench-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var identity = new DataSetIdentity("file:///bench", null, "", 0, []);
            var result = await new ModelTrainer().TrainAsync(new TrainingRequest(data, identity, contract, contractJson, spec, specJson, output));
            return new CaseResult(name == "trainer" ? spec.Trainer.Name : "product TrainAsync (all of it)", result.TrainRows, result.HoldoutRows,
                null, null, null, null, null, 0, result.Candidate.Metrics[MetricNames.Auc], 0, null);
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    /// <summary>
    /// The textbook pipeline: every usable row in a List of a POCO (read by the same contract reader, so parsing is
    /// not what differs), LoadFromEnumerable, then the same transforms, one-hot categories, trainer and options.
    /// </summary>
    private static CaseResult Textbook(DataSet data, DataContract contract, TrainingSpec spec, Stopwatch clock)
    {
        var (distance, origin, destination, date) = (contract.IndexOf("distance"), contract.IndexOf("origin"), contract.IndexOf("destination"), contract.IndexOf("date"));
        var train = new List<Flight>();
        var holdout = new List<Flight>();
        foreach (var row in new ContractReader(data, contract).ReadAsync().ToBlockingEnumerable())
        {
            if (!row.IsUsable)
            {
                continue;
            }

            var time = row[date].Time;
            var flight = new Flight
            {
                Distance = row[distance].IsValid ? (float)row[distance].Number : float.NaN,
                Origin = row[origin].Category ?? "",
                Destination = row[destination].Category ?? "",
                Hour = time.Hour,
                DayOfWeek = (float)time.DayOfWeek,
                Label = row.Label == true,
            };
            (time >= June ? holdout : train).Add(flight);
        }

        var load = clock.Elapsed.TotalSeconds;
        var ml = new MLContext(spec.Seed);
        var h = spec.Trainer.Hyperparameters;
        // The same one-hot slots as the product: the most frequent values of the whole data set, count then name.
        IDataView Top(Func<Flight, string> key) => ml.Data.LoadFromEnumerable(train.Concat(holdout).GroupBy(key)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(spec.Features.MaxCategories)
            .Select(g => new Category { Value = g.Key }).ToList());
        var pipeline = ml.Transforms.Concatenate("NumericFeatures", "distance", "date_hour", "date_dayofweek")
            .Append(ml.Transforms.NormalizeMinMax("NumericFeatures"))
            .Append(ml.Transforms.Categorical.OneHotEncoding("origin_onehot", "origin", keyData: Top(f => f.Origin), maximumNumberOfKeys: spec.Features.MaxCategories))
            .Append(ml.Transforms.Categorical.OneHotEncoding("destination_onehot", "destination", keyData: Top(f => f.Destination), maximumNumberOfKeys: spec.Features.MaxCategories))
            .Append(ml.Transforms.Concatenate("Features", "NumericFeatures", "origin_onehot", "destination_onehot"))
            .Append(ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            {
                LabelColumnName = "Label",
                FeatureColumnName = "Features",
                NumberOfIterations = (int)h["numberOfIterations"],
                NumberOfLeaves = (int)h["numberOfLeaves"],
                MinimumExampleCountPerLeaf = (int)h["minimumExampleCountPerLeaf"],
                LearningRate = h["learningRate"],
                MaximumBinCountPerFeature = 255,
                Seed = spec.Seed,
                Verbose = false,
                UseCategoricalSplit = false,
            }));
        var fitStart = clock.Elapsed.TotalSeconds;
        var trainView = new CountingDataView(ml.Data.LoadFromEnumerable(train));
        var model = pipeline.Fit(trainView);
        var fitEnd = clock.Elapsed.TotalSeconds;
        var auc = ml.BinaryClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(holdout))).AreaUnderRocCurve;
        var evalEnd = clock.Elapsed.TotalSeconds;
        GC.KeepAlive(train);
        return new CaseResult("textbook (List<T>)", train.Count, holdout.Count, null, null, load, fitEnd - fitStart, evalEnd - fitEnd, 0, auc, 0, trainView.Cursors);
    }

    private static long PeakRssKb()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private sealed class Flight
    {
        [ColumnName("distance")]
        public float Distance { get; set; }

        [ColumnName("origin")]
        public string Origin { get; set; } = "";

        [ColumnName("destination")]
        public string Destination { get; set; } = "";

        [ColumnName("date_hour")]
        public float Hour { get; set; }

        [ColumnName("date_dayofweek")]
        public float DayOfWeek { get; set; }

        public bool Label { get; set; }
    }

    private sealed class Category
    {
        public string Value { get; set; } = "";
    }
}

/// <summary>Counts the cursors (passes) a trainer opens over a view.</summary>
internal sealed class CountingDataView(IDataView inner) : IDataView
{
    public int Cursors { get; private set; }

    public bool CanShuffle => inner.CanShuffle;

    public DataViewSchema Schema => inner.Schema;

    public long? GetRowCount() => inner.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        Cursors++;
        return inner.GetRowCursor(columnsNeeded, rand);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        Cursors++;
        return inner.GetRowCursorSet(columnsNeeded, n, rand);
    }
}
