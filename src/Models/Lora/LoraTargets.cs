using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Layers;

namespace LlmForge.Lora;

/// <summary>
/// One Hugging Face module an adapter attaches to: its name ("transformer.h.0.attn.c_attn"), the target it belongs to
/// ("attn.qkv"), and the LlmForge <see cref="Linear"/>s it holds side by side along its output — GPT-2's fused c_attn
/// is q | k | v, so its one adapter (A [r, C], B [3C, r], as PEFT's) updates three layers; every other module is one.
/// </summary>
/// <param name="Module">The Hugging Face module name, the PEFT key's middle part.</param>
/// <param name="Target">The <see cref="LoraTargets"/> name that selects it.</param>
/// <param name="Parts">The layers, in the order of the module's output axis.</param>
/// <param name="Conv1D">Whether Hugging Face stores the weight as Conv1D [in, out] (PEFT's fan_in_fan_out).</param>
public sealed record LoraSite(string Module, string Target, IReadOnlyList<Linear> Parts, bool Conv1D)
{
    /// <summary>in: the width the parts read.</summary>
    public int InFeatures => Parts[0].InFeatures;

    /// <summary>out: the parts' widths together.</summary>
    public int OutFeatures => Parts.Sum(p => p.OutFeatures);
}

/// <summary>
/// The adapter targets of a decoder and the Hugging Face modules each selects, read off the explicit checkpoint table
/// (<see cref="Gpt2ParameterMap"/>, which covers the GPT-2 and the Llama layouts), so an adapter's keys are the names
/// transformers and PEFT give the same layers.
/// <code>
/// target      GPT-2 layout                 Llama layout
/// attn.qkv    h.{i}.attn.c_attn            layers.{i}.self_attn.q_proj, k_proj, v_proj
/// attn.proj   h.{i}.attn.c_proj            layers.{i}.self_attn.o_proj
/// mlp         h.{i}.mlp.c_fc, mlp.c_proj   layers.{i}.mlp.gate_proj, up_proj, down_proj
/// </code>
/// </summary>
public static class LoraTargets
{
    /// <summary>The query, key and value projections.</summary>
    public const string AttentionQkv = "attn.qkv";

    /// <summary>The attention's output projection.</summary>
    public const string AttentionProjection = "attn.proj";

    /// <summary>The feed-forward's linears.</summary>
    public const string Mlp = "mlp";

    /// <summary>Every target name, in the order sites are listed.</summary>
    public static IReadOnlyList<string> All { get; } = [AttentionQkv, AttentionProjection, Mlp];

    /// <summary>Every module of <paramref name="model"/> an adapter can attach to, in Hugging Face's state_dict order.</summary>
    /// <exception cref="NotSupportedException">A targetable parameter is not a <see cref="Linear"/>'s (a user's own attention kind).</exception>
    public static IReadOnlyList<LoraSite> Sites(GptModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var modules = model.NamedModules().ToDictionary(m => m.Name, m => m.Module, StringComparer.Ordinal);
        var sites = new List<LoraSite>();
        foreach (var row in Gpt2ParameterMap.For(model.Config))
        {
            if (!row.HfName.EndsWith(".weight", StringComparison.Ordinal) || TargetOf(row.Parameters[0]) is not { } target) continue;
            var parts = row.Parameters.Select(p =>
            {
                string path = p[..^".weight".Length];
                return modules.GetValueOrDefault(path) as Linear
                    ?? throw new NotSupportedException($"LoRA: '{path}' is not a Linear layer ({modules.GetValueOrDefault(path)?.GetType().Name ?? "missing"}); adapters need the built-in attention and feed-forward.");
            }).ToList();
            sites.Add(new LoraSite(row.HfName[..^".weight".Length], target, parts, row.Layout == Gpt2Layout.Conv1D));
        }
        return sites;
    }

    /// <summary>The sites of <paramref name="model"/> that <paramref name="targets"/> select.</summary>
    public static IReadOnlyList<LoraSite> Select(GptModel model, IEnumerable<string> targets)
    {
        var wanted = targets.ToHashSet(StringComparer.Ordinal);
        return [.. Sites(model).Where(s => wanted.Contains(s.Target))];
    }

    /// <summary>
    /// PEFT's target_modules for <paramref name="selected"/>: each module's last name ("c_attn", "q_proj") when every
    /// module of the model with that name is selected, else its last two ("attn.c_proj", when the MLP's c_proj is not).
    /// PEFT selects a module when its name ends with "." + an entry.
    /// </summary>
    public static IReadOnlyList<string> ModuleNames(IReadOnlyList<LoraSite> all, IReadOnlyList<LoraSite> selected)
    {
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(selected);
        var chosen = selected.Select(s => s.Module).ToHashSet(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (var site in selected)
        {
            var parts = site.Module.Split('.');
            string last = parts[^1];
            string name = all.Where(s => Matches(s.Module, last)).All(s => chosen.Contains(s.Module)) ? last : parts[^2] + "." + last;
            if (!names.Contains(name)) names.Add(name);
        }
        return names;
    }

    /// <summary>The sites whose module name PEFT's <paramref name="targetModules"/> select (exact, or ending with "." + an entry).</summary>
    public static IReadOnlyList<LoraSite> Matching(IReadOnlyList<LoraSite> all, IEnumerable<string> targetModules)
    {
        var entries = targetModules.ToList();
        return [.. all.Where(s => entries.Any(t => Matches(s.Module, t)))];
    }

    private static bool Matches(string module, string entry) =>
        module == entry || module.EndsWith("." + entry, StringComparison.Ordinal);

    /// <summary>The target of a block's parameter ("trf_blocks.0.att.W_key.weight" → attn.qkv), or null (norms, embeddings).</summary>
    private static string? TargetOf(string parameter)
    {
        if (!parameter.StartsWith("trf_blocks.", StringComparison.Ordinal)) return null;
        if (parameter.Contains(".att.W_query.", StringComparison.Ordinal) || parameter.Contains(".att.W_key.", StringComparison.Ordinal)
            || parameter.Contains(".att.W_value.", StringComparison.Ordinal)) return AttentionQkv;
        if (parameter.Contains(".att.out_proj.", StringComparison.Ordinal)) return AttentionProjection;
        if (parameter.Contains(".ff.", StringComparison.Ordinal)) return Mlp;
        return null;
    }
}
