namespace Mlops.Scoring.Hosting;

/// <summary>Builds the scoring web app; Program runs it, tests and the local slots start it on loopback.</summary>
public static class ScoringApp
{
    public static WebApplication Create(string[] args, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddScoringServices();
        var app = builder.Build();
        app.UseExceptionHandler();
        app.MapScoringEndpoints();
        return app;
    }
}
