using LlmForge.Autograd;
using LlmForge.Backends;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Layers;

namespace LlmForge.EncoderDecoder;

/// <summary>
/// The encoder-decoder transformer of "Attention Is All You Need" as Hugging Face's MarianMTModel computes it:
/// <code>
/// source (B, S) ─ shared·√C + PE ─ N × EncoderBlock ────────────────┐ memory (B, S, C) + source padding
/// target (B, T) ─ shared·√C + PE ─ M × DecoderBlock (causal self, cross → memory, ff) ─ ·sharedᵀ + final_logits_bias → (B, T, V)
/// </code>
/// One embedding table ("shared") serves source, target and the output layer; positions are fixed sinusoids
/// (sin in the first half of the dims, cos in the second); post-LN as the original and Marian, or pre-LN with a
/// final norm after each stack. Parameter names — the contract <see cref="MarianParameterMap"/> maps to Hugging Face's:
/// shared.weight, encoder.{i}.*, decoder.{i}.*, encoder_norm.*, decoder_norm.* (pre-LN), final_logits_bias.
/// </summary>
public sealed class EncoderDecoderModel : Module
{
    /// <summary>
    /// Builds the model of <paramref name="config"/> on <paramref name="backend"/>, its weights N(0, init_std²) (zero
    /// biases, unit norms, a zero padding row and a zero final_logits_bias) drawn from <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An invalid config: one line per bad key.</exception>
    public EncoderDecoderModel(EncoderDecoderConfig config, ITensorBackend backend, int seed = 0, EncoderDecoderComponents? components = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(backend);
        config.Validate();
        Config = config;
        Backend = backend;
        Components = components ?? EncoderDecoderComponents.Default;
        int c = config.ModelDim;

        var init = new ModuleInit(backend, seed, config.InitStd);
        Shared = RegisterModule("shared", new Embedding(init, config.VocabSize, c, paddingIndex: config.PadTokenId));
        Positions = new SinusoidalPositionalEncoding(init, config.MaxPositions, c, SinusoidLayout.Halves); // no parameters
        EmbeddingScale = config.ScaleEmbedding ? MathF.Sqrt(c) : 1f;
        EmbeddingDropout = RegisterModule("drop", new Dropout(init, config.DropRate));
        var encoder = new EncoderBlock[config.EncoderLayers];
        for (int i = 0; i < encoder.Length; i++) encoder[i] = new EncoderBlock(init, config, Components, i);
        EncoderBlocks = RegisterModule("encoder", new ModuleList<EncoderBlock>(encoder)).Items;
        var decoder = new DecoderBlock[config.DecoderLayers];
        for (int i = 0; i < decoder.Length; i++) decoder[i] = new DecoderBlock(init, config, Components, i);
        DecoderBlocks = RegisterModule("decoder", new ModuleList<DecoderBlock>(decoder)).Items;
        if (config.NormPosition == LayerNormPosition.Pre)
        {
            var norm = new NormalizationContext(init, c) { Epsilon = config.LayerNormEpsilon };
            EncoderNorm = RegisterComponent("encoder_norm", Components.Normalization.Create(norm));
            DecoderNorm = RegisterComponent("decoder_norm", Components.Normalization.Create(norm));
        }
        // HF keeps final_logits_bias as a zero buffer [1, V]; here it is a parameter [V] (it learns when trained)
        FinalLogitsBias = RegisterParameter("final_logits_bias", Tensor.Zeros(backend, config.VocabSize));
        OutHead = new Linear(Shared.Weight, FinalLogitsBias); // tied: logits = h·sharedᵀ + bias, not a child (no second copy)

        foreach (var (name, parameter) in NamedParameters())
            parameter.Name = name;
    }

    /// <summary>The sizes and settings the model was built from (what config.json records).</summary>
    public EncoderDecoderConfig Config { get; }

    /// <summary>The backend every parameter and activation computes on.</summary>
    public ITensorBackend Backend { get; }

    /// <summary>The attention and norm kinds the blocks were built from.</summary>
    public EncoderDecoderComponents Components { get; }

    /// <summary>model.shared: [V, C], the source and target embeddings and the output layer's weight.</summary>
    public Embedding Shared { get; }

    /// <summary>The fixed sinusoids [max_position_embeddings, C] added to both sequences (Marian's halves layout).</summary>
    public SinusoidalPositionalEncoding Positions { get; }

    /// <summary>√d_model with scale_embedding, else 1: multiplies the token embeddings before the positions are added.</summary>
    public float EmbeddingScale { get; }

    /// <summary>dropout on the embedded source and target.</summary>
    public Dropout EmbeddingDropout { get; }

    /// <summary>The encoder layers, in order.</summary>
    public IReadOnlyList<EncoderBlock> EncoderBlocks { get; }

    /// <summary>The decoder layers, in order.</summary>
    public IReadOnlyList<DecoderBlock> DecoderBlocks { get; }

    /// <summary>Pre-LN only: the norm after the last encoder block.</summary>
    public INormalization? EncoderNorm { get; }

    /// <summary>Pre-LN only: the norm after the last decoder block.</summary>
    public INormalization? DecoderNorm { get; }

