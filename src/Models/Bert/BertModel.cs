using LlmForge.Autograd;
using LlmForge.Backends;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Inspection;
using LlmForge.Layers;

namespace LlmForge.Bert;

/// <summary>
/// A BERT encoder with its optional heads (<see cref="BertHeads"/>): <see cref="BertEmbeddings"/>, N
/// <see cref="BertBlock"/>s with bidirectional attention and a padding mask (post-LN as the original, or pre-LN
/// with a final norm) — attention, positional encoding and norms are the kinds of <see cref="BertComponents"/>,
/// by default those the config names — then the pooler (tanh(dense) on [CLS]), the masked-LM head (decoder tied to the word
/// embeddings) and a sequence classifier (dropout + linear on the pooled state). Parameter names — the public
/// contract, mapped to Hugging Face's by <see cref="BertParameterMap"/>: embeddings.*, blocks.{i}.*, final_norm.*,
/// pooler.dense.*, mlm_head.*, classifier.*.
/// </summary>
public sealed class BertModel : Module
{
    /// <summary>
    /// Builds the model of <paramref name="config"/> with <paramref name="heads"/> on <paramref name="backend"/>, with
    /// BERT's init (N(0, initializer_range²) weights and embeddings, zero biases and [PAD] row, unit norms) drawn from
    /// <paramref name="seed"/>, which also fixes every dropout mask of a run.
    /// </summary>
    /// <exception cref="ArgumentException">An invalid config (naming the property and its config.json key), or a classifier without labels.</exception>
    public BertModel(BertConfig config, ITensorBackend backend, BertHeads heads, int seed = 0, BertComponents? components = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(backend);
        config.Validate();
        if (heads.Classifier && config.Labels.Count == 0)
            throw new ArgumentException("BertModel: a classifier head needs class labels (BertConfig.Labels, config.json id2label).", nameof(config));
        Config = config;
        Backend = backend;
        Heads = heads with { Pooler = heads.Pooler || heads.Classifier };
        Components = components ?? BertComponents.For(config);

        var init = new ModuleInit(backend, seed, config.InitializerRange);
        Embeddings = RegisterModule("embeddings", new BertEmbeddings(init, config, Components));
        var blocks = new BertBlock[config.Layers];
        for (int i = 0; i < blocks.Length; i++) blocks[i] = new BertBlock(init, config, Components, i);
        Blocks = RegisterModule("blocks", new ModuleList<BertBlock>(blocks)).Items;
        if (config.NormPosition == LayerNormPosition.Pre)
            FinalNorm = RegisterComponent("final_norm", Components.Normalization.Create(
                new NormalizationContext(init, config.HiddenSize) { Epsilon = config.LayerNormEpsilon }));
        if (Heads.Pooler) Pooler = RegisterModule("pooler", new BertPooler(init, config.HiddenSize));
        if (Heads.MaskedLM) MlmHead = RegisterModule("mlm_head", new BertMlmHead(init, config, Components, Embeddings.TokenEmbedding.Weight));
        if (Heads.Classifier)
        {
            ClassifierDropout = RegisterModule("classifier_dropout", new Dropout(init, config.EffectiveClassifierDropRate));
            Classifier = RegisterModule("classifier", new Linear(init, config.HiddenSize, config.Labels.Count));
        }

        foreach (var (name, parameter) in NamedParameters())
            parameter.Name = name; // errors and ToString() then show "blocks.0.att.W_query.weight"
    }

    /// <summary>The sizes and settings the model was built from (what config.json records).</summary>
    public BertConfig Config { get; }

    /// <summary>The backend every parameter and activation of the model computes on.</summary>
    public ITensorBackend Backend { get; }

    /// <summary>The kinds the attention, positional encoding and norms were built from.</summary>
    public BertComponents Components { get; }

    /// <summary>The parts present (a classifier implies the pooler).</summary>
    public BertHeads Heads { get; }

    /// <summary>The input layer: ids (B, T) → hidden states (B, T, C).</summary>
    public BertEmbeddings Embeddings { get; }

    /// <summary>The <see cref="BertConfig.Layers"/> encoder layers, in order.</summary>
    public IReadOnlyList<BertBlock> Blocks { get; }

    /// <summary>Pre-LN only: the norm after the last block.</summary>
    public INormalization? FinalNorm { get; }

    /// <summary>
    /// The pooler (tanh(dense) on [CLS]), present when <see cref="Heads"/> has a pooler or a classifier; else null.
    /// </summary>
    public BertPooler? Pooler { get; }

    /// <summary>The masked-LM head, present when <see cref="Heads"/> has it; else null.</summary>
    public BertMlmHead? MlmHead { get; }

    /// <summary>
    /// classifier_dropout (or hidden_dropout_prob) on the pooled state (B, C) before the classifier; null without a
    /// classifier.
    /// </summary>
    public Dropout? ClassifierDropout { get; }

    /// <summary>
    /// The sequence classifier: pooled state (B, C) → logits (B, labels); null without a classifier head.
    /// </summary>
    public Linear? Classifier { get; }

    /// <summary>The encoder: (B, T) ids → hidden states (B, T, C).</summary>
    public Tensor Encode(BertInput input) => Encode(input, recorder: null);

