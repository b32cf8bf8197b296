using LlmForge.Autograd;
using LlmForge.Backends;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Inspection;
using LlmForge.Layers;

namespace LlmForge.Gpt;

/// <summary>
/// A GPT-2-style decoder: token embeddings plus the positional encoding (GPT-2's learned wpe, sinusoids, or
/// rotary inside attention), dropout, N pre-LN <see cref="TransformerBlock"/>s, a final norm and the LM head (a
/// Linear without bias, optionally tied to the token embedding). The attention, positional encoding and norm
/// are kinds (<see cref="GptComponents"/>), by default those the config names. Parameter names (the public
/// contract, see <see cref="GptParameterShapes"/>): tok_emb.weight, pos_emb.weight (learned only),
/// trf_blocks.{i}.…, final_norm.scale/shift, out_head.weight.
/// </summary>
public sealed partial class GptModel : Module
{
    /// <summary>
    /// Builds the model of <paramref name="config"/> on <paramref name="backend"/> with GPT-2's init
    /// (N(0, initializer_range²), residual projections scaled by 1/√(2·n_layer)), drawn from
    /// <paramref name="seed"/>; the same seed also fixes every dropout mask of a run.
    /// <paramref name="components"/> picks the implementations (default: <see cref="GptComponents.For"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The config is invalid (the message names the property and its config.json key).</exception>
    public GptModel(GptConfig config, ITensorBackend backend, int seed = 0, GptComponents? components = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(backend);
        config.Validate();
        Config = config;
        Backend = backend;
        Components = components ?? GptComponents.For(config);

        var init = new ModuleInit(backend, seed, config.InitializerRange);
        int c = config.EmbeddingDim;
        TokenEmbedding = RegisterModule("tok_emb", new Embedding(init, config.VocabSize, c));
        // With a sink token the model reads ContextLength + 1 positions (the sink at 0, the text from 1).
        Positions = RegisterComponent("pos_emb", Components.PositionalEncoding.Create(
            new PositionalEncodingContext(init, c, config.Heads, config.ContextLength + config.PrefixLength)
            { Theta = config.RopeTheta, Convention = config.RopeConvention, Scaling = config.RopeScaling }));
        EmbeddingDropout = RegisterModule("drop_emb", new Dropout(init, config.EmbeddingDropRate));
        var blocks = new TransformerBlock[config.Layers];
        for (int i = 0; i < blocks.Length; i++)
            blocks[i] = new TransformerBlock(init, config, Components, i);
        Blocks = RegisterModule("trf_blocks", new ModuleList<TransformerBlock>(blocks)).Items;
        FinalNorm = RegisterComponent("final_norm", Components.Normalization.Create(
            new NormalizationContext(init, c) { Epsilon = config.LayerNormEpsilon }));
        // Tied: the very same tensor object as tok_emb.weight, so both uses accumulate into one gradient.
        OutHead = RegisterModule("out_head", config.TieWeights
            ? new Linear(TokenEmbedding.Weight)
            : new Linear(init, c, config.VocabSize, bias: false));
        // Last, so the other parameters draw the same initial values with or without it.
        if (config.SinkToken)
        {
            if (Positions is not RotaryPositionalEncoding)
                throw new ArgumentException(
                    $"GptModel: SinkToken (sink_token) needs rotary positions; the positional encoding is {Components.PositionalEncoding.Name}.", nameof(components));
            SinkEmbedding = RegisterModule("sink_emb", new Embedding(init, 1, c));
        }

        foreach (var (name, parameter) in NamedParameters())
            parameter.Name = name; // errors and ToString() then show "trf_blocks.0.att.W_query.weight"
    }

    /// <summary>The sizes and settings the model was built from (what config.json records).</summary>
    public GptConfig Config { get; }

    /// <summary>The backend every parameter and activation of the model computes on.</summary>
    public ITensorBackend Backend { get; }

    /// <summary>The kinds the attention, positional encoding and norms were built from.</summary>
    public GptComponents Components { get; }

