using LlmForge.Cli.Commands.Bench.Workloads;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TorchSharpPeer;

/// <summary>
/// GPT-2 in TorchSharp, as LlmForge's GptModel: token + learned position embeddings, pre-LN blocks (causal
/// attention through scaled_dot_product_attention, tanh GELU, MLP 4·C), final LayerNorm, LM head without bias,
/// optionally tied to the token embedding; qkv bias optional. Dropout is omitted: every workload has drop_rate 0.
/// </summary>
internal sealed class Gpt : nn.Module
{
    private readonly Embedding wte, wpe;
    private readonly ModuleList<GptBlock> h;
    private readonly LayerNorm ln_f;
    private readonly Linear? lm_head; // null when tied: the head is wte.weight
    private readonly long vocab;

    public Gpt(WorkloadModel config) : base("gpt")
    {
        if (config.DropRate != 0) throw new NotSupportedException($"the TorchSharp GPT has no dropout; drop_rate must be 0, got {config.DropRate}");
        vocab = config.VocabSize;
        wte = nn.Embedding(config.VocabSize, config.EmbeddingDim);
        wpe = nn.Embedding(config.ContextLength, config.EmbeddingDim);
        h = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new GptBlock(config)).ToArray());
        ln_f = nn.LayerNorm(config.EmbeddingDim);
        lm_head = config.TieWeights ? null : nn.Linear(config.EmbeddingDim, config.VocabSize, hasBias: false);
        RegisterComponents();
        // GPT-2's init: N(0, 0.02²) weights, zero biases (LayerNorms stay 1 and 0).
        using (no_grad())
            foreach (var (name, p) in named_parameters())
                if (name.EndsWith("bias", StringComparison.Ordinal)) p.zero_();
                else if (p.dim() == 2) nn.init.normal_(p, 0, 0.02);
    }

    public long Vocab => vocab;

    /// <summary>ids (B, T) → logits (B, T, vocab): the training forward.</summary>
    public Tensor Forward(Tensor ids) => Head(Trunk(ids, cache: null, position: 0));

    /// <summary>
    /// ids (B, T) at positions [position, position + T) with a KV cache → logits of the last position only (B, vocab):
    /// the generation forward (the head's [T, vocab] matrix is computed for one position, not T).
    /// </summary>
    public Tensor ForwardLast(Tensor ids, KvCache cache, long position)
    {
        var x = Trunk(ids, cache, position);                   // (B, T, C)
        return Head(x.select(1, x.shape[1] - 1));              // (B, vocab)
    }

    public KvCache NewCache(long batch, long length) => new(h.Select(b => b.NewLayerCache(batch, length)).ToArray());

    private Tensor Trunk(Tensor ids, KvCache? cache, long position)
    {
        long t = ids.shape[1];
        using var positions = arange(position, position + t, dtype: ScalarType.Int64);
        var x = wte.forward(ids) + wpe.forward(positions);     // (B, T, C)
        for (int i = 0; i < h.Count; i++)
            x = h[i].Forward(x, cache?.Layers[i], position);
        return ln_f.forward(x);
    }

    private Tensor Head(Tensor x) => lm_head is null ? F.linear(x, wte.weight!) : lm_head.forward(x);
}

/// <summary>Per layer, keys and values (B, H, length, D) preallocated for the whole generation.</summary>
internal sealed record LayerCache(Tensor Keys, Tensor Values);

internal sealed record KvCache(LayerCache[] Layers) : IDisposable
{
    public void Dispose()
    {
        foreach (var layer in Layers) { layer.Keys.Dispose(); layer.Values.Dispose(); }
    }
}

/// <summary>x + attn(ln_1(x)), then x + mlp(ln_2(x)).</summary>
internal sealed class GptBlock : nn.Module
{
    private readonly LayerNorm ln_1, ln_2;
    private readonly Linear c_attn, c_proj, c_fc, mlp_proj;
    private readonly long heads, headDim;

    public GptBlock(WorkloadModel config) : base("block")
    {
        long c = config.EmbeddingDim;
        heads = config.Heads;
        headDim = c / heads;
        ln_1 = nn.LayerNorm(c);
        c_attn = nn.Linear(c, 3 * c, hasBias: config.QkvBias); // q, k, v in one GEMM
        c_proj = nn.Linear(c, c);
        ln_2 = nn.LayerNorm(c);
        c_fc = nn.Linear(c, 4 * c);
        mlp_proj = nn.Linear(4 * c, c);
        RegisterComponents();
    }

    public LayerCache NewLayerCache(long batch, long length) =>
        new(zeros(batch, heads, length, headDim), zeros(batch, heads, length, headDim));

    public Tensor Forward(Tensor x, LayerCache? cache, long position)
    {
        x = x + Attention(ln_1.forward(x), cache, position);
        return x + mlp_proj.forward(F.gelu(c_fc.forward(ln_2.forward(x)), GELU.Approximate.tanh));
    }

    private Tensor Attention(Tensor x, LayerCache? cache, long position)
    {
        long b = x.shape[0], t = x.shape[1], c = x.shape[2];
        var qkv = c_attn.forward(x).view(b, t, 3, heads, headDim).permute(2, 0, 3, 1, 4); // (3, B, H, T, D)
        Tensor q = qkv[0], k = qkv[1], v = qkv[2];
        bool causal = true;
        if (cache is not null)
        {
            cache.Keys.narrow(2, position, t).copy_(k);
            cache.Values.narrow(2, position, t).copy_(v);
            k = cache.Keys.narrow(2, 0, position + t);          // (B, H, position + T, D)
            v = cache.Values.narrow(2, 0, position + t);
            // A single new token attends to everything cached; a prompt at position 0 is plain causal.
            if (t == 1) causal = false;
            else if (position != 0) throw new NotSupportedException("a multi-token step after position 0 needs an offset causal mask");
        }
        var y = F.scaled_dot_product_attention(q, k, v, is_casual: causal); // (B, H, T, D)
        return c_proj.forward(y.transpose(1, 2).reshape(b, t, c));
    }
}