    /// <summary>final_logits_bias [V], added to every logit row.</summary>
    public Tensor FinalLogitsBias { get; }

    /// <summary>The output layer: decoder states (.., C) → logits (.., V) = h·sharedᵀ + final_logits_bias.</summary>
    public Linear OutHead { get; }

    /// <summary>Decoder logits (B, T, V) of <paramref name="input"/>: encode the source, then decode the whole target at once (teacher forcing).</summary>
    public Tensor Forward(Seq2SeqInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.Validate(Config);
        var memory = Encode(input.InputIds, input.Batch, input.SourceLength, input.SourceKeyValid());
        return Decode(input.DecoderInputIds, input.Batch, input.TargetLength, memory);
    }

    /// <summary>
    /// The encoder: source ids (B, S) → its output (B, S, C) as a cross-attention <see cref="AttentionMemory"/> with the
    /// padding <paramref name="keyValid"/> [B·S] (nonzero = real token; null: none).
    /// </summary>
    /// <param name="cacheProjections">Whether each cross-attention keeps its keys and values of this memory (decoding without a graph).</param>
    /// <param name="ids">input_ids (B, S), row-major.</param>
    /// <param name="batch">B.</param>
    /// <param name="length">S.</param>
    /// <param name="keyValid">The source padding [B·S]; null: every token is real.</param>
    /// <param name="reportWeights">When set, called with each encoder layer's index and self-attention probabilities (B, nh, S, S).</param>
    public AttentionMemory Encode(int[] ids, int batch, int length, byte[]? keyValid, bool cacheProjections = false,
        Action<int, Tensor>? reportWeights = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var mask = keyValid is null ? AttentionMaskSpec.None : AttentionMaskSpec.Padding(keyValid);
        var x = Embed(ids, batch, length, startPosition: 0); // (B, S, C)
        for (int i = 0; i < EncoderBlocks.Count; i++)
        {
            int layer = i;
            x = EncoderBlocks[i].Forward(x, mask, reportWeights is null ? null : w => reportWeights(layer, w)); // (B, S, C)
        }
        return new AttentionMemory(EncoderNorm?.Forward(x) ?? x, keyValid, cacheProjections);
    }

    /// <summary>
    /// The decoder over target ids (B, T) against <paramref name="memory"/>: logits (B, T, V). With <paramref name="cache"/>
    /// the ids are the next tokens after those the cache holds (one per row at a step) and their keys and values join it.
    /// </summary>
    /// <param name="ids">decoder_input_ids (B, T), row-major.</param>
    /// <param name="batch">B.</param>
    /// <param name="length">T.</param>
    /// <param name="memory">The encoder's output and the source padding (<see cref="Encode"/>).</param>
    /// <param name="cache">The decoder self-attention's KV cache (<see cref="CreateDecoderCache"/>); null: the whole target at once.</param>
    /// <param name="reportCross">When set, called with each decoder layer's index and cross-attention probabilities (B, nh, T, S).</param>
    public Tensor Decode(int[] ids, int batch, int length, AttentionMemory memory, DecoderKvCache? cache = null,
        Action<int, Tensor>? reportCross = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(memory);
        int start = cache?.Length ?? 0;
        if (cache is not null && cache.Layers.Count != DecoderBlocks.Count)
            throw new ArgumentException($"EncoderDecoderModel: the cache has {cache.Layers.Count} layers, the decoder {DecoderBlocks.Count}.", nameof(cache));
        if (start + length > Config.MaxPositions)
            throw new ArgumentException(
                $"EncoderDecoderModel: target positions [{start}, {start + length}) run past max_position_embeddings {Config.MaxPositions}.", nameof(length));

        var x = Embed(ids, batch, length, start);                                   // (B, T, C)
        var self = AttentionInput.Causal(x, startPosition: start);                   // queries at start … start+T−1
        for (int i = 0; i < DecoderBlocks.Count; i++)
        {
            int layer = i;
            var input = cache is null ? self : self with { Cache = cache.Layers[i], Tokens = TokenPositions.Uniform(batch, length, start) };
            x = DecoderBlocks[i].Forward(x, input, memory, reportCross is null ? null : w => reportCross(layer, w)); // (B, T, C)
        }
        cache?.Advance(length);
        return OutHead.Forward(DecoderNorm?.Forward(x) ?? x);                        // (B, T, V)
    }

    /// <summary>An empty KV cache for the decoder's self-attention, up to max_position_embeddings target tokens.</summary>
    public DecoderKvCache CreateDecoderCache() => new(DecoderBlocks.Count, Config.MaxPositions);

    /// <summary>ids (B, T) → shared[ids]·scale + PE[start … start+T) → dropout: (B, T, C).</summary>
    private Tensor Embed(int[] ids, int batch, int length, int startPosition)
    {
        var tokens = Shared.Forward(ids, batch, length);                            // (B, T, C)
        if (EmbeddingScale != 1f) tokens = tokens.Scale(EmbeddingScale);
        return EmbeddingDropout.Forward(Positions.EncodeEmbeddings(tokens, startPosition)); // + (T, C) broadcast over B
    }
}
