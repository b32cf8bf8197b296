namespace LlmForge.Checkpoints;

/// <summary>
/// Which optional parts a BERT model has on top of its encoder, as Hugging Face's classes differ:
/// BertForMaskedLM (masked-LM head, no pooler), BertForSequenceClassification (pooler + classifier),
/// BertForPreTraining / bert-base-uncased (pooler + masked-LM head).
/// </summary>
/// <param name="Pooler">bert.pooler: dense + tanh on the [CLS] state.</param>
/// <param name="MaskedLM">cls.predictions: dense + GELU + LayerNorm, decoder tied to the word embeddings, plus a bias.</param>
/// <param name="Classifier">classifier: dropout + linear on the pooled [CLS] state, one logit per class of BertConfig.Labels (needs the pooler).</param>
public readonly record struct BertHeads(bool Pooler, bool MaskedLM, bool Classifier = false)
{
    /// <summary>BertForMaskedLM.</summary>
    public static BertHeads MaskedLanguageModel => new(Pooler: false, MaskedLM: true);

    /// <summary>BertForPreTraining without its next-sentence head: pooler and masked-LM head.</summary>
    public static BertHeads PreTraining => new(Pooler: true, MaskedLM: true);

    /// <summary>BertForSequenceClassification.</summary>
    public static BertHeads SequenceClassification => new(Pooler: true, MaskedLM: false, Classifier: true);

    /// <summary>
    /// The transformers class to load this combination with (written to config.json's "architectures"): with the
    /// MLM head BertForMaskedLM, as bert-base-uncased's own config.json says although its weights hold a pooler too.
    /// </summary>
    public string Architecture => (Classifier, MaskedLM) switch
    {
        (true, _) => "BertForSequenceClassification",
        (false, true) => "BertForMaskedLM",
        _ => "BertModel",
    };

    /// <summary>
    /// "BertForMaskedLM (pooler no, masked-LM head yes, classifier no)": the class and each part, for messages.
    /// </summary>
    public override string ToString() =>
        $"{Architecture} (pooler {(Pooler ? "yes" : "no")}, masked-LM head {(MaskedLM ? "yes" : "no")}, classifier {(Classifier ? "yes" : "no")})";
}
