using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Layers;

namespace LlmForge.Bert;

/// <summary>
/// BERT's input layer (HF bert.embeddings): word + position + token-type embeddings, summed, then LayerNorm
/// and dropout. The word embedding's [PAD] row is torch's padding_idx: zero at init, no gradient from lookups.
/// Children: "tok_emb", "pos_emb", "type_emb", "norm", "dropout".
/// </summary>
public sealed class BertEmbeddings : Module
{
    public BertEmbeddings(ModuleInit init, BertConfig config)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(config);
        int c = config.HiddenSize;
        TokenEmbedding = RegisterModule("tok_emb", new Embedding(init, config.VocabSize, c, paddingIndex: config.PadTokenId));
        PositionEmbedding = RegisterModule("pos_emb", new Embedding(init, config.MaxPositions, c));
        TypeEmbedding = RegisterModule("type_emb", new Embedding(init, config.TypeVocabSize, c));
        Norm = RegisterModule("norm", new LayerNorm(init, c, config.LayerNormEpsilon));
        Dropout = RegisterModule("dropout", new Dropout(init, config.HiddenDropRate));
    }

    /// <summary>word_embeddings [vocab, C]; the MLM decoder shares it.</summary>
    public Embedding TokenEmbedding { get; }

    /// <summary>position_embeddings [max_position_embeddings, C].</summary>
    public Embedding PositionEmbedding { get; }

    /// <summary>token_type_embeddings [type_vocab_size, C].</summary>
    public Embedding TypeEmbedding { get; }

    public LayerNorm Norm { get; }

    public Dropout Dropout { get; }

    /// <summary>ids and token types (B, T) → (B, T, C).</summary>
    public Tensor Forward(int[] ids, int[] tokenTypes, int batch, int seq)
    {
        var positions = new int[seq];
        for (int t = 0; t < seq; t++) positions[t] = t;
        var words = TokenEmbedding.Forward(ids, batch, seq);       // (B, T, C)
        var types = TypeEmbedding.Forward(tokenTypes, batch, seq); // (B, T, C)
        var pos = PositionEmbedding.Forward(positions);            // (T, C), broadcast over B
        return Dropout.Forward(Norm.Forward(words + types + pos)); // (B, T, C)
    }
}