    /// <summary>
    /// The encoder's hidden states (B, T, C) with what <paramref name="outputs"/> asks for (Hugging Face's
    /// output_attentions / output_hidden_states): every layer's attention probabilities (B, nh, T, T), computed by the
    /// unfused path only here (padding keys get 0), and the hidden states (B, T, C), the embeddings' output then each
    /// block's (before the pre-LN final norm). <see cref="ModelOutput.Output"/> is what <see cref="Encode(BertInput)"/> returns.
    /// </summary>
    /// <exception cref="NotSupportedException">Attentions asked of an attention kind that does not report them.</exception>
    public ModelOutput Encode(BertInput input, ForwardOutputs outputs)
    {
        var recorder = new ForwardRecorder(outputs, nameof(BertModel));
        return recorder.Result(Encode(input, recorder));
    }

    private Tensor Encode(BertInput input, ForwardRecorder? recorder)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.Validate(Config.MaxPositions, Config.TypeVocabSize);
        int b = input.Batch, t = input.SequenceLength;
        var types = input.TokenTypeIds ?? new int[input.InputIds.Length];
        var mask = input.AttentionMask is { } am ? AttentionMaskSpec.Padding(Array.ConvertAll(am, m => (byte)(m != 0 ? 1 : 0))) : new AttentionMaskSpec();

        var x = Embeddings.Forward(input.InputIds, types, b, t); // (B, T, C)
        recorder?.Hidden(x);
        foreach (var block in Blocks)                            // without a graph, each block's intermediates are reused by the next
        {
            x = recorder is null
                ? TensorArena.RunLayer((block, x, mask, Embeddings.Positions), static s => s.block.Forward(s.x, s.mask, s.Positions)) // (B, T, C)
                : TensorArena.RunLayer((block, x, mask, Embeddings.Positions, report: recorder.NextLayer()),
                    static s => s.block.Forward(s.x, s.mask, s.Positions, s.report));
            recorder?.Hidden(x);
        }
        return FinalNorm?.Forward(x) ?? x;
    }

    /// <summary>Hidden states, pooled [CLS] vector, MLM logits and class logits — each head the model has.</summary>
    public BertOutput Forward(BertInput input)
    {
        var hidden = Encode(input);
        var pooled = Pooler?.Forward(hidden);
        return new BertOutput(hidden, pooled, MlmHead?.Forward(hidden), pooled is null ? null : ClassifierHead(pooled));
    }

    /// <summary>Masked-LM logits (B, T, vocab).</summary>
    public Tensor MaskedLMLogits(BertInput input) => RequireMlmHead().Forward(Encode(input));

    /// <summary>
    /// Mean masked-LM cross-entropy over the positions whose label is not <paramref name="ignoreIndex"/> (HF's
    /// BertForMaskedLM loss). Only those positions go through the head — about 15% of a pretraining batch — which
    /// gives the same loss and gradients as scoring every position.
    /// </summary>
    /// <exception cref="ArgumentException">No position has a label, or a label is outside the vocabulary.</exception>
    public Tensor MaskedLMLoss(BertInput input, int[] labels, int ignoreIndex = -100)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(labels);
        var head = RequireMlmHead();
        if (labels.Length != input.InputIds.Length)
            throw new ArgumentException($"MaskedLMLoss: {labels.Length} labels for {input.InputIds.Length} input ids.", nameof(labels));
        var rows = new List<int>();
        var targets = new List<int>();
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] == ignoreIndex) continue;
            if ((uint)labels[i] >= (uint)Config.VocabSize)
                throw new ArgumentException($"MaskedLMLoss: label {labels[i]} at position {i} is outside the vocabulary [0, {Config.VocabSize}).", nameof(labels));
            rows.Add(i);
            targets.Add(labels[i]);
        }
        if (rows.Count == 0)
            throw new ArgumentException($"MaskedLMLoss: every label is {ignoreIndex}; nothing to predict.", nameof(labels));

        var hidden = Encode(input);                                            // (B, T, C)
        var chosen = hidden.Reshape(input.InputIds.Length, Config.HiddenSize) // (B·T, C)
            .Embedding([.. rows]);                                             // (M, C): a row gather, scatter-add backward
        return head.Forward(chosen).CrossEntropy([.. targets]);               // (M, vocab) → scalar
    }

    /// <summary>Classifier logits (B, labels) from the pooled [CLS] state.</summary>
    public Tensor ClassifierLogits(BertInput input)
    {
        if (Classifier is null) throw new InvalidOperationException($"BertModel: this {Heads} has no classifier head.");
        return ClassifierHead(Pooler!.Forward(Encode(input)))!;
    }

    /// <summary>Mean cross-entropy of the classifier against one class id per row.</summary>
    public Tensor ClassificationLoss(BertInput input, int[] classIds)
    {
        ArgumentNullException.ThrowIfNull(classIds);
        ArgumentNullException.ThrowIfNull(input);
        if (classIds.Length != input.Batch)
            throw new ArgumentException($"ClassificationLoss: {classIds.Length} class ids for a batch of {input.Batch}.", nameof(classIds));
        foreach (int c in classIds)
            if ((uint)c >= (uint)Config.Labels.Count)
                throw new ArgumentException($"ClassificationLoss: class id {c} is outside [0, {Config.Labels.Count}).", nameof(classIds));
        return ClassifierLogits(input).CrossEntropy(classIds);
    }

    private Tensor? ClassifierHead(Tensor pooled) =>
        Classifier is null ? null : Classifier.Forward(ClassifierDropout!.Forward(pooled)); // (B, C) → (B, labels)

    private BertMlmHead RequireMlmHead() =>
        MlmHead ?? throw new InvalidOperationException($"BertModel: this {Heads} has no masked-LM head.");
}
