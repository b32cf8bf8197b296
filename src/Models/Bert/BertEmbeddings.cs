using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Layers;

namespace LlmForge.Bert;

/// <summary>
/// BERT's input layer (HF bert.embeddings): word + token-type embeddings, then the positional encoding (BERT's
/// learned position table; sinusoids add theirs here too, rotary acts inside attention instead), then the norm
/// and dropout. The word embedding's [PAD] row is torch's padding_idx: zero at init, no gradient from lookups.
/// Children: "tok_emb", "pos_emb", "type_emb", "norm", "dropout".
/// </summary>
public sealed class BertEmbeddings : Module
{
    /// <summary>
    /// Builds the embeddings of <paramref name="config"/> (vocab, position and type tables of width hidden_size) with
    /// the positional encoding and norm of <paramref name="components"/>.
    /// </summary>
    public BertEmbeddings(ModuleInit init, BertConfig config, BertComponents components)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(components);
        int c = config.HiddenSize;
        TokenEmbedding = RegisterModule("tok_emb", new Embedding(init, config.VocabSize, c, paddingIndex: config.PadTokenId));
        Positions = RegisterComponent("pos_emb", components.PositionalEncoding.Create(
            new PositionalEncodingContext(init, c, config.Heads, config.MaxPositions) { Theta = config.RopeTheta }));
        TypeEmbedding = RegisterModule("type_emb", new Embedding(init, config.TypeVocabSize, c));
        Norm = RegisterComponent("norm", components.Normalization.Create(new NormalizationContext(init, c) { Epsilon = config.LayerNormEpsilon }));
        Dropout = RegisterModule("dropout", new Dropout(init, config.HiddenDropRate));
    }

    /// <summary>word_embeddings [vocab, C]; the MLM decoder shares it.</summary>
    public Embedding TokenEmbedding { get; }

    /// <summary>position_embeddings [max_position_embeddings, C] (learned), sinusoids, or rotary (used by every attention).</summary>
    public IPositionalEncoding Positions { get; }

    /// <summary>token_type_embeddings [type_vocab_size, C].</summary>
    public Embedding TypeEmbedding { get; }

    /// <summary>LayerNorm (or the configured norm).</summary>
    public INormalization Norm { get; }

    /// <summary>hidden_dropout_prob on the normed sum (B, T, C); identity in eval mode.</summary>
    public Dropout Dropout { get; }

    /// <summary>ids and token types (B, T) → (B, T, C).</summary>
    public Tensor Forward(int[] ids, int[] tokenTypes, int batch, int seq)
    {
        var words = TokenEmbedding.Forward(ids, batch, seq);       // (B, T, C)
        var types = TypeEmbedding.Forward(tokenTypes, batch, seq); // (B, T, C)
        var x = Positions.EncodeEmbeddings(words + types, 0);      // (B, T, C) + (T, C) for learned or sinusoidal
        return Dropout.Forward(Norm.Forward(x));                   // (B, T, C)
    }
}
