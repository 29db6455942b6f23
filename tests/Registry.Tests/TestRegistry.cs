using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Time.Testing;
using Mlops.TestSupport;

namespace Mlops.Registry.Tests;

/// <summary>A registry on its own Azurite container, optionally with policies in its HTTP pipeline.</summary>
internal sealed record TestRegistry(ModelRegistry Registry, BlobContainerClient Container, FakeTimeProvider Time)
{
    public static readonly DateTimeOffset Start = new(2001, 7, 1, 8, 0, 0, TimeSpan.Zero);

    public static async Task<TestRegistry> CreateAsync(AzuriteFixture azurite, params HttpPipelinePolicy[] policies)
    {
        var created = await azurite.CreateContainerAsync("registry", TestContext.Current.CancellationToken);
        var options = new BlobClientOptions();
        foreach (var policy in policies)
        {
            options.AddPolicy(policy, HttpPipelinePosition.PerCall);
        }

        var container = new BlobContainerClient(azurite.ConnectionString, created.Name, options);
        var time = new FakeTimeProvider(Start);
        return new TestRegistry(new ModelRegistry(container, new ModelRegistryOptions { TimeProvider = time }), container, time);
    }

    /// <summary>A second registry on the same container with a plain pipeline.</summary>
    public ModelRegistry Plain(AzuriteFixture azurite) =>
        new(new BlobContainerClient(azurite.ConnectionString, Container.Name), new ModelRegistryOptions { TimeProvider = Time });
}

/// <summary>Candidate package folders as the training step will write them.</summary>
internal static class Candidates
{
    public static string Write(string model = "flights", int seed = 1, IReadOnlyDictionary<string, string>? extraFiles = null)
    {
        var folder = Directory.CreateTempSubdirectory("mlops-candidate-").FullName;
        var random = new Random(seed);
        var onnx = new byte[4096];
        random.NextBytes(onnx);
        var zip = new byte[2048];
        random.NextBytes(zip);
        File.WriteAllBytes(Path.Combine(folder, CandidatePackage.OnnxFile), onnx);
        File.WriteAllBytes(Path.Combine(folder, CandidatePackage.MlNetFile), zip);
        File.WriteAllText(Path.Combine(folder, CandidatePackage.CandidateFile), JsonSerializer.Serialize(new
        {
            model,
            metrics = new { auc = 0.69, logLoss = 0.48 },
            gates = new { passed = true },
            dataset = new { uri = "https://example.blob.core.windows.net/datasets/2001-05.csv", etag = "\"0x8D1\"", sha256 = new string('a', 64) },
            trainer = "LightGbm",
            seed,
            codeVersion = "0123abc",
        }));
        File.WriteAllText(Path.Combine(folder, "profile.json"), "{\"rows\":2000}");
        foreach (var (name, content) in extraFiles ?? new Dictionary<string, string>())
        {
            File.WriteAllText(Path.Combine(folder, name), content);
        }

        return folder;
    }
}

/// <summary>Counts every request that reaches the pipeline.</summary>
internal sealed class CountingPolicy : HttpPipelineSynchronousPolicy
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
}

/// <summary>Stops the process's work at a chosen request, as a crash would: the request is never sent.</summary>
internal sealed class FailRequestsPolicy(Func<Request, bool> when) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        if (when(message.Request))
        {
            throw new IOException($"Injected failure: {message.Request.Method} {message.Request.Uri.Path}");
        }
    }
}
