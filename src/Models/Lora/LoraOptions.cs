namespace LlmForge.Lora;

/// <summary>
/// The <c>Lora</c> configuration section: low-rank adapters (Hu et al. 2021, "LoRA"; Raschka's appendix E) on the
/// linear layers <see cref="Targets"/> names. Each adapted layer computes y = W·x + b + (α/r)·B·A·dropout(x), with A
/// [r, in] and B [out, r]; W stays frozen, only A and B train. Checked by <see cref="LoraOptionsValidator"/>.
/// <code>"Lora": { "Rank": 8, "Alpha": 16, "Targets": ["attn.qkv", "attn.proj", "mlp"], "Dropout": 0 }</code>
/// </summary>
public sealed class LoraOptions
{
    /// <summary>The configuration section's name under LlmForge: <c>LlmForge:Lora</c>.</summary>
    public const string SectionName = "Lora";

    /// <summary>r: the rank of the update B·A (PEFT's r).</summary>
    public int Rank { get; set; } = 8;

    /// <summary>α: the update is scaled by α / r (PEFT's lora_alpha), so a new rank needs no new learning rate.</summary>
    public float Alpha { get; set; } = 16;

    /// <summary>
    /// Which linear layers get an adapter, by LlmForge's names (<see cref="LoraTargets.All"/>): "attn.qkv" (GPT-2's
    /// c_attn; Llama's q_proj, k_proj, v_proj), "attn.proj" (c_proj; o_proj), "mlp" (c_fc and c_proj; gate_proj,
    /// up_proj, down_proj).
    /// </summary>
    public List<string> Targets { get; set; } = [LoraTargets.AttentionQkv, LoraTargets.AttentionProjection, LoraTargets.Mlp];

    /// <summary>Dropout on the adapter's input during training (PEFT's lora_dropout); 0 = none.</summary>
    public float Dropout { get; set; }

    /// <summary>α / r, the factor of B·A.</summary>
    public float Scaling => Alpha / Rank;
}
