using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Azure;
using Mlops.Registry;

namespace Mlops.Cli.Commands;

/// <summary>
/// <c>mlops models list|show|history|register|promote|alias|status</c>: the blob model registry. The registry is found with
/// <c>--connection-string</c> or <c>--account-url</c> (signed in with DefaultAzureCredential), else the
/// environment variables <c>MLOPS_REGISTRY_CONNECTION</c> / <c>MLOPS_REGISTRY_URL</c>; container <c>models</c>.
/// Exit codes: 0 done; 1 not found, conflict, integrity or storage error; 2 bad arguments or candidate package.
/// </summary>
public static class ModelsCommand
{
    public const string ConnectionVariable = "MLOPS_REGISTRY_CONNECTION";
    public const string UrlVariable = "MLOPS_REGISTRY_URL";

    /// <param name="environment">Reads an environment variable (tests pass their own).</param>
    public static Command Create(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var models = new Command("models", "The model registry: list, show and register model versions, move aliases and status, and their history.");
        models.Add(CreateList(environment));
        models.Add(CreateShow(environment));
        models.Add(CreateHistory(environment));
        models.Add(CreateRegister(environment));
        models.Add(CreatePromote(environment));
        models.Add(CreateAlias(environment));
        models.Add(CreateStatus(environment));
        return models;
    }

    private sealed class RegistryOptions
    {
        public Option<string> ConnectionString { get; } = new("--connection-string")
        {
            Description = $"Storage connection string (Azurite: see 'mlops azurite'). Default: ${ConnectionVariable}.",
        };

        public Option<Uri> AccountUrl { get; } = new("--account-url")
        {
            Description = $"Blob endpoint, e.g. https://ACCOUNT.blob.core.windows.net, signed in with DefaultAzureCredential. Default: ${UrlVariable}.",
        };

        public Option<string> Container { get; } = new("--container")
        {
            Description = "Registry container.",
            DefaultValueFactory = _ => ModelRegistryOptions.DefaultContainerName,
        };

        public void AddTo(Command command)
        {
            command.Add(ConnectionString);
            command.Add(AccountUrl);
            command.Add(Container);
        }

        public ModelRegistry Open(ParseResult parse, Func<string, string?> environment)
        {
            var options = new ModelRegistryOptions { ContainerName = parse.GetValue(Container)! };
            var connection = parse.GetValue(ConnectionString);
            var url = parse.GetValue(AccountUrl);
            if (connection is not null && url is not null)
            {
                throw new UsageException("Give either --connection-string or --account-url, not both.");
            }

            if (connection is null && url is null)
            {
                connection = environment(ConnectionVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
                url = connection is null && environment(UrlVariable) is { Length: > 0 } urlText
                    ? Uri.TryCreate(urlText, UriKind.Absolute, out var parsed) ? parsed : throw new UsageException($"{UrlVariable} is not an absolute URL: '{urlText}'.")
                    : null;
            }

            if (url is not null)
            {
                return url.IsAbsoluteUri ? new ModelRegistry(url, options) : throw new UsageException($"--account-url must be an absolute URL, not '{url}'.");
            }

            if (connection is null)
            {
                throw new UsageException($"No registry: give --connection-string or --account-url, or set {ConnectionVariable} or {UrlVariable}.");
            }

            try
            {
                return new ModelRegistry(connection, options);
            }
            catch (FormatException ex)
            {
                throw new UsageException($"The connection string is not valid: {ex.Message}");
            }
        }
    }

    private static Option<string> ModelOption(bool required) => new("--model")
    {
        Description = "Model name (lower-case letters, digits, hyphens).",
        Required = required,
    };

