using Azure.Identity;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using Microsoft.Extensions.Options;
using Mlops.Registry;
using Mlops.Scoring.Model;
using Mlops.Scoring.Telemetry;
using OpenTelemetry.Metrics;

namespace Mlops.Scoring.Hosting;

public static class ScoringServices
{
    /// <summary>Options (validated at start), the registry client, the model loader and telemetry.</summary>
    public static WebApplicationBuilder AddScoringServices(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ScoringOptions>().BindConfiguration(ScoringOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<RegistryConnectionOptions>().BindConfiguration(RegistryConnectionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(services =>
        {
            var registry = services.GetRequiredService<IOptions<RegistryConnectionOptions>>().Value;
            var options = new ModelRegistryOptions { ContainerName = registry.Container };
            return registry.BlobServiceUri is { } uri
                ? new ModelRegistry(uri, new DefaultAzureCredential(), options)
                : new ModelRegistry(registry.ConnectionString!, options);
        });
        builder.Services.AddSingleton<ModelHost>();
        builder.Services.AddHostedService<ModelLoader>();
        builder.Services.AddProblemDetails();

        var telemetry = builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ScoringMetrics.MeterName)
            // Scrapes must see every request already answered: no cached scrape responses.
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        if (!string.IsNullOrWhiteSpace(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
        {
            telemetry.UseAzureMonitor(monitor => monitor.Credential = new DefaultAzureCredential());
        }

        return builder;
    }
}
