namespace LlmForge.Tests.Cli.Bench;

/// <summary>A workloads file in the standard format with tiny shapes, so the bench plumbing runs in milliseconds.</summary>
internal static class TinyWorkloads
{
    public const string Gpt = """
        { "architecture": "gpt", "vocab_size": 11, "context_length": 8, "emb_dim": 8, "n_heads": 2, "n_layers": 1,
          "drop_rate": 0.0, "qkv_bias": true, "tie_weights": true }
        """;

    public const string Json = $$"""
        {
          "about": "tiny shapes for tests",
          "workloads": {
            "tiny-train": {
              "kind": "train", "model": {{Gpt}},
              "batch_size": 2, "seq_len": 4, "warmup_steps": 1, "timed_steps": 2,
              "optimizer": { "name": "adamw", "lr": 0.001, "betas": [0.9, 0.95], "weight_decay": 0.1 },
              "metric": "tokens_per_s = batch_size*seq_len / median(step seconds)"
            },
            "tiny-generate": {
              "kind": "generate", "model": {{Gpt}},
              "batch_size": 1, "prompt_tokens": 3, "new_tokens": 4, "sampling": "greedy", "warmup_runs": 0, "timed_runs": 1
            },
            "tiny-generate-llama": {
              "kind": "generate",
              "model": { "architecture": "llama", "vocab_size": 11, "context_length": 8, "emb_dim": 12, "n_heads": 3, "n_kv_heads": 1,
                         "n_layers": 1, "inner_dim": 20, "rope_theta": 100000, "drop_rate": 0.0, "qkv_bias": false, "tie_weights": true },
              "batch_size": 1, "prompt_tokens": 3, "new_tokens": 4, "sampling": "greedy", "warmup_runs": 0, "timed_runs": 1
            },
            "tiny-encode": {
              "kind": "encode",
              "model": { "architecture": "bert", "vocab_size": 11, "context_length": 8, "emb_dim": 8, "n_heads": 2, "n_layers": 1,
                         "drop_rate": 0.0, "qkv_bias": true, "type_vocab_size": 2 },
              "batch_size": 2, "seq_len": 4, "warmup_runs": 0, "timed_runs": 1
            },
            "tiny-translate": {
              "kind": "translate",
              "model": { "architecture": "marian", "vocab_size": 11, "context_length": 8, "emb_dim": 8, "n_heads": 2, "n_layers": 1,
                         "inner_dim": 12, "drop_rate": 0.0, "qkv_bias": true, "tie_weights": true },
              "batch_size": 2, "seq_len": 4, "new_tokens": 3, "num_beams": 2, "warmup_runs": 0, "timed_runs": 1
            }
          }
        }
        """;
}