    private static Command CreateList(Func<string, string?> environment)
    {
        var registry = new RegistryOptions();
        var model = ModelOption(required: false);
        var command = new Command("list", "Without --model: the models in the registry. With --model: its registered versions, status and aliases.") { model };
        registry.AddTo(command);
        command.SetAction((parse, cancellationToken) => RunAsync(parse, async output =>
        {
            var open = registry.Open(parse, environment);
            if (parse.GetValue(model) is not { } name)
            {
                foreach (var found in await open.ListModelsAsync(cancellationToken))
                {
                    await output.WriteLineAsync(found);
                }

                return ExitCodes.Success;
            }

            var versions = await open.ListVersionsAsync(name, cancellationToken);
            await output.WriteLineAsync($"{"version",7}  {"registered (UTC)",-19}  {"status",-10}  {"aliases",-20}  by");
            foreach (var v in versions)
            {
                await output.WriteLineAsync(
                    $"{v.Version,7}  {v.RegisteredAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),-19}  {Name(v.Status),-10}  {string.Join(',', v.Aliases),-20}  {v.RegisteredBy}");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command CreateShow(Func<string, string?> environment)
    {
        var registry = new RegistryOptions();
        var model = ModelOption(required: true);
        var version = new Option<string>("--version")
        {
            Description = "A version number, an alias (champion, previous, ...) or latest.",
            DefaultValueFactory = _ => RegistryNames.Latest,
        };
        var command = new Command("show", "A version's manifest, status and aliases.") { model, version };
        registry.AddTo(command);
        command.SetAction((parse, cancellationToken) => RunAsync(parse, async output =>
        {
            var open = registry.Open(parse, environment);
            var name = parse.GetRequiredValue(model);
            var manifest = await open.ResolveAsync(name, parse.GetRequiredValue(version), cancellationToken);
            var status = await open.GetStatusAsync(name, manifest.Version, cancellationToken);
            var aliases = (await open.ListAliasesAsync(name, cancellationToken)).Where(a => a.Version == manifest.Version).Select(a => a.Alias);
            await output.WriteLineAsync($"model:   {manifest.Model}");
            await output.WriteLineAsync($"version: {manifest.Version}");
            await output.WriteLineAsync($"status:  {Name(status.Status)}{(status.Reason is null ? "" : $" ({status.Reason})")}");
            await output.WriteLineAsync($"aliases: {string.Join(", ", aliases)}");
            await output.WriteLineAsync(JsonSerializer.Serialize(manifest, RegistryJson.Indented));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command CreateHistory(Func<string, string?> environment)
    {
        var registry = new RegistryOptions();
        var model = ModelOption(required: true);
        var command = new Command("history", "Every registration, alias move and status change of a model, from the audit log.") { model };
        registry.AddTo(command);
        command.SetAction((parse, cancellationToken) => RunAsync(parse, async output =>
        {
            var entries = await registry.Open(parse, environment).GetHistoryAsync(parse.GetRequiredValue(model), cancellationToken);
            await output.WriteLineAsync($"{"time (UTC)",-19}  {"action",-8}  {"version",7}  {"alias",-12}  {"change",-22}  {"actor",-20}  reason");
            foreach (var e in entries)
            {
                var change = e.From is null && e.To is null ? "" : $"{e.From ?? "-"} -> {e.To ?? "-"}";
                await output.WriteLineAsync(
                    $"{e.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),-19}  {e.Action,-8}  {e.Version,7}  {e.Alias,-12}  {change,-22}  {e.Actor,-20}  {e.Reason}");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command CreateRegister(Func<string, string?> environment)
    {
        var registry = new RegistryOptions();
        var from = new Option<DirectoryInfo>("--from") { Description = "Candidate package folder (model.onnx, model.zip, candidate.json, ...).", Required = true };
        var model = ModelOption(required: false);
        model.Description = "Model name; if given, must match candidate.json's \"model\".";
        var actor = ActorOption();
        var command = new Command("register", "Register a candidate package as the model's next version.") { from, model, actor };
        registry.AddTo(command);
        command.SetAction((parse, cancellationToken) => RunAsync(parse, async output =>
        {
            var open = registry.Open(parse, environment);
            var manifest = await open.RegisterAsync(parse.GetRequiredValue(from).FullName, parse.GetRequiredValue(actor), parse.GetValue(model), cancellationToken);
            var onnx = manifest.FindArtifact(CandidatePackage.OnnxFile)!;
            await output.WriteLineAsync($"Registered model '{manifest.Model}' version {manifest.Version}: {manifest.Artifacts.Count} artifacts, model.onnx sha256 {onnx.Sha256}.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command CreatePromote(Func<string, string?> environment)
    {
        var registry = new RegistryOptions();
        var model = ModelOption(required: true);
        var version = VersionOption("The version to make the champion.");
        var expected = ExpectedOption("--expect-champion", "The champion the decision was made against: a version number, or none when there is no champion yet. Another champion by now fails with exit 1.");
        var (actor, reason) = (ActorOption(), ReasonOption());
        var command = new Command("promote", "Make a version the champion; the old champion becomes 'previous'. Repeating a promotion that happened is a no-op.")
        {
            model, version, expected, actor, reason,
        };
        registry.AddTo(command);
        command.SetAction((parse, cancellationToken) => RunAsync(parse, async output =>
        {
            var result = await registry.Open(parse, environment).PromoteAsync(parse.GetRequiredValue(model), parse.GetRequiredValue(version),
                ParseExpected(parse.GetRequiredValue(expected), expected.Name), parse.GetRequiredValue(actor), parse.GetValue(reason), cancellationToken);
            await output.WriteLineAsync($"Model '{result.Champion.Model}': champion is version {result.Champion.Version}" +
                (result.Previous is { } previous ? $", previous is version {previous.Version}." : "; there is no previous version."));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command CreateAlias(Func<string, string?> environment)
    {
        var registry = new RegistryOptions();
        var model = ModelOption(required: true);
        var alias = new Option<string>("--alias") { Description = "Alias name (e.g. challenger); champion and previous move only with 'promote'.", Required = true };
        var version = VersionOption("The version the alias should name.");
        var expected = ExpectedOption("--expect", "The version the alias names now, or none when it does not exist yet. Anything else by now fails with exit 1.");
        var (actor, reason) = (ActorOption(), ReasonOption());
        var command = new Command("alias", "Point an alias at a version, compare-and-swap.") { model, alias, version, expected, actor, reason };
        registry.AddTo(command);
        command.SetAction((parse, cancellationToken) => RunAsync(parse, async output =>
        {
            var name = parse.GetRequiredValue(alias);
            if (name is RegistryNames.Champion or RegistryNames.Previous)
            {
                // Moving champion alone would leave 'previous' naming the wrong version for a rollback.
                throw new UsageException($"'{name}' moves only with 'mlops models promote', which keeps champion and previous consistent.");
            }

            var state = await registry.Open(parse, environment).SetAliasAsync(parse.GetRequiredValue(model), name, parse.GetRequiredValue(version),
                ParseExpected(parse.GetRequiredValue(expected), expected.Name), parse.GetRequiredValue(actor), parse.GetValue(reason), cancellationToken);
            await output.WriteLineAsync($"Model '{state.Model}': alias '{state.Alias}' names version {state.Version}.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command CreateStatus(Func<string, string?> environment)
    {
        var registry = new RegistryOptions();
        var model = ModelOption(required: true);
        var version = VersionOption("The version whose status changes.");
        var status = new Option<string>("--set")
        {
            Description = "deployed, rejected (needs --reason) or retired. Allowed: registered -> any; deployed -> rejected | retired; rejected -> retired.",
            Required = true,
        };
        status.AcceptOnlyFromAmong("deployed", "rejected", "retired");
        var (actor, reason) = (ActorOption(), ReasonOption());
        var command = new Command("status", "Change a version's status; a transition that is not allowed fails with exit 1.") { model, version, status, actor, reason };
        registry.AddTo(command);
        command.SetAction((parse, cancellationToken) => RunAsync(parse, async output =>
        {
            var to = Enum.Parse<VersionStatus>(parse.GetRequiredValue(status), ignoreCase: true);
            var record = await registry.Open(parse, environment).SetStatusAsync(parse.GetRequiredValue(model), parse.GetRequiredValue(version), to,
                parse.GetRequiredValue(actor), parse.GetValue(reason), cancellationToken: cancellationToken);
            await output.WriteLineAsync($"Model '{record.Model}' version {record.Version} is {Name(record.Status)}.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Option<int> VersionOption(string description) => new("--version") { Description = description, Required = true };

    private static Option<string> ExpectedOption(string name, string description) => new(name) { Description = description, Required = true };

    private static Option<string> ActorOption() => new("--actor")
    {
        Description = "Who acts: the pipeline run or user (default: user@machine); recorded in the audit log.",
        DefaultValueFactory = _ => $"{Environment.UserName}@{Environment.MachineName}",
    };

    private static Option<string> ReasonOption() => new("--reason") { Description = "Why; recorded in the audit log." };

    /// <summary>A compare-and-swap expectation: a version number, or <c>none</c> for "does not exist yet".</summary>
    private static int? ParseExpected(string text, string option) =>
        text.Equals("none", StringComparison.OrdinalIgnoreCase) ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0 ? version
        : throw new UsageException($"{option} must be a version number or 'none', not '{text}'.");

    private static string Name(VersionStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>Runs a registry command and turns its failures into one line on stderr and an exit code.</summary>
    private static async Task<int> RunAsync(ParseResult parse, Func<TextWriter, Task<int>> action)
    {
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return await action(parse.InvocationConfiguration.Output);
        }
        catch (Exception ex) when (ex is UsageException or ArgumentException or InvalidCandidateException)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.BadArguments;
        }
        catch (RegistryException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.Failed;
        }
        catch (RequestFailedException ex)
        {
            await error.WriteLineAsync($"error: the registry storage refused the request ({ex.Status} {ex.ErrorCode}): {ex.Message.Split('\n')[0]}");
            return ExitCodes.Failed;
        }
    }
}
