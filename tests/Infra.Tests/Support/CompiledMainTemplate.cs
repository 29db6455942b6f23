namespace Mlops.Infra.Tests.Support;

/// <summary>infra/bicep/main.bicep compiled once per test run, with its modules.</summary>
public sealed class CompiledMainTemplate : IAsyncLifetime
{
    private ArmTemplate? _template;

    internal ArmTemplate Template => _template ?? throw new InvalidOperationException("Not compiled yet.");

    /// <summary>The compiled JSON text, for whole-template scans.</summary>
    internal string Json { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var result = await BicepCli.RunAsync(["build", Repository.MainBicep, "--stdout"], TestContext.Current.CancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build main.bicep failed ({result.ExitCode}):\n{result.StandardError}");
        }

        Json = result.StandardOutput;
        _template = ArmTemplate.Parse(Json);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
