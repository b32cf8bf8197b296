using LlmForge.Training;

namespace LlmForge.Hosting;

/// <summary>
/// The <c>"LlmForge"</c> configuration section (appsettings.json, then environment variables such as
/// <c>LlmForge__Backend=Mkl</c>, then command-line flags): which backend computes, which named model variant is
/// built, the variants themselves, and how training runs. Bound and validated by <c>services.AddLlmForge(section)</c>.
/// </summary>
public sealed class LlmForgeOptions
{
    /// <summary>The section name applications conventionally bind: <c>configuration.GetSection("LlmForge")</c>.</summary>
    public const string SectionName = "LlmForge";

    /// <summary>A registered backend name ("Managed", "Mkl", …); case-insensitive.</summary>
    public string Backend { get; set; } = "Managed";

    /// <summary>Compute threads; 0 means every core.</summary>
    public int Threads { get; set; }

    /// <summary>The variant built when none is named: a key of <see cref="Variants"/>.</summary>
    public string Variant { get; set; } = "gpt-char";

    /// <summary>Named model variants, e.g. <c>"Variants": { "gpt-rope": { … } }</c>; names are case-insensitive like configuration keys.</summary>
    public Dictionary<string, ModelVariantOptions> Variants { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The optimizer, schedule, batching and evaluation of a run.</summary>
    public TrainingOptions Training { get; set; } = new();

    /// <summary>What decoding keeps of the tokens seen: dense, recompute, window or sink (<see cref="KvCacheOptions"/>).</summary>
    public KvCacheOptions KvCache { get; set; } = new();

    /// <summary>Label smoothing, length limit and BLEU/chrF evaluation of a translation run (<see cref="TranslationOptions"/>).</summary>
    public TranslationOptions Translation { get; set; } = new();

    /// <summary>LoRA adapters' rank, α, dropout and targets for <c>train --init-from DIR --lora</c> (<see cref="Lora.LoraOptions"/>).</summary>
    public Lora.LoraOptions Lora { get; set; } = new();
}
