using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmForge.Checkpoints;
using LlmForge.Gpt;

namespace LlmForge.Lora;

/// <summary>
/// LoRA adapters as PEFT saves them (<c>save_pretrained</c>): a directory with <c>adapter_model.safetensors</c> — the
/// adapters' parameters under PEFT's keys, "base_model.model.transformer.h.0.attn.c_attn.lora_A.weight" [r, in] and
/// "….lora_B.weight" [out, r], F32 — and <c>adapter_config.json</c> (peft_type "LORA", r, lora_alpha, lora_dropout,
/// target_modules, fan_in_fan_out, base_model_name_or_path, task_type). The base model's weights are not in it.
/// </summary>
public static class LoraAdapterFiles
{
    /// <summary>The adapters' weights file.</summary>
    public const string WeightsFileName = "adapter_model.safetensors";

    /// <summary>The adapters' configuration file.</summary>
    public const string ConfigFileName = "adapter_config.json";

    /// <summary>PEFT's task_type of a causal LM's adapters.</summary>
    public const string CausalLm = "CAUSAL_LM";

    /// <summary>
    /// Writes <paramref name="adapters"/> into <paramref name="directory"/> (created if needed), each file atomically.
    /// </summary>
    /// <param name="adapters">The adapters to save.</param>
    /// <param name="directory">The adapter directory.</param>
    /// <param name="baseModel">base_model_name_or_path: the base model's directory or hub name (null: written as null).</param>
    /// <param name="taskType">PEFT's task_type ("CAUSAL_LM", "SEQ_CLS").</param>
    public static void Save(LoraAdapters adapters, string directory, string? baseModel = null, string taskType = CausalLm)
    {
        ArgumentNullException.ThrowIfNull(adapters);
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        StateDict.Save(adapters, Path.Combine(directory, WeightsFileName));
        var all = LoraTargets.Sites(adapters.BaseModel);
        var sites = adapters.Layers.Select(l => l.Site).ToList();
        var config = new JsonObject
        {
            ["base_model_name_or_path"] = baseModel,
            ["bias"] = "none",
            ["fan_in_fan_out"] = sites.Any(s => s.Conv1D),
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["lora_alpha"] = adapters.Options.Alpha,
            ["lora_dropout"] = adapters.Options.Dropout,
            ["modules_to_save"] = null,
            ["peft_type"] = "LORA",
            ["r"] = adapters.Options.Rank,
            ["target_modules"] = new JsonArray([.. LoraTargets.ModuleNames(all, sites).Select(n => (JsonNode?)n)]),
            ["task_type"] = taskType,
        };
        AtomicFile.WriteAllText(Path.Combine(directory, ConfigFileName), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>True when <paramref name="directory"/> holds adapter_config.json (an adapter directory, not a model).</summary>
    public static bool IsAdapterDirectory(string directory) => File.Exists(Path.Combine(directory, ConfigFileName));

    /// <summary>
    /// Reads the adapters of <paramref name="directory"/> onto <paramref name="model"/> and attaches them (the base
    /// frozen). target_modules select the model's modules as PEFT does (a name, or its ending after a dot); the weights
    /// file must hold exactly their lora_A and lora_B with PEFT's shapes.
    /// </summary>
    /// <exception cref="CheckpointFormatException">A bad adapter_config.json (naming the key), or weights that do not fit (every problem named).</exception>
    /// <exception cref="FileNotFoundException">No adapter_config.json or adapter_model.safetensors.</exception>
    public static LoraAdapters Load(GptModel model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(directory);
        var (options, targetModules) = ReadConfig(ModelFileIn(directory, ConfigFileName));
        string weights = ModelFileIn(directory, WeightsFileName);
        string configPath = Path.Combine(directory, ConfigFileName);
        var sites = LoraTargets.Matching(LoraTargets.Sites(model), targetModules);
        if (sites.Count == 0)
            throw new CheckpointFormatException(configPath,
                $"key \"target_modules\" ({string.Join(", ", targetModules)}) selects none of the model's modules (e.g. {LoraTargets.Sites(model).FirstOrDefault()?.Module}).");
        options.Targets = [.. sites.Select(s => s.Target).Distinct()];
        var adapters = LoraAdapters.Create(model, options, sites);
        try
        {
            StateDict.Load(adapters, weights);
        }
        catch
        {
            adapters.Detach(); // a bad file leaves the model as it was
            throw;
        }
        return adapters;
    }

    /// <summary>Rank, α and dropout, and target_modules, of an adapter_config.json; a missing or mistyped key is named.</summary>
    private static (LoraOptions Options, IReadOnlyList<string> TargetModules) ReadConfig(string path)
    {
        JsonObject json;
        try
        {
            json = JsonNode.Parse(ModelFile.ReadAllText(path)) as JsonObject
                ?? throw new CheckpointFormatException(path, "is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(path, $"is not valid JSON: {e.Message}", e);
        }
        T Required<T>(string key)
        {
            try
            {
                return json[key] is { } node ? node.GetValue<T>()
                    : throw new CheckpointFormatException(path, $"required key \"{key}\" is missing.");
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                throw new CheckpointFormatException(path, $"key \"{key}\" must be a {(typeof(T) == typeof(string) ? "string" : "number")}: {json[key]!.ToJsonString()}.", e);
            }
        }
        string type = Required<string>("peft_type");
        if (type != "LORA") throw new CheckpointFormatException(path, $"key \"peft_type\" is \"{type}\"; only \"LORA\" adapters load here.");
        var options = new LoraOptions
        {
            Rank = Required<int>("r"),
            Alpha = Required<float>("lora_alpha"),
            Dropout = json["lora_dropout"] is null ? 0 : Required<float>("lora_dropout"),
        };
        var invalid = new LoraOptionsValidator("adapter_config").Validate(null, options);
        if (invalid.Failed) throw new CheckpointFormatException(path, invalid.FailureMessage.Replace("adapter_config:Rank", "key \"r\"", StringComparison.Ordinal)
            .Replace("adapter_config:Alpha", "key \"lora_alpha\"", StringComparison.Ordinal).Replace("adapter_config:Dropout", "key \"lora_dropout\"", StringComparison.Ordinal));
        var modules = json["target_modules"] switch
        {
            JsonArray array when array.All(n => n is JsonValue v && v.TryGetValue<string>(out _)) => array.Select(n => n!.GetValue<string>()).ToList(),
            JsonValue value when value.TryGetValue<string>(out var one) => [one], // PEFT also takes one regex-free name
            null => throw new CheckpointFormatException(path, "required key \"target_modules\" is missing."),
            var other => throw new CheckpointFormatException(path, $"key \"target_modules\" must be a list of module names: {other.ToJsonString()}."),
        };
        return (options, modules);
    }

    private static string ModelFileIn(string directory, string name)
    {
        string path = Path.Combine(directory, name);
        return File.Exists(path) ? path
            : throw new FileNotFoundException(string.Create(CultureInfo.InvariantCulture, $"{path}: no {name} in the adapter directory."), path);
    }
}
