using LlmForge.Autograd;
using LlmForge.Backends;
using LlmForge.Checkpoints;
using LlmForge.Layers;

namespace LlmForge.Gpt;

/// <summary>
/// A GPT-2-style decoder: token + learned position embeddings, dropout, N pre-LN
/// <see cref="TransformerBlock"/>s, a final norm and the LM head (a Linear without bias, optionally
/// tied to the token embedding). Parameter names (the public contract, see <see cref="GptParameterShapes"/>):
/// tok_emb.weight, pos_emb.weight, trf_blocks.{i}.…, final_norm.scale/shift, out_head.weight.
/// </summary>
public sealed class GptModel : Module
{
    /// <summary>
    /// Builds the model of <paramref name="config"/> on <paramref name="backend"/> with GPT-2's init
    /// (N(0, initializer_range²), residual projections scaled by 1/√(2·n_layer)), drawn from
    /// <paramref name="seed"/>; the same seed also fixes every dropout mask of a run.
    /// </summary>
    /// <exception cref="ArgumentException">The config is invalid (the message names the property and its config.json key).</exception>
    /// <exception cref="NotSupportedException">The config asks for rotary position embeddings, which this model does not have.</exception>
    public GptModel(GptConfig config, ITensorBackend backend, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(backend);
        config.Validate();
        if (config.PositionEmbedding != PositionEmbeddingType.Absolute)
            throw new NotSupportedException(
                $"GptModel: position_embedding_type {config.PositionEmbedding} is not supported; it has learned absolute positions (\"absolute\").");
        Config = config;
        Backend = backend;

        var init = new ModuleInit(backend, seed, config.InitializerRange);
        TokenEmbedding = RegisterModule("tok_emb", new Embedding(init, config.VocabSize, config.EmbeddingDim));
        PositionEmbedding = RegisterModule("pos_emb", new Embedding(init, config.ContextLength, config.EmbeddingDim));
        EmbeddingDropout = RegisterModule("drop_emb", new Dropout(init, config.EmbeddingDropRate));
        var blocks = new TransformerBlock[config.Layers];
        for (int i = 0; i < blocks.Length; i++)
            blocks[i] = new TransformerBlock(init, config);
        Blocks = blocks;
        RegisterModule("trf_blocks", new Sequential(blocks));
        FinalNorm = (ITensorModule)RegisterModule("final_norm", (Module)TransformerBlock.CreateNorm(init, config));
        // Tied: the very same tensor object as tok_emb.weight, so both uses accumulate into one gradient.
        OutHead = RegisterModule("out_head", config.TieWeights
            ? new Linear(TokenEmbedding.Weight)
            : new Linear(init, config.EmbeddingDim, config.VocabSize, bias: false));

        foreach (var (name, parameter) in NamedParameters())
            parameter.Name = name; // errors and ToString() then show "trf_blocks.0.att.W_query.weight"
    }

    public GptConfig Config { get; }

    public ITensorBackend Backend { get; }

    /// <summary>wte: [vocab, C].</summary>
    public Embedding TokenEmbedding { get; }

    /// <summary>wpe: [context_length, C].</summary>
    public Embedding PositionEmbedding { get; }

    public Dropout EmbeddingDropout { get; }

    public IReadOnlyList<TransformerBlock> Blocks { get; }

    /// <summary>ln_f.</summary>
    public ITensorModule FinalNorm { get; }

    /// <summary>lm_head: [vocab, C], no bias; its weight is tok_emb's when tied.</summary>
    public Linear OutHead { get; }

    /// <summary>
    /// Logits for token ids laid out [batch, seq] row-major: ids (B, T) → logits (B, T, vocab).
    /// </summary>
    /// <exception cref="ArgumentException">ids.Length ≠ batch · seq, or seq exceeds the context length.</exception>
    public Tensor Forward(int[] ids, int batch, int seq)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seq);
        if (seq > Config.ContextLength)
            throw new ArgumentException(
                $"GptModel: sequence length {seq} exceeds the context length {Config.ContextLength} (n_positions); " +
                "crop the input to the last ContextLength tokens.", nameof(seq));
        if (ids.Length != (long)batch * seq)
            throw new ArgumentException(
                $"GptModel: {ids.Length} token ids do not fill batch {batch} × seq {seq} = {(long)batch * seq}.", nameof(ids));

        var positions = new int[seq];
        for (int t = 0; t < seq; t++) positions[t] = t;

        var tokens = TokenEmbedding.Forward(ids, batch, seq);  // (B, T, C)
        var pos = PositionEmbedding.Forward(positions);        // (T, C), broadcast over B
        var x = EmbeddingDropout.Forward(tokens + pos);        // (B, T, C)
        foreach (var block in Blocks)
            x = block.Forward(x);                              // (B, T, C)
        x = FinalNorm.Forward(x);                              // (B, T, C)
        return OutHead.Forward(x);                             // (B, T, vocab)
    }

    /// <summary>Logits and the mean cross-entropy against next-token <paramref name="targets"/> [batch · seq].</summary>
    public (Tensor Logits, Tensor Loss) Forward(int[] ids, int[] targets, int batch, int seq, int ignoreIndex = -100)
    {
        var logits = Forward(ids, batch, seq);
        return (logits, logits.CrossEntropy(targets, ignoreIndex));
    }
}