    /// <summary>wte: [vocab, C].</summary>
    public Embedding TokenEmbedding { get; }

    /// <summary>wpe (learned), sinusoids, or rotary: acts on the embeddings or on q and k in every block.</summary>
    public IPositionalEncoding Positions { get; }

    /// <summary>embd_pdrop on the token + position embeddings (B, T, C); identity in eval mode.</summary>
    public Dropout EmbeddingDropout { get; }

    /// <summary>The n_layer blocks (h.{i}), in order.</summary>
    public IReadOnlyList<TransformerBlock> Blocks { get; }

    /// <summary>ln_f.</summary>
    public INormalization FinalNorm { get; }

    /// <summary>lm_head: [vocab, C], no bias; its weight is tok_emb's when tied.</summary>
    public Linear OutHead { get; }

    /// <summary>
    /// The learned sink token's vector, sink_emb.weight [1, C], when <see cref="GptConfig.SinkToken"/> is set (else
    /// null): prepended at position 0 of every sequence, the text following at 1, 2, …; the logits are the text's only.
    /// </summary>
    public Embedding? SinkEmbedding { get; }

    /// <summary>
    /// Logits for token ids laid out [batch, seq] row-major: ids (B, T) → logits (B, T, vocab).
    /// </summary>
    /// <exception cref="ArgumentException">ids.Length ≠ batch · seq, or seq exceeds the context length.</exception>
    public Tensor Forward(int[] ids, int batch, int seq) => OutHead.Forward(Hidden(ids, batch, seq)); // (B, T, vocab)

    /// <summary>
    /// Logits of padded rows: <paramref name="attentionMask"/> is Hugging Face's 2-D attention_mask [batch · seq]
    /// (1 = token, 0 = padding; null = none), whose padding keys no query sees (see <see cref="GptAttentionMask"/>).
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Forward(int[], int, int)"/>, or the mask's length or values are wrong (named).</exception>
    public Tensor Forward(int[] ids, int batch, int seq, int[]? attentionMask) =>
        OutHead.Forward(Hidden(ids, batch, seq, attentionMask)); // (B, T, vocab)

    /// <summary>
    /// Logits with what <paramref name="outputs"/> asks for (Hugging Face's output_attentions / output_hidden_states):
    /// every layer's attention probabilities (B, nh, T, T), computed by the unfused path only here, and the hidden
    /// states (B, T, C), the embeddings' output then each block's. The logits are those of
    /// <see cref="Forward(int[], int, int, int[])"/>: the attention's output still comes from its usual kernel.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Forward(int[], int, int, int[])"/>.</exception>
    /// <exception cref="NotSupportedException">Attentions asked of an attention kind that does not report them.</exception>
    public ModelOutput Forward(int[] ids, int batch, int seq, ForwardOutputs outputs, int[]? attentionMask = null)
    {
        var recorder = new ForwardRecorder(outputs, nameof(GptModel));
        return recorder.Result(OutHead.Forward(Hidden(ids, batch, seq, attentionMask, recorder))); // (B, T, vocab)
    }

    /// <summary>
    /// Logits and the mean cross-entropy against next-token <paramref name="targets"/> [batch · seq]. Holds the full
    /// [B·T, vocab] logits (and, after backward, their gradient); training needs only the loss: <see cref="Loss"/>.
    /// </summary>
    public (Tensor Logits, Tensor Loss) Forward(int[] ids, int[] targets, int batch, int seq, int ignoreIndex = -100)
    {
        var logits = Forward(ids, batch, seq);
        return (logits, logits.CrossEntropy(targets, ignoreIndex));
    }

    /// <summary>
    /// The mean cross-entropy against next-token <paramref name="targets"/> [batch · seq], as
    /// <c>Forward(ids, targets, …).Loss</c> to float rounding, without materializing the logits: the LM head and the
    /// cross-entropy run fused over chunks of rows (<see cref="F.LinearCrossEntropy"/>). The training loss.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Forward(int[], int, int)"/>, or targets.Length ≠ batch · seq.</exception>
    public Tensor Loss(int[] ids, int[] targets, int batch, int seq, int ignoreIndex = -100) =>
        Hidden(ids, batch, seq).LinearCrossEntropy(OutHead.Weight, OutHead.Bias, targets, ignoreIndex);

