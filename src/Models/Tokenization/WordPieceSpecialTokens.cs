namespace LlmForge.Tokenization;

/// <summary>
/// The texts of BERT's five special tokens (Hugging Face's unk_token, sep_token, pad_token, cls_token,
/// mask_token), each of which must be a line of vocab.txt.
/// </summary>
public sealed record WordPieceSpecialTokens
{
    /// <summary>Stands for a word WordPiece cannot spell with the vocabulary.</summary>
    public string Unknown { get; init; } = "[UNK]";

    /// <summary>Ends each segment: [CLS] A [SEP] or [CLS] A [SEP] B [SEP].</summary>
    public string Separator { get; init; } = "[SEP]";

    /// <summary>Fills rows up to the batch's length; attention_mask is 0 there.</summary>
    public string Padding { get; init; } = "[PAD]";

    /// <summary>First token of every input; the pooler and classifier read its hidden state.</summary>
    public string Classification { get; init; } = "[CLS]";

    /// <summary>What masked-LM training puts in place of a hidden token, and what fill-mask fills.</summary>
    public string Mask { get; init; } = "[MASK]";

    /// <summary>BERT's defaults: [UNK] [SEP] [PAD] [CLS] [MASK].</summary>
    public static WordPieceSpecialTokens Default { get; } = new();

    /// <summary>The five, in the order a new vocabulary lists them: [PAD] [UNK] [CLS] [SEP] [MASK] (bert-base-uncased's order).</summary>
    public IReadOnlyList<string> All => [Padding, Unknown, Classification, Separator, Mask];
}
