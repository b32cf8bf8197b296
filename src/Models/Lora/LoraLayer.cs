using LlmForge.Autograd;
using LlmForge.Backends;
using LlmForge.Layers;

namespace LlmForge.Lora;

/// <summary>
/// The adapter of one Hugging Face module (<see cref="LoraSite"/>): "lora_A" [r, in], "lora_B" [out, r] — PEFT's
/// parameters and shapes — and "lora_dropout" on the input. It adds (α/r)·B·A·dropout(x) to each of its layers'
/// outputs, the rows of B that belong to that layer (GPT-2's c_attn: rows 0..C-1 to q, C..2C-1 to k, the rest to v).
/// A starts kaiming-uniform as PEFT's (U(±1/√in)), B at zero, so a fresh adapter changes nothing.
/// </summary>
public sealed class LoraLayer : Module
{
    /// <param name="site">The module adapted and its layers.</param>
    /// <param name="rank">r.</param>
    /// <param name="scaling">α / r.</param>
    /// <param name="dropout">Dropout on the adapter's input in training.</param>
    /// <param name="rng">Draws A.</param>
    /// <param name="dropoutSeed">The dropout's mask stream.</param>
    public LoraLayer(LoraSite site, int rank, float scaling, float dropout, Random rng, ulong dropoutSeed)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rank);
        Site = site;
        Rank = rank;
        Scaling = scaling;
        var backend = site.Parts[0].Weight.Backend;
        float bound = 1f / MathF.Sqrt(site.InFeatures); // kaiming_uniform_(a=√5): gain √(1/3) · √(3/in)
        A = RegisterModule("lora_A", new Linear(Tensor.Uniform(backend, rng, -bound, bound, rank, site.InFeatures)));
        B = RegisterModule("lora_B", new Linear(Tensor.Zeros(backend, site.OutFeatures, rank)));
        InputDropout = RegisterModule("lora_dropout", new Dropout(dropout, dropoutSeed));
        var parts = new List<Part>(site.Parts.Count);
        int offset = 0;
        foreach (var layer in site.Parts)
        {
            parts.Add(new Part(this, layer, offset, site.Parts.Count == 1));
            offset += layer.OutFeatures;
        }
        Parts = parts;
    }

    /// <summary>The module adapted.</summary>
    public LoraSite Site { get; }

    /// <summary>r.</summary>
    public int Rank { get; }

    /// <summary>α / r.</summary>
    public float Scaling { get; }

    /// <summary>lora_A: in → r, weight [r, in].</summary>
    public Linear A { get; }

    /// <summary>lora_B: r → out, weight [out, r].</summary>
    public Linear B { get; }

    /// <summary>lora_dropout on x before A.</summary>
    public Dropout InputDropout { get; }

    internal IReadOnlyList<Part> Parts { get; }

    /// <summary>Sets every layer's <see cref="Linear.Adapter"/> to this adapter's part.</summary>
    internal void Attach()
    {
        foreach (var part in Parts)
        {
            if (part.Layer.Adapter is not null && !ReferenceEquals(part.Layer.Adapter, part))
                throw new InvalidOperationException($"LoRA: {Site.Module} already has an adapter; detach or merge it first.");
            part.Layer.Adapter = part;
        }
    }

    /// <summary>Removes this adapter's parts from their layers.</summary>
    internal void Detach()
    {
        foreach (var part in Parts)
            if (ReferenceEquals(part.Layer.Adapter, part)) part.Layer.Adapter = null;
    }

    /// <summary>W_part [width, in] += (α/r) · B_part [width, r] · A [r, in], for every layer.</summary>
    internal void MergeIntoWeights()
    {
        foreach (var part in Parts)
        {
            var w = part.Layer.Weight;
            int width = part.Layer.OutFeatures, inDim = part.Layer.InFeatures;
            w.Backend.Gemm(false, false, width, inDim, Rank, Scaling,
                B.Weight.Data.AsSpan(part.Offset * Rank, width * Rank), Rank, A.Weight.Data, inDim, 1f, w.Data, inDim);
            if (part.Layer.InferenceWeight is not null) part.Layer.UseBFloat16Weight(); // the bf16 copy follows the new weight
            if (part.Layer.QuantizedWeight is not null) part.Layer.UseInt8Weight(); // and so does the int8 one
        }
    }

    /// <summary>One layer's share: (α/r) · B[offset : offset + width] · A · dropout(x).</summary>
    internal sealed class Part(LoraLayer owner, Linear layer, int offset, bool whole) : ILinearAdapter
    {
        public Linear Layer { get; } = layer;

        public int Offset { get; } = offset;

        /// <summary>(.., in) → (.., width).</summary>
        public Tensor Forward(Tensor x)
        {
            var u = owner.A.Forward(owner.InputDropout.Forward(x));                                     // (.., r)
            var b = whole ? owner.B.Weight : owner.B.Weight.Narrow(0, Offset, Layer.OutFeatures);      // [width, r]
            return u.Linear(b).Scale(owner.Scaling);                                                    // (.., width)
        }
    }
}
