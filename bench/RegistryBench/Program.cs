// Registration and resolve latency of the blob model registry against a fresh in-memory Azurite, each
// next to a baseline measured in the same run on the same bytes:
//   register          ModelRegistry.RegisterAsync of a loaded package (marker, artifacts, manifest, audit)
//   baseline upload   the same files as plain blob uploads, no conditions, no bookkeeping
//   resolve+download  DownloadModelAsync("champion"): alias, manifest, model.onnx, SHA-256 check
//   baseline download a plain download of the same model.onnx blob
//   resolve only      ResolveAsync("champion"): alias and manifest
// Usage: dotnet run -c Release --project bench/RegistryBench -- [--iterations N] [--onnx-kib K]
using System.Diagnostics;
using System.Globalization;
using Azure.Storage.Blobs;
using Mlops.Local.Toolchain;
using Mlops.Registry;

var iterations = Arg("--iterations", 100);
var onnxKiB = Arg("--onnx-kib", 256);
const int Warmup = 10;

var folder = Directory.CreateTempSubdirectory("mlops-registry-bench-").FullName;
var random = new Random(42);
await File.WriteAllBytesAsync(Path.Combine(folder, "model.onnx"), RandomBytes(onnxKiB * 1024));
await File.WriteAllBytesAsync(Path.Combine(folder, "model.zip"), RandomBytes(onnxKiB * 2 * 1024));
await File.WriteAllTextAsync(Path.Combine(folder, "candidate.json"), """{"model":"flights","metrics":{"auc":0.69},"seed":1}""");
await File.WriteAllTextAsync(Path.Combine(folder, "profile.json"), """{"rows":2000}""");
var package = await CandidatePackage.LoadAsync(folder);
var totalBytes = package.Files.Sum(f => f.Bytes);

await using var azurite = await AzuriteServer.StartAsync(new NodeToolchain(ToolchainDirectory.Locate()), new AzuriteOptions());
var service = new BlobServiceClient(azurite.ConnectionString);
var registry = new ModelRegistry(azurite.ConnectionString);
var plain = service.GetBlobContainerClient("plain");
await plain.CreateIfNotExistsAsync();

var first = await registry.RegisterAsync(package, "bench");
await registry.PromoteAsync("flights", first.Version, null, "bench");
var onnxBlob = plain.GetBlobClient("model.onnx");
await onnxBlob.UploadAsync(package.Files.Single(f => f.Name == "model.onnx").Content, overwrite: true);

var uploadRound = 0;
var results = new List<(string Name, double[] Ms)>
{
    ("register", await MeasureAsync(() => registry.RegisterAsync(package, "bench"))),
    ("baseline: plain upload of the same files", await MeasureAsync(async () =>
    {
        var round = Interlocked.Increment(ref uploadRound);
        foreach (var file in package.Files)
        {
            await plain.GetBlobClient($"{round}/{file.Name}").UploadAsync(file.Content, overwrite: true);
        }
    })),
    ("resolve champion + download model.onnx + verify", await MeasureAsync(() => registry.DownloadModelAsync("flights", RegistryNames.Champion))),
    ("baseline: plain download of model.onnx", await MeasureAsync(() => onnxBlob.DownloadContentAsync())),
    ("resolve champion (alias + manifest)", await MeasureAsync(() => registry.ResolveAsync("flights", RegistryNames.Champion))),
};

Console.WriteLine($"Azurite {azurite.BlobEndpoint}, package {package.Files.Count} files, {totalBytes / 1024.0:N0} KiB (model.onnx {onnxKiB} KiB); {iterations} iterations after {Warmup} warm-up; versions registered: {(await registry.ListVersionsAsync("flights")).Count}");
Console.WriteLine($"{"operation",-50} {"median ms",10} {"p90 ms",8} {"mean ms",8}");
foreach (var (name, ms) in results)
{
    Console.WriteLine($"{name,-50} {Percentile(ms, 0.5),10:F2} {Percentile(ms, 0.9),8:F2} {ms.Average(),8:F2}");
}

Console.WriteLine($"register / plain upload (median): {Percentile(results[0].Ms, 0.5) / Percentile(results[1].Ms, 0.5):F2}x");
Console.WriteLine($"resolve+download / plain download (median): {Percentile(results[2].Ms, 0.5) / Percentile(results[3].Ms, 0.5):F2}x");
Directory.Delete(folder, recursive: true);
return 0;

async Task<double[]> MeasureAsync(Func<Task> operation)
{
    for (var i = 0; i < Warmup; i++)
    {
        await operation();
    }

    var ms = new double[iterations];
    for (var i = 0; i < iterations; i++)
    {
        var start = Stopwatch.GetTimestamp();
        await operation();
        ms[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    return ms;
}

static double Percentile(double[] values, double p)
{
    var sorted = values.Order().ToArray();
    return sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(p * sorted.Length))];
}

byte[] RandomBytes(int count)
{
    var bytes = new byte[count];
    random.NextBytes(bytes);
    return bytes;
}

int Arg(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
