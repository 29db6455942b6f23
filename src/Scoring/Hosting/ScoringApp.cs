namespace Mlops.Scoring.Hosting;

/// <summary>Builds the scoring web app; Program runs it, tests and the local slots start it on loopback.</summary>
public static class ScoringApp
{
    /// <param name="args">Command-line arguments (e.g. <c>--urls</c>).</param>
    /// <param name="settings">Settings over the app's configuration: the local slots and tests use them.</param>
    /// <param name="configure">Last changes before the app is built, e.g. a test's log sink.</param>
    public static WebApplication Create(
        string[] args, IReadOnlyDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        configure?.Invoke(builder);

        builder.AddScoringServices();
        var app = builder.Build();
        app.UseExceptionHandler();
        app.MapScoringEndpoints();
        return app;
    }
}
