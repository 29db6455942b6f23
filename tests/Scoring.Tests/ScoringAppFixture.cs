using System.Net.Http.Json;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mlops.Registry;
using Mlops.Scoring.Hosting;
using Mlops.Scoring.Model;
using Mlops.TestSupport;

namespace Mlops.Scoring.Tests;

/// <summary>
/// Azurite with a registry holding the flights test model (version 1, good; version 2, model.onnx tampered with
/// after registration), and the real scoring app on Kestrel at 127.0.0.1 serving version 1.
/// </summary>
public sealed class ScoringAppFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private readonly SampleDataFixture _samples = new();
    private readonly List<WebApplication> _apps = [];
    private readonly string _packageDirectory = Directory.CreateTempSubdirectory("mlops-scoring-").FullName;

    public FlightsTestModel Model { get; private set; } = null!;

    public ModelRegistry Registry { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public WebApplication App { get; private set; } = null!;

    public int GoodVersion { get; private set; }

    public int TamperedVersion { get; private set; }

    public async ValueTask InitializeAsync()
    {
        await Task.WhenAll(_azurite.InitializeAsync().AsTask(), _samples.InitializeAsync().AsTask());
        Model = await FlightsTestModel.TrainAndPackageAsync(_samples.PathOf("2001-01"), _packageDirectory);
        Registry = new ModelRegistry(_azurite.ConnectionString);
        GoodVersion = (await Registry.RegisterAsync(_packageDirectory, "scoring-tests")).Version;
        TamperedVersion = (await Registry.RegisterAsync(_packageDirectory, "scoring-tests")).Version;
        var tampered = new BlobServiceClient(_azurite.ConnectionString).GetBlobContainerClient(ModelRegistryOptions.DefaultContainerName)
            .GetBlobClient($"flights/versions/{TamperedVersion}/model.onnx");
        await tampered.UploadAsync(BinaryData.FromBytes(new byte[] { 1, 2, 3 }), overwrite: true);

        (App, Client) = await StartAppAsync(GoodVersion.ToString());
    }

    /// <summary>Starts another instance of the real app; it is stopped with the fixture.</summary>
    public async Task<(WebApplication App, HttpClient Client)> StartAppAsync(
        string version, IReadOnlyDictionary<string, string?>? extraSettings = null, ILoggerProvider? logs = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Registry:ConnectionString"] = _azurite.ConnectionString,
            ["Scoring:ModelName"] = "flights",
            ["Scoring:ModelVersion"] = version,
            ["Scoring:SlotName"] = "production",
            ["Scoring:MaxRowsPerRequest"] = "500",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = ScoringApp.Create(["--urls", "http://127.0.0.1:0"], settings, builder =>
        {
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
            }
        });
        _apps.Add(app);
        await app.StartAsync();
        await app.Services.GetRequiredService<ModelHost>().Settled.WaitAsync(TimeSpan.FromSeconds(60));
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        return (app, client);
    }

    public static object RequestRow(FlightsTestModel.Row row) => new
    {
        date = row.Date,
        distance = row.Distance,
        origin = row.Origin,
        destination = row.Destination,
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        await _samples.DisposeAsync();
        await _azurite.DisposeAsync();
        Directory.Delete(_packageDirectory, recursive: true);
    }
}
