using System.Globalization;
using System.Text.Json;

namespace Mlops.Pipeline.Data.Contracts;

/// <summary>
/// Reads a data contract strictly: every key must be known, every value of the right kind, and the columns and
/// rules must not contradict each other. Every error names the key at fault, before any data is read.
/// </summary>
public static class DataContractParser
{
    private static readonly string[] TopLevelKeys = ["$schema", "name", "description", "columns", "rules"];

    private static readonly string[] ColumnKeys =
        ["name", "description", "type", "role", "format", "maxNullFraction", "min", "max", "categories", "maxUnseenShare", "maxLength"];

    private static readonly string[] RuleKeys = ["minRows", "maxDuplicateRowFraction", "labelRate", "time", "extraColumns"];

    private static readonly string[] RangeKeys = ["min", "max"];

    private static readonly string[] TimeKeys = ["min", "max", "maxAgeDays"];

    public static async Task<DataContract> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        string json;
        try
        {
            json = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DataContractException("(file)", $"cannot read the contract '{path}': {ex.Message}");
        }

        return Parse(json);
    }

    public static DataContract Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false });
        }
        catch (JsonException ex)
        {
            throw new DataContractException("(document)", $"not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            RequireKind(root, JsonValueKind.Object, "(document)", "an object");
            RejectUnknownKeys(root, "", TopLevelKeys);
            var name = OptionalString(root, "name", "name");
            if (!root.TryGetProperty("columns", out var columnsElement))
            {
                throw new DataContractException("columns", "required: the list of columns");
            }

            RequireKind(columnsElement, JsonValueKind.Array, "columns", "an array of columns");
            var columns = new List<ColumnContract>();
            var index = 0;
            foreach (var column in columnsElement.EnumerateArray())
            {
                columns.Add(ParseColumn(column, $"columns[{index++}]"));
            }

            var rules = root.TryGetProperty("rules", out var rulesElement) ? ParseRules(rulesElement) : new DataSetRules();
            CheckConsistency(columns, rules);
            return new DataContract(name, columns, rules, json);
        }
    }

    private static ColumnContract ParseColumn(JsonElement column, string path)
    {
        RequireKind(column, JsonValueKind.Object, path, "an object");
        RejectUnknownKeys(column, path + ".", ColumnKeys);
        var name = OptionalString(column, "name", path + ".name") ?? throw new DataContractException(path + ".name", "required");
        if (name.Length == 0)
        {
            throw new DataContractException(path + ".name", "must not be empty");
        }

        var typeText = OptionalString(column, "type", path + ".type") ?? throw new DataContractException(path + ".type", "required (number, integer, categorical, boolean or datetime)");
        var type = typeText switch
        {
            "number" => ColumnType.Number,
            "integer" => ColumnType.Integer,
            "categorical" => ColumnType.Categorical,
            "boolean" => ColumnType.Boolean,
            "datetime" => ColumnType.DateTime,
            _ => throw new DataContractException(path + ".type", $"'{typeText}' is not a type (number, integer, categorical, boolean, datetime)"),
        };
        var roleText = OptionalString(column, "role", path + ".role") ?? "feature";
        var role = roleText switch
        {
            "feature" => ColumnRole.Feature,
            "label" => ColumnRole.Label,
            "time" => ColumnRole.Time,
            "id" => ColumnRole.Id,
            "ignore" => ColumnRole.Ignore,
            _ => throw new DataContractException(path + ".role", $"'{roleText}' is not a role (feature, label, time, id, ignore)"),
        };

        var format = OptionalString(column, "format", path + ".format");
        if (type == ColumnType.DateTime)
        {
            if (string.IsNullOrEmpty(format))
            {
                throw new DataContractException(path + ".format", "required for a datetime column (a .NET format such as yyyy-MM-dd HH:mm)");
            }

            try
            {
                _ = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Unspecified).ToString(format, CultureInfo.InvariantCulture);
            }
            catch (FormatException)
            {
                throw new DataContractException(path + ".format", $"'{format}' is not a valid date and time format");
            }
        }
        else if (format is not null)
        {
            throw new DataContractException(path + ".format", "only a datetime column has a format");
        }

        var maxNullFraction = OptionalFraction(column, "maxNullFraction", path + ".maxNullFraction") ?? 0;
        var min = OptionalNumber(column, "min", path + ".min");
        var max = OptionalNumber(column, "max", path + ".max");
        if ((min is not null || max is not null) && type is not (ColumnType.Number or ColumnType.Integer))
        {
            throw new DataContractException(path + (min is not null ? ".min" : ".max"), "only a number or integer column has a range");
        }

        if (min > max)
        {
            throw new DataContractException(path + ".min", $"min {min} is greater than max {max}");
        }

        IReadOnlyList<string>? categories = null;
        var learned = false;
        if (column.TryGetProperty("categories", out var categoriesElement))
        {
            if (type != ColumnType.Categorical)
            {
                throw new DataContractException(path + ".categories", "only a categorical column has categories");
            }

            if (categoriesElement.ValueKind == JsonValueKind.String && categoriesElement.GetString() == "learned")
            {
                learned = true;
            }
            else if (categoriesElement.ValueKind == JsonValueKind.Array)
            {
                var list = new List<string>();
                foreach (var item in categoriesElement.EnumerateArray())
                {
                    RequireKind(item, JsonValueKind.String, path + ".categories", "a list of strings or \"learned\"");
                    list.Add(item.GetString()!);
                }

                if (list.Count == 0)
                {
                    throw new DataContractException(path + ".categories", "an empty list allows nothing; list the categories or say \"learned\"");
                }

                if (list.Distinct(StringComparer.Ordinal).Count() != list.Count)
                {
                    throw new DataContractException(path + ".categories", "lists a category twice");
                }

                categories = list;
            }
            else
            {
                throw new DataContractException(path + ".categories", "must be a list of strings or \"learned\"");
            }
        }

        var maxUnseenShare = OptionalFraction(column, "maxUnseenShare", path + ".maxUnseenShare");
        if (maxUnseenShare is not null && categories is null && !learned)
        {
            throw new DataContractException(path + ".maxUnseenShare", "needs categories (a list or \"learned\") to be unseen from");
        }

        var maxLength = OptionalNumber(column, "maxLength", path + ".maxLength");
        if (maxLength is not null)
        {
            if (type != ColumnType.Categorical)
            {
                throw new DataContractException(path + ".maxLength", "only a categorical column has a maximum length");
            }

            if (maxLength < 1 || maxLength != Math.Floor(maxLength.Value) || maxLength > int.MaxValue)
            {
                throw new DataContractException(path + ".maxLength", "must be a positive whole number");
            }
        }

        return new ColumnContract
        {
            Name = name,
            Type = type,
            Role = role,
            Format = format,
            MaxNullFraction = maxNullFraction,
            Min = min,
            Max = max,
            Categories = categories,
            CategoriesLearned = learned,
            MaxUnseenShare = maxUnseenShare ?? 0,
            MaxLength = (int)(maxLength ?? ColumnContract.DefaultMaxLength),
        };
    }

    private static DataSetRules ParseRules(JsonElement rules)
    {
        RequireKind(rules, JsonValueKind.Object, "rules", "an object");
        RejectUnknownKeys(rules, "rules.", RuleKeys);
        var minRows = OptionalNumber(rules, "minRows", "rules.minRows") ?? 1;
        if (minRows < 1 || minRows != Math.Floor(minRows))
        {
            throw new DataContractException("rules.minRows", "must be a whole number of at least 1");
        }

        double? minLabelRate = null, maxLabelRate = null;
        if (rules.TryGetProperty("labelRate", out var labelRate))
        {
            RequireKind(labelRate, JsonValueKind.Object, "rules.labelRate", "an object with min and/or max");
            RejectUnknownKeys(labelRate, "rules.labelRate.", RangeKeys);
            minLabelRate = OptionalFraction(labelRate, "min", "rules.labelRate.min");
            maxLabelRate = OptionalFraction(labelRate, "max", "rules.labelRate.max");
            if (minLabelRate > maxLabelRate)
            {
                throw new DataContractException("rules.labelRate.min", $"min {minLabelRate} is greater than max {maxLabelRate}");
            }
        }

        DateTime? timeMin = null, timeMax = null;
        double? maxAgeDays = null;
        if (rules.TryGetProperty("time", out var time))
        {
            RequireKind(time, JsonValueKind.Object, "rules.time", "an object with min, max and/or maxAgeDays");
            RejectUnknownKeys(time, "rules.time.", TimeKeys);
            timeMin = OptionalDate(time, "min", "rules.time.min");
            timeMax = OptionalDate(time, "max", "rules.time.max");
            if (timeMin > timeMax)
            {
                throw new DataContractException("rules.time.min", "is later than rules.time.max");
            }

            maxAgeDays = OptionalNumber(time, "maxAgeDays", "rules.time.maxAgeDays");
            if (maxAgeDays <= 0)
            {
                throw new DataContractException("rules.time.maxAgeDays", "must be positive");
            }
        }

        var extraText = OptionalString(rules, "extraColumns", "rules.extraColumns") ?? "error";
        var extra = extraText switch
        {
            "error" => ExtraColumnsPolicy.Error,
            "ignore" => ExtraColumnsPolicy.Ignore,
            _ => throw new DataContractException("rules.extraColumns", $"'{extraText}' is not a policy (error, ignore)"),
        };

        return new DataSetRules
        {
            MinRows = (long)minRows,
            MaxDuplicateRowFraction = OptionalFraction(rules, "maxDuplicateRowFraction", "rules.maxDuplicateRowFraction"),
            MinLabelRate = minLabelRate,
            MaxLabelRate = maxLabelRate,
            TimeMin = timeMin,
            TimeMax = timeMax,
            MaxAgeDays = maxAgeDays,
            ExtraColumns = extra,
        };
    }

    private static void CheckConsistency(List<ColumnContract> columns, DataSetRules rules)
    {
        if (columns.Count == 0)
        {
            throw new DataContractException("columns", "lists no columns");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            if (!seen.Add(columns[i].Name))
            {
                throw new DataContractException($"columns[{i}].name", $"'{columns[i].Name}' is already the name of another column");
            }
        }

        var labels = columns.Select((c, i) => (c, i)).Where(p => p.c.Role == ColumnRole.Label).ToList();
        if (labels.Count > 1)
        {
            throw new DataContractException($"columns[{labels[1].i}].role", $"a second label ('{labels[1].c.Name}' after '{labels[0].c.Name}')");
        }

        var times = columns.Select((c, i) => (c, i)).Where(p => p.c.Role == ColumnRole.Time).ToList();
        if (times.Count > 1)
        {
            throw new DataContractException($"columns[{times[1].i}].role", $"a second time column ('{times[1].c.Name}' after '{times[0].c.Name}')");
        }

        if (times.Count == 1 && times[0].c.Type != ColumnType.DateTime)
        {
            throw new DataContractException($"columns[{times[0].i}].type", "the time column must be a datetime");
        }

        if (!columns.Any(c => c.Role == ColumnRole.Feature))
        {
            throw new DataContractException("columns", "has no feature column (role feature)");
        }

        if ((rules.MinLabelRate is not null || rules.MaxLabelRate is not null)
            && (labels.Count == 0 || labels[0].c.Type != ColumnType.Boolean))
        {
            throw new DataContractException("rules.labelRate", "needs a boolean label column (role label, type boolean)");
        }

        if ((rules.TimeMin is not null || rules.TimeMax is not null || rules.MaxAgeDays is not null) && times.Count == 0)
        {
            throw new DataContractException("rules.time", "needs a time column (role time)");
        }
    }

    private static void RejectUnknownKeys(JsonElement element, string prefix, string[] known)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new DataContractException(prefix + property.Name, $"unknown key (known here: {string.Join(", ", known)})");
            }

            if (!seen.Add(property.Name))
            {
                throw new DataContractException(prefix + property.Name, "appears twice");
            }
        }
    }

    private static void RequireKind(JsonElement element, JsonValueKind kind, string key, string what)
    {
        if (element.ValueKind != kind)
        {
            throw new DataContractException(key, $"must be {what}, not {element.ValueKind.ToString().ToLowerInvariant()}");
        }
    }

    private static string? OptionalString(JsonElement element, string name, string key)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        RequireKind(value, JsonValueKind.String, key, "a string");
        return value.GetString();
    }

    private static double? OptionalNumber(JsonElement element, string name, string key)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        RequireKind(value, JsonValueKind.Number, key, "a number");
        return value.GetDouble();
    }

    private static double? OptionalFraction(JsonElement element, string name, string key)
    {
        var value = OptionalNumber(element, name, key);
        if (value is < 0 or > 1)
        {
            throw new DataContractException(key, $"{value} is not a fraction between 0 and 1");
        }

        return value;
    }

    private static DateTime? OptionalDate(JsonElement element, string name, string key)
    {
        var text = OptionalString(element, name, key);
        if (text is null)
        {
            return null;
        }

        string[] formats = ["yyyy-MM-dd", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"];
        return DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new DataContractException(key, $"'{text}' is not a date (yyyy-MM-dd, optionally with THH:mm[:ss])");
    }
}