    /// <summary>
    /// The final norm's output, what the LM head (or a classifier's score, <see cref="GptClassifier"/>) reads: ids (B, T)
    /// → (B, T, C); <paramref name="attentionMask"/> as in <see cref="Forward(int[], int, int, int[])"/>.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Forward(int[], int, int, int[])"/>.</exception>
    public Tensor HiddenStates(int[] ids, int batch, int seq, int[]? attentionMask = null) => Hidden(ids, batch, seq, attentionMask);

    /// <summary>The final-norm output the LM head reads: ids (B, T) → (B, T, C).</summary>
    private Tensor Hidden(int[] ids, int batch, int seq, int[]? attentionMask = null, ForwardRecorder? recorder = null)
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

        int prefix = Config.PrefixLength;                                              // 1 with a sink token, else 0
        var mask = WithSinkColumn(GptAttentionMask.ToKeyValid(attentionMask, batch, seq), batch, seq) is { } keyValid
            ? new AttentionMaskSpec { Causal = true, KeyValid = keyValid }                // padding keys hidden too
            : AttentionMaskSpec.CausalMask();
        var tokens = WithSink(TokenEmbedding.Forward(ids, batch, seq));                // (B, prefix + T, C)
        var x = EmbeddingDropout.Forward(Positions.EncodeEmbeddings(tokens, 0));       // + wpe or sinusoids (rotary: as is)
        if (recorder is not null) x = Recorded(x, mask, recorder);
        else
            foreach (var block in Blocks)                                              // no graph: a block's intermediates serve the next
                x = TensorArena.RunLayer((block, x, Positions, mask), static s => s.block.Forward(s.x, s.Positions, s.mask)); // (B, prefix + T, C)
        if (prefix > 0) x = x.Narrow(1, prefix, seq);                                  // the text's positions: (B, T, C)
        return FinalNorm.Forward(x);                                                   // (B, T, C)
    }

    /// <summary>(B, T, C) → (B, 1 + T, C): the sink token's vector before each row, when the model has one.</summary>
    private Tensor WithSink(Tensor tokens)
    {
        if (SinkEmbedding is null) return tokens;
        int batch = tokens.Shape[0];
        return F.Concat(1, SinkEmbedding.Forward(new int[batch], batch, 1), tokens); // (B, 1, C) ++ (B, T, C)
    }

    /// <summary>Key-validity bytes [B · T] with the sink token's column (always a real token) before each row: [B · (1 + T)].</summary>
    private byte[]? WithSinkColumn(byte[]? keyValid, int batch, int seq)
    {
        int prefix = Config.PrefixLength;
        if (keyValid is null || prefix == 0) return keyValid;
        var valid = new byte[batch * (prefix + seq)];
        for (int b = 0; b < batch; b++)
        {
            valid.AsSpan(b * (prefix + seq), prefix).Fill(1);
            keyValid.AsSpan(b * seq, seq).CopyTo(valid.AsSpan(b * (prefix + seq) + prefix));
        }
        return valid;
    }

    /// <summary>
    /// The blocks as in <see cref="Hidden"/>, recording what the recorder was asked for. With a sink token the records
    /// keep its position: attentions (B, nh, 1 + T, 1 + T) and hidden states (B, 1 + T, C), the sink at 0.
    /// </summary>
    private Tensor Recorded(Tensor x, AttentionMaskSpec mask, ForwardRecorder recorder)
    {
        recorder.Hidden(x);                                                            // the embeddings' output
        foreach (var block in Blocks)
        {
            x = TensorArena.RunLayer((block, x, Positions, mask, report: recorder.NextLayer()),
                static s => s.block.Forward(s.x, s.Positions, s.mask, s.report));      // (B, prefix + T, C)
            recorder.Hidden(x);
        }
        return x;
    }
}
