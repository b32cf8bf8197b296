namespace LlmForge.Cli.Commands.Bench.Workloads;

// These types (the whole Workloads folder) are also compiled into benchmarks/TorchSharpPeer, so that
// LlmForge and its peer read the standard workloads file with the very same code.

/// <summary>What a workload times: a training step, a generation run, or an encoder forward pass.</summary>
public enum WorkloadKind
{
    /// <summary>forward + cross-entropy + backward + optimizer step + zero-grad, on random ids and targets.</summary>
    Train,

    /// <summary>prompt processing + greedy decoding of the new tokens, batch 1.</summary>
    Generate,

    /// <summary>one forward pass of an encoder without gradients.</summary>
    Encode,

    /// <summary>an encoder-decoder translating a batch: encode the sources once, then beam-search new_tokens tokens each.</summary>
    Translate,
}

/// <summary>The "model" object of a workload: the architecture and its hyperparameters (json keys in comments).</summary>
public sealed record WorkloadModel
{
    /// <summary>
    /// architecture: "gpt", "llama" (a decoder of Llama's parts: RMSNorm, rotary, SwiGLU, grouped-query attention), "bert"
    /// or "marian" (an encoder-decoder as MarianMT: n_layers encoder and n_layers decoder layers, post-LN, SiLU, sinusoids).
    /// </summary>
    public required string Architecture { get; init; }

    /// <summary>vocab_size.</summary>
    public required int VocabSize { get; init; }

    /// <summary>context_length: rows of the position embedding.</summary>
    public required int ContextLength { get; init; }

    /// <summary>emb_dim: the model width C.</summary>
    public required int EmbeddingDim { get; init; }

    /// <summary>n_heads.</summary>
    public required int Heads { get; init; }

    /// <summary>n_layers.</summary>
    public required int Layers { get; init; }

    /// <summary>drop_rate: every dropout of the model (0 in the standard file).</summary>
    public required float DropRate { get; init; }

    /// <summary>qkv_bias: whether the query/key/value projections have a bias.</summary>
    public required bool QkvBias { get; init; }

    /// <summary>tie_weights (gpt): the output head shares the token embedding.</summary>
    public bool TieWeights { get; init; }

    /// <summary>type_vocab_size (bert): rows of the token-type (segment) embedding.</summary>
    public int TypeVocabSize { get; init; }

    /// <summary>n_kv_heads (llama): key/value heads of grouped-query attention.</summary>
    public int KvHeads { get; init; }

    /// <summary>inner_dim (llama, marian): width of the feed-forward (llama: SwiGLU's).</summary>
    public int InnerDim { get; init; }

    /// <summary>rope_theta (llama): base of the rotary frequencies.</summary>
    public double RopeTheta { get; init; }
}

/// <summary>The "optimizer" object of a training workload: AdamW with decoupled weight decay.</summary>
public sealed record WorkloadOptimizer(string Name, float LearningRate, float Beta1, float Beta2, float WeightDecay);

/// <summary>
/// One named workload of the file. <see cref="WarmupSteps"/>/<see cref="TimedSteps"/> are warmup_steps/timed_steps
/// for training and warmup_runs/timed_runs for generation and encoding: one "step" is the unit that is timed.
/// </summary>
public sealed record Workload
{
    public required string Name { get; init; }

    public required WorkloadKind Kind { get; init; }

    public required WorkloadModel Model { get; init; }

    /// <summary>batch_size.</summary>
    public required int BatchSize { get; init; }

    /// <summary>seq_len (train, encode): tokens per sequence.</summary>
    public int SeqLen { get; init; }

    /// <summary>warmup_steps / warmup_runs: untimed repetitions first (JIT, buffers, page faults).</summary>
    public required int WarmupSteps { get; init; }

    /// <summary>timed_steps / timed_runs: the repetitions whose median is reported.</summary>
    public required int TimedSteps { get; init; }

    /// <summary>optimizer (train only).</summary>
    public WorkloadOptimizer? Optimizer { get; init; }

    /// <summary>prompt_tokens (generate).</summary>
    public int PromptTokens { get; init; }

    /// <summary>new_tokens (generate, translate): tokens generated per prompt or source.</summary>
    public int NewTokens { get; init; }

    /// <summary>num_beams (translate): beams per source.</summary>
    public int NumBeams { get; init; }

    /// <summary>
    /// Tokens one timed step accounts for in tokens_per_s: batch_size·seq_len for train and encode,
    /// batch_size·new_tokens for generate and translate (prompt processing or encoding is timed but not counted; a
    /// translation's tokens are the output's, not every beam's).
    /// </summary>
    public long TokensPerStep => Kind is WorkloadKind.Generate or WorkloadKind.Translate ? (long)BatchSize * NewTokens : (long)BatchSize * SeqLen;
}
