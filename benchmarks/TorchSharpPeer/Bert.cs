using LlmForge.Cli.Commands.Bench.Workloads;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TorchSharpPeer;

/// <summary>
/// BERT's encoder in TorchSharp (Hugging Face BertModel without the pooler): word + position + token-type
/// embeddings and LayerNorm, then post-LN layers (x = LN(x + attn(x)), x = LN(x + mlp(x)), erf GELU, MLP 4·C),
/// bidirectional attention through scaled_dot_product_attention. Padding-free batch: every sequence fills
/// seq_len, so no attention mask. LayerNorm eps 1e-12 as BERT's; dropout omitted (drop_rate 0).
/// </summary>
internal sealed class Bert : nn.Module
{
    private const double Eps = 1e-12;
    private readonly Embedding word_embeddings, position_embeddings, token_type_embeddings;
    private readonly LayerNorm embeddings_norm;
    private readonly ModuleList<BertLayer> layer;

    public Bert(WorkloadModel config) : base("bert")
    {
        if (config.DropRate != 0) throw new NotSupportedException($"the TorchSharp BERT has no dropout; drop_rate must be 0, got {config.DropRate}");
        word_embeddings = nn.Embedding(config.VocabSize, config.EmbeddingDim);
        position_embeddings = nn.Embedding(config.ContextLength, config.EmbeddingDim);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.EmbeddingDim);
        embeddings_norm = nn.LayerNorm(config.EmbeddingDim, Eps);
        layer = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new BertLayer(config)).ToArray());
        RegisterComponents();
        using (no_grad())
            foreach (var (name, p) in named_parameters())
                if (name.EndsWith("bias", StringComparison.Ordinal)) p.zero_();
                else if (p.dim() == 2) nn.init.normal_(p, 0, 0.02);
    }

    /// <summary>ids and token types (B, T) → last hidden state (B, T, C).</summary>
    public Tensor Forward(Tensor ids, Tensor tokenTypes)
    {
        using var positions = arange(ids.shape[1], dtype: ScalarType.Int64);
        var x = embeddings_norm.forward(word_embeddings.forward(ids) + position_embeddings.forward(positions)
                                        + token_type_embeddings.forward(tokenTypes));
        foreach (var l in layer) x = l.Forward(x);
        return x;
    }
}

internal sealed class BertLayer : nn.Module
{
    private const double Eps = 1e-12;
    private readonly Linear qkv, attention_output, intermediate, output;
    private readonly LayerNorm attention_norm, output_norm;
    private readonly long heads, headDim;

    public BertLayer(WorkloadModel config) : base("layer")
    {
        long c = config.EmbeddingDim;
        heads = config.Heads;
        headDim = c / heads;
        qkv = nn.Linear(c, 3 * c, hasBias: config.QkvBias); // query, key, value in one GEMM
        attention_output = nn.Linear(c, c);
        attention_norm = nn.LayerNorm(c, Eps);
        intermediate = nn.Linear(c, 4 * c);
        output = nn.Linear(4 * c, c);
        output_norm = nn.LayerNorm(c, Eps);
        RegisterComponents();
    }

    public Tensor Forward(Tensor x)
    {
        long b = x.shape[0], t = x.shape[1], c = x.shape[2];
        var parts = qkv.forward(x).view(b, t, 3, heads, headDim).permute(2, 0, 3, 1, 4); // (3, B, H, T, D)
        var y = F.scaled_dot_product_attention(parts[0], parts[1], parts[2]);             // (B, H, T, D)
        x = attention_norm.forward(x + attention_output.forward(y.transpose(1, 2).reshape(b, t, c)));
        return output_norm.forward(x + output.forward(F.gelu(intermediate.forward(x))));
    }
}
