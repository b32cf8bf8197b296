using LlmForge.Backends.Managed;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Tokenization;

namespace LlmForge.Tests;

/// <summary>Tiny random-weight model directories, written by each test into its own temporary directory.</summary>
internal static class TinyModels
{
    /// <summary>ChatML as SmolLM2's tokenizer_config.json writes it (without the default system message).</summary>
    public const string ChatMlTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /// <summary>
    /// A GPT-2-layout directory: a small byte-level BPE tokenizer.json with ChatML's special tokens (449 ids), a random
    /// decoder (n_embd 16, 2 layers, context 64) and, unless <paramref name="chatTemplate"/> is null, a
    /// tokenizer_config.json with that chat_template.
    /// </summary>
    public static string WriteGpt(string directory, string? chatTemplate = ChatMlTemplate, int seed = 7)
    {
        File.Copy(FixturePath.Of("tokenizer-json", "tokenizer.json"), Path.Combine(directory, "tokenizer.json"));
        var tokenizer = TokenizerJson.Load(Path.Combine(directory, "tokenizer.json"));
        var config = new GptConfig
        {
            VocabSize = tokenizer.VocabSize, ContextLength = 64, EmbeddingDim = 16, Layers = 2, Heads = 2, TieWeights = false,
            EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0,
        };
        Gpt2Checkpoint.Save(new GptModel(config, new ManagedBackend(), seed), directory);
        if (chatTemplate is not null)
            File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"),
                System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["chat_template"] = chatTemplate, ["eos_token"] = "<|im_end|>" }));
        return directory;
    }

    /// <summary>
    /// A Llama-layout directory (SmolLM2's architecture, shrunk: RMSNorm, rotary positions, SwiGLU, grouped-query
    /// attention, tied embeddings) with the same tokenizer and ChatML template as <see cref="WriteGpt"/>.
    /// </summary>
    public static string WriteLlama(string directory)
    {
        File.Copy(FixturePath.Of("tokenizer-json", "tokenizer.json"), Path.Combine(directory, "tokenizer.json"));
        int vocab = TokenizerJson.Load(Path.Combine(directory, "tokenizer.json")).VocabSize;
        var config = GptConfigJson.Parse($$"""
            {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": {{vocab}}, "hidden_size": 16,
             "intermediate_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
             "hidden_act": "silu", "max_position_embeddings": 128, "rms_norm_eps": 1e-05, "rope_theta": 10000,
             "tie_word_embeddings": true, "attention_bias": false, "mlp_bias": false, "eos_token_id": 448}
            """);
        Gpt2Checkpoint.Save(new GptModel(config, new ManagedBackend(), seed: 11), directory);
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"),
            System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["chat_template"] = ChatMlTemplate }));
        return directory;
    }

    /// <summary>The words of the tiny BERT's vocabulary (after [PAD], [UNK], [CLS], [SEP], [MASK]).</summary>
    public static readonly string[] BertWords = ["the", "cat", "sat", "on", "mat", "a", "dog", "ran", "far", "away", "hello", "world", "."];

    /// <summary>A BERT directory: vocab.txt (+ tokenizer_config.json) and a random encoder (hidden 16, 2 layers).</summary>
    public static string WriteBert(string directory)
    {
        string[] vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. BertWords];
        WordPieceTokenizerFiles.Save(new WordPieceTokenizer(vocabulary), directory);
        var config = new BertConfig
        {
            VocabSize = vocabulary.Length, HiddenSize = 16, Layers = 2, Heads = 2, IntermediateSize = 32, MaxPositions = 32,
            HiddenDropRate = 0, AttentionDropRate = 0,
        };
        BertCheckpoint.Save(new BertModel(config, new ManagedBackend(), new BertHeads(Pooler: false, MaskedLM: false), seed: 3), directory);
        return directory;
    }
}
