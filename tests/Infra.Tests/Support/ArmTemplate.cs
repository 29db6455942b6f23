using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mlops.Infra.Tests.Support;

/// <summary>
/// A compiled ARM template with its nested module deployments flattened, and a small resolver that follows
/// plain `[parameters('x')]` and `[variables('x')]` references (through module parameters up to the default
/// values of main.bicep), so that assertions see the values Bicep wrote, not the indirections.
/// </summary>
internal sealed partial class ArmTemplate
{
    private ArmTemplate(JsonObject template, string module, ArmTemplate? parent, JsonObject? deployment)
    {
        Template = template;
        Module = module;
        Parent = parent;
        Deployment = deployment;
    }

    public JsonObject Template { get; }

    /// <summary>The module deployment name ("main" for the root template).</summary>
    public string Module { get; }

    public ArmTemplate? Parent { get; }

    private JsonObject? Deployment { get; }

    public static ArmTemplate Parse(string json) =>
        new(JsonNode.Parse(json)?.AsObject() ?? throw new InvalidOperationException("Empty template."), "main", null, null);

    public IEnumerable<JsonObject> OwnResources()
    {
        var resources = Template["resources"];
        return resources switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject symbolic => symbolic.Select(pair => pair.Value).OfType<JsonObject>(),
            _ => [],
        };
    }

    /// <summary>This template and every nested module template, depth first.</summary>
    public IEnumerable<ArmTemplate> AllTemplates()
    {
        yield return this;
        foreach (var resource in OwnResources())
        {
            if (Str(resource["type"]) == "Microsoft.Resources/deployments"
                && resource["properties"]?["template"] is JsonObject nested)
            {
                var child = new ArmTemplate(nested, Str(resource["name"]) ?? "?", this, resource);
                foreach (var template in child.AllTemplates())
                {
                    yield return template;
                }
            }
        }
    }

    public ArmTemplate ModuleNamed(string name) =>
        AllTemplates().SingleOrDefault(t => t.Module == name)
        ?? throw new InvalidOperationException($"No module deployment named '{name}'.");

    /// <summary>Every resource of a type across all templates, with the template that declares it.</summary>
    public IReadOnlyList<ArmResource> Resources(string type) =>
        AllTemplates()
            .SelectMany(t => t.OwnResources().Select(r => new ArmResource(t, r)))
            .Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase))
            .ToList();

    /// <summary>Replaces plain parameter and variable references, recursively, by what they stand for.</summary>
    public JsonNode? Resolve(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var resolvedObject = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    resolvedObject[key] = Resolve(value);
                }

                return resolvedObject;
            case JsonArray array:
                return new JsonArray(array.Select(Resolve).ToArray());
            case JsonValue value when value.TryGetValue<string>(out var text):
                var parameter = ParameterReference().Match(text);
                if (parameter.Success)
                {
                    return ResolveParameter(parameter.Groups[1].Value);
                }

                var variable = VariableReference().Match(text);
                if (variable.Success)
                {
                    return Resolve(Template["variables"]?[variable.Groups[1].Value]?.DeepClone());
                }

                return value.DeepClone();
            default:
                return node?.DeepClone();
        }
    }

    public string? ResolveString(JsonNode? node) => Str(Resolve(node));

    /// <summary>Resolves `variables('name').member` inside a larger expression, e.g. a role id in subscriptionResourceId(...).</summary>
    public string? ResolveVariableMember(string expression)
    {
        var match = VariableMemberReference().Match(expression);
        return match.Success ? Str(Resolve(Template["variables"]?[match.Groups[1].Value]?[match.Groups[2].Value]?.DeepClone())) : null;
    }

    public static string? Str(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>The value a template's parameter gets: what its module call passes, else its default.</summary>
    public JsonNode? Parameter(string name) => ResolveParameter(name);

    private JsonNode? ResolveParameter(string name)
    {
        if (Parent is not null && Deployment?["properties"]?["parameters"]?[name]?["value"] is { } passed)
        {
            return Parent.Resolve(passed.DeepClone());
        }

        return Resolve(Template["parameters"]?[name]?["defaultValue"]?.DeepClone());
    }

    [GeneratedRegex(@"^\[parameters\('([^']+)'\)\]$")]
    private static partial Regex ParameterReference();

    [GeneratedRegex(@"^\[variables\('([^']+)'\)\]$")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"variables\('([^']+)'\)\.(\w+)")]
    private static partial Regex VariableMemberReference();
}

/// <summary>A resource and the template that declares it.</summary>
internal sealed record ArmResource(ArmTemplate Template, JsonObject Json)
{
    public string? Type => ArmTemplate.Str(Json["type"]);

    public string? Name => ArmTemplate.Str(Json["name"]);

    public string Module => Template.Module;

    /// <summary>The last segment of the name when it is a literal, e.g. 'scm' in format('{0}/{1}', parameters('siteName'), 'scm').</summary>
    public string? LeafName =>
        Name is null ? null
        : Name.StartsWith('[') ? (Name.EndsWith("')]", StringComparison.Ordinal) ? Name[(Name.LastIndexOf(", '", StringComparison.Ordinal) + 3)..^3] : null)
        : Name[(Name.LastIndexOf('/') + 1)..];

    /// <summary>A property path under the resource, resolved ("properties", "siteConfig", "ftpsState").</summary>
    public JsonNode? Get(params string[] path)
    {
        JsonNode? node = Json;
        foreach (var segment in path)
        {
            node = Template.Resolve(node)?[segment];
        }

        return Template.Resolve(node);
    }

    public string? GetString(params string[] path) => ArmTemplate.Str(Get(path));

    public bool? GetBool(params string[] path) =>
        Get(path) is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : null;

    public override string ToString() => $"{Module}: {Type} {Name}";
}
