using LlmForge.Backends;

namespace LlmForge.AI.Chat;

/// <summary>
/// What <see cref="LlmForgeChatClient"/> loads and its defaults for requests whose <c>ChatOptions</c> leave a setting
/// unset. <see cref="Validate"/> runs before the model is loaded; its errors name the key.
/// </summary>
public sealed class LlmForgeChatClientOptions
{
    /// <summary>A causal LM directory LlmForge loads (GPT-2, Llama-family: config.json, model.safetensors, tokenizer files). Required.</summary>
    public string ModelDirectory { get; set; } = "";

    /// <summary>
    /// The chat format by name (<see cref="ChatPromptFormats.Names"/>: chatml, llama-3, llama-3.1, alpaca, plain); null: the
    /// directory's chat_template, or plain when it has none.
    /// </summary>
    public string? ChatTemplate { get; set; }

    /// <summary>The compute backend; null: the container's <see cref="ITensorBackend"/>, else the managed backend.</summary>
    public ITensorBackend? Backend { get; set; }

    /// <summary>Multiply by bfloat16 copies of the linear layers' weights (half the bytes read per token).</summary>
    public bool BFloat16Weights { get; set; }

    /// <summary>Multiply by 8-bit copies of the linear layers' weights (q8_0 blocks of 32, 28 % of the bytes); not with <see cref="BFloat16Weights"/>.</summary>
    public bool Int8Weights { get; set; }

    /// <summary>New tokens per reply when a request sets no MaxOutputTokens (default 256).</summary>
    public int MaxOutputTokens { get; set; } = 256;

    /// <summary>Sampling temperature when a request sets none (default 1; 0 = greedy).</summary>
    public float Temperature { get; set; } = 1f;

    /// <summary>Top-k when a request sets none (0 = off, the default).</summary>
    public int TopK { get; set; }

    /// <summary>Top-p when a request sets none (1 = off, the default).</summary>
    public float TopP { get; set; } = 1f;

    /// <summary>Sampling seed when a request sets none (default 1337: the same chat gives the same reply).</summary>
    public ulong Seed { get; set; } = 1337;

    /// <summary>Throws naming the first bad key.</summary>
    /// <exception cref="ArgumentException">An empty or missing <see cref="ModelDirectory"/>, an unknown <see cref="ChatTemplate"/>, or a value out of range.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelDirectory))
            throw new ArgumentException($"{nameof(ModelDirectory)} is required: a GPT-2 or Llama-family model directory.", nameof(ModelDirectory));
        if (!Directory.Exists(ModelDirectory))
            throw new ArgumentException($"{nameof(ModelDirectory)} '{ModelDirectory}': no such directory.", nameof(ModelDirectory));
        if (ChatTemplate is not null && !IsKnown(ChatTemplate))
            throw new ArgumentException($"{nameof(ChatTemplate)} \"{ChatTemplate}\" is unknown; expected one of {string.Join(", ", ChatPromptFormats.Names)}.", nameof(ChatTemplate));
        if (BFloat16Weights && Int8Weights)
            throw new ArgumentException($"{nameof(Int8Weights)} and {nameof(BFloat16Weights)} are both set; choose one format for the weights.", nameof(Int8Weights));
        if (MaxOutputTokens < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxOutputTokens), MaxOutputTokens, $"{nameof(MaxOutputTokens)} must be ≥ 1.");
        if (!(Temperature >= 0) || float.IsInfinity(Temperature))
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, $"{nameof(Temperature)} must be ≥ 0 (0 = greedy).");
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, $"{nameof(TopK)} must be ≥ 0 (0 = off).");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, $"{nameof(TopP)} must be in (0, 1].");
    }

    private static bool IsKnown(string name)
    {
        try
        {
            ChatPromptFormats.Named(name);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
